//! OFD (GB/T 33190-2016, the Chinese fixed-layout format) → [`Document`]: the pages' positioned
//! text and drawn lines become the glyphs and rules of the PDF text layer's model
//! ([`nianbao_pdf::Page`]), and the PDF reader's layout (`pdf::layout`: ruled tables by
//! `grid`, the rest as lines) builds the document, so both formats share one layout engine.
//!
//! 1. **Package.** The zip is opened by `package` within [`OfdLimits`] (entries, inflated
//!    bytes per part and in all, compression ratio: zip bombs are refused before inflating).
//! 2. **Entry point.** `OFD.xml` names the document (`DocBody/DocRoot`, the first one is read);
//!    a path is resolved against the folder of the part that names it, or from the package
//!    root when it starts with `/`.
//! 3. **Document.** `Document.xml` gives the default page box (`CommonData/PageArea/
//!    PhysicalBox`), the template pages (`TemplatePage` `ID` → `BaseLoc`) and the pages in
//!    order (`Pages/Page` `BaseLoc`). The resource files are not read: text codes are
//!    Unicode, and glyph widths are estimated, not taken from the fonts.
//! 4. **Pages.** Each page's content (and that of the templates it names with `Template`,
//!    each read once) is walked as XML events, at most [`OfdLimits::max_xml_depth`] deep (page
//!    blocks nest), all in millimetres, y down:
//!    - a `TextObject` places each character of its `TextCode`s at `X`/`Y`, advanced by the
//!      `DeltaX`/`DeltaY` lists (`g N d` is `d` N times, expanded only as far as there are
//!      characters; past the list a character advances by its estimated width), through the
//!      object's `CTM` and from its `Boundary` origin; its size is `Size` scaled by the CTM;
//!      its width is estimated: full for CJK, half for the rest;
//!    - a `PathObject`'s `AbbreviatedData` (`S`/`M` move, `L` line, `Q`/`B`/`A` curves that
//!      only move the current point, `C`/`Z` close) is placed the same way; stroked (the
//!      default) horizontal and vertical segments are rules, and when filled, a subpath of
//!      straight sides whose box is thinner than 2 points is a rule along its long side, as
//!      the PDF text layer makes them;
//!    - an `ImageObject` is counted (a page of images and no text is a scan), and its
//!      `ResourceID` and drawn size kept.
//! 5. **Layout.** Millimetres become points and y is flipped, so that the pages are
//!    [`nianbao_pdf::Page`]s as the PDF reader makes them; a document with no text at all is
//!    refused ([`ReadError::NoTextLayer`]); the rest goes to `pdf::layout`. Characters past
//!    [`OfdLimits::max_glyphs`] fail the read; rules past [`OfdLimits::max_rules`] are dropped
//!    and counted, so that the layout reads those pages as lines, with a warning. A template's
//!    characters and rules count on every page that shows it.
//! 6. **Scans** (the `ocr` feature, [`page_scans`]): when no page shows text, each page's
//!    largest image is looked up among the document's resources (`PublicRes`, `DocumentRes`:
//!    `MultiMedia` `ID` → `MediaFile`, under the resource file's `BaseLoc`) and handed out
//!    with the size it is drawn at, for OCR.

use std::collections::HashMap;

use nianbao_pdf::{Direction, Glyph, Orientation, Page, Rule};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader as XmlReader;

use super::docx::resolve_reference;
use super::package::{Package, PackageLimits};
use super::ReadError;
use crate::document::{Document, ReadLimits};

/// Limits on an OFD package and what its pages may draw.
#[derive(Debug, Clone)]
pub struct OfdLimits {
    /// Most entries in the zip.
    pub max_entries: usize,
    /// Largest inflated XML part.
    pub max_part_bytes: u64,
    /// Most bytes all the parts read may inflate to, together.
    pub max_total_bytes: u64,
    /// Largest inflated/compressed ratio of a part.
    pub max_ratio: u64,
    /// Deepest XML element nesting.
    pub max_xml_depth: usize,
    /// Most pages.
    pub max_pages: usize,
    /// Most characters placed, over all pages.
    pub max_glyphs: u64,
    /// Most rules kept, over all pages (more are dropped and counted).
    pub max_rules: usize,
}

impl Default for OfdLimits {
    fn default() -> Self {
        OfdLimits {
            max_entries: 10_000,
            max_part_bytes: 64 << 20,
            max_total_bytes: 256 << 20,
            max_ratio: 200,
            max_xml_depth: 256,
            max_pages: 5_000,
            max_glyphs: 1_000_000,
            max_rules: 1_000_000,
        }
    }
}

/// Points per millimetre.
const POINTS_PER_MM: f32 = 72.0 / 25.4;

/// A filled box thinner than this (points) is a ruling line, as in the PDF text layer.
const MAX_RULE_THICKNESS: f32 = 2.0;

/// A segment whose ends differ by no more than this (points) across is straight.
const STRAIGHT: f32 = 0.5;

/// The page box when neither the document nor the page gives one: A4.
const A4_MM: (f32, f32) = (210.0, 297.0);

/// Reads an OFD document, building no more than `within` allows; the error says, for a person,
/// why it could not be read.
pub fn read_with(
    bytes: &[u8],
    limits: &OfdLimits,
    within: &ReadLimits,
) -> Result<Document, ReadError> {
    let mut package = open(bytes, limits)?;
    let mut reader = Reader::new(&mut package, limits);
    let pages = reader.pages()?;
    if pages.iter().all(|p| p.glyphs.is_empty()) {
        let images: usize = pages.iter().map(|p| p.images).sum();
        return Err(ReadError::NoTextLayer(format!(
            "the OFD's pages show no text ({} pages, {images} images): a scan? OCR it, or use \
             the HTML page or a DOCX attachment",
            pages.len()
        )));
    }
    Ok(super::pdf::layout(
        &pages,
        limits.max_rules,
        Vec::new(),
        within,
    ))
}

