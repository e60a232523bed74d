//! Pages that are gone although the server answers: soft 404s and refresh stubs.
//!
//! Government sites rarely answer 404 for a withdrawn page. They answer 200 with a
//! “页面不存在” / “该信息已删除” page, or a tiny stub whose `<meta http-equiv="refresh">` sends
//! the visitor to the home page or an error page. A crawl should record these as removed (like a
//! 404), not store them as reports nor walk their navigation.

use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Selector};
use url::Url;

use crate::page::collapse;

/// Phrases of a page saying it (or the information on it) is gone.
const GONE: [&str; 16] = [
    "页面不存在",
    "页面未找到",
    "找不到页面",
    "找不到该页面",
    "页面已删除",
    "页面已失效",
    "该信息已删除",
    "信息已删除",
    "信息已被删除",
    "该信息不存在",
    "信息不存在",
    "文章不存在",
    "内容已删除",
    "已撤稿",
    "页面走丢了",
    "not found",
];

/// Visible text at most this long is a stub, not a page that happens to quote a phrase.
const STUB_CHARS: usize = 600;

/// Whether a fetched page is a removed page: a 404 or 410, a soft 404 (a 200 whose title names
/// an error, or whose short text says the page or information is gone), or a refresh stub that
/// sends the visitor to the site root or an error page.
pub fn is_removed_page(status: u16, title: &str, body: &str) -> bool {
    if status == 404 || status == 410 {
        return true;
    }
    let title = title.to_lowercase();
    if has_404(&title) || GONE.iter().any(|p| title.contains(p)) {
        return true;
    }
    let text = visible_text(body);
    let lower = text.to_lowercase();
    if text.chars().count() <= STUB_CHARS
        && (GONE.iter().any(|p| lower.contains(p))
            || (has_404(&lower) && (lower.contains("页面") || lower.contains("error"))))
    {
        return true;
    }
    match refresh_target(body) {
        Some(target) => {
            let target = target.to_ascii_lowercase();
            text.chars().count() <= STUB_CHARS
                && (target.is_empty()
                    || target == "/"
                    || target.ends_with("://")
                    || ["404", "error", "notfound", "not_found", "nopage"]
                        .iter()
                        .any(|w| target.contains(w))
                    || is_root_url(&target))
        }
        None => false,
    }
}

/// Whether `404` stands alone in a text (not inside a longer number: “第4041号” is no error).
fn has_404(text: &str) -> bool {
    static CODE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|\D)404(?:\D|$)").expect("valid regex"));
    CODE.is_match(text)
}

/// Where a `<meta http-equiv="refresh" content="0; url=…">` sends the visitor, resolved against
/// `base` (a refresh to a real page is a redirect the crawl may follow).
pub fn meta_refresh(body: &str, base: &Url) -> Option<Url> {
    let target = refresh_target(body)?;
    if target.is_empty() {
        return None;
    }
    base.join(&target).ok()
}

/// The raw target of a meta refresh (empty when it reloads the page itself).
fn refresh_target(body: &str) -> Option<String> {
    static META: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?is)<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*(?:"([^"]*)"|'([^']*)')"#,
        )
        .expect("valid regex")
    });
    static URL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?i)url\s*=\s*['"]?([^'"\s>]*)"#).expect("valid regex"));
    let c = META.captures(body)?;
    let content = c.get(1).or(c.get(2))?.as_str();
    Some(
        URL.captures(content)
            .map(|u| u[1].trim().to_string())
            .unwrap_or_default(),
    )
}

fn is_root_url(target: &str) -> bool {
    Url::parse(target).is_ok_and(|u| matches!(u.path(), "" | "/" | "/index.html" | "/index.htm"))
}

/// The text a visitor sees (scripts and styles left out), white space collapsed.
fn visible_text(body: &str) -> String {
    static BODY: LazyLock<Selector> =
        LazyLock::new(|| Selector::parse("body").expect("valid selector"));
    let doc = Html::parse_document(body);
    let Some(root) = doc.select(&BODY).next() else {
        return String::new();
    };
    let texts = root.descendants().filter_map(|node| {
        let text = node.value().as_text()?;
        let hidden = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "noscript"))
        });
        (!hidden).then_some(&**text)
    });
    collapse(texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_404s() {
        assert!(is_removed_page(404, "", ""));
        assert!(is_removed_page(410, "年报", "<p>x</p>"));
        assert!(is_removed_page(
            200,
            "404 - 某县人民政府",
            "<body>对不起</body>"
        ));
        assert!(is_removed_page(
            200,
            "某县人民政府",
            "<html><body><div class='err'><img src='/404.png'>抱歉，您访问的页面不存在或已删除！</div>\
             <script>var t = 5; setTimeout(function(){location.href='/'}, 5000)</script></body></html>"
        ));
        assert!(is_removed_page(
            200,
            "提示信息",
            "<body><p>该信息已删除</p><a href='/'>返回首页</a></body>"
        ));
        assert!(is_removed_page(
            200,
            "",
            "<body><h1>404</h1><p>页面走丢了</p></body>"
        ));
    }

    #[test]
    fn refresh_stubs() {
        let home = r#"<html><head><meta http-equiv="refresh" content="0;url=/"></head><body></body></html>"#;
        assert!(is_removed_page(200, "", home));
        let err = r#"<meta http-equiv="Refresh" content='3; URL=http://q.gov.cn/error/404.html'><body>跳转中</body>"#;
        assert!(is_removed_page(200, "", err));
        let root =
            r#"<meta http-equiv="refresh" content="0; url=http://www.q.gov.cn/"><body></body>"#;
        assert!(is_removed_page(200, "", root));
        let moved = r#"<meta http-equiv="refresh" content="0; url=./index.shtml"><body></body>"#;
        assert!(!is_removed_page(200, "", moved));
        let base = Url::parse("http://q.gov.cn/zwgk/gknb/index.html").unwrap();
        assert_eq!(
            meta_refresh(moved, &base).map(String::from).as_deref(),
            Some("http://q.gov.cn/zwgk/gknb/index.shtml")
        );
    }

    #[test]
    fn real_pages_are_not_removed() {
        assert!(!is_removed_page(
            200,
            "某县2023年政府信息公开工作年度报告",
            "<body><h1>某县2023年政府信息公开工作年度报告</h1><p>本报告由…</p></body>"
        ));
        // A long report mentioning a phrase in passing is not a stub.
        let long = format!(
            "<body><p>{}</p><p>申请公开的信息不存在的，告知申请人。</p></body>",
            "一、总体情况。".repeat(200)
        );
        assert!(!is_removed_page(
            200,
            "2023年政府信息公开工作年度报告",
            &long
        ));
        assert!(!is_removed_page(
            200,
            "列表",
            "<body><script>if(x==404){}</script><p>年报</p></body>"
        ));
        assert!(!is_removed_page(
            200,
            "某府办〔2024〕4041号",
            "<body><p>页面正文</p></body>"
        ));
    }
}
