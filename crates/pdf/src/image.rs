//! Image XObjects handed out as [`PageImage`]s (only when asked for, by [`crate::page_images`]).
//!
//! 1. The size, bits per component and colour space come from the image's dictionary; an
//!    image larger than [`PdfLimits::max_image_pixels`] is refused before anything decodes.
//! 2. A chain ending in `/DCTDecode` gives the JPEG bytes, one ending in `/JPXDecode` the
//!    JPEG 2000 bytes, one ending in `/CCITTFaxDecode` or `/JBIG2Decode` the bi-level image's
//!    coded bytes with how they are coded (the filters before the codec decoded through the
//!    byte budget): the reader that wants pixels decodes them. A chain of Flate, LZW,
//!    ASCII85, ASCIIHex and RunLength gives the samples, decoded through the budget, with a
//!    TIFF (2) or PNG (10–15) predictor undone and an inverting `/Decode` (`[1 0]` for every
//!    component) applied. Other filters are named, not decoded.
//! 3. Where it is drawn is the unit square through the CTM at `Do`, and which way up: the
//!    quarter turns that show its samples as the page displays them (a scan stored sideways
//!    and turned by the CTM or the page's `/Rotate`).

use hayro_syntax::object::{Dict, Name, Object, Stream};

use crate::filters::{decode, decode_stream, Budget, Decoded, Filter};
use crate::{PdfError, PdfLimits};

/// The colour space of an image's samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorSpace {
    /// One component (`/DeviceGray`, `/CalGray`, a one-component `/ICCBased`).
    Gray,
    /// Three components (`/DeviceRGB`, `/CalRGB`, a three-component `/ICCBased`).
    Rgb,
    /// Four components (`/DeviceCMYK`, a four-component `/ICCBased`).
    Cmyk,
    /// Anything else (indexed, separation, Lab, an image mask, a missing space).
    Other,
}

impl ColorSpace {
    /// Components of a sample, when the space is one of the plain ones.
    pub fn components(self) -> Option<usize> {
        match self {
            ColorSpace::Gray => Some(1),
            ColorSpace::Rgb => Some(3),
            ColorSpace::Cmyk => Some(4),
            ColorSpace::Other => None,
        }
    }
}

/// An image's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageData {
    /// The samples, row after row (rows padded to whole bytes), predictors undone and an
    /// inverting `/Decode` applied.
    Raw(Vec<u8>),
    /// The bytes of a `/DCTDecode` image: a JPEG stream.
    Jpeg(Vec<u8>),
    /// The bytes of a `/JPXDecode` image: a JPEG 2000 file or codestream, which states its
    /// own size and colour space.
    Jpx(Vec<u8>),
    /// The bytes of a `/CCITTFaxDecode` image: bi-level, fax-coded (office scanners' black and
    /// white pages).
    Fax {
        /// The coded rows.
        data: Vec<u8>,
        /// How they are coded.
        coding: FaxCoding,
    },
    /// The bytes of a `/JBIG2Decode` image: bi-level, JBIG2 segments in the embedded
    /// organisation (what PDF optimisers make of scans).
    Jbig2 {
        /// The page's segments.
        data: Vec<u8>,
        /// The segments of `/JBIG2Globals`, which the page's may refer to.
        globals: Option<Vec<u8>>,
        /// Whether its 1 bits are white (an inverting `/Decode`); else they are black.
        ones_are_white: bool,
    },
    /// A filter not decoded here, by its name (`Crypt`, a misspelt one, …).
    Undecoded(String),
}

/// How a `/CCITTFaxDecode` image is coded (its `/DecodeParms`, with their defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaxCoding {
    /// `/K`: below 0 Group 4, 0 Group 3 one-dimensional, above 0 Group 3 two-dimensional.
    pub k: i32,
    /// `/Columns`: pixels a row (1728 when not given).
    pub columns: u32,
    /// `/Rows` (0 when not given: the image's height tells).
    pub rows: u32,
    /// `/EndOfBlock`: the data may end with an end-of-block code.
    pub end_of_block: bool,
    /// `/EndOfLine`: rows begin with an end-of-line code.
    pub end_of_line: bool,
    /// `/EncodedByteAlign`: each row's code starts on a byte.
    pub byte_aligned: bool,
    /// Whether coded black is the sample 1 (`/BlackIs1`, flipped by an inverting `/Decode`):
    /// then black pixels print white.
    pub black_is_1: bool,
}

