//! What the prose of real reports states ([`narrative`]), read from corpus forms in place
//! (`../shared/corpus/reports`, outside the project): each statement's measure, number, unit
//! and words, and the sections of the outline found. It holds the narrative's output still
//! while its search is made cheaper. Without the corpus the test fails in CI (`CI` set) and is
//! skipped elsewhere.

use std::path::Path;

use nianbao_extract::{
    extract_bytes, extract_bytes_with_narrative, read_file, Base, Limits, Measure, Narrative,
    Section, Unit,
};

#[path = "support/corpus_dir.rs"]
mod corpus_dir;
use corpus_dir::corpus;

/// The narrative of one corpus form, read the way `nianbao dataset` reads it; its report is
/// the one `extract_bytes` gives.
fn narrative_of(dir: &Path, form: &str) -> Narrative {
    let path = dir.join(form);
    let limits = Limits::default();
    let bytes = read_file(&path, limits.max_input_bytes).expect("a corpus form");
    let name = path.display().to_string();
    let (report, narrative) = extract_bytes_with_narrative(&bytes, &name, &limits).expect(form);
    let alone = extract_bytes(&bytes, &name, &limits).expect(form);
    assert_eq!(report, alone, "{form}");
    narrative
}

/// Its statements as (measure, value, unit, words).
fn statements(narrative: &Narrative) -> Vec<(Measure, f64, Unit, &str)> {
    narrative
        .statements
        .iter()
        .map(|s| (s.measure, s.value, s.unit, s.text.as_str()))
        .collect()
}

#[test]
fn the_statements_and_outline_of_corpus_forms() {
    use Measure::*;
    let Some(dir) = corpus() else { return };
    let count = Unit::Count;
    let share = |decimals| Unit::Percent {
        base: Base::ResultTotal,
        decimals,
    };

    // The benchmark's CMS page: the prose states what no table holds, and one count of table 二.
    let page = narrative_of(&dir, "pingtan-2024/page.html");
    assert_eq!(
        statements(&page),
        [
            (
                ProactivePublished,
                10407.0,
                count,
                "主动公开各类政府信息10407条"
            ),
            (NormativeDocsIssued, 62.0, count, "制发行政规范性文件62件"),
        ]
    );
    assert_eq!(page.sections, Section::ALL);
    assert_eq!(
        page.statements[1].sentence,
        "加强规范性文件库建设，巩固行政规范性文件集中统一公开成果，动态更新发布本年度制发行政规范性文件62件，并同步做好全真版上传等工作，确保行政规范性文件库数据准确、规范统一。"
    );

    // Counts and shares of table 三's outcomes, a statement of 0, reviews.
    let fragment = narrative_of(&dir, "shanghai-bgt-2019/fragment.html");
    assert_eq!(
        statements(&fragment),
        [
            (NewReceived, 859.0, count, "共受理政府信息公开申请859件"),
            (Resolved, 805.0, count, "答复政府信息公开申请805件"),
            (CarriedOver, 18.0, count, "上年度结转申请18件"),
            (
                CarriedForward,
                72.0,
                count,
                "72件申请按照《条例》顺延到下年度"
            ),
            (Denied, 35.0, count, "不予公开35件"),
            (Denied, 4.34, share(2), "不予公开35件，占4.34%"),
            (Unable, 265.0, count, "无法提供265件"),
            (Unable, 32.9, share(1), "无法提供265件，占32.9%"),
            (NotProcessed, 158.0, count, "不予处理158件"),
            (NotProcessed, 19.6, share(1), "不予处理158件，占19.6%"),
            (Other, 0.0, count, "其他处理0件"),
            (AdminReview, 7.0, count, "行政复议7件"),
        ]
    );
    assert_eq!(fragment.sections, Section::ALL);

    // A PDF's lines, one sentence wrapped over them.
    let pdf = narrative_of(&dir, "huaian-2024/report.pdf");
    assert_eq!(
        statements(&pdf),
        [
            (NewReceived, 3119.0, count, "共受理政府信息公开申请3119件"),
            (CarriedOver, 34.0, count, "上年度结转申请34件"),
            (AdminReview, 351.0, count, "行政复议351件"),
            (Litigation, 46.0, count, "行政诉讼46件"),
        ]
    );
    assert_eq!(pdf.sections, Section::ALL);

    // A report before the statutory format: three of its sections, counts of information.
    let legacy = narrative_of(&dir, "pingtan-2011-legacy/page.txt");
    assert_eq!(
        statements(&legacy),
        [
            (ProactivePublished, 425.0, count, "主动公开政府信息425条"),
            (ProactivePublished, 303.0, count, "主动公开政府信息303条"),
            (ProactivePublished, 122.0, count, "主动公开政府信息122条"),
        ]
    );
    assert_eq!(
        legacy.sections,
        [Section::Overview, Section::Proactive, Section::Requests]
    );
}
