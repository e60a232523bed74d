//! The overview page (`index.html`): what the dataset holds and how well it reads.

use std::collections::{BTreeMap, HashMap};

use nianbao_schema::{Report, Status};

use crate::charts::{bar_chart, format_count, stacked_shares};
use crate::dataset::{Dataset, DatasetReport, ReportContext};
use crate::html::{page_start, Html};
use crate::page_href;

/// The outcome groups of table 三's （三）…（六） rows, in the stacked bars' order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// （一）予以公开.
    Granted,
    /// （二）部分公开.
    PartiallyGranted,
    /// （三）不予公开.
    Denied,
    /// （四）无法提供.
    Unable,
    /// （五）不予处理.
    NotProcessed,
    /// （六）其他处理.
    Other,
}

impl Outcome {
    /// Every outcome, in order.
    pub const ALL: [Outcome; 6] = [
        Outcome::Granted,
        Outcome::PartiallyGranted,
        Outcome::Denied,
        Outcome::Unable,
        Outcome::NotProcessed,
        Outcome::Other,
    ];

    /// The printed name.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Granted => "予以公开",
            Outcome::PartiallyGranted => "部分公开",
            Outcome::Denied => "不予公开",
            Outcome::Unable => "无法提供",
            Outcome::NotProcessed => "不予处理",
            Outcome::Other => "其他处理",
        }
    }

    /// The outcome a `table3.result.…` row total counts toward (`None` for any other key).
    pub fn of_row_total(key: &str) -> Option<Outcome> {
        let row = key.strip_prefix("table3.result.")?.strip_suffix(".total")?;
        Some(match row.split('.').next()? {
            "granted" => Outcome::Granted,
            "partially_granted" => Outcome::PartiallyGranted,
            "denied" => Outcome::Denied,
            "unable" => Outcome::Unable,
            "not_processed" => Outcome::NotProcessed,
            "other" => Outcome::Other,
            _ => return None,
        })
    }
}

/// Reads one optional classification column (`region_level`, `agency_kind`) of a report.
type Classification = fn(&ReportContext) -> &Option<String>;

/// Requests and outcomes of one year, summed over reports.
#[derive(Debug, Default, Clone, PartialEq)]
struct YearTotals {
    received: f64,
    outcomes: [f64; 6],
}