impl FaxCoding {
    /// The coding that `params` (an image's `/DecodeParms`) state; `inverted`: the image's
    /// `/Decode` inverts it.
    fn of(params: Option<&Dict<'_>>, inverted: bool) -> FaxCoding {
        let int =
            |key: &[u8], default: i64| params.and_then(|p| p.get::<i64>(key)).unwrap_or(default);
        let flag =
            |key: &[u8], default: bool| params.and_then(|p| p.get::<bool>(key)).unwrap_or(default);
        let count = |n: i64| n.clamp(0, i64::from(u32::MAX)) as u32;
        FaxCoding {
            k: int(b"K", 0).clamp(-1, 1) as i32,
            columns: count(int(b"Columns", 1728)),
            rows: count(int(b"Rows", 0)),
            end_of_block: flag(b"EndOfBlock", true),
            end_of_line: flag(b"EndOfLine", false),
            byte_aligned: flag(b"EncodedByteAlign", false),
            black_is_1: flag(b"BlackIs1", false) != inverted,
        }
    }
}

/// An image drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageImage {
    /// Samples per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Bits per component (1, 2, 4, 8 or 16; 1 for an image mask).
    pub bits_per_component: u8,
    /// The colour space of the samples.
    pub color: ColorSpace,
    /// The samples, or the JPEG bytes.
    pub data: ImageData,
    /// Where it is drawn: `[x0, y0, x1, y1]` in page space (points from the crop box's lower
    /// left corner).
    pub placed: [f32; 4],
    /// Quarter turns clockwise that show the samples as the page displays them (0 to 3).
    pub quarter_turns: u8,
}

/// The image codecs whose code is handed out for the reader that wants pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    /// `/DCTDecode`: JPEG.
    Dct,
    /// `/JPXDecode`: JPEG 2000.
    Jpx,
    /// `/CCITTFaxDecode`: fax Group 3 or 4.
    Fax,
    /// `/JBIG2Decode`.
    Jbig2,
}

impl Codec {
    /// The codec a filter name (or its abbreviation) names.
    fn of(name: &[u8]) -> Option<Codec> {
        match name {
            b"DCTDecode" | b"DCT" => Some(Codec::Dct),
            b"JPXDecode" => Some(Codec::Jpx),
            b"CCITTFaxDecode" | b"CCF" => Some(Codec::Fax),
            b"JBIG2Decode" => Some(Codec::Jbig2),
            _ => None,
        }
    }

    /// Its filter name.
    fn name(self) -> &'static str {
        match self {
            Codec::Dct => "DCTDecode",
            Codec::Jpx => "JPXDecode",
            Codec::Fax => "CCITTFaxDecode",
            Codec::Jbig2 => "JBIG2Decode",
        }
    }

    /// The data of an image of this codec whose code is `code` (its dictionary `dict`: the
    /// fax parameters, the JBIG2 globals, an inverting `/Decode`).
    fn image_data(
        self,
        code: Vec<u8>,
        dict: &Dict<'_>,
        budget: &mut Budget,
    ) -> Result<ImageData, PdfError> {
        Ok(match self {
            Codec::Dct => ImageData::Jpeg(code),
            Codec::Jpx => ImageData::Jpx(code),
            Codec::Fax => ImageData::Fax {
                data: code,
                coding: FaxCoding::of(last_params(dict).as_ref(), inverted(dict)),
            },
            Codec::Jbig2 => ImageData::Jbig2 {
                data: code,
                globals: match last_params(dict).and_then(|p| p.get::<Stream<'_>>(b"JBIG2Globals"))
                {
                    Some(globals) => decode_stream(&globals, budget)?,
                    None => None,
                },
                ones_are_white: inverted(dict),
            },
        })
    }
}

