//! The Anhui provincial platform (`/public/column/{organId}?type=4&action=list&catId=…` columns).
//!
//! The disclosure list is a label the page's script loads:
//! `GET /site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList&siteId=…&pageSize=15&pageIndex=N&action=list&isDate=true&dateFormat=yyyy-MM-dd&length=80&organId=…&type=4&catId=…&file=%2Fxxgk%2FpublicInfoList_newest2020`,
//! answered with an HTML fragment of rows (`<li><a href="/public/6596471/25874903.html" title="…">…</a><span class="date">2024-01-20</span></li>`)
//! and a pager. The page's script either holds that URL or its parameters
//! (`labelName: 'publicInfoList', siteId: '…', …`). Each non-empty page asks for the next, up to
//! the page count the pager announces.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::{
    fragment_items, inline_scripts, object_around, script_number, script_params, AdapterName,
    ListAdapter, ListPage, ListRequest, Method, MAX_LIST_PAGES,
};

/// The label parameters taken from a script object, in the order the label script sends them.
const KEYS: [&str; 18] = [
    "labelName",
    "siteId",
    "pageSize",
    "action",
    "fuzzySearch",
    "fromCode",
    "keyWords",
    "sortType",
    "isDate",
    "dateFormat",
    "length",
    "organId",
    "type",
    "catIds",
    "cId",
    "result",
    "file",
    "catId",
];

/// Anhui `site/label/8888` `publicInfoList` labels.
#[derive(Debug, Clone, Copy, Default)]
pub struct Anhui;

impl ListAdapter for Anhui {
    fn name(&self) -> AdapterName {
        AdapterName::Anhui
    }

    fn detect(&self, page_url: &Url, html: &str) -> Option<ListPage> {
        if !html.contains("publicInfoList") {
            return None;
        }
        let scripts = inline_scripts(html);
        let pairs = label_url(html, &scripts)
            .and_then(|u| page_url.join(&u).ok())
            .map(|u| {
                u.query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect::<Vec<_>>()
            })
            .or_else(|| label_object(&scripts))?;
        if !pairs
            .iter()
            .any(|(k, v)| k == "labelName" && v == "publicInfoList")
        {
            return None;
        }
        let mut column = page_url.clone();
        column.set_fragment(None);
        let mut query = vec![
            ("IsAjax".to_string(), "1".to_string()),
            ("dataType".to_string(), "html".to_string()),
        ];
        query.extend(
            pairs
                .into_iter()
                .filter(|(k, _)| !["IsAjax", "dataType", "_", "pageIndex"].contains(&k.as_str())),
        );
        query.push(("pageIndex".into(), "1".into()));
        let label_path = label_path(html).unwrap_or_else(|| "/site/label/8888".to_string());
        let mut url = page_url.join(&label_path).ok()?;
        url.query_pairs_mut().clear().extend_pairs(&query);
        Some(ListPage {
            items: Vec::new(),
            next: vec![ListRequest {
                adapter: AdapterName::Anhui,
                method: Method::Get,
                url,
                form: Vec::new(),
                page: 1,
                column,
            }],
            total: None,
        })
    }

    fn parse(&self, request: &ListRequest, body: &str) -> ListPage {
        static PAGES: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"共\s*(\d+)\s*页").expect("valid regex"));
        let mut items = fragment_items(body, &request.column);
        items.retain(|i| {
            !i.url.path().contains("/site/label/") && !i.url.as_str().contains("pageIndex=")
        });
        let pages = PAGES
            .captures(body)
            .and_then(|c| c[1].parse::<u32>().ok())
            .or_else(|| {
                script_number(body, &["pageCount", "totalPage", "pageTotal", "totalPages"])
            });
        let more = !items.is_empty()
            && request.page < MAX_LIST_PAGES
            && pages.is_none_or(|p| request.page < p);
        let mut next = Vec::new();
        if more {
            next.push(request.for_page("pageIndex", request.page + 1));
        }
        ListPage {
            items,
            next,
            total: None,
        }
    }
}

