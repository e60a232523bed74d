//! Focused discovery: which links of a page are worth a request.
//!
//! A page is either a **report** (its title or heading names an annual disclosure report and it is
//! not itself a list of them) or a **listing** (anything else: a site root, a navigation page, a
//! column). From a report only its attachments are followed. From a listing:
//!
//! * links whose text names a report, and attachments whose text or file name does, at once;
//! * in a report column (年报, gknb, ndbg…), every item in the column's folder;
//! * pagination of a disclosure listing (下一页, `index_N.html`, `?page=N`, page numbers, but not
//!   the days of a calendar) and the pages a script announces (`createPageHTML(N, …)`), at the
//!   same depth, each one listing page further from the first (the crawl bounds that count);
//! * navigation toward disclosure (政务公开, 信息公开, zwgk, xxgk, …), one level deeper, up to
//!   the depth limit.
//!
//! Reports and attachments are leaves: the depth limit bounds navigation only.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use crate::classify::{attachment_ext, is_disclosure_link, is_report_column, is_report_title};
use crate::listing::ListRequest;
use crate::page::{Link, Page};

/// What a link is expected to lead to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// An HTML page (listing or report).
    Page,
    /// A document file (.pdf, .docx …).
    Attachment,
}

impl Hint {
    /// The name stored in the crawl state.
    pub fn as_str(self) -> &'static str {
        match self {
            Hint::Page => "page",
            Hint::Attachment => "attachment",
        }
    }

    /// Reads a stored name back (unknown names are pages).
    pub fn from_name(name: &str) -> Hint {
        if name == "attachment" {
            Hint::Attachment
        } else {
            Hint::Page
        }
    }
}

/// A link worth fetching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Where.
    pub url: Url,
    /// The link text, or the title of the linking page when the link has none.
    pub title: String,
    /// What it should be.
    pub hint: Hint,
    /// Lower is sooner: 0 reports and attachments, 1 pagination, 2 navigation.
    pub prio: i64,
    /// Navigation hops from a start URL.
    pub depth: u32,
    /// Pagination hops from the first page of its listing (0 for anything not a listing page).
    pub listing_page: u32,
    /// Redirects followed to reach it.
    pub redirects: u32,
    /// The list request of a CMS listing this target stands for (its answer is read by
    /// [`crate::listing::parse`]); `None` for a link.
    pub request: Option<ListRequest>,
}

/// Pages at most generated from one announced page count.
const MAX_GENERATED_PAGES: u32 = 500;

/// Whether a page is a report: a heading names a report and the page does not list several.
pub fn is_report_page(page: &Page) -> bool {
    let named = is_report_title(&page.title) || page.headings.iter().any(|h| is_report_title(h));
    named
        && page
            .links
            .iter()
            .filter(|l| is_report_title(&l.text))
            .count()
            <= 3
}

/// The attachments of a report page at `depth`.
pub fn report_targets(page: &Page, depth: u32) -> Vec<Target> {
    page.links
        .iter()
        .filter(|l| attachment_ext(l.url.as_str()).is_some() || attachment_ext(&l.text).is_some())
        .map(|l| target(l, page, Hint::Attachment, 0, depth + 1))
        .collect()
}

/// The links worth following from a listing page `url` at `depth`, `listing_page` pagination hops
/// from the first page of its listing.
pub fn listing_targets(
    page: &Page,
    url: &Url,
    depth: u32,
    listing_page: u32,
    max_depth: u32,
) -> Vec<Target> {
    let relevant = depth == 0 || is_disclosure_link(&page.title, url.path());
    let column = is_report_column(&page.title, url.path())
        || page.headings.iter().any(|h| is_report_column(h, ""));
    let mut out = Vec::new();
    for link in &page.links {
        let in_column = column && in_folder(&link.url, url);
        if attachment_ext(link.url.as_str()).is_some() || attachment_ext(&link.text).is_some() {
            if is_report_title(&link.text) || in_column || is_report_title(&file_name(&link.url)) {
                out.push(target(link, page, Hint::Attachment, 0, depth + 1));
            }
        } else if is_report_title(&link.text) {
            out.push(target(link, page, Hint::Page, 0, depth + 1));
        } else if relevant && is_pagination(link, url) {
            let mut next = target(link, page, Hint::Page, 1, depth);
            next.listing_page = listing_page + 1;
            out.push(next);
        } else if in_column && !link.text.is_empty() && depth < max_depth {
            out.push(target(link, page, Hint::Page, 0, depth + 1));
        } else if depth < max_depth && is_disclosure_link(&link.text, link.url.path()) {
            out.push(target(link, page, Hint::Page, 2, depth + 1));
        }
    }
    if relevant {
        if let Some(count) = &page.page_count {
            let generated = generated_pages(
                url,
                count.pages.min(MAX_GENERATED_PAGES),
                count.name.as_ref(),
            );
            for (hops, url) in (0..).zip(generated) {
                out.push(Target {
                    url,
                    title: page.title.clone(),
                    hint: Hint::Page,
                    prio: 1,
                    depth,
                    listing_page: listing_page + hops,
                    redirects: 0,
                    request: None,
                });
            }
        }
    }
    out
}

