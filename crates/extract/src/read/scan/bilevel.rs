//! Bi-level scans to gray: a PDF's `/CCITTFaxDecode` image (office scanners' black and white
//! pages, fax Group 3 or 4) with hayro-ccitt, and a JBIG2 image (what PDF optimisers make of
//! scans: a PDF's `/JBIG2Decode` segments, or an OFD's `.jb2` file) with hayro-jbig2. Black is 0
//! and white 255, as in every other scan.
//!
//! Bounded like the other images: the size the codec will write (the fax image's `/Columns` ×
//! rows, the JBIG2 page's size) is checked against the OCR's pixel limit before anything
//! decodes, and so is what a JBIG2 stream's segments ask for ([`segments_within`]: regions,
//! patterns, symbol counts). Damaged data gives what decodes, as viewers show it: rows after a
//! fax code error stay white; an image of which nothing decodes is an error.

use nianbao_ocr::{GrayImage, OcrError};
use nianbao_pdf::FaxCoding;

use super::{bad, gray_image, within_limit, ScanError};

const BLACK: u8 = 0;
const WHITE: u8 = 255;

/// The gray levels of coded black and coded white: black and white, or the other way round
/// when the image says so (`/BlackIs1`, an inverting `/Decode`).
fn grays(inverted: bool) -> (u8, u8) {
    match inverted {
        true => (WHITE, BLACK),
        false => (BLACK, WHITE),
    }
}

/// Decodes a fax-coded image `height` rows high (its `/Rows` when the image states none).
pub(super) fn fax(data: &[u8], coding: &FaxCoding, height: u32) -> Result<GrayImage, ScanError> {
    use hayro_ccitt::{DecodeSettings, DecoderContext, EncodingMode};
    let rows = if height > 0 { height } else { coding.rows };
    let (width, height) = (coding.columns as usize, rows as usize);
    if width == 0 || height == 0 {
        return Err(bad("a fax-coded scan of no size"));
    }
    within_limit(width, height)?;
    let (ink, paper) = grays(coding.black_is_1);

    /// The rows decoded so far, into a page first all paper.
    struct Rows {
        pixels: Vec<u8>,
        width: usize,
        done: usize,
        ink: u8,
    }
    impl hayro_ccitt::Decoder for Rows {
        fn push_row(&mut self, changes: &[u32]) {
            let Some(row) = self
                .pixels
                .get_mut(self.done * self.width..(self.done + 1) * self.width)
            else {
                return;
            };
            // Each row starts white: `changes` come in pairs, the starts and ends of black runs.
            for run in changes.chunks(2) {
                let start = (run[0] as usize).min(self.width);
                let end = run
                    .get(1)
                    .map_or(self.width, |&e| (e as usize).min(self.width));
                row[start..end.max(start)].fill(self.ink);
            }
            self.done += 1;
        }
    }

    let settings = DecodeSettings {
        columns: coding.columns,
        rows,
        end_of_block: coding.end_of_block,
        end_of_line: coding.end_of_line,
        rows_are_byte_aligned: coding.byte_aligned,
        encoding: match coding.k {
            k if k < 0 => EncodingMode::Group4,
            0 => EncodingMode::Group3_1D,
            _ => EncodingMode::Group3_2D,
        },
        strict: false,
    };
    let mut page = Rows {
        pixels: vec![paper; width * height],
        width,
        done: 0,
        ink,
    };
    let result = hayro_ccitt::decode(data, &mut page, &mut DecoderContext::new(settings));
    if page.done == 0 {
        return Err(bad(match result {
            Err(e) => format!("the fax-coded scan does not decode: {e}"),
            Ok(_) => "the fax-coded scan has no rows".to_string(),
        }));
    }
    gray_image(width, height, page.pixels)
}

/// Decodes a JBIG2 image (embedded organisation) with its global segments; `ones_are_white`:
/// an inverting `/Decode`.
pub(super) fn jbig2(
    data: &[u8],
    globals: Option<&[u8]>,
    ones_are_white: bool,
) -> Result<GrayImage, ScanError> {
    // The globals decode as they are parsed, before the page's size is known.
    if let Some(globals) = globals {
        segments_within(globals, nianbao_ocr::Limits::default().max_pixels)?;
    }
    let globals = globals
        .map(|g| hayro_jbig2::Globals::new(g, &JBIG2_SETTINGS))
        .transpose()
        .map_err(jbig2_not_read)?;
    let page = hayro_jbig2::Page::new_embedded(data, globals.as_ref(), &JBIG2_SETTINGS)
        .map_err(jbig2_not_read)?;
    jbig2_page(&page, data, ones_are_white)
}

