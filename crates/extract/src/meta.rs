//! Report metadata: title, agency, the year reported on, and the publication date, from what the
//! container declares (`<title>`, CMS `<meta>` names, `标题:`/`发布时间:` lines) and the text.

use std::sync::OnceLock;

use regex::Regex;

use crate::document::{Block, Document};
use nianbao_schema::Meta;

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid regex"))
}

/// `<YEAR>年(度)…年度报告/年报`: the year reported on, in a title.
fn title_year() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"((?:19|20)\d{2})\s*年\s*度?[^0-9]{0,30}?(?:年度报告|年报|工作报告|情况报告)",
    )
}

fn any_date() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})",
    )
}

fn period_year() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"自\s*((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
}

/// Reads the metadata of a document.
pub fn read_meta(doc: &Document) -> Meta {
    let lookup = |names: &[&str]| {
        doc.meta
            .iter()
            .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
            .map(|(_, v)| v.clone())
    };
    let paragraphs: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.as_str()),
            Block::Table(_) => None,
        })
        .collect();
    let labelled = |label: &str| {
        paragraphs.iter().take(40).find_map(|p| {
            let p = p.trim();
            p.strip_prefix(label)
                .map(|rest| rest.trim_start_matches([':', '：', ' ']).trim().to_string())
                .filter(|v| !v.is_empty())
        })
    };

    let title = lookup(&["ArticleTitle", "title", "og:title"])
        .or_else(|| labelled("标题"))
        .or_else(|| doc.title.as_deref().map(|t| best_title_part(t).to_string()))
        .filter(|t| title_year().is_match(&arabic_years(t)) || t.contains("报告"))
        .or_else(|| {
            // A title line, or a title broken over two lines (`…2021年度政府信息公开` / `工作年度报告`).
            let lines: Vec<&str> = paragraphs
                .iter()
                .take(60)
                .map(|p| p.trim().trim_start_matches('#').trim())
                .filter(|p| !p.is_empty())
                .collect();
            // A title names a 年 and a 报告 or 年报.
            let may_be_title = |parts: &[&str]| {
                ['年', '报']
                    .iter()
                    .all(|c| parts.iter().any(|p| p.contains(*c)))
            };
            (0..lines.len()).find_map(|i| {
                let one = lines[i];
                let two = lines.get(i + 1).filter(|n| may_be_title(&[one, n]));
                [
                    may_be_title(&[one]).then(|| one.to_string()),
                    two.map(|n| format!("{one}{n}")),
                ]
                .into_iter()
                .flatten()
                .find(|t| t.chars().count() <= 80 && title_year().is_match(&arabic_years(t)))
            })
        })
        .or_else(|| doc.title.clone());

    let compact = |s: &str| {
        arabic_years(&s.chars().filter(|c| !c.is_whitespace()).collect::<String>()).into_owned()
    };
    let year = title
        .as_deref()
        .and_then(|t| {
            title_year()
                .captures(&compact(t))
                .and_then(|c| c[1].parse().ok())
        })
        .or_else(|| {
            paragraphs
                .iter()
                .take(200)
                .find_map(|p| period_year().captures(p).and_then(|c| c[1].parse().ok()))
        });

    let agency = title
        .as_deref()
        .and_then(|t| {
            let t = compact(t);
            let m = title_year().find(&t)?;
            let before = t[..m.start()]
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .trim_start_matches("关于");
            if !before.is_empty() {
                return Some(before.to_string());
            }
            // `2019年上海市人民政府办公厅政府信息公开工作年度报告`: the agency follows the year.
            let after = t[m.start()..].split_once('年')?.1.trim_start_matches('度');
            let end = after
                .find("政府信息公开")
                .or_else(|| after.find("信息公开"))?;
            (end > 0).then(|| after[..end].to_string())
        })
        .or_else(|| lookup(&["ContentSource", "author", "Author"]).filter(|a| !a.is_empty()))
        .or_else(|| labelled("发布机构"));

    let published = lookup(&["PubDate", "publishdate", "pubdate", "firstpublishedtime"])
        .or_else(|| labelled("发布时间"))
        .or_else(|| labelled("发布日期"))
        .or_else(|| labelled("成文日期"))
        .and_then(|d| iso_date(&d))
        .or_else(|| {
            // A signature date at the end: `2026年1月23日`.
            paragraphs.iter().rev().take(15).find_map(|p| {
                (p.trim().chars().count() <= 20)
                    .then(|| iso_date(p))
                    .flatten()
            })
        });

    Meta {
        title,
        agency,
        year,
        template: None,
        published,
    }
}

