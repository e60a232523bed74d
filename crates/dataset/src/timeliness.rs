//! The statutory publication deadline of a report and how late it was published (FORMAT.md §0).
//!
//! Under the 2019 条例 (第四十九条), a department publishes its report on year Y by January 31 of
//! Y+1, and a county-level-or-higher government its consolidated report by March 31 of Y+1.
//! General offices and townships are held to January 31 (they are not the consolidated report of
//! a county-level government). Reports on years before 2019 fell under the old 条例: March 31 for
//! all. Local notices often set earlier dates; they are not known here.

use crate::agency::AgencyKind;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day, 1 to 31.
    pub day: u32,
}

impl Date {
    /// Reads `YYYY-MM-DD` (anything after the tenth character, such as a time, is ignored).
    pub fn parse(text: &str) -> Option<Date> {
        let head = text.get(..10)?;
        let mut parts = head.split('-');
        let year = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (proleptic Gregorian calendar).
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The deadline of a report on `year` by an agency of `kind`; `None` when it depends on the kind
/// and the kind is not known.
pub fn deadline(year: i32, kind: Option<AgencyKind>) -> Option<Date> {
    let march = Date {
        year: year + 1,
        month: 3,
        day: 31,
    };
    let january = Date { month: 1, ..march };
    match kind {
        _ if year < 2019 => Some(march),
        Some(AgencyKind::Government) => Some(march),
        Some(AgencyKind::GeneralOffice | AgencyKind::Department | AgencyKind::TownshipStreet) => {
            Some(january)
        }
        None => None,
    }
}

/// Days from the deadline to the publication: positive when late, zero or negative when on time.
pub fn days_late(published: Date, deadline: Date) -> i64 {
    published.days() - deadline.days()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_follow_the_level_and_the_year() {
        let d = |y, m, d| Date {
            year: y,
            month: m,
            day: d,
        };
        let government = Some(AgencyKind::Government);
        assert_eq!(deadline(2024, government), Some(d(2025, 3, 31)));
        let department = Some(AgencyKind::Department);
        assert_eq!(deadline(2024, department), Some(d(2025, 1, 31)));
        let office = Some(AgencyKind::GeneralOffice);
        assert_eq!(deadline(2019, office), Some(d(2020, 1, 31)));
        assert_eq!(deadline(2018, department), Some(d(2019, 3, 31)));
        assert_eq!(
            deadline(2013, None),
            Some(d(2014, 3, 31)),
            "the same for all"
        );
        assert_eq!(deadline(2024, None), None);
        assert_eq!(Date::parse("2025-03-10 08:00"), Some(d(2025, 3, 10)));
        assert_eq!(Date::parse("2025-02-30"), None);
        assert_eq!(Date::parse("2025年3月"), None);
        assert_eq!(d(1970, 1, 1).days(), 0);
        assert_eq!(d(2024, 3, 1).days() - d(2024, 2, 28).days(), 2, "leap year");
        assert_eq!(days_late(d(2025, 3, 10), d(2025, 3, 31)), -21);
        assert_eq!(days_late(d(2022, 2, 8), d(2022, 1, 31)), 8);
        assert_eq!(d(2025, 1, 31).to_string(), "2025-01-31");
    }
}