/// Decodes the first page of a JBIG2 file (an OFD's `.jb2` image) in the sequential
/// organisation (the random-access one, all headers first, is refused).
pub(super) fn jbig2_file(bytes: &[u8]) -> Result<GrayImage, ScanError> {
    // The ID string, the flags (bit 0: sequential; bit 1: the page count is not stated), and
    // the page count.
    let flags = *bytes.get(8).ok_or_else(|| bad("a JBIG2 file cut short"))?;
    if flags & 1 == 0 {
        return Err(bad(
            "a JBIG2 file in the random-access organisation (not read)",
        ));
    }
    let segments = bytes
        .get(if flags & 2 == 0 { 13 } else { 9 }..)
        .unwrap_or_default();
    let file = hayro_jbig2::File::new(bytes, &JBIG2_SETTINGS).map_err(jbig2_not_read)?;
    let page = file
        .page(0)
        .ok_or_else(|| bad("a JBIG2 file without a page"))?;
    jbig2_page(&page, segments, false)
}

/// Lenient decoding, as viewers do.
const JBIG2_SETTINGS: hayro_jbig2::DecodeSettings = hayro_jbig2::DecodeSettings { strict: false };

fn jbig2_not_read(e: hayro_jbig2::DecodeError) -> ScanError {
    bad(format!("the JBIG2 scan does not decode: {e}"))
}

/// Decodes a JBIG2 page whose segments are `segments` (checked first: [`segments_within`]).
fn jbig2_page(
    page: &hayro_jbig2::Page<'_>,
    segments: &[u8],
    ones_are_white: bool,
) -> Result<GrayImage, ScanError> {
    let (width, height) = (page.width() as usize, page.height() as usize);
    within_limit(width, height)?;
    segments_within(segments, width * height)?;
    // JBIG2's 1 bits are black.
    let (one, zero) = grays(ones_are_white);

    /// The pixels pushed so far, row by row, each row cut or padded to the page's width.
    struct Pixels {
        pixels: Vec<u8>,
        row_start: usize,
        width: usize,
        one: u8,
        zero: u8,
    }
    impl Pixels {
        fn push(&mut self, black: bool, count: usize) {
            let room = (self.row_start + self.width).saturating_sub(self.pixels.len());
            let value = if black { self.one } else { self.zero };
            self.pixels
                .extend(std::iter::repeat_n(value, count.min(room)));
        }
    }
    impl hayro_jbig2::Decoder for Pixels {
        fn push_pixel(&mut self, black: bool) {
            self.push(black, 1);
        }
        fn push_pixel_chunk(&mut self, black: bool, chunk_count: u32) {
            self.push(black, 8 * chunk_count as usize);
        }
        fn next_line(&mut self) {
            self.pixels.resize(self.row_start + self.width, self.zero);
            self.row_start += self.width;
        }
    }

    let mut pixels = Pixels {
        pixels: Vec::with_capacity(width * height),
        row_start: 0,
        width,
        one,
        zero,
    };
    page.decode(&mut pixels).map_err(jbig2_not_read)?;
    let mut pixels = pixels.pixels;
    pixels.resize(width * height, zero);
    gray_image(width, height, pixels)
}

/// The region segments of JBIG2 (T.88 table 2: text, halftone, generic and refinement
/// regions, intermediate or immediate), whose data opens with the region's width and height.
const REGION_SEGMENTS: [u8; 11] = [4, 6, 7, 22, 23, 36, 38, 39, 40, 42, 43];
/// A JBIG2 symbol dictionary segment.
const SYMBOL_DICTIONARY: u8 = 0;
/// A JBIG2 pattern dictionary segment.
const PATTERN_DICTIONARY: u8 = 16;
/// The most symbols a JBIG2 symbol dictionary may define or export (a page of text needs a
/// few thousand).
const MAX_SYMBOLS: u32 = 1 << 16;

