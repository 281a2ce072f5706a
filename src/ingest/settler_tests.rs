//! Unit tests of `settler.rs`, in their own file so that the module itself
//! stays under 600 lines.

use super::*;
use std::collections::HashMap;

/// Units in any order (some absent, one holding most), ids of any
/// length: the cases come out as sorting by (unit, 案件编号) puts them.
#[test]
fn cases_are_put_in_unit_then_id_order() {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let mut next = crate::test_rng::below(3);
    for n in [0usize, 1, 2, 7, 1000, 5000] {
        let cases: Vec<Case> = (0..n)
            .map(|i| {
                let mut c = Case::blank(&format!("{}-{i}", next(50)), date);
                // units 0–12 but 5, unit 3 most often
                let u = if next(2) == 0 { 3 } else { next(13) };
                c.unit = UnitId(if u == 5 { 12 } else { u } as u16);
                c
            })
            .collect();
        assert_sorts_by_unit_then_id(cases, &n.to_string());
    }
}

/// `sort_cases` puts `cases` as sorting them by (unit, 案件编号) does.
fn assert_sorts_by_unit_then_id(mut cases: Vec<Case>, what: &str) {
    let keys = |v: &[Case]| -> Vec<(u16, String)> {
        v.iter()
            .map(|c| (c.unit.0, c.case_id.to_string()))
            .collect()
    };
    let mut want = keys(&cases);
    want.sort();
    let end = unit_ends(&counts(&cases));
    sort_cases(&mut cases, &end);
    assert_eq!(keys(&cases), want, "{what}");
}

/// Each range the flag sort hands on holds, when handed on, every case of
/// its unit and nothing else, and the ranges come in unit order (a unit
/// with no cases as an empty range).
#[test]
fn each_unit_is_handed_on_whole_as_soon_as_it_is_in_place() {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let mut next = crate::test_rng::below(11);
    let mut cases: Vec<Case> = (0..3000)
        .map(|i| {
            let mut c = Case::blank(&i.to_string(), date);
            // units 0–9 but 4, unit 7 most often
            let u = if next(3) == 0 { 7 } else { next(10) };
            c.unit = UnitId(if u == 4 { 9 } else { u } as u16);
            c
        })
        .collect();
    let count = counts(&cases);
    let end = unit_ends(&count);
    let mut handed: Vec<(usize, Vec<u16>)> = Vec::new();
    by_unit(&mut cases, &end, |unit| {
        handed.push((unit.len(), unit.iter().map(|c| c.unit.0).collect()));
    });
    assert_eq!(handed.len(), count.len());
    assert_eq!(count.len(), 10);
    for (u, (len, units)) in handed.iter().enumerate() {
        assert_eq!(*len, count[u], "unit {u}");
        assert!(units.iter().all(|&x| usize::from(x) == u), "unit {u}");
    }
    assert_eq!(count[4], 0);
}

/// How many cases each unit has, up to the highest unit there is.
fn counts(cases: &[Case]) -> Vec<usize> {
    let mut count = Vec::new();
    for c in cases {
        let u = c.unit.index();
        if u >= count.len() {
            count.resize(u + 1, 0);
        }
        count[u] += 1;
    }
    count
}

/// Ids alike for long stretches (a unit's common beginning, then sixteen
/// bytes alike and a difference after them), ids that begin others, NUL
/// and multi-byte characters, ids past the inline limit: the order is
/// still the ids' own, whatever the sort's windows hold.
#[test]
fn ids_alike_past_the_sort_window_are_still_put_in_order() {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let mut next = crate::test_rng::below(7);
    let stems = [
        "温公案〔2026〕",
        "温公案〔2026〕0000000000000000",
        "温公案〔2026〕0000000000000000号号号号号号号号号号号号号号",
        "温公案〔2026〕\u{0}\u{0}",
        "温公案〔2025〕",
        "温公案〔202",
        "",
    ];
    let mut ids = std::collections::BTreeSet::new();
    while ids.len() < 3000 {
        let stem = stems[next(stems.len() as u64) as usize];
        let tail = match next(4) {
            0 => String::new(),
            1 => format!("{}", next(100)),
            2 => format!("{}号", next(1000)),
            _ => "\u{0}".repeat(next(3) as usize + 1),
        };
        ids.insert(format!("{stem}{tail}"));
    }
    // all of them, and those with a long common beginning; every case of
    // one unit, or spread over two
    let long: Vec<&String> = ids.iter().filter(|i| i.starts_with(stems[0])).collect();
    let all: Vec<&String> = ids.iter().collect();
    for (units, ids) in [(1u16, &all), (2, &all), (1, &long), (2, &long)] {
        let mut cases: Vec<Case> = ids
            .iter()
            .map(|id| {
                let mut c = Case::blank(id, date);
                c.unit = UnitId(next(units as u64) as u16);
                c
            })
            .collect();
        // shuffled
        for i in (1..cases.len()).rev() {
            cases.swap(i, next(i as u64 + 1) as usize);
        }
        assert_sorts_by_unit_then_id(cases, &units.to_string());
    }
}

