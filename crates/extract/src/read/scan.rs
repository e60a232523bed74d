//! Scanned pages → [`Document`], by OCR (the `ocr` feature): a PNG or JPEG image is decoded to
//! gray, and [`nianbao_ocr`] finds its ruled tables and recognises their cells. Each table
//! becomes a grid whose cells keep their recognition confidence; each line of text outside the
//! tables a paragraph.
//!
//! Scanned PDFs: a PDF without a text layer whose pages each hold their scan as an image
//! XObject (8-bit gray or RGB, Flate or DCT) is read from those images ([`scanned_pdf_pages`],
//! through lopdf, the parser pdf-extract uses). When the PDF reader moves to `nianbao-pdf`, that
//! crate should hand its page images to [`read_scanned_pages`] instead.

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

/// The most pages of a scanned PDF read; the rest are not (a warning says so).
pub const MAX_SCANNED_PAGES: usize = 200;

/// The scan of each page of an image-only PDF, in page order: its largest image XObject.
/// Pages without one are skipped; an empty list means the PDF holds no scan.
pub fn scanned_pdf_pages(bytes: &[u8]) -> Result<Vec<ScannedPage>, ScanError> {
    // lopdf may panic on hostile input, as pdf.rs guards too.
    std::panic::catch_unwind(|| pdf_page_images(bytes))
        .unwrap_or_else(|_| Err(bad("the PDF's images cannot be parsed")))
}

fn pdf_page_images(bytes: &[u8]) -> Result<Vec<ScannedPage>, ScanError> {
    use std::io::Read as _;
    let document = lopdf::Document::load_mem(bytes).map_err(bad)?;
    let mut pages = Vec::new();
    for (_, page) in document.get_pages().into_iter().take(MAX_SCANNED_PAGES) {
        let Ok(images) = document.get_page_images(page) else {
            continue;
        };
        let Some(image) = images.into_iter().max_by_key(|i| i.width * i.height) else {
            continue;
        };
        let (width, height) = (image.width.max(0) as usize, image.height.max(0) as usize);
        let pixels = width.saturating_mul(height);
        let limit = nianbao_ocr::Limits::default().max_pixels;
        if pixels > limit {
            return Err(OcrError::OverLimit {
                what: "pixels",
                size: pixels,
                limit,
            }
            .into());
        }
        let filters = image.filters.unwrap_or_default();
        if filters.iter().any(|f| f == "DCTDecode") {
            pages.push(decode_jpeg(image.content)?);
            continue;
        }
        let channels = match image.color_space.as_deref() {
            Some("DeviceGray") => 1,
            Some("DeviceRGB") => 3,
            other => return Err(bad(format!("a scan in the colour space {other:?}"))),
        };
        let predictor = image
            .origin_dict
            .get(b"DecodeParms")
            .and_then(|p| p.as_dict())
            .and_then(|p| p.get(b"Predictor"))
            .and_then(|p| p.as_i64())
            .unwrap_or(1);
        let png_rows = predictor >= 10;
        if image.bits_per_component != Some(8)
            || !(predictor == 1 || png_rows)
            || filters.iter().any(|f| f != "FlateDecode")
        {
            return Err(bad(
                "a scan in an encoding not read (only 8-bit Flate, plain or with PNG predictors, or DCT)",
            ));
        }
        let row = width * channels;
        let expected = (row + usize::from(png_rows)) * height;
        let mut raw = Vec::with_capacity(expected);
        if filters.is_empty() {
            raw.extend_from_slice(&image.content[..expected.min(image.content.len())]);
        } else {
            flate2::read::ZlibDecoder::new(image.content)
                .take(expected as u64)
                .read_to_end(&mut raw)
                .map_err(bad)?;
        }
        if raw.len() < expected {
            return Err(bad("a page image shorter than its size"));
        }
        if png_rows {
            raw = unfilter_png_rows(&raw, row, channels)?;
        }
        let gray = if channels == 1 {
            raw
        } else {
            raw.chunks(3).map(|p| luma(p[0], p[1], p[2])).collect()
        };
        // The resolution from the page's width in points, when the page declares it.
        let ppi = document
            .get_dictionary(page)
            .ok()
            .and_then(|d| d.get(b"MediaBox").ok())
            .and_then(|b| b.as_array().ok())
            .and_then(|b| Some(b.get(2)?.as_float().ok()? - b.first()?.as_float().ok()?))
            .filter(|points| *points > 72.0)
            .map_or_else(
                || assumed_ppi(width, height),
                |points| (width as f64 / (f64::from(points) / 72.0)).round() as u32,
            );
        pages.push(ScannedPage {
            image: gray_image(width, height, gray)?,
            ppi,
        });
    }
    Ok(pages)
}

/// Undoes PNG row filters (PDF predictors 10–15): each row is a filter byte and `row` bytes of
/// `bpp`-byte pixels.
fn unfilter_png_rows(raw: &[u8], row: usize, bpp: usize) -> Result<Vec<u8>, ScanError> {
    let mut out: Vec<u8> = Vec::with_capacity(raw.len() / (row + 1) * row);
    for (r, line) in raw.chunks_exact(row + 1).enumerate() {
        let start = out.len();
        for (i, &x) in line[1..].iter().enumerate() {
            let a = if i >= bpp { out[start + i - bpp] } else { 0 };
            let b = if r > 0 { out[start - row + i] } else { 0 };
            let c = if r > 0 && i >= bpp {
                out[start - row + i - bpp]
            } else {
                0
            };
            let predicted = match line[0] {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                other => return Err(bad(format!("PNG row filter {other}"))),
            };
            out.push(x.wrapping_add(predicted));
        }
    }
    Ok(out)
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
