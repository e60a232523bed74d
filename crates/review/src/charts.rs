//! Inline SVG charts: horizontal bars for counts, 100 % stacked bars for shares. No script, no
//! external resource; labels are escaped like every other text.

use crate::html::Html;

/// The colours of the stacked segments, in order.
pub const PALETTE: [&str; 6] = [
    "#2e7d32", "#81c784", "#c62828", "#ef6c00", "#6d4c41", "#90a4ae",
];

const LABEL_WIDTH: f64 = 190.0;
const BAR_WIDTH: f64 = 560.0;
const ROW_HEIGHT: f64 = 22.0;

/// One bar per row: `(label, value)`, scaled to the largest value, the value printed after it.
pub fn bar_chart(html: &mut Html, rows: &[(String, f64)]) {
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(1.0);
    let height = ROW_HEIGHT * rows.len() as f64 + 4.0;
    html.fmt(format_args!(
        "<svg class=\"chart\" role=\"img\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\">",
        w = LABEL_WIDTH + BAR_WIDTH + 90.0
    ));
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = i as f64 * ROW_HEIGHT + 2.0;
        let width = (value / max * BAR_WIDTH).max(if *value > 0.0 { 1.0 } else { 0.0 });
        html.fmt(format_args!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">",
            LABEL_WIDTH - 8.0,
            y + 15.0
        ))
        .text(label)
        .fmt(format_args!(
            "</text><rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{width:.1}\" height=\"{}\" fill=\"#4a78a8\"/><text class=\"axis\" x=\"{:.1}\" y=\"{}\">{}</text>",
            ROW_HEIGHT - 6.0,
            LABEL_WIDTH + width + 6.0,
            y + 15.0,
            format_count(*value)
        ));
    }
    html.raw("</svg>");
}

/// One 100 % bar per row, its segments the shares of `values` (coloured by [`PALETTE`]), with a
/// legend of `series` above.
pub fn stacked_shares(html: &mut Html, series: &[&str], rows: &[(String, Vec<f64>)]) {
    html.raw("<p class=\"legend\">");
    for (name, colour) in series.iter().zip(PALETTE) {
        html.raw("<span")
            .attr("style", &format!("border-left:14px solid {colour}"))
            .raw(">")
            .text(name)
            .raw("</span>");
    }
    html.raw("</p>");
    let height = ROW_HEIGHT * rows.len() as f64 + 4.0;
    html.fmt(format_args!(
        "<svg class=\"chart\" role=\"img\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\">",
        w = LABEL_WIDTH + BAR_WIDTH + 90.0
    ));
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = i as f64 * ROW_HEIGHT + 2.0;
        let total: f64 = values.iter().sum();
        html.fmt(format_args!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">",
            LABEL_WIDTH - 8.0,
            y + 15.0
        ))
        .text(label)
        .raw("</text>");
        let mut x = LABEL_WIDTH;
        for (value, colour) in values.iter().zip(PALETTE) {
            if total <= 0.0 || *value <= 0.0 {
                continue;
            }
            let width = value / total * BAR_WIDTH;
            html.fmt(format_args!(
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{width:.1}\" height=\"{}\" fill=\"{colour}\"><title>{:.1}%</title></rect>",
                ROW_HEIGHT - 6.0,
                value / total * 100.0
            ));
            x += width;
        }
        html.fmt(format_args!(
            "<text class=\"axis\" x=\"{}\" y=\"{}\">{}</text>",
            LABEL_WIDTH + BAR_WIDTH + 6.0,
            y + 15.0,
            format_count(total)
        ));
    }
    html.raw("</svg>");
}

/// A count as printed: an integer when it is one.
pub fn format_count(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:.2}")
    }
}
