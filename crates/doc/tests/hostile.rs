//! Word files made or damaged on purpose: the committed fixtures (LibreOffice's `.doc` of the
//! project's DOCX samples), compound files that are not Word documents, encrypted, truncated and
//! corrupted files, compound-file sector loops and oversized streams. Every one reads or fails
//! with a typed error; none panics.

use std::io::{Cursor, Read, Seek, SeekFrom, Write};

use nianbao_doc::{read, Block, CompoundKind, DocError, DocLimits, VerticalMerge};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A compound file holding the given streams.
fn compound(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for (name, bytes) in streams {
        file.create_stream(name).unwrap().write_all(bytes).unwrap();
    }
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// `bytes` with the stream `name` changed in place (same length) by `change`.
fn with_stream(bytes: &[u8], name: &str, change: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes.to_vec())).unwrap();
    let mut stream = file.open_stream(name).unwrap();
    let mut content = Vec::new();
    stream.read_to_end(&mut content).unwrap();
    change(&mut content);
    stream.seek(SeekFrom::Start(0)).unwrap();
    stream.write_all(&content).unwrap();
    drop(stream);
    file.flush().unwrap();
    file.into_inner().into_inner()
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// Where the FAT entry of `sector` is in a version-3 compound file (512-byte sectors, 128
/// entries a FAT sector, the FAT sectors listed in the header).
fn fat_entry(bytes: &[u8], sector: u32) -> usize {
    let fat_sector = u32_at(bytes, 0x4C + 4 * (sector as usize / 128));
    (fat_sector as usize + 1) * 512 + 4 * (sector as usize % 128)
}

/// The start sector and the directory-entry offset of a stream, found by its name along the
/// directory's sector chain.
fn directory_entry(bytes: &[u8], name: &str) -> (u32, usize) {
    let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut sector = u32_at(bytes, 0x30);
    loop {
        let dir = (sector as usize + 1) * 512;
        if let Some(entry) = (0..4)
            .map(|i| dir + 128 * i)
            .find(|&e| bytes[e..].starts_with(&utf16))
        {
            return (u32_at(bytes, entry + 116), entry);
        }
        sector = u32_at(bytes, fat_entry(bytes, sector));
        assert!(sector < 0xFFFF_FFFA, "no {name} stream");
    }
}

/// Sets the FAT entry of `sector`.
fn set_fat(bytes: &mut [u8], sector: u32, next: u32) {
    let at = fat_entry(bytes, sector);
    bytes[at..at + 4].copy_from_slice(&next.to_le_bytes());
}

fn paragraphs_and_tables(bytes: &[u8]) -> (Vec<String>, Vec<nianbao_doc::Table>) {
    let doc = read(bytes, &DocLimits::default()).unwrap();
    let mut paragraphs = Vec::new();
    let mut tables = Vec::new();
    for block in doc.blocks {
        match block {
            Block::Paragraph(p) => paragraphs.push(p),
            Block::Table(t) => tables.push(t),
        }
    }
    (paragraphs, tables)
}

#[test]
fn the_fixtures_read_to_paragraphs_and_tables_with_merges() {
    let (paragraphs, tables) = paragraphs_and_tables(&fixture("county-2023-v2021.doc"));
    assert_eq!(
        paragraphs[0],
        "示例县人民政府2023年政府信息公开工作年度报告"
    );
    assert!(paragraphs.contains(&"四、政府信息公开行政复议、行政诉讼情况".to_string()));
    // Tables 二, 三 and 四, one table each (rows whose properties are in the Data stream
    // included).
    assert_eq!(tables.len(), 3, "{tables:?}");
    let row = &tables[0].rows[2];
    let texts: Vec<String> = row.cells.iter().map(|c| c.text()).collect();
    assert_eq!(texts, vec!["规章", "0", "0", "3"]);
    // The heading of table 二 spans its four columns.
    assert_eq!(tables[0].rows[0].cells[0].cols, 4);
    // Table 三's corner cell starts a vertical merge that the next row continues.
    assert_eq!(tables[1].rows[0].cells[0].vertical, VerticalMerge::Restart);
    assert_eq!(tables[1].rows[1].cells[0].vertical, VerticalMerge::Continue);
    let (_, tables) = paragraphs_and_tables(&fixture("bureau-2020-v2019.doc"));
    assert_eq!(tables.len(), 3, "{tables:?}");
}

