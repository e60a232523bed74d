//! Reading a fetched HTML page: its title and headings, its links, and pagination hints.
//!
//! Links come from `<a href>`, from `onclick` handlers that name a file or a page
//! (`window.open('…')`, `location.href='…'`, `download('….pdf')`), from `<iframe>`, `<embed>` and
//! `<object>`, and from Hanweb list data (`<record><![CDATA[<li><a href=…>]]></record>`), which
//! sits inside a script where an HTML parser sees no links.

use std::sync::LazyLock;

use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use url::Url;

/// A link found on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The absolute URL, without fragment.
    pub url: Url,
    /// The link text (white space collapsed), or its `title` attribute.
    pub text: String,
}

/// What the crawler needs from a page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The `<title>`.
    pub title: String,
    /// Headline candidates: `h1`–`h3`, the `ArticleTitle` meta, elements whose class names a title.
    pub headings: Vec<String>,
    /// Every link, in document order (duplicates removed).
    pub links: Vec<Link>,
    /// A page count announced by a script (`createPageHTML(12, …)`, `var countPage = 12`).
    pub page_count: Option<PageCount>,
}

/// A page count found in a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCount {
    /// How many pages the listing has.
    pub pages: u32,
    /// File name stem and extension from `createPageHTML(n, cur, "index", "html")`, if given.
    pub name: Option<(String, String)>,
}

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

/// Parses a decoded page fetched from `url`.
pub fn parse(html: &str, url: &Url) -> Page {
    static TITLE: LazyLock<Selector> = LazyLock::new(|| selector("title"));
    static HEADINGS: LazyLock<Selector> = LazyLock::new(|| {
        selector("h1, h2, h3, meta[name=ArticleTitle], meta[name=articletitle], [class*=title], [id*=title]")
    });
    static BASE: LazyLock<Selector> = LazyLock::new(|| selector("base[href]"));
    static ANCHORS: LazyLock<Selector> = LazyLock::new(|| selector("a[href], area[href]"));
    static ONCLICK: LazyLock<Selector> = LazyLock::new(|| selector("[onclick]"));
    static EMBEDS: LazyLock<Selector> =
        LazyLock::new(|| selector("iframe[src], embed[src], object[data]"));

    let doc = Html::parse_document(html);
    let base = doc
        .select(&BASE)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| url.join(h.trim()).ok())
        .unwrap_or_else(|| url.clone());
    let mut page = Page {
        title: doc
            .select(&TITLE)
            .next()
            .map(|t| collapse(t.text()))
            .unwrap_or_default(),
        ..Page::default()
    };
    for el in doc.select(&HEADINGS) {
        let text = match el.value().attr("content") {
            Some(content) => collapse([content]),
            None => collapse(el.text()),
        };
        if !text.is_empty() && text.chars().count() <= 200 {
            page.headings.push(text);
        }
    }
    let mut links = Vec::new();
    for a in doc.select(&ANCHORS) {
        push_link(
            &mut links,
            &base,
            a.value().attr("href").unwrap_or_default(),
            link_text(a),
        );
    }
    for el in doc.select(&ONCLICK) {
        for target in onclick_targets(el.value().attr("onclick").unwrap_or_default()) {
            push_link(&mut links, &base, &target, link_text(el));
        }
    }
    for el in doc.select(&EMBEDS) {
        let src = el
            .value()
            .attr("src")
            .or_else(|| el.value().attr("data"))
            .unwrap_or_default();
        push_link(&mut links, &base, src, String::new());
    }
    for fragment in hanweb_records(html) {
        let frag = Html::parse_fragment(&fragment);
        for a in frag.select(&ANCHORS) {
            push_link(
                &mut links,
                &base,
                a.value().attr("href").unwrap_or_default(),
                link_text(a),
            );
        }
    }
    let mut seen = std::collections::HashSet::new();
    links.retain(|l: &Link| seen.insert(l.url.clone()));
    page.links = links;
    page.page_count = page_count(html);
    page
}

fn link_text(el: ElementRef<'_>) -> String {
    let text = collapse(el.text());
    if text.is_empty() {
        collapse([el.value().attr("title").unwrap_or_default()])
    } else {
        text
    }
}

fn push_link(links: &mut Vec<Link>, base: &Url, href: &str, text: String) {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    if href.is_empty()
        || href.starts_with('#')
        || lower.starts_with("javascript:")
        || lower.starts_with("mailto:")
    {
        return;
    }
    if let Ok(mut url) = base.join(href) {
        if matches!(url.scheme(), "http" | "https") {
            url.set_fragment(None);
            links.push(Link { url, text });
        }
    }
}

