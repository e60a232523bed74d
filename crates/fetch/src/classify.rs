//! What a title, a link or a path is about: report, disclosure column, attachment.
//!
//! These are the crawler's only judgements about content, kept in one place. They work on short
//! strings (a title, a link text, a URL path) and never fail.

use std::sync::LazyLock;

use nianbao_format::Format;
use regex::Regex;

/// Whether a title or link text names an annual disclosure report, e.g.
/// “2023年度政府信息公开工作年度报告”, “XX区2022年政府信息公开年报”, “二〇二一年政务公开工作年度报告”.
pub fn is_report_title(text: &str) -> bool {
    static REPORT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年.*?(?:信息公开|政务公开).*?(?:年度报告|年报|工作报告)",
        )
        .expect("valid regex")
    });
    REPORT.is_match(&squeeze(text))
}

/// Whether a link (its text and its URL path) points toward information disclosure: 政务公开,
/// 信息公开, 年报, or the usual path segments (zwgk, xxgk, zfxxgk, gknb, ndbg, …).
pub fn is_disclosure_link(text: &str, path: &str) -> bool {
    const WORDS: [&str; 8] = [
        "政务公开",
        "信息公开",
        "公开年报",
        "年度报告",
        "年报",
        "公开目录",
        "法定主动公开",
        "政府公开",
    ];
    let text = squeeze(text);
    WORDS.iter().any(|w| text.contains(w)) || is_disclosure_path(path)
}

/// Whether a URL path has a disclosure segment (zwgk, xxgk, zfxxgk, gknb, ndbg, xxgknb, fdzdgknr…).
pub fn is_disclosure_path(path: &str) -> bool {
    const SEGMENTS: [&str; 8] = [
        "zwgk", "xxgk", "gknb", "ndbg", "zfgk", "fdzdgk", "gkml", "zfxxgk",
    ];
    path.to_ascii_lowercase()
        .split('/')
        .any(|segment| SEGMENTS.iter().any(|s| segment.contains(s)))
}

/// Whether a page title or path names a column of annual reports (年报, 年度报告, gknb, ndbg),
/// whose listing items are reports even when their titles are unusual.
pub fn is_report_column(title: &str, path: &str) -> bool {
    let title = squeeze(title);
    let path = path.to_ascii_lowercase();
    ["年报", "年度报告"].iter().any(|w| title.contains(w))
        || ["gknb", "ndbg", "xxgknb"]
            .iter()
            .any(|s| path.split('/').any(|seg| seg.contains(s)))
}

/// The attachment extension a URL or a file name ends with (`report.PDF`, `down.jsp?file=a.docx`).
pub fn attachment_ext(s: &str) -> Option<&'static str> {
    let lower = s.trim().to_ascii_lowercase();
    let s = lower.split('#').next().unwrap_or_default();
    let candidates = [s, s.split('?').next().unwrap_or_default()];
    let found = candidates.into_iter().find_map(|c| {
        let (_, ext) = c.trim_end_matches(['"', '\'', ')', ';']).rsplit_once('.')?;
        let format = Format::from_extension(ext).filter(|f| f.is_attachment())?;
        format.extensions().iter().copied().find(|e| *e == ext)
    });
    found
}

/// The extension a stored attachment gets when its URL and link text name none, from its
/// `Content-Type`.
pub fn ext_for_content_type(content_type: &str) -> Option<&'static str> {
    Format::from_media_type(content_type)
        .filter(|f| f.is_attachment())
        .map(|f| f.extensions()[0])
}

/// The extension of a document recognised by its first bytes: PDF, an Office Open XML zip
/// (taken as .docx), an OLE compound file (taken as .doc).
pub fn sniff_document(bytes: &[u8]) -> Option<&'static str> {
    Format::from_magic(bytes)
        .filter(|f| f.is_attachment())
        .map(|f| f.extensions()[0])
}

/// Whether a `Content-Type` is an HTML page.
pub fn is_html(content_type: Option<&str>) -> bool {
    content_type.is_none_or(|ct| {
        let mime = ct
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        mime.is_empty()
            || mime == "text/html"
            || mime == "application/xhtml+xml"
            || mime == "text/plain"
    })
}

/// Text without white space (labels are often letter-spaced: “年 报”).
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_titles() {
        for t in [
            "北京市东城区2023年度政府信息公开工作年度报告",
            "XX区2022年政府信息公开年报",
            "二〇二一年 政务公开工作年度报告",
            "2019年 政府 信息公开 工作 年度报告",
        ] {
            assert!(is_report_title(t), "{t}");
        }
        for t in [
            "政府信息公开年报",
            "政府信息公开指南",
            "2023年工作报告",
            "关于2023年预算的通知",
        ] {
            assert!(!is_report_title(t), "{t}");
        }
    }

    #[test]
    fn disclosure_links() {
        assert!(is_disclosure_link("政务公开", "/a.html"));
        assert!(is_disclosure_link("更多", "/zwgk/zfxxgknb/index.html"));
        assert!(is_disclosure_link("", "/hbgovinfo/szfxxgkndbg/"));
        assert!(!is_disclosure_link("新闻动态", "/xwdt/index.html"));
        assert!(is_report_column("政府信息公开年报", "/x/"));
        assert!(is_report_column("", "/zwgk/gknb/index_2.html"));
        assert!(!is_report_column("政务公开", "/zwgk/index.html"));
    }

    #[test]
    fn attachment_extensions() {
        assert_eq!(attachment_ext("/a/b/Report.PDF"), Some("pdf"));
        assert_eq!(attachment_ext("/down.jsp?filename=年报.docx"), Some("docx"));
        assert_eq!(attachment_ext("附件：2023年年报.doc"), Some("doc"));
        assert_eq!(attachment_ext("/a.wps#page=2"), Some("wps"));
        assert_eq!(attachment_ext("/a.html"), None);
        assert_eq!(attachment_ext("/docs/"), None);
        assert_eq!(ext_for_content_type("application/pdf; qs=1"), Some("pdf"));
        assert!(is_html(Some("text/html; charset=gb2312")));
        assert!(!is_html(Some("application/pdf")));
    }
}
