//! Paragraph and table-row properties: the paragraph-property pages (PapxFkp, [MS-DOC] 2.9.175)
//! found through the PlcBtePapx, the property modifiers (sprms) in them, and what a table needs
//! of them: whether a paragraph is in a table, whether it ends a row, and a row's cell edges
//! and merges (`sprmTDefTable` with its TC80s, `sprmTMerge`, `sprmTVertMerge`).

use crate::fib::{u16_at, u32_at};
use crate::{DocError, DocLimits};

/// Size of a formatted-disk page (FKP).
const PAGE: usize = 512;
/// Size of a `BxPap` (offset byte and paragraph height) in a PapxFkp.
const BX_PAP_LEN: usize = 13;

/// `sprmPFInTable`: the paragraph is in a table.
const SPRM_P_F_IN_TABLE: u16 = 0x2416;
/// `sprmPFTtp`: the paragraph is the end-of-row mark of a table.
const SPRM_P_F_TTP: u16 = 0x2417;
/// `sprmPItap`: the table depth of the paragraph.
const SPRM_P_ITAP: u16 = 0x6649;
/// `sprmPFInnerTableCell`: the paragraph is the end-of-cell mark of a nested table.
const SPRM_P_F_INNER_TABLE_CELL: u16 = 0x244B;
/// `sprmPFInnerTtp`: the paragraph is the end-of-row mark of a nested table.
const SPRM_P_F_INNER_TTP: u16 = 0x244C;
/// `sprmTDefTable`: the cells of a row (edges and TC80s).
const SPRM_T_DEF_TABLE: u16 = 0xD608;
/// `sprmPChgTabs`: its operand has a size of its own kind.
const SPRM_P_CHG_TABS: u16 = 0xC615;
/// `sprmTMerge`: merges cells `itcFirst..itcLim` of a row horizontally.
const SPRM_T_MERGE: u16 = 0x5624;
/// `sprmTSplit`: undoes a horizontal merge.
const SPRM_T_SPLIT: u16 = 0x5625;
/// `sprmTVertMerge`: the vertical merge state of one cell.
const SPRM_T_VERT_MERGE: u16 = 0xD62B;
/// `sprmPHugePapx`: the paragraph's properties are in the `Data` stream, at its operand.
const SPRM_P_HUGE_PAPX: u16 = 0x6646;
/// Size of a `TC80` in `sprmTDefTable`.
const TC80_LEN: usize = 20;

/// The properties of runs of text, from every paragraph-property page.
#[derive(Debug, Default)]
pub struct ParagraphIndex {
    /// `(first FC, FC after the last, range of the grpprl in the WordDocument stream)`, sorted.
    runs: Vec<(u32, u32, std::ops::Range<usize>)>,
}

impl ParagraphIndex {
    /// Reads every page the PlcBtePapx names.
    pub fn parse(plc: &[u8], word: &[u8], limits: &DocLimits) -> Result<Self, DocError> {
        let broken = |what: String| DocError::Broken(format!("the paragraph properties {what}"));
        if plc.is_empty() {
            return Ok(ParagraphIndex::default());
        }
        if plc.len() < 4 || !(plc.len() - 4).is_multiple_of(8) {
            return Err(broken(format!("index has {} bytes", plc.len())));
        }
        let pages = (plc.len() - 4) / 8;
        if pages > limits.max_property_pages {
            return Err(DocError::OverLimit(format!(
                "the document has {pages} paragraph-property pages, more than the limit {}",
                limits.max_property_pages
            )));
        }
        let mut runs = Vec::new();
        for i in 0..pages {
            let pn = u32_at(plc, 4 * (pages + 1) + 4 * i).unwrap_or_default() & 0x003F_FFFF;
            let start = pn as usize * PAGE;
            let page = word.get(start..start + PAGE).ok_or_else(|| {
                broken(format!(
                    "page {pn} lies past the end of the WordDocument stream"
                ))
            })?;
            let crun = usize::from(page[PAGE - 1]);
            let bx_start = 4 * (crun + 1);
            if bx_start + BX_PAP_LEN * crun > PAGE - 1 {
                return Err(broken(format!("page {pn} claims {crun} runs")));
            }
            for j in 0..crun {
                let fc_start = u32_at(page, 4 * j).unwrap_or_default();
                let fc_end = u32_at(page, 4 * j + 4).unwrap_or_default();
                let grpprl = grpprl_in_page(page, page[bx_start + BX_PAP_LEN * j])
                    .map(|r| start + r.start..start + r.end)
                    .unwrap_or(0..0);
                runs.push((fc_start, fc_end, grpprl));
            }
        }
        runs.sort_by_key(|r| r.0);
        Ok(ParagraphIndex { runs })
    }