/// The colour space named by an image dictionary's `/ColorSpace`, and the palette of an
/// `/Indexed` one (whose samples are indices into it).
fn color_space(dict: &Dict<'_>) -> (ColorSpace, Option<Palette>) {
    match dict.get::<Object<'_>>(b"ColorSpace") {
        Some(Object::Array(array)) => {
            let mut items = array.iter::<Object<'_>>();
            match items.next() {
                Some(Object::Name(family)) if matches!(&*family, b"Indexed" | b"I") => {
                    let base = items.next().map_or(ColorSpace::Other, space_of);
                    let _highest = items.next();
                    let lookup = match items.next() {
                        Some(Object::String(table)) => Some(table.as_bytes().to_vec()),
                        Some(Object::Stream(table)) => table.decoded().ok().map(|t| t.to_vec()),
                        _ => None,
                    };
                    match (base.components(), lookup) {
                        (Some(_), Some(lookup)) => (base, Some(Palette { lookup })),
                        _ => (ColorSpace::Other, None),
                    }
                }
                _ => (space_of(Object::Array(array)), None),
            }
        }
        Some(space) => (space_of(space), None),
        None => (ColorSpace::Other, None),
    }
}

/// The colours of an `/Indexed` colour space: each index's components in its base space.
struct Palette {
    lookup: Vec<u8>,
}

impl Palette {
    /// The samples of `indices` (`bits` an index, rows of `width` padded to whole bytes) as
    /// 8-bit components of the base space (`components` a colour); an index past the table
    /// takes its last colour.
    fn expand(&self, indices: &[u8], bits: u8, width: usize, components: usize) -> Vec<u8> {
        let bits = usize::from(bits);
        let row = (width * bits).div_ceil(8);
        let colours = self.lookup.len() / components;
        let mut out = Vec::with_capacity(indices.len() / row.max(1) * width * components);
        for line in indices.chunks_exact(row.max(1)) {
            for x in 0..width {
                let index = match bits {
                    8 => usize::from(line[x]),
                    _ => {
                        let bit = x * bits;
                        usize::from(line[bit / 8] >> (8 - bits - bit % 8)) & ((1 << bits) - 1)
                    }
                };
                let at = index.min(colours.saturating_sub(1)) * components;
                match self.lookup.get(at..at + components) {
                    Some(colour) => out.extend_from_slice(colour),
                    None => out.extend(std::iter::repeat_n(0, components)),
                }
            }
        }
        out
    }
}

/// The colour space an object names (a name, or an `/ICCBased` array).
fn space_of(space: Object<'_>) -> ColorSpace {
    let by_name = |name: &[u8]| match name {
        b"DeviceGray" | b"G" | b"CalGray" => ColorSpace::Gray,
        b"DeviceRGB" | b"RGB" | b"CalRGB" => ColorSpace::Rgb,
        b"DeviceCMYK" | b"CMYK" => ColorSpace::Cmyk,
        _ => ColorSpace::Other,
    };
    match space {
        Object::Name(name) => by_name(&name),
        Object::Array(array) => {
            let mut items = array.iter::<Object<'_>>();
            match items.next() {
                Some(Object::Name(family)) if &*family == b"ICCBased" => match items.next() {
                    Some(Object::Stream(profile)) => match profile.dict().get::<i64>(b"N") {
                        Some(1) => ColorSpace::Gray,
                        Some(3) => ColorSpace::Rgb,
                        Some(4) => ColorSpace::Cmyk,
                        _ => ColorSpace::Other,
                    },
                    _ => ColorSpace::Other,
                },
                Some(Object::Name(family)) => by_name(&family),
                _ => ColorSpace::Other,
            }
        }
        _ => ColorSpace::Other,
    }
}

/// The filter names of a stream's `/Filter`.
fn filter_names(dict: &Dict<'_>) -> Vec<Vec<u8>> {
    match dict.get::<Object<'_>>(b"Filter") {
        Some(Object::Name(name)) => vec![name.to_vec()],
        Some(Object::Array(names)) => names.iter::<Name<'_>>().map(|n| n.to_vec()).collect(),
        _ => Vec::new(),
    }
}