fn target(link: &Link, page: &Page, hint: Hint, prio: i64, depth: u32) -> Target {
    let title = if link.text.is_empty() {
        page.title.clone()
    } else {
        link.text.clone()
    };
    Target {
        url: link.url.clone(),
        title,
        hint,
        prio,
        depth,
        listing_page: 0,
        redirects: 0,
        request: None,
    }
}

/// Query parameters that number the pages of a listing.
const PAGE_PARAMS: [&str; 10] = [
    "page",
    "pageno",
    "pagenum",
    "pageindex",
    "currpage",
    "cur_page",
    "curpage",
    "p",
    "pn",
    "pageid",
];

fn page_param(url: &Url) -> Option<String> {
    url.query_pairs()
        .find(|(k, v)| {
            PAGE_PARAMS.contains(&k.to_ascii_lowercase().as_str()) && v.parse::<u32>().is_ok()
        })
        .map(|(k, _)| k.into_owned())
}

/// Whether `link` is another page of the listing `current`.
fn is_pagination(link: &Link, current: &Url) -> bool {
    static INDEX_N: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:index|list|column-index)[_\-]\d+\.s?html?$").expect("valid regex")
    });
    const WORDS: [&str; 14] = [
        "下一页",
        "下页",
        "上一页",
        "上页",
        "尾页",
        "末页",
        "后页",
        "前页",
        "首页",
        "next",
        ">",
        ">>",
        "»",
        "›",
    ];
    if link.url.host_str() != current.host_str() || is_dated(&link.url) {
        return false;
    }
    let same_folder =
        in_folder(&link.url, current) && !link.url.path()[folder(current).len()..].contains('/');
    let same_path_paged = link.url.path() == current.path() && page_param(&link.url).is_some();
    if same_path_paged || (same_folder && INDEX_N.is_match(link.url.path())) {
        return true;
    }
    let text = link.text.trim().to_lowercase();
    let paging_text = WORDS.contains(&text.as_str())
        || (!text.is_empty() && text.len() <= 4 && text.chars().all(|c| c.is_ascii_digit()));
    paging_text && (same_folder || page_param(&link.url).is_some())
}

/// Whether a URL names a day (`2024-05-01`, `20240501`, `?date=…`, `?day=…`): the days of a
/// calendar are numbered like pages, but they are not a listing's pages.
fn is_dated(url: &Url) -> bool {
    static DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:19|20)\d\d[-_/.]?(?:0[1-9]|1[0-2])[-_/.]?(?:0[1-9]|[12]\d|3[01])(?:\D|$)")
            .expect("valid regex")
    });
    const DAY_PARAMS: [&str; 5] = ["date", "day", "d", "month", "ym"];
    DATE.is_match(url.path())
        || url.query_pairs().any(|(k, v)| {
            DAY_PARAMS.contains(&k.to_ascii_lowercase().as_str()) || DATE.is_match(&v)
        })
}

/// The folder part of a URL path (up to and including the last `/`).
fn folder(url: &Url) -> &str {
    let path = url.path();
    &path[..path.rfind('/').map_or(0, |i| i + 1)]
}

/// Whether `link` lies in the folder of `page` (or below it), on the same host.
fn in_folder(link: &Url, page: &Url) -> bool {
    link.host_str() == page.host_str()
        && link.path().starts_with(folder(page))
        && link.path() != page.path()
}

/// The pages of a listing with `pages` pages, as the usual schemes number them: TRS
/// `index.html, index_1.html, …` (or the names a `createPageHTML` call gives), or a page parameter.
pub(crate) fn generated_pages(url: &Url, pages: u32, name: Option<&(String, String)>) -> Vec<Url> {
    static STEM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^([\w\-]+?)(?:_\d+)?\.(s?html?)$").expect("valid regex"));
    let file = &url.path()[folder(url).len()..];
    let named = name.cloned().or_else(|| {
        let c = STEM.captures(file)?;
        Some((c[1].to_string(), c[2].to_string()))
    });
    let mut out = Vec::new();
    if let Some((stem, ext)) = named.filter(|_| page_param(url).is_none()) {
        for i in 0..pages {
            let name = if i == 0 {
                format!("{stem}.{ext}")
            } else {
                format!("{stem}_{i}.{ext}")
            };
            if let Ok(u) = url.join(&name) {
                out.push(u);
            }
        }
    } else if let Some(param) = page_param(url) {
        for i in 1..=pages {
            let mut u = url.clone();
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| {
                    if k == param.as_str() {
                        (k.into_owned(), i.to_string())
                    } else {
                        (k.into_owned(), v.into_owned())
                    }
                })
                .collect();
            u.query_pairs_mut().clear().extend_pairs(pairs);
            out.push(u);
        }
    }
    out
}

