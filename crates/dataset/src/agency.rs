//! A normalized agency name, for grouping one agency's reports across years.
//!
//! The steps: full-width letters, digits and brackets become ASCII; spaces, and bullets or colons
//! at either end, go; a report title that leaked into the name (`…2021年政府信息公开工作年度报告`,
//! `政府信息公开年报…`) is cut off; `管委会` becomes `管理委员会` and `X区政府` becomes
//! `X区人民政府`; a leading province (`江苏省`) is dropped when a city follows, and a leading city
//! (`淮安市`) is dropped when a district or county follows, so `江苏省淮安市洪泽区人民政府` and
//! `洪泽区人民政府` group together.
//!
//! Limits: districts of the same name in different cities (南京 and 福州 both have a 鼓楼区) fall
//! into one group; renamed or merged agencies do not; abbreviations other than the two above
//! (`市府办`) are not expanded.

/// What kind of agency a report is from, judged by the end of its normalized name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyKind {
    /// A government of county level or above (`…人民政府`, or a zone's `…区管理委员会`): its
    /// report is the consolidated one of its level.
    Government,
    /// A government's general office (`…人民政府办公室`, `…办公厅`).
    GeneralOffice,
    /// A department (`…局`, `…委员会`, `…厅`, `…中心`, …).
    Department,
    /// A township, town or street (`…镇人民政府`, `…乡人民政府`, `…街道办事处`).
    TownshipStreet,
}

impl AgencyKind {
    /// Its name in the tables.
    pub fn name(self) -> &'static str {
        match self {
            AgencyKind::Government => "government",
            AgencyKind::GeneralOffice => "general_office",
            AgencyKind::Department => "department",
            AgencyKind::TownshipStreet => "township_street",
        }
    }

    /// The kind of a normalized agency name; `None` when its ending says nothing (a bare place
    /// name such as `平潭综合实验区`).
    pub fn of(normalized: &str) -> Option<AgencyKind> {
        let ends = |endings: &[&str]| endings.iter().any(|e| normalized.ends_with(e));
        if normalized.contains("街道办事处") || ends(&["镇人民政府", "乡人民政府", "街道"])
        {
            Some(AgencyKind::TownshipStreet)
        } else if ends(&["政府办公室", "政府办公厅", "管理委员会办公室"]) {
            Some(AgencyKind::GeneralOffice)
        } else if ends(&["人民政府", "区管理委员会"]) {
            Some(AgencyKind::Government)
        } else if ends(&[
            "局",
            "委员会",
            "委",
            "办",
            "办公室",
            "厅",
            "署",
            "中心",
            "院",
            "站",
            "所",
            "队",
            "处",
        ]) {
            Some(AgencyKind::Department)
        } else {
            None
        }
    }
}

/// Characters that end an administrative unit's name and may precede `政府`.
const UNIT_ENDINGS: [char; 8] = ['省', '市', '县', '区', '旗', '州', '镇', '乡'];

/// The words that start a report's title (政府信息公开工作年度报告).
const TITLE: &str = "政府信息公开";

/// How the title words go on, when they come before the agency (`政府信息公开年报 XX区`).
const TITLE_ENDS: [&str; 4] = ["工作年度报告", "年度报告", "年报", "工作"];

/// Name parts that mark a zone of a city (not a district of its own), so the city stays.
const CITY_ZONES: [&str; 5] = ["园", "开发", "高新", "保税", "经济"];

/// The normalized form of an agency name; empty when the name has no letter (`•`, `—`).
pub fn normalize(agency: &str) -> String {
    let narrowed: String = agency.chars().filter_map(narrow).collect();
    let mut name = trim_marks(&narrowed).to_string();
    if let Some(rest) = name.strip_prefix(TITLE) {
        let rest = TITLE_ENDS
            .iter()
            .find_map(|end| rest.strip_prefix(end))
            .unwrap_or(rest);
        name = rest.to_string();
    } else if let Some(i) = name.find(TITLE) {
        name.truncate(i);
        strip_trailing_year(&mut name);
    }
    if !name.chars().any(char::is_alphanumeric) {
        return String::new();
    }
    let name = trim_marks(&name).replace("管委会", "管理委员会");
    let name = expand_government(&name);
    let name = strip_province(&name);
    strip_city(name).to_string()
}

/// Full-width ASCII to ASCII; whitespace and zero-width characters removed.
fn narrow(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{200B}'..='\u{200D}' | '\u{FEFF}' => None,
        c if c.is_whitespace() => None,
        c => Some(c),
    }
}

/// Drops bullets, colons and the like at both ends (brackets stay).
fn trim_marks(name: &str) -> &str {
    name.trim_matches(|c: char| !c.is_alphanumeric() && c != '(' && c != ')')
}

/// Removes a trailing `2021年` / `2021年度` / `关于`.
fn strip_trailing_year(name: &mut String) {
    for suffix in ["年度", "年", "度"] {
        if let Some(rest) = name.strip_suffix(suffix) {
            let digits = rest
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits == 4 {
                name.truncate(rest.len() - digits);
                break;
            }
        }
    }
    if let Some(rest) = name.strip_suffix("关于") {
        name.truncate(rest.len());
    }
}