/// Current WPS Office writes `.wps` in the Word binary format (a `WordDocument` stream): such
/// a file is read whatever its name; an OLE2 file of another kind is refused by name.
#[test]
fn compound_files_that_are_not_word_documents_are_refused_by_name() {
    let kind_of = |bytes: &[u8]| match read(bytes, &DocLimits::default()) {
        Err(DocError::OtherCompoundFile { kind, streams }) => (kind, streams),
        other => panic!("{other:?}"),
    };
    let xls = compound(&[("Workbook", b"\x09\x08\x10\x00")]);
    assert_eq!(
        kind_of(&xls),
        (CompoundKind::Spreadsheet, "Workbook".into())
    );
    let err = read(&xls, &DocLimits::default()).unwrap_err().to_string();
    assert!(err.contains("an Excel spreadsheet (.xls)"), "{err}");
    // A Microsoft Works word-processor file (also named .wps).
    let works = compound(&[("CONTENTS", b"CHNKWKS "), ("SPELLING", b"")]);
    assert_eq!(kind_of(&works).0, CompoundKind::Works);
    let err = read(&works, &DocLimits::default()).unwrap_err().to_string();
    assert!(
        err.contains("a Microsoft Works document (.wps)") && err.contains("CONTENTS, SPELLING"),
        "{err}"
    );
    // Streams of no known program: an older Kingsoft WPS document, when named .wps.
    let kingsoft = compound(&[("WpsDoc", b"\0\0\0\0"), ("Summary", b"")]);
    assert_eq!(kind_of(&kingsoft).0, CompoundKind::Unknown);
    let err = read(&kingsoft, &DocLimits::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Kingsoft WPS's own older formats") && err.contains("WpsDoc"),
        "{err}"
    );
    // A WordDocument stream that is not Word's.
    let fake = compound(&[("WordDocument", b"not a FIB at all"), ("1Table", b"")]);
    assert!(matches!(
        read(&fake, &DocLimits::default()),
        Err(DocError::NotWord(_))
    ));
    assert!(matches!(
        read(b"PK\x03\x04", &DocLimits::default()),
        Err(DocError::NotCompoundFile(_))
    ));
}

#[test]
fn encrypted_and_word_95_documents_are_refused() {
    let doc = fixture("county-2023-v2021.doc");
    let encrypted = with_stream(&doc, "WordDocument", |w| w[11] |= 0x01);
    assert_eq!(
        read(&encrypted, &DocLimits::default()),
        Err(DocError::Encrypted)
    );
    let word95 = with_stream(&doc, "WordDocument", |w| {
        w[2..4].copy_from_slice(&[0x65, 0])
    });
    assert_eq!(
        read(&word95, &DocLimits::default()),
        Err(DocError::OldWord(0x65))
    );
}

#[test]
fn pieces_outside_the_stream_are_errors() {
    let doc = fixture("county-2023-v2021.doc");
    let mut fib = Vec::new();
    let _ = with_stream(&doc, "WordDocument", |w| fib = w.clone());
    let (fc_clx, lcb_clx) = (u32_at(&fib, 0x1A2) as usize, u32_at(&fib, 0x1A6) as usize);
    let table = if fib[11] & 0x02 != 0 {
        "1Table"
    } else {
        "0Table"
    };
    // The first piece descriptor's FC, far past the end of the stream.
    let moved = with_stream(&doc, table, |t| {
        let clx = &mut t[fc_clx..fc_clx + lcb_clx];
        let plc = clx.iter().position(|b| *b == 2).unwrap() + 5;
        let pieces = (clx.len() - plc - 4) / 12;
        let fc = plc + 4 * (pieces + 1) + 2;
        clx[fc..fc + 4].copy_from_slice(&0x3FFF_FFF0u32.to_le_bytes());
    });
    let err = read(&moved, &DocLimits::default()).unwrap_err();
    assert!(matches!(err, DocError::Broken(_)), "{err}");
    // The CLX pointer itself past the end of the table stream.
    let far = with_stream(&doc, "WordDocument", |w| {
        w[0x1A2..0x1A6].copy_from_slice(&0x7FFF_0000u32.to_le_bytes())
    });
    assert!(matches!(
        read(&far, &DocLimits::default()),
        Err(DocError::Broken(_))
    ));
}

