//! nianbao-pdf: a PDF text layer with positions, bounded whatever the input.
//!
//! [`read`] turns a PDF into [`Page`]s of [`Glyph`]s (Unicode text, position and size in page
//! space, font) and ruling lines ([`Rule`]), with the images counted, and the document's
//! fonts ([`FontInfo`]) with how many of their glyphs nothing could decode. A caller tells a
//! scan (pages without glyphs) from an undecodable font (its glyphs not [`Glyph::mapped`]);
//! [`page_images`] hands out a scan's page images ([`PageImage`]) for OCR.
//!
//! # Design
//!
//! 1. **Objects** come from [`hayro_syntax`] 0.9 (MIT OR Apache-2.0; it needs Rust 1.92).
//!    The candidates compared:
//!    - *licence*: all three are clearly licensed (lopdf 0.47 MIT, pdf 0.10 MIT, hayro-syntax
//!      MIT/Apache-2.0);
//!    - *maintenance*: lopdf and hayro-syntax are actively released; pdf (pdf-rs) sees fewer
//!      releases;
//!    - *robustness*: hayro-syntax is written not to panic and is fuzzed, bounds object
//!      nesting (512), walks the page tree without recursion and repairs broken
//!      cross-reference tables; the old reader (pdf-extract on lopdf) panicked on predefined
//!      CJK CMaps and needed a thread with a 64 MB stack against deep nesting;
//!    - *size and speed*: hayro-syntax parses lazily (only the objects the pages need) and
//!      depends on smallvec and rustc-hash; lopdf loads every object up front and pulls in nom,
//!      crypto and rand crates. With it, a whole corpus report (text layer, tables,
//!      alignment, checks) takes 2–9 ms on one core in release builds, `pdftotext -layout`
//!      16–37 ms (a process per file) on the same files (`crates/extract/benches/extract.rs`);
//!    - *who decodes streams* (what decides it): hayro-syntax hands out a stream's raw bytes
//!      and its filter list, so **this crate decodes every stream it reads itself**
//!      (`filters`), under one byte budget. Object streams and cross-reference streams are
//!      inflated inside the parser, without a cap: they are measured through the same budget
//!      before the parser sees the file (`parser_streams`).
//! 2. **Streams** are decoded by `filters`: Flate, LZW, ASCII85, ASCIIHex and RunLength,
//!    in any chain, each stage charged against [`PdfLimits::max_decoded_bytes`] as it writes.
//! 3. **Fonts** (`font`, `cmap`, `encoding`): codes are split by the font's codespace;
//!    text comes from `/ToUnicode`, then the predefined CJK CMap (Unicode and GB encodings
//!    decode from the code itself), then the embedded TrueType `cmap` inverted, then the
//!    Adobe-GB1 CID → Unicode table (`data/`, from Adobe's cmap-resources via pdfminer.six),
//!    then the simple font's `/Encoding` and `/Differences` glyph names; widths from `/W` +
//!    `/DW` or `/Widths`.
//! 4. **Content** (`content`): a content-stream interpreter tracks the CTM and the text
//!    state and places every glyph with the [`Direction`] its text runs; stroked
//!    horizontal/vertical segments and thin filled rectangles become rules; form XObjects are
//!    followed to a bounded depth. The page starts turned by its `/Rotate`; when most of
//!    its glyphs still do not run left to right (a landscape table drawn turned), glyphs and
//!    rules are turned by quarters until they do: a [`Page`] is in its reading frame.
//! 5. **Images** (`image`, only through [`page_images`], so reading text does not pay for
//!    them): where the interpreter meets `Do` on an image XObject it hands out a
//!    [`PageImage`] — size, bits per component, [`ColorSpace`], where it is drawn, and its
//!    data: the samples decoded by `filters` through the same byte budget with TIFF/PNG
//!    predictors undone ([`ImageData::Raw`]), a DCT or JPX image's JPEG or JPEG 2000 bytes
//!    ([`ImageData::Jpeg`], [`ImageData::Jpx`]), or a bi-level image's code with how it is coded
//!    ([`ImageData::Fax`], [`ImageData::Jbig2`]); an image past [`PdfLimits::max_image_pixels`] is refused before
//!    it decodes. This is what the OCR of scanned PDFs reads (`nianbao-extract`'s `ocr`
//!    feature), so the project has one PDF parser and every decoded byte is capped.
//!
//! Limits ([`PdfLimits`]): decoded bytes, pages, operators, glyphs, rules, form depth, image
//! pixels; object nesting is bounded at the parser's own 512 levels (checked before
//! parsing). Past one, [`read`] or [`page_images`] fails with a typed [`PdfError`].
#![deny(missing_docs)]

