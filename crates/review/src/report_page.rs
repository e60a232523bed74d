//! One report's page: metadata and provenance, tables 二, 三 and 四 laid out like the national
//! template with every cell (value, status, raw text on hover), the failed checks drawn on the
//! cells they involve, the checks and warnings, and links to the same agency's other years.
//!
//! It renders from the schema's [`Report`], so `nianbao extract FILE --format html` and the
//! dataset site share it.

use std::collections::HashMap;

use nianbao_schema::checks::TABLE3_COLUMNS;
use nianbao_schema::render::value_text;
use nianbao_schema::{cells_of_check, key_spec, Cell, Check, Report, Status};

use crate::dataset::ReportContext;
use crate::html::{page_start, Html};

/// A link to another year's page of the same agency.
#[derive(Debug, Clone, PartialEq)]
pub struct YearLink {
    /// The year reported on.
    pub year: i32,
    /// The page, relative to this one.
    pub href: String,
}

/// What a report page shows besides the report: provenance the dataset adds and navigation.
#[derive(Debug, Clone, Default)]
pub struct PageContext {
    /// Fetch provenance and grouping, when the report comes from a dataset.
    pub context: ReportContext,
    /// The same agency's previous year.
    pub previous: Option<YearLink>,
    /// The same agency's next year.
    pub next: Option<YearLink>,
    /// The site's overview and list, relative to this page (`None` for a lone page).
    pub site_root: Option<String>,
}

/// The four applicant groups of table 四's columns, left to right.
const TABLE4_COLUMNS: [&str; 5] = ["upheld", "corrected", "other_result", "pending", "total"];

/// The failed checks that involve each cell key.
fn failed_checks_by_key(report: &Report) -> HashMap<String, Vec<&Check>> {
    let mut by_key: HashMap<String, Vec<&Check>> = HashMap::new();
    for check in report.checks.iter().filter(|c| !c.passed) {
        let keys = report.cells.iter().map(|c| c.key.as_str());
        for key in cells_of_check(&check.rule, &check.scope, keys) {
            by_key.entry(key).or_default().push(check);
        }
    }
    by_key
}

/// What a cell shows: the number, or a sign for its status.
fn cell_text(cell: &Cell) -> String {
    match cell.status {
        Status::Number => {
            let value = value_text(cell.value);
            match &cell.unit {
                Some(unit) => format!("{value} {unit}"),
                None => value,
            }
        }
        Status::Blank => "·".to_string(),
        Status::Dash => "—".to_string(),
        Status::Missing => "？".to_string(),
        Status::Ambiguous => cell
            .candidates
            .iter()
            .map(|n| value_text(Some(*n)))
            .collect::<Vec<_>>()
            .join(" / "),
    }
}

/// The hover text of a cell: its raw text, its candidates, the checks it fails.
fn cell_title(cell: &Cell, failed: &[&Check]) -> String {
    let mut title = match &cell.raw {
        Some(raw) => format!("原文: {raw}"),
        None => format!("原文: (无) {}", status_label(cell.status)),
    };
    if !cell.candidates.is_empty() {
        let candidates: Vec<String> = cell
            .candidates
            .iter()
            .map(|n| value_text(Some(*n)))
            .collect();
        title.push_str(&format!("\n可能的读法: {}", candidates.join(" | ")));
    }
    for check in failed {
        title.push_str(&format!(
            "\n✗ {} {}: {}",
            check.rule, check.scope, check.detail
        ));
    }
    title
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Number => "数字",
        Status::Blank => "空白",
        Status::Dash => "横线/无",
        Status::Missing => "未找到",
        Status::Ambiguous => "有歧义",
    }
}

/// Writes one `<td>` for `cell` (or an empty one when the template has no such cell).
fn write_cell(html: &mut Html, cell: Option<&Cell>, failed: &HashMap<String, Vec<&Check>>) {
    let Some(cell) = cell else {
        html.raw("<td></td>");
        return;
    };
    let checks = failed.get(&cell.key).map_or(&[][..], Vec::as_slice);
    let class = if checks.is_empty() {
        cell.status.name().to_string()
    } else {
        format!("{} failed", cell.status.name())
    };
    html.raw("<td")
        .attr("class", &class)
        .attr("data-key", &cell.key)
        .attr("data-value", &value_text(cell.value))
        .attr("title", &cell_title(cell, checks))
        .raw(">")
        .text(&cell_text(cell))
        .raw("</td>");
}

