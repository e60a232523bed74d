//! Numbers the report states in its prose about its own tables (`本年度全区共收到70件申请`,
//! `办结69件`, `1件结转下年度`, `制发行政规范性文件62件`).
//!
//! Two readers share one table of patterns:
//!
//! - [`prose_facts`] gives the run-together solver soft evidence: the statements can only choose
//!   among readings the tables allow, and a cell they decide is named in a warning. It uses the
//!   patterns marked for the solver only, so the solver's behaviour does not move when the
//!   narrative patterns grow.
//! - [`narrative`] gives every statement (with its sentence) and the report's outline (the six
//!   sections of the statutory format), for the dataset's `facts` table and its `N` checks.
//!   It also reads percentages tied to an outcome of table 三 (`予以公开120件，占63.2%`,
//!   `办结率100%`, `行政复议纠错率0%`), with the base their words name ([`Unit`], [`Base`]);
//!   a base the words leave unclear is [`Base::Unclear`], never guessed.
//!
//! Most prose states no number: a sentence without an ASCII digit, or without the unit every
//! pattern names (`件` or `条` for a count, `%` for a percentage), is not searched with the
//! patterns that read a number, since none of them could give a statement there. No pattern
//! runs on a text without the words every match of it holds ([`Words`], read from the pattern
//! itself), and a run of paragraphs where none can match is not split into sentences.

use std::sync::OnceLock;

use regex::Regex;

use crate::document::{Block, Document};
use crate::solve::Fact;

/// What a statement in the prose is about: a number a table also holds (or, for
/// [`Measure::ProactivePublished`], one no table holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// 本年新收申请 (`table3.new_received.total`).
    NewReceived,
    /// 上年结转申请 (`table3.carried_over.total`).
    CarriedOver,
    /// 办结 (`table3.result_total.total`).
    Resolved,
    /// 予以公开 (`table3.result.granted.total`).
    Granted,
    /// 部分公开 (`table3.result.partially_granted.total`).
    PartiallyGranted,
    /// 不予公开, every reason (the sum of `table3.result.denied.*.total`).
    Denied,
    /// 无法提供, every reason (the sum of `table3.result.unable.*.total`).
    Unable,
    /// 不予处理, every reason (the sum of `table3.result.not_processed.*.total`).
    NotProcessed,
    /// 其他处理 (the sum of `table3.result.other.*.total`).
    Other,
    /// 结转下年度 (`table3.carried_forward.total`); "所有申请均已办结" states 0.
    CarriedForward,
    /// 行政复议 (`table4.admin_review.total`).
    AdminReview,
    /// 行政诉讼, direct and after review (the sum of `table4.litigation_*.total`).
    Litigation,
    /// 制发规范性文件 (`table2.art20_1.normative_docs.issued`).
    NormativeDocsIssued,
    /// 行政复议 结果纠正 (`table4.admin_review.corrected`); read only as a rate (纠错率).
    AdminReviewCorrected,
    /// 主动公开政府信息N条: no table holds it.
    ProactivePublished,
}

impl Measure {
    /// The key the statement speaks of: a canonical key of `keys.tsv`, or, for a sum of rows, a
    /// key of the same form that no table prints (`table3.result.denied.total`,
    /// `table4.litigation.total`); `prose.proactive_published` for the one no table holds.
    pub fn key(self) -> &'static str {
        match self {
            Measure::NewReceived => "table3.new_received.total",
            Measure::CarriedOver => "table3.carried_over.total",
            Measure::Resolved => "table3.result_total.total",
            Measure::Granted => "table3.result.granted.total",
            Measure::PartiallyGranted => "table3.result.partially_granted.total",
            Measure::Denied => "table3.result.denied.total",
            Measure::Unable => "table3.result.unable.total",
            Measure::NotProcessed => "table3.result.not_processed.total",
            Measure::Other => "table3.result.other.total",
            Measure::CarriedForward => "table3.carried_forward.total",
            Measure::AdminReview => "table4.admin_review.total",
            Measure::Litigation => "table4.litigation.total",
            Measure::NormativeDocsIssued => "table2.art20_1.normative_docs.issued",
            Measure::AdminReviewCorrected => "table4.admin_review.corrected",
            Measure::ProactivePublished => "prose.proactive_published",
        }
    }

    /// The name of the check comparing the statement with the table (`N3.new_received`); `None`
    /// for a number no table holds.
    pub fn rule(self) -> Option<&'static str> {
        Some(match self {
            Measure::NewReceived => "N3.new_received",
            Measure::CarriedOver => "N3.carried_over",
            Measure::Resolved => "N3.result_total",
            Measure::Granted => "N3.granted",
            Measure::PartiallyGranted => "N3.partially_granted",
            Measure::Denied => "N3.denied",
            Measure::Unable => "N3.unable",
            Measure::NotProcessed => "N3.not_processed",
            Measure::Other => "N3.other",
            Measure::CarriedForward => "N3.carried_forward",
            Measure::AdminReview => "N4.admin_review",
            Measure::Litigation => "N4.litigation",
            Measure::NormativeDocsIssued => "N2.normative_docs_issued",
            Measure::AdminReviewCorrected => "N4.admin_review_corrected",
            Measure::ProactivePublished => return None,
        })
    }

    /// Whether the sentence (or the one before it in the paragraph) must hold `申请` for the
    /// statement to be about this measure (the requests of table 三), so that `办结21件` about
    /// deputies' proposals is not read.
    fn about_requests(self) -> bool {
        match self {
            Measure::NewReceived
            | Measure::CarriedOver
            | Measure::Resolved
            | Measure::Granted
            | Measure::PartiallyGranted
            | Measure::Denied
            | Measure::Unable
            | Measure::NotProcessed
            | Measure::Other
            | Measure::CarriedForward => true,
            Measure::AdminReview
            | Measure::AdminReviewCorrected
            | Measure::Litigation
            | Measure::NormativeDocsIssued
            | Measure::ProactivePublished => false,
        }
    }
}