mod cmap;
mod content;
mod encoding;
mod filters;
mod font;
mod gb1;
mod image;
mod parser_streams;

/// A tiny PDF writer for tests (ours and the extractor's): not part of the reading API.
#[doc(hidden)]
pub mod testing {
    /// A PDF of `objects` (numbered from 1; the first is the catalog) with a cross-reference
    /// table.
    pub fn write_pdf(objects: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend(body);
            out.extend(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
        for offset in offsets {
            out.extend(format!("{offset:010} 00000 n \n").as_bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }
}

use hayro_syntax::page::Rotation;
use hayro_syntax::{LoadPdfError, Pdf};

use crate::content::{Fonts, Interpreter};
use crate::filters::Budget;
pub use crate::image::{ColorSpace, FaxCoding, ImageData, PageImage};

/// Limits on what reading a PDF may spend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfLimits {
    /// Bytes all the streams read may decode to, together (every stage of a chain counts).
    pub max_decoded_bytes: u64,
    /// Pages of a document.
    pub max_pages: usize,
    /// Content-stream operators run, over all pages.
    pub max_operators: u64,
    /// Glyphs kept, over all pages (about 100 bytes each).
    pub max_glyphs: u64,
    /// Rules kept, over all pages (16 bytes each; more are dropped and counted in
    /// [`Page::dropped_rules`]).
    pub max_rules: usize,
    /// Form XObjects nested in one another.
    pub max_form_depth: usize,
    /// Pixels (width × height) of one image handed out by [`page_images`] (a 600 dpi A3
    /// page is 70 million).
    pub max_image_pixels: u64,
}

impl Default for PdfLimits {
    fn default() -> Self {
        PdfLimits {
            max_decoded_bytes: 256 << 20,
            max_pages: 5_000,
            max_operators: 50_000_000,
            max_glyphs: 1_000_000,
            max_rules: 1_000_000,
            max_form_depth: 16,
            max_image_pixels: 100_000_000,
        }
    }
}

/// Why a PDF could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// The PDF is encrypted with a password (or an encryption this parser does not do).
    #[error("the PDF is encrypted")]
    Encrypted,
    /// The file is not a PDF the parser can make sense of.
    #[error("the PDF's structure is broken")]
    Broken,
    /// The streams decode to more than the limit.
    #[error("the PDF's streams decode to more than {limit} bytes (a PDF bomb?)")]
    TooManyBytes {
        /// [`PdfLimits::max_decoded_bytes`].
        limit: u64,
    },
    /// Too many pages.
    #[error("the PDF has {pages} pages, more than the limit of {limit}")]
    TooManyPages {
        /// Pages of the document.
        pages: usize,
        /// [`PdfLimits::max_pages`].
        limit: usize,
    },
    /// Too many content-stream operators.
    #[error("the PDF's pages have more than {limit} drawing operators")]
    TooManyOperators {
        /// [`PdfLimits::max_operators`].
        limit: u64,
    },
    /// Too many glyphs.
    #[error("the PDF shows more than {limit} characters")]
    TooManyGlyphs {
        /// [`PdfLimits::max_glyphs`].
        limit: u64,
    },
    /// Arrays and dictionaries nest deeper than the parser follows.
    #[error("the PDF nests objects deeper than {limit} levels")]
    NestedTooDeep {
        /// The parser's nesting limit.
        limit: usize,
    },
    /// An image has more pixels than the limit.
    #[error("the PDF has an image of {pixels} pixels, more than the limit of {limit}")]
    TooManyPixels {
        /// Its width × height.
        pixels: u64,
        /// [`PdfLimits::max_image_pixels`].
        limit: u64,
    },
    /// Form XObjects nest deeper than the limit (or call themselves).
    #[error("the PDF nests drawings (form XObjects) deeper than {limit} levels")]
    TooDeep {
        /// [`PdfLimits::max_form_depth`].
        limit: usize,
    },
}

/// Which way text runs on the page (the direction of a glyph's advance), in the page's
/// reading frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Rightwards: upright text (the page's main direction).
    #[default]
    LeftToRight,
    /// Downwards: text turned a quarter clockwise, or a vertical font's column.
    TopToBottom,
    /// Leftwards: text upside down.
    RightToLeft,
    /// Upwards: text turned a quarter anticlockwise.
    BottomToTop,
}

