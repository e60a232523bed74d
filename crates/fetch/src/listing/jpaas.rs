//! 开普云 jpaas build units (many ministries and Zhejiang/Jiangsu/Shandong sites).
//!
//! The column page declares the unit on a script tag,
//!
//! ```text
//! <script src="/AuthorizedRead/unitbuild.js" url="/api-gateway/jpaas-publish-server/front/page/build/unit"
//!   queryData="{'webId':'…','pageId':'…','tplSetId':'…','pageType':'column','tagId':'当前栏目list','editType':'null'}"></script>
//! ```
//!
//! (or the same keys in a script), and `unitbuild.js` asks
//! `GET {url}?parseType=bulidstatic&webId=…&pageId=…&…` for page 1, and adds
//! `paramJson={"pageNo":N,"pageSize":M}` for page N. The answer is
//! `{"success":true,"data":{"html":"<ul>…</ul><div class=\"pagination\" rows=\"15\" count=\"387\">…"}}`:
//! the list fragment, with the page size and the item count on the pager. Page 1's answer asks
//! for every further page at once; without a count, each non-empty page asks for the next.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::{
    around, fragment_items, pages_for, script_params, AdapterName, ListAdapter, ListPage,
    ListRequest, Method, MAX_LIST_PAGES,
};

/// The build-unit endpoint when the page names none.
const UNIT_PATH: &str = "/api-gateway/jpaas-publish-server/front/page/build/unit";

/// The unit parameters, in the order they are sent.
const KEYS: [&str; 7] = [
    "parseType",
    "webId",
    "tplSetId",
    "pageType",
    "tagId",
    "editType",
    "pageId",
];

/// 开普云 jpaas build units.
#[derive(Debug, Clone, Copy, Default)]
pub struct Jpaas;

impl ListAdapter for Jpaas {
    fn name(&self) -> AdapterName {
        AdapterName::Jpaas
    }

    fn detect(&self, page_url: &Url, html: &str) -> Option<ListPage> {
        let at = html.find("jpaas-publish-server")?;
        let endpoint = endpoint(html).unwrap_or_else(|| UNIT_PATH.to_string());
        let endpoint = page_url.join(&endpoint).ok()?;
        // A `queryData` declaration (the list's, when the page declares several units), else
        // the keys in a script near the endpoint, else anywhere.
        let mut params = query_data(html).unwrap_or_default();
        if !required(&params) {
            params = params_in(around(html, at, 3000));
        }
        if !required(&params) {
            params = params_in(html);
        }
        if !required(&params) {
            return Some(ListPage::default());
        }
        let mut url = endpoint;
        url.query_pairs_mut().clear().extend_pairs(&params);
        let mut column = page_url.clone();
        column.set_query(None);
        Some(ListPage {
            items: Vec::new(),
            next: vec![ListRequest {
                adapter: AdapterName::Jpaas,
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
        let Some(fragment) = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v.pointer("/data/html")?.as_str().map(str::to_string))
        else {
            return ListPage::default();
        };
        let items = fragment_items(&fragment, &request.column);
        let (rows, count) = pager(&fragment);
        let mut next = Vec::new();
        match (rows, count) {
            (Some(rows), Some(count)) if rows > 0 => {
                if request.page == 1 {
                    for n in 2..=pages_for(count, rows) {
                        next.push(page_request(request, n, rows));
                    }
                }
            }
            _ => {
                if !items.is_empty() && request.page < MAX_LIST_PAGES {
                    let size = rows.filter(|&r| r > 0).unwrap_or(items.len() as u32);
                    next.push(page_request(request, request.page + 1, size));
                }
            }
        }
        ListPage {
            items,
            next,
            total: count,
        }
    }
}

/// The endpoint the page names (`url="/api-gateway/…/build/unit"`).
fn endpoint(html: &str) -> Option<String> {
    static URL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"((?:https?://[^\s"'<>]+)?/api-gateway/jpaas-publish-server/[\w/\-]+)"#)
            .expect("valid regex")
    });
    Some(URL.captures(html)?[1].to_string())
}

/// The unit parameters of a declaration (`queryData="{'webId':'…'}"`, `webId: "…"`,
/// `data-web-id`-free forms only), with `parseType` and `editType` defaulted as unitbuild.js does.
fn params_in(text: &str) -> Vec<(String, String)> {
    let text = text.replace("&quot;", "\"").replace("&#39;", "'");
    let found = script_params(&text, &KEYS);
    KEYS.iter()
        .filter_map(|key| {
            let value = found
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .or_else(|| match *key {
                    "parseType" => Some("bulidstatic".to_string()),
                    "editType" => Some("null".to_string()),
                    "pageType" => Some("column".to_string()),
                    _ => None,
                })?;
            Some((key.to_string(), value))
        })
        .collect()
}

/// The unit parameters of the page's `queryData="{'webId':'…',…}"` declarations, every key as
/// declared (with `parseType`, `pageType` and `editType` defaulted as unitbuild.js sends them):
/// the declaration of a list unit (its `tagId` names a list, 列表, 栏目, 分页 or 内容) first.
fn query_data(html: &str) -> Option<Vec<(String, String)>> {
    static DECL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)\bquerydata\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("valid regex")
    });
    static LIST: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)list|列表|栏目|分页|内容").expect("valid regex"));
    let units = DECL.captures_iter(html).filter_map(|c| {
        let raw = c.get(1).or(c.get(2))?.as_str();
        let json = raw
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
            .replace('\'', "\"");
        let object = serde_json::from_str::<serde_json::Value>(&json).ok()?;
        let mut params: Vec<(String, String)> = object
            .as_object()?
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), v)
            })
            .collect();
        for (key, default) in [
            ("parseType", "bulidstatic"),
            ("pageType", "column"),
            ("editType", "null"),
        ] {
            if !params.iter().any(|(k, _)| k == key) {
                params.push((key.to_string(), default.to_string()));
            }
        }
        Some(params)
    });
    let score = |params: &[(String, String)]| {
        let value = |key: &str| {
            params
                .iter()
                .find(|(k, _)| k == key)
                .map_or("", |(_, v)| v.as_str())
        };
        u8::from(LIST.is_match(value("tagId"))) * 2 + u8::from(value("pageType") == "column")
    };
    units
        .filter(|p| required(p))
        .enumerate()
        .max_by_key(|(i, p)| (score(p), std::cmp::Reverse(*i)))
        .map(|(_, p)| p)
}

