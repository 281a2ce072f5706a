//! The settled cases put in (unit, 案件编号) order, the order every
//! output lists them in: in place, on both cores, the ledger never copied
//! (a gigabyte at ten million rows). Apart from the settler, which fills
//! the ledger, because ordering it is a problem of its own: a flag sort by
//! unit, each unit's ids sorted by short keys, the cases moved once.

use rayon::prelude::*;

use crate::model::Case;

/// Cases in (unit, 案件编号) order. The keys are unique, so an unstable sort
/// is deterministic. First the cases are put in unit order in place (an
/// American flag sort: one pass of swaps, each a case to its unit's next
/// place, reading and writing a dozen streams in order); each unit's cases,
/// as soon as all of them are in its range, are put in 案件编号 order on the
/// other core ([`by_id`]) while the flag sort goes on with the next unit.
/// Sorting and permuting every case at once took 1.5 s at ten million rows,
/// the permutation on one core (random moves over a gigabyte); the flag
/// sort and then every unit's sort, 0.9 s, half a second of it the flag
/// sort on one core with the other idle.
pub(super) fn sort_cases(cases: &mut [Case], end: &[usize]) {
    rayon::scope(|s| {
        by_unit(cases, end, |unit| {
            if unit.len() > 1 {
                s.spawn(move |_| by_id(unit));
            }
        });
    });
}

/// One unit's cases put in 案件编号 order: their keys sorted ([`IdKey`]:
/// 24 bytes each, instead of 168-byte records swapped about while sorting)
/// and each case moved into place once.
fn by_id(unit: &mut [Case]) {
    if u32::try_from(unit.len()).is_err() {
        unit.sort_unstable_by(|a, b| a.case_id.cmp(&b.case_id));
        return;
    }
    let order: Vec<u32> = {
        let ids = |k: &IdKey| &*unit[k.at as usize].case_id;
        let mut keys = id_keys(unit);
        keys.par_sort_unstable_by(|a, b| a.window.cmp(&b.window).then_with(|| ids(a).cmp(ids(b))));
        keys.into_iter().map(|k| k.at).collect()
    };
    crate::permute::permute(unit, order);
}

/// A case's place in its unit and sixteen bytes of its 案件编号 past what
/// every id of the unit begins with (温公案〔202…), zero-padded: two
/// windows that differ order their ids as the ids themselves do (padding
/// comes after the text and sorts below any byte); equal windows are
/// settled by comparing the ids. The ids sit at the start of their records
/// (`IdText`), so the keys are made in one pass along the cases, and
/// nearly every comparison of the sort reads the keys alone.
struct IdKey {
    window: [u64; 2],
    at: u32,
}

/// The [`IdKey`]s of one unit's cases, in place order, in one pass along
/// them. The windows begin where a few ids spread over the unit stop
/// sharing their beginning (a guess, checked in the same pass against
/// every id); only if some id shares less are the windows made again from
/// what all of them share. Two passes (the common beginning, then the
/// keys) each waited on memory for every case: the records were just
/// moved by the flag sort on the other core, and this was a third of the
/// sort's time at a million rows.
fn id_keys(unit: &[Case]) -> Vec<IdKey> {
    /// How many cases ahead a case's id is fetched.
    const AHEAD: usize = 8;
    fn id(c: &Case) -> &[u8] {
        c.case_id.as_bytes()
    }
    let first = unit.first().map_or(&[][..], id);
    let n = unit.len();
    let guess = [n / 4, n / 2, n - n / 4, n.saturating_sub(1)]
        .iter()
        .filter_map(|&i| unit.get(i))
        .fold(first.len(), |k, c| common_len(&first[..k], id(c)));
    let mut common = guess;
    let mut keys = Vec::with_capacity(n);
    for (i, c) in unit.iter().enumerate() {
        if let Some(ahead) = unit.get(i + AHEAD) {
            crate::prefetch::line(&ahead.case_id);
        }
        let b = id(c);
        common = common_len(&first[..common], b);
        keys.push(IdKey {
            window: window(b, guess),
            at: i as u32,
        });
    }
    if common < guess {
        for k in &mut keys {
            k.window = window(id(&unit[k.at as usize]), common);
        }
    }
    keys
}