/// One pattern: its first group is the number (no group: the statement says 0); `solver` marks
/// the patterns whose facts the run-together solver uses.
struct Pattern {
    re: Regex,
    measure: Measure,
    solver: bool,
    /// Whether it reads a number (it has a group), which only a text with an ASCII digit and a
    /// unit ([`COUNT_UNITS`]) can give: `\d` also matches other digits (`１`), but their number
    /// does not parse.
    reads_a_number: bool,
    /// What every match holds, looked up before the regular expression runs.
    words: Words,
}

/// What every match of a regular expression holds, found without running it: its words (runs
/// of characters that are not ASCII outside groups and classes, less a last character that a
/// quantifier repeats), and one of the words of each group of words (`(?:收到|受理)`). The
/// syntax of regular expressions is all ASCII, so the rest of the pattern cannot hide a word.
/// A pattern with an alternative outside any group requires nothing.
struct Words(Vec<Vec<Box<str>>>);

impl Words {
    /// What every match of `pattern` holds.
    fn of(pattern: &str) -> Words {
        let b = pattern.as_bytes();
        let quantified = |at: usize| matches!(b.get(at), Some(b'?' | b'*' | b'+' | b'{'));
        let mut required: Vec<Vec<&str>> = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let end = token_end(b, i);
            match b[i] {
                b'|' => return Words(Vec::new()),
                b'(' if !quantified(end) => {
                    let group = pattern[i + 1..end - 1].strip_prefix("?:");
                    let words: Vec<&str> = group.map_or(Vec::new(), |g| g.split('|').collect());
                    if !words.is_empty() && words.iter().all(|w| !w.is_empty() && is_words(w)) {
                        required.push(words);
                    }
                    i = end;
                }
                c if c.is_ascii() => i = end,
                _ => {
                    let start = i;
                    while b.get(i).is_some_and(|c| !c.is_ascii()) {
                        i += 1;
                    }
                    let word = &pattern[start..i];
                    let word = match quantified(i) {
                        true => word
                            .char_indices()
                            .next_back()
                            .map_or(word, |(j, _)| &word[..j]),
                        false => word,
                    };
                    if !word.is_empty() {
                        required.push(vec![word]);
                    }
                }
            }
        }
        // A single word first, the longest first.
        required.sort_by_key(|any| (any.len(), std::cmp::Reverse(any[0].len())));
        Words(
            required
                .into_iter()
                .map(|any| any.into_iter().map(Box::from).collect())
                .collect(),
        )
    }

    /// Whether `text` holds what every match holds, so that the pattern may match there.
    fn held_by(&self, text: &str) -> bool {
        self.0
            .iter()
            .all(|any| any.iter().any(|w| text.contains(&**w)))
    }
}

/// Whether `text` is all characters that are not ASCII.
fn is_words(text: &str) -> bool {
    !text.bytes().any(|b| b.is_ascii())
}

/// Where the token of a regular expression that starts at `i` ends: after an escape, a class
/// or a group.
fn token_end(b: &[u8], i: usize) -> usize {
    match b[i] {
        b'\\' => i + 2,
        b'[' => {
            let mut j = i + 1;
            while b[j] != b']' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            j + 1
        }
        b'(' => {
            let mut j = i + 1;
            while b[j] != b')' {
                j = token_end(b, j);
            }
            j + 1
        }
        _ => i + 1,
    }
}

/// The units of counts: every pattern that reads a number names one of them.
const COUNT_UNITS: [&str; 2] = ["件", "条"];

/// Whether `text` holds one of `needles` (substring searches: faster on Chinese text than a
/// search for any of several characters, which decodes each one).
fn contains_any(text: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| text.contains(n))
}

/// Whether `text` holds an ASCII digit: without one, no pattern that reads a number gives a
/// statement, and the regular expressions need not run.
fn has_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

