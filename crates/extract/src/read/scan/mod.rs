//! Scanned pages → [`Document`], by OCR (the `ocr` feature): a PNG or JPEG image is decoded to
//! gray, and [`nianbao_ocr`] finds its ruled tables and recognises their cells. Each table
//! becomes a grid whose cells keep their recognition confidence; each line of text outside the
//! tables a paragraph.
//!
//! Scanned PDFs: a PDF without a text layer whose pages each hold their scan as an image
//! XObject is read from those images ([`scanned_pdf_pages`]): `nianbao-pdf` — the one PDF
//! parser of the project — hands out each page's images ([`nianbao_pdf::page_images`]), their
//! samples decoded under its byte budget (Flate and the other lossless filters, predictors
//! undone), or a DCT image's JPEG bytes and a JPX image's JPEG 2000 bytes, decoded here with
//! zune-jpeg and hayro-jpeg2000, or a bi-level image's coded bytes (CCITT fax, JBIG2), decoded
//! in [`bilevel`]. The largest image of a page is its
//! scan (gray, RGB or CMYK, 1 to 16 bits a component, or bi-level), its resolution from the
//! size it is drawn at; at most [`MAX_SCANNED_PAGES`] pages are read.

mod bilevel;

use std::cell::RefCell;

use nianbao_ocr::{read_page, Engine, GrayImage, OcrError, PageBlock, Table};
use nianbao_pdf::{ColorSpace, ImageData, PageImage, PdfError, PdfLimits};

use crate::document::{Block, Document, Grid, GridCell, ReadLimits};

/// The resolution assumed for an image that declares none: an A4 page's width is 8.27 inches.
const A4_WIDTH_INCHES: f64 = 8.27;

