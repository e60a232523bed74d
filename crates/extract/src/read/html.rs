//! HTML → [`Document`]. A single forward pass over the markup (no DOM): text runs, block
//! boundaries, `<title>`, `<meta name content>`, and tables with `rowspan`/`colspan`, which go
//! through the shared [`Assembler`] (nesting, spans, layout tables). Scripts, styles and comments
//! are skipped. Unclosed cells and rows are closed the way browsers close them. A blank
//! `<p>&nbsp;</p>` outside tables is kept as a blank paragraph: in pasted flattened tables it
//! stands for a blank cell.

use memchr::{memchr, memmem};

use crate::assemble::{collapse, Assembler, CellSpan};
use crate::document::{Document, ReadLimits};

/// Reads decoded HTML.
pub fn read(html: &str) -> Document {
    read_with(html, &ReadLimits::default())
}

/// Reads decoded HTML, building no more than `limits` allows.
pub fn read_with(html: &str, limits: &ReadLimits) -> Document {
    let mut reader = Reader {
        out: Assembler::new(limits),
        title: None,
        meta: Vec::new(),
        images: 0,
    };
    reader.run(html);
    Document {
        title: reader.title,
        meta: reader.meta,
        images: reader.images,
        ..reader.out.finish()
    }
}

struct Reader {
    out: Assembler,
    title: Option<String>,
    meta: Vec<(String, String)>,
    images: usize,
}

impl Reader {
    fn run(&mut self, html: &str) {
        let bytes = html.as_bytes();
        let mut pos = 0;
        while pos < bytes.len() {
            let Some(off) = memchr(b'<', &bytes[pos..]) else {
                self.text(&html[pos..]);
                break;
            };
            let lt = pos + off;
            if lt > pos {
                self.text(&html[pos..lt]);
            }
            pos = self.markup(html, lt);
        }
    }

    /// Handles the markup at `lt` (a `<`) and returns the position after it.
    fn markup(&mut self, html: &str, lt: usize) -> usize {
        let bytes = html.as_bytes();
        let rest = &bytes[lt..];
        if rest.starts_with(b"<!--") {
            return memmem::find(&rest[4..], b"-->").map_or(bytes.len(), |i| lt + 4 + i + 3);
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            return memchr(b'>', rest).map_or(bytes.len(), |i| lt + i + 1);
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            self.text("<");
            return lt + 1;
        }
        // Tag names we act on are short; longer ones are read as unknown.
        let mut buf = [0u8; 12];
        let raw_name = &bytes[name_start..name_start + name_len];
        let name: &[u8] = if name_len <= buf.len() {
            for (b, r) in buf.iter_mut().zip(raw_name) {
                *b = r.to_ascii_lowercase();
            }
            &buf[..name_len]
        } else {
            b""
        };
        let (end, attrs) = scan_tag(html, name_start + name_len);
        if closing {
            self.end_tag(name);
            return end;
        }
        match name {
            b"script" | b"style" | b"textarea" | b"template" | b"noscript" | b"title" => {
                let close = [b"</".as_slice(), name].concat();
                let body_end = find_ci(&bytes[end..], &close).map_or(bytes.len(), |i| end + i);
                if name == b"title" && self.title.is_none() {
                    let title = collapse(&decode_entities(&html[end..body_end]));
                    if !title.is_empty() {
                        self.title = Some(title);
                    }
                }
                memchr(b'>', &bytes[body_end..]).map_or(bytes.len(), |i| body_end + i + 1)
            }
            _ => {
                self.start_tag(name, attrs);
                end
            }
        }
    }

    fn start_tag(&mut self, name: &[u8], attrs: &str) {
        match name {
            b"table" => self.out.open_table(),
            b"tr" => self.out.start_row(),
            b"td" | b"th" => {
                let (cols, rows) = spans(attrs);
                self.out.open_cell(CellSpan::New { cols, rows });
            }
            b"meta" => {
                let key = attr(attrs, "name").or_else(|| attr(attrs, "property"));
                if let (Some(k), Some(v)) = (key, attr(attrs, "content")) {
                    let v = collapse(&v);
                    if !v.is_empty() {
                        self.meta.push((k, v));
                    }
                }
            }
            b"img" => self.images += 1,
            _ if name == b"p" || is_block(name) => self.out.line_break(),
            _ => {}
        }
    }

