//! CMS list adapters: listings whose items are not links on the column page.
//!
//! Most county and city sites run on a few CMS platforms. Their column page is often a shell:
//! the items come from a list request that a script on the page makes (an XML data proxy, a
//! JSON API, an HTML fragment). Each platform family is an adapter, in one file each:
//!
//! * [`hanweb`]: Hanweb (大汉) jpage lists (`<datastore>` XML in the page, further records from
//!   `dataproxy.jsp`) and the newer `col/colNNN/index.html?uid=…&pageNum=N` pages;
//! * [`trs`]: TRS WCM static pages announced by `createPageHTML(N, cur, "index", "html")`;
//! * [`jpaas`]: 开普云 jpaas build units (`/api-gateway/jpaas-publish-server/front/page/build/unit`);
//! * [`gkmlpt`]: the Guangdong disclosure catalogue (`/gkmlpt/api/all/{catId}?page=N&sid=SID`);
//! * [`fujian`]: the Fujian platform search (`POST /fjdzapp/search`);
//! * [`anhui`]: the Anhui label service (`/site/label/8888?labelName=publicInfoList&…`).
//!
//! Everything here is pure: markup and bodies in, items and requests out. The crawl loop owns the
//! network: it fetches every [`ListRequest`] like any other request (robots.txt, per-host delay,
//! retries), and hands the body back to [`parse`]. A request carries its [`AdapterName`] and
//! everything its response needs to be read, so a frontier that stores requests survives a
//! restart without any adapter state.
//!
//! Adapters never filter: every list item is returned, report or not (that is
//! [`crate::discover`]'s job), and nothing that is not a list item is invented.
//!
//! **For the crawl loop.** On every listing page it has decoded (not on reports):
//!
//! 1. `detect(url, html)`; on `Some((adapter, page))`, treat `page.items` like links of the page
//!    (`Link { url, text: title }` through [`crate::discover`], so only reports and their
//!    attachments are fetched) and put every `page.next` request in the frontier;
//! 2. store a request with [`ListRequest::key`] as its unique key (a POST's URL is the same for
//!    every page) and [`ListRequest::encode`] as its data; its host is `request.url`'s, it is
//!    robots-checked, delayed and retried like any GET, sent with `Referer: request.column` and,
//!    for a POST, `Content-Type: application/x-www-form-urlencoded` and [`ListRequest::body`];
//! 3. on a 2xx answer, decode the body (JSON and XML answers are UTF-8 in practice; the page's
//!    decoding rules serve) and call [`parse`]`(&request, body)`; its items and `next` go as in 1.
//!    List requests are listings: their answers are not stored as documents, and their depth is
//!    the column's (pagination, not navigation).
//!
//! Requests of one listing are few (bounded by [`MAX_LIST_PAGES`]); the frontier's key
//! removes repeats (a TRS page met both here and through discover's generated pages is one
//! request).
//!
//! Two helpers for the crawl loop sit beside the adapters: [`removed::is_removed_page`] (soft
//! 404s and refresh stubs) and [`columns::report_columns`] (a site root's way to its report
//! columns).

pub mod anhui;
pub mod columns;
pub mod fujian;
pub mod gkmlpt;
pub mod hanweb;
pub mod jpaas;
pub mod removed;
pub mod trs;

use std::sync::LazyLock;

use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::page::collapse;

/// List requests at most generated for one listing (as [`crate::discover`] bounds page counts).
pub const MAX_LIST_PAGES: u32 = 500;

/// An HTTP method of a list request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// A GET; everything is in the URL.
    Get,
    /// A POST with an `application/x-www-form-urlencoded` body ([`ListRequest::form`]).
    Post,
}

impl Method {
    /// The method's name, as HTTP spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// The CMS families this module knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdapterName {
    /// Hanweb jpage: `<datastore>` in the page, `dataproxy.jsp` for more records.
    HanwebJpage,
    /// Hanweb column pages paged by `?uid=…&pageNum=N`.
    HanwebCol,
    /// TRS WCM `index.html`, `index_1.html`, … announced by `createPageHTML`.
    Trs,
    /// 开普云 jpaas build units answering JSON with an HTML fragment.
    Jpaas,
    /// Guangdong gkmlpt catalogue API.
    Gkmlpt,
    /// Fujian platform search API.
    Fujian,
    /// Anhui `site/label/8888` list label.
    Anhui,
}

