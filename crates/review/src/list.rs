//! The report list (`reports.html`): every document, sortable by a click on a heading and
//! filterable by text and by failed checks (a few lines of inline script).

use crate::dataset::Dataset;
use crate::html::{page_start, Html};
use crate::page_href;
use crate::style::LIST_SCRIPT;

/// The list page of `dataset`.
pub fn render_list(dataset: &Dataset, title: &str) -> String {
    let mut html = page_start(&format!("{title} · 报告列表"));
    html.raw("<nav><a href=\"index.html\">概览</a><a href=\"reports.html\">报告列表</a></nav>")
        .element("h1", "报告列表")
        .raw("<p><input id=\"filter-text\" class=\"filter\" type=\"search\" placeholder=\"筛选: 机关、年度、标题…\">")
        .raw("<label><input id=\"filter-failed\" type=\"checkbox\"> 只看未通过校验的</label></p>")
        .raw("<table id=\"report-list\" class=\"list\"><thead><tr>")
        .raw("<th data-sort=\"text\">机关</th><th data-sort=\"number\">年度</th><th data-sort=\"text\">格式</th>")
        .raw("<th data-sort=\"number\">未通过校验</th><th data-sort=\"number\">校验</th><th data-sort=\"text\">标题</th><th data-sort=\"text\">文件</th><th data-sort=\"text\">状态</th>")
        .raw("</tr></thead><tbody>");
    for entry in &dataset.reports {
        let report = &entry.report;
        let meta = &report.report;
        let failed = report.failed_checks();
        let agency = entry
            .context
            .agency_normalized
            .as_deref()
            .or(meta.agency.as_deref())
            .unwrap_or("");
        html.raw("<tr")
            .fmt(format_args!(" data-failed=\"{failed}\""))
            .raw("><td>")
            .text(agency)
            .raw("</td>");
        match meta.year {
            Some(year) => html.fmt(format_args!("<td class=\"num\">{year}</td>")),
            None => html.raw("<td class=\"num\" data-sort-value=\"0\"></td>"),
        };
        html.raw("<td>")
            .text(meta.template.as_deref().unwrap_or(""))
            .fmt(format_args!(
                "</td><td class=\"num\">{failed}</td><td class=\"num\">{}</td><td>",
                report.checks.len()
            ));
        let label = meta.title.as_deref().unwrap_or(&report.source.path);
        match page_href(&report.source.sha256).filter(|_| entry.failure.is_none()) {
            Some(href) => html
                .raw("<a")
                .attr("href", &href)
                .raw(">")
                .text(label)
                .raw("</a>"),
            None => html.text(label),
        };
        html.raw("</td><td>")
            .text(&report.source.format)
            .raw("</td><td>");
        write_state(&mut html, entry);
        html.raw("</td></tr>");
    }
    html.raw("</tbody></table><script>")
        .raw(LIST_SCRIPT)
        .raw("</script></body></html>\n");
    html.finish()
}

fn write_state(html: &mut Html, entry: &crate::dataset::DatasetReport) {
    if let Some(failure) = &entry.failure {
        html.raw("读取失败: ").text(&failure.kind);
    } else if let Some(original) = &entry.duplicate_of {
        html.raw("重复: ");
        match page_href(original) {
            Some(href) => html
                .raw("<a")
                .attr("href", &href)
                .raw(">")
                .text(&original[..original.len().min(12)])
                .raw("</a>"),
            None => html.text(original),
        };
    } else if entry.report.cells.is_empty() {
        html.raw("无标准表格");
    } else {
        html.raw("已读取");
    }
}