#[test]
fn sector_chains_that_loop_are_refused_by_the_compound_file_reader() {
    let doc = fixture("county-2023-v2021.doc");
    let (start, _) = directory_entry(&doc, "WordDocument");
    // The stream's first sector points to itself.
    let mut self_loop = doc.clone();
    set_fat(&mut self_loop, start, start);
    let err = read(&self_loop, &DocLimits::default()).unwrap_err();
    assert!(
        matches!(err, DocError::NotCompoundFile(_) | DocError::Broken(_)),
        "{err}"
    );
    // Its second sector points back to the first.
    let mut back = doc.clone();
    set_fat(&mut back, start + 1, start);
    let err = read(&back, &DocLimits::default()).unwrap_err();
    assert!(err.to_string().contains("duplicate sector"), "{err}");
    // Its third sector points to its second (a sector pointed to twice).
    let mut twice = doc.clone();
    set_fat(&mut twice, start + 2, start + 1);
    let err = read(&twice, &DocLimits::default()).unwrap_err();
    assert!(err.to_string().contains("pointed to twice"), "{err}");
}

#[test]
fn oversized_streams_are_refused_before_they_are_read() {
    let doc = fixture("county-2023-v2021.doc");
    let (_, entry) = directory_entry(&doc, "WordDocument");
    // A stream that claims 2 GiB, far more than its sector chain: refused at its declared
    // size, before anything is allocated.
    let mut huge = doc.clone();
    huge[entry + 120..entry + 128].copy_from_slice(&0x7FFF_0000u64.to_le_bytes());
    let err = read(&huge, &DocLimits::default()).unwrap_err();
    assert!(matches!(err, DocError::OverLimit(_)), "{err}");
    // One that claims 1 MiB, under the limit but past its chain: the chain ends first.
    let mut long = doc.clone();
    long[entry + 120..entry + 128].copy_from_slice(&(1u64 << 20).to_le_bytes());
    let err = read(&long, &DocLimits::default()).unwrap_err();
    assert!(matches!(err, DocError::Broken(_)), "{err}");
    let small = DocLimits {
        max_stream_bytes: 4096,
        ..DocLimits::default()
    };
    let err = read(&doc, &small).unwrap_err();
    assert!(matches!(err, DocError::OverLimit(_)), "{err}");
    let few = DocLimits {
        max_chars: 10,
        ..DocLimits::default()
    };
    assert!(matches!(read(&doc, &few), Err(DocError::OverLimit(_))));
}

#[test]
fn truncated_and_corrupted_files_never_panic() {
    let doc = fixture("bureau-2020-v2019.doc");
    for cut in (0..doc.len()).step_by(509) {
        assert!(
            read(&doc[..cut], &DocLimits::default()).is_err(),
            "cut at {cut}"
        );
    }
    // Bytes changed at pseudo-random places, a few at a time.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let mut bad = doc.clone();
        for _ in 0..1 + next() % 8 {
            let at = (next() % bad.len() as u64) as usize;
            bad[at] = next() as u8;
        }
        let _ = read(&bad, &DocLimits::default());
    }
}

/// The streams themselves changed (the FIB, the piece table, the property pages, the Data
/// stream), a few bytes at a time, inside a valid compound file: the Word reader's own parsing
/// meets the damage. (60,000 such files were read without a panic when this was written.)
#[test]
fn corrupted_streams_never_panic() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for name in ["county-2023-v2021.doc", "bureau-2020-v2019.doc"] {
        let doc = fixture(name);
        for _ in 0..500 {
            let stream = ["WordDocument", "1Table", "Data"][(next() % 3) as usize];
            let changes: Vec<(u64, u8)> = (0..1 + next() % 6)
                .map(|_| {
                    // Half of the changes in the first KiB (the FIB, the CLX of small files).
                    let at = if next() % 2 == 0 {
                        next() % 1024
                    } else {
                        next()
                    };
                    let value = [0, 0xFF, 0x7F, 0x80, next() as u8][(next() % 5) as usize];
                    (at, value)
                })
                .collect();
            let bad = with_stream(&doc, stream, |s| {
                for &(at, value) in &changes {
                    let at = (at % s.len() as u64) as usize;
                    s[at] = value;
                }
                if stream == "WordDocument" {
                    // Keep the Word header, so that the reader goes on.
                    s[0..2].copy_from_slice(&[0xEC, 0xA5]);
                }
            });
            let _ = read(&bad, &DocLimits::default());
        }
    }
}