impl AdapterName {
    /// Every family, in detection order.
    pub const ALL: [AdapterName; 7] = [
        AdapterName::HanwebJpage,
        AdapterName::Jpaas,
        AdapterName::Gkmlpt,
        AdapterName::Fujian,
        AdapterName::Anhui,
        AdapterName::HanwebCol,
        AdapterName::Trs,
    ];

    /// The name stored with a request in the crawl state.
    pub fn as_str(self) -> &'static str {
        match self {
            AdapterName::HanwebJpage => "hanweb-jpage",
            AdapterName::HanwebCol => "hanweb-col",
            AdapterName::Trs => "trs",
            AdapterName::Jpaas => "jpaas",
            AdapterName::Gkmlpt => "gkmlpt",
            AdapterName::Fujian => "fujian",
            AdapterName::Anhui => "anhui",
        }
    }

    /// Reads a stored name back.
    pub fn from_name(name: &str) -> Option<AdapterName> {
        AdapterName::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The adapter of this family.
    pub fn adapter(self) -> &'static dyn ListAdapter {
        match self {
            AdapterName::HanwebJpage => &hanweb::Jpage,
            AdapterName::HanwebCol => &hanweb::Col,
            AdapterName::Trs => &trs::Trs,
            AdapterName::Jpaas => &jpaas::Jpaas,
            AdapterName::Gkmlpt => &gkmlpt::Gkmlpt,
            AdapterName::Fujian => &fujian::Fujian,
            AdapterName::Anhui => &anhui::Anhui,
        }
    }
}

/// A request a listing needs. The crawl loop fetches it like any other (robots.txt, delay,
/// retries) and passes the body to [`parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListRequest {
    /// The family that reads the response.
    pub adapter: AdapterName,
    /// GET or POST.
    pub method: Method,
    /// Where.
    pub url: Url,
    /// The POST body fields, in order (`application/x-www-form-urlencoded`); empty for a GET.
    pub form: Vec<(String, String)>,
    /// The listing page this request fetches, from 1 (the column page itself is page 1 when its
    /// items are on it, so its first request is page 2).
    pub page: u32,
    /// The column page the listing belongs to: sent as `Referer`, and relative item URLs are
    /// resolved against it.
    pub column: Url,
}

impl ListRequest {
    /// The POST body, form-encoded (empty for a GET).
    pub fn body(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&self.form)
            .finish()
    }

    /// A key that identifies the request in a frontier: method, URL and body (a POST's URL alone
    /// is the same for every page).
    pub fn key(&self) -> String {
        match self.method {
            Method::Get => self.url.to_string(),
            Method::Post => format!("POST {} {}", self.url, self.body()),
        }
    }

    /// The request as one line of text (form-encoded: adapter, method, page, column, URL, form),
    /// for a frontier that stores requests; [`ListRequest::decode`] reads it back.
    pub fn encode(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("adapter", self.adapter.as_str())
            .append_pair("method", self.method.as_str())
            .append_pair("page", &self.page.to_string())
            .append_pair("column", self.column.as_str())
            .append_pair("url", self.url.as_str())
            .append_pair("form", &self.body())
            .finish()
    }

    /// Reads [`ListRequest::encode`]'s text back (`None` for anything else).
    pub fn decode(text: &str) -> Option<ListRequest> {
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let method = match field("method")? {
            "GET" => Method::Get,
            "POST" => Method::Post,
            _ => return None,
        };
        Some(ListRequest {
            adapter: AdapterName::from_name(field("adapter")?)?,
            method,
            url: Url::parse(field("url")?).ok()?,
            form: url::form_urlencoded::parse(field("form")?.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            page: field("page")?.parse().ok()?,
            column: Url::parse(field("column")?).ok()?,
        })
    }

    /// The value of a form field.
    pub fn form_value(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of a query parameter of the URL.
    pub fn query_value(&self, name: &str) -> Option<String> {
        query_value(&self.url, name)
    }

    /// The same request for page `page`, whose number goes in the query parameter `key` (the
    /// other parameters kept, in order).
    pub fn for_page(&self, key: &str, page: u32) -> ListRequest {
        let pairs: Vec<(String, String)> = self
            .url
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == key {
                    page.to_string()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        let mut url = self.url.clone();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        ListRequest {
            url,
            page,
            ..self.clone()
        }
    }
}

/// One list item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    /// The item's absolute URL (without fragment).
    pub url: Url,
    /// Its title (the link's `title` attribute, or its text, white space collapsed).
    pub title: String,
    /// Its date as the list shows it, normalised to `YYYY-MM-DD`, when the list shows one.
    pub date: Option<String>,
}

/// What one listing response (or the column page itself) yields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPage {
    /// The items, in list order.
    pub items: Vec<ListItem>,
    /// Further requests of the listing.
    pub next: Vec<ListRequest>,
    /// The number of items the listing announces in all, when it does.
    pub total: Option<u32>,
}