/// The `/DecodeParms` of the last filter (a dictionary, or the last one of an array).
fn last_params<'a>(dict: &Dict<'a>) -> Option<Dict<'a>> {
    match dict.get::<Object<'a>>(b"DecodeParms") {
        Some(Object::Dict(params)) => Some(params),
        Some(Object::Array(list)) => list.iter::<Object<'a>>().last().and_then(|o| match o {
            Object::Dict(d) => Some(d),
            _ => None,
        }),
        _ => None,
    }
}

/// Whether `/Decode` maps every component from its maximum to its minimum (`[1 0 …]`).
fn inverted(dict: &Dict<'_>) -> bool {
    let Some(decode) = dict.get::<Vec<f32>>(b"Decode") else {
        return false;
    };
    !decode.is_empty()
        && decode.len() % 2 == 0
        && decode
            .chunks(2)
            .all(|pair| pair[0] == 1.0 && pair[1] == 0.0)
}

/// The quarter turns clockwise that show an image drawn through `ctm` as the page displays it:
/// where the top of its samples (image space's +y) points on the page.
fn quarter_turns(ctm: &[f32; 6]) -> u8 {
    let (x, y) = (ctm[2], ctm[3]);
    match (x.abs() > y.abs(), x > 0.0, y > 0.0) {
        (false, _, true) => 0,
        (false, _, false) => 2,
        // The top points right: the samples show turned a quarter clockwise.
        (true, true, _) => 1,
        (true, false, _) => 3,
    }
}

/// The bounding box of the unit square through `ctm`.
fn placed(ctm: &[f32; 6]) -> [f32; 4] {
    let corners = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)];
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for (x, y) in corners {
        let (px, py) = (
            x * ctm[0] + y * ctm[2] + ctm[4],
            x * ctm[1] + y * ctm[3] + ctm[5],
        );
        b = [b[0].min(px), b[1].min(py), b[2].max(px), b[3].max(py)];
    }
    b
}

/// The image of an image XObject drawn at `ctm`.
pub(crate) fn load(
    stream: &Stream<'_>,
    ctm: &[f32; 6],
    limits: &PdfLimits,
    budget: &mut Budget,
) -> Result<PageImage, PdfError> {
    let dict = stream.dict();
    let side = |keys: [&[u8]; 2]| {
        keys.iter()
            .find_map(|k| dict.get::<i64>(k))
            .map_or(0, |n| n.clamp(0, i64::from(u32::MAX)) as u32)
    };
    let (width, height) = (side([b"Width", b"W"]), side([b"Height", b"H"]));
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_image_pixels {
        return Err(PdfError::TooManyPixels {
            pixels,
            limit: limits.max_image_pixels,
        });
    }
    let mask = dict.get::<bool>(b"ImageMask").unwrap_or(false);
    // A mask's sample 0 paints (black, for a scan): as gray, 0 is black.
    let (mut bits_per_component, color, palette) = if mask {
        (1, ColorSpace::Gray, None)
    } else {
        let bits = dict
            .get::<i64>(b"BitsPerComponent")
            .unwrap_or(8)
            .clamp(1, 16) as u8;
        let (color, palette) = color_space(dict);
        (bits, color, palette)
    };
    let names = filter_names(dict);
    let chain: Vec<Filter> = names.iter().map(|n| Filter::from_name(n)).collect();
    let raw = stream.raw_data();
    // A codec's code, when the filters before it are known: those filters undone.
    let codec = names.last().and_then(|name| Codec::of(name));
    let known_before = !chain[..chain.len().saturating_sub(1)].contains(&Filter::Other);
    let data = match codec {
        Some(codec) if known_before => {
            match decode(&raw, &chain[..chain.len() - 1], false, budget)? {
                Decoded::Bytes(code) => codec.image_data(code, dict, budget)?,
                Decoded::Unsupported => ImageData::Undecoded(codec.name().into()),
            }
        }
        _ => match chain.iter().position(|f| *f == Filter::Other) {
            Some(i) => ImageData::Undecoded(String::from_utf8_lossy(&names[i]).into_owned()),
            None => match decode(&raw, &chain, false, budget)? {
                Decoded::Bytes(bytes) => {
                    // An indexed image's samples are one index a pixel.
                    let colors = match palette {
                        Some(_) => 1,
                        None => color.components().unwrap_or(1),
                    };
                    let mut samples = match last_params(dict) {
                        Some(params) => unpredict(bytes, &params, colors, bits_per_component),
                        None => bytes,
                    };
                    if inverted(dict) {
                        // Every sample v becomes its maximum − v, whatever its width (a mask's
                        // 1 then paints).
                        samples.iter_mut().for_each(|b| *b = !*b);
                    }
                    if let (Some(palette), Some(components)) = (&palette, color.components()) {
                        budget.charge(width as usize * height as usize * components)?;
                        samples = palette.expand(
                            &samples,
                            bits_per_component,
                            width as usize,
                            components,
                        );
                        bits_per_component = 8;
                    }
                    ImageData::Raw(samples)
                }
                Decoded::Unsupported => ImageData::Undecoded("?".into()),
            },
        },
    };
    Ok(PageImage {
        width,
        height,
        bits_per_component,
        color,
        data,
        placed: placed(ctm),
        quarter_turns: quarter_turns(ctm),
    })
}