/// The statements read.
fn patterns() -> &'static [Pattern] {
    static P: OnceLock<Vec<Pattern>> = OnceLock::new();
    P.get_or_init(|| {
        use Measure::*;
        [
            // The solver's patterns (kept as they were).
            (
                r"(?:共|全年|累计)(?:收到|受理|接收)[^。；，,]{0,12}?申请(\d+)件",
                NewReceived,
                true,
            ),
            (
                r"(?:共|全年|累计)(?:收到|受理|接收)(\d+)件[^。；，,]{0,8}申请",
                NewReceived,
                true,
            ),
            (r"办结(\d+)件", Resolved, true),
            (
                r"(\d+)件(?:申请)?结转(?:至)?下(?:一)?年度",
                CarriedForward,
                true,
            ),
            (r"制发(?:行政)?规范性文件(\d+)件", NormativeDocsIssued, true),
            // The narrative's own.
            (
                r"(?:收到|受理|接收|新收)[^。；，,\d]{0,16}?申请\s*(\d+)\s*件",
                NewReceived,
                false,
            ),
            (
                r"(?:收到|受理|接收|新收)[^。；，,\d]{0,6}?(\d+)\s*件[^。；，,\d]{0,8}申请",
                NewReceived,
                false,
            ),
            (r"办结\s*(\d+)\s*件", Resolved, false),
            (r"办结[^。；，,\d]{0,8}?申请\s*(\d+)\s*件", Resolved, false),
            (
                r"上(?:一)?年(?:度)?结转[^。；，,\d]{0,12}?(\d+)\s*件",
                CarriedOver,
                false,
            ),
            (
                r"(\d+)\s*件[^。；，,\d（(]{0,6}上(?:一)?年(?:度)?结转",
                CarriedOver,
                false,
            ),
            (r"(?:^|[^不部分])予以公开\s*(\d+)\s*件", Granted, false),
            (r"(\d+)\s*件予以公开", Granted, false),
            // Not `予以公开及部分公开258件` (the two together).
            (
                r"(?:^|[^及和与、])部分公开\s*(\d+)\s*件",
                PartiallyGranted,
                false,
            ),
            (r"(\d+)\s*件部分公开", PartiallyGranted, false),
            (r"不予公开\s*(\d+)\s*件", Denied, false),
            (r"(\d+)\s*件不予公开", Denied, false),
            (r"无法提供\s*(\d+)\s*件", Unable, false),
            (r"不予处理\s*(\d+)\s*件", NotProcessed, false),
            (r"其他处理\s*(\d+)\s*件", Other, false),
            (r"答复[^。；，,\d]{0,12}?申请\s*(\d+)\s*件", Resolved, false),
            (
                r"(\d+)\s*件申请[^。；，,\d]{0,16}?(?:顺延|结转)(?:至|到)?下(?:一)?年度",
                CarriedForward,
                false,
            ),
            (
                r"结转(?:至)?下(?:一)?年度[^。；，,\d]{0,8}?(\d+)\s*件",
                CarriedForward,
                false,
            ),
            (
                r"(\d+)\s*件(?:申请)?结转(?:至)?下(?:一)?年度",
                CarriedForward,
                false,
            ),
            (
                r"申请[^。；\d]{0,20}?(?:均|全部|都)[^。；，,\d]{0,8}?办结",
                CarriedForward,
                false,
            ),
            (r"行政复议[^。；，,\d]{0,10}?(\d+)\s*件", AdminReview, false),
            (r"(\d+)\s*件[^。；，,\d]{0,10}?行政复议", AdminReview, false),
            (
                r"(?:未发生|无|没有)[^。；，,\d]{0,16}?行政复议",
                AdminReview,
                false,
            ),
            (r"行政诉讼[^。；，,\d]{0,10}?(\d+)\s*件", Litigation, false),
            (r"(\d+)\s*件[^。；，,\d]{0,10}?行政诉讼", Litigation, false),
            (
                r"(?:未发生|无|没有)[^。；，,\d]{0,24}?行政诉讼",
                Litigation,
                false,
            ),
            (
                r"制发(?:行政)?规范性文件\s*(\d+)\s*件",
                NormativeDocsIssued,
                false,
            ),
            (
                r"主动(?:公开|发布)[^。；，,\d]{0,16}?(?:政府)?信息\s*(\d+)\s*条",
                ProactivePublished,
                false,
            ),
        ]
        .into_iter()
        .map(|(p, measure, solver)| {
            let re = Regex::new(p).expect("valid regex");
            Pattern {
                reads_a_number: re.captures_len() > 1,
                words: Words::of(p),
                re,
                measure,
                solver,
            }
        })
        .collect()
    })
}

/// The facts stated in the document's paragraphs (table cells are not prose), for the solver.
pub fn prose_facts(doc: &Document) -> Vec<Fact> {
    let mut facts = Vec::new();
    let paragraphs = doc.blocks.iter().filter_map(|b| match b {
        // Every statement counts 件.
        Block::Paragraph(p) if p.len() > 48 && p.contains('件') && has_digit(p) => Some(p),
        _ => None,
    });
    for text in paragraphs {
        for pattern in patterns().iter().filter(|p| p.solver) {
            for caps in pattern.re.captures_iter(text) {
                let Some(value) = caps.get(1).and_then(|m| m.as_str().parse::<f64>().ok()) else {
                    continue;
                };
                facts.push(Fact {
                    key: pattern.measure.key().to_string(),
                    value,
                    source: caps[0].to_string(),
                });
            }
        }
    }
    facts
}

/// One number the prose states.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// What it is about.
    pub measure: Measure,
    /// The number (0 for a statement such as `所有申请均已办结` or `未发生行政复议`); for a
    /// percentage, the number printed before `%` (`63.2`).
    pub value: f64,
    /// A count, or a percentage and what it is a share of.
    pub unit: Unit,
    /// The words that state it (`受理政府信息公开申请17件`).
    pub text: String,
    /// The sentence it stands in.
    pub sentence: String,
}

/// What a stated number is: a count (`予以公开120件`), or a percentage (`占63.2%`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// A count of the measure.
    Count,
    /// The measure as a percentage of `base`, printed with `decimals` digits after the point.
    Percent {
        /// What it is a share of.
        base: Base,
        /// The digits printed after the point (`63.2%`: 1).
        decimals: u8,
    },
}

/// What a percentage is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Base {
    /// The year's outcomes, 总计 (`table3.result_total.total`): `予以公开120件，占63.2%`,
    /// `占办结总数的`, `占比`.
    ResultTotal,
    /// The requests received this year (`table3.new_received.total`): `占收到申请总数的`.
    Received,
    /// The requests to handle, new and carried over: the base of 办结率.
    Requests,
    /// The administrative reviews (`table4.admin_review.total`): the base of 纠错率.
    AdminReviews,
    /// The wording names no base that can be told apart (`占申请总数的`: received, or received
    /// and carried over?): kept as a fact, never checked.
    Unclear,
}

