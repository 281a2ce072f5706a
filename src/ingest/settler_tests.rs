//! Unit tests of `settler.rs`, in their own file so that the module itself
//! stays under 600 lines.

use super::*;
use std::collections::HashMap;

fn file_of(path: &str, q: Quarter, ids: &[String]) -> FileOutcome {
    let n = ids.len() as u64;
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let cases = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut c = Case::blank(id, date);
            c.unit = UnitId((id.len() % 2) as u16);
            c.origin = Origin::new(0, i as u32 + 2, q);
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
