//! A small OFD writer for tests and benchmarks: pages of the PDF text layer's model (glyphs and
//! rules, as `nianbao_pdf::read` gives them for a real report) written as an OFD package, so
//! that an OFD test reads a real layout. Included with `#[path]` where it is needed.
//!
//! Glyphs that follow one another on a baseline become one `TextObject` whose `TextCode` places
//! them with a `DeltaX` list (runs of equal advances written `g N d`); every other object is
//! drawn at twice the scale through a `CTM` with half the size. Horizontal rules are stroked
//! `PathObject` lines; vertical rules are thin filled rectangles. A template page carries one
//! line of text that every page names.

use std::io::Write;

use nianbao_pdf::{Orientation, Page};

/// Millimetres per point.
const MM: f32 = 25.4 / 72.0;

/// Text every page shows through its template (a footer line).
pub const TEMPLATE_TEXT: &str = "模板页脚";

/// The OFD package of `pages`.
pub fn ofd_of_pages(pages: &[Page]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut put = |name: &str, xml: &str| {
        zip.start_file(name, options).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    };
    put(
        "OFD.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>test</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#,
    );
    let (width, height) = pages
        .first()
        .map_or((210.0, 297.0), |p| (p.width * MM, p.height * MM));
    let mut document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>1</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {width} {height}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData><ofd:Pages>"#
    );
    for i in 0..pages.len() {
        document += &format!(
            r#"<ofd:Page ID="{}" BaseLoc="Pages/Page_{i}/Content.xml"/>"#,
            10 + i
        );
    }
    document += "</ofd:Pages></ofd:Document>";
    put("Doc_0/Document.xml", &document);
    put(
        "Doc_0/PublicRes.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Res xmlns:ofd="http://www.ofdspec.org/2016" BaseLoc="Res"><ofd:Fonts><ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>"#,
    );
    put(
        "Doc_0/Tpls/Tpl_0/Content.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="4" Type="Background"><ofd:TextObject ID="5" Boundary="20 288 60 6" Font="3" Size="3.5"><ofd:TextCode X="0" Y="3.5" DeltaX="g {} 3.5">{TEMPLATE_TEXT}</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>"#,
            TEMPLATE_TEXT.chars().count() - 1
        ),
    );
    for (i, page) in pages.iter().enumerate() {
        put(
            &format!("Doc_0/Pages/Page_{i}/Content.xml"),
            &page_content(page),
        );
    }
    zip.finish().unwrap().into_inner()
}

/// One page's `Content.xml`.
fn page_content(page: &Page) -> String {
    let mut out = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Template TemplateID="2" ZOrder="Background"/><ofd:Area><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:Area><ofd:Content><ofd:Layer ID="6" Type="Body"><ofd:PageBlock ID="7">"#,
        page.width * MM,
        page.height * MM
    );
    // Runs of glyphs on one baseline, left to right, one character each.
    let mut runs: Vec<Vec<&nianbao_pdf::Glyph>> = Vec::new();
    for glyph in &page.glyphs {
        let joins = runs.last().and_then(|r| r.last()).is_some_and(|last| {
            last.y == glyph.y
                && last.size == glyph.size
                && glyph.x > last.x
                && last.text.chars().count() == 1
                && glyph.text.chars().count() == 1
        });
        if joins {
            runs.last_mut().unwrap().push(glyph);
        } else {
            runs.push(vec![glyph]);
        }
    }
    for (n, run) in runs.iter().enumerate() {
        let size = run[0].size * MM;
        let left = run[0].x * MM;
        let top = (page.height - run[0].y) * MM - size;
        let right = run.last().map_or(0.0, |g| (g.x + g.width) * MM);
        // Every other object through a CTM that doubles: its numbers are halved.
        let (scale, ctm) = if n % 2 == 1 {
            (0.5, r#" CTM="2 0 0 2 0 0""#)
        } else {
            (1.0, "")
        };
        let advances: Vec<f32> = run
            .windows(2)
            .map(|w| (w[1].x - w[0].x) * MM * scale)
            .collect();
        let text: String = run.iter().map(|g| g.text.as_str()).collect();
        out += &format!(
            r#"<ofd:TextObject ID="{}" Boundary="{left} {top} {} {}" Font="3" Size="{}"{ctm}><ofd:FillColor Value="0 0 0"/><ofd:TextCode X="0" Y="{}" DeltaX="{}">{}</ofd:TextCode></ofd:TextObject>"#,
            100 + n,
            (right - left).max(size),
            size * 1.2,
            size * scale,
            size * scale,
            delta_list(&advances),
            escape(&text)
        );
    }
    for (n, rule) in page.rules.iter().enumerate() {
        let length = (rule.to - rule.from) * MM;
        let id = 100_000 + n;
        out += &match rule.orientation {
            Orientation::Horizontal => format!(
                r#"<ofd:PathObject ID="{id}" Boundary="{} {} {length} 0.2" LineWidth="0.25"><ofd:AbbreviatedData>M 0 0 L {length} 0</ofd:AbbreviatedData></ofd:PathObject>"#,
                rule.from * MM,
                (page.height - rule.at) * MM,
            ),
            Orientation::Vertical => format!(
                r#"<ofd:PathObject ID="{id}" Boundary="{} {} 0.2 {length}" Stroke="false" Fill="true"><ofd:AbbreviatedData>M 0 0 L 0.2 0 L 0.2 {length} L 0 {length} C</ofd:AbbreviatedData></ofd:PathObject>"#,
                rule.at * MM - 0.1,
                (page.height - rule.to) * MM,
            ),
        };
    }
    out += "</ofd:PageBlock></ofd:Layer></ofd:Content></ofd:Page>";
    out
}

/// A `DeltaX` list: runs of equal advances as `g N d`.
fn delta_list(advances: &[f32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < advances.len() {
        let same = advances[i..]
            .iter()
            .take_while(|a| (*a - advances[i]).abs() < 1e-4)
            .count();
        if same > 1 {
            parts.push(format!("g {same} {}", advances[i]));
        } else {
            parts.push(advances[i].to_string());
        }
        i += same;
    }
    parts.join(" ")
}

/// Text escaped for XML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
