//! Stream decoding under one byte budget per document.
//!
//! 1. The filter chain is read from the stream's own dictionary (`/Filter` a name or an array,
//!    abbreviations of inline images included), never from the parser's decoder.
//! 2. Every stage (Flate, LZW, ASCII85, ASCIIHex, RunLength) writes through [`Budget`]: the
//!    output of each stage is charged as it is produced, so a bomb stops at the limit, in
//!    whatever chain it hides, after at most one chunk past it.
//! 3. Damaged data decodes to what it can (readers are lenient, like viewers); image filters
//!    (DCT, JPX, JBIG2, CCITT) and predictors are not text and are refused as
//!    [`Decoded::Unsupported`] (images undo predictors and hand out DCT data in
//!    [`crate::image`]).

use std::io::Read;

use crate::PdfError;

/// The bytes decoding may still produce in a document.
#[derive(Debug)]
pub(crate) struct Budget {
    left: u64,
    limit: u64,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub(crate) fn new(limit: u64) -> Self {
        Budget { left: limit, limit }
    }

    /// Charges `n` bytes, failing once the total passes the limit.
    pub(crate) fn charge(&mut self, n: usize) -> Result<(), PdfError> {
        match self.left.checked_sub(n as u64) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => Err(PdfError::TooManyBytes { limit: self.limit }),
        }
    }

    /// Appends `chunk` to `out`, charged.
    fn push(&mut self, out: &mut Vec<u8>, chunk: &[u8]) -> Result<(), PdfError> {
        self.charge(chunk.len())?;
        out.extend_from_slice(chunk);
        Ok(())
    }
}

/// One filter of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Filter {
    /// `/FlateDecode` (`/Fl`).
    Flate,
    /// `/LZWDecode` (`/LZW`).
    Lzw,
    /// `/ASCII85Decode` (`/A85`).
    Ascii85,
    /// `/ASCIIHexDecode` (`/AHx`).
    AsciiHex,
    /// `/RunLengthDecode` (`/RL`).
    RunLength,
    /// An image or crypt filter, or an unknown name: not decoded here.
    Other,
}

impl Filter {
    /// The filter a name stands for.
    pub(crate) fn from_name(name: &[u8]) -> Filter {
        match name {
            b"FlateDecode" | b"Fl" => Filter::Flate,
            b"LZWDecode" | b"LZW" => Filter::Lzw,
            b"ASCII85Decode" | b"A85" => Filter::Ascii85,
            b"ASCIIHexDecode" | b"AHx" => Filter::AsciiHex,
            b"RunLengthDecode" | b"RL" => Filter::RunLength,
            _ => Filter::Other,
        }
    }
}

/// What a filter chain gave.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decoded {
    /// The decoded bytes.
    Bytes(Vec<u8>),
    /// A filter this reader does not decode (an image codec, a predictor).
    Unsupported,
}

/// Decodes `raw` through `chain` (applied in order), charging `budget` for every stage's
/// output. `predicted` says the stream declares a predictor (`/DecodeParms /Predictor` > 1).
pub(crate) fn decode(
    raw: &[u8],
    chain: &[Filter],
    predicted: bool,
    budget: &mut Budget,
) -> Result<Decoded, PdfError> {
    if predicted || chain.contains(&Filter::Other) {
        return Ok(Decoded::Unsupported);
    }
    let mut data = raw.to_vec();
    budget.charge(data.len())?;
    for filter in chain {
        data = match filter {
            Filter::Flate => flate(&data, budget)?,
            Filter::Lzw => lzw(&data, budget)?,
            Filter::Ascii85 => ascii85(&data, budget)?,
            Filter::AsciiHex => ascii_hex(&data, budget)?,
            Filter::RunLength => run_length(&data, budget)?,
            Filter::Other => unreachable!("refused above"),
        };
    }
    Ok(Decoded::Bytes(data))
}

