//! PDF → [`Document`]: the text layer (`nianbao-pdf`: glyphs with positions, ruling lines),
//! its ruled tables as grids and the rest as lines.
//!
//! 1. The PDF is read by [`nianbao_pdf::read`] within [`PdfLimits`] (decoded bytes, pages,
//!    operators, glyphs, form depth); its errors are messages for a person.
//! 2. A PDF without a usable text layer is refused, saying why: no glyphs at all (scanned
//!    pages), or glyphs that nothing decodes (a font without a Unicode map, named), or CJK
//!    text made of a handful of distinct characters. A scanned page among text pages, and a
//!    font that fails on a few glyphs, are warnings.
//! 3. On every page (in its reading frame: `nianbao-pdf` turns it upright), the glyphs that
//!    run another way (a turned header cell) are joined into strings of their own
//!    (`lines::turned_runs`); ruled tables are found and filled (`grid`); the glyphs outside
//!    them are grouped into lines (`lines`), and runs of lines that end in numbers are tables
//!    without rules, their columns cut where the numbers stand (`unruled`). Tables and lines are put in order from the top. A page
//!    with more rules than are read (or past the document's budget of rule comparisons) is
//!    read as lines, with a warning: a table built from part of its rules would be wrong.
//! 4. A table that ends its page and one that starts the next page with the same column edges
//!    are one table (page headers and footers between them are kept as lines after it; digits
//!    of a number whose cell broke over the page are joined, `unruled::append`).
//! 5. The blocks go through the [`Assembler`] the HTML and DOCX readers use, so spans and the
//!    [`ReadLimits`] work alike. A line outside tables that still ends in numbers (a row whose
//!    columns were not clean) is a table row without rules (`（一）予以公开 5 0 0 0 0 0 5`):
//!    it is cut into its label and one paragraph per number, the form of a table flattened
//!    one cell a line, which the alignment reads (and the solver, when values are missing).

mod grid;
mod lines;
mod unruled;

use nianbao_pdf::{Direction, PdfError};

use super::ReadError;
use crate::assemble::{Assembler, CellSpan};
use crate::document::{Document, ReadLimits};

use self::grid::{segments, tables, Table};
use self::lines::{Line, Placed};

pub use nianbao_pdf::PdfLimits;

/// A line or a table of a page, in reading order.
enum Item {
    Line(Line),
    Table(Table),
}

impl Item {
    fn top(&self) -> f32 {
        match self {
            Item::Line(line) => line.top,
            Item::Table(table) => table.top,
        }
    }
}

/// The most pairs of rules compared over a document to group them into tables (about a
/// second of work); the pages past it are read as lines.
const MAX_RULE_PAIRS: u64 = 200_000_000;

/// The share of a page's height at its top and bottom where headers and footers are.
const MARGIN: f32 = 0.1;

/// Reads a PDF's text layer, building no more than `within` allows; the error says, for a
/// person, why it could not be read.
pub fn read_with(
    bytes: &[u8],
    limits: &PdfLimits,
    within: &ReadLimits,
) -> Result<Document, ReadError> {
    // hayro-syntax does not panic; the text layer's own code is guarded all the same.
    let text = std::panic::catch_unwind(|| nianbao_pdf::read(bytes, limits))
        .map_err(|_| ReadError::Broken("the PDF reader failed on this file".into()))?
        .map_err(|e| {
            let message = format!("the PDF could not be read: {e}");
            match e {
                PdfError::Encrypted => ReadError::Encrypted(message),
                PdfError::Broken => ReadError::Broken(message),
                _ => ReadError::OverLimit(message),
            }
        })?;
    if text.pages.iter().all(|p| p.glyphs.is_empty()) {
        let images: usize = text.pages.iter().map(|p| p.images).sum();
        return Err(ReadError::NoTextLayer(if images > 0 {
            format!(
                "the PDF's pages are scanned pages (no text layer: {images} images, no text): \
                 OCR it, or use the HTML page or a DOCX attachment"
            )
        } else {
            "the PDF has no text layer (its pages show no text): use the HTML page or a DOCX \
             attachment"
                .to_string()
        }));
    }
    let warnings = check_fonts(&text)?;
    Ok(layout(&text.pages, limits.max_rules, warnings, within))
}