    fn end_tag(&mut self, name: &[u8]) {
        match name {
            b"table" => self.out.close_table(),
            b"td" | b"th" | b"tr" => self.out.close_cell(),
            b"p" => self.out.end_paragraph_keep_blank(),
            _ if is_block(name) => self.out.line_break(),
            _ => {}
        }
    }

    fn text(&mut self, raw: &str) {
        if !raw.is_empty() {
            self.out.text(&decode_entities(raw));
        }
    }
}

fn is_block(name: &[u8]) -> bool {
    matches!(
        name,
        b"br"
            | b"div"
            | b"li"
            | b"ul"
            | b"ol"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"section"
            | b"article"
            | b"header"
            | b"footer"
            | b"blockquote"
            | b"pre"
            | b"hr"
            | b"center"
            | b"dl"
            | b"dt"
            | b"dd"
            | b"form"
            | b"caption"
            | b"body"
            | b"nav"
            | b"aside"
            | b"main"
            | b"address"
            | b"option"
    )
}

/// Scans a tag's attributes from `from` to its `>`; returns the position after `>` and the
/// attribute text.
fn scan_tag(html: &str, from: usize) -> (usize, &str) {
    let bytes = html.as_bytes();
    let mut i = from;
    while let Some(off) = memchr::memchr3(b'>', b'"', b'\'', &bytes[i..]) {
        let at = i + off;
        match bytes[at] {
            b'>' => return (at + 1, &html[from..at]),
            quote => match memchr(quote, &bytes[at + 1..]) {
                Some(close) => i = at + 1 + close + 1,
                None => break,
            },
        }
    }
    (bytes.len(), &html[from..])
}

/// The value of attribute `key` in a tag's attribute text, entity-decoded.
fn attr(attrs: &str, key: &str) -> Option<String> {
    Attributes::of(attrs)
        .find(|(name, _)| name.eq_ignore_ascii_case(key))
        .map(|(_, value)| decode_entities(value).into_owned())
}

/// A cell's `colspan` and `rowspan` (1 when absent or unreadable), read in one pass over its
/// attributes (Word's HTML gives each cell a long `style`).
fn spans(attrs: &str) -> (usize, usize) {
    // Most cells have no span: a look before each `=` for a name ending in "span" (any case) is
    // cheaper than the parse, and an attribute without `=` has no number.
    let bytes = attrs.as_bytes();
    let named_span = |eq: usize| {
        let name = bytes[..eq].trim_ascii_end();
        name.len() >= 4 && name[name.len() - 4..].eq_ignore_ascii_case(b"span")
    };
    if !memchr::memchr_iter(b'=', bytes).any(named_span) {
        return (1, 1);
    }
    let (mut cols, mut rows) = (None, None);
    for (name, value) in Attributes::of(attrs) {
        let span = if name.eq_ignore_ascii_case("colspan") {
            &mut cols
        } else if name.eq_ignore_ascii_case("rowspan") {
            &mut rows
        } else {
            continue;
        };
        // The first of a repeated attribute counts, as in a browser.
        span.get_or_insert_with(|| parse_span(&decode_entities(value)));
    }
    (cols.flatten().unwrap_or(1), rows.flatten().unwrap_or(1))
}

/// The `(name, raw value)` pairs of a tag's attribute text, in order; a value without quotes
/// ends at white space, an attribute without a value has an empty one.
struct Attributes<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Attributes<'a> {
    fn of(text: &'a str) -> Attributes<'a> {
        Attributes { text, at: 0 }
    }
}

impl<'a> Iterator for Attributes<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let (attrs, bytes) = (self.text, self.text.as_bytes());
        let mut i = self.at;
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            self.at = i;
            return None;
        }
        let name_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && bytes[i] != b'='
            && bytes[i] != b'/'
        {
            i += 1;
        }
        let name = &attrs[name_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let q = bytes[i];
                let start = i + 1;
                let end = memchr(q, &bytes[start..]).map_or(bytes.len(), |e| start + e);
                value = &attrs[start..end];
                i = (end + 1).min(bytes.len());
            } else {
                let start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = &attrs[start..i];
            }
        }
        if i == name_start {
            i += 1;
        }
        self.at = i;
        Some((name, value))
    }
}