/// A big-endian number of 4 bytes at `at`.
fn be32(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at.checked_add(4)?)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Checks what JBIG2 segments ask the decoder to make before it makes it: no region of more
/// than `most` pixels (the page's), no pattern dictionary whose patterns are, no symbol
/// dictionary of more than [`MAX_SYMBOLS`] symbols. Without it a stream of a few hundred bytes
/// asks for a region of 60,000 × 60,000 pixels: 450 MB and minutes of decoding. The segments
/// are walked by their headers (T.88 §7.2), up to one whose length is not stated; data too
/// short to say is left to the decoder.
fn segments_within(data: &[u8], most: usize) -> Result<(), ScanError> {
    let over = |what: &'static str, size: u64, limit: u64| {
        ScanError::Ocr(OcrError::OverLimit {
            what,
            size: usize::try_from(size).unwrap_or(usize::MAX),
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        })
    };
    let most = most as u64;
    let mut at = 0usize;
    while let (Some(number), Some(&flags), Some(&count)) =
        (be32(data, at), data.get(at + 4), data.get(at + 5))
    {
        // The segments it refers to: a short count (and their retention bits) in one byte, or
        // a long one in four followed by a bit each.
        let (referred, mut i) = match count >> 5 {
            7 => {
                let Some(n) = be32(data, at + 5) else { break };
                let n = u64::from(n & 0x1fff_ffff);
                (n, at as u64 + 9 + (n + 1).div_ceil(8))
            }
            n => (u64::from(n), at as u64 + 6),
        };
        let number_size = match number {
            0..=256 => 1,
            257..=65_536 => 2,
            _ => 4,
        };
        i += referred * number_size + if flags & 0x40 != 0 { 4 } else { 1 };
        let Some(start) = usize::try_from(i).ok().filter(|&i| i <= data.len()) else {
            break;
        };
        let Some(length) = be32(data, start) else {
            break;
        };
        let body = &data[start + 4..];
        let number = |at: usize| be32(body, at).map_or(0, u64::from);
        match flags & 0x3f {
            kind if REGION_SEGMENTS.contains(&kind) => {
                let pixels = number(0) * number(4);
                if pixels > most {
                    return Err(over("pixels of a JBIG2 region", pixels, most));
                }
            }
            PATTERN_DICTIONARY if body.len() >= 7 => {
                let (w, h) = (u64::from(body[1]), u64::from(body[2]));
                let pixels = (number(3) + 1) * w * h;
                if pixels > most {
                    return Err(over("pixels of JBIG2 patterns", pixels, most));
                }
            }
            SYMBOL_DICTIONARY if body.len() >= 2 => {
                let flags = u16::from_be_bytes([body[0], body[1]]);
                let (huffman, refined) = (flags & 1 != 0, flags & 2 != 0);
                let template = (flags >> 10) & 3;
                let refinement_template = (flags >> 12) & 1;
                let at_bytes = match (huffman, template) {
                    (true, _) => 0,
                    (false, 0) => 8,
                    (false, _) => 2,
                } + if refined && refinement_template == 0 {
                    4
                } else {
                    0
                };
                let symbols = number(2 + at_bytes).max(number(6 + at_bytes));
                if symbols > u64::from(MAX_SYMBOLS) {
                    return Err(over("JBIG2 symbols", symbols, u64::from(MAX_SYMBOLS)));
                }
            }
            _ => {}
        }
        if length == u32::MAX {
            break;
        }
        at = start + 4 + length as usize;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of `width` pixels (true: black) coded as fax Group 4.
    fn group4(width: usize, rows: &[&[bool]]) -> Vec<u8> {
        use fax::{encoder::Encoder, Color, VecWriter};
        let mut encoder = Encoder::new(VecWriter::new());
        for row in rows {
            let colors = row
                .iter()
                .map(|&b| if b { Color::Black } else { Color::White });
            encoder.encode_line(colors, width as u16).unwrap();
        }
        encoder.finish().unwrap().finish()
    }

    fn coding(columns: u32) -> FaxCoding {
        FaxCoding {
            k: -1,
            columns,
            rows: 0,
            end_of_block: true,
            end_of_line: false,
            byte_aligned: false,
            black_is_1: false,
        }
    }

    #[test]
    fn fax_rows_decode_to_gray() {
        let (x, o) = (true, false);
        let code = group4(6, &[&[x, x, o, o, o, x], &[o, o, o, o, o, o]]);
        let image = fax(&code, &coding(6), 2).unwrap();
        assert_eq!((image.width, image.height), (6, 2));
        assert_eq!(
            image.pixels,
            [0, 0, 255, 255, 255, 0, 255, 255, 255, 255, 255, 255]
        );
        // BlackIs1 (or an inverting /Decode): coded black prints white.
        let inverted = FaxCoding {
            black_is_1: true,
            ..coding(6)
        };
        assert_eq!(fax(&code, &inverted, 2).unwrap().pixels[..3], [255, 255, 0]);
        // No height on the image: /Rows tells.
        let rows = FaxCoding {
            rows: 2,
            ..coding(6)
        };
        assert_eq!(fax(&code, &rows, 0).unwrap().height, 2);
    }

    #[test]
    fn a_fax_image_of_no_size_too_large_or_no_rows_is_an_error() {
        let code = group4(6, &[&[true; 6]]);
        assert!(fax(&code, &coding(6), 0)
            .unwrap_err()
            .to_string()
            .contains("no size"));
        assert!(matches!(
            fax(&code, &coding(u32::MAX), 1 << 20),
            Err(ScanError::Ocr(OcrError::OverLimit { .. }))
        ));
        let err = fax(&[], &coding(6), 1).unwrap_err().to_string();
        assert!(err.contains("fax-coded scan"), "{err}");
    }

    /// A JBIG2 segment (embedded organisation, page 1, referring to none).
    fn segment(number: u32, kind: u8, data: &[u8]) -> Vec<u8> {
        let mut segment = number.to_be_bytes().to_vec();
        segment.extend([kind, 0, 1]);
        segment.extend((data.len() as u32).to_be_bytes());
        segment.extend(data);
        segment
    }

    /// A JBIG2 page information segment of `width` × `height`.
    fn page_information(width: u32, height: u32) -> Vec<u8> {
        let mut data = [width.to_be_bytes(), height.to_be_bytes(), [0; 4], [0; 4]].concat();
        data.extend([0, 0, 0]);
        segment(0, 48, &data)
    }

    #[test]
    fn a_jbig2_file_decodes_its_first_page_to_gray() {
        // A sequential file of one page: 6 × 2 pixels in an MMR generic region, 1 is black.
        let (x, o) = (true, false);
        let mut region = [6u32.to_be_bytes(), 2u32.to_be_bytes(), [0; 4], [0; 4]].concat();
        region.extend([0, 1]);
        region.extend(group4(6, &[&[x, o, o, o, o, x], &[o, x, x, o, o, o]]));
        let mut file = b"\x97JB2\r\n\x1A\n\x01".to_vec();
        file.extend(1u32.to_be_bytes());
        file.extend(page_information(6, 2));
        file.extend(segment(1, 39, &region));
        file.extend(segment(2, 49, &[]));
        let image = super::super::decode_image(&file).unwrap().image;
        assert_eq!((image.width, image.height), (6, 2));
        assert_eq!(
            image.pixels,
            [0, 255, 255, 255, 255, 0, 255, 0, 0, 255, 255, 255]
        );
        // The same segments after a header saying random access are refused, by name.
        file[8] = 0;
        let err = jbig2_file(&file).unwrap_err().to_string();
        assert!(err.contains("random-access"), "{err}");
    }

    #[test]
    fn jbig2_segments_asking_for_more_than_the_page_are_refused_before_decoding() {
        // A 100 × 100 page with a generic region of 60,000 × 60,000 (arithmetic coded: decoding
        // it took 97 s and 450 MB).
        let mut region = [
            60_000u32.to_be_bytes(),
            60_000u32.to_be_bytes(),
            [0; 4],
            [0; 4],
        ]
        .concat();
        region.extend([0, 0, 3, 0xff, 0xfd, 0xff, 2, 0xfe, 0xfe, 0xfe]);
        region.extend([0; 64]);
        let mut data = page_information(100, 100);
        data.extend(segment(1, 38, &region));
        let err = jbig2(&data, None, false).unwrap_err().to_string();
        assert!(
            err.contains("pixels of a JBIG2 region: 3600000000"),
            "{err}"
        );
        // A symbol dictionary of 2^32 - 1 new symbols in the globals (Huffman coded).
        let mut symbols = vec![0, 1];
        symbols.extend(u32::MAX.to_be_bytes());
        symbols.extend(u32::MAX.to_be_bytes());
        let globals = segment(0, 0, &symbols);
        let err = jbig2(&page_information(8, 8), Some(&globals), false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("JBIG2 symbols"), "{err}");
        // A pattern dictionary of 2^32 patterns of 255 × 255.
        let mut patterns = vec![0, 255, 255];
        patterns.extend(u32::MAX.to_be_bytes());
        let mut data = page_information(100, 100);
        data.extend(segment(1, 16, &patterns));
        let err = jbig2(&data, None, false).unwrap_err().to_string();
        assert!(err.contains("JBIG2 patterns"), "{err}");
        // A region the size of the page is read.
        let mut region = [8u32.to_be_bytes(), 8u32.to_be_bytes(), [0; 4], [0; 4]].concat();
        region.extend([0, 1]);
        let mut data = page_information(8, 8);
        data.extend(segment(1, 38, &region));
        assert!(segments_within(&data, 64).is_ok());
    }

    #[test]
    fn a_jbig2_page_too_large_or_not_jbig2_is_an_error_and_an_empty_one_white() {
        assert!(matches!(
            jbig2(&page_information(60_000, 60_000), None, false),
            Err(ScanError::Ocr(OcrError::OverLimit { .. }))
        ));
        let err = jbig2(b"not segments", None, false).unwrap_err().to_string();
        assert!(err.contains("JBIG2"), "{err}");
        // A page with no region is the page's default, white; damaged globals are passed over.
        let blank = jbig2(&page_information(8, 8), Some(b"\xff"), false).unwrap();
        assert_eq!((blank.width, blank.height), (8, 8));
        assert!(blank.pixels.iter().all(|&p| p == 255));
    }
}
