//! The content-stream interpreter: glyphs, ruling lines and images of one page.
//!
//! 1. Operators come from `hayro-syntax`'s content iterator over bytes this crate decoded
//!    (so the byte budget holds); each one is counted against [`PdfLimits::max_operators`].
//! 2. The graphics state (`q`/`Q`, `cm`) and the text state (`Tf`, `Tc`, `Tw`, `Tz`, `TL`,
//!    `Ts`, `Td`/`TD`/`Tm`/`T*`) are tracked; each code of `Tj`/`TJ`/`'`/`"` becomes a
//!    [`Glyph`] at the origin of its text rendering matrix (`[size·Tz 0 0 size 0 rise] × Tm ×
//!    CTM`), advanced by its width, `Tc`, `Tw` (single-byte code 32) and `TJ` offsets; the
//!    way text space's x axis (a vertical font's y axis, downwards) points in page space is
//!    the glyph's [`Direction`].
//! 3. Paths (`m`, `l`, `re`, `h`; curves only move the current point) are kept in page space;
//!    when stroked, every horizontal or vertical segment is a [`Rule`]; when filled, a
//!    subpath that is an axis-aligned rectangle thinner than [`MAX_RULE_THICKNESS`] is a rule
//!    along its long side. Clipping paths and `n` paint nothing.
//! 4. `Do` runs a form XObject (its `/Matrix`, its `/Resources` or the caller's), at most
//!    [`PdfLimits::max_form_depth`] deep; an image XObject or an inline image is counted, and
//!    an image XObject is loaded ([`crate::image`]) at the CTM when images are collected.
//! 5. A page starts at its `/Rotate` ([`quarter_turns`]); once run, it is turned by quarters
//!    until most of its glyphs run left to right ([`turn_upright`]): glyph positions, their
//!    directions and the rules then are in the page's reading frame.

use std::collections::HashMap;
use std::rc::Rc;

use hayro_syntax::content::UntypedIter;
use hayro_syntax::object::{Dict, Name, Object, ObjectIdentifier, Stream};
use hayro_syntax::page::Resources;

use crate::filters::{decode_stream, Budget};
use crate::font::{font_name, Font};
use crate::image::{self, PageImage};
use crate::{Direction, FontInfo, Glyph, Orientation, Page, PdfError, PdfLimits, Rule};

/// A filled rectangle thinner than this (page units, points) is a ruling line.
const MAX_RULE_THICKNESS: f32 = 2.0;

/// The most graphics states saved (`q`) at once; more saves are ignored.
const MAX_SAVED_STATES: usize = 4096;

