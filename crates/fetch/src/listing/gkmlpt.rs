//! The Guangdong disclosure catalogue (政府信息公开目录管理平台, `…/gkmlpt/index`).
//!
//! The catalogue page is a script application configured in the page,
//! `window._CONFIG = { SID: '755041', …, TREE: [{"id":721,"name":"政府信息公开年报",…,"children":[…]}], … }`;
//! a category is chosen with the fragment (`/gkmlpt/index#721`). Its items come from
//! `GET …/gkmlpt/api/all/{catId}?page=N&sid=SID`, answered with
//! `{"classify":{"post_count":145},"total":145,"articles":[{"title":…,"url":…,"created_at":"2024-01-20 10:00:00"}]}`.
//!
//! The categories asked for: the page URL's fragment when it names one; otherwise every catalogue
//! node named like a report column (年报, 年度报告); otherwise the whole catalogue (category 0).
//! Page 1's answer asks for every further page at once.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;
use url::Url;

use super::{
    date_in, item_url, pages_for, script_params, AdapterName, ListAdapter, ListItem, ListPage,
    ListRequest, Method,
};

/// Guangdong gkmlpt catalogues.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gkmlpt;

impl ListAdapter for Gkmlpt {
    fn name(&self) -> AdapterName {
        AdapterName::Gkmlpt
    }

    fn detect(&self, page_url: &Url, html: &str) -> Option<ListPage> {
        if !html.contains("gkmlpt") || !html.contains("_CONFIG") {
            return None;
        }
        let sid = script_params(html, &["SID"]).pop()?.1;
        if sid.is_empty() || !sid.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let prefix = match page_url.path().find("/gkmlpt/") {
            Some(i) => page_url.path()[..i + "/gkmlpt/".len()].to_string(),
            None => "/gkmlpt/".to_string(),
        };
        let categories: Vec<String> = match page_url
            .fragment()
            .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
        {
            Some(id) => vec![id.to_string()],
            None => {
                let named = report_nodes(html);
                if named.is_empty() {
                    vec!["0".to_string()]
                } else {
                    named
                }
            }
        };
        let mut column = page_url.clone();
        column.set_fragment(None);
        column.set_query(None);
        let next = categories
            .iter()
            .filter_map(|cat| {
                let mut url = page_url.join(&format!("{prefix}api/all/{cat}")).ok()?;
                url.set_fragment(None);
                url.query_pairs_mut()
                    .append_pair("page", "1")
                    .append_pair("sid", &sid);
                Some(ListRequest {
                    adapter: AdapterName::Gkmlpt,
                    method: Method::Get,
                    url,
                    form: Vec::new(),
                    page: 1,
                    column: column.clone(),
                })
            })
            .collect();
        Some(ListPage {
            items: Vec::new(),
            next,
            total: None,
        })
    }

    fn parse(&self, request: &ListRequest, body: &str) -> ListPage {
        let Ok(json) = serde_json::from_str::<Value>(body) else {
            return ListPage::default();
        };
        let articles = json
            .get("articles")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let items: Vec<ListItem> = articles
            .iter()
            .filter_map(|a| {
                let href = a
                    .get("url")
                    .or_else(|| a.get("post_url"))
                    .and_then(Value::as_str)?;
                Some(ListItem {
                    url: item_url(&request.column, href)?,
                    title: a.get("title").and_then(Value::as_str)?.trim().to_string(),
                    date: ["created_at", "publish_time", "date"]
                        .iter()
                        .find_map(|k| a.get(*k).and_then(Value::as_str).and_then(date_in)),
                })
            })
            .collect();
        let total = json
            .get("total")
            .or_else(|| json.pointer("/classify/post_count"))
            .and_then(Value::as_u64)
            .and_then(|t| u32::try_from(t).ok());
        let mut next = Vec::new();
        if let (1, Some(total)) = (request.page, total) {
            let per_page = u32::try_from(articles.len()).unwrap_or(u32::MAX);
            for n in 2..=pages_for(total, per_page) {
                next.push(request.for_page("page", n));
            }
        }
        ListPage { items, next, total }
    }
}