impl Direction {
    /// The direction after the page is turned a quarter clockwise `quarters` times.
    fn turned(self, quarters: u8) -> Direction {
        const ORDER: [Direction; 4] = [
            Direction::LeftToRight,
            Direction::TopToBottom,
            Direction::RightToLeft,
            Direction::BottomToTop,
        ];
        let at = ORDER.iter().position(|&d| d == self).unwrap_or(0);
        ORDER[(at + quarters as usize) % 4]
    }
}

/// One shown glyph.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Its Unicode text (usually one character; U+FFFD when not [`Glyph::mapped`]).
    pub text: String,
    /// The origin's x in page space (points from the left of the crop box).
    pub x: f32,
    /// The baseline's y in page space (points up from the bottom of the crop box).
    pub y: f32,
    /// The advance width in page space (without character and word spacing), along its
    /// [`Glyph::direction`].
    pub width: f32,
    /// The font size in page space.
    pub size: f32,
    /// The font's index in [`PdfText::fonts`].
    pub font: usize,
    /// Whether anything (ToUnicode, CMap, font program, encoding) decoded the code.
    pub mapped: bool,
    /// Which way its text runs: [`Direction::LeftToRight`] unless the text is turned against
    /// the page's main direction (a rotated header cell).
    pub direction: Direction,
}

/// Whether a rule runs along x or along y.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// Along x: `at` is its y.
    Horizontal,
    /// Along y: `at` is its x.
    Vertical,
}

/// A ruling line in page space: a stroked horizontal or vertical segment, or a filled
/// rectangle thinner than 2 points along its long side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Horizontal or vertical.
    pub orientation: Orientation,
    /// y of a horizontal rule, x of a vertical one.
    pub at: f32,
    /// Where it starts along its direction (the smaller coordinate).
    pub from: f32,
    /// Where it ends (the larger coordinate).
    pub to: f32,
}

/// One page, in its upright reading frame: turned by its `/Rotate`, then by quarters until
/// most of its glyphs run left to right (a landscape table printed turned on a portrait
/// page). Glyphs and rules are in that frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// Width of the crop box in the reading frame, points.
    pub width: f32,
    /// Height of the crop box in the reading frame, points.
    pub height: f32,
    /// The glyphs in content order (whitespace glyphs are left out).
    pub glyphs: Vec<Glyph>,
    /// The ruling lines.
    pub rules: Vec<Rule>,
    /// Ruling lines left out past [`PdfLimits::max_rules`].
    pub dropped_rules: usize,
    /// Images shown (image XObjects and inline images).
    pub images: usize,
}

/// A font of the document and what it showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontInfo {
    /// `/BaseFont` without its subset tag, or the resource name and subtype.
    pub name: String,
    /// Glyphs shown with it (whitespace included).
    pub glyphs: usize,
    /// Of those, glyphs nothing decoded.
    pub unmapped: usize,
}

/// A document's text layer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PdfText {
    /// The pages in order.
    pub pages: Vec<Page>,
    /// The fonts used, as indexed by [`Glyph::font`].
    pub fonts: Vec<FontInfo>,
}

