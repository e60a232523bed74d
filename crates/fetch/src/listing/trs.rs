//! TRS WCM static lists: `index.html`, `index_1.html`, … `index_{N-1}.html`, the count announced by
//! the page's script, `createPageHTML(N, cur, "index", "html")`.
//!
//! Items are the page's links to TRS documents (`./202301/t20230105_1234567.html`, 32-hex uuid
//! pages in a month folder) and attachments. Report bodies sit in `.TRS_Editor`; recognising a
//! report page stays with [`crate::discover`].
//!
//! This wraps what [`crate::page`] (the `createPageHTML` count) and [`crate::discover`] (the page
//! names) already do, so a TRS column read through this module and one read through the link
//! walker ask for the same URLs. The column page asks for every other page at once; a page
//! fetched through a request asks for nothing more.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::{
    fragment_items, AdapterName, ListAdapter, ListItem, ListPage, ListRequest, Method,
    MAX_LIST_PAGES,
};
use crate::classify::attachment_ext;
use crate::discover::generated_pages;

/// TRS WCM `createPageHTML` lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct Trs;

impl ListAdapter for Trs {
    fn name(&self) -> AdapterName {
        AdapterName::Trs
    }

    fn detect(&self, page_url: &Url, html: &str) -> Option<ListPage> {
        if !html.contains("createPageHTML") {
            return None;
        }
        let page = crate::page::parse(html, page_url);
        let count = page.page_count.as_ref()?;
        let mut column = page_url.clone();
        column.set_query(None);
        let urls = generated_pages(
            page_url,
            count.pages.min(MAX_LIST_PAGES),
            count.name.as_ref(),
        );
        let next = urls
            .into_iter()
            .zip(1..)
            .filter(|(u, _)| u != page_url)
            .map(|(url, page)| ListRequest {
                adapter: AdapterName::Trs,
                method: Method::Get,
                url,
                form: Vec::new(),
                page,
                column: column.clone(),
            })
            .collect();
        Some(ListPage {
            items: items(page_url, html),
            next,
            total: None,
        })
    }

    fn parse(&self, request: &ListRequest, body: &str) -> ListPage {
        ListPage {
            items: items(&request.url, body),
            next: Vec::new(),
            total: None,
        }
    }
}

/// Whether a URL path is a TRS document: `t20230105_1234567.html`, or a 32-hex uuid page in a
/// month folder (`/202301/a21fdc42….shtml`).
pub fn is_trs_document(path: &str) -> bool {
    static DOC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:/t\d{8}_\d+|/\d{6}/[0-9a-f]{32})\.s?html?$").expect("valid regex")
    });
    DOC.is_match(path)
}

/// The page's document and attachment links on its own host, in page order, dated when their
/// list row shows a date.
fn items(page_url: &Url, html: &str) -> Vec<ListItem> {
    let page = crate::page::parse(html, page_url);
    let rows = fragment_items(html, page_url);
    let host = page_url.host_str();
    page.links
        .into_iter()
        .filter(|l| l.url.host_str() == host)
        .filter(|l| is_trs_document(l.url.path()) || attachment_ext(l.url.path()).is_some())
        .map(|l| {
            let row = rows.iter().find(|r| r.url == l.url);
            ListItem {
                date: row.and_then(|r| r.date.clone()),
                title: row.map_or(l.text, |r| r.title.clone()),
                url: l.url,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::{detect, parse};

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    const PAGE: &str = r#"<html><head><title>政府信息公开年报</title></head><body>
<div class="nav"><a href="../../">首页</a><a href="../">政府信息公开</a></div>
<ul class="list">
<li><a href="./202401/t20240118_2837465.html" title="2023年政府信息公开工作年度报告">2023年政府信息公开工作年度报告</a><span>2024-01-18</span></li>
<li><a href="./202301/t20230119_2600001.html">2022年政府信息公开工作年度报告</a><span>2023-01-19</span></li>
<li><a href="/zwgk/gknb/202201/a21fdc4296de494da7adce40d7541728.shtml">2021年政府信息公开工作年度报告</a></li>
</ul>
<script type="text/javascript">
var currentPage = 0;
var countPage = 3
createPageHTML(countPage, currentPage, "index", "html");
</script>
<script>createPageHTML(3, 0, "index", "html");</script>
</body></html>"#;

    #[test]
    fn trs_column_items_and_all_pages() {
        let col = url("http://www.sm.gov.cn/zwgk/gknb/index.html");
        let (name, page) = detect(&col, PAGE).expect("detected");
        assert_eq!(name, AdapterName::Trs);
        let urls: Vec<&str> = page.items.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://www.sm.gov.cn/zwgk/gknb/202401/t20240118_2837465.html",
                "http://www.sm.gov.cn/zwgk/gknb/202301/t20230119_2600001.html",
                "http://www.sm.gov.cn/zwgk/gknb/202201/a21fdc4296de494da7adce40d7541728.shtml",
            ]
        );
        let next: Vec<(&str, u32)> = page.next.iter().map(|r| (r.url.as_str(), r.page)).collect();
        assert_eq!(
            next,
            [
                ("http://www.sm.gov.cn/zwgk/gknb/index_1.html", 2),
                ("http://www.sm.gov.cn/zwgk/gknb/index_2.html", 3)
            ]
        );
        assert_eq!(page.items[0].title, "2023年政府信息公开工作年度报告");
        assert_eq!(page.items[1].date.as_deref(), Some("2023-01-19"));
        assert_eq!(page.items[2].date, None);
        let last = parse(&page.next[1], PAGE);
        assert_eq!(last.items.len(), 3);
        assert!(last.next.is_empty());
    }

    #[test]
    fn no_script_count_no_trs() {
        let col = url("http://www.sm.gov.cn/zwgk/gknb/index.html");
        assert!(Trs
            .detect(&col, "<a href='./202401/t20240118_1.html'>a</a>")
            .is_none());
        assert!(is_trs_document("/a/202401/t20240118_1.html"));
        assert!(!is_trs_document("/a/index_1.html"));
    }
}