/// Writes years printed in Chinese numerals (`二〇二一年`) with digits (`2021年`).
fn arabic_years(s: &str) -> std::borrow::Cow<'_, str> {
    // Every year of these reports (二〇〇八 on) has a zero.
    if !s.contains(['〇', '○', '零']) {
        return std::borrow::Cow::Borrowed(s);
    }
    const DIGITS: [(char, char); 12] = [
        ('〇', '0'),
        ('○', '0'),
        ('零', '0'),
        ('一', '1'),
        ('二', '2'),
        ('三', '3'),
        ('四', '4'),
        ('五', '5'),
        ('六', '6'),
        ('七', '7'),
        ('八', '8'),
        ('九', '9'),
    ];
    let digit = |c: char| DIGITS.iter().find(|(z, _)| *z == c).map(|(_, d)| *d);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let year: Option<String> = (i + 4 < chars.len() && chars[i + 4] == '年')
            .then(|| {
                chars[i..i + 4]
                    .iter()
                    .map(|c| digit(*c))
                    .collect::<Option<String>>()
            })
            .flatten()
            .filter(|y| y.starts_with("19") || y.starts_with("20"));
        match year {
            Some(y) => {
                out.push_str(&y);
                i += 4;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The segment of a `<title>` that names the report (`报告_栏目_网站` → `报告`).
fn best_title_part(title: &str) -> &str {
    title
        .split(['_', '|', '－'])
        .map(str::trim)
        .find(|p| p.contains("报告") || p.contains("年报"))
        .unwrap_or(title)
}

/// `2025-03-10 15:35`, `2020年1月31日` → `2025-03-10`, `2020-01-31`.
fn iso_date(s: &str) -> Option<String> {
    let c = any_date().captures(s)?;
    let (y, m, d): (u32, u32, u32) = (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: Option<&str>, meta: &[(&str, &str)], paras: &[&str]) -> Document {
        Document {
            title: title.map(String::from),
            meta: meta
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            blocks: paras
                .iter()
                .map(|p| Block::Paragraph(p.to_string()))
                .collect(),
            ..Document::default()
        }
    }

    #[test]
    fn cms_meta_wins() {
        let m = read_meta(&doc(
            Some("平潭综合实验区2024年度政府信息公开工作年度报告_政府信息公开年报_平潭"),
            &[
                ("PubDate", "2025-03-10 15:35"),
                ("ContentSource", "平潭综合实验区管委会办公室"),
            ],
            &[],
        ));
        assert_eq!(m.year, Some(2024));
        assert_eq!(m.agency.as_deref(), Some("平潭综合实验区"));
        assert_eq!(m.published.as_deref(), Some("2025-03-10"));
        assert_eq!(
            m.title.as_deref(),
            Some("平潭综合实验区2024年度政府信息公开工作年度报告")
        );
    }

    #[test]
    fn agency_after_the_year() {
        let m = read_meta(&doc(
            None,
            &[],
            &["2019年上海市人民政府办公厅政府信息公开工作年度报告"],
        ));
        assert_eq!(m.agency.as_deref(), Some("上海市人民政府办公厅"));
        assert_eq!(m.year, Some(2019));
    }

    #[test]
    fn years_in_chinese_numerals() {
        let m = read_meta(&doc(
            None,
            &[],
            &["某某区司法局二〇二一年政府信息公开工作年度报告"],
        ));
        assert_eq!(m.year, Some(2021));
        assert_eq!(m.agency.as_deref(), Some("某某区司法局"));
        assert_eq!(arabic_years("二零二三年度"), "2023年度");
        assert_eq!(arabic_years("一二三四年"), "一二三四年");
    }

    #[test]
    fn text_forms_use_their_lines() {
        let m = read_meta(&doc(
            None,
            &[],
            &[
                "# 沐阳县人民政府 2025 年 政府信息公开工作年度报告",
                "正文",
                "2026年1月23日",
            ],
        ));
        assert_eq!(m.year, Some(2025));
        assert_eq!(m.agency.as_deref(), Some("沐阳县人民政府"));
        assert_eq!(m.published.as_deref(), Some("2026-01-23"));
        let m = read_meta(&doc(
            None,
            &[],
            &[
                "标题: 平潭综合实验区2021年度政府信息公开工作年度报告",
                "发布时间: 2022-02-08 16:34",
            ],
        ));
        assert_eq!(m.year, Some(2021));
        assert_eq!(m.published.as_deref(), Some("2022-02-08"));
    }
}