/// One CMS family.
pub trait ListAdapter: Sync {
    /// Which family.
    fn name(&self) -> AdapterName;

    /// Recognises the family from a column page's own markup and scripts (never from a host
    /// name): the items on the page itself and the first list requests, or `None`.
    fn detect(&self, page_url: &Url, html: &str) -> Option<ListPage>;

    /// Reads the response to one of this family's requests.
    fn parse(&self, request: &ListRequest, body: &str) -> ListPage;
}

/// Recognises a CMS listing on a column page: its family, the items on the page itself and the
/// first list requests. `None` when no family's markup is there (an ordinary page).
pub fn detect(page_url: &Url, html: &str) -> Option<(AdapterName, ListPage)> {
    AdapterName::ALL.into_iter().find_map(|name| {
        name.adapter()
            .detect(page_url, html)
            .map(|page| (name, page))
    })
}

/// Reads the response to a list request with the family that made it.
pub fn parse(request: &ListRequest, body: &str) -> ListPage {
    request.adapter.adapter().parse(request, body)
}

// ---- Shared helpers for the adapters ----

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

/// The value of a query parameter of a URL.
fn query_value(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A date in a list row (`2023-01-05`, `2023/1/5`, `2023.01.05`, `2023年1月5日`, `[2023-01-05]`),
/// as `YYYY-MM-DD`.
fn date_in(text: &str) -> Option<String> {
    static DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
            .expect("valid regex")
    });
    let c = DATE.captures(text)?;
    let month: u32 = c[2].parse().ok()?;
    let day: u32 = c[3].parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day))
        .then(|| format!("{}-{month:02}-{day:02}", &c[1]))
}

/// An absolute http(s) URL for `href` on `base`, without fragment; `None` for scripts, mail and
/// anchors.
fn item_url(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    if href.is_empty()
        || href.starts_with('#')
        || lower.starts_with("javascript:")
        || lower.starts_with("mailto:")
    {
        return None;
    }
    let mut url = base.join(href).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    Some(url)
}

fn anchor_title(a: ElementRef<'_>) -> String {
    let title = collapse([a.value().attr("title").unwrap_or_default()]);
    if title.is_empty() {
        collapse(a.text())
    } else {
        title
    }
}

/// Whether a link text is a pager control (下一页, 尾页, a page number), never a list item.
fn is_paging_text(text: &str) -> bool {
    const WORDS: [&str; 12] = [
        "下一页",
        "上一页",
        "下页",
        "上页",
        "首页",
        "尾页",
        "末页",
        "后页",
        "前页",
        "跳转",
        "next",
        "prev",
    ];
    let text = text.trim().to_lowercase();
    WORDS.contains(&text.as_str())
        || (!text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || "<>«»‹›.…".contains(c)))
}