/// Opens an OFD package within `limits`.
fn open<'b>(bytes: &'b [u8], limits: &OfdLimits) -> Result<Package<'b>, ReadError> {
    Package::open(
        bytes,
        "OFD",
        PackageLimits {
            max_entries: limits.max_entries,
            max_part_bytes: limits.max_part_bytes,
            max_total_bytes: limits.max_total_bytes,
            max_ratio: limits.max_ratio,
        },
    )
}

/// A page's scan in an OFD: its largest image's bytes and the size it is drawn at.
#[cfg(feature = "ocr")]
pub struct PageScan {
    /// The image file's bytes (PNG, JPEG, …).
    pub bytes: Vec<u8>,
    /// Its drawn width and height, mm.
    pub drawn_mm: (f32, f32),
}

/// The scan of each page of an OFD whose pages show no text, in page order (pages without an
/// image, or whose image is not among the resources, skipped).
#[cfg(feature = "ocr")]
pub fn page_scans(bytes: &[u8], limits: &OfdLimits) -> Result<Vec<PageScan>, ReadError> {
    let mut package = open(bytes, limits)?;
    let mut reader = Reader::new(&mut package, limits);
    reader.pages()?;
    let media = reader.media()?;
    let mut scans = Vec::new();
    for image in std::mem::take(&mut reader.largest_images)
        .into_iter()
        .flatten()
    {
        let Some(path) = media.get(&image.resource) else {
            continue;
        };
        if let Some(bytes) = reader.package.part(path)? {
            scans.push(PageScan {
                bytes,
                drawn_mm: image.size_mm,
            });
        }
    }
    Ok(scans)
}

/// The document's parts as they are read.
struct Reader<'p, 'b> {
    package: &'p mut Package<'b>,
    limits: &'p OfdLimits,
    /// Characters placed so far.
    glyphs: u64,
    /// Rules kept so far.
    rules: usize,
    /// The resource files the document names (`PublicRes`, `DocumentRes`), resolved.
    resources: Vec<String>,
    /// Each page's largest image, in page order.
    largest_images: Vec<Option<ImageObject>>,
}

/// An image drawn on a page: the resource it shows and its size.
#[derive(Debug, Clone, PartialEq)]
struct ImageObject {
    /// `ResourceID`.
    resource: String,
    /// The `Boundary`'s width and height, mm.
    size_mm: (f32, f32),
}

/// What `Document.xml` lists.
#[derive(Default)]
struct DocumentXml {
    /// `CommonData/PublicRes` and `DocumentRes`, resolved.
    resources: Vec<String>,
    /// `CommonData/PageArea/PhysicalBox` width and height, mm.
    page_box: Option<(f32, f32)>,
    /// Template pages: `ID` → content part, resolved.
    templates: HashMap<String, String>,
    /// The pages' content parts, resolved, in order.
    pages: Vec<String>,
}

/// One page's content as drawn, y down, points.
#[derive(Default)]
struct Drawn {
    /// `Area/PhysicalBox` width and height, mm, when the page gives one.
    page_box: Option<(f32, f32)>,
    /// `Template` `TemplateID`s.
    templates: Vec<String>,
    /// Glyphs, rules and images (y from the top of the page).
    page: Page,
    /// Its `ImageObject`s.
    images: Vec<ImageObject>,
}

impl<'p, 'b> Reader<'p, 'b> {
    fn new(package: &'p mut Package<'b>, limits: &'p OfdLimits) -> Self {
        Reader {
            package,
            limits,
            glyphs: 0,
            rules: 0,
            resources: Vec::new(),
            largest_images: Vec::new(),
        }
    }

    /// The media files of the document's resources: `MultiMedia` `ID` → the package entry of
    /// its `MediaFile` (under the resource file's `BaseLoc`); a resource file that is missing
    /// lists none.
    #[cfg(feature = "ocr")]
    fn media(&mut self) -> Result<HashMap<String, String>, ReadError> {
        let mut media = HashMap::new();
        for path in self.resources.clone() {
            let Some(xml) = self.package.part(&path)? else {
                continue;
            };
            // Media files are named from the resource file's BaseLoc folder.
            let mut base = path.clone();
            let mut id: Option<String> = None;
            let mut in_file = false;
            walk(&xml, &path, self.limits, |event| {
                match event {
                    Walk::Open(e, _) => match e.local_name().as_ref() {
                        b"Res" => {
                            if let Some(loc) = attr(e, b"BaseLoc") {
                                base = format!("{}/-", resolve(&path, &loc));
                            }
                        }
                        b"MultiMedia" => id = attr(e, b"ID"),
                        b"MediaFile" => in_file = true,
                        _ => {}
                    },
                    Walk::Close(name) => in_file &= name != b"MediaFile",
                    Walk::Text(text) => {
                        if let (true, Some(id)) = (in_file, &id) {
                            media.insert(id.clone(), resolve(&base, text));
                        }
                    }
                }
                Ok(())
            })?;
        }
        Ok(media)
    }

