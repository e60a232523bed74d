//! Text normalisation for matching and reading cells: label folding (NFKC, whitespace and
//! punctuation removed, so `（一）予以公开`, `(一) 予以公开` and `（一）\n予以 公开` agree) and
//! cell value parsing (numbers, blanks, dashes, units, signs, separators, full-width digits).

use nianbao_schema::Number;
use unicode_normalization::UnicodeNormalization;

/// Folds a label for matching: NFKC, then only letters, digits and CJK characters are kept.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match fast_nfkc(c) {
            Some(c) if is_kept(c) => out.push(c),
            Some(_) => {}
            None => {
                out.clear();
                out.extend(s.nfkc().filter(|c| is_kept(*c)));
                break;
            }
        }
    }
    out
}

/// Whether a character survives folding: ASCII letters and digits, CJK ideographs and other
/// letters (the common cases are answered without Unicode table look-ups).
fn is_kept(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        true
    } else if ('\u{3000}'..='\u{303F}').contains(&c) || ('\u{2000}'..='\u{206F}').contains(&c) {
        // CJK and general punctuation (、。“”…).
        false
    } else {
        c.is_alphanumeric()
    }
}

/// A character's NFKC form when it is one of the common characters of these reports (ASCII,
/// CJK ideographs and punctuation, full-width ASCII forms, spaces, quotes, bullets, arrows and
/// shapes); `None` when the Unicode tables must be asked.
fn fast_nfkc(c: char) -> Option<char> {
    match c {
        '\0'..='\u{7F}' | '\u{4E00}'..='\u{9FFF}' | '\u{3001}'..='\u{303F}' => Some(c),
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{3000}' | '\u{A0}' => Some(' '),
        '\u{2018}'..='\u{201D}'
        | '\u{2014}'
        | '\u{2026}'
        | '\u{B7}'
        | '\u{2022}'
        | '\u{2190}'..='\u{21FF}'
        | '\u{2500}'..='\u{26FF}'
        | '\u{FEFF}' => Some(c),
        _ => None,
    }
}

/// NFKC, with a fast path: text of only the common characters of [`fast_nfkc`] is mapped
/// directly (borrowed when nothing changes), without the Unicode tables.
pub fn compatible(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut changed = false;
    for c in s.chars() {
        match fast_nfkc(c) {
            Some(m) => changed |= m != c,
            None => return std::borrow::Cow::Owned(s.nfkc().collect()),
        }
    }
    if !changed {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    out.extend(s.chars().filter_map(fast_nfkc));
    std::borrow::Cow::Owned(out)
}

/// What a cell's text reads as.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// A number, with the unit printed inside the cell (`元`, `万元`), if any.
    Number(Number, Option<String>),
    /// Empty or whitespace only.
    Blank,
    /// A dash, slash, 无 or similar "nothing" marker.
    Dash,
    /// Anything else (a label, a header, prose).
    Text,
}

impl CellValue {
    /// Whether the cell can be a value cell (number, blank or dash).
    pub fn is_value(&self) -> bool {
        !matches!(self, CellValue::Text)
    }
}

const DASHES: &[&str] = &["无", "空", "n/a", "na", "暂无", "没有"];
const UNITS: &[&str] = &["万元", "元", "件", "个", "项", "次", "宗", "条"];

/// Reads a cell's text as a value.
pub fn parse_cell(raw: &str) -> CellValue {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return CellValue::Blank;
    }
    // A value is short: longer text is a label or prose (checked before any copying).
    if trimmed.len() > 64 {
        return CellValue::Text;
    }
    // Text that starts with a character no value can start with is a label.
    let first = trimmed.chars().next().unwrap_or(' ');
    if ('\u{4E00}'..='\u{9FFF}').contains(&first) && !"一约无空暂没".contains(first) {
        return CellValue::Text;
    }
    let s = compatible(trimmed);
    let s = s.trim();
    if s.chars().all(|c| {
        matches!(
            c,
            '-' | '—' | '–' | '―' | '/' | '\\' | '~' | '_' | '一' | '－'
        )
    }) && !(s.chars().all(|c| c == '一'))
    {
        return CellValue::Dash;
    }
    if DASHES.iter().any(|d| s.eq_ignore_ascii_case(d)) {
        return CellValue::Dash;
    }
    let mut body = s.strip_prefix('约').unwrap_or(s).trim();
    let mut unit = None;
    for u in UNITS {
        if let Some(rest) = body.strip_suffix(u) {
            body = rest.trim_end();
            unit = Some((*u).to_string());
            break;
        }
    }
    parse_number(body).map_or(CellValue::Text, |n| CellValue::Number(n, unit))
}