/// The document of pages of glyphs and rules (steps 3–5), after `warnings` about them: the
/// layout the PDF and OFD readers share. `max_rules` is the rule limit the pages were read
/// with, named in the warning of a page with too many.
pub(super) fn layout(
    pages: &[nianbao_pdf::Page],
    max_rules: usize,
    mut warnings: Vec<String>,
    within: &ReadLimits,
) -> Document {
    let mut items: Vec<Item> = Vec::new();
    let mut joinable = false;
    let mut rule_pairs_left = MAX_RULE_PAIRS;
    for (n, page) in pages.iter().enumerate() {
        if page.glyphs.is_empty() {
            if page.images > 0 {
                warnings.push(format!(
                    "page {} is a scanned page (no text layer): it was not read",
                    n + 1
                ));
            }
            joinable = false;
            continue;
        }
        let turned = lines::turned_runs(&page.glyphs);
        let placed: Vec<Placed<'_>> = page
            .glyphs
            .iter()
            .filter(|g| g.direction == Direction::LeftToRight)
            .chain(&turned)
            .map(|glyph| Placed {
                glyph,
                top: page.height - glyph.y,
            })
            .collect();
        // Grouping rules compares every pair: a page's share of the document's budget.
        let pairs = (page.rules.len() as u64).pow(2) / 2;
        let segments = match segments(page) {
            Some(segments) if pairs <= rule_pairs_left => {
                rule_pairs_left -= pairs;
                segments
            }
            Some(_) => {
                warnings.push(format!(
                    "the document has more ruling lines than are read ({} comparisons): the tables \
                     from page {} on were read as lines of text",
                    MAX_RULE_PAIRS,
                    n + 1
                ));
                rule_pairs_left = 0;
                Vec::new()
            }
            None => {
                warnings.push(format!(
                    "page {} has more ruling lines than are read ({}): its tables were read as \
                     lines of text",
                    n + 1,
                    grid::MAX_RULES.min(max_rules)
                ));
                Vec::new()
            }
        };
        let (found, rest) = tables(&segments, &placed);
        let continued = match last_table(&items) {
            Some(table) if joinable => table.value_columns.as_slice(),
            _ => &[],
        };
        let header = page.height * MARGIN;
        let footer = page.height * (1.0 - MARGIN);
        // A page number (`- 3 -`) in a header or footer is no table row; a number with its
        // label printed around it is.
        let lines = lines::lines(&rest);
        let body_line: Vec<bool> = (0..lines.len())
            .map(|k| {
                let l = &lines[k];
                let labelled = k > 0
                    && k + 1 < lines.len()
                    && unruled::label_around(&lines[k - 1], l, &lines[k + 1]);
                (header..=footer).contains(&l.top) || !unruled::is_page_number(l) || labelled
            })
            .collect();
        let (mut body, mut margins) = (Vec::new(), Vec::new());
        for (line, in_body) in lines.into_iter().zip(body_line) {
            if in_body {
                body.push(line);
            } else {
                margins.push(line);
            }
        }
        let (unruled, rest) = unruled::tables(body, continued);
        let mut page_items: Vec<Item> = rest.into_iter().chain(margins).map(Item::Line).collect();
        page_items.extend(found.into_iter().chain(unruled).map(Item::Table));
        page_items.sort_by(|a, b| a.top().total_cmp(&b.top()));
        let first_table = page_items
            .iter()
            .position(|i| !matches!(i, Item::Line(l) if l.top < header));
        let mut deferred = Vec::new();
        let mut page_items = page_items.into_iter().enumerate().peekable();
        if joinable {
            // Headers above a table that continues the previous page's table go after it.
            while let Some((_, item)) = page_items.next_if(|(i, _)| Some(*i) != first_table) {
                deferred.push(item);
            }
            if let Some((_, Item::Table(next))) = page_items.peek() {
                let continues = last_table(&items).is_some_and(|t| same_columns(t, next));
                if continues {
                    let Some((_, Item::Table(next))) = page_items.next() else {
                        unreachable!("peeked a table")
                    };
                    if let Some(table) = last_table_mut(&mut items) {
                        unruled::append(table, next);
                    }
                }
            }
        }
        items.extend(deferred);
        items.extend(page_items.map(|(_, item)| item));
        // A table is continued on the next page when only footers follow it here.
        joinable = items
            .iter()
            .rev()
            .find(|i| !matches!(i, Item::Line(l) if l.top > footer))
            .is_some_and(|i| matches!(i, Item::Table(_)));
    }
    let mut out = Assembler::new(within);
    for item in items {
        match item {
            Item::Line(line) => push_line(&mut out, line.text.trim()),
            Item::Table(table) => {
                out.open_table();
                for row in table.rows {
                    out.start_row();
                    for cell in row {
                        out.open_cell(CellSpan::New {
                            cols: cell.colspan,
                            rows: cell.rowspan,
                        });
                        out.text(&cell.text);
                        out.close_cell();
                    }
                }
                out.close_table();
            }
        }
    }
    let mut doc = out.finish();
    doc.images = pages.iter().map(|p| p.images).sum();
    warnings.append(&mut doc.warnings);
    doc.warnings = warnings;
    doc
}