fn required(params: &[(String, String)]) -> bool {
    ["webId", "tplSetId", "tagId", "pageId"]
        .iter()
        .all(|k| params.iter().any(|(n, v)| n == k && !v.is_empty()))
}

/// The request for page `n` of `size` items: page 1's URL with `paramJson`.
fn page_request(first: &ListRequest, n: u32, size: u32) -> ListRequest {
    let mut url = first.url.clone();
    let pairs: Vec<(String, String)> = first
        .url
        .query_pairs()
        .filter(|(k, _)| k != "paramJson")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(pairs)
        .append_pair(
            "paramJson",
            &format!(r#"{{"pageNo":{n},"pageSize":{size}}}"#),
        );
    ListRequest {
        url,
        page: n,
        ..first.clone()
    }
}

/// The pager's page size and item count (`<div class="pagination" rows="15" count="387">`).
fn pager(fragment: &str) -> (Option<u32>, Option<u32>) {
    static ROWS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\brows\s*=\s*["']?(\d+)"#).expect("valid regex"));
    static COUNT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\bcount\s*=\s*["']?(\d+)"#).expect("valid regex"));
    let get = |re: &Regex| re.captures(fragment).and_then(|c| c[1].parse().ok());
    (get(&ROWS), get(&COUNT))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::{detect, parse};

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    const SHELL: &str = r#"<html><head><title>政府信息公开年报</title></head><body>
<div class="header"><a href="/">首页</a></div>
<div class="list-box">
<script id="unit1" src="/AuthorizedRead/unitbuild.js" url="/api-gateway/jpaas-publish-server/front/page/build/unit"
 queryData="{'tplSetId':'LmNssD6Eo0DO7Gf77breT','pageType':'column','tagId':'当前栏目list','editType':'null','pageId':'QsEYSlCrONSfZWIdi077J','webId':'NuQPpnZycKgxHWRPidPDl','parseType':'bulidstatic'}"></script>
</div></body></html>"#;

    fn response(items: &str, pager: &str) -> String {
        serde_json::json!({
            "success": true, "code": "200",
            "data": { "html": format!("<ul class=\"list\">{items}</ul>{pager}") }
        })
        .to_string()
    }

    #[test]
    fn jpaas_shell_declares_the_unit() {
        let col = url("https://czj.yz.gov.cn/czj/zfxxgknb/list.shtml");
        let (name, page) = detect(&col, SHELL).expect("detected");
        assert_eq!(name, AdapterName::Jpaas);
        assert!(page.items.is_empty());
        let req = &page.next[0];
        assert_eq!((req.method, req.page), (Method::Get, 1));
        assert_eq!(req.url.path(), UNIT_PATH);
        assert_eq!(
            req.query_value("webId").as_deref(),
            Some("NuQPpnZycKgxHWRPidPDl")
        );
        assert_eq!(req.query_value("tagId").as_deref(), Some("当前栏目list"));
        assert_eq!(
            req.query_value("pageId").as_deref(),
            Some("QsEYSlCrONSfZWIdi077J")
        );
        assert_eq!(req.query_value("parseType").as_deref(), Some("bulidstatic"));
        assert_eq!(req.query_value("paramJson"), None);
    }

    #[test]
    fn jpaas_first_response_asks_for_the_other_pages() {
        let col = url("https://czj.yz.gov.cn/czj/zfxxgknb/list.shtml");
        let first = Jpaas.detect(&col, SHELL).unwrap().next.remove(0);
        let body = response(
            r#"<li class="clearfix"><a href="/czj/zfxxgknb/art/2024/art_5a1.html" title="2023年政府信息公开工作年度报告">2023年…</a><span class="bt-right">2024-01-20</span></li>
               <li class="clearfix"><a href="./art/2023/art_4b2.html">2022年政府信息公开工作年度报告</a><span>2023-01-19</span></li>"#,
            r#"<div class="pagination" rows="2" count="5"><a href="javascript:;" data-page="2">2</a></div>"#,
        );
        let page = parse(&first, &body);
        assert_eq!(page.items.len(), 2);
        assert_eq!(
            page.items[1].url.as_str(),
            "https://czj.yz.gov.cn/czj/zfxxgknb/art/2023/art_4b2.html"
        );
        assert_eq!(page.items[0].date.as_deref(), Some("2024-01-20"));
        assert_eq!(page.total, Some(5));
        let pages: Vec<(u32, Option<String>)> = page
            .next
            .iter()
            .map(|r| (r.page, r.query_value("paramJson")))
            .collect();
        assert_eq!(
            pages,
            [
                (2, Some(r#"{"pageNo":2,"pageSize":2}"#.to_string())),
                (3, Some(r#"{"pageNo":3,"pageSize":2}"#.to_string()))
            ]
        );
        let last = parse(
            &page.next[1],
            &response(
                r#"<li><a href="/art/x.html">通知</a></li>"#,
                r#"<div class="pagination" rows="2" count="5"></div>"#,
            ),
        );
        assert_eq!(last.items.len(), 1);
        assert!(last.next.is_empty());
    }

    #[test]
    fn jpaas_without_a_count_walks_until_empty() {
        let col = url("https://czj.yz.gov.cn/czj/zfxxgknb/list.shtml");
        let first = Jpaas.detect(&col, SHELL).unwrap().next.remove(0);
        let page = parse(&first, &response(r#"<li><a href="/a.html">a</a></li>"#, ""));
        assert_eq!(page.next.len(), 1);
        assert_eq!(
            page.next[0].query_value("paramJson").as_deref(),
            Some(r#"{"pageNo":2,"pageSize":1}"#)
        );
        let empty = parse(&page.next[0], &response("", ""));
        assert!(empty.items.is_empty() && empty.next.is_empty());
        assert_eq!(parse(&first, "<html>error</html>"), ListPage::default());
    }

    #[test]
    fn jpaas_list_unit_among_several_with_every_declared_key() {
        let html = r#"<script src="/AuthorizedRead/unitbuild.js" url="/api-gateway/jpaas-publish-server/front/page/build/unit"
 queryData="{'webId':'w1','pageId':'p1','tplSetId':'t1','pageType':'column','tagId':'头部导航','editType':'null'}"></script>
<script src="/AuthorizedRead/unitbuild.js" url="/api-gateway/jpaas-publish-server/front/page/build/unit"
 queryData="{'webId':'w1','pageId':'p1','tplSetId':'t1','pageType':'column','tagId':'信息列表','editType':'null','unitId':'u9','pageSize':20}"></script>"#;
        let col = url("https://hbj.huzhou.gov.cn/col/col1229858680/index.html");
        let req = Jpaas.detect(&col, html).unwrap().next.remove(0);
        assert_eq!(req.query_value("tagId").as_deref(), Some("信息列表"));
        assert_eq!(req.query_value("unitId").as_deref(), Some("u9"));
        assert_eq!(req.query_value("pageSize").as_deref(), Some("20"));
        assert_eq!(req.query_value("parseType").as_deref(), Some("bulidstatic"));
    }

    #[test]
    fn jpaas_params_in_a_script_object() {
        let html = r#"<script>var unit = { url: "/api-gateway/jpaas-publish-server/front/page/build/unit",
            webId: "8f43c7ad", tplSetId: "52551ea0", pageType: "column", tagId: "分页列表", pageId: "fc8bdff4" };</script>"#;
        let col = url("http://www.mofcom.gov.cn/zwgk/zcfb/index.html");
        let page = Jpaas.detect(&col, html).unwrap();
        let req = &page.next[0];
        assert_eq!(req.query_value("tplSetId").as_deref(), Some("52551ea0"));
        assert_eq!(req.query_value("editType").as_deref(), Some("null"));
        // Named but not declared: recognised, nothing to ask.
        let bare = Jpaas
            .detect(&col, "<script src='/x.js' data-api='/api-gateway/jpaas-publish-server/front/page/build/unit'></script>")
            .unwrap();
        assert!(bare.next.is_empty());
    }
}