/// Undoes a `/Predictor` of `params` (2: TIFF, 10–15: PNG rows); data that is not predicted
/// is returned as it is.
fn unpredict(data: Vec<u8>, params: &Dict<'_>, colors: usize, bits: u8) -> Vec<u8> {
    let get = |key: &[u8], default: i64| params.get::<i64>(key).unwrap_or(default);
    let predictor = get(b"Predictor", 1);
    let colors = get(b"Colors", colors as i64).clamp(1, 32) as usize;
    let bits = get(b"BitsPerComponent", i64::from(bits)).clamp(1, 16) as usize;
    let columns = get(b"Columns", 1).clamp(1, 1 << 24) as usize;
    let bpp = (colors * bits).div_ceil(8).max(1);
    let row = (colors * bits * columns).div_ceil(8);
    match predictor {
        2 if bits == 8 => tiff_rows(data, row, bpp),
        10..=15 => png_rows(&data, row, bpp),
        _ => data,
    }
}

/// TIFF predictor 2 on 8-bit samples: each byte is added to the one a pixel before.
fn tiff_rows(mut data: Vec<u8>, row: usize, bpp: usize) -> Vec<u8> {
    for line in data.chunks_mut(row) {
        for i in bpp..line.len() {
            line[i] = line[i].wrapping_add(line[i - bpp]);
        }
    }
    data
}

/// PNG row filters: each row is a filter byte and `row` bytes of `bpp`-byte pixels; an
/// incomplete last row is dropped, an unknown filter byte read as none.
pub(crate) fn png_rows(raw: &[u8], row: usize, bpp: usize) -> Vec<u8> {
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
                _ => 0,
            };
            out.push(x.wrapping_add(predicted));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_and_tiff_predictors_are_undone() {
        // Two rows of three gray pixels: Sub, then Up.
        let raw = [1, 10, 5, 5, 2, 1, 1, 1];
        assert_eq!(png_rows(&raw, 3, 1), [10, 15, 20, 11, 16, 21]);
        // Paeth on the first row is Sub; Average is half of left plus up.
        assert_eq!(png_rows(&[4, 10, 5, 3, 10, 2], 2, 1), [10, 15, 15, 17]);
        assert_eq!(
            tiff_rows(vec![10, 5, 5, 1, 1, 1], 3, 1),
            [10, 15, 20, 1, 2, 3]
        );
        // An incomplete row is dropped.
        assert_eq!(png_rows(&[0, 1, 2, 0, 3], 2, 1), [1, 2]);
    }

    #[test]
    fn the_unit_square_is_placed_through_the_matrix() {
        assert_eq!(
            placed(&[200.0, 0.0, 0.0, 100.0, 10.0, 20.0]),
            [10.0, 20.0, 210.0, 120.0]
        );
        // Rotated a quarter turn.
        assert_eq!(
            placed(&[0.0, 50.0, -30.0, 0.0, 100.0, 0.0]),
            [70.0, 0.0, 100.0, 50.0]
        );
    }
}