/// The last item if it is a table, skipping the lines after it.
fn last_table(items: &[Item]) -> Option<&Table> {
    items.iter().rev().find_map(|i| match i {
        Item::Table(t) => Some(t),
        Item::Line(_) => None,
    })
}

fn last_table_mut(items: &mut [Item]) -> Option<&mut Table> {
    items.iter_mut().rev().find_map(|i| match i {
        Item::Table(t) => Some(t),
        Item::Line(_) => None,
    })
}

/// Whether two tables have the same column edges.
fn same_columns(a: &Table, b: &Table) -> bool {
    a.columns.len() == b.columns.len()
        && a.columns
            .iter()
            .zip(&b.columns)
            .all(|(x, y)| (x - y).abs() <= grid::SNAP)
}

/// Adds a line outside tables: a row without rules as its label and values, else the line.
fn push_line(out: &mut Assembler, line: &str) {
    match split_row(line) {
        Some((label, values)) => {
            for part in std::iter::once(label).chain(values) {
                if !part.is_empty() {
                    out.text(part);
                    out.line_break();
                }
            }
        }
        None if !line.is_empty() => {
            out.text(line);
            out.line_break();
        }
        None => {}
    }
}

/// The share of glyphs nothing decodes past which the text layer is refused.
const MAX_UNMAPPED_SHARE: f64 = 0.05;

/// Refuses a text layer that cannot be the report, naming why; the warnings for what can be
/// read with losses.
fn check_fonts(text: &nianbao_pdf::PdfText) -> Result<Vec<String>, ReadError> {
    let shown: usize = text.fonts.iter().map(|f| f.glyphs).sum();
    let unmapped: usize = text.fonts.iter().map(|f| f.unmapped).sum();
    if shown > 0 && unmapped as f64 > shown as f64 * MAX_UNMAPPED_SHARE {
        let worst = text
            .fonts
            .iter()
            .max_by_key(|f| f.unmapped)
            .expect("glyphs were shown with a font");
        return Err(ReadError::Undecodable(format!(
            "undecodable font {}: {} of its {} characters have no Unicode map (nor a known \
             encoding); use the HTML page or a DOCX attachment",
            worst.name, worst.unmapped, worst.glyphs
        )));
    }
    let all: String = text
        .pages
        .iter()
        .flat_map(|p| &p.glyphs)
        .map(|g| g.text.as_str())
        .collect();
    check_text_layer(&all)?;
    Ok(text
        .fonts
        .iter()
        .filter(|f| f.unmapped > 0)
        .map(|f| {
            format!(
                "font {}: {} characters could not be decoded and are shown as U+FFFD",
                f.name, f.unmapped
            )
        })
        .collect())
}