fn add_year_totals(totals: &mut YearTotals, report: &Report) {
    for cell in &report.cells {
        let Some(value) = cell.value.filter(|_| cell.status == Status::Number) else {
            continue;
        };
        if cell.key == "table3.new_received.total" {
            totals.received += value.as_f64();
        } else if let Some(outcome) = Outcome::of_row_total(&cell.key) {
            let i = Outcome::ALL.iter().position(|o| *o == outcome).unwrap_or(0);
            totals.outcomes[i] += value.as_f64();
        }
    }
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "—".to_string()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// A two-column count table (`label`, `count`), largest first.
fn count_table(html: &mut Html, heading: &str, counts: &BTreeMap<String, usize>) {
    let mut rows: Vec<(&String, &usize)> = counts.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    html.raw("<table class=\"stats\"><thead><tr>")
        .element("th", heading)
        .raw("<th>报告数</th></tr></thead><tbody>");
    for (label, count) in rows {
        html.raw("<tr><td class=\"label\">")
            .text(label)
            .fmt(format_args!("</td><td class=\"num\">{count}</td></tr>"));
    }
    html.raw("</tbody></table>");
}

/// The overview page of `dataset`, titled `title`.
pub fn render_overview(dataset: &Dataset, title: &str) -> String {
    let originals: Vec<&DatasetReport> = dataset
        .reports
        .iter()
        .filter(|r| r.duplicate_of.is_none())
        .collect();
    let read: Vec<&DatasetReport> = originals
        .iter()
        .copied()
        .filter(|r| r.failure.is_none())
        .collect();
    let mut html = page_start(title);
    html.raw("<nav><a href=\"index.html\">概览</a><a href=\"reports.html\">报告列表</a></nav>")
        .element("h1", title);
    let duplicates = dataset.reports.len() - originals.len();
    let failed = originals.len() - read.len();
    html.fmt(format_args!(
        "<p>{} 份文件: {} 份已读取, {} 份读取失败, {} 份重复.</p>",
        dataset.reports.len(),
        read.len(),
        failed,
        duplicates
    ));

    // Reports by year and template.
    let mut by_year: BTreeMap<Option<i32>, BTreeMap<String, usize>> = BTreeMap::new();
    let mut templates: Vec<String> = Vec::new();
    for r in &read {
        let template = r
            .report
            .report
            .template
            .clone()
            .unwrap_or_else(|| "无标准表格".into());
        if !templates.contains(&template) {
            templates.push(template.clone());
        }
        *by_year
            .entry(r.report.report.year)
            .or_default()
            .entry(template)
            .or_default() += 1;
    }
    templates.sort();
    html.raw("<h2>按年度和表格格式</h2><table class=\"stats\"><thead><tr><th>年度</th>");
    for t in &templates {
        html.element("th", &format!("{t} 格式"));
    }
    html.raw("<th>合计</th></tr></thead><tbody>");
    let mut year_bars = Vec::new();
    for (year, counts) in &by_year {
        let year_label = year.map_or("年度不明".to_string(), |y| y.to_string());
        html.raw("<tr><td class=\"label\">")
            .text(&year_label)
            .raw("</td>");
        for t in &templates {
            html.fmt(format_args!(
                "<td class=\"num\">{}</td>",
                counts.get(t).copied().unwrap_or(0)
            ));
        }
        let total: usize = counts.values().sum();
        html.fmt(format_args!("<td class=\"num\">{total}</td></tr>"));
        year_bars.push((year_label, total as f64));
    }
    html.raw("</tbody></table>");
    bar_chart(&mut html, &year_bars);

    // Optional classification columns.
    let classifications: [(bool, &str, Classification); 2] = [
        (dataset.has_region_level, "行政层级", |c| {
            &c.region_level
        }),
        (dataset.has_agency_kind, "机关类别", |c| &c.agency_kind),
    ];
    for (present, heading, field) in classifications {
        if !present {
            continue;
        }
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for r in &read {
            let value = field(&r.context);
            *counts
                .entry(value.clone().unwrap_or_else(|| "不明".into()))
                .or_default() += 1;
        }
        html.element("h2", &format!("按{heading}"));
        count_table(&mut html, heading, &counts);
    }

    // Checks.
    let checked: Vec<&&DatasetReport> = read
        .iter()
        .filter(|r| !r.report.checks.is_empty())
        .collect();
    let all_passed = checked
        .iter()
        .filter(|r| r.report.failed_checks() == 0)
        .count();
    html.raw("<h2>校验</h2>").fmt(format_args!(
        "<p>全部校验通过的报告: <strong>{all_passed}</strong> / {} ({}).</p>",
        checked.len(),
        percent(all_passed, checked.len())
    ));
    let mut failures: HashMap<(String, String), usize> = HashMap::new();
    for r in &read {
        for check in r.report.checks.iter().filter(|c| !c.passed) {
            *failures
                .entry((check.rule.clone(), check.scope.clone()))
                .or_default() += 1;
        }
    }
    let mut failures: Vec<((String, String), usize)> = failures.into_iter().collect();
    failures.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if failures.is_empty() {
        html.raw("<p class=\"muted\">没有未通过的校验。</p>");
    } else {
        html.element("h3", "未通过最多的校验");
        let rows: Vec<(String, f64)> = failures
            .iter()
            .take(15)
            .map(|((rule, scope), n)| (format!("{rule} {scope}"), *n as f64))
            .collect();
        bar_chart(&mut html, &rows);
    }

    // Requests and outcomes by year.
    let mut totals: BTreeMap<i32, YearTotals> = BTreeMap::new();
    for r in &read {
        if let Some(year) = r.report.report.year {
            add_year_totals(totals.entry(year).or_default(), &r.report);
        }
    }
    if !totals.is_empty() {
        html.raw("<h2>政府信息公开申请</h2><h3>本年新收申请 (总计)</h3>");
        let received: Vec<(String, f64)> = totals
            .iter()
            .map(|(y, t)| (y.to_string(), t.received))
            .collect();
        bar_chart(&mut html, &received);
        html.element("h3", "办理结果构成");
        let series: Vec<&str> = Outcome::ALL.iter().map(|o| o.label()).collect();
        let rows: Vec<(String, Vec<f64>)> = totals
            .iter()
            .map(|(y, t)| (y.to_string(), t.outcomes.to_vec()))
            .collect();
        stacked_shares(&mut html, &series, &rows);
        html.raw("<table class=\"stats\"><thead><tr><th>年度</th><th>新收申请</th>");
        for label in &series {
            html.element("th", label);
        }
        html.raw("</tr></thead><tbody>");
        for (year, t) in &totals {
            html.fmt(format_args!(
                "<tr><td class=\"label\">{year}</td><td class=\"num\">{}</td>",
                format_count(t.received)
            ));
            for value in t.outcomes {
                html.fmt(format_args!(
                    "<td class=\"num\">{}</td>",
                    format_count(value)
                ));
            }
            html.raw("</tr>");
        }
        html.raw("</tbody></table>");
    }

    // Read failures by kind.
    html.raw("<h2>读取失败</h2>");
    let mut by_kind: BTreeMap<&str, Vec<&DatasetReport>> = BTreeMap::new();
    for r in &originals {
        if let Some(failure) = &r.failure {
            by_kind.entry(failure.kind.as_str()).or_default().push(r);
        }
    }
    if by_kind.is_empty() {
        html.raw("<p class=\"muted\">所有文件均已读取。</p>");
    }
    for (kind, reports) in by_kind {
        html.raw("<h3>")
            .text(kind)
            .fmt(format_args!(" ({})</h3><ul>", reports.len()));
        for r in reports.iter().take(20) {
            let message = r.failure.as_ref().map_or("", |f| f.message.as_str());
            html.raw("<li>")
                .text(&r.report.source.path)
                .raw(": <span class=\"muted\">")
                .text(message)
                .raw("</span></li>");
        }
        if reports.len() > 20 {
            html.fmt(format_args!(
                "<li class=\"muted\">… 另有 {} 份</li>",
                reports.len() - 20
            ));
        }
        html.raw("</ul>");
    }
    html.raw("<p class=\"muted\">报告页: ");
    if let Some(first) = read.iter().find_map(|r| page_href(&r.report.source.sha256)) {
        html.raw("<a")
            .attr("href", &first)
            .raw(">第一份报告</a> · ");
    }
    html.raw("<a href=\"reports.html\">全部报告</a></p></body></html>\n");
    html.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::ReadFailure;
    use nianbao_schema::{Cell, Check, Meta, Number};

    fn read_report(year: i32, received: i64, granted: i64, passed: bool) -> DatasetReport {
        let cell = |key: &str, value: i64| Cell {
            key: key.to_string(),
            value: Some(Number::Int(value)),
            status: Status::Number,
            raw: None,
            candidates: Vec::new(),
            unit: None,
        };
        DatasetReport {
            report: Report {
                report: Meta {
                    year: Some(year),
                    template: Some("2021".into()),
                    ..Meta::default()
                },
                cells: vec![
                    cell("table3.new_received.total", received),
                    cell("table3.result.granted.total", granted),
                    cell("table3.result.denied.state_secret.total", 1),
                ],
                checks: vec![Check {
                    rule: "R3.1".into(),
                    scope: "total".into(),
                    passed,
                    detail: String::new(),
                }],
                ..Report::default()
            },
            ..DatasetReport::default()
        }
    }

    #[test]
    fn the_overview_sums_years_and_counts_failures() {
        let failed_read = DatasetReport {
            failure: Some(ReadFailure {
                kind: "<rtf>".into(),
                message: "an RTF file".into(),
            }),
            ..DatasetReport::default()
        };
        let dataset = Dataset {
            reports: vec![
                read_report(2022, 10, 6, true),
                read_report(2022, 5, 2, false),
                read_report(2023, 7, 7, true),
                failed_read,
            ],
            ..Dataset::default()
        };
        let page = render_overview(&dataset, "审阅 <x>");
        assert!(page.contains("<h1>审阅 &lt;x&gt;</h1>"));
        assert!(
            page.contains("<strong>2</strong> / 3 (66.7%)"),
            "every check passing"
        );
        assert!(page.contains("<tr><td class=\"label\">2022</td><td class=\"num\">15</td><td class=\"num\">8</td><td class=\"num\">0</td><td class=\"num\">2</td>"));
        assert!(
            page.contains(">R3.1 total</text>"),
            "the most failed checks"
        );
        assert!(
            page.contains("<h3>&lt;rtf&gt; (1)</h3>"),
            "failures by kind"
        );
        assert!(!page.contains("按行政层级"));
    }

    #[test]
    fn outcome_rows_are_grouped_by_their_heading() {
        assert_eq!(
            Outcome::of_row_total("table3.result.denied.state_secret.total"),
            Some(Outcome::Denied)
        );
        assert_eq!(
            Outcome::of_row_total("table3.result.other.total.total"),
            Some(Outcome::Other)
        );
        assert_eq!(
            Outcome::of_row_total("table3.result.granted.natural_person"),
            None
        );
        assert_eq!(Outcome::of_row_total("table3.result_total.total"), None);
    }
}