/// Parses a span attribute leniently (`"2"`, ` 3 `, `2px`); 0 and garbage mean 1.
fn parse_span(v: &str) -> Option<usize> {
    let digits: String = v
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .take(9)
        .collect();
    digits.parse::<usize>().ok().filter(|n| *n > 0)
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('&') {
        html_escape::decode_html_entities(s)
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, Grid};

    #[test]
    fn cell_spans_are_read_in_any_case_the_first_of_a_repeat_counting() {
        let word = "width=189 valign=top style='width:142.0pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt'";
        assert_eq!(spans(word), (1, 1));
        assert_eq!(spans(&format!("{word} colspan=2 rowspan='3'")), (2, 3));
        assert_eq!(spans("ROWSPAN=\"2\""), (1, 2));
        assert_eq!(spans("rowSpan=2 rowspan=5 colSpan = \" 4 \""), (4, 2));
        assert_eq!(spans("colspan=0 rowspan=x"), (1, 1));
        assert_eq!(spans("colspan=&#50;"), (2, 1));
        assert_eq!(spans("data-span=7 class=span"), (1, 1));
        assert_eq!(
            attr("name=a content='b c'", "CONTENT").as_deref(),
            Some("b c")
        );
        assert_eq!(attr("checked name=x", "checked").as_deref(), Some(""));
    }

    fn tables(doc: &Document) -> Vec<&Grid> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(g) => Some(g),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn spans_multi_paragraph_cells_and_nbsp() {
        let doc = read(
            "<title>T</title><table><tr><td rowspan=2>三、<p>本年度</p></td><td colspan='2'>a&amp;b</td>\
             <tr><td><p>商业</p><p>企业</p><td>&nbsp;</td></table>",
        );
        assert_eq!(doc.title.as_deref(), Some("T"));
        let t = tables(&doc);
        assert_eq!(
            t[0].texts(),
            vec![
                vec!["三、\n本年度", "a&b", "a&b"],
                vec!["三、\n本年度", "商业\n企业", "\u{a0}"]
            ]
        );
    }

    #[test]
    fn scripts_comments_and_meta() {
        let doc = read(
            "<head><meta name=\"PubDate\" content=\"2025-03-10 15:35\"><script>var a='<td>';</script>\
             <style>td{}</style></head><body><!-- <p>x</p> --><p>一、总体情况</p><div>正文<br>第二行</div></body>",
        );
        assert_eq!(
            doc.meta,
            vec![("PubDate".to_string(), "2025-03-10 15:35".to_string())]
        );
        let paras: Vec<_> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => p.as_str(),
                _ => "<table>",
            })
            .collect();
        assert_eq!(paras, vec!["一、总体情况", "正文", "第二行"]);
    }

    #[test]
    fn layout_tables_are_unwrapped_in_reading_order() {
        let doc = read(
            "<table><tr><td><p>三、收到和处理政府信息公开申请情况</p>\
             <table><tr><td>一、本年新收</td><td>7</td></tr></table><p>四、复议</p></td></tr></table>",
        );
        let kinds: Vec<String> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => p.clone(),
                Block::Table(g) => format!("table{}", g.rows.len()),
            })
            .collect();
        assert_eq!(
            kinds,
            vec!["三、收到和处理政府信息公开申请情况", "table1", "四、复议"]
        );
    }

    #[test]
    fn blank_p_paragraphs_are_kept_as_blank_lines() {
        let doc = read("<p>规章</p><p>&nbsp;</p><p>0</p>");
        assert_eq!(
            doc.blocks,
            vec![
                Block::Paragraph("规章".into()),
                Block::Paragraph(String::new()),
                Block::Paragraph("0".into())
            ]
        );
    }

    #[test]
    fn deep_nesting_and_huge_spans_stay_bounded() {
        let html = "<table><tr><td>".repeat(1000) + "x" + &"</td></tr></table>".repeat(1000);
        let doc = read(&html);
        assert!(!doc.blocks.is_empty());
        let doc = read(
            "<table><tr><td colspan=1000000 rowspan=100000>a</td></tr><tr><td>b</td></tr></table>",
        );
        let t = tables(&doc);
        assert_eq!(t[0].rows.len(), 2);
    }
}
