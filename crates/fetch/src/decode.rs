//! Turning the bytes of an HTML page into text.
//!
//! The order is the one browsers use, with one safeguard for the many Chinese sites whose server
//! declares the wrong charset: a byte-order mark wins; then the HTTP `charset`; then a `<meta>`
//! declaration in the first 2 KB; then detection (chardetng, with the `.cn` hint, over the first 8 KB).
//! A declared encoding under which the bytes do not decode cleanly gives way to detection. The
//! GB2312/GBK family is always decoded as GB18030, its superset.

use std::sync::LazyLock;

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};
use regex::bytes::Regex;

/// A decoded page.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// Where the encoding came from: `bom`, `http`, `meta` or `detected`.
    pub source: &'static str,
}

/// Decodes an HTML page, given the HTTP `Content-Type` header if there was one.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return finish(bytes, encoding, "bom");
    }
    let declared = [
        (content_type.and_then(http_charset), "http"),
        (meta_charset(bytes), "meta"),
    ];
    for (label, source) in declared {
        if let Some(encoding) = label.and_then(|l| Encoding::for_label(l.as_bytes())) {
            let encoding = widen(encoding);
            let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
            if !had_errors {
                return Decoded {
                    text: text.into_owned(),
                    encoding,
                    source,
                };
            }
        }
    }
    finish(bytes, detect(bytes), "detected")
}

fn finish(bytes: &[u8], encoding: &'static Encoding, source: &'static str) -> Decoded {
    let (text, encoding, _) = encoding.decode(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: widen(encoding),
        source,
    }
}

/// GB2312 and GBK are read as GB18030 (a superset); anything else stays.
fn widen(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == GBK {
        GB18030
    } else {
        encoding
    }
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

fn meta_charset(bytes: &[u8]) -> Option<String> {
    static META: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i-u)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#)
            .expect("valid regex")
    });
    let head = &bytes[..bytes.len().min(2048)];
    let caps = META.captures(head)?;
    Some(String::from_utf8_lossy(&caps[1]).into_owned())
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let sample = &bytes[..bytes.len().min(8192)];
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, sample.len() == bytes.len());
    detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    #[test]
    fn meta_gb2312_is_read_as_gb18030() {
        let mut page =
            b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
                .to_vec();
        page.extend(gbk("<title>政府信息公开年报</title>"));
        let d = decode_html(&page, Some("text/html"));
        assert_eq!(d.encoding, GB18030);
        assert_eq!(d.source, "meta");
        assert!(d.text.contains("政府信息公开年报"));
    }

    #[test]
    fn wrong_http_charset_gives_way_to_detection() {
        let page = gbk("<p>北京市统计局发布数据，二〇二三年政府信息公开工作年度报告</p>");
        let d = decode_html(&page, Some("text/html; charset=utf-8"));
        assert_eq!(d.encoding, GB18030);
        assert_eq!(d.source, "detected");
        assert!(d.text.contains("年度报告"));
    }

    #[test]
    fn bom_and_http_charset() {
        let d = decode_html(
            "\u{feff}<p>年报</p>".as_bytes(),
            Some("text/html; charset=gbk"),
        );
        assert_eq!((d.encoding, d.source), (UTF_8, "bom"));
        assert_eq!(d.text, "<p>年报</p>");
        let d = decode_html(
            "<p>年报</p>".as_bytes(),
            Some("text/html; charset=\"UTF-8\""),
        );
        assert_eq!((d.encoding, d.source), (UTF_8, "http"));
        let d = decode_html("<p>年报</p>".as_bytes(), None);
        assert_eq!((d.encoding, d.source), (UTF_8, "detected"));
    }

    #[test]
    fn charset_parameter() {
        assert_eq!(
            http_charset("text/html; Charset=GB2312").as_deref(),
            Some("GB2312")
        );
        assert_eq!(http_charset("text/html"), None);
        assert_eq!(http_charset("text/html; charset="), None);
    }
}