/// `洪泽区政府` → `洪泽区人民政府`.
fn expand_government(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 6);
    let mut rest = name;
    while let Some(i) = rest.find("政府") {
        let before = &rest[..i];
        out.push_str(before);
        if !before.ends_with("人民")
            && before
                .chars()
                .last()
                .is_some_and(|c| UNIT_ENDINGS.contains(&c))
        {
            out.push_str("人民");
        }
        out.push_str("政府");
        rest = &rest[i + "政府".len()..];
    }
    out.push_str(rest);
    out
}

/// Drops `XX省` / `XX自治区` when a city (`…市`, `…州`, `…盟`) follows.
fn strip_province(name: &str) -> &str {
    for ending in ["省", "自治区"] {
        if let Some(i) = name.find(ending) {
            let rest = &name[i + ending.len()..];
            let province = name[..i].chars().count();
            if (2..=6).contains(&province) && unit_name(rest, &['市', '州', '盟']).is_some() {
                return rest;
            }
        }
    }
    name
}

/// Drops `XX市` when a district, county or county-level city follows.
fn strip_city(name: &str) -> &str {
    let Some(i) = name.find('市') else {
        return name;
    };
    let rest = &name[i + '市'.len_utf8()..];
    let city = name[..i].chars().count();
    match unit_name(rest, &['区', '县', '旗', '市']) {
        Some(unit) if (2..=4).contains(&city) && !CITY_ZONES.iter().any(|z| unit.contains(z)) => {
            rest
        }
        _ => name,
    }
}

/// The name (1 to 3 characters, no government words) of the unit that `text` starts with, when
/// it ends in one of `endings` and something follows it.
fn unit_name<'a>(text: &'a str, endings: &[char]) -> Option<&'a str> {
    let (i, c) = text
        .char_indices()
        .take(4)
        .skip(1)
        .find(|(_, c)| endings.contains(c))?;
    let unit = &text[..i];
    let generic = ["人民", "政府", "委", "局", "厅", "办"]
        .iter()
        .any(|w| unit.contains(w));
    (!generic && text.len() > i + c.len_utf8()).then_some(unit)
}

#[cfg(test)]
mod tests {
    use super::{normalize, AgencyKind};

    #[test]
    fn the_kind_comes_from_the_name_ending() {
        let kind = |name: &str| AgencyKind::of(&normalize(name));
        assert_eq!(kind("淮安市洪泽区人民政府"), Some(AgencyKind::Government));
        assert_eq!(kind("平潭综合实验区管委会"), Some(AgencyKind::Government));
        assert_eq!(
            kind("上海市人民政府办公厅"),
            Some(AgencyKind::GeneralOffice)
        );
        assert_eq!(
            kind("平潭综合实验区管委会办公室"),
            Some(AgencyKind::GeneralOffice)
        );
        assert_eq!(kind("武汉市硚口区行政审批局"), Some(AgencyKind::Department));
        assert_eq!(kind("沭阳县发展和改革委员会"), Some(AgencyKind::Department));
        assert_eq!(kind("高良涧街道办事处"), Some(AgencyKind::TownshipStreet));
        assert_eq!(kind("岔河镇人民政府"), Some(AgencyKind::TownshipStreet));
        assert_eq!(kind("平潭综合实验区"), None);
        assert_eq!(AgencyKind::Department.name(), "department");
    }

    #[test]
    fn one_agency_across_years_groups() {
        assert_eq!(normalize("淮安市洪泽区人民政府"), "洪泽区人民政府");
        assert_eq!(normalize("洪泽区人民政府"), "洪泽区人民政府");
        assert_eq!(normalize("江苏省淮安市洪泽区政府"), "洪泽区人民政府");
        assert_eq!(
            normalize(" 洪泽区人民政府２０２３年政府信息公开工作年度报告"),
            "洪泽区人民政府"
        );
        assert_eq!(normalize("武汉市硚口区行政审批局"), "硚口区行政审批局");
        assert_eq!(
            normalize("平潭综合实验区管委会办公室"),
            "平潭综合实验区管理委员会办公室"
        );
    }

    #[test]
    fn cities_provinces_and_their_bureaus_stay() {
        assert_eq!(normalize("淮安市人民政府"), "淮安市人民政府");
        assert_eq!(normalize("江苏省淮安市人民政府"), "淮安市人民政府");
        assert_eq!(normalize("江苏省人民政府"), "江苏省人民政府");
        assert_eq!(normalize("江苏省市场监督管理局"), "江苏省市场监督管理局");
        assert_eq!(normalize("淮安市市场监督管理局"), "淮安市市场监督管理局");
        assert_eq!(
            normalize("淮安市工业园区管委会"),
            "淮安市工业园区管理委员会"
        );
        assert_eq!(normalize("上海市人民政府办公厅"), "上海市人民政府办公厅");
        assert_eq!(normalize("苏州市昆山市人民政府"), "昆山市人民政府");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" • "), "");
        assert_eq!(
            normalize("政府信息公开年报平潭综合实验区"),
            "平潭综合实验区"
        );
    }
}