/// The items of an HTML list fragment: each row (`li`, `tr`, `dd`) with a link gives its first
/// link and the row's date; a fragment without rows gives each of its links, undated. Pager
/// controls (下一页, page numbers) are left out.
fn fragment_items(fragment: &str, base: &Url) -> Vec<ListItem> {
    static ROWS: LazyLock<Selector> = LazyLock::new(|| selector("li, tr, dd"));
    static ANCHOR: LazyLock<Selector> = LazyLock::new(|| selector("a[href]"));
    let doc = Html::parse_fragment(fragment);
    let mut items: Vec<ListItem> = Vec::new();
    let mut push = |item: ListItem| {
        if !items.iter().any(|i| i.url == item.url) {
            items.push(item);
        }
    };
    let mut rows = 0;
    for row in doc.select(&ROWS) {
        // The innermost rows only: a `li` holding a nested list is not itself an item.
        if row.select(&ROWS).nth(1).is_some() {
            continue;
        }
        let Some((a, url)) = row
            .select(&ANCHOR)
            .filter(|a| !is_paging_text(&anchor_title(*a)))
            .find_map(|a| Some((a, item_url(base, a.value().attr("href")?)?)))
        else {
            continue;
        };
        rows += 1;
        push(ListItem {
            url,
            title: anchor_title(a),
            date: date_in(&collapse(row.text())),
        });
    }
    if rows == 0 {
        for a in doc.select(&ANCHOR) {
            if is_paging_text(&anchor_title(a)) {
                continue;
            }
            if let Some(url) = item_url(base, a.value().attr("href").unwrap_or_default()) {
                push(ListItem {
                    url,
                    title: anchor_title(a),
                    date: None,
                });
            }
        }
    }
    items
}

/// `key: 'value'`, `key = "value"`, `key: 123`, `"key":"value"` or `key=value` (in a URL) for
/// each of `keys` in a script, first occurrence each, in the order of `keys`. A quoted piece of
/// a concatenation (`"…siteId=" + siteId + "&…"`) is not a value.
fn script_params(text: &str, keys: &[&str]) -> Vec<(String, String)> {
    keys.iter()
        .filter_map(|key| {
            let pattern = format!(
                r#"(?:^|[^\w.])["']?{}["']?\s*(?::|=)\s*(?:"([^"]*)"|'([^']*)'|([\w\-./%]+))"#,
                regex::escape(key)
            );
            let re = Regex::new(&pattern).ok()?;
            let value = re.captures_iter(text).find_map(|c| {
                let v = c.get(1).or(c.get(2)).or(c.get(3))?.as_str().trim();
                let piece = v.starts_with('+') || v.ends_with('+') || v.contains(" + ");
                (!piece).then(|| v.to_string())
            })?;
            Some((key.to_string(), value))
        })
        .collect()
}

/// A number announced in a script: `key: 12`, `key = '12'`, `"key":12`.
fn script_number(text: &str, keys: &[&str]) -> Option<u32> {
    script_params(text, keys)
        .into_iter()
        .find_map(|(_, v)| v.parse().ok())
}

/// The text within `radius` bytes of `at` (widened to character boundaries).
fn around(text: &str, at: usize, radius: usize) -> &str {
    let mut start = at.saturating_sub(radius);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + radius).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    &text[start..end]
}

/// The innermost `{ … }` object literal around `at` (at most `radius` bytes each way), or `None`.
fn object_around(text: &str, at: usize, radius: usize) -> Option<&str> {
    let start = text[..at].rfind('{')?;
    let end = at + text[at..].find('}')?;
    (at - start <= radius && end - at <= radius && !text[start..at].contains('}'))
        .then(|| &text[start..=end])
}