fn file_of(path: &str, q: Quarter, ids: &[String]) -> FileOutcome {
    let n = ids.len() as u64;
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let cases = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut c = Case::blank(id, date);
            c.unit = UnitId((id.len() % 2) as u16);
            c.origin = Origin {
                file: 0,
                line: i as u32 + 2,
                quarter: q,
            };
            c
        })
        .collect();
    FileOutcome {
        file: Some(InputFile {
            path: path.into(),
            kind: FileKind::Cases,
            unit: None,
            encoding: None,
            sha256: String::new(),
            bytes: 0,
            quarter: Some(q),
            counts: Counts {
                rows_read: n,
                accepted: n,
                ..Counts::default()
            },
            error: None,
        }),
        cases,
        ..FileOutcome::default()
    }
}

/// Ids repeat at every distance from 1 to a few hundred rows, within a
/// file, between files of a folder and across folders (keys are hashed
/// some rows before they are settled: a hash taken for the wrong row
/// would miss a duplicate or keep two copies of a case; the first file
/// is three chunks, `super::super::CHUNK` cases each, so repeats cross
/// their joins too). The expected outcome is worked out row by row with a
/// plain map.
#[test]
fn every_repeat_is_found_whatever_its_distance() {
    let (q1, q2) = (Quarter { year: 2026, q: 2 }, Quarter { year: 2026, q: 3 });
    let mut below = crate::test_rng::below(7);
    let mut next_id = || {
        // ids of two lengths (two units), 0–299: many repeats
        let n = below(300);
        if n.is_multiple_of(3) {
            format!("A{n}")
        } else {
            format!("AB{n}")
        }
    };
    let files: Vec<(String, Quarter, Vec<String>)> = [(q1, 0), (q1, 1), (q2, 2), (q2, 3)]
        .iter()
        .map(|&(q, f)| {
            let n = [2 * crate::ingest::CHUNK + 700, 5, 333, 17][f];
            (
                format!("{q}/f{f}.csv"),
                q,
                (0..n).map(|_| next_id()).collect(),
            )
        })
        .collect();
    // The plain model: (unit, id) → (quarter, file); per file
    // (accepted, rejected, superseded).
    let mut first: HashMap<(u16, String), (Quarter, usize)> = HashMap::new();
    let mut want = vec![(0u64, 0u64, 0u64); files.len()];
    let mut want_rejects = Vec::new();
    for (fi, (path, q, ids)) in files.iter().enumerate() {
        for (i, id) in ids.iter().enumerate() {
            let key = ((id.len() % 2) as u16, id.clone());
            match first.get(&key).copied() {
                Some((pq, _)) if pq == *q => {
                    want[fi].1 += 1;
                    want_rejects.push((path.clone(), i as u64 + 2));
                }
                Some((_, pf)) => {
                    want[pf].0 -= 1;
                    want[pf].2 += 1;
                    want[fi].0 += 1;
                    first.insert(key, (*q, fi));
                }
                None => {
                    want[fi].0 += 1;
                    first.insert(key, (*q, fi));
                }
            }
        }
    }
    let mut s = Settler::new(vec![q1, q2]);
    s.reserve_cases(10);
    for (path, q, ids) in &files {
        s.feed(vec![file_of(path, *q, ids)]);
    }
    let ds = s.finish();
    let got: Vec<(u64, u64, u64)> = ds
        .files
        .iter()
        .map(|f| (f.counts.accepted, f.counts.rejected, f.counts.superseded))
        .collect();
    assert_eq!(got, want);
    let mut got_rejects: Vec<(String, u64)> = ds
        .rejects
        .iter()
        .map(|r| (r.file.clone(), r.line))
        .collect();
    got_rejects.sort();
    want_rejects.sort();
    assert_eq!(got_rejects, want_rejects);
    let mut keys: Vec<(u16, String, u32)> = first
        .iter()
        .map(|((u, id), &(_, fi))| (*u, id.clone(), fi as u32))
        .collect();
    keys.sort();
    let got_keys: Vec<(u16, String, u32)> = ds
        .cases
        .iter()
        .map(|c| (c.unit.0, c.case_id.to_string(), c.origin.file))
        .collect();
    assert_eq!(got_keys, keys);
    // the mix this seed makes: many duplicates, some superseded, most ids
    let superseded: u64 = want.iter().map(|w| w.2).sum();
    assert!(want_rejects.len() > 500 && superseded > 100 && keys.len() > 250);
}