thread_local! {
    /// One engine a thread: loading Tesseract's models costs more than reading a page.
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// Drops this thread's OCR engine and its models, if it has one: a pool's threads call it when
/// their work is done, so that Tesseract does not find its models still held when the process
/// exits (it prints a warning for each).
pub fn release_engine() {
    ENGINE.with(|slot| slot.borrow_mut().take());
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
    /// A scanned PDF's page images could not be read (a limit, most often).
    #[error("the PDF's page images could not be read: {0}")]
    Pdf(#[from] PdfError),
}

/// Decodes a PNG, JPEG or JBIG2 (a file, as an OFD stores it) image to gray.
pub fn decode_image(bytes: &[u8]) -> Result<ScannedPage, ScanError> {
    if bytes.starts_with(b"\x89PNG") {
        decode_png(bytes)
    } else if bytes.starts_with(b"\xFF\xD8") {
        decode_jpeg(bytes)
    } else if bytes.starts_with(b"\x97JB2\r\n\x1A\n") {
        let image = bilevel::jbig2_file(bytes)?;
        let ppi = assumed_ppi(image.width, image.height);
        Ok(ScannedPage { image, ppi })
    } else {
        Err(bad(
            "a scan in an image format not read (read are PNG, JPEG and JBIG2)",
        ))
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

/// Fails when an image of `width` × `height` pixels is more than the OCR reads (checked before
/// a codec decodes it).
fn within_limit(width: usize, height: usize) -> Result<(), ScanError> {
    let limit = nianbao_ocr::Limits::default().max_pixels;
    match width.checked_mul(height) {
        Some(pixels) if pixels <= limit => Ok(()),
        pixels => Err(ScanError::Ocr(OcrError::OverLimit {
            what: "pixels",
            size: pixels.unwrap_or(usize::MAX),
            limit,
        })),
    }
}

/// Decodes a JPEG 2000 image (a JP2 file or a bare codestream) to gray. Its colour space
/// (gray, RGB or CMYK) is known, and its samples (pixels × channels, which the decoder holds
/// as 4-byte numbers) within the OCR's pixel limit, before it decodes.
fn decode_jpx(bytes: &[u8]) -> Result<GrayImage, ScanError> {
    use hayro_jpeg2000::ColorSpace as Jpx;
    let not_read =
        |e: hayro_jpeg2000::DecodeError| bad(format!("the JPEG 2000 scan does not decode: {e}"));
    let image = hayro_jpeg2000::Image::new(bytes, &hayro_jpeg2000::DecodeSettings::default())
        .map_err(not_read)?;
    let space = image.color_space();
    let color = match space {
        Jpx::Unknown { .. } => ColorSpace::Other,
        _ => match space.num_channels() {
            1 => ColorSpace::Gray,
            3 => ColorSpace::Rgb,
            4 => ColorSpace::Cmyk,
            _ => ColorSpace::Other,
        },
    };
    let colors = color.components().ok_or_else(|| {
        bad(format!(
            "a JPEG 2000 scan of {} channels (read are gray, RGB and CMYK)",
            space.num_channels()
        ))
    })?;
    let alpha = image.has_alpha();
    let (width, height) = (image.width() as usize, image.height() as usize);
    within_limit(width * (colors + usize::from(alpha)), height)?;
    let mut context = hayro_jpeg2000::DecoderContext::default();
    let mut samples = image.decode(&mut context).map_err(not_read)?.data_u8();
    if alpha {
        // Interleaved, the alpha last: kept are the colours.
        samples = samples
            .chunks_exact(colors + 1)
            .flat_map(|pixel| &pixel[..colors])
            .copied()
            .collect();
    }
    gray_image(
        width,
        height,
        gray_samples(color, 8, width, height, &samples)?,
    )
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

/// The scans of an image-only PDF's first [`MAX_SCANNED_PAGES`] pages.
#[derive(Debug)]
pub struct ScannedPdf {
    /// Each page's scan, or why it does not decode, in page order (pages without an image
    /// skipped; none when the PDF holds no scan).
    pub pages: Vec<Result<ScannedPage, ScanError>>,
    /// Whether the PDF has more pages than were read.
    pub more: bool,
}

/// The scan of each page of an image-only PDF, in page order: its largest image, as
/// [`nianbao_pdf::page_images`] hands it out (decoded within `limits`; an image of more pixels
/// than the OCR reads is refused before it decodes).
pub fn scanned_pdf_pages(bytes: &[u8], limits: &PdfLimits) -> Result<ScannedPdf, ScanError> {
    let ocr_pixels = nianbao_ocr::Limits::default().max_pixels;
    let limits = PdfLimits {
        max_image_pixels: limits.max_image_pixels.min(ocr_pixels as u64),
        ..limits.clone()
    };
    // nianbao-pdf does not panic by design; it is guarded all the same, as pdf.rs does.
    let pages = std::panic::catch_unwind(|| {
        nianbao_pdf::page_images(bytes, &limits, MAX_SCANNED_PAGES + 1)
    })
    .map_err(|_| bad("the PDF's images cannot be read"))?
    .map_err(|e| match e {
        PdfError::TooManyPixels { pixels, limit } => ScanError::Ocr(OcrError::OverLimit {
            what: "pixels",
            size: usize::try_from(pixels).unwrap_or(usize::MAX),
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        }),
        e => ScanError::Pdf(e),
    })?;
    let more = pages.len() > MAX_SCANNED_PAGES;
    let pages = pages
        .into_iter()
        .take(MAX_SCANNED_PAGES)
        .filter_map(|images| {
            images
                .into_iter()
                .max_by_key(|i| u64::from(i.width) * u64::from(i.height))
        })
        .map(|image| scanned_page(&image))
        .collect();
    Ok(ScannedPdf { pages, more })
}

/// A page image in gray, its resolution from the size it is drawn at.
fn scanned_page(image: &PageImage) -> Result<ScannedPage, ScanError> {
    let (width, height) = (image.width as usize, image.height as usize);
    let mut page = match &image.data {
        ImageData::Jpeg(jpeg) => decode_jpeg(jpeg)?,
        ImageData::Raw(samples) => ScannedPage {
            image: gray_image(
                width,
                height,
                gray_samples(
                    image.color,
                    image.bits_per_component,
                    width,
                    height,
                    samples,
                )?,
            )?,
            ppi: 0,
        },
        ImageData::Jpx(bytes) => ScannedPage {
            image: decode_jpx(bytes)?,
            ppi: 0,
        },
        ImageData::Fax { data, coding } => ScannedPage {
            image: bilevel::fax(data, coding, image.height)?,
            ppi: 0,
        },
        ImageData::Jbig2 {
            data,
            globals,
            ones_are_white,
        } => ScannedPage {
            image: bilevel::jbig2(data, globals.as_deref(), *ones_are_white)?,
            ppi: 0,
        },
        ImageData::Undecoded(filter) => {
            return Err(bad(format!(
                "a scan in an encoding not read ({filter}; read are Flate and the other \
                 lossless filters, with or without predictors, DCT, JPX, CCITT fax and JBIG2)"
            )))
        }
    };
    page.image = turned(page.image, image.quarter_turns)?;
    let [x0, y0, x1, y1] = image.placed.map(f64::from);
    let longer = page.image.width.max(page.image.height);
    page.ppi = drawn_ppi(&page.image, longer, (x1 - x0).max(y1 - y0) / 72.0);
    Ok(page)
}

/// `image` turned clockwise by `quarters` quarter turns (a scan stored sideways, as its page
/// shows it).
fn turned(image: GrayImage, quarters: u8) -> Result<GrayImage, ScanError> {
    let (w, h) = (image.width, image.height);
    let at = |x: usize, y: usize| image.pixels[y * w + x];
    let pixels: Vec<u8> = match quarters % 4 {
        0 => return Ok(image),
        // The new row y is the old column y, read bottom up (clockwise) or top down.
        1 => (0..w)
            .flat_map(|y| (0..h).map(move |x| (y, h - 1 - x)))
            .map(|(x, y)| at(x, y))
            .collect(),
        2 => image.pixels.iter().rev().copied().collect(),
        _ => (0..w)
            .flat_map(|y| (0..h).map(move |x| (w - 1 - y, x)))
            .map(|(x, y)| at(x, y))
            .collect(),
    };
    let (width, height) = if quarters % 2 == 1 { (h, w) } else { (w, h) };
    gray_image(width, height, pixels)
}

/// The resolution of an image whose side of `pixels` is drawn `inches` long (taken as an A4
/// page's when that is not more than an inch).
fn drawn_ppi(image: &GrayImage, pixels: usize, inches: f64) -> u32 {
    if inches.is_finite() && inches > 1.0 {
        (pixels as f64 / inches).round() as u32
    } else {
        assumed_ppi(image.width, image.height)
    }
}

/// Decodes a PNG, JPEG or JBIG2 image drawn `width_mm` wide (an OFD's scan, a DOCX's picture).
pub fn decode_drawn(bytes: &[u8], width_mm: f32) -> Result<ScannedPage, ScanError> {
    let mut page = decode_image(bytes)?;
    page.ppi = drawn_ppi(&page.image, page.image.width, f64::from(width_mm) / 25.4);
    Ok(page)
}

/// Reads the scans of a document's pages by OCR, with a warning when the document had `more`
/// pages than the first [`MAX_SCANNED_PAGES`] read (`format`: what the document is, `PDF`).
pub fn read_scans(
    pages: &[ScannedPage],
    more: bool,
    format: &str,
    limits: &ReadLimits,
) -> Result<Document, ScanError> {
    let mut document = read_scanned_pages(pages, limits)?;
    if more {
        document.warnings.push(format!(
            "the scanned {format} has more than {MAX_SCANNED_PAGES} pages: only the first \
             {MAX_SCANNED_PAGES} were read by OCR"
        ));
    }
    Ok(document)
}

/// The gray level of every pixel of decoded samples (`width` × `height`, in `color`, `bits` a
/// component): gray, RGB or CMYK, 1 to 16 bits a component, rows padded to whole bytes.
fn gray_samples(
    color: ColorSpace,
    bits: u8,
    width: usize,
    height: usize,
    samples: &[u8],
) -> Result<Vec<u8>, ScanError> {
    let components = color.components().ok_or_else(|| {
        bad(format!(
            "a scan in a colour space not read ({color:?}; read are gray, RGB and CMYK)"
        ))
    })?;
    let bits = usize::from(bits);
    if !matches!(bits, 1 | 2 | 4 | 8 | 16) {
        return Err(bad(format!("a scan of {bits} bits a component")));
    }
    let row = (width * components * bits).div_ceil(8);
    if samples.len() < row * height {
        return Err(bad("a page image shorter than its size"));
    }
    let max = (1u32 << bits) - 1;
    // The sample `i` of a row, scaled to 0–255.
    let sample = |line: &[u8], i: usize| -> u8 {
        let value = match bits {
            8 => u32::from(line[i]),
            16 => u32::from(line[2 * i]) << 8 | u32::from(line[2 * i + 1]),
            _ => {
                let bit = i * bits;
                u32::from(line[bit / 8] >> (8 - bits - bit % 8)) & max
            }
        };
        (value * 255 / max) as u8
    };
    let mut gray = Vec::with_capacity(width * height);
    for line in samples.chunks(row).take(height) {
        for x in 0..width {
            let at = x * components;
            gray.push(match components {
                1 => sample(line, at),
                3 => luma(sample(line, at), sample(line, at + 1), sample(line, at + 2)),
                _ => {
                    let k = 255 - u32::from(sample(line, at + 3));
                    let ink = |c: u8| ((255 - u32::from(c)) * k / 255) as u8;
                    luma(
                        ink(sample(line, at)),
                        ink(sample(line, at + 1)),
                        ink(sample(line, at + 2)),
                    )
                }
            });
        }
    }
    Ok(gray)
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

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao_pdf::ColorSpace;

    fn image(color: ColorSpace, bits: u8, width: u32, samples: &[u8]) -> PageImage {
        image_of(color, bits, width, 1, samples)
    }

    /// A page image of `width` × `height` samples, drawn 2 inches by 1.
    fn image_of(color: ColorSpace, bits: u8, width: u32, height: u32, samples: &[u8]) -> PageImage {
        PageImage {
            width,
            height,
            bits_per_component: bits,
            color,
            data: ImageData::Raw(samples.to_vec()),
            placed: [0.0, 0.0, 144.0, 72.0],
            quarter_turns: 0,
        }
    }

    #[test]
    fn samples_of_every_depth_and_colour_become_gray() {
        let gray = |color, bits, width, samples: &[u8]| {
            scanned_page(&image(color, bits, width, samples)).map(|p| p.image.pixels)
        };
        assert_eq!(gray(ColorSpace::Gray, 8, 2, &[0, 200]).unwrap(), [0, 200]);
        // 1 bit: black and white, the row padded to a byte.
        assert_eq!(
            gray(ColorSpace::Gray, 1, 3, &[0b1010_0000]).unwrap(),
            [255, 0, 255]
        );
        assert_eq!(gray(ColorSpace::Gray, 4, 2, &[0xF0]).unwrap(), [255, 0]);
        assert_eq!(gray(ColorSpace::Gray, 16, 1, &[0xFF, 0xFF]).unwrap(), [255]);
        assert_eq!(
            gray(ColorSpace::Rgb, 8, 1, &[255, 255, 255]).unwrap(),
            [255]
        );
        // CMYK: no ink is white, full black ink is black.
        assert_eq!(
            gray(ColorSpace::Cmyk, 8, 2, &[0, 0, 0, 0, 0, 0, 0, 255]).unwrap(),
            [255, 0]
        );
        assert!(gray(ColorSpace::Other, 8, 1, &[0]).is_err());
        assert!(gray(ColorSpace::Gray, 8, 3, &[0]).is_err());
    }

    #[test]
    fn a_thread_releases_its_engine_when_asked() {
        let held = || ENGINE.with(|slot| slot.borrow().is_some());
        std::thread::spawn(move || {
            assert!(!held());
            let blank = ScannedPage {
                image: GrayImage::new(200, 100, vec![255; 200 * 100]).unwrap(),
                ppi: 200,
            };
            read_scanned_pages(&[blank], &ReadLimits::default()).unwrap();
            assert!(held());
            release_engine();
            assert!(!held());
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_page_stored_sideways_is_turned_as_its_page_shows_it() {
        // 3 × 2: a b c / d e f.
        let image = GrayImage::new(3, 2, vec![1, 2, 3, 4, 5, 6]).unwrap();
        let turn = |q| {
            let t = turned(image.clone(), q).unwrap();
            (t.width, t.height, t.pixels)
        };
        assert_eq!(turn(0), (3, 2, vec![1, 2, 3, 4, 5, 6]));
        assert_eq!(turn(1), (2, 3, vec![4, 1, 5, 2, 6, 3]));
        assert_eq!(turn(2), (3, 2, vec![6, 5, 4, 3, 2, 1]));
        assert_eq!(turn(3), (2, 3, vec![3, 6, 2, 5, 1, 4]));
        // Through a page image: its samples turned by the quarters it says.
        let sideways = PageImage {
            quarter_turns: 1,
            ..image_of(ColorSpace::Gray, 8, 3, 2, &[1, 2, 3, 4, 5, 6])
        };
        assert_eq!(
            scanned_page(&sideways).unwrap().image.pixels,
            [4, 1, 5, 2, 6, 3]
        );
    }

    #[test]
    fn the_resolution_comes_from_the_size_drawn() {
        // 400 pixels drawn 144 points (2 inches) wide; an encoding not read is named.
        let page = scanned_page(&image(ColorSpace::Gray, 8, 400, &[0; 400])).unwrap();
        assert_eq!(page.ppi, 200);
        let undecoded = PageImage {
            data: ImageData::Undecoded("FlateDecod".into()),
            ..image(ColorSpace::Gray, 1, 1, &[])
        };
        let err = scanned_page(&undecoded).unwrap_err().to_string();
        assert!(err.contains("FlateDecod"), "{err}");
        // A JPEG 2000 image that does not decode is named as such.
        let jpx = PageImage {
            data: ImageData::Jpx(b"\x00\x00\x00\x0CjP  not a JP2".to_vec()),
            ..image(ColorSpace::Gray, 8, 1, &[])
        };
        let err = scanned_page(&jpx).unwrap_err().to_string();
        assert!(err.contains("JPEG 2000 scan does not decode"), "{err}");
    }

    /// A PDF of `pages` pages, each drawing a 2 × 2 gray image (a Sub-predicted Flate stream)
    /// over a 144-point square.
    fn image_pdf(pages: usize) -> Vec<u8> {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&[1, 10, 10, 1, 30, 10]).unwrap();
        let packed = z.finish().unwrap();
        let stream = |dict: &str, data: &[u8]| {
            let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
            out.extend(data);
            out.extend(b"\nendstream");
            out
        };
        let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
        let mut objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            format!(
                "<< /Type /Pages /Kids [{}] /Count {pages} >>",
                kids.join(" ")
            )
            .into_bytes(),
            stream(
                "/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray \
                 /BitsPerComponent 8 /Filter /FlateDecode \
                 /DecodeParms << /Predictor 11 /Columns 2 >>",
                &packed,
            ),
            stream("", b"q 144 0 0 144 0 0 cm /Im Do Q"),
        ];
        for _ in 0..pages {
            objects.push(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
                   /Resources << /XObject << /Im 3 0 R >> >> >>"
                    .to_vec(),
            );
            objects.push(b"null".to_vec());
        }
        nianbao_pdf::testing::write_pdf(&objects)
    }

    #[test]
    fn a_scanned_pdf_gives_its_page_images_from_nianbao_pdf_up_to_the_page_cap() {
        let scan = scanned_pdf_pages(&image_pdf(3), &PdfLimits::default()).unwrap();
        assert!(!scan.more);
        assert_eq!(scan.pages.len(), 3);
        let first = scan.pages[0].as_ref().unwrap();
        assert_eq!(first.image.pixels, [10, 20, 30, 40]);
        // 2 pixels over 2 inches.
        assert_eq!(first.ppi, 1);
        let scan =
            scanned_pdf_pages(&image_pdf(MAX_SCANNED_PAGES + 1), &PdfLimits::default()).unwrap();
        assert!(scan.more);
        assert_eq!(scan.pages.len(), MAX_SCANNED_PAGES);
        // The byte budget holds for the images, and the pixel limit is the OCR's at most.
        let tight = PdfLimits {
            max_decoded_bytes: 64,
            ..PdfLimits::default()
        };
        assert!(matches!(
            scanned_pdf_pages(&image_pdf(40), &tight),
            Err(ScanError::Pdf(PdfError::TooManyBytes { .. }))
        ));
        let small = PdfLimits {
            max_image_pixels: 3,
            ..PdfLimits::default()
        };
        assert!(matches!(
            scanned_pdf_pages(&image_pdf(1), &small),
            Err(ScanError::Ocr(OcrError::OverLimit { what: "pixels", .. }))
        ));
    }
}