/// An affine matrix `[a b c d e f]`; points are row vectors (`p × M`), as in PDF.
type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n`: first `m`, then `n`.
pub(crate) fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// A point through a matrix.
fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

/// The matrix that turns a `width` × `height` page a quarter clockwise `quarters` times (as
/// `/Rotate` shows it), keeping it in the positive quadrant.
pub(crate) fn quarter_turns(quarters: u8, width: f32, height: f32) -> Matrix {
    match quarters % 4 {
        0 => IDENTITY,
        1 => [0.0, -1.0, 1.0, 0.0, 0.0, width],
        2 => [-1.0, 0.0, 0.0, -1.0, width, height],
        _ => [0.0, 1.0, -1.0, 0.0, height, 0.0],
    }
}

/// The direction of an advance `(dx, dy)` in page space.
fn direction(dx: f32, dy: f32) -> Direction {
    if dx.abs() >= dy.abs() {
        if dx >= 0.0 {
            Direction::LeftToRight
        } else {
            Direction::RightToLeft
        }
    } else if dy > 0.0 {
        Direction::BottomToTop
    } else {
        Direction::TopToBottom
    }
}

/// Turns a page by quarters until most of its glyphs run left to right: glyphs (positions
/// and directions), rules and size.
pub(crate) fn turn_upright(page: &mut Page) {
    const ORDER: [Direction; 4] = [
        Direction::LeftToRight,
        Direction::TopToBottom,
        Direction::RightToLeft,
        Direction::BottomToTop,
    ];
    let mut counts = [0usize; 4];
    for g in &page.glyphs {
        counts[ORDER.iter().position(|&d| d == g.direction).unwrap_or(0)] += 1;
    }
    // The main direction; upright text wins a tie.
    let main = (1..4).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    if main == 0 {
        return;
    }
    let quarters = (4 - main) as u8;
    let m = quarter_turns(quarters, page.width, page.height);
    for g in &mut page.glyphs {
        (g.x, g.y) = apply(&m, g.x, g.y);
        g.direction = g.direction.turned(quarters);
    }
    for rule in &mut page.rules {
        let (a, b) = match rule.orientation {
            Orientation::Horizontal => ((rule.from, rule.at), (rule.to, rule.at)),
            Orientation::Vertical => ((rule.at, rule.from), (rule.at, rule.to)),
        };
        let (a, b) = (apply(&m, a.0, a.1), apply(&m, b.0, b.1));
        *rule = if (a.1 - b.1).abs() <= (a.0 - b.0).abs() {
            Rule {
                orientation: Orientation::Horizontal,
                at: (a.1 + b.1) / 2.0,
                from: a.0.min(b.0),
                to: a.0.max(b.0),
            }
        } else {
            Rule {
                orientation: Orientation::Vertical,
                at: (a.0 + b.0) / 2.0,
                from: a.1.min(b.1),
                to: a.1.max(b.1),
            }
        };
    }
    if quarters % 2 == 1 {
        (page.width, page.height) = (page.height, page.width);
    }
}

/// The fonts of a document, loaded once each.
#[derive(Default)]
pub(crate) struct Fonts {
    /// By object and the place of the dictionary's bytes: a font dictionary written inline in
    /// a resource dictionary shares the object id of its container.
    loaded: HashMap<(Option<ObjectIdentifier>, usize, usize), Rc<Font>>,
    /// What the document's fonts showed.
    pub info: Vec<FontInfo>,
}

impl Fonts {
    /// The font of a dictionary, loaded on first use.
    fn get(
        &mut self,
        dict: &Dict<'_>,
        resource: &str,
        budget: &mut Budget,
    ) -> Result<Rc<Font>, PdfError> {
        let data = dict.data();
        let key = (dict.obj_id(), data.as_ptr() as usize, data.len());
        if let Some(font) = self.loaded.get(&key) {
            return Ok(font.clone());
        }
        let index = self.info.len();
        let font = Rc::new(Font::load(dict, index, budget)?);
        self.info.push(FontInfo {
            name: font_name(dict, resource),
            glyphs: 0,
            unmapped: 0,
        });
        self.loaded.insert(key, font.clone());
        Ok(font)
    }
}

/// The graphics state that matters for text and rules.
#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    /// `Tz` / 100.
    horizontal_scale: f32,
    leading: f32,
    rise: f32,
}

impl State {
    fn new(ctm: Matrix) -> Self {
        State {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// A subpath in page space.
#[derive(Default)]
struct Subpath {
    points: Vec<(f32, f32)>,
    /// Whether a curve is part of it (it is then no rectangle and no rule).
    curved: bool,
    closed: bool,
}

/// A marked-content span's `/ActualText`: the text its glyphs stand for.
struct ActualText {
    text: String,
    /// Whether a glyph has carried the text already (the span's other glyphs are dropped).
    shown: bool,
}

/// A PDF text string: UTF-16BE after a byte-order mark, else PDFDocEncoding (read as
/// Latin-1, which it matches for the printable ASCII and most of the rest).
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// What a document's pages have used of the limits so far.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    operators: u64,
    glyphs: u64,
    rules: usize,
}

/// Runs content streams into a page.
pub(crate) struct Interpreter<'l> {
    limits: &'l PdfLimits,
    budget: &'l mut Budget,
    fonts: &'l mut Fonts,
    counts: &'l mut Counts,
    /// Open marked-content spans, with their actual text if they have one.
    marked: Vec<Option<ActualText>>,
    /// The page being built.
    pub page: Page,
    /// The images drawn, when they are collected.
    pub images: Option<Vec<PageImage>>,
}

/// Numbers and the first other operand of an instruction.
struct Operands<'o, 'a> {
    numbers: [f32; 6],
    count: usize,
    other: Option<&'o Object<'a>>,
    dict: Option<&'o Dict<'a>>,
}

impl Operands<'_, '_> {
    fn n(&self, i: usize) -> f32 {
        if i < self.count.min(6) {
            self.numbers[i]
        } else {
            0.0
        }
    }

    fn matrix(&self) -> Option<Matrix> {
        (self.count >= 6).then(|| {
            let m = self.numbers;
            [m[0], m[1], m[2], m[3], m[4], m[5]]
        })
    }
}

impl<'l> Interpreter<'l> {
    /// An interpreter filling `page`.
    pub(crate) fn new(
        limits: &'l PdfLimits,
        budget: &'l mut Budget,
        fonts: &'l mut Fonts,
        counts: &'l mut Counts,
        page: Page,
    ) -> Self {
        Interpreter {
            limits,
            budget,
            fonts,
            counts,
            marked: Vec::new(),
            page,
            images: None,
        }
    }

    /// Runs `content` with `resources`, starting at `ctm`, `depth` forms deep.
    pub(crate) fn run(
        &mut self,
        content: &[u8],
        resources: &Resources<'_>,
        ctm: Matrix,
        depth: usize,
    ) -> Result<(), PdfError> {
        let mut stack: Vec<State> = Vec::new();
        let mut state = State::new(ctm);
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let mut path: Vec<Subpath> = Vec::new();
        let mut iter = UntypedIter::new(content);
        while let Some(instruction) = iter.next() {
            self.counts.operators += 1;
            if self.counts.operators > self.limits.max_operators {
                return Err(PdfError::TooManyOperators {
                    limit: self.limits.max_operators,
                });
            }
            let mut ops = Operands {
                numbers: [0.0; 6],
                count: 0,
                other: None,
                dict: None,
            };
            for operand in instruction.operands() {
                match operand {
                    Object::Number(n) => {
                        if ops.count < 6 {
                            ops.numbers[ops.count] = n.as_f32();
                        }
                        ops.count += 1;
                    }
                    Object::Dict(dict) => ops.dict = Some(dict),
                    other => {
                        if ops.other.is_none() {
                            ops.other = Some(other);
                        }
                    }
                }
            }
            let operator: &[u8] = instruction.operator;
            match operator {
                b"q" if stack.len() < MAX_SAVED_STATES => stack.push(state.clone()),
                b"Q" => {
                    if let Some(saved) = stack.pop() {
                        state = saved;
                    }
                }
                b"cm" => {
                    if let Some(m) = ops.matrix() {
                        state.ctm = mul(&m, &state.ctm);
                    }
                }
                b"BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                b"Tf" => {
                    state.size = ops.n(0);
                    state.font = None;
                    if let Some(Object::Name(name)) = ops.other {
                        if let Some(dict) = resources.get_font(name) {
                            state.font = Some(self.fonts.get(&dict, name.as_str(), self.budget)?);
                        }
                    }
                }
                b"Tc" => state.char_spacing = ops.n(0),
                b"Tw" => state.word_spacing = ops.n(0),
                b"Tz" => state.horizontal_scale = ops.n(0) / 100.0,
                b"TL" => state.leading = ops.n(0),
                b"Ts" => state.rise = ops.n(0),
                b"Td" | b"TD" => {
                    if operator == b"TD" {
                        state.leading = -ops.n(1);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, ops.n(0), ops.n(1)], &tlm);
                    tm = tlm;
                }
                b"Tm" => {
                    if let Some(m) = ops.matrix() {
                        tlm = m;
                        tm = m;
                    }
                }
                b"T*" | b"'" | b"\"" => {
                    if operator == b"\"" {
                        state.word_spacing = ops.n(0);
                        state.char_spacing = ops.n(1);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                    tm = tlm;
                    if let Some(Object::String(s)) = ops.other {
                        self.show(s.as_bytes(), &state, &mut tm)?;
                    }
                }
                b"Tj" => {
                    if let Some(Object::String(s)) = ops.other {
                        self.show(s.as_bytes(), &state, &mut tm)?;
                    }
                }
                b"TJ" => {
                    if let Some(Object::Array(items)) = ops.other {
                        for item in items.iter::<Object<'_>>() {
                            match item {
                                Object::String(s) => self.show(s.as_bytes(), &state, &mut tm)?,
                                Object::Number(n) => {
                                    let shift = -n.as_f32() / 1000.0 * state.size;
                                    let vertical = state.font.as_ref().is_some_and(|f| f.vertical);
                                    let step = if vertical {
                                        [1.0, 0.0, 0.0, 1.0, 0.0, shift]
                                    } else {
                                        [1.0, 0.0, 0.0, 1.0, shift * state.horizontal_scale, 0.0]
                                    };
                                    tm = mul(&step, &tm);
                                }
                                _ => {}
                            }
                        }
                    }
                }
                b"m" => {
                    let point = apply(&state.ctm, ops.n(0), ops.n(1));
                    path.push(Subpath {
                        points: vec![point],
                        ..Subpath::default()
                    });
                }
                b"l" | b"c" | b"v" | b"y" => {
                    let (x, y) = match operator {
                        b"l" => (ops.n(0), ops.n(1)),
                        b"c" => (ops.n(4), ops.n(5)),
                        _ => (ops.n(2), ops.n(3)),
                    };
                    let point = apply(&state.ctm, x, y);
                    if path.is_empty() {
                        path.push(Subpath::default());
                    }
                    let sub = path.last_mut().expect("pushed above");
                    sub.curved |= operator != b"l";
                    if sub.points.len() < 1 << 16 {
                        sub.points.push(point);
                    }
                }
                b"h" => {
                    if let Some(sub) = path.last_mut() {
                        sub.closed = true;
                    }
                }
                b"re" => {
                    let (x, y, w, h) = (ops.n(0), ops.n(1), ops.n(2), ops.n(3));
                    let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)];
                    path.push(Subpath {
                        points: corners
                            .iter()
                            .map(|&(x, y)| apply(&state.ctm, x, y))
                            .collect(),
                        curved: false,
                        closed: true,
                    });
                }
                b"S" | b"s" => {
                    self.stroke(&path, operator == b"s");
                    path.clear();
                }
                b"f" | b"F" | b"f*" => {
                    self.fill(&path);
                    path.clear();
                }
                b"B" | b"B*" | b"b" | b"b*" => {
                    self.fill(&path);
                    self.stroke(&path, operator.starts_with(b"b"));
                    path.clear();
                }
                b"n" => path.clear(),
                b"BI" => self.page.images += 1,
                b"BMC" | b"BDC" => {
                    let actual = ops
                        .dict
                        .and_then(|d| d.get::<hayro_syntax::object::String<'_>>(b"ActualText"))
                        .map(|t| ActualText {
                            text: text_string(t.as_bytes()),
                            shown: false,
                        });
                    if self.marked.len() < 1024 {
                        self.marked.push(actual);
                    }
                }
                b"EMC" => {
                    self.marked.pop();
                }
                b"Do" => {
                    if let Some(Object::Name(name)) = ops.other {
                        self.run_xobject(name, resources, &state, depth)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Runs or counts the XObject `name`.
    fn run_xobject(
        &mut self,
        name: &Name<'_>,
        resources: &Resources<'_>,
        state: &State,
        depth: usize,
    ) -> Result<(), PdfError> {
        let Some(stream) = resources.get_x_object(name) else {
            return Ok(());
        };
        let dict = stream.dict();
        match dict.get::<Name<'_>>(b"Subtype").as_deref() {
            Some(b"Image") => {
                self.page.images += 1;
                if let Some(images) = self.images.as_mut() {
                    images.push(image::load(&stream, &state.ctm, self.limits, self.budget)?);
                }
            }
            Some(b"Form") => {
                if depth >= self.limits.max_form_depth {
                    return Err(PdfError::TooDeep {
                        limit: self.limits.max_form_depth,
                    });
                }
                self.run_form(&stream, resources, state, depth)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn run_form(
        &mut self,
        stream: &Stream<'_>,
        resources: &Resources<'_>,
        state: &State,
        depth: usize,
    ) -> Result<(), PdfError> {
        let dict = stream.dict();
        let Some(content) = decode_stream(stream, self.budget)? else {
            return Ok(());
        };
        let matrix = dict.get::<[f32; 6]>(b"Matrix").unwrap_or(IDENTITY);
        let own = dict.get::<Dict<'_>>(b"Resources").map(Resources::new);
        let resources = own.as_ref().unwrap_or(resources);
        self.run(&content, resources, mul(&matrix, &state.ctm), depth + 1)
    }

    /// Adds the glyphs of a shown string, advancing `tm`.
    fn show(&mut self, bytes: &[u8], state: &State, tm: &mut Matrix) -> Result<(), PdfError> {
        let Some(font) = state.font.clone() else {
            return Ok(());
        };
        let h = state.horizontal_scale;
        for code in font.codes(bytes) {
            let trm = mul(
                &mul(&[state.size * h, 0.0, 0.0, state.size, 0.0, state.rise], tm),
                &state.ctm,
            );
            let advance = code.width * font.glyph_scale * state.size;
            let text_matrix = mul(tm, &state.ctm);
            let size = (state.size * text_matrix[2].hypot(text_matrix[3])).abs();
            // Text space's x (y, down, for a vertical font) in page space: where text runs.
            let (glyph_width, runs) = if font.vertical {
                (size, direction(-text_matrix[2], -text_matrix[3]))
            } else {
                (
                    (advance * h * text_matrix[0].hypot(text_matrix[1])).abs(),
                    direction(text_matrix[0], text_matrix[1]),
                )
            };
            let info = &mut self.fonts.info[font.index];
            info.glyphs += 1;
            // Inside a span with an actual text, its first glyph carries the text.
            let actual = self.marked.iter_mut().rev().find_map(Option::as_mut);
            let (text, mapped) = match (actual, code.text) {
                (Some(actual), _) if actual.shown => (String::new(), true),
                (Some(actual), _) => {
                    actual.shown = true;
                    (actual.text.clone(), true)
                }
                (None, Some(text)) => (text, true),
                (None, None) => {
                    info.unmapped += 1;
                    ("\u{FFFD}".to_string(), false)
                }
            };
            if !text.chars().all(char::is_whitespace) {
                self.counts.glyphs += 1;
                if self.counts.glyphs > self.limits.max_glyphs {
                    return Err(PdfError::TooManyGlyphs {
                        limit: self.limits.max_glyphs,
                    });
                }
                self.page.glyphs.push(Glyph {
                    text,
                    x: trm[4],
                    y: trm[5],
                    width: glyph_width,
                    size,
                    font: font.index,
                    mapped,
                    direction: runs,
                });
            }
            let spacing = state.char_spacing
                + if code.is_space {
                    state.word_spacing
                } else {
                    0.0
                };
            let step = if font.vertical {
                [1.0, 0.0, 0.0, 1.0, 0.0, -(state.size + spacing)]
            } else {
                [1.0, 0.0, 0.0, 1.0, (advance + spacing) * h, 0.0]
            };
            *tm = mul(&step, tm);
        }
        Ok(())
    }

    /// Rules of a stroked path: its horizontal and vertical segments.
    fn stroke(&mut self, path: &[Subpath], close: bool) {
        for sub in path.iter().filter(|s| !s.curved) {
            let closing = (close || sub.closed) && sub.points.len() > 2;
            let last = closing.then(|| (sub.points[sub.points.len() - 1], sub.points[0]));
            for (a, b) in sub.points.windows(2).map(|w| (w[0], w[1])).chain(last) {
                self.segment(a, b);
            }
        }
    }

    /// A segment as a rule, if it is horizontal or vertical.
    fn segment(&mut self, a: (f32, f32), b: (f32, f32)) {
        const STRAIGHT: f32 = 0.5;
        let (dx, dy) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
        if dy <= STRAIGHT && dx > STRAIGHT {
            self.rule(Orientation::Horizontal, (a.1 + b.1) / 2.0, a.0, b.0);
        } else if dx <= STRAIGHT && dy > STRAIGHT {
            self.rule(Orientation::Vertical, (a.0 + b.0) / 2.0, a.1, b.1);
        }
    }

    fn rule(&mut self, orientation: Orientation, at: f32, from: f32, to: f32) {
        if !(at.is_finite() && from.is_finite() && to.is_finite()) {
            return;
        }
        if self.counts.rules < self.limits.max_rules {
            self.counts.rules += 1;
            self.page.rules.push(Rule {
                orientation,
                at,
                from: from.min(to),
                to: from.max(to),
            });
        } else {
            self.page.dropped_rules += 1;
        }
    }

    /// Rules of a filled path: its thin axis-aligned rectangles.
    fn fill(&mut self, path: &[Subpath]) {
        for sub in path.iter().filter(|s| !s.curved && s.points.len() >= 2) {
            let straight = sub
                .points
                .windows(2)
                .all(|w| (w[0].0 - w[1].0).abs() < 0.5 || (w[0].1 - w[1].1).abs() < 0.5);
            if !straight {
                continue;
            }
            let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
            for &(x, y) in &sub.points {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x);
                y1 = y1.max(y);
            }
            let (w, h) = (x1 - x0, y1 - y0);
            if h < MAX_RULE_THICKNESS && w > h {
                self.rule(Orientation::Horizontal, (y0 + y1) / 2.0, x0, x1);
            } else if w < MAX_RULE_THICKNESS && h > w {
                self.rule(Orientation::Vertical, (x0 + x1) / 2.0, y0, y1);
            }
        }
    }
}