    /// The pages of the document, as the PDF text layer gives them.
    fn pages(&mut self) -> Result<Vec<Page>, ReadError> {
        let root = self.required("OFD.xml")?;
        let doc_root = first_text_of(&root, b"DocRoot", "OFD.xml", self.limits)?
            .ok_or_else(|| ReadError::Broken("OFD.xml names no document (DocRoot)".into()))?;
        let doc_path = resolve("OFD.xml", &doc_root);
        let document = self.document(&doc_path)?;
        self.resources = document.resources.clone();
        if document.pages.len() > self.limits.max_pages {
            return Err(ReadError::OverLimit(format!(
                "the OFD has {} pages, more than the limit {}",
                document.pages.len(),
                self.limits.max_pages
            )));
        }
        let mut templates: HashMap<String, Drawn> = HashMap::new();
        let mut pages = Vec::with_capacity(document.pages.len());
        for part in &document.pages {
            let mut drawn = self.draw(part)?;
            for id in std::mem::take(&mut drawn.templates) {
                let Some(template_part) = document.templates.get(&id) else {
                    continue;
                };
                if !templates.contains_key(&id) {
                    let template = self.draw(template_part)?;
                    // Charged below, on every page that shows it.
                    self.glyphs -= template.page.glyphs.len() as u64;
                    self.rules -= template.page.rules.len();
                    templates.insert(id.clone(), template);
                }
                let template = &templates[&id].page;
                self.glyphs += template.glyphs.len() as u64;
                self.check_glyphs()?;
                drawn.page.glyphs.extend(template.glyphs.iter().cloned());
                let kept = template
                    .rules
                    .len()
                    .min(self.limits.max_rules.saturating_sub(self.rules));
                self.rules += kept;
                drawn.page.rules.extend(&template.rules[..kept]);
                drawn.page.dropped_rules += template.rules.len() - kept + template.dropped_rules;
                drawn.page.images += template.images;
            }
            let largest = drawn.images.iter().max_by(|a, b| {
                let area = |i: &ImageObject| i.size_mm.0 * i.size_mm.1;
                area(a).total_cmp(&area(b))
            });
            self.largest_images.push(largest.cloned());
            let (width, height) = drawn.page_box.or(document.page_box).unwrap_or(A4_MM);
            pages.push(flip(
                drawn.page,
                width * POINTS_PER_MM,
                height * POINTS_PER_MM,
            ));
        }
        Ok(pages)
    }

    /// A part that must be there.
    fn required(&mut self, name: &str) -> Result<Vec<u8>, ReadError> {
        self.package
            .part(name)?
            .ok_or_else(|| ReadError::Broken(format!("the OFD package has no {name}")))
    }

    fn check_glyphs(&self) -> Result<(), ReadError> {
        if self.glyphs > self.limits.max_glyphs {
            return Err(too_many_glyphs(self.limits));
        }
        Ok(())
    }

