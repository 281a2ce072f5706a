//! Every case-based indicator and deduction of one unit or region,
//! answered in one pass over its cases: each case is read once and put to
//! every question the rubric asks of cases (filed in time? closed in
//! time? found by the unit itself? overdue? exposed by the media?).
//!
//! Why: asked one question at a time, the rubric read every case of the
//! city nine times (four unit questions, five region ones), and reading
//! them, not answering, was the work: at ten million rows a case record is
//! a cache miss each time (a gigabyte of them), and the assessment took
//! 0.6–1.1 s on one core while the other, done with the analysis, waited.
//! What each question counts is unchanged, and the case ids behind a
//! deduction come in the same (unit, 案件编号) order.

use crate::model::{Case, IdText};
use crate::quarter::Period;

/// One question the rubric asks of every case of an entity.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum CaseTest {
    /// 立案及时率: of the cases filed in the period, those filed within
    /// `days` of being found.
    Filing { days: i64 },
    /// 结案及时率: of the cases closed in the period, those closed within
    /// `days` of being filed.
    Closing { days: i64 },
    /// 主动发现率: of the cases found in the period, those whose lead
    /// source is one of the set (by source id).
    Found { sources: Vec<bool> },
    /// 结案率: of the cases filed by the period's end and open at its start
    /// (or filed in it), those closed in it.
    Closure,
    /// 超期案件: the ids of the cases overdue in the period (`days` after
    /// filing).
    Overdue { days: i64 },
    /// 媒体曝光: the ids of the cases found in the period whose lead source
    /// is one of the set.
    Exposed { sources: Vec<bool> },
}

/// What an entity's cases answered one [`CaseTest`].
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tally {
    /// A rate's numerator and denominator.
    Rate { n: u64, d: u64 },
    /// The ids of the cases that count, in the order they came.
    Ids(Vec<IdText>),
}

impl Tally {
    /// How many cases count: the numerator, or the ids.
    pub(super) fn count(&self) -> usize {
        match self {
            Tally::Rate { n, .. } => *n as usize,
            Tally::Ids(ids) => ids.len(),
        }
    }
}

impl CaseTest {
    fn empty(&self) -> Tally {
        match self {
            CaseTest::Overdue { .. } | CaseTest::Exposed { .. } => Tally::Ids(Vec::new()),
            _ => Tally::Rate { n: 0, d: 0 },
        }
    }

    /// Put `c` to the question, adding its answer to `t`.
    fn take(&self, c: &Case, p: Period, t: &mut Tally) {
        let of = |set: &[bool]| set.get(usize::from(c.source)).copied().unwrap_or(false);
        let rate = |t: &mut Tally, counts: bool| {
            if let Tally::Rate { n, d } = t {
                *d += 1;
                *n += u64::from(counts);
            }
        };
        match self {
            CaseTest::Filing { days } => {
                if let Some(f) = c.filed_date.filter(|f| p.contains(*f)) {
                    rate(t, (f - c.found_date).num_days() <= *days);
                }
            }
            CaseTest::Closing { days } => {
                if let (Some(f), Some(cl)) = (c.filed_date, c.closed_date) {
                    if p.contains(cl) {
                        rate(t, (cl - f).num_days() <= *days);
                    }
                }
            }
            CaseTest::Found { sources } => {
                if p.contains(c.found_date) {
                    rate(t, of(sources));
                }
            }
            CaseTest::Closure => {
                let before = p.start.pred_opt().unwrap_or(p.start);
                let Some(f) = c.filed_date else { return };
                if f > p.end || (f <= before && !c.open_at(before)) {
                    return;
                }
                rate(t, c.closed_date.is_some_and(|cl| p.contains(cl)));
            }
            CaseTest::Overdue { days } => {
                if let Tally::Ids(ids) = t {
                    if c.overdue_in(p.start, p.end, *days) {
                        ids.push(c.case_id.clone());
                    }
                }
            }
            CaseTest::Exposed { sources } => {
                if let Tally::Ids(ids) = t {
                    if p.contains(c.found_date) && of(sources) {
                        ids.push(c.case_id.clone());
                    }
                }
            }
        }
    }
}

/// Each test's answer over `cases` (in the order of `tests`), every case
/// read once.
pub(super) fn tally<'a>(
    cases: impl Iterator<Item = &'a Case>,
    p: Period,
    tests: &[&CaseTest],
) -> Vec<Tally> {
    let mut tallies: Vec<Tally> = tests.iter().map(|t| t.empty()).collect();
    if tests.is_empty() {
        return tallies;
    }
    for c in cases {
        for (test, t) in tests.iter().zip(&mut tallies) {
            test.take(c, p, t);
        }
    }
    tallies
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceId;
    use crate::quarter::Quarter;

    fn date(s: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Every question over five cases in one pass, each answer worked out
    /// by hand for 2026Q3 (7-01 to 9-30); two questions of one kind with
    /// different limits keep their own answers.
    #[test]
    fn one_pass_answers_each_question_as_asked_alone() {
        let case = |id: &str, found: &str, filed: Option<&str>, closed: Option<&str>, src: u8| {
            let mut c = Case::blank(id, date(found));
            c.filed_date = filed.map(date);
            c.closed_date = closed.map(date);
            c.source = SourceId(src.into());
            c
        };
        let cases = [
            // filed 4 days after found, closed 15 days after filing
            case("A", "2026-07-01", Some("2026-07-05"), Some("2026-07-20"), 0),
            // found before the quarter, filed 20 days later, still open
            case("B", "2026-06-20", Some("2026-07-10"), None, 1),
            // filed before the quarter, closed in it 149 days after filing
            case("C", "2026-03-01", Some("2026-03-05"), Some("2026-08-01"), 0),
            // found in the quarter by the media, never filed
            case("D", "2026-08-01", None, None, 1),
            // all in an earlier year
            case("E", "2025-01-01", Some("2025-01-02"), Some("2025-02-01"), 1),
        ];
        let tests = [
            CaseTest::Filing { days: 7 },
            CaseTest::Filing { days: 30 },
            CaseTest::Closing { days: 60 },
            CaseTest::Found {
                sources: vec![true, false],
            },
            CaseTest::Closure,
            CaseTest::Overdue { days: 60 },
            CaseTest::Exposed {
                sources: vec![false, true],
            },
        ];
        let p = Quarter::parse("2026Q3").unwrap().period();
        let refs: Vec<&CaseTest> = tests.iter().collect();
        let got = tally(cases.iter(), p, &refs);
        let ids = |v: &[&str]| Tally::Ids(v.iter().map(|s| IdText::from(*s)).collect());
        assert_eq!(
            got,
            vec![
                Tally::Rate { n: 1, d: 2 }, // A in 7 days, B not
                Tally::Rate { n: 2, d: 2 },
                Tally::Rate { n: 1, d: 2 }, // A in time, C not
                Tally::Rate { n: 1, d: 2 }, // A proactive, D not (B found before)
                Tally::Rate { n: 2, d: 3 }, // A, B, C in the workload; A, C closed
                ids(&["B", "C"]),           // B open 82 days at the end, C closed after 149
                ids(&["D"]),
            ]
        );
        // how many cases count, for a rate or a list of ids
        let counts: Vec<usize> = got.iter().map(Tally::count).collect();
        assert_eq!(counts, [1, 2, 1, 1, 2, 2, 1]);
        // each question alone gives the same answer
        for (t, want) in refs.iter().zip(&got) {
            assert_eq!(&tally(cases.iter(), p, &[t])[0], want, "{t:?}");
        }
        assert!(tally(cases.iter(), p, &[]).is_empty());
    }
}