    /// An index of the given runs.
    #[cfg(test)]
    pub(crate) fn from_runs(mut runs: Vec<(u32, u32, std::ops::Range<usize>)>) -> Self {
        runs.sort_by_key(|r| r.0);
        ParagraphIndex { runs }
    }

    /// The property modifiers of the paragraph whose mark is at stream offset `fc` of the
    /// `WordDocument` stream; those too large for a page (`sprmPHugePapx`) are read from the
    /// `Data` stream.
    pub fn grpprl<'a>(&self, fc: u32, word: &'a [u8], data: &'a [u8]) -> &'a [u8] {
        let after = self.runs.partition_point(|r| r.0 <= fc);
        let grpprl = after
            .checked_sub(1)
            .map(|i| &self.runs[i])
            .filter(|r| fc < r.1)
            .and_then(|r| word.get(r.2.clone()))
            .unwrap_or_default();
        match sprms(grpprl).next() {
            Some((SPRM_P_HUGE_PAPX, operand)) => u32_at(operand, 0)
                .and_then(|at| {
                    let at = at as usize;
                    let len = usize::from(u16_at(data, at)?);
                    data.get(at + 2..at.checked_add(2 + len)?)
                })
                .unwrap_or_default(),
            _ => grpprl,
        }
    }
}

/// The range of a PapxInFkp's grpprl (after its style index) in its page, from the `bOffset`
/// of its `BxPap`; `None` when the paragraph has no properties of its own.
fn grpprl_in_page(page: &[u8], b_offset: u8) -> Option<std::ops::Range<usize>> {
    if b_offset == 0 {
        return None;
    }
    let at = 2 * usize::from(b_offset);
    let cb = usize::from(*page.get(at)?);
    let (start, len) = if cb != 0 {
        (at + 1, 2 * cb - 1)
    } else {
        (at + 2, 2 * usize::from(*page.get(at + 1)?))
    };
    // The first two bytes are the style index.
    let end = (start + len).min(PAGE - 1);
    (start + 2 <= end).then_some(start + 2..end)
}

/// The property modifiers (sprm and operand) of a grpprl, up to the first one cut short.
pub fn sprms(grpprl: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let sprm = u16_at(grpprl, at)?;
        let rest = &grpprl[at + 2..];
        let len = match sprm >> 13 {
            0 | 1 => 1,
            2 | 4 | 5 => 2,
            3 => 4,
            7 => 3,
            _ => match sprm {
                // A 16-bit size counting itself less one.
                SPRM_T_DEF_TABLE => usize::from(u16_at(rest, 0)?) + 1,
                SPRM_P_CHG_TABS if rest.first() == Some(&255) => {
                    // Deleted tabs (4 bytes each), then added tabs (3 bytes each).
                    let deleted = usize::from(*rest.get(1)?);
                    let added = usize::from(*rest.get(2 + 4 * deleted)?);
                    3 + 4 * deleted + 3 * added
                }
                _ => usize::from(*rest.first()?) + 1,
            },
        };
        let operand = rest.get(..len)?;
        at += 2 + len;
        Some((sprm, operand))
    })
}

/// What a paragraph's properties say about tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableMarks {
    /// The table depth: 0 outside tables.
    pub depth: u32,
    /// Whether the paragraph is the end-of-row mark of a top-level table.
    pub row_end: bool,
    /// Whether the paragraph ends a cell of a nested table.
    pub inner_cell_end: bool,
    /// Whether the paragraph is the end-of-row mark of a nested table.
    pub inner_row_end: bool,
}

impl TableMarks {
    /// Reads the marks from a paragraph's grpprl.
    pub fn of(grpprl: &[u8]) -> TableMarks {
        let mut marks = TableMarks::default();
        let mut in_table = false;
        let mut itap = None;
        for (sprm, operand) in sprms(grpprl) {
            let flag = operand.first().is_some_and(|b| *b != 0);
            match sprm {
                SPRM_P_F_IN_TABLE => in_table = flag,
                SPRM_P_F_TTP => marks.row_end = flag,
                SPRM_P_F_INNER_TABLE_CELL => marks.inner_cell_end = flag,
                SPRM_P_F_INNER_TTP => marks.inner_row_end = flag,
                SPRM_P_ITAP => itap = u32_at(operand, 0),
                _ => {}
            }
        }
        marks.depth = itap.unwrap_or(u32::from(in_table));
        marks
    }
}