/// Reads the text layer and rules of every page of a PDF, within `limits`.
pub fn read(bytes: &[u8], limits: &PdfLimits) -> Result<PdfText, PdfError> {
    interpret(bytes, limits, None).map(|(text, _)| text)
}

/// The images drawn on each of the first `first_pages` pages of a PDF (image XObjects, in
/// the order drawn, forms followed), within `limits`: every image's data is decoded through
/// the same byte budget as the text (a JPEG is handed out undecoded), and an image of more
/// than [`PdfLimits::max_image_pixels`] fails the read. Inline images are not handed out.
pub fn page_images(
    bytes: &[u8],
    limits: &PdfLimits,
    first_pages: usize,
) -> Result<Vec<Vec<PageImage>>, PdfError> {
    interpret(bytes, limits, Some(first_pages)).map(|(_, images)| images)
}

/// Runs the pages (the first `images_of` of them, collecting their images, when it is given).
fn interpret(
    bytes: &[u8],
    limits: &PdfLimits,
    images_of: Option<usize>,
) -> Result<(PdfText, Vec<Vec<PageImage>>), PdfError> {
    let mut budget = Budget::new(limits.max_decoded_bytes);
    parser_streams::measure(bytes, &mut budget)?;
    let pdf = Pdf::new(bytes.to_vec()).map_err(|e| match e {
        LoadPdfError::Decryption(_) => PdfError::Encrypted,
        LoadPdfError::Invalid => PdfError::Broken,
    })?;
    let pages = pdf.pages();
    if pages.len() > limits.max_pages {
        return Err(PdfError::TooManyPages {
            pages: pages.len(),
            limit: limits.max_pages,
        });
    }
    let mut fonts = Fonts::default();
    let mut counts = content::Counts::default();
    let mut out = Vec::with_capacity(pages.len());
    let mut images = Vec::new();
    for page in pages.iter().take(images_of.unwrap_or(usize::MAX)) {
        let crop = page.intersected_crop_box();
        let (width, height) = ((crop.x1 - crop.x0) as f32, (crop.y1 - crop.y0) as f32);
        let quarters = match page.rotation() {
            Rotation::None => 0,
            Rotation::Horizontal => 1,
            Rotation::Flipped => 2,
            Rotation::FlippedHorizontal => 3,
        };
        let turn = content::quarter_turns(quarters, width, height);
        let (width, height) = if quarters % 2 == 1 {
            (height, width)
        } else {
            (width, height)
        };
        let blank = Page {
            width,
            height,
            ..Page::default()
        };
        let mut content = Vec::new();
        for stream in content_streams(page.raw()) {
            if let Some(bytes) = filters::decode_stream(&stream, &mut budget)? {
                content.extend_from_slice(&bytes);
                content.push(b'\n');
            }
        }
        let mut interpreter = Interpreter::new(limits, &mut budget, &mut fonts, &mut counts, blank);
        if images_of.is_some() {
            interpreter.images = Some(Vec::new());
        }
        let shift = [1.0, 0.0, 0.0, 1.0, -crop.x0 as f32, -crop.y0 as f32];
        interpreter.run(&content, page.resources(), content::mul(&shift, &turn), 0)?;
        images.push(interpreter.images.take().unwrap_or_default());
        let mut page = interpreter.page;
        content::turn_upright(&mut page);
        out.push(page);
    }
    let text = PdfText {
        pages: out,
        fonts: fonts.info,
    };
    Ok((text, images))
}

/// A page's `/Contents`: one stream or an array of them.
fn content_streams<'a>(
    page: &hayro_syntax::object::Dict<'a>,
) -> Vec<hayro_syntax::object::Stream<'a>> {
    use hayro_syntax::object::{Array, Stream};
    if let Some(stream) = page.get::<Stream<'a>>(b"Contents") {
        return vec![stream];
    }
    page.get::<Array<'a>>(b"Contents")
        .map(|a| a.iter::<Stream<'a>>().collect())
        .unwrap_or_default()
}