/// The report's page, a complete HTML document.
pub fn render_report_page(report: &Report, page: &PageContext) -> String {
    let meta = &report.report;
    let heading = meta
        .title
        .clone()
        .or_else(|| meta.agency.clone())
        .unwrap_or_else(|| report.source.path.clone());
    let mut html = page_start(&heading);
    if let Some(root) = &page.site_root {
        html.raw("<nav><a")
            .attr("href", &format!("{root}index.html"))
            .raw(">概览</a><a")
            .attr("href", &format!("{root}reports.html"))
            .raw(">报告列表</a>");
        if let Some(previous) = &page.previous {
            html.raw("<a rel=\"prev\"")
                .attr("href", &previous.href)
                .fmt(format_args!(">← {} 年度</a>", previous.year));
        }
        if let Some(next) = &page.next {
            html.raw("<a rel=\"next\"")
                .attr("href", &next.href)
                .fmt(format_args!(">{} 年度 →</a>", next.year));
        }
        html.raw("</nav>");
    }
    html.element("h1", &heading);
    write_meta(&mut html, report, &page.context);
    html.raw("<p class=\"legend\">单元格: <span>数字</span><span class=\"blank\" style=\"background:#f4f4f4\">· 空白</span><span style=\"background:#eef4ff\">— 横线/无</span><span style=\"background:#fde8e8\">？ 未找到</span><span style=\"background:#fff3d6\">有歧义 (可能的读法)</span><span style=\"outline:2px solid #c62828\">未通过校验</span> 鼠标悬停显示原文</p>");

    let failed = failed_checks_by_key(report);
    let table = |n: char| -> Vec<&Cell> {
        report
            .cells
            .iter()
            .filter(|c| c.key.starts_with("table") && c.key[5..].starts_with(n))
            .collect()
    };
    let t2 = table('2');
    if !t2.is_empty() {
        write_table2(&mut html, &t2, &failed);
    }
    let t3 = table('3');
    if !t3.is_empty() {
        write_table3(&mut html, &t3, &failed);
    }
    let t4 = table('4');
    if !t4.is_empty() {
        write_table4(&mut html, &t4, &failed);
    }
    if report.cells.is_empty() {
        html.raw("<p class=\"muted\">未找到标准表格。</p>");
    }
    write_checks(&mut html, report);
    html.raw("</body></html>\n");
    html.finish()
}

fn write_meta(html: &mut Html, report: &Report, context: &ReportContext) {
    let meta = &report.report;
    let year = meta.year.map(|y| y.to_string());
    let rows: [(&str, Option<&str>); 12] = [
        ("标题", meta.title.as_deref()),
        ("机关", meta.agency.as_deref()),
        ("机关 (归并)", context.agency_normalized.as_deref()),
        ("年度", year.as_deref()),
        ("表格格式", meta.template.as_deref()),
        ("发布日期", meta.published.as_deref()),
        ("来源文件", Some(report.source.path.as_str())),
        ("来源网址", context.source_url.as_deref()),
        ("抓取时间", context.fetched_at.as_deref()),
        (
            "文件格式",
            Some(report.source.format.as_str()).filter(|f| !f.is_empty()),
        ),
        ("文字编码", report.source.encoding.as_deref()),
        ("SHA-256 (report_id)", Some(report.source.sha256.as_str())),
    ];
    html.raw("<dl class=\"meta\">");
    for (label, value) in rows {
        let Some(value) = value else { continue };
        html.element("dt", label).raw("<dd>");
        if label == "来源网址" {
            html.raw("<a rel=\"noreferrer\"")
                .attr("href", value)
                .raw(">")
                .text(value)
                .raw("</a>");
        } else {
            html.text(value);
        }
        html.raw("</dd>");
    }
    if let Some(level) = &context.region_level {
        html.element("dt", "行政层级").element("dd", level);
    }
    if let Some(kind) = &context.agency_kind {
        html.element("dt", "机关类别").element("dd", kind);
    }
    html.raw("</dl>");
}

/// The printed label of a row, without the schema's annotations.
fn row_label(cell: &Cell) -> String {
    key_spec(&cell.key).map_or_else(
        || cell.key.clone(),
        |s| s.row_label.trim_end_matches(" (single row)").to_string(),
    )
}

/// Groups consecutive cells by row path (`keys.tsv` order keeps a row's cells together).
fn rows<'c>(cells: &[&'c Cell]) -> Vec<(String, Vec<&'c Cell>)> {
    let mut rows: Vec<(String, Vec<&Cell>)> = Vec::new();
    for cell in cells {
        let path = cell
            .key
            .rsplit_once('.')
            .map_or(cell.key.as_str(), |(r, _)| r);
        match rows.last_mut() {
            Some((p, row)) if p == path => row.push(cell),
            _ => rows.push((path.to_string(), vec![cell])),
        }
    }
    rows
}