impl Base {
    /// The keys whose sum is the base, joined by `+` (`unclear` when it is unclear).
    pub fn key(self) -> &'static str {
        match self {
            Base::ResultTotal => "table3.result_total.total",
            Base::Received => "table3.new_received.total",
            Base::Requests => "table3.new_received.total+table3.carried_over.total",
            Base::AdminReviews => "table4.admin_review.total",
            Base::Unclear => "unclear",
        }
    }

    /// The base a percentage's own words name: the words between `占` and the number
    /// (`收到申请总数的`, `办结总数的`, `比`, nothing).
    fn named(words: &str) -> Base {
        let mut rest = words.to_string();
        for filler in [
            "的", "总数", "总量", "总计", "比例", "比重", "比", "为", "是", "达", "全年", "本年",
            "年度", "总", " ",
        ] {
            rest = rest.replace(filler, "");
        }
        let received = ["收到", "新收", "受理"].iter().any(|w| rest.contains(w));
        let resolved = ["办结", "答复", "处理"].iter().any(|w| rest.contains(w));
        match (rest.is_empty(), received, resolved, rest.contains("结转")) {
            (true, ..) => Base::ResultTotal,
            (false, true, false, false) => Base::Received,
            (false, false, true, false) => Base::ResultTotal,
            _ => Base::Unclear,
        }
    }
}

impl Statement {
    /// The name of the check comparing it with the table (`N3.new_received`; a percentage:
    /// `N3.granted_share`, `N3.result_total_rate`); `None` for a number no table holds or a
    /// percentage of an unclear base.
    pub fn rule(&self) -> Option<&'static str> {
        let Unit::Percent { base, .. } = self.unit else {
            return self.measure.rule();
        };
        if base == Base::Unclear {
            return None;
        }
        Some(match self.measure {
            Measure::Granted => "N3.granted_share",
            Measure::PartiallyGranted => "N3.partially_granted_share",
            Measure::Denied => "N3.denied_share",
            Measure::Unable => "N3.unable_share",
            Measure::NotProcessed => "N3.not_processed_share",
            Measure::Other => "N3.other_share",
            Measure::Resolved => "N3.result_total_rate",
            Measure::AdminReviewCorrected => "N4.admin_review_corrected_rate",
            _ => return None,
        })
    }
}

/// One pattern of a percentage: the group `pct` is the number; the group `base`, when there is
/// one, is the words naming its base, else the base is `base`.
struct PercentPattern {
    re: Regex,
    measure: Measure,
    base: Base,
    /// What every match holds, looked up before the regular expression runs.
    words: Words,
}

impl PercentPattern {
    fn new(pattern: &str, measure: Measure, base: Base) -> PercentPattern {
        PercentPattern {
            re: Regex::new(pattern).expect("valid regex"),
            measure,
            base,
            words: Words::of(pattern),
        }
    }
}

/// The words of the outcomes of table 三, as they open a statement of one.
const OUTCOMES: [(&str, Measure); 6] = [
    // Not `不予公开`, `部分予以公开`.
    (r"(?:^|[^不分])予以公开", Measure::Granted),
    // Not `予以公开及部分公开` (the two together).
    (r"(?:^|[^及和与、])部分公开", Measure::PartiallyGranted),
    (r"不予公开", Measure::Denied),
    (r"无法提供", Measure::Unable),
    (r"不予处理", Measure::NotProcessed),
    (r"其他处理", Measure::Other),
];

/// The percentages read.
fn percent_patterns() -> &'static [PercentPattern] {
    static P: OnceLock<Vec<PercentPattern>> = OnceLock::new();
    const PCT: &str = r"\s*(?P<pct>\d+(?:\.\d+)?)\s*[%％]";
    P.get_or_init(|| {
        let mut out: Vec<PercentPattern> = OUTCOMES
            .iter()
            .map(|&(word, measure)| {
                // `予以公开120件，占63.2%`, `部分公开10件，占比5.3%`, `不予公开2件，占收到申请总数的1%`;
                // the words between the outcome and `占` are checked by `ties`.
                PercentPattern::new(
                    &format!(
                        r"{word}(?P<gap>[^。；;%％占]{{0,24}}?)(?:占|比例|比重)(?P<base>[^。；;，,\d%％]{{0,16}}?){PCT}"
                    ),
                    measure,
                    Base::Unclear,
                )
            })
            .collect();
        // `依申请公开办结率100%`; not `按时办结率`, `及时办结率`, `按期办结率`, `期限内办结率`.
        out.push(PercentPattern::new(
            &format!(r"(?:^|[^时期内])办结率(?:为|达|达到|是)?{PCT}"),
            Measure::Resolved,
            Base::Requests,
        ));
        // `行政复议纠错率0%`.
        out.push(PercentPattern::new(
            &format!(r"行政复议[^。；;，,\d%％]{{0,8}}?纠错率(?:为|是)?{PCT}"),
            Measure::AdminReviewCorrected,
            Base::AdminReviews,
        ));
        out
    })
}

/// Whether the words between an outcome and its `占` tie the two: at most one comma, and no
/// other outcome (`予以公开120件，部分公开10件，占5%` is not about 予以公开).
fn ties(gap: &str) -> bool {
    gap.matches(['，', ',', '、']).count() <= 1
        && ![
            "予以公开",
            "部分公开",
            "不予公开",
            "无法提供",
            "不予处理",
            "其他处理",
            "结转",
        ]
        .iter()
        .any(|w| gap.contains(w))
}

/// The six sections of the statutory outline (国办公开办函〔2021〕30号 format).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    /// 一、总体情况
    Overview,
    /// 二、主动公开政府信息情况
    Proactive,
    /// 三、收到和处理政府信息公开申请情况
    Requests,
    /// 四、政府信息公开行政复议、行政诉讼情况
    ReviewsAndLawsuits,
    /// 五、存在的主要问题及改进情况
    Problems,
    /// 六、其他需要报告的事项
    Other,
}

impl Section {
    /// The six, in order.
    pub const ALL: [Section; 6] = [
        Section::Overview,
        Section::Proactive,
        Section::Requests,
        Section::ReviewsAndLawsuits,
        Section::Problems,
        Section::Other,
    ];

