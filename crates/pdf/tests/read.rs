//! The text layer of generated PDFs: glyph positions (CTM, text matrix, TJ, Tc, Tw, Tz, rise),
//! fonts without embedded programs (STSong-Light through UniGB-UCS2-H), simple fonts'
//! encodings, rules, images, and the limits (bombs in every filter chain, deep nesting,
//! self-calling forms, page count).

use std::io::Write;

use nianbao_pdf::{
    page_images, read, ColorSpace, Direction, FaxCoding, Glyph, ImageData, Orientation, PageImage,
    PdfError, PdfLimits, Rule,
};

use nianbao_pdf::testing::write_pdf as pdf;

/// A stream object.
fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend(data);
    out.extend(b"\nendstream");
    out
}

/// A one-page PDF showing `content` with `/F1` a Type0 STSong-Light font (no embedded
/// program, UniGB-UCS2-H) and `/F2` a Type1 font whose codes 65 and 66 are `uni4E00` and
/// `seven`; `/F3` and `/F4` are STSong-Light through Identity-H (CIDs) and GBK-EUC-H, with
/// `/W` giving the half-width CIDs 1-95 500; `extra` objects follow (numbered from 7), e.g. XObjects named in `xobjects`.
fn one_page(content: &[u8], xobjects: &str, extra: &[Vec<u8>]) -> Vec<u8> {
    page_with("", content, xobjects, extra)
}

/// [`one_page`] with more entries in the page dictionary (`/Rotate 90`).
fn page_with(entries: &str, content: &[u8], xobjects: &str, extra: &[Vec<u8>]) -> Vec<u8> {
    let descendant = "[<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
        /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 \
        /W [1 95 500] >>]";
    let gb1_identity = format!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H \
         /DescendantFonts {descendant} >>"
    );
    let gb1_gbk = format!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H \
         /DescendantFonts {descendant} >>"
    );
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {entries} /Contents 4 0 R \
             /Resources << /Font << /F1 5 0 R /F2 6 0 R /F3 {gb1_identity} /F4 {gb1_gbk} >> \
             /XObject << {xobjects} >> >> >>"
        )
        .into_bytes(),
        stream("", content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H \
           /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
           /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 \
           /FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 \
           /FontBBox [0 -143 1000 857] /ItalicAngle 0 /Ascent 857 /Descent -143 /CapHeight 857 \
           /StemV 91 >> >>] >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Custom /FirstChar 65 /LastChar 66 \
           /Widths [1000 500] /Encoding << /Differences [65 /uni4E00 /seven] >> >>"
            .to_vec(),
    ];
    objects.extend_from_slice(extra);
    pdf(&objects)
}

/// UCS-2 hex of text, as UniGB-UCS2-H codes.
fn ucs2(text: &str) -> String {
    let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
    format!("<{hex}>")
}

fn glyphs(bytes: &[u8]) -> Vec<Glyph> {
    let text = read(bytes, &PdfLimits::default()).unwrap();
    text.pages.into_iter().flat_map(|p| p.glyphs).collect()
}

fn placed(glyphs: &[Glyph]) -> Vec<(&str, f32, f32, f32)> {
    glyphs
        .iter()
        .map(|g| (g.text.as_str(), g.x, g.y, g.size))
        .collect()
}

#[test]
fn a_predefined_cjk_cmap_without_an_embedded_font_decodes_and_places_glyphs() {
    let content = format!(
        "BT /F1 12 Tf 100 700 Td {} Tj [{} -500 {}] TJ ET\n\
         BT /F1 12 Tf 2 Tc 50 Tz 5 Ts 100 600 Td {} Tj ET\n\
         q 2 0 0 2 10 20 cm BT /F1 10 Tf 1 0 0 1 50 100 Tm {} Tj ET Q",
        ucs2("一二"),
        ucs2("三"),
        ucs2("四"),
        ucs2("五6"),
        ucs2("七"),
    );
    let glyphs = glyphs(&one_page(content.as_bytes(), "", &[]));
    assert_eq!(
        placed(&glyphs),
        [
            ("一", 100.0, 700.0, 12.0),
            ("二", 112.0, 700.0, 12.0),
            ("三", 124.0, 700.0, 12.0),
            // TJ -500 moves right by half the font size.
            ("四", 142.0, 700.0, 12.0),
            // Tz 50 halves the advance, Tc adds 2 (scaled too), Ts raises the baseline.
            ("五", 100.0, 605.0, 12.0),
            ("6", 107.0, 605.0, 12.0),
            // The CTM scales and moves the text matrix; the rise (text state is graphics
            // state, kept across BT) is scaled too.
            ("七", 110.0, 230.0, 20.0),
        ]
    );
    assert!(glyphs.iter().all(|g| g.mapped && g.font == 0));
    assert_eq!(glyphs[0].width, 12.0);
}