/// Collapses runs of white space (and NBSP) into one space, trimmed.
pub fn collapse<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for part in parts {
        for word in part.split(|c: char| c.is_whitespace() || c == '\u{a0}') {
            if !word.is_empty() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
        }
    }
    out
}

/// Targets named in an `onclick` handler: quoted strings that look like a file or a page path.
fn onclick_targets(js: &str) -> Vec<String> {
    static QUOTED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"["']([^"']+)["']"#).expect("valid regex"));
    QUOTED
        .captures_iter(js)
        .map(|c| c[1].trim().to_string())
        .filter(|s| {
            !s.contains(' ')
                && (s.contains('/') || s.contains('.'))
                && (crate::classify::attachment_ext(s).is_some()
                    || s.starts_with("http")
                    || s.starts_with('/')
                    || s.ends_with(".html")
                    || s.ends_with(".htm")
                    || s.ends_with(".shtml"))
        })
        .collect()
}

/// The HTML inside Hanweb `<record><![CDATA[…]]></record>` blocks.
fn hanweb_records(html: &str) -> Vec<String> {
    static RECORD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?s)<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>").expect("valid regex")
    });
    RECORD
        .captures_iter(html)
        .map(|c| c[1].to_string())
        .collect()
}

/// A page count announced by a script.
fn page_count(html: &str) -> Option<PageCount> {
    static CREATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"createPageHTML\(\s*['"]?(\d+)['"]?\s*,\s*['"]?\d+['"]?\s*(?:,\s*['"]([\w\-]+)['"]\s*,\s*['"](\w+)['"])?"#)
            .expect("valid regex")
    });
    static VAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?i)\b(?:countPage|totalPages?|pageCount|pageTotal|page_count)\s*[=:]\s*['"]?(\d+)"#,
        )
        .expect("valid regex")
    });
    if let Some(c) = CREATE.captures(html) {
        let pages = c[1].parse().ok()?;
        let name = c
            .get(2)
            .zip(c.get(3))
            .map(|(n, e)| (n.as_str().to_string(), e.as_str().to_string()));
        return Some(PageCount { pages, name });
    }
    let c = VAR.captures(html)?;
    Some(PageCount {
        pages: c[1].parse().ok()?,
        name: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://example.gov.cn/zwgk/gknb/index.html").unwrap()
    }

    #[test]
    fn links_from_anchors_onclick_embeds_and_hanweb_records() {
        let html = r#"<html><head><title> 政府信息公开年报 </title></head><body>
            <h1>政府信息 公开年报</h1>
            <a href="t1.html">2023年政府信息公开年报</a>
            <a href="t1.html#x">again</a>
            <a href="javascript:void(0)" onclick="window.open('/files/a.pdf')">附件</a>
            <span onclick="download(&quot;/dl.jsp?f=b.docx&quot;)">下载 b</span>
            <a href="mailto:x@y">mail</a>
            <iframe src="/viewer/c.pdf"></iframe>
            <script type="text/xml"><datastore><recordset>
            <record><![CDATA[<li><a href="/art/2023/1/2/art_1_2.html" title="2022年报">2022年报</a></li>]]></record>
            </recordset></datastore></script>
            <script>createPageHTML(7, 0, "index", "shtml");</script>
            </body></html>"#;
        let page = parse(html, &base());
        assert_eq!(page.title, "政府信息公开年报");
        assert_eq!(page.headings[0], "政府信息 公开年报");
        let urls: Vec<&str> = page.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://example.gov.cn/zwgk/gknb/t1.html",
                "http://example.gov.cn/files/a.pdf",
                "http://example.gov.cn/dl.jsp?f=b.docx",
                "http://example.gov.cn/viewer/c.pdf",
                "http://example.gov.cn/art/2023/1/2/art_1_2.html",
            ]
        );
        assert_eq!(page.links[2].text, "下载 b");
        assert_eq!(
            page.page_count,
            Some(PageCount {
                pages: 7,
                name: Some(("index".into(), "shtml".into()))
            })
        );
    }

    #[test]
    fn page_count_variables() {
        assert_eq!(
            page_count("var countPage = 12;//共多少页").map(|p| p.pages),
            Some(12)
        );
        assert_eq!(page_count("<p>nothing</p>"), None);
    }
}