    /// Its number in the outline, 1 to 6.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The numeral that opens its heading, and words one of which the heading holds.
    fn heading(self) -> (char, &'static [&'static str]) {
        match self {
            Section::Overview => ('一', &["总体情况", "概述", "基本情况"]),
            Section::Proactive => ('二', &["主动公开"]),
            Section::Requests => ('三', &["申请"]),
            Section::ReviewsAndLawsuits => ('四', &["复议", "诉讼"]),
            Section::Problems => ('五', &["问题"]),
            Section::Other => ('六', &["其他需要报告", "其他事项"]),
        }
    }

    /// Its title in the statutory format.
    pub fn title(self) -> &'static str {
        match self {
            Section::Overview => "总体情况",
            Section::Proactive => "主动公开政府信息情况",
            Section::Requests => "收到和处理政府信息公开申请情况",
            Section::ReviewsAndLawsuits => "政府信息公开行政复议、行政诉讼情况",
            Section::Problems => "存在的主要问题及改进情况",
            Section::Other => "其他需要报告的事项",
        }
    }
}

/// What the prose says: its statements, and which sections of the outline it has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Narrative {
    /// Every statement, in reading order (one per measure and number within a sentence).
    pub statements: Vec<Statement>,
    /// The sections whose heading was found, in outline order.
    pub sections: Vec<Section>,
}

/// Reads the statements and the outline of a document's paragraphs.
pub fn narrative(doc: &Document) -> Narrative {
    let mut out = Narrative::default();
    let mut run = String::new();
    let mut last = "";
    for block in &doc.blocks {
        let Block::Paragraph(text) = block else {
            read_run(&mut run, &mut out);
            last = "";
            continue;
        };
        let text = text.trim();
        for section in sections_in(text) {
            if !out.sections.contains(&section) {
                out.sections.push(section);
            }
        }
        if is_heading(text) || !continues(&run, last) {
            read_run(&mut run, &mut out);
        }
        run.push_str(text);
        last = text;
    }
    read_run(&mut run, &mut out);
    out.sections.sort();
    out
}

/// Whether the next paragraph goes on the text of `run`, whose last paragraph is `last`: a line
/// of a PDF or a wrapped text ends mid-sentence (`…区政府受理政府` / `信息公开申请 17 件`). After
/// a short line (a heading, a table cell printed as a line) or a finished sentence, a new run
/// starts.
fn continues(run: &str, last: &str) -> bool {
    const MAX_RUN: usize = 4096;
    last.chars().nth(11).is_some()
        && run.len() < MAX_RUN
        && !run.ends_with(['。', '！', '？', '；', '：', ':', ';'])
}

/// Reads the statements of the sentences of `run` and empties it. A run where no pattern can
/// match (no digit with a unit, and not the words of a pattern that states 0) is not split into
/// sentences; a pattern that states 0 is tried only on the sentences of a run with its words.
fn read_run(run: &mut String, out: &mut Narrative) {
    let digit = has_digit(run);
    let units = Units {
        count: digit && contains_any(run, &COUNT_UNITS),
        percent: digit && contains_any(run, &PERCENT_SIGNS),
    };
    let live: Vec<&Pattern> = patterns()
        .iter()
        .filter(|p| match p.reads_a_number {
            true => units.count,
            false => p.words.held_by(run),
        })
        .collect();
    if !live.is_empty() || units.percent {
        let mut previous = "";
        for sentence in sentences(run) {
            out.statements
                .extend(statements_in(sentence, previous, units, &live));
            previous = sentence;
        }
    }
    run.clear();
}

/// Whether a text holds an ASCII digit and a unit: of a count ([`COUNT_UNITS`]), of a
/// percentage ([`PERCENT_SIGNS`]).
#[derive(Clone, Copy)]
struct Units {
    count: bool,
    percent: bool,
}

/// The signs of a percentage: every percentage pattern names one of them.
const PERCENT_SIGNS: [&str; 2] = ["%", "％"];

/// The statements of one sentence, in the order they stand, one per measure and number;
/// `previous` is the sentence before it in the paragraph (the context of `予以公开258件。`);
/// `run` is what the sentence's run holds, and `live` are the patterns that may match there.
fn statements_in(sentence: &str, previous: &str, run: Units, live: &[&Pattern]) -> Vec<Statement> {
    let mut found: Vec<(usize, Statement)> = Vec::new();
    let digit = (run.count || run.percent) && has_digit(sentence);
    let count = run.count && digit && contains_any(sentence, &COUNT_UNITS);
    let mut about_requests = None;
    let mut applies = |measure: Measure| {
        !measure.about_requests()
            || *about_requests
                .get_or_insert_with(|| sentence.contains("申请") || previous.contains("申请"))
    };
    for pattern in live {
        if (pattern.reads_a_number && !count)
            || !pattern.words.held_by(sentence)
            || !applies(pattern.measure)
        {
            continue;
        }
        for caps in pattern.re.captures_iter(sentence) {
            let value = match caps.get(1) {
                Some(m) => match m.as_str().parse::<f64>() {
                    Ok(v) => v,
                    Err(_) => continue,
                },
                None => 0.0,
            };
            let whole = caps.get(0).expect("group 0");
            let known = found.iter().any(|(_, s)| {
                s.measure == pattern.measure && s.value == value && s.unit == Unit::Count
            });
            if !known {
                found.push((
                    whole.start(),
                    Statement {
                        measure: pattern.measure,
                        value,
                        unit: Unit::Count,
                        text: whole.as_str().trim().to_string(),
                        sentence: sentence.to_string(),
                    },
                ));
            }
        }
    }
    // Every percentage has its digits and its `%`.
    let percent = run.percent && digit && contains_any(sentence, &PERCENT_SIGNS);
    for pattern in percent_patterns() {
        if !percent || !pattern.words.held_by(sentence) || !applies(pattern.measure) {
            continue;
        }
        for caps in pattern.re.captures_iter(sentence) {
            if caps.name("gap").is_some_and(|g| !ties(g.as_str())) {
                continue;
            }
            let printed = &caps["pct"];
            let Ok(value) = printed.parse::<f64>() else {
                continue;
            };
            let decimals = printed.split_once('.').map_or(0, |(_, d)| d.len()) as u8;
            let base = match caps.name("base") {
                Some(words) => Base::named(words.as_str()),
                None => pattern.base,
            };
            let unit = Unit::Percent { base, decimals };
            let whole = caps.get(0).expect("group 0");
            let known = found
                .iter()
                .any(|(_, s)| s.measure == pattern.measure && s.value == value && s.unit == unit);
            if !known {
                found.push((
                    whole.start(),
                    Statement {
                        measure: pattern.measure,
                        value,
                        unit,
                        text: whole.as_str().trim().to_string(),
                        sentence: sentence.to_string(),
                    },
                ));
            }
        }
    }
    found.sort_by_key(|(start, s)| (*start, s.measure, s.unit));
    found.into_iter().map(|(_, s)| s).collect()
}