#[test]
fn adobe_gb1_cids_and_gbk_codes_decode_without_a_to_unicode_map() {
    // CID 4162 is 一, CID 22 is 5 (half-width: 500 from /W); GBK D2BB is 一, 35 is 5.
    let glyphs = glyphs(&one_page(
        b"BT /F3 10 Tf 0 0 Td <10420016> Tj /F4 10 Tf 0 20 Td <D2BB35> Tj ET",
        "",
        &[],
    ));
    let texts: Vec<(&str, f32, f32)> = glyphs
        .iter()
        .map(|g| (g.text.as_str(), g.x, g.width))
        .collect();
    assert_eq!(
        texts,
        [
            ("一", 0.0, 10.0),
            ("5", 10.0, 5.0),
            ("一", 0.0, 10.0),
            ("5", 10.0, 5.0)
        ]
    );
}

#[test]
fn simple_fonts_decode_through_differences_glyph_names() {
    let glyphs = glyphs(&one_page(b"BT /F2 10 Tf 0 0 Td (ABA) Tj ET", "", &[]));
    assert_eq!(
        placed(&glyphs),
        [
            ("一", 0.0, 0.0, 10.0),
            ("7", 10.0, 0.0, 10.0),
            ("一", 15.0, 0.0, 10.0)
        ]
    );
}

#[test]
fn undecodable_codes_are_marked_and_counted() {
    let text = read(
        &one_page(b"BT /F2 10 Tf (A\\310) Tj ET", "", &[]),
        &PdfLimits::default(),
    )
    .unwrap();
    let g = &text.pages[0].glyphs;
    assert_eq!((g[1].text.as_str(), g[1].mapped), ("\u{FFFD}", false));
    assert_eq!(text.fonts[0].name, "Custom");
    assert_eq!((text.fonts[0].glyphs, text.fonts[0].unmapped), (2, 1));
}

#[test]
fn rules_come_from_strokes_and_thin_fills_in_page_space() {
    let content = b"0.5 w 10 800 m 200 800 l S\n\
        10 700 190 50 re S\n\
        10 600 190 1 re f\n\
        10 500 100 100 re f\n\
        q 2 0 0 2 0 0 cm 5 5 0.5 40 re f Q\n\
        10 400 m 50 440 l S\n\
        10 300 m 60 300 l 80 320 100 300 c S";
    let text = read(&one_page(content, "", &[]), &PdfLimits::default()).unwrap();
    let rules = &text.pages[0].rules;
    let h = |at, from, to| Rule {
        orientation: Orientation::Horizontal,
        at,
        from,
        to,
    };
    let v = |at, from, to| Rule {
        orientation: Orientation::Vertical,
        at,
        from,
        to,
    };
    assert_eq!(
        rules,
        &[
            h(800.0, 10.0, 200.0),
            h(700.0, 10.0, 200.0),
            v(200.0, 700.0, 750.0),
            h(750.0, 10.0, 200.0),
            v(10.0, 700.0, 750.0),
            h(600.5, 10.0, 200.0),
            v(10.5, 10.0, 90.0),
        ]
    );
}

#[test]
fn images_and_forms_are_followed() {
    let form = stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Matrix [1 0 0 1 50 50] \
         /Resources << /Font << /F1 5 0 R >> >>",
        format!("BT /F1 10 Tf 0 0 Td {} Tj ET", ucs2("表")).as_bytes(),
    );
    let image = stream(
        "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8",
        b"\x00",
    );
    let content = b"q 2 0 0 2 0 0 cm /Fm Do Q /Im Do BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI";
    let text = read(
        &one_page(content, "/Fm 7 0 R /Im 8 0 R", &[form, image]),
        &PdfLimits::default(),
    )
    .unwrap();
    let page = &text.pages[0];
    assert_eq!(placed(&page.glyphs), [("表", 100.0, 100.0, 20.0)]);
    assert_eq!(page.images, 2);
}