/// How a cell joins the cell above it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VerticalMerge {
    /// Not merged vertically.
    #[default]
    None,
    /// The first cell of a vertical merge.
    Restart,
    /// Merged into the cell above.
    Continue,
}

impl VerticalMerge {
    /// From the 2-bit `vertMerge` of a TC80 or the operand of `sprmTVertMerge`.
    fn from_bits(bits: u8) -> VerticalMerge {
        match bits & 3 {
            1 => VerticalMerge::Continue,
            3 => VerticalMerge::Restart,
            _ => VerticalMerge::None,
        }
    }
}

/// One cell of a row's definition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellDef {
    /// Left edge, in twips.
    pub left: i16,
    /// Right edge, in twips.
    pub right: i16,
    /// Merged into the cell on its left (`fMerged` of a horizontal merge).
    pub merged_left: bool,
    /// Its vertical merge.
    pub vertical: VerticalMerge,
}

/// A row's definition, from the properties of its end-of-row mark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowDef {
    /// The cells, left to right.
    pub cells: Vec<CellDef>,
}

impl RowDef {
    /// Reads the row's cells from the grpprl of its end-of-row mark: the last `sprmTDefTable`,
    /// then the merges applied after it.
    pub fn of(grpprl: &[u8]) -> RowDef {
        let mut row = RowDef::default();
        for (sprm, operand) in sprms(grpprl) {
            match sprm {
                SPRM_T_DEF_TABLE => row = RowDef::defined(operand),
                SPRM_T_MERGE | SPRM_T_SPLIT => {
                    let (first, lim) = match operand {
                        [first, lim, ..] => (usize::from(*first), usize::from(*lim)),
                        _ => continue,
                    };
                    for (i, cell) in row.cells.iter_mut().enumerate() {
                        if i > first && i < lim {
                            cell.merged_left = sprm == SPRM_T_MERGE;
                        }
                    }
                }
                SPRM_T_VERT_MERGE => {
                    if let [_, itc, bits, ..] = operand {
                        if let Some(cell) = row.cells.get_mut(usize::from(*itc)) {
                            cell.vertical = VerticalMerge::from_bits(*bits);
                        }
                    }
                }
                _ => {}
            }
        }
        row
    }