/// Sixteen bytes of `id` from `from` on, zero-padded, as two big-endian
/// words (their order is the bytes' order).
fn window(id: &[u8], from: usize) -> [u64; 2] {
    let mut w = [0u8; 16];
    let rest = id.get(from..).unwrap_or_default();
    let n = rest.len().min(16);
    w[..n].copy_from_slice(&rest[..n]);
    let (hi, lo) = w.split_at(8);
    let word = |b: &[u8]| u64::from_be_bytes(b.try_into().unwrap_or_default());
    [word(hi), word(lo)]
}

/// How many bytes `a` and `b` begin with alike (compared eight at a time).
fn common_len(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let word = |s: &[u8], at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let mut at = 0;
    while at + 8 <= n {
        let diff = word(a, at) ^ word(b, at);
        if diff != 0 {
            return at + (diff.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + a[at..n]
        .iter()
        .zip(&b[at..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// `end[u]`: where unit `u`'s range ends once the cases are in unit order
/// (the number of cases of units `0..=u`), from each unit's count.
pub(super) fn unit_ends(count: &[usize]) -> Vec<usize> {
    count
        .iter()
        .scan(0, |sum, n| {
            *sum += n;
            Some(*sum)
        })
        .collect()
}

/// Cases put in unit order, in place (not stable: the 案件编号 order is
/// made afterwards), `end` from [`unit_ends`]. Each unit's range is handed
/// to `done` as soon as it holds all of that unit's cases and no other: the
/// swaps after it only touch places past it.
fn by_unit<'a>(cases: &'a mut [Case], end: &[usize], mut done: impl FnMut(&'a mut [Case])) {
    // next[u]: the first place of unit u's range not yet holding one of
    // its cases; `rest` begins at place `base`.
    let mut next: Vec<usize> = (0..end.len())
        .map(|u| if u == 0 { 0 } else { end[u - 1] })
        .collect();
    let mut rest = cases;
    let mut base = 0;
    for u in 0..end.len() {
        while next[u] < end[u] {
            let to = rest[next[u] - base].unit.index();
            if to == u {
                next[u] += 1;
            } else {
                rest.swap(next[u] - base, next[to] - base);
                next[to] += 1;
            }
        }
        let (unit, after) = std::mem::take(&mut rest).split_at_mut(end[u] - base);
        done(unit);
        rest = after;
        base = end[u];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UnitId;

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

    /// `common_len` against counting byte by byte, for every pair of
    /// lengths up to 20 and every place of a first difference.
    #[test]
    fn the_common_beginning_is_counted_as_byte_by_byte() {
        let slow = |a: &[u8], b: &[u8]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let base: Vec<u8> = (0..20u8).map(|i| b'a' + i).collect();
        for la in 0..=20 {
            for lb in 0..=20 {
                for diff in 0..=lb {
                    let a = &base[..la];
                    let mut b = base[..lb].to_vec();
                    if diff < lb {
                        b[diff] = b'#';
                    }
                    assert_eq!(common_len(a, &b), slow(a, &b), "{la} {lb} {diff}");
                }
            }
        }
    }

    /// A guess from the sampled ids that is longer than what every id
    /// shares (one id, not sampled, differs early) still sorts right.
    #[test]
    fn an_id_sharing_less_than_the_sampled_ones_still_sorts_right() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let mut ids: Vec<String> = (0..40)
            .rev()
            .map(|i| format!("温公案〔2026〕{i}号"))
            .collect();
        ids[3] = "温公案〔2025〕99号".into();
        ids[5] = "温".into();
        ids[6] = String::new();
        let cases: Vec<Case> = ids.iter().map(|id| Case::blank(id, date)).collect();
        assert_sorts_by_unit_then_id(cases, "early difference");
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
}