/// The last path segment of a URL, percent-decoded.
fn file_name(url: &Url) -> String {
    let name = url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or_default();
    url::form_urlencoded::parse(format!("x={name}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::{parse, PageCount};

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn urls(targets: &[Target]) -> Vec<String> {
        targets.iter().map(|t| t.url.to_string()).collect()
    }

    #[test]
    fn root_follows_disclosure_navigation_only() {
        let root = url("http://q.gov.cn/");
        let page = parse(
            r#"<title>某区人民政府</title><a href="/xwzx/">新闻中心</a><a href="/zwgk/index.html">政务公开</a>
               <a href="/a/1.html">2022年政府信息公开工作年度报告</a><a href="/b/guide.doc">办事指南.doc</a>"#,
            &root,
        );
        let t = listing_targets(&page, &root, 0, 0, 3);
        assert_eq!(
            urls(&t),
            [
                "http://q.gov.cn/zwgk/index.html",
                "http://q.gov.cn/a/1.html"
            ]
        );
        assert_eq!((t[0].prio, t[0].depth, t[1].prio), (2, 1, 0));
        assert!(listing_targets(&page, &root, 3, 0, 3)
            .iter()
            .all(|t| t.prio == 0));
    }

    #[test]
    fn column_pagination_items_and_attachments() {
        let col = url("http://q.gov.cn/zwgk/gknb/index.html");
        let page = parse(
            r#"<title>政府信息公开年报</title>
               <a href="./202301/t1.html">区教育局年度工作情况</a>
               <a href="index_1.html">下一页</a><a href="index_4.html">尾页</a>
               <a href="/files/2021nb.docx">2021年政府信息公开年度报告</a>
               <a href="/xwzx/">新闻中心</a>"#,
            &col,
        );
        let t = listing_targets(&page, &col, 1, 0, 3);
        assert_eq!(
            urls(&t),
            [
                "http://q.gov.cn/zwgk/gknb/202301/t1.html",
                "http://q.gov.cn/zwgk/gknb/index_1.html",
                "http://q.gov.cn/zwgk/gknb/index_4.html",
                "http://q.gov.cn/files/2021nb.docx",
            ]
        );
        assert_eq!(t[3].hint, Hint::Attachment);
        assert_eq!((t[1].prio, t[1].depth, t[1].listing_page), (1, 1, 1));
    }

    #[test]
    fn calendar_days_are_not_pages() {
        let cal = url("http://q.gov.cn/zwgk/index.html");
        let page = parse(
            r#"<title>政务公开</title><a href="20240501.html">1</a><a href="2024-05-02.html">2</a>
               <a href="index.html?date=2024-05-03">3</a><a href="index_2.html">2</a>"#,
            &cal,
        );
        assert_eq!(
            urls(&listing_targets(&page, &cal, 0, 4, 0)),
            ["http://q.gov.cn/zwgk/index_2.html"]
        );
        assert_eq!(listing_targets(&page, &cal, 0, 4, 0)[0].listing_page, 5);
    }

    #[test]
    fn generated_listing_pages() {
        let col = url("http://q.gov.cn/zwgk/gknb/index.html");
        let mut page = parse("<title>信息公开年报</title>", &col);
        page.page_count = Some(PageCount {
            pages: 3,
            name: None,
        });
        assert_eq!(
            urls(&listing_targets(&page, &col, 1, 0, 3)),
            [
                "http://q.gov.cn/zwgk/gknb/index.html",
                "http://q.gov.cn/zwgk/gknb/index_1.html",
                "http://q.gov.cn/zwgk/gknb/index_2.html"
            ]
        );
        let list = url("http://q.gov.cn/list.jsp?node=1&page=1");
        assert_eq!(
            generated_pages(&list, 2, None)
                .iter()
                .map(Url::as_str)
                .collect::<Vec<_>>(),
            [
                "http://q.gov.cn/list.jsp?node=1&page=1",
                "http://q.gov.cn/list.jsp?node=1&page=2"
            ]
        );
    }

    #[test]
    fn report_page_and_its_attachments() {
        let u = url("http://q.gov.cn/zwgk/gknb/t1.html");
        let page = parse(
            r#"<title>2023年政府信息公开工作年度报告</title><a href="a.pdf">附件1</a><a href="/">首页</a>
               <a href="x" onclick="down('/d/b.xlsx')">表格</a>"#,
            &u,
        );
        assert!(is_report_page(&page));
        let t = report_targets(&page, 2);
        assert_eq!(
            urls(&t),
            [
                "http://q.gov.cn/zwgk/gknb/a.pdf",
                "http://q.gov.cn/d/b.xlsx"
            ]
        );
        assert!(t.iter().all(|t| t.hint == Hint::Attachment && t.depth == 3));
        let list = parse(
            "<title>2023年政府信息公开年报</title><a href=1>2023年A局政府信息公开年报</a><a href=2>2023年B局政府信息公开年报</a>\
             <a href=3>2023年C局政府信息公开年报</a><a href=4>2023年D局政府信息公开年报</a>",
            &u,
        );
        assert!(!is_report_page(&list));
    }
}