fn write_table2(html: &mut Html, cells: &[&Cell], failed: &HashMap<String, Vec<&Check>>) {
    html.raw("<h2>二、主动公开政府信息情况</h2>");
    // Blocks by the caption path (第二十条第（一）项 …), in printed order.
    let mut blocks: Vec<(String, Vec<&Cell>)> = Vec::new();
    for cell in cells {
        let block = key_spec(&cell.key).map_or("其他", |s| {
            s.table.rsplit(" / ").next().unwrap_or(&s.table)
        });
        match blocks.last_mut() {
            Some((b, list)) if b == block => list.push(cell),
            _ => blocks.push((block.to_string(), vec![cell])),
        }
    }
    for (block, block_cells) in blocks {
        let mut headings: Vec<String> = Vec::new();
        for cell in &block_cells {
            let label = key_spec(&cell.key).map_or_else(
                || cell.key.rsplit('.').next().unwrap_or("").to_string(),
                |s| s.column_label.clone(),
            );
            if !headings.contains(&label) {
                headings.push(label);
            }
        }
        html.element("h3", &block)
            .raw("<table><thead><tr><th>信息内容</th>");
        for heading in &headings {
            html.element("th", heading);
        }
        html.raw("</tr></thead><tbody>");
        for (_, row) in rows(&block_cells) {
            html.raw("<tr><td class=\"label\">")
                .text(&row_label(row[0]))
                .raw("</td>");
            for heading in &headings {
                let cell = row
                    .iter()
                    .copied()
                    .find(|c| key_spec(&c.key).is_some_and(|s| &s.column_label == heading));
                write_cell(html, cell, failed);
            }
            html.raw("</tr>");
        }
        html.raw("</tbody></table>");
    }
}

fn write_table3(html: &mut Html, cells: &[&Cell], failed: &HashMap<String, Vec<&Check>>) {
    html.raw("<h2>三、收到和处理政府信息公开申请情况</h2><table class=\"t3\"><thead>");
    // The applicant columns' printed labels, the same in every row and both templates.
    let label_of = |column: &str| {
        key_spec(&format!("table3.new_received.{column}")).map_or_else(
            || column.to_string(),
            |s| {
                let label = s.column_label.rsplit(" / ").next();
                label.unwrap_or(&s.column_label).to_string()
            },
        )
    };
    html.raw("<tr><th class=\"corner\" rowspan=\"3\">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th><th colspan=\"7\">申请人情况</th></tr>");
    html.raw("<tr><th rowspan=\"2\">")
        .text(&label_of(TABLE3_COLUMNS[0]))
        .raw("</th><th colspan=\"5\">法人或其他组织</th><th rowspan=\"2\">")
        .text(&label_of(TABLE3_COLUMNS[6]))
        .raw("</th></tr><tr>");
    for column in &TABLE3_COLUMNS[1..6] {
        html.element("th", &label_of(column));
    }
    html.raw("</tr></thead><tbody>");
    let mut parent_shown: Option<String> = None;
    for (_, row) in rows(cells) {
        let label = row_label(row[0]);
        let (parent, child) = match label.split_once(" / ") {
            Some((parent, child)) => (Some(parent.to_string()), child.to_string()),
            None => (None, label.clone()),
        };
        if parent.is_some() && parent != parent_shown {
            html.raw("<tr class=\"group\"><td colspan=\"8\">")
                .text(parent.as_deref().unwrap_or(""))
                .raw("</td></tr>");
        }
        parent_shown = parent.clone();
        let class = if parent.is_some() {
            "label sub"
        } else {
            "label"
        };
        html.raw("<tr><td")
            .attr("class", class)
            .raw(">")
            .text(&child)
            .raw("</td>");
        for column in TABLE3_COLUMNS {
            let cell = row
                .iter()
                .copied()
                .find(|c| c.key.rsplit('.').next() == Some(column));
            write_cell(html, cell, failed);
        }
        html.raw("</tr>");
    }
    html.raw("</tbody></table>");
}