/// A stream's decoded bytes through its own filter chain, or `None` when a filter is not
/// decoded here (images, predictors).
pub(crate) fn decode_stream(
    stream: &hayro_syntax::object::Stream<'_>,
    budget: &mut Budget,
) -> Result<Option<Vec<u8>>, PdfError> {
    use hayro_syntax::object::{Dict, Name, Object};
    let dict = stream.dict();
    let chain: Vec<Filter> = match dict.get::<Object<'_>>(b"Filter") {
        Some(Object::Name(name)) => vec![Filter::from_name(&name)],
        Some(Object::Array(names)) => names
            .iter::<Name<'_>>()
            .map(|n| Filter::from_name(&n))
            .collect(),
        _ => Vec::new(),
    };
    let predictor = |params: &Dict<'_>| params.get::<i64>(b"Predictor").is_some_and(|p| p > 1);
    let predicted = match dict.get::<Object<'_>>(b"DecodeParms") {
        Some(Object::Dict(params)) => predictor(&params),
        Some(Object::Array(list)) => list.iter::<Dict<'_>>().any(|p| predictor(&p)),
        _ => false,
    };
    match decode(&stream.raw_data(), &chain, predicted, budget)? {
        Decoded::Bytes(bytes) => Ok(Some(bytes)),
        Decoded::Unsupported => Ok(None),
    }
}

/// The chunk decoders write at a time.
const CHUNK: usize = 64 << 10;

/// Whether `data` starts with a zlib header.
fn zlib_header(data: &[u8]) -> bool {
    data.len() >= 2
        && data[0] & 0x0F == 8
        && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0
}

/// zlib (or, when the header is not zlib's, raw deflate) through the budget; damaged data
/// gives what inflated before the damage. Whitespace before a zlib header (a `stream` keyword
/// followed by a space, which the parser keeps in the data) is skipped.
fn flate(data: &[u8], budget: &mut Budget) -> Result<Vec<u8>, PdfError> {
    let blank = data
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    let data = if !zlib_header(data) && zlib_header(&data[blank..]) {
        &data[blank..]
    } else {
        data
    };
    let zlib_header = zlib_header(data);
    let mut reader: Box<dyn Read + '_> = if zlib_header {
        Box::new(flate2::read::ZlibDecoder::new(data))
    } else {
        Box::new(flate2::read::DeflateDecoder::new(data))
    };
    let mut out = Vec::new();
    let mut chunk = vec![0u8; CHUNK];
    loop {
        match reader.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => budget.push(&mut out, &chunk[..n])?,
        }
    }
    Ok(out)
}

/// LZW with the early code-size change PDF uses by default.
fn lzw(data: &[u8], budget: &mut Budget) -> Result<Vec<u8>, PdfError> {
    let mut decoder = weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
    let mut out = Vec::new();
    let mut chunk = vec![0u8; CHUNK];
    let mut input = data;
    loop {
        let result = decoder.decode_bytes(input, &mut chunk);
        budget.push(&mut out, &chunk[..result.consumed_out])?;
        input = &input[result.consumed_in..];
        match result.status {
            Ok(weezl::LzwStatus::Ok) if result.consumed_in + result.consumed_out > 0 => {}
            _ => break,
        }
    }
    Ok(out)
}

/// ASCII base-85, up to `~>`; `z` stands for four zero bytes.
fn ascii85(data: &[u8], budget: &mut Budget) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::with_capacity(data.len() / 5 * 4);
    let mut group = [0u32; 5];
    let mut n = 0;
    let flush = |group: &[u32; 5], n: usize, out: &mut Vec<u8>, budget: &mut Budget| {
        let mut padded = *group;
        for slot in padded.iter_mut().skip(n) {
            *slot = 84;
        }
        let value = padded.iter().fold(0u64, |acc, &d| acc * 85 + u64::from(d)) as u32;
        budget.push(out, &value.to_be_bytes()[..n - 1])
    };
    for &b in data {
        match b {
            b'~' => break,
            b'z' if n == 0 => budget.push(&mut out, &[0; 4])?,
            b'!'..=b'u' => {
                group[n] = u32::from(b - b'!');
                n += 1;
                if n == 5 {
                    flush(&group, 5, &mut out, budget)?;
                    n = 0;
                }
            }
            _ => {}
        }
    }
    if n > 1 {
        flush(&group, n, &mut out, budget)?;
    }
    Ok(out)
}