/// Parses `[+-]digits[.digits]` with thousands separators (`,` `，` or spaces between digit
/// groups) allowed; anything else is `None`.
pub fn parse_number(s: &str) -> Option<Number> {
    let (negative, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let bytes = rest.as_bytes();
    // The integer's value, `None` once it no longer fits.
    let mut int: Option<i64> = Some(0);
    let mut digits = 0usize;
    // Where the decimal point is, in `rest`.
    let mut point: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'0'..=b'9' => {
                int = int
                    .and_then(|v| v.checked_mul(10))
                    .and_then(|v| v.checked_add(i64::from(b - b'0')));
                digits += 1;
                i += 1;
            }
            b'.' if point.is_none() && i > 0 && i + 1 < bytes.len() => {
                point = Some(i);
                i += 1;
            }
            // A separator is only allowed between digits, before a group of three.
            b',' | b' ' | 0xEF | 0xC2 => {
                let width = match b {
                    b',' | b' ' => 1,
                    _ if rest[i..].starts_with('，') => '，'.len_utf8(),
                    _ if rest[i..].starts_with('\u{a0}') => '\u{a0}'.len_utf8(),
                    _ => return None,
                };
                let group = bytes[i + width..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                let ok = i > 0 && bytes[i - 1].is_ascii_digit() && group == 3 && point.is_none();
                if !ok {
                    return None;
                }
                i += width;
            }
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    match point {
        None => int.map(|v| Number::Int(if negative { -v } else { v })),
        Some(_) => {
            let plain: String = rest
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let v: f64 = plain.parse().ok()?;
            Some(Number::Decimal(if negative { -v } else { v }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_brackets_spaces_and_width() {
        assert_eq!(fold("（一）予以 公开"), fold("(一)予以公开"));
        assert_eq!(fold("3.危及“三安全一稳定”"), "3危及三安全一稳定");
        assert_eq!(fold("商业\n企业"), "商业企业");
    }

    #[test]
    fn the_fast_path_agrees_with_nfkc() {
        // `…` is kept as one character on purpose (folding drops it either way).
        let sample = "A（一）１２３：，\u{3000}\u{a0}“引号”—·•◦→■★\u{feff}、。《》予以公开";
        for c in sample.chars() {
            let s = c.to_string();
            assert_eq!(compatible(&s), s.nfkc().collect::<String>(), "{c:?}");
        }
        assert_eq!(fold("（一）予以公开①"), "一予以公开1");
        assert_eq!(compatible("ｘ・ｙ"), "x・y");
    }

    #[test]
    fn values_blanks_dashes_units() {
        assert_eq!(
            parse_cell("  7\u{a0}"),
            CellValue::Number(Number::Int(7), None)
        );
        assert_eq!(parse_cell("\u{a0}"), CellValue::Blank);
        assert_eq!(parse_cell("—"), CellValue::Dash);
        assert_eq!(parse_cell("/"), CellValue::Dash);
        assert_eq!(parse_cell("无"), CellValue::Dash);
        assert_eq!(
            parse_cell("251000元"),
            CellValue::Number(Number::Int(251000), Some("元".into()))
        );
        assert_eq!(
            parse_cell("326.780865"),
            CellValue::Number(Number::Decimal(326.780865), None)
        );
        assert_eq!(parse_cell("-8"), CellValue::Number(Number::Int(-8), None));
        assert_eq!(
            parse_cell("+1036"),
            CellValue::Number(Number::Int(1036), None)
        );
        assert_eq!(
            parse_cell("１２３"),
            CellValue::Number(Number::Int(123), None)
        );
        assert_eq!(
            parse_cell("1,234"),
            CellValue::Number(Number::Int(1234), None)
        );
        assert_eq!(parse_cell("12,34"), CellValue::Text);
        assert_eq!(parse_cell("规章"), CellValue::Text);
        assert_eq!(parse_cell("2021年"), CellValue::Text);
        assert_eq!(parse_cell("一"), CellValue::Text);
        assert_eq!(
            parse_cell("约3件"),
            CellValue::Number(Number::Int(3), Some("件".into()))
        );
        assert_eq!(parse_cell("暂无"), CellValue::Dash);
    }

    #[test]
    fn numbers_parse_without_surprises() {
        assert_eq!(parse_number("1\u{a0}234"), Some(Number::Int(1234)));
        assert_eq!(parse_number("1，234,567"), Some(Number::Int(1234567)));
        assert_eq!(parse_number("-12.50"), Some(Number::Decimal(-12.5)));
        assert_eq!(
            parse_number("99999999999999999999.5"),
            Some(Number::Decimal(99999999999999999999.5))
        );
        for bad in [
            "99999999999999999999",
            "1,23",
            "1.2.3",
            ".5",
            "5.",
            "-",
            "",
            "1 ,234",
            "1.234,5",
        ] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
    }
}