fn write_table4(html: &mut Html, cells: &[&Cell], failed: &HashMap<String, Vec<&Check>>) {
    html.raw("<h2>四、政府信息公开行政复议、行政诉讼情况</h2><table class=\"t4\"><thead>");
    html.raw(
        "<tr><th colspan=\"5\" rowspan=\"2\">行政复议</th><th colspan=\"10\">行政诉讼</th></tr>",
    );
    html.raw(
        "<tr><th colspan=\"5\">未经复议直接起诉</th><th colspan=\"5\">复议后起诉</th></tr><tr>",
    );
    let groups = nianbao_schema::checks::TABLE4_GROUPS;
    for _ in groups {
        for column in TABLE4_COLUMNS {
            let label = key_spec(&format!("table4.admin_review.{column}"))
                .map_or(column, |s| s.column_label.as_str());
            html.element("th", label);
        }
    }
    html.raw("</tr></thead><tbody><tr>");
    for group in groups {
        for column in TABLE4_COLUMNS {
            let key = format!("table4.{group}.{column}");
            write_cell(html, cells.iter().copied().find(|c| c.key == key), failed);
        }
    }
    html.raw("</tr></tbody></table>");
    let others: Vec<&Cell> = cells
        .iter()
        .copied()
        .filter(|c| {
            !groups.iter().any(|g| {
                TABLE4_COLUMNS
                    .iter()
                    .any(|col| c.key == format!("table4.{g}.{col}"))
            })
        })
        .collect();
    if !others.is_empty() {
        html.raw("<table><tbody>");
        for cell in others {
            html.raw("<tr><td class=\"label\">")
                .text(&cell.key)
                .raw("</td>");
            write_cell(html, Some(cell), failed);
            html.raw("</tr>");
        }
        html.raw("</tbody></table>");
    }
}

fn write_checks(html: &mut Html, report: &Report) {
    let failed = report.failed_checks();
    html.raw("<h2>校验 (勾稽关系)</h2>").fmt(format_args!(
        "<p>{} 项, 未通过 {} 项</p><ul class=\"checks\">",
        report.checks.len(),
        failed
    ));
    for check in report.checks.iter().filter(|c| !c.passed) {
        html.raw("<li class=\"fail\">✗ ")
            .text(&format!("{} {}: {}", check.rule, check.scope, check.detail))
            .raw("</li>");
    }
    html.raw("</ul>");
    let passed = report.checks.len() - failed;
    if passed > 0 {
        html.fmt(format_args!(
            "<details><summary>通过的 {passed} 项</summary><ul class=\"checks\">"
        ));
        for check in report.checks.iter().filter(|c| c.passed) {
            html.raw("<li>✓ ")
                .text(&format!("{} {}: {}", check.rule, check.scope, check.detail))
                .raw("</li>");
        }
        html.raw("</ul></details>");
    }
    if !report.warnings.is_empty() {
        html.raw("<h2>提示</h2><ul class=\"warnings\">");
        for warning in &report.warnings {
            html.element("li", warning);
        }
        html.raw("</ul>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao_schema::{Meta, Number};

    fn cell(key: &str, value: Option<i64>, status: Status) -> Cell {
        Cell {
            key: key.to_string(),
            value: value.map(Number::Int),
            status,
            raw: value.map(|v| v.to_string()),
            candidates: Vec::new(),
            unit: None,
        }
    }

    #[test]
    fn escapes_the_data_and_marks_failed_cells() {
        let report = Report {
            report: Meta {
                title: Some("<script>alert(1)</script>年报".into()),
                ..Meta::default()
            },
            cells: vec![
                cell("table3.new_received.total", Some(5), Status::Number),
                cell("table3.carried_over.total", None, Status::Blank),
                cell("table3.result_total.total", Some(3), Status::Number),
                cell("table3.carried_forward.total", None, Status::Dash),
            ],
            checks: vec![Check {
                rule: "R3.1".into(),
                scope: "total".into(),
                passed: false,
                detail: "5 + 0 ≠ 3 + 0 <b>".into(),
            }],
            ..Report::default()
        };
        let page = render_report_page(&report, &PageContext::default());
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;年报"));
        assert!(page.contains("&lt;b&gt;"));
        assert!(page.contains(
            "class=\"number failed\" data-key=\"table3.new_received.total\" data-value=\"5\""
        ));
        assert!(page.contains("class=\"blank failed\""));
        assert!(page.contains("class=\"dash failed\""));
    }

    #[test]
    fn sub_rows_sit_under_their_group_heading() {
        let report = Report {
            cells: vec![
                cell(
                    "table3.result.denied.state_secret.total",
                    Some(1),
                    Status::Number,
                ),
                cell(
                    "table3.result.denied.prohibited_by_law.total",
                    Some(2),
                    Status::Number,
                ),
            ],
            ..Report::default()
        };
        let page = render_report_page(&report, &PageContext::default());
        let group = page
            .find("<tr class=\"group\"><td colspan=\"8\">（三）不予公开")
            .unwrap();
        let first = page.find("1.属于国家秘密").unwrap();
        assert!(group < first);
        assert_eq!(page.matches("（三）不予公开").count(), 1);
    }
}