/// The text of the page's inline scripts, joined.
fn inline_scripts(html: &str) -> String {
    static SCRIPT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?is)<script\b[^>]*>(.*?)</script>").expect("valid regex"));
    SCRIPT
        .captures_iter(html)
        .map(|c| c[1].to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Pages of `per_page` items needed for `total` items, bounded by [`MAX_LIST_PAGES`].
fn pages_for(total: u32, per_page: u32) -> u32 {
    if per_page == 0 {
        return 0;
    }
    total.div_ceil(per_page).min(MAX_LIST_PAGES)
}

/// The HTML of `<record><![CDATA[…]]></record>` blocks (Hanweb data stores).
fn cdata_records(text: &str) -> Vec<&str> {
    static RECORD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?s)<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>").expect("valid regex")
    });
    RECORD
        .captures_iter(text)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn dates_in_rows() {
        assert_eq!(date_in("[2023-1-5]").as_deref(), Some("2023-01-05"));
        assert_eq!(
            date_in("发布：2022年12月30日").as_deref(),
            Some("2022-12-30")
        );
        assert_eq!(date_in("2021/03/01 10:00").as_deref(), Some("2021-03-01"));
        assert_eq!(date_in("2023-13-01"), None);
        assert_eq!(date_in("第2023号"), None);
    }

    #[test]
    fn fragment_rows_and_bare_links() {
        let base = url("http://q.gov.cn/col/col1/index.html");
        let items = fragment_items(
            r#"<ul><li><a href="/art/2023/1/5/art_1_2.html" title="2022年政府信息公开工作年度报告">2022年…</a><span>2023-01-05</span></li>
               <li><a href="javascript:void(0)">x</a></li>
               <li><a href="t2.html">通知</a> 2022.02.03</li></ul>"#,
            &base,
        );
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].title, "2022年政府信息公开工作年度报告");
        assert_eq!(items[0].date.as_deref(), Some("2023-01-05"));
        assert_eq!(items[1].url.as_str(), "http://q.gov.cn/col/col1/t2.html");
        let paged = fragment_items(
            r#"<ul><li><a href="/b.html">B</a></li><li><a href="?page=2">2</a></li><li><a href="?page=2">下一页</a></li></ul>"#,
            &base,
        );
        assert_eq!(paged.len(), 1);
        let bare = fragment_items(
            r#"<a href="/a.html">A</a><a href="/a.html#x">A</a><a href="index_1.html">&gt;&gt;</a>"#,
            &base,
        );
        assert_eq!(bare.len(), 1);
        assert_eq!(bare[0].date, None);
    }

    #[test]
    fn script_values() {
        let js = r#"ajaxParam: { col: 1, appid:'1', "webid":"39", path:'/', webname:'江苏省国资委' }, perPage: 15"#;
        assert_eq!(
            script_params(js, &["col", "webid", "path", "webname", "missing"]),
            [
                ("col".to_string(), "1".to_string()),
                ("webid".to_string(), "39".to_string()),
                ("path".to_string(), "/".to_string()),
                ("webname".to_string(), "江苏省国资委".to_string()),
            ]
        );
        assert_eq!(script_number(js, &["perPage"]), Some(15));
        assert_eq!(pages_for(31, 15), 3);
        assert_eq!(pages_for(1_000_000, 1), MAX_LIST_PAGES);
    }

    #[test]
    fn request_keys_and_names() {
        let col = url("http://q.gov.cn/col/col1/index.html");
        let req = ListRequest {
            adapter: AdapterName::Fujian,
            method: Method::Post,
            url: url("http://q.gov.cn/fjdzapp/search"),
            form: vec![("page".into(), "2".into()), ("x".into(), "a b".into())],
            page: 2,
            column: col,
        };
        assert_eq!(req.body(), "page=2&x=a+b");
        assert_eq!(
            req.key(),
            "POST http://q.gov.cn/fjdzapp/search page=2&x=a+b"
        );
        assert_eq!(ListRequest::decode(&req.encode()), Some(req.clone()));
        let get = ListRequest {
            adapter: AdapterName::Jpaas,
            method: Method::Get,
            url: url(r#"http://q.gov.cn/api?paramJson={"pageNo":2}&tagId=列表"#),
            form: Vec::new(),
            ..req.clone()
        };
        assert_eq!(ListRequest::decode(&get.encode()), Some(get));
        assert_eq!(ListRequest::decode("adapter=nope&method=GET"), None);
        for name in AdapterName::ALL {
            assert_eq!(AdapterName::from_name(name.as_str()), Some(name));
            assert_eq!(name.adapter().name(), name);
        }
        assert_eq!(AdapterName::from_name("nope"), None);
        assert_eq!(Method::Post.as_str(), "POST");
    }

    #[test]
    fn ordinary_page_is_no_listing() {
        let u = url("http://q.gov.cn/xwzx/index.html");
        assert!(detect(&u, "<title>新闻中心</title><a href='/a.html'>新闻</a>").is_none());
    }
}