    /// The cells of a `sprmTDefTable` operand: size (2 bytes), cell count, the `count + 1`
    /// edges, then up to `count` TC80s (fewer when the operand is shorter).
    fn defined(operand: &[u8]) -> RowDef {
        let Some(&count) = operand.get(2) else {
            return RowDef::default();
        };
        let count = usize::from(count);
        let edge = |i: usize| u16_at(operand, 3 + 2 * i).map(|v| v as i16);
        let tcs = 3 + 2 * (count + 1);
        let cells = (0..count)
            .map_while(|i| {
                let (left, right) = (edge(i)?, edge(i + 1)?);
                let tcgrf = u16_at(operand, tcs + TC80_LEN * i).unwrap_or_default();
                Some(CellDef {
                    left,
                    right,
                    // horzMerge: 1 starts a merge, 2 or 3 continue it.
                    merged_left: tcgrf & 0b10 != 0,
                    vertical: VerticalMerge::from_bits((tcgrf >> 5) as u8),
                })
            })
            .collect();
        RowDef { cells }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `sprmTDefTable` with cell edges and each cell's `tcgrf`.
    pub(crate) fn def_table(edges: &[i16], tcgrf: &[u16]) -> Vec<u8> {
        let mut body = vec![(edges.len() - 1) as u8];
        for e in edges {
            body.extend(e.to_le_bytes());
        }
        for t in tcgrf {
            body.extend(t.to_le_bytes());
            body.extend([0u8; TC80_LEN - 2]);
        }
        let mut out = SPRM_T_DEF_TABLE.to_le_bytes().to_vec();
        out.extend(((body.len() + 1) as u16).to_le_bytes());
        out.extend(body);
        out
    }

    #[test]
    fn sprms_are_walked_by_their_operand_sizes() {
        let mut grpprl = vec![0x16, 0x24, 1]; // sprmPFInTable 1
        grpprl.extend([0x49, 0x66, 2, 0, 0, 0]); // sprmPItap 2
        grpprl.extend(def_table(&[0, 100], &[0]));
        grpprl.extend([0x2B, 0xD6, 2, 0, 3]); // sprmTVertMerge cell 0 restart
        grpprl.extend([0x17, 0x24]); // cut short
        let found: Vec<u16> = sprms(&grpprl).map(|(s, _)| s).collect();
        assert_eq!(found, vec![0x2416, 0x6649, 0xD608, 0xD62B]);
        assert_eq!(
            TableMarks::of(&grpprl),
            TableMarks {
                depth: 2,
                ..TableMarks::default()
            }
        );
        let row = RowDef::of(&grpprl);
        assert_eq!(row.cells.len(), 1);
        assert_eq!(row.cells[0].vertical, VerticalMerge::Restart);
    }

    #[test]
    fn row_marks_and_merges_are_read() {
        // In a table, end of row, three cells: the second merged into the first (fMerged),
        // the third continuing a vertical merge (vertMerge 1).
        let mut grpprl = vec![0x16, 0x24, 1, 0x17, 0x24, 1];
        grpprl.extend(def_table(&[0, 100, 200, 300], &[0b01, 0b10, 1 << 5]));
        let marks = TableMarks::of(&grpprl);
        assert_eq!((marks.depth, marks.row_end), (1, true));
        let row = RowDef::of(&grpprl);
        let merged: Vec<bool> = row.cells.iter().map(|c| c.merged_left).collect();
        assert_eq!(merged, vec![false, true, false]);
        assert_eq!(row.cells[2].vertical, VerticalMerge::Continue);
        assert_eq!((row.cells[2].left, row.cells[2].right), (200, 300));
        // sprmTMerge after the definition merges cells 1..3; sprmTSplit undoes it.
        let mut merge = def_table(&[0, 100, 200, 300], &[0, 0, 0]);
        merge.extend([0x24, 0x56, 1, 3]);
        let cells = RowDef::of(&merge).cells;
        assert!(cells[2].merged_left && !cells[1].merged_left);
        merge.extend([0x25, 0x56, 0, 3]);
        assert!(RowDef::of(&merge).cells.iter().all(|c| !c.merged_left));
        // A definition whose TC80s are missing still gives the edges.
        let short = def_table(&[0, 50, 90], &[]);
        assert_eq!(RowDef::of(&short).cells.len(), 2);
    }

    #[test]
    fn a_papx_page_maps_offsets_to_properties() {
        let mut word = vec![0u8; 2 * PAGE];
        let page = &mut word[PAGE..];
        // Two runs: FC 0..10 without properties, FC 10..20 in a table.
        for (i, fc) in [0u32, 10, 20].iter().enumerate() {
            page[4 * i..4 * i + 4].copy_from_slice(&fc.to_le_bytes());
        }
        let bx = 4 * 3;
        page[bx] = 0;
        // The PAPX at byte 200; cb = 3: 5 bytes, istd (2) then sprmPFInTable.
        page[bx + BX_PAP_LEN] = 100;
        page[200..206].copy_from_slice(&[3, 0, 0, 0x16, 0x24, 1]);
        page[PAGE - 1] = 2;
        let mut plc = Vec::new();
        for v in [0u32, 20, 1] {
            plc.extend(v.to_le_bytes());
        }
        let index = ParagraphIndex::parse(&plc, &word, &DocLimits::default()).unwrap();
        assert_eq!(TableMarks::of(index.grpprl(15, &word, &[])).depth, 1);
        assert_eq!(TableMarks::of(index.grpprl(5, &word, &[])).depth, 0);
        assert!(index.grpprl(25, &word, &[]).is_empty());
        // Properties too large for the page are in the Data stream (sprmPHugePapx).
        word[PAGE + 200..PAGE + 210].copy_from_slice(&[5, 0, 0, 0x46, 0x66, 3, 0, 0, 0, 0]);
        let index = ParagraphIndex::parse(&plc, &word, &DocLimits::default()).unwrap();
        let data = [9, 9, 9, 3, 0, 0x16, 0x24, 1];
        assert_eq!(TableMarks::of(index.grpprl(15, &word, &data)).depth, 1);
        assert!(index.grpprl(15, &word, &data[..7]).is_empty());
        // A page past the end of the stream is an error.
        let mut far = plc.clone();
        far[8..12].copy_from_slice(&99u32.to_le_bytes());
        assert!(ParagraphIndex::parse(&far, &word, &DocLimits::default()).is_err());
        assert!(ParagraphIndex::parse(&plc[..7], &word, &DocLimits::default()).is_err());
    }
}
