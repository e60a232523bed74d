//! Hanweb (大汉 JCMS) lists.
//!
//! **jpage** ([`Jpage`]): the column page carries the first records as XML in a script,
//!
//! ```text
//! <script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=2&path=/&columnid=77278&unitid=303271&webname=…&permissiontype=0"></a>]]></nextgroup>
//! <recordset><record><![CDATA[<li><a href="/art/2023/1/5/art_77278_1.html" title="…">…</a><span>2023-01-05</span></li>]]></record>…</recordset></datastore></script>
//! ```
//!
//! and the jpage script names the proxy, the total and the request fields
//! (`proxyUrl:'/module/web/jpage/dataproxy.jsp'`, `totalRecord:1928`, `perPage:15`,
//! `ajaxParam:{col:1, appid:1, webid:2, path:'/', columnid:77278, sourceContentType:1,
//! unitid:303271, webname:'…', permissiontype:0}`). Further records come from
//! `POST {proxy}?startrecord=S&endrecord=E&perpage=P` with those fields as the form, answered
//! with the same `<datastore>` and a `<totalrecord>`. Requests follow one another: each response
//! asks for the next group until the total is reached or a group comes back empty.
//!
//! **col pages** ([`Col`]): newer Hanweb columns are static pages paged with
//! `col/colNNN/index.html?uid=UNIT&pageNum=N`; the items are `/art/…/art_COL_ID.html` links of
//! the list unit (the element whose id is the unit id).

use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Selector};
use url::Url;

use super::{
    cdata_records, date_in, fragment_items, item_url, query_value, script_number, script_params,
    selector, AdapterName, ListAdapter, ListItem, ListPage, ListRequest, Method, MAX_LIST_PAGES,
};
use crate::classify::attachment_ext;
use crate::page::collapse;

/// The form fields a jpage proxy request carries, in the order the jpage script sends them.
const FORM_FIELDS: [&str; 9] = [
    "col",
    "appid",
    "webid",
    "path",
    "columnid",
    "sourceContentType",
    "unitid",
    "webname",
    "permissiontype",
];

/// The proxy when the page names none.
const DEFAULT_PROXY: &str = "/module/web/jpage/dataproxy.jsp";

/// Records per page when the page does not say (jpage's default).
const DEFAULT_PER_PAGE: u32 = 15;

/// Hanweb jpage lists (`<datastore>` + `dataproxy.jsp`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Jpage;

impl ListAdapter for Jpage {
    fn name(&self) -> AdapterName {
        AdapterName::HanwebJpage
    }

    fn detect(&self, page_url: &Url, html: &str) -> Option<ListPage> {
        let lower = html.to_ascii_lowercase();
        let has_store = lower.contains("<datastore>");
        let has_proxy = lower.contains("dataproxy.jsp");
        if !has_store && !has_proxy {
            return None;
        }
        let records = cdata_records(html);
        let items = record_items(&records, page_url);
        let total = total_record(html).or_else(|| script_number(html, &["totalRecord"]));
        let mut form: Vec<(String, String)> = script_params(html, &FORM_FIELDS)
            .into_iter()
            .map(|(k, v)| (k, decode(&v)))
            .collect();
        let has = |form: &[(String, String)], k: &str| form.iter().any(|(n, _)| n == k);
        let addressed = has(&form, "columnid") && has(&form, "unitid");
        if !has_store && !addressed {
            return None;
        }
        let mut page = ListPage {
            items,
            next: Vec::new(),
            total,
        };
        if !addressed {
            return Some(page);
        }
        if !has(&form, "col") {
            form.insert(0, ("col".into(), "1".into()));
        }
        let per_page = script_number(html, &["perPage", "perpage"])
            .filter(|&n| n > 0)
            .unwrap_or(DEFAULT_PER_PAGE);
        let group = script_number(html, &["groupSize"])
            .filter(|&n| n > 0)
            .unwrap_or(1);
        let proxy = proxy_path(html);
        let Ok(proxy) = page_url.join(&proxy) else {
            return Some(page);
        };
        let done = u32::try_from(records.len()).unwrap_or(u32::MAX);
        if total.is_none_or(|t| done < t) {
            page.next = proxy_request(
                page_url,
                &proxy,
                form,
                done.saturating_add(1),
                per_page.saturating_mul(group),
                per_page,
            )
            .into_iter()
            .collect();
        }
        Some(page)
    }