/// A label URL in the page: a literal (`"/site/label/8888?…labelName=publicInfoList…"`,
/// `&amp;` undone), or a script concatenation of literals and variables
/// (`"…&siteId=" + siteId + "&pageSize=15…"`), each variable replaced by the value the scripts
/// give it (nothing when they give none).
fn label_url(html: &str, scripts: &str) -> Option<String> {
    static START: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"["'][^"'\s<>]*/site/label/\d+\?"#).expect("valid regex"));
    static IDENT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[A-Za-z_$][\w$.]*").expect("valid regex"));
    for m in START.find_iter(html) {
        let mut rest = &html[m.start()..];
        let mut url = String::new();
        loop {
            let quote = rest.chars().next()?;
            let Some(end) = rest[1..].find(quote) else {
                break;
            };
            url.push_str(&rest[1..=end]);
            rest = rest[end + 2..].trim_start();
            let Some(after) = rest.strip_prefix('+') else {
                break;
            };
            rest = after.trim_start();
            if let Some(ident) = IDENT.find(rest) {
                let name = ident.as_str().rsplit('.').next().unwrap_or_default();
                if let Some((_, value)) = script_params(scripts, &[name]).pop() {
                    url.push_str(&value);
                }
                rest = rest[ident.end()..].trim_start();
                let Some(after) = rest.strip_prefix('+') else {
                    break;
                };
                rest = after.trim_start();
            }
            if !rest.starts_with(['"', '\'']) {
                break;
            }
        }
        let url = url.replace("&amp;", "&");
        if url.contains("labelName=publicInfoList") {
            return Some(url);
        }
    }
    None
}

/// The label parameters of a script object literal naming `labelName: 'publicInfoList'`.
fn label_object(scripts: &str) -> Option<Vec<(String, String)>> {
    scripts.match_indices("publicInfoList").find_map(|(at, _)| {
        let object = object_around(scripts, at, 2000)?;
        let params = script_params(object, &KEYS);
        params
            .iter()
            .any(|(k, v)| k == "labelName" && v == "publicInfoList")
            .then_some(params)
    })
}

