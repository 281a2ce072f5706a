//! Reporting quarters (`2026Q3`) and the periods derived from them.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1..=4
    pub q: u8,
}

/// A closed range of calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }
    pub fn contains_opt(&self, d: Option<NaiveDate>) -> bool {
        d.is_some_and(|d| self.contains(d))
    }
}

const CN_DIGITS: [&str; 4] = ["一", "二", "三", "四"];

impl Quarter {
    pub fn new(year: i32, q: u8) -> Option<Quarter> {
        ((1..=4).contains(&q) && (1900..=9999).contains(&year)).then_some(Quarter { year, q })
    }

    /// Parse `2026Q3`, `2026-Q3`, `2026q3`, `2026年第三季度`, `2026年第3季度`.
    pub fn parse(s: &str) -> Option<Quarter> {
        let s: String = s
            .trim()
            .chars()
            .map(crate::text::fullwidth_to_ascii)
            .collect();
        let s = s.trim();
        if let Some(rest) = s.split_once('年') {
            let year: i32 = rest.0.trim().parse().ok()?;
            let tail = rest.1.trim().strip_prefix('第').unwrap_or(rest.1.trim());
            let tail = tail.strip_suffix("季度")?;
            let q = match tail {
                "一" | "1" => 1,
                "二" | "2" => 2,
                "三" | "3" => 3,
                "四" | "4" => 4,
                _ => return None,
            };
            return Quarter::new(year, q);
        }
        let upper = s.to_ascii_uppercase();
        let (y, q) = upper.split_once('Q')?;
        let y = y.trim_end_matches(['-', '_', ' ']);
        if y.len() != 4 || q.len() != 1 {
            return None;
        }
        Quarter::new(y.parse().ok()?, q.parse().ok()?)
    }

    /// The quarter a date falls in.
    pub fn of(d: NaiveDate) -> Quarter {
        Quarter {
            year: d.year(),
            q: ((d.month() - 1) / 3 + 1) as u8,
        }
    }

    pub fn start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q as u32 - 1) * 3 + 1, 1).expect("valid quarter")
    }

    pub fn end(&self) -> NaiveDate {
        self.next().start().pred_opt().expect("valid date")
    }

    pub fn period(&self) -> Period {
        Period {
            start: self.start(),
            end: self.end(),
        }
    }

    /// 1 January of the year to the end of this quarter.
    pub fn year_to_date(&self) -> Period {
        Period {
            start: NaiveDate::from_ymd_opt(self.year, 1, 1).expect("valid"),
            end: self.end(),
        }
    }

    pub fn prev(&self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    pub fn next(&self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    pub fn same_last_year(&self) -> Quarter {
        Quarter {
            year: self.year - 1,
            q: self.q,
        }
    }

    /// `2026年第三季度`
    pub fn chinese(&self) -> String {
        format!("{}年第{}季度", self.year, CN_DIGITS[self.q as usize - 1])
    }

    /// The default issue date: the 15th of the month after the quarter.
    pub fn default_issue_date(&self) -> NaiveDate {
        self.next().start().with_day(15).expect("valid")
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

impl Serialize for Quarter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `2026年10月15日` (no zero padding, as official documents write it).
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_forms() {
        let q = Quarter { year: 2026, q: 3 };
        for s in [
            "2026Q3",
            "2026-Q3",
            "2026q3",
            "2026年第三季度",
            "2026年第3季度",
            " ２０２６Ｑ３ ",
        ] {
            assert_eq!(Quarter::parse(s), Some(q), "{s}");
        }
        for s in ["2026Q5", "2026", "Q3", "26Q3", "2026年第五季度", ""] {
            assert_eq!(Quarter::parse(s), None, "{s}");
        }
    }

    #[test]
    fn periods() {
        let q = Quarter { year: 2026, q: 3 };
        assert_eq!(q.start(), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(q.end(), NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        assert_eq!(q.prev().to_string(), "2026Q2");
        assert_eq!(Quarter { year: 2026, q: 1 }.prev().to_string(), "2025Q4");
        assert_eq!(q.same_last_year().to_string(), "2025Q3");
        assert_eq!(q.chinese(), "2026年第三季度");
        assert_eq!(chinese_date(q.default_issue_date()), "2026年10月15日");
        assert_eq!(
            Quarter { year: 2026, q: 4 }.default_issue_date(),
            NaiveDate::from_ymd_opt(2027, 1, 15).unwrap()
        );
        assert_eq!(
            Quarter { year: 2024, q: 1 }.end(),
            NaiveDate::from_ymd_opt(2024, 3, 31).unwrap()
        );
    }
}