    fn parse(&self, request: &ListRequest, body: &str) -> ListPage {
        let records = cdata_records(body);
        let items = record_items(&records, &request.column);
        let total = total_record(body);
        let start = number_param(request, "startrecord").unwrap_or(1);
        let end = number_param(request, "endrecord").unwrap_or(start);
        let per_page = number_param(request, "perpage").unwrap_or(DEFAULT_PER_PAGE);
        let more = !records.is_empty() && end < u32::MAX && total.is_none_or(|t| end < t);
        let mut proxy = request.url.clone();
        proxy.set_query(None);
        let next = if more {
            proxy_request(
                &request.column,
                &proxy,
                request.form.clone(),
                end.saturating_add(1),
                end.saturating_sub(start.min(end)).saturating_add(1),
                per_page,
            )
            .into_iter()
            .collect()
        } else {
            Vec::new()
        };
        ListPage { items, next, total }
    }
}

/// The proxy request for records `start..start+count-1`.
fn proxy_request(
    column: &Url,
    proxy: &Url,
    form: Vec<(String, String)>,
    start: u32,
    count: u32,
    per_page: u32,
) -> Option<ListRequest> {
    let page = start.saturating_sub(1) / per_page.max(1) + 1;
    if page > MAX_LIST_PAGES {
        return None;
    }
    let mut url = proxy.clone();
    url.query_pairs_mut()
        .clear()
        .append_pair("startrecord", &start.to_string())
        .append_pair(
            "endrecord",
            &start.saturating_add(count.max(1) - 1).to_string(),
        )
        .append_pair("perpage", &per_page.to_string());
    Some(ListRequest {
        adapter: AdapterName::HanwebJpage,
        method: Method::Post,
        url,
        form,
        page,
        column: column.clone(),
    })
}

fn number_param(request: &ListRequest, name: &str) -> Option<u32> {
    request.query_value(name)?.parse().ok()
}

fn record_items(records: &[&str], base: &Url) -> Vec<ListItem> {
    let mut items: Vec<ListItem> = Vec::new();
    for record in records {
        for item in fragment_items(record, base) {
            if !items.iter().any(|i| i.url == item.url) {
                items.push(item);
            }
        }
    }
    items
}

/// `<totalrecord>N</totalrecord>`.
fn total_record(text: &str) -> Option<u32> {
    static TOTAL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)<totalrecord>\s*(\d+)\s*</totalrecord>").expect("valid regex")
    });
    TOTAL.captures(text)?[1].parse().ok()
}

/// The proxy path the page's script or `<nextgroup>` names.
fn proxy_path(html: &str) -> String {
    static PROXY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(/[\w\-/]*dataproxy\.jsp)"#).expect("valid regex"));
    PROXY
        .captures(html)
        .map(|c| c[1].to_string())
        .unwrap_or_else(|| DEFAULT_PROXY.to_string())
}

/// Percent-decodes a value taken from a URL in the page (`webname=%E6%B8%A9…`).
fn decode(value: &str) -> String {
    if value.contains('%') {
        url::form_urlencoded::parse(format!("v={value}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| value.to_string())
    } else {
        value.to_string()
    }
}

/// Newer Hanweb column pages paged by `?uid=…&pageNum=N`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Col;

impl ListAdapter for Col {
    fn name(&self) -> AdapterName {
        AdapterName::HanwebCol
    }

    fn detect(&self, page_url: &Url, html: &str) -> Option<ListPage> {
        column_id(page_url)?;
        let (uid, _) = paging(html)?;
        let current = query_value(page_url, "pageNum")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let mut column = page_url.clone();
        column.set_query(None);
        Some(col_page(&column, page_url, html, &uid, current))
    }

    fn parse(&self, request: &ListRequest, body: &str) -> ListPage {
        let uid = request.query_value("uid").unwrap_or_default();
        col_page(&request.column, &request.url, body, &uid, request.page)
    }
}

/// The column id of a `/col/colNNN/…` path.
fn column_id(url: &Url) -> Option<String> {
    static COL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"/col/col(\d+)/").expect("valid regex"));
    Some(COL.captures(url.path())?[1].to_string())
}