/// The sentences of a paragraph (ended by 。！？ or a line end), trimmed. The ends are found by
/// their first byte (`\n`, or 0xE3 / 0xEF, which begin few of the characters of Chinese prose),
/// not by decoding every character.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = memchr::memchr3_iter(b'\n', 0xE3, 0xEF, text.as_bytes())
        .filter_map(|at| {
            let rest = &text[at..];
            ["\n", "。", "！", "？"]
                .into_iter()
                .find(|end| rest.starts_with(end))
                .map(|end| at + end.len())
        })
        .chain(std::iter::once(text.len()));
    std::iter::from_fn(move || {
        let end = ends.find(|&end| end > start)?;
        let sentence = &text[start..end];
        start = end;
        Some(sentence)
    })
    .map(str::trim)
    .filter(|s| !s.is_empty())
}

/// The sections whose heading stands in `text`: at its start or after a sentence, the numeral
/// (`二`, not the end of `十二`), then `、` `.` `．`, then one of the section's words early on
/// (`二、主动公开政府信息情况`); or a short paragraph that is the section's title without its
/// numeral (`主动公开政府信息情况`).
fn sections_in(text: &str) -> Vec<Section> {
    let mut found = Vec::new();
    // The marks are found by their first byte (`、` and `．` begin with 0xE3 and 0xEF).
    for at in memchr::memchr3_iter(0xE3, b'.', 0xEF, text.as_bytes()) {
        let rest = &text[at..];
        let Some(mark) = ["、", ".", "．"].into_iter().find(|m| rest.starts_with(m)) else {
            continue;
        };
        let mut before = text[..at].chars().rev();
        let Some(numeral) = before.next() else {
            continue;
        };
        if before.next() == Some('十') {
            continue;
        }
        let Some(section) = Section::ALL.into_iter().find(|s| s.heading().0 == numeral) else {
            continue;
        };
        let after = &rest[mark.len()..];
        let head = &after[..after.char_indices().nth(24).map_or(after.len(), |(i, _)| i)];
        if section.heading().1.iter().any(|w| head.contains(w)) {
            found.push(section);
        }
    }
    // A character is at most 4 bytes.
    if text.len() <= 4 * 30 && text.chars().count() <= 30 {
        found.extend(
            Section::ALL
                .into_iter()
                .filter(|s| text.starts_with(s.title())),
        );
    }
    found
}