    /// Reads `Document.xml`.
    fn document(&mut self, path: &str) -> Result<DocumentXml, ReadError> {
        let xml = self.required(path)?;
        let mut out = DocumentXml::default();
        let mut in_box = false;
        let mut in_page_area = false;
        let mut in_resource = false;
        walk(&xml, path, self.limits, |event| {
            match event {
                Walk::Open(e, _) => match e.local_name().as_ref() {
                    b"PublicRes" | b"DocumentRes" => in_resource = true,
                    b"PageArea" => in_page_area = true,
                    b"PhysicalBox" if in_page_area => in_box = true,
                    b"TemplatePage" => {
                        if let (Some(id), Some(loc)) = (attr(e, b"ID"), attr(e, b"BaseLoc")) {
                            out.templates.insert(id, resolve(path, &loc));
                        }
                    }
                    b"Page" => {
                        if let Some(loc) = attr(e, b"BaseLoc") {
                            out.pages.push(resolve(path, &loc));
                        }
                    }
                    _ => {}
                },
                Walk::Close(name) => {
                    if name == b"PageArea" {
                        in_page_area = false;
                    }
                    in_box = false;
                    in_resource = false;
                }
                Walk::Text(text) => {
                    if in_box {
                        out.page_box = page_box(text);
                    } else if in_resource {
                        out.resources.push(resolve(path, text));
                    }
                }
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Draws one page's (or template's) content part.
    fn draw(&mut self, path: &str) -> Result<Drawn, ReadError> {
        let xml = self.required(path)?;
        let mut drawn = Drawn::default();
        let mut text: Option<TextObject> = None;
        let mut code: Option<TextCode> = None;
        let mut shape: Option<PathObject> = None;
        let mut in_data = false;
        let mut in_box = false;
        let mut in_area = false;
        let limits = self.limits;
        let glyphs = &mut self.glyphs;
        let rules = &mut self.rules;
        walk(&xml, path, limits, |event| {
            match event {
                Walk::Open(e, empty) => match e.local_name().as_ref() {
                    b"Area" => in_area = !empty,
                    b"PhysicalBox" if in_area => in_box = true,
                    b"Template" => {
                        if let Some(id) = attr(e, b"TemplateID") {
                            drawn.templates.push(id);
                        }
                    }
                    b"TextObject" => {
                        text = Some(TextObject {
                            place: Placement::of(e),
                            size: number_attr(e, b"Size").unwrap_or(0.0),
                        });
                    }
                    b"TextCode" if text.is_some() && !empty => {
                        code = Some(TextCode {
                            x: number_attr(e, b"X"),
                            y: number_attr(e, b"Y"),
                            delta_x: attr(e, b"DeltaX"),
                            delta_y: attr(e, b"DeltaY"),
                            text: String::new(),
                        });
                    }
                    b"PathObject" => {
                        shape = Some(PathObject {
                            place: Placement::of(e),
                            stroke: bool_attr(e, b"Stroke").unwrap_or(true),
                            fill: bool_attr(e, b"Fill").unwrap_or(false),
                        });
                    }
                    b"AbbreviatedData" if shape.is_some() && !empty => in_data = true,
                    b"ImageObject" => {
                        drawn.page.images += 1;
                        let size = attr(e, b"Boundary").map(|b| numbers(&b));
                        if let (Some(resource), Some([_, _, w, h, ..])) =
                            (attr(e, b"ResourceID"), size.as_deref())
                        {
                            drawn.images.push(ImageObject {
                                resource,
                                size_mm: (*w, *h),
                            });
                        }
                    }
                    _ => {}
                },
                Walk::Close(name) => match name {
                    b"Area" => in_area = false,
                    b"PhysicalBox" => in_box = false,
                    b"TextCode" => {
                        if let (Some(object), Some(code)) = (&text, code.take()) {
                            let left = limits.max_glyphs.saturating_sub(*glyphs);
                            let placed = object.glyphs(&code, left.saturating_add(1));
                            if placed.len() as u64 > left {
                                return Err(too_many_glyphs(limits));
                            }
                            *glyphs += placed.len() as u64;
                            drawn.page.glyphs.extend(placed);
                        }
                    }
                    b"TextObject" => text = None,
                    b"AbbreviatedData" => in_data = false,
                    b"PathObject" => shape = None,
                    _ => {}
                },
                Walk::Text(t) => {
                    if let Some(code) = code.as_mut() {
                        code.text.push_str(t);
                    } else if in_data {
                        if let Some(shape) = &shape {
                            for rule in shape.rules(t) {
                                if *rules < limits.max_rules {
                                    *rules += 1;
                                    drawn.page.rules.push(rule);
                                } else {
                                    drawn.page.dropped_rules += 1;
                                }
                            }
                        }
                    } else if in_box {
                        drawn.page_box = page_box(t);
                    }
                }
            }
            Ok(())
        })?;
        Ok(drawn)
    }
}

fn too_many_glyphs(limits: &OfdLimits) -> ReadError {
    ReadError::OverLimit(format!(
        "the OFD shows more than {} characters",
        limits.max_glyphs
    ))
}

/// Where an object draws: its `Boundary` origin and `CTM`, mm.
#[derive(Debug, Clone, Copy)]
struct Placement {
    /// `Boundary` x, y.
    origin: (f32, f32),
    /// `CTM` `a b c d e f` (identity when absent).
    ctm: [f32; 6],
}

impl Placement {
    fn of(e: &BytesStart) -> Self {
        let boundary = attr(e, b"Boundary")
            .map(|b| numbers(&b))
            .unwrap_or_default();
        let ctm = attr(e, b"CTM")
            .map(|c| numbers(&c))
            .and_then(|c| <[f32; 6]>::try_from(c).ok())
            .unwrap_or([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        Placement {
            origin: (
                boundary.first().copied().unwrap_or(0.0),
                boundary.get(1).copied().unwrap_or(0.0),
            ),
            ctm,
        }
    }

    /// A point of the object in page space, points, y down.
    fn point(&self, (x, y): (f32, f32)) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.ctm;
        (
            (self.origin.0 + a * x + c * y + e) * POINTS_PER_MM,
            (self.origin.1 + b * x + d * y + f) * POINTS_PER_MM,
        )
    }

    /// Which way text advancing along the object's x axis runs on the page (OFD's y axis
    /// points down the page).
    fn direction(&self) -> Direction {
        let [a, b, ..] = self.ctm;
        match (a.abs() >= b.abs(), a >= 0.0, b >= 0.0) {
            (true, true, _) => Direction::LeftToRight,
            (true, false, _) => Direction::RightToLeft,
            (false, _, true) => Direction::TopToBottom,
            (false, _, false) => Direction::BottomToTop,
        }
    }

    /// How much the CTM scales lengths.
    fn scale(&self) -> f32 {
        let [a, b, c, d, ..] = self.ctm;
        (a * d - b * c).abs().sqrt()
    }
}

/// A `TextObject` being read.
struct TextObject {
    place: Placement,
    /// `Size`, mm.
    size: f32,
}

/// A `TextCode` being read.
struct TextCode {
    x: Option<f32>,
    y: Option<f32>,
    delta_x: Option<String>,
    delta_y: Option<String>,
    text: String,
}

impl TextObject {
    /// The glyphs of a text code, at most `most`.
    fn glyphs(&self, code: &TextCode, most: u64) -> Vec<Glyph> {
        let count = code.text.chars().count();
        let dx = code
            .delta_x
            .as_deref()
            .map_or_else(Vec::new, |d| deltas(d, count));
        let dy = code
            .delta_y
            .as_deref()
            .map_or_else(Vec::new, |d| deltas(d, count));
        let scale = self.place.scale();
        let direction = self.place.direction();
        let (mut x, mut y) = (code.x.unwrap_or(0.0), code.y.unwrap_or(0.0));
        let mut out = Vec::new();
        for (i, ch) in code.text.chars().enumerate() {
            let width = if is_wide(ch) {
                self.size
            } else {
                self.size / 2.0
            };
            if !ch.is_whitespace() {
                if out.len() as u64 >= most {
                    break;
                }
                let (px, py) = self.place.point((x, y));
                let glyph = Glyph {
                    text: ch.to_string(),
                    x: px,
                    y: py,
                    width: width * scale * POINTS_PER_MM,
                    size: self.size * scale * POINTS_PER_MM,
                    font: 0,
                    mapped: true,
                    direction,
                };
                if [glyph.x, glyph.y, glyph.width, glyph.size]
                    .iter()
                    .all(|v| v.is_finite())
                {
                    out.push(glyph);
                }
            }
            x += dx.get(i).copied().unwrap_or(width);
            y += dy.get(i).copied().unwrap_or(0.0);
        }
        out
    }
}

/// Whether a character is set full width (CJK, full-width forms).
fn is_wide(ch: char) -> bool {
    matches!(ch, '\u{2E80}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FF60}' | '\u{FFE0}'..='\u{FFE6}')
        || ('\u{20000}'..='\u{3FFFF}').contains(&ch)
}

/// The first `count` values of a `DeltaX`/`DeltaY` list: numbers, and `g N d` for `d`
/// repeated `N` times. A malformed list ends where it stops making sense.
fn deltas(list: &str, count: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(count.min(4096));
    let mut tokens = list.split_ascii_whitespace();
    while out.len() < count {
        match tokens.next() {
            Some("g") => {
                let (Some(n), Some(d)) = (
                    tokens.next().and_then(|n| n.parse::<u64>().ok()),
                    tokens.next().and_then(number),
                ) else {
                    break;
                };
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                let take = n.min(count - out.len());
                out.extend(std::iter::repeat_n(d, take));
            }
            Some(token) => match number(token) {
                Some(d) => out.push(d),
                None => break,
            },
            None => break,
        }
    }
    out
}

/// A `PathObject` being read.
struct PathObject {
    place: Placement,
    stroke: bool,
    fill: bool,
}

/// A subpath of straight segments (a curve marks it curved), page space.
#[derive(Default)]
struct Subpath {
    points: Vec<(f32, f32)>,
    closed: bool,
    curved: bool,
}

impl PathObject {
    /// The rules an `AbbreviatedData` draws (y down, points).
    fn rules(&self, data: &str) -> Vec<Rule> {
        let mut rules = Vec::new();
        for sub in self.subpaths(data).iter().filter(|s| !s.curved) {
            if self.stroke {
                let close = (sub.closed && sub.points.len() > 2)
                    .then(|| (sub.points[sub.points.len() - 1], sub.points[0]));
                for (a, b) in sub.points.windows(2).map(|w| (w[0], w[1])).chain(close) {
                    rules.extend(segment_rule(a, b));
                }
            }
            if self.fill {
                rules.extend(thin_box_rule(&sub.points));
            }
        }
        rules
    }

    /// The subpaths of an `AbbreviatedData`, placed.
    fn subpaths(&self, data: &str) -> Vec<Subpath> {
        let tokens = path_tokens(data);
        let mut out: Vec<Subpath> = Vec::new();
        let mut i = 0;
        let mut start = self.place.point((0.0, 0.0));
        // The numbers after an operator, if there are `n` of them.
        let args = |i: usize, n: usize| -> Option<Vec<f32>> {
            tokens
                .get(i + 1..i + 1 + n)?
                .iter()
                .map(|t| match t {
                    PathToken::Number(v) => Some(*v),
                    PathToken::Op(_) => None,
                })
                .collect()
        };
        while i < tokens.len() {
            let PathToken::Op(op) = tokens[i] else {
                i += 1;
                continue;
            };
            let n = match op {
                'S' | 'M' | 'L' => 2,
                'Q' => 4,
                'B' => 6,
                'A' => 7,
                _ => 0,
            };
            let Some(a) = args(i, n) else {
                // Missing operands end the path.
                break;
            };
            match op {
                'S' | 'M' => {
                    start = self.place.point((a[0], a[1]));
                    out.push(Subpath {
                        points: vec![start],
                        ..Subpath::default()
                    });
                }
                'L' => {
                    // A line after a close starts a new subpath where the closed one began.
                    if out.last().is_none_or(|sub| sub.closed) {
                        out.push(Subpath {
                            points: vec![start],
                            ..Subpath::default()
                        });
                    }
                    if let Some(sub) = out.last_mut() {
                        sub.points.push(self.place.point((a[0], a[1])));
                    }
                }
                'Q' | 'B' | 'A' => {
                    if let Some(sub) = out.last_mut() {
                        sub.curved = true;
                    }
                }
                'C' | 'Z' => {
                    if let Some(sub) = out.last_mut() {
                        sub.closed = true;
                    }
                }
                _ => {}
            }
            i += 1 + n;
        }
        out
    }
}

/// A segment as a rule, if it is horizontal or vertical.
fn segment_rule(a: (f32, f32), b: (f32, f32)) -> Option<Rule> {
    let (dx, dy) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
    if dy <= STRAIGHT && dx > STRAIGHT {
        rule(Orientation::Horizontal, (a.1 + b.1) / 2.0, a.0, b.0)
    } else if dx <= STRAIGHT && dy > STRAIGHT {
        rule(Orientation::Vertical, (a.0 + b.0) / 2.0, a.1, b.1)
    } else {
        None
    }
}

/// A filled subpath of straight sides whose box is thin, as a rule along its long side.
fn thin_box_rule(points: &[(f32, f32)]) -> Option<Rule> {
    let straight = points
        .windows(2)
        .all(|w| (w[0].0 - w[1].0).abs() < STRAIGHT || (w[0].1 - w[1].1).abs() < STRAIGHT);
    if points.len() < 2 || !straight {
        return None;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let (w, h) = (x1 - x0, y1 - y0);
    if h < MAX_RULE_THICKNESS && w > h {
        rule(Orientation::Horizontal, (y0 + y1) / 2.0, x0, x1)
    } else if w < MAX_RULE_THICKNESS && h > w {
        rule(Orientation::Vertical, (x0 + x1) / 2.0, y0, y1)
    } else {
        None
    }
}

/// A rule with finite coordinates, `from` before `to`.
fn rule(orientation: Orientation, at: f32, from: f32, to: f32) -> Option<Rule> {
    [at, from, to].iter().all(|v| v.is_finite()).then(|| Rule {
        orientation,
        at,
        from: from.min(to),
        to: from.max(to),
    })
}

/// A token of path data.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PathToken {
    Op(char),
    Number(f32),
}

/// The tokens of path data: operators are letters, possibly run into their first number
/// (`M10 20`); anything else that is no number is skipped.
fn path_tokens(data: &str) -> Vec<PathToken> {
    let mut out = Vec::new();
    for word in data.split_ascii_whitespace() {
        let mut rest = word;
        if let Some(op) = rest.chars().next().filter(char::is_ascii_alphabetic) {
            out.push(PathToken::Op(op));
            rest = &rest[1..];
        }
        if let Some(v) = number(rest) {
            out.push(PathToken::Number(v));
        }
    }
    out
}

/// A finite number.
fn number(text: &str) -> Option<f32> {
    text.parse::<f32>().ok().filter(|v| v.is_finite())
}

/// The finite numbers of a space-separated list (others are skipped).
fn numbers(text: &str) -> Vec<f32> {
    text.split_ascii_whitespace().filter_map(number).collect()
}

/// The width and height of a `PhysicalBox` (`x y w h`), if positive.
fn page_box(text: &str) -> Option<(f32, f32)> {
    match numbers(text)[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 => Some((w, h)),
        _ => None,
    }
}

/// The page with y up from the bottom, as the PDF text layer gives it.
fn flip(mut page: Page, width: f32, height: f32) -> Page {
    page.width = width;
    page.height = height;
    for glyph in &mut page.glyphs {
        glyph.y = height - glyph.y;
    }
    for rule in &mut page.rules {
        match rule.orientation {
            Orientation::Horizontal => rule.at = height - rule.at,
            Orientation::Vertical => {
                (rule.from, rule.to) = (height - rule.to, height - rule.from);
            }
        }
    }
    page
}

/// A path named in `part` (`BaseLoc`, `DocRoot`, …) as an entry of the package: from the root
/// when it starts with `/`, else from `part`'s folder; `.` and `..` are walked.
fn resolve(part: &str, path: &str) -> String {
    let path = path.trim().replace('\\', "/");
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        part.split('/').collect()
    };
    // The referring part's own name.
    if !path.starts_with('/') {
        parts.pop();
    }
    for piece in path.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(piece),
        }
    }
    parts.join("/")
}

/// What [`walk`] hands its visitor.
enum Walk<'e, 'x> {
    /// An element opens (`true`: and closes at once, `<X/>`).
    Open(&'e BytesStart<'x>, bool),
    /// An element closes (its local name).
    Close(&'e [u8]),
    /// Text inside an element (a character run, a resolved reference, or CDATA).
    Text(&'e str),
}

/// Walks the XML events of `part`, local names only, at most `max_xml_depth` deep.
fn walk(
    xml: &[u8],
    part: &str,
    limits: &OfdLimits,
    mut visit: impl FnMut(Walk<'_, '_>) -> Result<(), ReadError>,
) -> Result<(), ReadError> {
    let mut reader = XmlReader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let broken = |e: &dyn std::fmt::Display| {
        ReadError::Broken(format!("the OFD's {part} is not well-formed XML: {e}"))
    };
    let mut depth = 0usize;
    loop {
        match reader.read_event().map_err(|e| broken(&e))? {
            Event::Start(e) => {
                depth += 1;
                if depth > limits.max_xml_depth {
                    return Err(ReadError::OverLimit(format!(
                        "the OFD's {part} nests deeper than {} elements",
                        limits.max_xml_depth
                    )));
                }
                visit(Walk::Open(&e, false))?;
            }
            Event::Empty(e) => {
                visit(Walk::Open(&e, true))?;
                visit(Walk::Close(e.local_name().as_ref()))?;
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                visit(Walk::Close(e.local_name().as_ref()))?;
            }
            Event::Text(t) => visit(Walk::Text(&t.decode().map_err(|e| broken(&e))?))?,
            Event::CData(t) => visit(Walk::Text(&t.decode().map_err(|e| broken(&e))?))?,
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| broken(&e))?;
                visit(Walk::Text(&resolve_reference(&name)))?;
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The text of the first element named `name` (local name) of `part`.
fn first_text_of(
    xml: &[u8],
    name: &[u8],
    part: &str,
    limits: &OfdLimits,
) -> Result<Option<String>, ReadError> {
    let mut inside = false;
    let mut found: Option<String> = None;
    walk(xml, part, limits, |event| {
        match event {
            Walk::Open(e, empty) => {
                inside = !empty && found.is_none() && e.local_name().as_ref() == name
            }
            Walk::Text(text) if inside => found.get_or_insert_with(String::new).push_str(text),
            Walk::Close(_) => inside = false,
            Walk::Text(_) => {}
        }
        Ok(())
    })?;
    Ok(found
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty()))
}

/// An attribute's value (references resolved), by local name.
fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
        })
}

/// A numeric attribute.
fn number_attr(e: &BytesStart, name: &[u8]) -> Option<f32> {
    attr(e, name).and_then(|v| number(v.trim()))
}

/// A boolean attribute (`true`/`false`, `1`/`0`).
fn bool_attr(e: &BytesStart, name: &[u8]) -> Option<bool> {
    match attr(e, name)?.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block;
    use std::io::Write;

    /// An OFD package of `pages` content parts (and one template, `Tpl`), A4, deflated.
    fn package(pages: &[&str], template: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        let mut put = |name: &str, xml: &str| {
            zip.start_file(name, options).unwrap();
            zip.write_all(xml.as_bytes()).unwrap();
        };
        put(
            "OFD.xml",
            "<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:DocBody>\
             <ofd:DocRoot>/Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        );
        let list: String = (0..pages.len())
            .map(|i| format!("<ofd:Page ID=\"{i}\" BaseLoc=\"Pages/Page_{i}/Content.xml\"/>"))
            .collect();
        put(
            "Doc_0/Document.xml",
            &format!(
                "<ofd:Document xmlns:ofd=\"x\"><ofd:CommonData><ofd:PageArea>\
                 <ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>\
                 <ofd:TemplatePage ID=\"9\" BaseLoc=\"./Tpl/../Tpl/Content.xml\"/>\
                 </ofd:CommonData><ofd:Pages>{list}</ofd:Pages></ofd:Document>"
            ),
        );
        put("Doc_0/Tpl/Content.xml", template);
        for (i, page) in pages.iter().enumerate() {
            put(&format!("Doc_0/Pages/Page_{i}/Content.xml"), page);
        }
        zip.finish().unwrap().into_inner()
    }

    /// A page's content with `objects` in one layer, naming template 9.
    fn page(objects: &str) -> String {
        format!(
            "<ofd:Page xmlns:ofd=\"x\"><ofd:Template TemplateID=\"9\"/><ofd:Content>\
             <ofd:Layer ID=\"1\">{objects}</ofd:Layer></ofd:Content></ofd:Page>"
        )
    }

    /// Text at (x, baseline y) mm, 4 mm, one character every 4 mm (`g` syntax).
    fn text(x: f32, y: f32, text: &str) -> String {
        let n = text.chars().count();
        format!(
            "<ofd:TextObject ID=\"2\" Boundary=\"{x} {} 100 5\" Font=\"1\" Size=\"4\">\
             <ofd:TextCode X=\"0\" Y=\"4\" DeltaX=\"g {} 4\">{text}</ofd:TextCode></ofd:TextObject>",
            y - 4.0,
            n.saturating_sub(1)
        )
    }

    /// A stroked line from (x0, y0) to (x1, y1), mm, drawn from a boundary at the first point.
    fn line(x0: f32, y0: f32, x1: f32, y1: f32) -> String {
        format!(
            "<ofd:PathObject ID=\"3\" Boundary=\"{x0} {y0} 1 1\" LineWidth=\"0.3\">\
             <ofd:AbbreviatedData>M 0 0 L {} {}</ofd:AbbreviatedData></ofd:PathObject>",
            x1 - x0,
            y1 - y0
        )
    }

    const NO_TEMPLATE: &str = "<ofd:Page xmlns:ofd=\"x\"><ofd:Content/></ofd:Page>";

    #[test]
    fn delta_lists_expand_their_repeats_only_as_far_as_the_characters_go() {
        assert_eq!(deltas("1 g 3 2.5 4", 10), [1.0, 2.5, 2.5, 2.5, 4.0]);
        assert_eq!(deltas("g 18446744073709551615 1", 3), [1.0; 3]);
        assert_eq!(deltas("1 2 3 4 5", 2), [1.0, 2.0]);
        assert_eq!(deltas("1 g x 2 3", 5), [1.0]);
        assert_eq!(deltas("NaN 1", 5), Vec::<f32>::new());
    }

    #[test]
    fn paths_give_rules_where_stroked_lines_and_thin_filled_boxes_are() {
        let place = Placement {
            origin: (10.0, 20.0),
            ctm: [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        };
        let k = POINTS_PER_MM;
        let stroked = PathObject {
            place,
            stroke: true,
            fill: false,
        };
        // A box (closed: four sides), then a diagonal and a curve that are no rules.
        let rules =
            stroked.rules("M 0 0 L 50 0 L 50 10 L 0 10 C M 0 0 L 5 5 S 0 20 B 1 1 2 2 30 20");
        assert_eq!(rules.len(), 4);
        assert_eq!(rules[0].orientation, Orientation::Horizontal);
        assert!((rules[0].at - 20.0 * k).abs() < 1e-3);
        assert!((rules[0].from - 10.0 * k).abs() < 1e-3 && (rules[0].to - 60.0 * k).abs() < 1e-3);
        assert_eq!(rules[3].orientation, Orientation::Vertical);
        assert!((rules[3].at - 10.0 * k).abs() < 1e-3);
        let filled = PathObject {
            place,
            stroke: false,
            fill: true,
        };
        let rules = filled.rules("M0 0 L 0.2 0 L 0.2 40 L 0 40 C M 0 0 L 30 0 L 30 30 L 0 30 C");
        assert_eq!(rules.len(), 1, "the thick box is no rule");
        assert_eq!(rules[0].orientation, Orientation::Vertical);
        assert!((rules[0].to - rules[0].from - 40.0 * k).abs() < 1e-3);
        // Operands missing or not numbers end the path without a panic.
        assert!(stroked.rules("M 0 0 L 5").is_empty());
        assert!(stroked.rules("L 5 0 A 1").len() == 1);
    }

    #[test]
    fn paths_resolve_against_the_part_that_names_them() {
        assert_eq!(
            resolve("OFD.xml", "Doc_0/Document.xml"),
            "Doc_0/Document.xml"
        );
        assert_eq!(
            resolve("Doc_0/Document.xml", "Pages/Page_0/Content.xml"),
            "Doc_0/Pages/Page_0/Content.xml"
        );
        assert_eq!(
            resolve("Doc_0/Document.xml", "/Doc_0/Res.xml"),
            "Doc_0/Res.xml"
        );
        assert_eq!(resolve("Doc_0/Document.xml", "../../../etc/x"), "etc/x");
        assert_eq!(
            resolve("Doc_0/Document.xml", ".\\Tpl\\C.xml"),
            "Doc_0/Tpl/C.xml"
        );
    }

    #[test]
    fn a_ruled_table_on_an_ofd_page_becomes_a_grid_through_the_pdf_layout() {
        // Rows at 30-40-50 mm, columns at 20-80-120 mm; the caption row is one cell.
        let mut objects = text(20.0, 20.0, "二、主动公开政府信息情况");
        for y in [30.0, 40.0, 50.0] {
            objects += &line(20.0, y, 120.0, y);
        }
        objects += &line(20.0, 30.0, 20.0, 50.0);
        objects += &line(120.0, 30.0, 120.0, 50.0);
        objects += &line(80.0, 40.0, 80.0, 50.0);
        objects += &text(40.0, 37.0, "第二十条第（一）项");
        objects += &text(22.0, 47.0, "规章");
        // Through a CTM that doubles: the number lands at x 90 mm, 4 mm tall.
        objects +=
            "<ofd:TextObject ID=\"4\" Boundary=\"80 43 40 5\" Size=\"2\" CTM=\"2 0 0 2 0 0\">\
                    <ofd:TextCode X=\"5\" Y=\"2\" DeltaX=\"1\">12</ofd:TextCode></ofd:TextObject>";
        let template = page(&text(20.0, 290.0, "第一页"));
        let bytes = package(&[&page(&objects)], &template);
        let doc = read_with(&bytes, &OfdLimits::default(), &ReadLimits::default()).unwrap();
        assert_eq!(
            doc.blocks[0],
            Block::Paragraph("二、主动公开政府信息情况".into())
        );
        let Block::Table(grid) = &doc.blocks[1] else {
            panic!("{:?}", doc.blocks);
        };
        assert_eq!(
            grid.texts(),
            vec![vec!["第二十条第（一）项"; 2], vec!["规章", "12"]]
        );
        assert_eq!(doc.blocks[2], Block::Paragraph("第一页".into()));
        assert_eq!(doc.blocks.len(), 3);
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    }

    #[test]
    fn broken_and_oversized_packages_are_errors_that_say_so() {
        let read = |bytes: &[u8], limits: &OfdLimits| {
            read_with(bytes, limits, &ReadLimits::default())
                .unwrap_err()
                .to_string()
        };
        let limits = OfdLimits::default();
        let images = page("<ofd:ImageObject ID=\"5\" Boundary=\"0 0 210 297\" ResourceID=\"6\"/>");
        assert!(read(&package(&[&images], NO_TEMPLATE), &limits)
            .contains("show no text (1 pages, 1 images)"));
        let broken = page(&text(20.0, 20.0, "一二三")).replace("</ofd:Page>", "</ofd:Page");
        assert!(read(&package(&[&broken], NO_TEMPLATE), &limits)
            .contains("Doc_0/Pages/Page_0/Content.xml is not well-formed XML"));
        let deep = page(&format!(
            "{}{}{}",
            "<ofd:PageBlock>".repeat(300),
            text(20.0, 20.0, "一二三"),
            "</ofd:PageBlock>".repeat(300)
        ));
        assert!(read(&package(&[&deep], NO_TEMPLATE), &limits)
            .contains("nests deeper than 256 elements"));
        let small = OfdLimits {
            max_glyphs: 5,
            max_pages: 1,
            ..OfdLimits::default()
        };
        let six = page(&text(20.0, 20.0, "一二三四五六"));
        assert!(read(&package(&[&six], NO_TEMPLATE), &small).contains("more than 5 characters"));
        let five = page(&text(20.0, 20.0, "一二三四五"));
        assert!(
            read(&package(&[&five], &page(&text(0.0, 5.0, "页"))), &small)
                .contains("more than 5 characters")
        );
        // A template is charged once per page that shows it: 5 + 1 + 5 + 1 characters.
        let twelve = OfdLimits {
            max_glyphs: 12,
            ..OfdLimits::default()
        };
        let template = page(&text(0.0, 5.0, "页"));
        let doc = read_with(
            &package(&[&five, &five], &template),
            &twelve,
            &ReadLimits::default(),
        )
        .unwrap();
        let shown: String = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => p.as_str(),
                Block::Table(_) => "",
            })
            .collect();
        assert_eq!(shown, "页一二三四五页一二三四五");
        let eleven = OfdLimits {
            max_glyphs: 11,
            ..OfdLimits::default()
        };
        assert!(
            read(&package(&[&five, &five], &template), &eleven).contains("more than 11 characters")
        );
        assert!(read(&package(&[&five, &five], NO_TEMPLATE), &small)
            .contains("2 pages, more than the limit 1"));
        let one_part = OfdLimits {
            max_total_bytes: 600,
            ..OfdLimits::default()
        };
        let err = read(&package(&[&five, &five], NO_TEMPLATE), &one_part);
        assert!(err.contains("the limit 600 bytes in all"), "{err}");
    }
}
