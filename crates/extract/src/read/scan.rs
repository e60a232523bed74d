//! Scanned pages → [`Document`], by OCR (the `ocr` feature): a PNG or JPEG image is decoded to
//! gray, and [`nianbao_ocr`] finds its ruled tables and recognises their cells. Each table
//! becomes a grid whose cells keep their recognition confidence; each line of text outside the
//! tables a paragraph.
//!
//! Scanned PDFs: an image-only page holds its scan as one image XObject; handing those images
//! to [`read_scanned_pages`] is left to the PDF reader (`nianbao-pdf`).

use std::cell::RefCell;

use nianbao_ocr::{read_page, Engine, GrayImage, OcrError, PageBlock, Table};

use crate::document::{Block, Document, Grid, GridCell, ReadLimits};

/// The resolution assumed for an image that declares none: an A4 page's width is 8.27 inches.
const A4_WIDTH_INCHES: f64 = 8.27;

thread_local! {
    /// One engine a thread: loading Tesseract's models costs more than reading a page.
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// A decoded image and its resolution.
#[derive(Debug)]
pub struct ScannedPage {
    /// The page, in gray.
    pub image: GrayImage,
    /// Its resolution in dots per inch.
    pub ppi: u32,
}

/// Why an image could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The OCR failed (engine missing, a limit, a bad image).
    #[error(transparent)]
    Ocr(#[from] OcrError),
    /// The image bytes do not decode.
    #[error("the image does not decode: {0}")]
    Decode(String),
}

/// Decodes a PNG or JPEG image to gray.
pub fn decode_image(bytes: &[u8]) -> Result<ScannedPage, ScanError> {
    if bytes.starts_with(b"\x89PNG") {
        decode_png(bytes)
    } else {
        decode_jpeg(bytes)
    }
}

fn bad(e: impl std::fmt::Display) -> ScanError {
    ScanError::Decode(e.to_string())
}

/// The gray level of RGB (ITU-R BT.601 weights).
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000) as u8
}

fn gray_image(width: usize, height: usize, pixels: Vec<u8>) -> Result<GrayImage, ScanError> {
    GrayImage::new(width, height, pixels).ok_or_else(|| bad("pixel count differs from the size"))
}

fn assumed_ppi(width: usize, height: usize) -> u32 {
    (width.min(height) as f64 / A4_WIDTH_INCHES).round() as u32
}

fn decode_png(bytes: &[u8]) -> Result<ScannedPage, ScanError> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(bad)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| bad("too large"))?;
    let mut buffer = vec![0; size];
    let info = reader.next_frame(&mut buffer).map_err(bad)?;
    let (width, height) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    let pixels: Vec<u8> = buffer[..info.buffer_size()]
        .chunks(info.line_size)
        .flat_map(|line| line.chunks(channels).take(width))
        .map(|px| match px {
            [g] | [g, _] => *g,
            [r, g, b] | [r, g, b, _] => luma(*r, *g, *b),
            _ => 255,
        })
        .collect();
    let ppi = reader
        .info()
        .pixel_dims
        .filter(|d| d.unit == png::Unit::Meter && d.xppu > 0)
        .map(|d| (f64::from(d.xppu) * 0.0254).round() as u32)
        .unwrap_or_else(|| assumed_ppi(width, height));
    Ok(ScannedPage {
        image: gray_image(width, height, pixels)?,
        ppi,
    })
}

fn decode_jpeg(bytes: &[u8]) -> Result<ScannedPage, ScanError> {
    use zune_jpeg::zune_core::bytestream::ZCursor;
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;
    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::Luma);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    let pixels = decoder.decode().map_err(bad)?;
    let (width, height) = decoder.dimensions().ok_or_else(|| bad("no size"))?;
    Ok(ScannedPage {
        image: gray_image(width, height, pixels)?,
        ppi: assumed_ppi(width, height),
    })
}

/// Reads scanned pages, in order, into one document within `limits`.
pub fn read_scanned_pages(
    pages: &[ScannedPage],
    limits: &ReadLimits,
) -> Result<Document, ScanError> {
    ENGINE.with(|slot| {
        let mut slot = slot.borrow_mut();
        let engine = match slot.as_mut() {
            Some(engine) => engine,
            None => slot.insert(Engine::open()?),
        };
        let mut document = Document::default();
        let mut cells_left = limits.max_cells;
        for page in pages {
            let read = read_page(engine, &page.image, page.ppi, &nianbao_ocr::Limits::default())?;
            for block in read.blocks {
                match block {
                    PageBlock::Line(line) => document.blocks.push(Block::Paragraph(line.text)),
                    PageBlock::Table(table) => {
                        let positions = table.rows.len() * table.columns;
                        if positions > cells_left {
                            document.warnings.push(format!(
                                "a scanned table of {positions} cells is past the limit of {} cells: not read",
                                limits.max_cells
                            ));
                            continue;
                        }
                        cells_left -= positions;
                        document.blocks.push(Block::Table(grid(&table)));
                    }
                }
            }
        }
        Ok(document)
    })
}

/// Reads one scanned page (the unit a PDF reader hands over: the image of an image-only page).
pub fn read_scanned_page(page: &ScannedPage) -> Result<Document, ScanError> {
    read_scanned_pages(std::slice::from_ref(page), &ReadLimits::default())
}

/// The grid of a table read by OCR: every lattice position, a spanned cell's text and
/// confidence at each position it covers.
fn grid(table: &Table) -> Grid {
    let filler = |r, c| GridCell {
        text: String::new(),
        origin: (r, c),
        filler: true,
        confidence: None,
    };
    let mut rows: Vec<Vec<GridCell>> = (0..table.rows.len())
        .map(|r| (0..table.columns).map(|c| filler(r, c)).collect())
        .collect();
    for cell in table.rows.iter().flatten() {
        let covered = rows.iter_mut().skip(cell.row).take(cell.row_span);
        for position in covered.flat_map(|r| r.iter_mut().skip(cell.col).take(cell.col_span)) {
            *position = GridCell {
                text: cell.text.clone(),
                origin: (cell.row, cell.col),
                filler: false,
                confidence: Some(cell.confidence),
            };
        }
    }
    Grid { rows }
}