/// A table row printed as one line: its label (possibly empty) and the values at its end,
/// separated by whitespace; `None` when it is no row ([`unruled::values_start`]).
fn split_row(line: &str) -> Option<(&str, Vec<&str>)> {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let first = unruled::values_start(&tokens)?;
    let label = match tokens.get(first) {
        // The token is a slice of the line: the label is what stands before it.
        Some(t) => line[..t.as_ptr() as usize - line.as_ptr() as usize].trim_end(),
        None => line,
    };
    Some((label, tokens[first..].to_vec()))
}

/// Fails on a text layer that cannot be the report: none at all (a scan), or CJK text made of
/// a handful of distinct characters (fonts without a Unicode map decode every glyph alike).
fn check_text_layer(text: &str) -> Result<(), ReadError> {
    let cjk: Vec<char> = text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .collect();
    if cjk.len() < 20 {
        return Err(ReadError::NoTextLayer(
            "the PDF has no text layer (a scan?): OCR it, or use the HTML page or a DOCX attachment"
                .into(),
        ));
    }
    let distinct = cjk.iter().collect::<std::collections::HashSet<_>>().len();
    if cjk.len() >= 200 && distinct * 20 < cjk.len() {
        return Err(ReadError::Undecodable(format!(
            "the PDF's text layer cannot be decoded (its fonts have no Unicode map: {} characters \
             decode to {} distinct ones); use the HTML page or a DOCX attachment",
            cjk.len(),
            distinct
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block;

    #[test]
    fn rows_printed_as_lines_are_cut_into_label_and_values() {
        assert_eq!(
            split_row("（一）予以公开 1288 21 0 0 50 3 1362"),
            Some((
                "（一）予以公开",
                vec!["1288", "21", "0", "0", "50", "3", "1362"]
            ))
        );
        assert_eq!(
            split_row("行政事业性收费 96171.6"),
            Some(("行政事业性收费", vec!["96171.6"]))
        );
        assert_eq!(
            split_row("10 1 0 0 0"),
            Some(("", vec!["10", "1", "0", "0", "0"]))
        );
        assert_eq!(split_row("规章 — — —"), Some(("规章", vec!["—", "—", "—"])));
        assert_eq!(split_row("情况如下 —"), None);
        assert_eq!(split_row("规章 — 3 —"), Some(("规章", vec!["—", "3", "—"])));
        assert_eq!(split_row("2023"), None);
        assert_eq!(split_row("- 4-"), None);
        assert_eq!(split_row("2023年全区受理政府信息公开申请 21件，"), None);
        assert_eq!(
            split_row("本年度，全区各级行政机关共收到各类政府信息公开申请，并依法依规在法定期限内予以答复处理的数量合计为 21"),
            None
        );
    }

    #[test]
    fn unusable_text_layers_are_named() {
        assert!(check_text_layer("")
            .unwrap_err()
            .to_string()
            .contains("no text layer"));
        let garbled = "国国国 国国国 登登 ".repeat(60);
        assert!(check_text_layer(&garbled)
            .unwrap_err()
            .to_string()
            .contains("Unicode map"));
        let report = "本报告由办公室根据中华人民共和国政府信息公开条例要求编制，所列数据统计期限自一月起至年底止。";
        assert!(check_text_layer(&report.repeat(10)).is_ok());
    }

    use nianbao_pdf::testing::write_pdf as pdf;

    /// Pages of `(filter, content)` with `/F1` STSong-Light through UniGB-UCS2-H, no font
    /// embedded.
    fn stsong_pdf(pages: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let font = 3 + 2 * pages.len();
        let kids: Vec<String> = (0..pages.len())
            .map(|i| format!("{} 0 R", 3 + 2 * i))
            .collect();
        let mut objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            format!(
                "<< /Type /Pages /Kids [{}] /Count {} >>",
                kids.join(" "),
                pages.len()
            )
            .into_bytes(),
        ];
        for (i, (filter, data)) in pages.iter().enumerate() {
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {} 0 R \
                     /Resources << /Font << /F1 {font} 0 R >> >> >>",
                    4 + 2 * i
                )
                .into_bytes(),
            );
            let mut stream =
                format!("<< {filter} /Length {} >>\nstream\n", data.len()).into_bytes();
            stream.extend(data);
            stream.extend(b"\nendstream");
            objects.push(stream);
        }
        objects.push(
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H \
               /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
               /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> \
               /DW 1000 /W [1 95 500] >>] >>"
                .to_vec(),
        );
        pdf(&objects)
    }

    /// One page of `content` (or of `data` behind `filter`).
    fn stsong_page(content: &str, filter: &str, data: Option<Vec<u8>>) -> Vec<u8> {
        let data = data.unwrap_or_else(|| content.as_bytes().to_vec());
        stsong_pdf(&[(filter, data)])
    }

    /// Text at (x, y from the bottom), 10 points, as UCS-2 codes.
    fn show(x: f32, y: f32, text: &str) -> String {
        let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
        format!("BT /F1 10 Tf {x} {y} Td <{hex}> Tj ET\n")
    }

    /// A ruled table 二 block and prose around it: rows 760-740-720-700, columns 50-200-300-400-500;
    /// the caption row has no inner verticals (one cell over four columns).
    fn table_page() -> String {
        let mut content = show(50.0, 800.0, "二、主动公开政府信息情况");
        content += "0.5 w\n";
        for y in [780, 760, 740, 720] {
            content += &format!("50 {y} m 500 {y} l S\n");
        }
        for x in [50, 500] {
            content += &format!("{x} 720 m {x} 780 l S\n");
        }
        for x in [200, 300, 400] {
            content += &format!("{x} 720 m {x} 760 l S\n");
        }
        content += &show(200.0, 766.0, "第二十条第（一）项");
        for (y, cells) in [
            (
                746.0,
                ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ),
            (726.0, ["规章", "5", "0", "12"]),
        ] {
            for (x, text) in [55.0, 205.0, 305.0, 405.0].into_iter().zip(cells) {
                content += &show(x, y, text);
            }
        }
        // A wrapped label: two lines in one cell.
        content += &show(50.0, 690.0, "以上数据统计期限自2023年1月1日至12月31日止，");
        content += &show(50.0, 676.0, "（二）部分公开 3 0 0 0 0 0 3");
        content
    }

    #[test]
    fn a_cjk_cmap_pdf_without_embedded_fonts_reads_its_ruled_table() {
        let doc = read_with(
            &stsong_page(&table_page(), "", None),
            &PdfLimits::default(),
            &ReadLimits::default(),
        )
        .unwrap();
        let paragraph = |t: &str| Block::Paragraph(t.to_string());
        assert_eq!(doc.blocks[0], paragraph("二、主动公开政府信息情况"));
        let Block::Table(grid) = &doc.blocks[1] else {
            panic!("{:?}", doc.blocks[1]);
        };
        assert_eq!(
            grid.texts(),
            vec![
                vec!["第二十条第（一）项"; 4],
                vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                vec!["规章", "5", "0", "12"],
            ]
        );
        assert!(grid.is_origin(0, 0) && !grid.is_origin(0, 1));
        assert_eq!(
            doc.blocks[2],
            paragraph("以上数据统计期限自2023年1月1日至12月31日止，")
        );
        // A row without rules under a line of text (its header): a table of its own.
        let Block::Table(row) = &doc.blocks[3] else {
            panic!("{:?}", doc.blocks[3]);
        };
        assert_eq!(
            row.texts(),
            [["（二）部分公开", "3", "0", "0", "0", "0", "0", "3"]]
        );
        assert_eq!(doc.blocks.len(), 4);
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    }

    /// A ruled table of `rows` rows of three cells, from y 700 down by 20.
    fn ruled_rows(rows: &[[&str; 3]]) -> String {
        let bottom = 700 - 20 * rows.len();
        let mut content = "0.5 w\n".to_string();
        for y in (bottom..=700).step_by(20) {
            content += &format!("50 {y} m 350 {y} l S\n");
        }
        for x in [50, 150, 250, 350] {
            content += &format!("{x} {bottom} m {x} 700 l S\n");
        }
        for (r, row) in rows.iter().enumerate() {
            for (x, text) in [55.0, 155.0, 255.0].into_iter().zip(row) {
                content += &show(x, 700.0 - 20.0 * r as f32 - 14.0, text);
            }
        }
        content
    }

    /// The blocks of one page of `content` without rules, after a line of prose.
    fn unruled_blocks(content: &str) -> Vec<Block> {
        let prose = show(
            50.0,
            780.0,
            "本报告所列数据的统计期限自二〇二三年一月一日起至十二月三十一日止",
        );
        let bytes = stsong_page(&(prose + content), "", None);
        read_with(&bytes, &PdfLimits::default(), &ReadLimits::default())
            .unwrap()
            .blocks
    }

    #[test]
    fn a_table_without_rules_takes_its_columns_from_the_numbers_and_its_header() {
        let mut content = String::new();
        for (x, text) in [(200.0, "甲"), (250.0, "乙"), (300.0, "丙"), (350.0, "合计")] {
            content += &show(x, 700.0, text);
        }
        // Numbers 5 points wide under header words 10 points wide: no row has a number under
        // 丙 but the second, none under 乙 but the second.
        /// A line: its baseline, label and values (x, text).
        type Row<'a> = (f32, &'a str, &'a [(f32, &'a str)]);
        let rows: [Row<'_>; 4] = [
            (680.0, "（一）予以公开", &[(202.0, "5"), (352.0, "5")]),
            (
                665.0,
                "（二）部分公开",
                &[(252.0, "3"), (302.0, "1"), (352.0, "4")],
            ),
            // A label over two lines with its values between them.
            (650.0, "（三）不予公开（区分", &[]),
            (640.0, "", &[(199.0, "12"), (352.0, "12")]),
        ];
        for (y, label, values) in rows {
            content += &show(50.0, y, label);
            for &(x, value) in values {
                content += &show(x, y, value);
            }
        }
        content += &show(50.0, 630.0, "处理的）");
        let blocks = unruled_blocks(&content);
        let Block::Table(grid) = &blocks[2] else {
            panic!("{blocks:?}");
        };
        assert_eq!(
            grid.texts(),
            [
                vec!["（一）予以公开", "5", "", "", "5"],
                vec!["（二）部分公开", "", "3", "1", "4"],
                // The wrapped label's lines above and below its values are its label.
                vec!["（三）不予公开（区分 处理的）", "12", "", "", "12"],
            ]
        );
        assert_eq!(blocks[1], Block::Paragraph("甲 乙 丙 合计".into()));
        assert_eq!(blocks.len(), 3);
    }

    #[test]
    fn a_number_over_two_columns_leaves_its_row_as_label_and_values() {
        let mut content = show(50.0, 700.0, "甲项") + &show(200.0, 700.0, "1");
        content += &show(250.0, 700.0, "2");
        content += &show(50.0, 685.0, "乙项");
        // 60 points wide: over both columns.
        content += &show(200.0, 685.0, "123456789012");
        let blocks = unruled_blocks(&content);
        let Block::Table(row) = &blocks[1] else {
            panic!("{blocks:?}");
        };
        assert_eq!(row.texts(), [["甲项", "1", "2"]]);
        let paragraph = |t: &str| Block::Paragraph(t.to_string());
        assert_eq!(blocks[2..], [paragraph("乙项"), paragraph("123456789012")]);
    }

    /// A ruled table whose header cell `自然人` is printed turned a quarter anticlockwise (it
    /// reads upwards), after a line of prose.
    fn turned_header_table() -> String {
        let prose = show(
            50.0,
            760.0,
            "本报告所列数据的统计期限自二〇二三年一月一日起至十二月三十一日止",
        );
        let hex: String = "自然人"
            .encode_utf16()
            .map(|u| format!("{u:04X}"))
            .collect();
        prose
            + &ruled_rows(&[["项目", "", "乙"], ["一", "1", "2"]])
            + &format!("BT /F1 10 Tf 0 1 -1 0 200 682 Tm <{hex}> Tj ET\n")
    }

    /// The texts of a document's tables.
    fn grids(doc: &Document) -> Vec<Vec<Vec<&str>>> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(grid) => Some(grid.texts()),
                Block::Paragraph(_) => None,
            })
            .collect()
    }

    /// The texts of the first table of a PDF.
    fn first_table(bytes: &[u8]) -> Vec<Vec<String>> {
        let doc = read_with(bytes, &PdfLimits::default(), &ReadLimits::default()).unwrap();
        let tables = grids(&doc);
        let first = tables.first().unwrap_or_else(|| panic!("{:?}", doc.blocks));
        first
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn turned_text_is_one_string_in_its_cell_and_a_turned_page_reads_upright() {
        let want = [["项目", "自然人", "乙"], ["一", "1", "2"]];
        let upright = stsong_page(&turned_header_table(), "", None);
        assert_eq!(first_table(&upright), want);
        // The same page drawn turned a quarter anticlockwise on a portrait page (a landscape
        // table printed sideways), moved down to fit.
        let sideways = format!(
            "q 0 1 -1 0 595 0 cm 1 0 0 1 0 -200 cm\n{}Q\n",
            turned_header_table()
        );
        assert_eq!(first_table(&stsong_page(&sideways, "", None)), want);
    }

    #[test]
    fn a_table_continues_across_a_page_break_past_headers_and_footers() {
        let first = show(50.0, 760.0, "标题")
            + &ruled_rows(&[["项目", "甲", "乙"], ["一", "1", "2"]])
            + &show(290.0, 40.0, "第1页");
        let second = show(290.0, 800.0, "页眉")
            + &ruled_rows(&[["二", "3", "4"]])
            + &show(
                50.0,
                600.0,
                "本年度报告中所列数据统计期限自1月1日起至12月31日止。",
            );
        let bytes = stsong_pdf(&[("", first.into_bytes()), ("", second.into_bytes())]);
        let doc = read_with(&bytes, &PdfLimits::default(), &ReadLimits::default()).unwrap();
        let Block::Table(grid) = &doc.blocks[1] else {
            panic!("{:?}", doc.blocks);
        };
        assert_eq!(
            grid.texts(),
            vec![
                vec!["项目", "甲", "乙"],
                vec!["一", "1", "2"],
                vec!["二", "3", "4"]
            ]
        );
        let paragraphs: Vec<&Block> = doc
            .blocks
            .iter()
            .filter(|b| !matches!(b, Block::Table(_)))
            .collect();
        assert_eq!(
            paragraphs,
            [
                &Block::Paragraph("标题".into()),
                &Block::Paragraph("第1页".into()),
                &Block::Paragraph("页眉".into()),
                &Block::Paragraph("本年度报告中所列数据统计期限自1月1日起至12月31日止。".into()),
            ]
        );
        assert_eq!(doc.blocks.len(), 5);
    }

    #[test]
    fn a_page_whose_rules_were_cut_is_read_as_lines_with_a_warning() {
        let limits = PdfLimits {
            max_rules: 3,
            ..PdfLimits::default()
        };
        let doc = read_with(
            &stsong_page(&table_page(), "", None),
            &limits,
            &ReadLimits::default(),
        )
        .unwrap();
        // Its rows are read as a table without rules: columns from where the numbers stand.
        assert_eq!(
            grids(&doc),
            [
                vec![vec!["规章", "5", "0", "12"]],
                vec![vec!["（二）部分公开", "3", "0", "0", "0", "0", "0", "3"]]
            ]
        );
        assert!(doc
            .blocks
            .contains(&Block::Paragraph("第二十条第（一）项".into())));
        assert_eq!(
            doc.warnings,
            ["page 1 has more ruling lines than are read (3): its tables were read as lines of text"]
        );
    }

    #[test]
    fn scans_undecodable_fonts_bombs_and_broken_files_are_errors_that_say_so() {
        let scan = stsong_page(
            "q 100 0 0 100 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI Q",
            "",
            None,
        );
        let err = read_with(&scan, &PdfLimits::default(), &ReadLimits::default());
        assert!(err.unwrap_err().to_string().contains("no text layer"));

        // Codes of a simple font with no encoding, no ToUnicode and no program.
        let undecodable = stsong_page(&table_page(), "", None);
        let undecodable = String::from_utf8_lossy(&undecodable)
            .replace(
                "/Subtype /Type0",
                "/Subtype /Type1 /FontDescriptor << /Flags 4 >>",
            )
            .into_bytes();
        let err = read_with(&undecodable, &PdfLimits::default(), &ReadLimits::default());
        assert!(
            err.unwrap_err()
                .to_string()
                .contains("undecodable font STSong-Light"),
            "{undecodable:?}"
        );

        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![b' '; 4 << 20]).unwrap();
        let bomb = stsong_page("", "/Filter /FlateDecode", Some(z.finish().unwrap()));
        let limits = PdfLimits {
            max_decoded_bytes: 1 << 20,
            ..PdfLimits::default()
        };
        let err = read_with(&bomb, &limits, &ReadLimits::default());
        assert!(err.unwrap_err().to_string().contains("PDF bomb"));

        let err = read_with(
            b"%PDF-1.4\ngarbage",
            &PdfLimits::default(),
            &ReadLimits::default(),
        );
        assert!(err.unwrap_err().to_string().contains("structure is broken"));
    }

    /// Mutated PDFs (bytes flipped, runs cut and repeated, truncations) are read or refused,
    /// never a panic: a small deterministic fuzz of the whole reader.
    #[test]
    fn mutated_pdfs_never_panic() {
        let original = stsong_page(&table_page(), "", None);
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..500 {
            let mut bytes = original.clone();
            for _ in 0..1 + next() % 8 {
                if bytes.is_empty() {
                    break;
                }
                let at = (next() as usize) % bytes.len();
                match next() % 4 {
                    0 => bytes[at] = next() as u8,
                    1 => bytes.truncate(at.max(1)),
                    2 => {
                        let end = (at + (next() as usize) % 64).min(bytes.len());
                        let run = bytes[at..end].to_vec();
                        bytes.splice(at..at, run.repeat(1 + (next() as usize) % 4));
                    }
                    _ => {
                        let end = (at + (next() as usize) % 16).min(bytes.len());
                        bytes.drain(at..end);
                    }
                }
            }
            // The text layer first without the reader's guard, so a panic fails the test.
            let _ = nianbao_pdf::read(&bytes, &PdfLimits::default());
            let _ = read_with(&bytes, &PdfLimits::default(), &ReadLimits::default());
        }
    }
}
