//! The one escaping helper every page goes through: text from the data is only ever written with
//! [`text`] (element content) or [`attr`] (attribute values), never pasted into markup.

use std::fmt::Write;

/// Escapes `s` for element content and quoted attribute values, and drops control characters
/// (other than tab and newline) that have no business in a page.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A piece of HTML under construction.
#[derive(Default)]
pub struct Html {
    out: String,
}

impl Html {
    /// An empty piece with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Html {
        Html {
            out: String::with_capacity(capacity),
        }
    }

    /// Appends trusted markup (a literal of this crate, never data).
    pub fn raw(&mut self, markup: &str) -> &mut Html {
        self.out.push_str(markup);
        self
    }

    /// Appends text from the data, escaped.
    pub fn text(&mut self, text: &str) -> &mut Html {
        self.out.push_str(&escape(text));
        self
    }

    /// Appends ` name="value"` with the value escaped.
    pub fn attr(&mut self, name: &str, value: &str) -> &mut Html {
        let _ = write!(self.out, " {name}=\"{}\"", escape(value));
        self
    }

    /// Appends `<tag>text</tag>` with the text escaped.
    pub fn element(&mut self, tag: &str, text: &str) -> &mut Html {
        let _ = write!(self.out, "<{tag}>{}</{tag}>", escape(text));
        self
    }

    /// Appends formatted trusted markup (numbers and literals only).
    pub fn fmt(&mut self, args: std::fmt::Arguments<'_>) -> &mut Html {
        let _ = self.out.write_fmt(args);
        self
    }

    /// The finished HTML.
    pub fn finish(self) -> String {
        self.out
    }
}

/// The start of a page: doctype, UTF-8, the inline stylesheet, the title, and an opened `<body>`.
pub fn page_start(title: &str) -> Html {
    let mut html = Html::with_capacity(64 * 1024);
    html.raw("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .element("title", title)
        .raw("<style>")
        .raw(crate::style::CSS)
        .raw("</style></head><body>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_control_characters() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\"\u{7}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        let mut html = Html::default();
        html.raw("<td")
            .attr("title", "a\"><b>")
            .raw(">")
            .text("<i>");
        assert_eq!(
            html.finish(),
            "<td title=\"a&quot;&gt;&lt;b&gt;\">&lt;i&gt;"
        );
    }
}