/// Catalogue nodes whose name is a report column (年报, 年度报告), as ids.
fn report_nodes(html: &str) -> Vec<String> {
    static ID_NAME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""id"\s*:\s*(\d+)[^{}\[\]]*?"name"\s*:\s*"((?:[^"\\]|\\.)*)""#)
            .expect("valid regex")
    });
    static NAME_ID: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""name"\s*:\s*"((?:[^"\\]|\\.)*)"[^{}\[\]]*?"id"\s*:\s*(\d+)"#)
            .expect("valid regex")
    });
    let unescape =
        |s: &str| serde_json::from_str::<String>(&format!("\"{s}\"")).unwrap_or_default();
    let pairs = ID_NAME
        .captures_iter(html)
        .map(|c| (c[1].to_string(), unescape(&c[2])))
        .chain(
            NAME_ID
                .captures_iter(html)
                .map(|c| (c[2].to_string(), unescape(&c[1]))),
        );
    let mut out: Vec<String> = Vec::new();
    for (id, name) in pairs {
        if (name.contains("年报") || name.contains("年度报告")) && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::{detect, parse};

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    const SHELL: &str = r#"<!DOCTYPE html><html><head><title>政府信息公开目录</title>
<script>
window._CONFIG = {
  SID: '755041',
  SITE_NAME: '某区人民政府',
  TREE: [{"id":20760,"name":"\u6cd5\u5b9a\u4e3b\u52a8\u516c\u5f00\u5185\u5bb9","children":[{"id":20765,"name":"政府信息公开年报","post_count":12,"children":[]},{"id":20766,"name":"部门预决算","children":[]}]},{"name":"\u653f\u5e9c\u4fe1\u606f\u516c\u5f00\u5e74\u5ea6\u62a5\u544a","id":20770,"children":[]}],
  SERVICE_AREA_ID: 440310
};
</script><script src="/gkmlpt/gkml/pc/js/chunk-common.c1553651.js"></script></head><body><div id="app"></div></body></html>"#;

    #[test]
    fn gkmlpt_report_categories_from_the_tree() {
        let col = url("http://www.szpsq.gov.cn/gkmlpt/index");
        let (name, page) = detect(&col, SHELL).expect("detected");
        assert_eq!(name, AdapterName::Gkmlpt);
        let urls: Vec<&str> = page.next.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://www.szpsq.gov.cn/gkmlpt/api/all/20765?page=1&sid=755041",
                "http://www.szpsq.gov.cn/gkmlpt/api/all/20770?page=1&sid=755041"
            ]
        );
        assert!(page.items.is_empty());
    }

    #[test]
    fn gkmlpt_fragment_and_department_prefix() {
        let col = url("http://www.yangjiang.gov.cn/yjzjj/gkmlpt/index#721");
        let page = Gkmlpt.detect(&col, SHELL).unwrap();
        assert_eq!(
            page.next[0].url.as_str(),
            "http://www.yangjiang.gov.cn/yjzjj/gkmlpt/api/all/721?page=1&sid=755041"
        );
        assert_eq!(
            page.next[0].column.as_str(),
            "http://www.yangjiang.gov.cn/yjzjj/gkmlpt/index"
        );
        let no_tree = "<script>window._CONFIG = { SID: '200165' };</script><script src='/gkmlpt/x.js'></script>";
        let all = Gkmlpt
            .detect(&url("http://www.lw.gov.cn/gkmlpt/index"), no_tree)
            .unwrap();
        assert_eq!(
            all.next[0].url.as_str(),
            "http://www.lw.gov.cn/gkmlpt/api/all/0?page=1&sid=200165"
        );
        assert!(Gkmlpt.detect(&col, "<p>gkmlpt</p>").is_none());
    }

    #[test]
    fn gkmlpt_articles_and_pages() {
        let col = url("http://www.szpsq.gov.cn/gkmlpt/index");
        let first = Gkmlpt.detect(&col, SHELL).unwrap().next.remove(0);
        let body = r#"{"classify":{"id":20765,"name":"政府信息公开年报","post_count":5},"total":5,
          "articles":[
            {"id":963149,"title":"坪山区2023年政府信息公开工作年度报告","url":"http://www.szpsq.gov.cn/gkmlpt/content/0/963/post_963149.html","created_at":"2024-01-18 16:25:04"},
            {"id":963150,"title":"关于某某的公示","url":"/gkmlpt/content/0/963/post_963150.html","created_at":"2023-12-01 09:00:00"}
          ]}"#;
        let page = parse(&first, body);
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[0].title, "坪山区2023年政府信息公开工作年度报告");
        assert_eq!(page.items[0].date.as_deref(), Some("2024-01-18"));
        assert_eq!(
            page.items[1].url.as_str(),
            "http://www.szpsq.gov.cn/gkmlpt/content/0/963/post_963150.html"
        );
        assert_eq!(page.total, Some(5));
        let urls: Vec<&str> = page.next.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://www.szpsq.gov.cn/gkmlpt/api/all/20765?page=2&sid=755041",
                "http://www.szpsq.gov.cn/gkmlpt/api/all/20765?page=3&sid=755041"
            ]
        );
        let last = parse(
            &page.next[1],
            r#"{"total":5,"articles":[{"title":"x","url":"/gkmlpt/content/1.html"}]}"#,
        );
        assert_eq!((last.items.len(), last.next.len()), (1, 0));
        assert_eq!(parse(&first, "not json"), ListPage::default());
    }
}