/// The label path the page uses (`/site/label/8888`, `/chuzhou/site/label/8888`).
fn label_path(html: &str) -> Option<String> {
    static PATH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"((?:/[\w\-]+)*/site/label/\d+)"#).expect("valid regex"));
    Some(PATH.captures(html)?[1].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::{detect, parse};

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    const SHELL: &str = r##"<html><head><title>政府信息公开年报_某县人民政府</title></head><body>
<div class="xxgk_right"><div id="xxgk_lmcon"></div></div>
<script type="text/javascript">
  $(function () {
    $("#xxgk_lmcon").load("/site/label/8888?IsAjax=1&dataType=html&_=0.3893540020131372&labelName=publicInfoList&siteId=6788721&pageSize=2&pageIndex=1&action=list&isDate=true&dateFormat=yyyy-MM-dd&length=80&organId=21731&type=4&catIds=&cId=&result=%E6%9A%82%E6%97%A0%E7%9B%B8%E5%85%B3%E4%BF%A1%E6%81%AF&file=%2Fxxgk%2FpublicInfoList_newest2020&catId=32710511");
  });
</script></body></html>"##;

    const FRAGMENT: &str = r#"<ul class="clearfix xxgk_nav_list">
<li><a href="/public/21731/146390061.html" class="title" title="某县2023年政府信息公开工作年度报告">某县2023年政府信息公开工作年度报告</a><span class="date">2024-01-19</span></li>
<li><a href="/public/21731/146390062.html" class="title" title="某县2022年政府信息公开工作年度报告">某县2022年…</a><span class="date">2023-01-20</span></li>
</ul>
<div class="pagination"><a href="javascript:void(0)" onclick="pageIndex(2)">下一页</a> 共 2 页</div>"#;

    #[test]
    fn anhui_label_request_from_the_page() {
        let col = url(
            "https://www.mx.gov.cn/public/column/21731?type=4&action=list&nav=3&catId=32710511",
        );
        let (name, page) = detect(&col, SHELL).expect("detected");
        assert_eq!(name, AdapterName::Anhui);
        let req = &page.next[0];
        assert_eq!((req.method, req.page), (Method::Get, 1));
        assert_eq!(req.url.path(), "/site/label/8888");
        assert_eq!(
            req.query_value("labelName").as_deref(),
            Some("publicInfoList")
        );
        assert_eq!(req.query_value("catId").as_deref(), Some("32710511"));
        assert_eq!(req.query_value("pageIndex").as_deref(), Some("1"));
        assert_eq!(req.query_value("_"), None);
        assert_eq!(
            req.query_value("file").as_deref(),
            Some("/xxgk/publicInfoList_newest2020")
        );
        assert!(req.url.as_str().starts_with(
            "https://www.mx.gov.cn/site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList&siteId=6788721"
        ));
    }

    #[test]
    fn anhui_fragment_pages() {
        let col = url(
            "https://www.mx.gov.cn/public/column/21731?type=4&action=list&nav=3&catId=32710511",
        );
        let first = Anhui.detect(&col, SHELL).unwrap().next.remove(0);
        let page = parse(&first, FRAGMENT);
        assert_eq!(page.items.len(), 2);
        assert_eq!(
            page.items[0].url.as_str(),
            "https://www.mx.gov.cn/public/21731/146390061.html"
        );
        assert_eq!(page.items[1].title, "某县2022年政府信息公开工作年度报告");
        assert_eq!(page.items[1].date.as_deref(), Some("2023-01-20"));
        assert_eq!(page.next.len(), 1);
        assert_eq!(page.next[0].query_value("pageIndex").as_deref(), Some("2"));
        let last = parse(&page.next[0], FRAGMENT);
        assert!(last.next.is_empty());
        let empty = parse(&first, "<ul></ul><p>暂无相关信息</p>");
        assert!(empty.items.is_empty() && empty.next.is_empty());
    }

    #[test]
    fn anhui_concatenated_label_url() {
        let html = r##"<script type="text/javascript">
  var siteId = "6788721", organId = '21731';
  var catId = "32710511";
  function load(pageIndex) {
    $("#xxgk_lmcon").load("/site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList&siteId=" + siteId
      + "&pageSize=15&pageIndex=" + pageIndex + "&action=list&organId=" + organId + '&type=4&catId=' + window.catId
      + "&file=%2Fxxgk%2FpublicInfoList_newest2020");
  }
</script>"##;
        let col = url("https://www.mx.gov.cn/public/column/21731?type=4&catId=32710511");
        let page = Anhui.detect(&col, html).unwrap();
        let req = &page.next[0];
        let got: Vec<(String, String)> = req
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let want: Vec<(String, String)> = [
            ("IsAjax", "1"),
            ("dataType", "html"),
            ("labelName", "publicInfoList"),
            ("siteId", "6788721"),
            ("pageSize", "15"),
            ("action", "list"),
            ("organId", "21731"),
            ("type", "4"),
            ("catId", "32710511"),
            ("file", "/xxgk/publicInfoList_newest2020"),
            ("pageIndex", "1"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn anhui_params_in_a_script_object() {
        let html = r#"<script type="text/javascript">var opts = { labelName: 'publicInfoList', siteId: '10914581', organId: '4140867',
            pageSize: '30', catId: '6719764', type: '4', file: '/shiyjj/publicInfoList_newest2020' };
            $.get('/site/label/8888', opts);</script>"#;
        let col = url("https://mpa.ah.gov.cn/public/column/4140867?type=4&catId=6719764");
        let page = Anhui.detect(&col, html).unwrap();
        let req = &page.next[0];
        assert_eq!(req.query_value("siteId").as_deref(), Some("10914581"));
        assert_eq!(req.query_value("pageIndex").as_deref(), Some("1"));
        assert!(Anhui.detect(&col, "<p>publicInfoList</p>").is_none());
    }
}