#[test]
fn forms_that_draw_each_other_stop() {
    let form = |other: usize| {
        stream(
            &format!(
                "/Type /XObject /Subtype /Form /BBox [0 0 1 1] \
                 /Resources << /XObject << /Fm {other} 0 R >> >>"
            ),
            b"/Fm Do /Fm Do",
        )
    };
    let bytes = one_page(b"/Fm Do", "/Fm 7 0 R", &[form(8), form(7)]);
    // The parser refuses to resolve a reference cycle (7 → 8 → 7) by itself...
    assert!(read(&bytes, &PdfLimits::default()).is_ok());
    // ...and nesting deeper than the limit is an error.
    let limits = PdfLimits {
        max_form_depth: 1,
        ..PdfLimits::default()
    };
    assert_eq!(read(&bytes, &limits), Err(PdfError::TooDeep { limit: 1 }));
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

#[test]
fn a_bomb_in_any_filter_chain_stops_at_the_byte_limit() {
    let zeros = vec![b' '; 2 << 20];
    let flate = zlib(&zeros);
    let hex: Vec<u8> = flate
        .iter()
        .flat_map(|b| format!("{b:02X}").into_bytes())
        .chain(*b">")
        .collect();
    let mut lzw = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
    let lzw = lzw.encode(&zeros).unwrap();
    let run = [129u8, b' '].repeat(20_000);
    let limits = PdfLimits {
        max_decoded_bytes: 1 << 20,
        ..PdfLimits::default()
    };
    for (filter, data) in [
        ("/FlateDecode", flate.clone()),
        ("[/ASCIIHexDecode /FlateDecode]", hex),
        ("/LZWDecode", lzw),
        ("/RunLengthDecode", run),
    ] {
        let content = stream(&format!("/Filter {filter}"), &data);
        let mut bytes = one_page(b"", "", &[]);
        // The page's content is object 4: replace it with the bomb.
        let plain = stream("", b"");
        let at = bytes
            .windows(plain.len())
            .position(|w| w == plain.as_slice())
            .unwrap();
        bytes.splice(at..at + plain.len(), content);
        assert_eq!(
            read(&bytes, &limits),
            Err(PdfError::TooManyBytes { limit: 1 << 20 }),
            "{filter}"
        );
        // Within a larger limit the same page reads.
        assert!(read(&bytes, &PdfLimits::default()).is_ok(), "{filter}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for (open, close) in [("<< /A ", ">>"), ("[", "]")] {
        let mut bytes = b"%PDF-1.4\n1 0 obj\n".to_vec();
        bytes.extend(open.repeat(100_000).as_bytes());
        bytes.extend(close.repeat(100_000).as_bytes());
        bytes.extend(b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
        assert_eq!(
            read(&bytes, &PdfLimits::default()),
            Err(PdfError::NestedTooDeep { limit: 512 })
        );
    }
    // Nesting inside a content stream only ends the stream early.
    let content = "[".repeat(100_000);
    assert!(read(
        &one_page(content.as_bytes(), "", &[]),
        &PdfLimits::default()
    )
    .is_ok());
}

#[test]
fn too_many_pages_are_refused() {
    let limits = PdfLimits {
        max_pages: 0,
        ..PdfLimits::default()
    };
    assert_eq!(
        read(&one_page(b"", "", &[]), &limits),
        Err(PdfError::TooManyPages { pages: 1, limit: 0 })
    );
    assert_eq!(
        read(b"%PDF-1.7\ngarbage", &PdfLimits::default()),
        Err(PdfError::Broken)
    );
}

/// PNG rows (filter byte Sub on every row) of gray samples.
fn png_sub_rows(rows: &[&[u8]]) -> Vec<u8> {
    rows.iter()
        .flat_map(|row| {
            let mut out = vec![1u8];
            out.extend(row.iter().enumerate().map(|(i, &x)| {
                if i == 0 {
                    x
                } else {
                    x.wrapping_sub(row[i - 1])
                }
            }));
            out
        })
        .collect()
}

#[test]
fn page_images_hand_out_flate_samples_and_jpeg_bytes_where_they_are_drawn() {
    let samples: [&[u8]; 2] = [&[0, 64, 128], &[255, 200, 100]];
    let gray = stream(
        "/Type /XObject /Subtype /Image /Width 3 /Height 2 /ColorSpace /DeviceGray \
         /BitsPerComponent 8 /Filter /FlateDecode \
         /DecodeParms << /Predictor 15 /Colors 1 /BitsPerComponent 8 /Columns 3 >>",
        &zlib(&png_sub_rows(&samples)),
    );
    let jpeg_bytes = b"\xFF\xD8\xFF\xE0 not a real JPEG \xFF\xD9";
    let jpeg = stream(
        "/Type /XObject /Subtype /Image /Width 40 /Height 30 \
         /ColorSpace [/ICCBased 10 0 R] /BitsPerComponent 8 /Filter [/ASCIIHexDecode /DCTDecode]",
        &jpeg_bytes
            .iter()
            .flat_map(|b| format!("{b:02X}").into_bytes())
            .chain(*b">")
            .collect::<Vec<u8>>(),
    );
    // The JPEG is drawn through a form: its matrix and the CTM both place it.
    let form = stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 1000 1000] /Matrix [1 0 0 1 100 0] \
         /Resources << /XObject << /J 8 0 R >> >>",
        b"q 40 0 0 30 0 0 cm /J Do Q",
    );
    let profile = stream("/N 3", b"");
    let content = b"q 300 0 0 200 10 20 cm /G Do Q q 2 0 0 2 0 0 cm /Fm Do Q";
    let bytes = one_page(content, "/G 7 0 R /Fm 9 0 R", &[gray, jpeg, form, profile]);
    let pages = page_images(&bytes, &PdfLimits::default(), 10).unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(
        pages[0],
        [
            PageImage {
                width: 3,
                height: 2,
                bits_per_component: 8,
                color: ColorSpace::Gray,
                data: ImageData::Raw(vec![0, 64, 128, 255, 200, 100]),
                placed: [10.0, 20.0, 310.0, 220.0],
                quarter_turns: 0,
            },
            PageImage {
                width: 40,
                height: 30,
                bits_per_component: 8,
                color: ColorSpace::Rgb,
                data: ImageData::Jpeg(jpeg_bytes.to_vec()),
                placed: [200.0, 0.0, 280.0, 60.0],
                quarter_turns: 0,
            },
        ]
    );
    // Reading the text does not decode the images, and still counts them.
    assert_eq!(
        read(&bytes, &PdfLimits::default()).unwrap().pages[0].images,
        2
    );
    // No pages asked for, no pages run.
    assert!(page_images(&bytes, &PdfLimits::default(), 0)
        .unwrap()
        .is_empty());
    // An image past the pixel limit is refused; images decode within the byte budget.
    let limits = PdfLimits {
        max_image_pixels: 1_000,
        ..PdfLimits::default()
    };
    assert_eq!(
        page_images(&bytes, &limits, 10),
        Err(PdfError::TooManyPixels {
            pixels: 1_200,
            limit: 1_000
        })
    );
}

#[test]
fn an_image_bomb_stops_at_the_byte_limit() {
    let bomb = stream(
        "/Type /XObject /Subtype /Image /Width 4000 /Height 4000 /ColorSpace /DeviceGray \
         /BitsPerComponent 8 /Filter /FlateDecode",
        &zlib(&vec![0u8; 16 << 20]),
    );
    let bytes = one_page(b"q 595 0 0 842 0 0 cm /B Do Q", "/B 7 0 R", &[bomb]);
    let limits = PdfLimits {
        max_decoded_bytes: 4 << 20,
        ..PdfLimits::default()
    };
    assert_eq!(
        page_images(&bytes, &limits, 10),
        Err(PdfError::TooManyBytes { limit: 4 << 20 })
    );
    // The text reader never decodes it.
    assert_eq!(read(&bytes, &limits).unwrap().pages[0].images, 1);
}

#[test]
fn indexed_images_and_image_masks_are_handed_out_as_plain_samples() {
    // 1-bit indices into an RGB palette (black, white), 3 pixels: white, black, white.
    let rgb = stream(
        "/Type /XObject /Subtype /Image /Width 3 /Height 1 /BitsPerComponent 1 \
         /ColorSpace [/Indexed /DeviceRGB 1 <000000FFFFFF>]",
        b"\xA0",
    );
    // 8-bit indices into a gray palette given as a stream: 2, 0.
    let gray = stream(
        "/Type /XObject /Subtype /Image /Width 2 /Height 1 /BitsPerComponent 8 \
         /ColorSpace [/Indexed /DeviceGray 2 10 0 R]",
        b"\x02\x00",
    );
    let table = stream("", b"\x00\x80\xFF");
    // A mask: 0 paints (black), 1 is left (white); inverted by /Decode [1 0].
    let mask = stream(
        "/Type /XObject /Subtype /Image /Width 8 /Height 1 /ImageMask true /Decode [1 0]",
        b"\x0F",
    );
    let content =
        b"q 30 0 0 10 0 0 cm /R Do Q q 20 0 0 10 0 0 cm /G Do Q q 80 0 0 10 0 0 cm /M Do Q";
    let bytes = one_page(
        content,
        "/R 7 0 R /G 8 0 R /M 9 0 R",
        &[rgb, gray, mask, table],
    );
    let pages = page_images(&bytes, &PdfLimits::default(), 1).unwrap();
    let plain = |i: &PageImage| (i.color, i.bits_per_component, i.data.clone());
    assert_eq!(
        plain(&pages[0][0]),
        (
            ColorSpace::Rgb,
            8,
            ImageData::Raw(vec![255, 255, 255, 0, 0, 0, 255, 255, 255])
        )
    );
    assert_eq!(
        plain(&pages[0][1]),
        (ColorSpace::Gray, 8, ImageData::Raw(vec![0xFF, 0x00]))
    );
    assert_eq!(
        plain(&pages[0][2]),
        (ColorSpace::Gray, 1, ImageData::Raw(vec![0xF0]))
    );
}

#[test]
fn an_image_drawn_turned_says_which_way_up_it_shows() {
    let gray = stream(
        "/Type /XObject /Subtype /Image /Width 2 /Height 1 /ColorSpace /DeviceGray \
         /BitsPerComponent 8",
        b"\x00\xF0",
    );
    // Upright, its top turned to the right, upside down, its top to the left.
    let content = b"q 100 0 0 50 0 0 cm /I Do Q q 0 -100 50 0 0 300 cm /I Do Q \
                    q -100 0 0 -50 300 300 cm /I Do Q q 0 100 -50 0 400 0 cm /I Do Q";
    let bytes = one_page(content, "/I 7 0 R", &[gray]);
    let pages = page_images(&bytes, &PdfLimits::default(), 1).unwrap();
    let turns: Vec<u8> = pages[0].iter().map(|i| i.quarter_turns).collect();
    assert_eq!(turns, [0, 1, 2, 3]);
    // Drawn upright on a page displayed turned a quarter clockwise (`/Rotate 90`).
    let gray = stream(
        "/Type /XObject /Subtype /Image /Width 2 /Height 1 /ColorSpace /DeviceGray \
         /BitsPerComponent 8",
        b"\x00\xF0",
    );
    let bytes = page_with(
        "/Rotate 90",
        b"q 100 0 0 50 0 0 cm /I Do Q",
        "/I 7 0 R",
        &[gray],
    );
    let pages = page_images(&bytes, &PdfLimits::default(), 1).unwrap();
    assert_eq!(pages[0][0].quarter_turns, 1);
}

#[test]
fn an_inverting_decode_array_is_applied_to_the_samples() {
    let inverted = stream(
        "/Type /XObject /Subtype /Image /Width 2 /Height 1 /ColorSpace /DeviceGray \
         /BitsPerComponent 8 /Decode [1 0]",
        b"\x00\xF0",
    );
    let bytes = one_page(b"q 100 0 0 50 0 0 cm /I Do Q", "/I 7 0 R", &[inverted]);
    let pages = page_images(&bytes, &PdfLimits::default(), 1).unwrap();
    assert_eq!(pages[0][0].data, ImageData::Raw(vec![0xFF, 0x0F]));
}

#[test]
fn coded_images_hand_out_their_code_and_how_it_is_coded() {
    // A fax image behind ASCIIHex, with its parameters (an inverting /Decode flips BlackIs1),
    // and a JBIG2 image whose globals are a Flate stream.
    let fax = stream(
        "/Type /XObject /Subtype /Image /Width 16 /Height 2 /ImageMask true /Decode [1 0] \
         /Filter [/AHx /CCITTFaxDecode] \
         /DecodeParms [null << /K -1 /Columns 16 /BlackIs1 false /EncodedByteAlign true >>]",
        b"0102>",
    );
    let jbig2 = stream(
        "/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray \
         /BitsPerComponent 1 /Filter /JBIG2Decode /DecodeParms << /JBIG2Globals 9 0 R >>",
        b"page segments",
    );
    let globals = stream("/Filter /FlateDecode", &zlib(b"global segments"));
    // A JPEG 2000 image: its bytes, whatever its (absent) colour space.
    let jpx = stream(
        "/Type /XObject /Subtype /Image /Width 4 /Height 4 /Filter /JPXDecode",
        b"jp2 bytes",
    );
    let content = b"q 16 0 0 2 0 0 cm /F Do Q q 8 0 0 8 0 0 cm /J Do Q q 4 0 0 4 0 0 cm /X Do Q";
    let bytes = one_page(
        content,
        "/F 7 0 R /J 8 0 R /X 10 0 R",
        &[fax, jbig2, globals, jpx],
    );
    let pages = page_images(&bytes, &PdfLimits::default(), 1).unwrap();
    assert_eq!(
        pages[0][0].data,
        ImageData::Fax {
            data: vec![1, 2],
            coding: FaxCoding {
                k: -1,
                columns: 16,
                rows: 0,
                end_of_block: true,
                end_of_line: false,
                byte_aligned: true,
                black_is_1: true,
            },
        }
    );
    assert_eq!(
        pages[0][1].data,
        ImageData::Jbig2 {
            data: b"page segments".to_vec(),
            globals: Some(b"global segments".to_vec()),
            ones_are_white: false,
        }
    );
    assert_eq!(pages[0][2].data, ImageData::Jpx(b"jp2 bytes".to_vec()));
}

/// Landscape content (`甲乙` at (100, 500), a rule under it, `丙` turned a quarter anticlockwise
/// at (300, 400)) drawn through `cm` on a portrait page.
fn landscape(cm: &str) -> Vec<u8> {
    format!(
        "q {cm} cm BT /F1 10 Tf 100 500 Td {} Tj ET 100 480 m 300 480 l S \
         BT /F1 10 Tf 0 1 -1 0 300 400 Tm {} Tj ET Q",
        ucs2("甲乙"),
        ucs2("丙")
    )
    .into_bytes()
}

/// Glyphs and rules of a page turned by `/Rotate`, and of a landscape table drawn turned on a
/// portrait page, come out in the upright reading frame: text left to right, the rule under
/// it, the page landscape; a glyph turned against the page keeps its direction.
#[test]
fn turned_pages_and_turned_text_come_out_upright() {
    let cases = [
        // (/Rotate, the cm that draws the content upright as the page is shown).
        ("/Rotate 90", "0 1 -1 0 595 0"),
        ("/Rotate 180", "-1 0 0 -1 595 842"),
        ("/Rotate 270", "0 -1 1 0 0 842"),
        ("/Rotate -90", "0 -1 1 0 0 842"),
        // No /Rotate: the text runs upwards on the page, which is turned to read it.
        ("", "0 1 -1 0 595 0"),
    ];
    for (rotate, cm) in cases {
        let text = read(
            &page_with(rotate, &landscape(cm), "", &[]),
            &PdfLimits::default(),
        )
        .unwrap();
        let page = &text.pages[0];
        let (w, h) = if rotate.contains("180") {
            (595.0, 842.0)
        } else {
            (842.0, 595.0)
        };
        assert!(
            (page.width - w).abs() < 0.01 && (page.height - h).abs() < 0.01,
            "{rotate}"
        );
        let got: Vec<(&str, i32, i32, i32, Direction)> = page
            .glyphs
            .iter()
            .map(|g| {
                let r = |v: f32| v.round() as i32;
                (g.text.as_str(), r(g.x), r(g.y), r(g.width), g.direction)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("甲", 100, 500, 10, Direction::LeftToRight),
                ("乙", 110, 500, 10, Direction::LeftToRight),
                ("丙", 300, 400, 10, Direction::BottomToTop),
            ],
            "{rotate}"
        );
        assert_eq!(page.rules.len(), 1, "{rotate}");
        let rule = page.rules[0];
        assert_eq!(rule.orientation, Orientation::Horizontal, "{rotate}");
        assert!(
            (rule.at - 480.0).abs() < 0.01
                && (rule.from - 100.0).abs() < 0.01
                && (rule.to - 300.0).abs() < 0.01,
            "{rotate}: {rule:?}"
        );
    }
}
