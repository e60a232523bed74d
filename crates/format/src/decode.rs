//! Bytes → text, for the extractor and the crawler alike. The order: a byte-order mark, then
//! UTF-16 without one, then valid UTF-8 (GBK text is practically never valid UTF-8, while CMS
//! templates often declare a charset they do not use), then the HTTP `charset` when the bytes
//! decode cleanly under it, then (for HTML) a declared `<meta charset>` / `http-equiv` in the
//! first 2 KB, then detection (chardetng, `.cn` hint) on the first 8 KB. gb2312/gbk labels
//! decode as GB18030, the superset real pages need.

use std::borrow::Cow;

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

/// Text decoded from bytes, with the encoding that was used.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// The WHATWG name of the encoding used (`UTF-8`, `gb18030`, …).
    pub encoding: &'static str,
    /// Whether malformed sequences were replaced with U+FFFD.
    pub had_errors: bool,
}

/// Where the prescan for a declared charset looks.
const PRESCAN_BYTES: usize = 2048;
/// How much detection looks at.
const DETECT_BYTES: usize = 8192;

/// Decodes `bytes`, honouring a declaration when `html` is set.
pub fn decode(bytes: &[u8], html: bool) -> Decoded<'_> {
    decode_declared(bytes, html, None)
}

/// Decodes a page fetched over HTTP, given its `Content-Type` header if there was one.
pub fn decode_http<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Decoded<'a> {
    let http = content_type
        .and_then(http_charset)
        .and_then(|label| Encoding::for_label(label.as_bytes()));
    decode_declared(bytes, true, http)
}

/// The `charset` parameter of a `Content-Type` value.
pub fn http_charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_string())
            .filter(|v| !v.is_empty())
    })
}

fn decode_declared<'a>(
    bytes: &'a [u8],
    html: bool,
    http: Option<&'static Encoding>,
) -> Decoded<'a> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return with(enc, &bytes[bom_len..]);
    }
    // UTF-16 of ASCII (and of many CJK characters) is valid UTF-8 full of NULs: not text.
    if looks_like_utf16(bytes) {
        return with(utf16_order(bytes), bytes);
    }
    // Valid UTF-8 with any non-ASCII byte is UTF-8 whatever a (copied) template declares:
    // GBK text is practically never valid UTF-8.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: UTF_8.name(),
            had_errors: false,
        };
    }
    if let Some(enc) = http {
        let decoded = with(enc, bytes);
        if !decoded.had_errors {
            return decoded;
        }
    }
    if html {
        if let Some(enc) = declared_charset(&bytes[..bytes.len().min(PRESCAN_BYTES)]) {
            return with(enc, bytes);
        }
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    detector.feed(sample, sample.len() == bytes.len());
    let guess = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    with(guess, bytes)
}

/// Many NUL bytes in an undeclared text mean UTF-16 without a BOM.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    sample.len() >= 4 && memchr::memchr_iter(0, sample).count() * 4 >= sample.len()
}

/// UTF-16BE puts the NUL of an ASCII character first, at even offsets.
fn utf16_order(bytes: &[u8]) -> &'static Encoding {
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    let even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    if even > odd {
        UTF_16BE
    } else {
        UTF_16LE
    }
}

fn with<'a>(enc: &'static Encoding, bytes: &'a [u8]) -> Decoded<'a> {
    let enc = widen(enc);
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding: enc.name(),
        had_errors,
    }
}

/// gb2312 and GBK pages routinely contain GB18030-only characters: decode them as GB18030.
fn widen(enc: &'static Encoding) -> &'static Encoding {
    if enc == encoding_rs::GBK {
        GB18030
    } else {
        enc
    }
}

/// The charset a page declares in `<meta charset=…>` or `<meta http-equiv content="…charset=…">`.
pub fn declared_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = memchr::memmem::find(&lower[from..], b"charset") {
        let mut i = from + pos + b"charset".len();
        from = i;
        while i < lower.len()
            && (lower[i] == b' ' || lower[i] == b'=' || lower[i] == b'"' || lower[i] == b'\'')
        {
            i += 1;
        }
        let start = i;
        while i < lower.len()
            && (lower[i].is_ascii_alphanumeric() || lower[i] == b'-' || lower[i] == b'_')
        {
            i += 1;
        }
        if let Some(enc) = Encoding::for_label(&lower[start..i]) {
            // A page saved as UTF-16 cannot declare itself in ASCII; a UTF-16 label is a lie.
            if enc == UTF_16LE || enc == UTF_16BE {
                return Some(UTF_8);
            }
            return Some(enc);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_declared_page_decodes_as_gb18030() {
        let (bytes, _, _) = GB18030.encode("<meta charset=\"gb2312\"><p>政府信息公开</p>");
        let d = decode(&bytes, true);
        assert_eq!(d.encoding, "gb18030");
        assert!(d.text.contains("政府信息公开"));
        assert!(!d.had_errors);
    }

    #[test]
    fn http_equiv_declaration_is_read() {
        let head = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GBK\">";
        assert_eq!(declared_charset(head), Some(encoding_rs::GBK));
    }

    #[test]
    fn undeclared_utf8_and_gbk_are_told_apart() {
        let text = "<table><tr><td>一、本年新收政府信息公开申请数量</td><td>7</td></tr></table>";
        assert_eq!(decode(text.as_bytes(), true).encoding, "UTF-8");
        let (gbk, _, _) = GB18030.encode(text);
        let d = decode(&gbk, true);
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.text, text);
    }

    #[test]
    fn http_charset_is_honoured_only_when_the_bytes_fit_it() {
        let (gbk, _, _) =
            GB18030.encode("<p>北京市统计局发布数据，二〇二三年政府信息公开工作年度报告</p>");
        let d = decode_http(&gbk, Some("text/html; charset=utf-8"));
        assert_eq!(d.encoding, "gb18030");
        assert!(d.text.contains("年度报告"));
        let d = decode_http(&gbk, Some("text/html; Charset=\"GB2312\""));
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(
            http_charset("text/html; Charset=GB2312").as_deref(),
            Some("GB2312")
        );
        assert_eq!(http_charset("text/html"), None);
        assert_eq!(http_charset("text/html; charset="), None);
    }

    #[test]
    fn bom_wins_over_declaration() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("<meta charset=gbk>年报".as_bytes());
        let d = decode(&bytes, true);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.ends_with("年报"));
    }

    #[test]
    fn utf16_without_bom_is_detected() {
        let bytes: Vec<u8> = "年度报告 2021"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let d = decode(&bytes, false);
        assert_eq!(d.text, "年度报告 2021");
    }
}