/// The unit id and the highest page number of `uid=…&pageNum=N` links.
fn paging(html: &str) -> Option<(String, u32)> {
    static PAGE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"uid=(\d+)(?:&amp;|&)pageNum=(\d+)").expect("valid regex"));
    let mut found: Option<(String, u32)> = None;
    for c in PAGE.captures_iter(html) {
        let n: u32 = c[2].parse().unwrap_or(0);
        match &mut found {
            Some((_, max)) => *max = (*max).max(n),
            None => found = Some((c[1].to_string(), n)),
        }
    }
    found
}

/// One col page: the unit's article links, and the next page while there is one.
fn col_page(column: &Url, page_url: &Url, html: &str, uid: &str, current: u32) -> ListPage {
    static PAGES: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"共\s*(\d+)\s*页").expect("valid regex"));
    static ANCHOR: LazyLock<Selector> = LazyLock::new(|| selector("a[href]"));
    let doc = Html::parse_document(html);
    let unit = Selector::parse(&format!("[id=\"{uid}\"]"))
        .ok()
        .and_then(|s| doc.select(&s).next());
    let col = column_id(column).unwrap_or_default();
    let art = format!("art_{col}_");
    let mut items: Vec<ListItem> = Vec::new();
    let scope: Vec<_> = match unit {
        Some(unit) => unit.select(&ANCHOR).collect(),
        None => doc.select(&ANCHOR).collect(),
    };
    for a in scope {
        let Some(url) = item_url(page_url, a.value().attr("href").unwrap_or_default()) else {
            continue;
        };
        let path = url.path();
        let is_item = if unit.is_some() {
            path.contains("/art/") || attachment_ext(path).is_some()
        } else {
            path.contains(&art)
        };
        if !is_item || items.iter().any(|i| i.url == url) {
            continue;
        }
        let row = a
            .parent()
            .and_then(scraper::ElementRef::wrap)
            .map(|p| collapse(p.text()))
            .unwrap_or_default();
        let title = {
            let t = collapse([a.value().attr("title").unwrap_or_default()]);
            if t.is_empty() {
                collapse(a.text())
            } else {
                t
            }
        };
        items.push(ListItem {
            url,
            title,
            date: date_in(&row),
        });
    }
    let max_linked = paging(html).map_or(0, |(_, n)| n);
    let pages = PAGES
        .captures(html)
        .and_then(|c| c[1].parse().ok())
        .or_else(|| script_number(html, &["totalPage", "pageCount"]))
        .unwrap_or(max_linked)
        .max(max_linked)
        .min(MAX_LIST_PAGES);
    let mut next = Vec::new();
    if current < pages && !items.is_empty() && !uid.is_empty() {
        let mut url = column.clone();
        url.query_pairs_mut()
            .clear()
            .append_pair("uid", uid)
            .append_pair("pageNum", &(current + 1).to_string());
        next.push(ListRequest {
            adapter: AdapterName::HanwebCol,
            method: Method::Get,
            url,
            form: Vec::new(),
            page: current + 1,
            column: column.clone(),
        });
    }
    ListPage {
        items,
        next,
        total: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::{detect, parse};

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    /// A jpage column page as Jiangsu/Zhejiang sites serve it (ids and names made up).
    const SHELL: &str = r#"<html><head><title>政府信息公开年报</title></head><body>
<div class="bt-rig-cen-01" id="303271">
<script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=67&path=/&columnid=77278&unitid=303271&webname=%E6%9F%90%E5%8E%BF%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[
<li><a href="/art/2024/1/20/art_77278_11830771.html" target="_blank" title="某县2023年政府信息公开工作年度报告">某县2023年政府信息公开工作年度报告</a><span>2024-01-20</span></li>
]]></record>
<record><![CDATA[
<li><a href="/art/2023/1/18/art_77278_11000001.html" target="_blank" title="某县2022年政府信息公开工作年度报告">某县2022年…</a><span>2023-01-18</span></li>
]]></record>
</recordset></datastore></script></div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>
$(document).ready(function() {
  $('#303271').jpage({
    dataStore: dataStore, proxyUrl:'/module/web/jpage/dataproxy.jsp', totalRecord:5, perPage:2, groupSize:1,
    barPosition:'bottom', pageSizeList: [10,20], showMode:'full',
    ajaxParam:{col:1,appid:1,webid:67,path:'/',columnid:77278,sourceContentType:1,unitid:303271,webname:'某县人民政府',permissiontype:0}
  });
});
</script></body></html>"#;

    #[test]
    fn jpage_shell_records_and_first_request() {
        let col = url("http://www.mx.gov.cn/col/col77278/index.html");
        let (name, page) = detect(&col, SHELL).expect("detected");
        assert_eq!(name, AdapterName::HanwebJpage);
        assert_eq!(page.items.len(), 2);
        assert_eq!(
            page.items[0].url.as_str(),
            "http://www.mx.gov.cn/art/2024/1/20/art_77278_11830771.html"
        );
        assert_eq!(page.items[0].title, "某县2023年政府信息公开工作年度报告");
        assert_eq!(page.items[1].date.as_deref(), Some("2023-01-18"));
        assert_eq!(page.total, Some(5));
        assert_eq!(page.next.len(), 1);
        let req = &page.next[0];
        assert_eq!(req.method, Method::Post);
        assert_eq!(
            req.url.as_str(),
            "http://www.mx.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=4&perpage=2"
        );
        assert_eq!(
            req.body(),
            "col=1&appid=1&webid=67&path=%2F&columnid=77278&sourceContentType=1&unitid=303271\
             &webname=%E6%9F%90%E5%8E%BF%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C&permissiontype=0"
        );
        assert_eq!((req.page, req.column.clone()), (2, col));
    }

    #[test]
    fn jpage_fields_from_nextgroup_when_no_ajax_param() {
        let html = SHELL.replace(
            "ajaxParam:{col:1,appid:1,webid:67,path:'/',columnid:77278,sourceContentType:1,unitid:303271,webname:'某县人民政府',permissiontype:0}",
            "",
        );
        let col = url("http://www.mx.gov.cn/col/col77278/index.html");
        let page = Jpage.detect(&col, &html).unwrap();
        let req = &page.next[0];
        assert_eq!(req.form_value("webname"), Some("某县人民政府"));
        assert_eq!(req.form_value("columnid"), Some("77278"));
        assert_eq!(req.form_value("col"), Some("1"));
    }

    #[test]
    fn jpage_responses_until_the_total() {
        let col = url("http://www.mx.gov.cn/col/col77278/index.html");
        let first = Jpage.detect(&col, SHELL).unwrap().next.remove(0);
        let body = r#"<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>5</totalrecord><totalpage>3</totalpage><recordset>
<record><![CDATA[<li><a href="/art/2022/1/10/art_77278_1.html" title="2021年政府信息公开工作年度报告">x</a><span>2022-01-10</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2021/3/1/art_77278_2.html" title="关于印发某某办法的通知">y</a><span>2021-03-01</span></li>]]></record>
</recordset></datastore>"#;
        let page = parse(&first, body);
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[1].title, "关于印发某某办法的通知");
        assert_eq!(page.total, Some(5));
        let second = &page.next[0];
        assert_eq!(
            second.url.query(),
            Some("startrecord=5&endrecord=6&perpage=2")
        );
        assert_eq!((second.page, second.form.clone()), (3, first.form.clone()));
        let last = parse(
            second,
            r#"<datastore><totalrecord>5</totalrecord><recordset><record><![CDATA[<li><a href="/art/2020/1/1/art_77278_3.html">z</a></li>]]></record></recordset></datastore>"#,
        );
        assert_eq!(last.items.len(), 1);
        assert!(last.next.is_empty());
        let empty = parse(&first, "<datastore><recordset></recordset></datastore>");
        assert!(empty.items.is_empty() && empty.next.is_empty());
    }

    #[test]
    fn jpage_hostile_numbers() {
        let html = SHELL
            .replace("perPage:2", "perPage:4294967295")
            .replace("groupSize:1", "groupSize:4294967295");
        let col = url("http://www.mx.gov.cn/col/col77278/index.html");
        let page = Jpage.detect(&col, &html).unwrap();
        assert_eq!(
            page.next[0].query_value("endrecord").as_deref(),
            Some("4294967295")
        );
        let body = "<datastore><recordset><record><![CDATA[<li><a href='/a.html'>a</a></li>]]></record></recordset></datastore>";
        assert!(parse(&page.next[0], body).next.is_empty());
    }

    #[test]
    fn jpage_complete_shell_needs_no_request() {
        let html = SHELL.replace("totalRecord:5", "totalRecord:2");
        let col = url("http://www.mx.gov.cn/col/col77278/index.html");
        let page = Jpage.detect(&col, &html).unwrap();
        assert_eq!(page.items.len(), 2);
        assert!(page.next.is_empty());
    }

    const COL_PAGE: &str = r#"<html><head><title>政府信息公开年报</title></head><body>
<div class="nav"><a href="/art/2024/2/1/art_1229_99.html">要闻：某某会议召开</a></div>
<div id="423656"><ul>
<li><a href="/art/2024/1/15/art_1229104851_59018371.html" title="2023年度政府信息公开工作年度报告">2023年度…</a><span>2024-01-15</span></li>
<li><a href="/art/2023/1/16/art_1229104851_58000001.html">2022年度政府信息公开工作年度报告</a><span>2023-01-16</span></li>
</ul>
<div class="page"><a href="/col/col1229104851/index.html?uid=423656&amp;pageNum=2">下一页</a>
<a href="/col/col1229104851/index.html?uid=423656&amp;pageNum=3">尾页</a> 共3页</div></div>
</body></html>"#;

    #[test]
    fn col_pages_items_of_the_unit_and_next_page() {
        let col = url("https://www.yw.gov.cn/col/col1229104851/index.html");
        let (name, page) = detect(&col, COL_PAGE).expect("detected");
        assert_eq!(name, AdapterName::HanwebCol);
        let urls: Vec<&str> = page.items.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://www.yw.gov.cn/art/2024/1/15/art_1229104851_59018371.html",
                "https://www.yw.gov.cn/art/2023/1/16/art_1229104851_58000001.html"
            ]
        );
        assert_eq!(page.items[1].date.as_deref(), Some("2023-01-16"));
        assert_eq!(page.next.len(), 1);
        assert_eq!(
            page.next[0].url.as_str(),
            "https://www.yw.gov.cn/col/col1229104851/index.html?uid=423656&pageNum=2"
        );
        assert_eq!(page.next[0].method, Method::Get);
        let third = ListRequest {
            url: url("https://www.yw.gov.cn/col/col1229104851/index.html?uid=423656&pageNum=3"),
            page: 3,
            ..page.next[0].clone()
        };
        let last = parse(&third, COL_PAGE);
        assert_eq!(last.items.len(), 2);
        assert!(last.next.is_empty());
    }

    #[test]
    fn col_page_without_paging_is_not_detected() {
        let col = url("https://www.yw.gov.cn/col/col1/index.html");
        assert!(Col
            .detect(&col, "<a href='/art/2024/1/1/art_1_2.html'>a</a>")
            .is_none());
        let other = url("https://www.yw.gov.cn/zwgk/index.html");
        assert!(Col.detect(&other, COL_PAGE).is_none());
    }
}