/// Whether a paragraph opens with a heading (`一、…`, `（二）…`), so it starts a new run.
fn is_heading(text: &str) -> bool {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some('（' | '('), _) => true,
        (Some(c), Some('、' | '.' | '．')) => "一二三四五六七八九十".contains(c),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(paragraphs: &[&str]) -> Document {
        Document {
            blocks: paragraphs
                .iter()
                .map(|p| Block::Paragraph(p.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn statements_about_the_tables_are_read() {
        let doc = doc(&["（二）依申请公开方面。坚持第一时间登记受理的工作机制。本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。动态更新发布本年度制发行政规范性文件62件。"]);
        let facts = prose_facts(&doc);
        let got: Vec<(&str, f64)> = facts.iter().map(|f| (f.key.as_str(), f.value)).collect();
        assert_eq!(
            got,
            vec![
                ("table3.new_received.total", 70.0),
                ("table3.result_total.total", 69.0),
                ("table3.carried_forward.total", 1.0),
                ("table2.art20_1.normative_docs.issued", 62.0),
            ]
        );
        let narrative = narrative(&doc);
        let got: Vec<(Measure, f64, &str)> = narrative
            .statements
            .iter()
            .map(|s| (s.measure, s.value, s.sentence.as_str()))
            .collect();
        let sentence = "本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。";
        assert_eq!(
            got,
            vec![
                (Measure::NewReceived, 70.0, sentence),
                (Measure::Resolved, 69.0, sentence),
                (Measure::CarriedForward, 1.0, sentence),
                (
                    Measure::NormativeDocsIssued,
                    62.0,
                    "动态更新发布本年度制发行政规范性文件62件。"
                ),
            ]
        );
    }

    /// The statements of one sentence, as (measure, value).
    fn read(sentence: &str) -> Vec<(Measure, f64)> {
        narrative(&doc(&[sentence]))
            .statements
            .iter()
            .map(|s| (s.measure, s.value))
            .collect()
    }

    #[test]
    fn sentences_end_at_full_stops_marks_and_line_ends() {
        let text = "收到申请17件。 其中，予以公开5件！是否办结？\n「结转」2件、 办结率 100%";
        assert_eq!(
            sentences(text).collect::<Vec<_>>(),
            [
                "收到申请17件。",
                "其中，予以公开5件！",
                "是否办结？",
                "「结转」2件、 办结率 100%"
            ]
        );
        assert_eq!(sentences("。\n\n").collect::<Vec<_>>(), ["。"]);
        assert_eq!(sentences("").count(), 0);
    }

    #[test]
    fn the_patterns_that_read_a_number_name_its_unit() {
        // What lets a sentence without a digit and a unit skip them.
        let counts = patterns().iter().filter(|p| p.reads_a_number);
        assert_eq!(counts.clone().count(), patterns().len() - 3);
        for pattern in counts {
            assert!(
                contains_any(pattern.re.as_str(), &COUNT_UNITS),
                "{}",
                pattern.re
            );
        }
        for pattern in percent_patterns() {
            assert!(pattern.re.as_str().contains("[%％]"), "{}", pattern.re);
        }
        // Other digits match `\d`, but their number does not parse: no statement either way.
        assert!(read("全年办结申请１５件，予以公开８件，占５３％。").is_empty());
        assert_eq!(read("全年办结申请15件，予以公开8件，占53%。").len(), 3);
    }

    #[test]
    fn the_words_every_match_holds_are_read_from_the_pattern() {
        let words = |pattern| {
            let words = Words::of(pattern).0;
            words
                .iter()
                .map(|any| any.iter().map(|w| w.to_string()).collect())
                .collect::<Vec<Vec<String>>>()
        };
        assert_eq!(
            words(r"(?:共|全年|累计)(?:收到|受理|接收)[^。；，,]{0,12}?申请(\d+)件"),
            [
                vec!["申请"],
                vec!["件"],
                vec!["收到", "受理", "接收"],
                vec!["共", "全年", "累计"]
            ]
        );
        assert_eq!(
            words(r"上(?:一)?年(?:度)?结转[^。；，,\d]{0,12}?(\d+)\s*件"),
            [["结转"], ["上"], ["年"], ["件"]]
        );
        assert_eq!(
            words(r"(?:^|[^不部分])予以公开\s*(\d+)\s*件"),
            [["予以公开"], ["件"]]
        );
        // A quantifier repeats the last character only; an alternative outside a group leaves
        // nothing every match holds.
        assert_eq!(words("办结?(?:申请)*"), [["办"]]);
        assert!(words("办结|未办").is_empty());
        for pattern in patterns() {
            assert!(!pattern.words.0.is_empty(), "{}", pattern.re);
        }
        for pattern in percent_patterns() {
            assert!(!pattern.words.0.is_empty(), "{}", pattern.re);
        }
        let zero = &patterns()[27];
        assert!(zero
            .words
            .held_by("本年度未发生因政府信息公开引起的行政复议。"));
        assert!(!zero
            .words
            .held_by("本年度发生因政府信息公开引起的行政复议。"));
    }

    #[test]
    fn each_narrative_pattern_reads_its_number() {
        use Measure::*;
        // hongze-2024, as its PDF prints it (spaces around the number).
        assert_eq!(
            read(
                "2024 年，区政府办代表区政府受理政府信息公开申请 17 件，均已在法定期限内予以答复。"
            ),
            [(NewReceived, 17.0)]
        );
        assert_eq!(
            read("上年结转政府信息公开申请3件，本年新收申请12件。"),
            [(CarriedOver, 3.0), (NewReceived, 12.0)]
        );
        assert_eq!(
            read(
                "全年办结申请15件，其中予以公开8件，部分公开2件，不予公开1件，2件结转下年度办理。"
            ),
            [
                (Resolved, 15.0),
                (Granted, 8.0),
                (PartiallyGranted, 2.0),
                (Denied, 1.0),
                (CarriedForward, 2.0)
            ]
        );
        assert_eq!(read("所有申请均已按时办结。"), [(CarriedForward, 0.0)]);
        assert_eq!(
            read("全年发生政府信息公开行政复议2件，行政诉讼1件。"),
            [(AdminReview, 2.0), (Litigation, 1.0)]
        );
        assert_eq!(
            read("本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。"),
            [(AdminReview, 0.0), (Litigation, 0.0)]
        );
        assert_eq!(
            read("全年通过县政府门户网站主动公开政府信息4511条，开展意见征集9期。"),
            [(ProactivePublished, 4511.0)]
        );
    }

    #[test]
    fn a_sentence_wrapped_over_lines_is_read_whole() {
        // hongze-2024's PDF: one line a paragraph.
        let narrative = narrative(&doc(&[
            "（二）依申请公开情况。根据《条例》和上级部门关于依申",
            "请办理的规范要求，强化组织领导、规范办理流程。2024 年，区政府办代表区政府受理政府",
            "信息公开申请 17 件，均已在法定期限内予以答复。",
            "二、主动公开政府信息情况",
            "信息内容",
            "本年制发件数",
        ]));
        let got: Vec<(Measure, f64, &str)> = narrative
            .statements
            .iter()
            .map(|s| (s.measure, s.value, s.sentence.as_str()))
            .collect();
        assert_eq!(
            got,
            [(
                Measure::NewReceived,
                17.0,
                "2024 年，区政府办代表区政府受理政府信息公开申请 17 件，均已在法定期限内予以答复。"
            )]
        );
        assert_eq!(narrative.sections, [Section::Proactive]);
        let line = "2024 年，区政府办代表区政府受理政府";
        assert!(continues(&format!("（二）依申请公开情况。{line}"), line));
        assert!(
            !continues("二、主动公开政府信息情况信息内容", "信息内容"),
            "a short line"
        );
        assert!(!continues(
            "均已在法定期限内予以答复。",
            "均已在法定期限内予以答复。"
        ));
    }

    #[test]
    fn a_sentence_after_one_about_requests_is_about_requests() {
        use Measure::*;
        // shanghai-bgt-2019.
        let text = "市政府办公厅代表市政府共受理政府信息公开申请859件，申请数量较去年回落12.3%；答复政府信息公开申请805件（含上年度结转申请18件，另有72件申请按照《条例》顺延到下年度答复），均在法定期限内予以答复。予以公开及部分公开258件，占33.9%；不予公开35件，占4.34%；因本机关不掌握等原因无法提供265件，占32.9%；不予处理158件，占19.6%；其他处理0件。";
        let got: Vec<(Measure, f64)> = narrative(&doc(&[text]))
            .statements
            .iter()
            .map(|s| (s.measure, s.value))
            .collect();
        assert_eq!(
            got,
            [
                (NewReceived, 859.0),
                (Resolved, 805.0),
                (CarriedOver, 18.0),
                (CarriedForward, 72.0),
                (Denied, 35.0),
                (Denied, 4.34),
                (Unable, 265.0),
                (Unable, 32.9),
                (NotProcessed, 158.0),
                (NotProcessed, 19.6),
                (Other, 0.0),
            ]
        );
    }

    #[test]
    fn numbers_about_something_else_are_not_read() {
        // shanghai-bgt-2019: the total with the carried-over inside, not the carried-over.
        assert_eq!(
            read("共受理政府信息公开申请859件（含上年度结转申请18件）。"),
            [(Measure::NewReceived, 859.0), (Measure::CarriedOver, 18.0)]
        );
        // qiaokou-xzspj-2021: 议提案, not requests.
        assert_eq!(
            read("2021年区行政审批局共办理议提案21件，主办件已全部在规定时间内办结。"),
            []
        );
        assert_eq!(read("共处理行政许可37957件。"), []);
    }

    #[test]
    fn the_outline_is_read_from_the_headings() {
        let narrative = narrative(&doc(&[
            "一、总体情况",
            "（一）主动公开情况。主要通过政府门户网站主动公开。",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "六、其他需要报告的事项",
        ]));
        // pingtan-2021's page text: headings inside the running text; a title without numeral.
        let inline = super::narrative(&doc(&[
            "-23165370。一、总体情况2021年，我区以习近平新时代中。升我区政务公开质效。二、主动公开政府信息情况 第二十条第（一）项",
            "第十六、二十条",
            "存在的主要问题及改进情况",
        ]));
        assert_eq!(
            inline.sections,
            [Section::Overview, Section::Proactive, Section::Problems]
        );
        assert_eq!(
            narrative.sections,
            [
                Section::Overview,
                Section::Proactive,
                Section::Requests,
                Section::ReviewsAndLawsuits,
                Section::Other
            ]
        );
        assert_eq!(Section::Problems.number(), 5);
    }

    /// The percentages of one sentence, as (measure, value, base, decimals).
    fn percents(sentence: &str) -> Vec<(Measure, f64, Base, u8)> {
        narrative(&doc(&[sentence]))
            .statements
            .iter()
            .filter_map(|s| match s.unit {
                Unit::Percent { base, decimals } => Some((s.measure, s.value, base, decimals)),
                Unit::Count => None,
            })
            .collect()
    }

    #[test]
    fn each_percentage_pattern_reads_its_share_and_base() {
        use Base::*;
        use Measure::*;
        assert_eq!(
            percents("全年办结申请190件，其中予以公开120件，占63.2%；部分公开10件，占比5.3%。"),
            [
                (Granted, 63.2, ResultTotal, 1),
                (PartiallyGranted, 5.3, ResultTotal, 1)
            ]
        );
        assert_eq!(
            percents("本年共收到申请180件，不予公开2件，占收到申请总数的1%。"),
            [(Denied, 1.0, Received, 0)]
        );
        assert_eq!(
            percents("办结申请190件，无法提供40件，占办结总数的21.05%；不予处理8件，占总数的4.2%；其他处理5件，占2.6%。"),
            [
                (Unable, 21.05, ResultTotal, 2),
                (NotProcessed, 4.2, ResultTotal, 1),
                (Other, 2.6, ResultTotal, 1)
            ]
        );
        assert_eq!(
            percents("本年新收申请20件，120件予以公开，占申请总数的60%。"),
            [(Granted, 60.0, Unclear, 0)],
            "received, or received and carried over: not guessed"
        );
        assert_eq!(
            percents("依申请公开办结率100%。"),
            [(Resolved, 100.0, Requests, 0)]
        );
        assert_eq!(
            percents("全年行政复议纠错率0%。"),
            [(AdminReviewCorrected, 0.0, AdminReviews, 0)]
        );
        // A whole statement keeps its count too.
        assert_eq!(
            read("办结申请190件，其中予以公开120件，占63.2%。"),
            [(Resolved, 190.0), (Granted, 120.0), (Granted, 63.2)]
        );
    }

    #[test]
    fn percentages_about_something_else_are_not_read() {
        // Timeliness, not the share of requests resolved.
        assert_eq!(percents("申请按时办结率100%，及时办结率100%。"), []);
        // shanghai-bgt-2019: 予以公开 and 部分公开 together; the share goes with neither.
        assert_eq!(percents("申请中予以公开及部分公开258件，占33.9%。"), []);
        // The share follows another outcome.
        assert_eq!(
            percents("申请中予以公开120件，部分公开10件，占5.3%。"),
            [(Measure::PartiallyGranted, 5.3, Base::ResultTotal, 1)]
        );
        // pingtan-2011-legacy: shares of information published, not of requests.
        assert_eq!(percents("县直各单位主动公开政府信息303条，占71.3%。"), []);
        assert_eq!(percents("共受理审批事项117件，办结171件，办结率100%。"), []);
    }
}