/// ASCII hexadecimal, up to `>`; an odd last digit is followed by 0.
fn ascii_hex(data: &[u8], budget: &mut Budget) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::with_capacity(data.len() / 2);
    let mut high = None;
    for &b in data {
        if b == b'>' {
            break;
        }
        let Some(digit) = (b as char).to_digit(16) else {
            continue;
        };
        match high.take() {
            None => high = Some(digit as u8),
            Some(h) => out.push(h << 4 | digit as u8),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    budget.charge(out.len())?;
    Ok(out)
}

/// Run-length: a length byte `n` < 128 copies `n + 1` bytes, `n` > 128 repeats the next byte
/// `257 - n` times, 128 ends.
fn run_length(data: &[u8], budget: &mut Budget) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let n = data[i] as usize;
        i += 1;
        match n {
            128 => break,
            0..=127 => {
                let end = (i + n + 1).min(data.len());
                budget.push(&mut out, &data[i..end])?;
                i = end;
            }
            _ => {
                let Some(&b) = data.get(i) else { break };
                budget.push(&mut out, &[b; 128][..257 - n])?;
                i += 1;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(data).unwrap();
        z.finish().unwrap()
    }

    fn bytes(d: Decoded) -> Vec<u8> {
        match d {
            Decoded::Bytes(b) => b,
            Decoded::Unsupported => panic!("unsupported"),
        }
    }

    #[test]
    fn each_filter_decodes() {
        let mut budget = Budget::new(1 << 20);
        let hello = b"BT /F1 12 Tf (Hello) Tj ET".to_vec();
        let packed = zlib(&hello);
        assert_eq!(
            bytes(decode(&packed, &[Filter::Flate], false, &mut budget).unwrap()),
            hello
        );
        // Whitespace before the zlib header is skipped.
        let spaced = [b" \r\n".as_slice(), &packed].concat();
        assert_eq!(
            bytes(decode(&spaced, &[Filter::Flate], false, &mut budget).unwrap()),
            hello
        );
        assert_eq!(
            bytes(decode(b"48 65 6C6C6f>", &[Filter::AsciiHex], false, &mut budget).unwrap()),
            b"Hello"
        );
        assert_eq!(
            bytes(decode(b"87cURDZ~>", &[Filter::Ascii85], false, &mut budget).unwrap()),
            b"Hello"
        );
        assert_eq!(
            bytes(decode(b"z~>", &[Filter::Ascii85], false, &mut budget).unwrap()),
            [0, 0, 0, 0]
        );
        assert_eq!(
            bytes(
                decode(
                    &[1, b'a', b'b', 254, b'c', 128],
                    &[Filter::RunLength],
                    false,
                    &mut budget
                )
                .unwrap()
            ),
            b"abccc"
        );
        let mut lzw = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
        let packed = lzw.encode(&hello).unwrap();
        assert_eq!(
            bytes(decode(&packed, &[Filter::Lzw], false, &mut budget).unwrap()),
            hello
        );
        assert_eq!(
            decode(b"", &[Filter::Other], false, &mut budget).unwrap(),
            Decoded::Unsupported
        );
    }

    #[test]
    fn every_chain_stops_at_the_budget() {
        let zeros = vec![0u8; 8 << 20];
        let flate = zlib(&zeros);
        let mut lzw = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
        let lzw = lzw.encode(&zeros).unwrap();
        let hex: Vec<u8> = flate
            .iter()
            .flat_map(|b| format!("{b:02X}").into_bytes())
            .collect();
        let run: Vec<u8> = [129u8, 0].repeat(70_000);
        let z85 = vec![b'z'; 3 << 20];
        for (data, chain) in [
            (flate.clone(), vec![Filter::Flate]),
            (lzw, vec![Filter::Lzw]),
            (hex, vec![Filter::AsciiHex, Filter::Flate]),
            (run, vec![Filter::RunLength]),
            (z85, vec![Filter::Ascii85]),
        ] {
            let mut budget = Budget::new(1 << 20);
            assert!(
                matches!(
                    decode(&data, &chain, false, &mut budget),
                    Err(PdfError::TooManyBytes { .. })
                ),
                "{chain:?}"
            );
        }
    }
}
