//! A site's way to its report columns: 政务公开 → 政府信息公开 → 政府信息公开年报, and the
//! 部门 / 乡镇 年报 sub-columns under it.
//!
//! [`report_columns`] reads one page's navigation (a site root, a disclosure page, a report
//! column) and names the links that are report columns or lead toward one. It complements
//! [`crate::classify`], which judges single strings, by sorting the links of a page into
//! column kinds, so a crawl can go for the report columns first.

use url::Url;

use crate::classify::{is_disclosure_link, is_report_column, is_report_title};
use crate::page::parse;

/// What a navigation link leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ColumnKind {
    /// A report column: 政府信息公开年报, 年度报告, `zfxxgknb`, `gknb`, `ndbg`.
    Reports,
    /// Departments' reports: 部门年报, `bmnb`, 区政府工作部门.
    DepartmentReports,
    /// Townships' and streets' reports: 乡镇（街道）年报, `xznb`, `jdnb`.
    TownshipReports,
    /// A disclosure page that leads toward the report columns: 政务公开, 政府信息公开, 信息公开目录.
    Disclosure,
}

/// A navigation link to a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnLink {
    /// Where.
    pub url: Url,
    /// The link text.
    pub text: String,
    /// What it leads to.
    pub kind: ColumnKind,
}

/// URL path words of report columns.
const REPORT_WORDS: [&str; 6] = [
    "zfxxgknb",
    "xxgknb",
    "gknb",
    "ndbg",
    "zfxxgkndbg",
    "nianbao",
];

/// The report columns and the disclosure pages toward them among a page's links, report columns
/// first (then department, township, disclosure), in page order within a kind. Links to single
/// reports (“2023年…年度报告”) are not columns and are left out; so are other hosts.
pub fn report_columns(page_url: &Url, html: &str) -> Vec<ColumnLink> {
    let page = parse(html, page_url);
    let mut out: Vec<ColumnLink> = page
        .links
        .into_iter()
        .filter(|l| l.url.host_str() == page_url.host_str() && l.url != *page_url)
        .filter(|l| !is_report_title(&l.text))
        .filter_map(|l| {
            let kind = column_kind(&l.text, l.url.path())?;
            Some(ColumnLink {
                url: l.url,
                text: l.text,
                kind,
            })
        })
        .collect();
    out.sort_by_key(|c| c.kind);
    out
}

/// The kind of column a link text and path name, if any.
pub fn column_kind(text: &str, path: &str) -> Option<ColumnKind> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let path = path.to_ascii_lowercase();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let has_segment = |words: &[&str]| {
        segments
            .iter()
            .any(|s| words.iter().any(|w| s.starts_with(w) || s.contains(w)))
    };
    let reports = text.contains("年报")
        || text.contains("年度报告")
        || has_segment(&REPORT_WORDS)
        || is_report_column(&text, &path);
    let department = text.contains("部门")
        || text.contains("工作部门")
        || has_segment(&["bmnb", "qzfgzbm", "bmxxgk"]);
    let township =
        text.contains("乡镇") || text.contains("街道") || has_segment(&["xznb", "jdnb", "xzjd"]);
    if reports && department {
        Some(ColumnKind::DepartmentReports)
    } else if reports && township {
        Some(ColumnKind::TownshipReports)
    } else if reports {
        Some(ColumnKind::Reports)
    } else if is_disclosure_link(&text, &path) {
        Some(ColumnKind::Disclosure)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_navigation_toward_reports() {
        let root = Url::parse("http://www.mx.gov.cn/").unwrap();
        let html = r#"<title>某县人民政府</title>
            <ul class="nav"><li><a href="/">首页</a></li><li><a href="/xwzx/">新闻中心</a></li>
            <li><a href="/zwgk/">政务公开</a></li><li><a href="/zwgk/zfxxgk/">政府信息公开</a></li></ul>
            <div class="side">
              <a href="/zwgk/zfxxgk/zfxxgknb/">政府信息公开年报</a>
              <a href="/zwgk/zfxxgk/zfxxgknb/bmnb/">部门年报</a>
              <a href="/zwgk/zfxxgk/zfxxgknb/xznb/">乡镇（街道）年报</a>
              <a href="/zwgk/zfxxgk/zfxxgknb/202401/t20240118_1.html">某县2023年政府信息公开工作年度报告</a>
              <a href="/zwgk/zfxxgk/ndbg/">年度报告</a>
              <a href="http://www.other.gov.cn/zwgk/">政务公开</a>
            </div>"#;
        let cols = report_columns(&root, html);
        let got: Vec<(&str, ColumnKind)> = cols.iter().map(|c| (c.url.path(), c.kind)).collect();
        assert_eq!(
            got,
            [
                ("/zwgk/zfxxgk/zfxxgknb/", ColumnKind::Reports),
                ("/zwgk/zfxxgk/ndbg/", ColumnKind::Reports),
                ("/zwgk/zfxxgk/zfxxgknb/bmnb/", ColumnKind::DepartmentReports),
                ("/zwgk/zfxxgk/zfxxgknb/xznb/", ColumnKind::TownshipReports),
                ("/zwgk/", ColumnKind::Disclosure),
                ("/zwgk/zfxxgk/", ColumnKind::Disclosure),
            ]
        );
        assert_eq!(cols[2].text, "部门年报");
    }

    #[test]
    fn kinds_from_paths_alone() {
        assert_eq!(
            column_kind("更多", "/xxgk/xxgknb/qzfgzbm/"),
            Some(ColumnKind::DepartmentReports)
        );
        assert_eq!(
            column_kind("", "/hbgovinfo/zwgk/szfxxgkndbg/"),
            Some(ColumnKind::Reports)
        );
        assert_eq!(
            column_kind("法定主动公开内容", "/fdzdgknr/"),
            Some(ColumnKind::Disclosure)
        );
        assert_eq!(column_kind("新闻动态", "/xwdt/"), None);
    }
}
