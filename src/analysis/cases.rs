//! The case figures: one pass over the cases sums every figure for every
//! period per cell — a distinct (unit, region, violation type, source,
//! township) combination; totals and every grouping (unit, region, type,
//! source, township, region × type, any region scope) are then roll-ups of
//! the small cell table.
//!
//! Dates are taken as i32 day numbers (days from the common era), quarters
//! as i32 quarter numbers (year × 4 + quarter − 1). Every figure is a whole
//! number in the table (money in fen, tonnage in hundredths): integer sums
//! are exact and do not depend on the order the cases are added in.
//!
//! Why not polars here: the same table from a polars plan (68 conditional
//! sums in one group-by, over frames of the cases) took 0.41 s and ~110 MB
//! at a million cases, this pass a small fraction of that (README,
//! Performance). The figures are checked against a case-by-case recount of
//! their definitions (`independent_recount_*` in `tests/it/analysis.rs`).

use chrono::{Datelike, NaiveDate};

use super::figures::{FIGURES, N_FIGURES};
use crate::model::Case;
use crate::quarter::{Period, Quarter};

/// Day number of a date.
pub fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// Quarter number of a quarter: year × 4 + quarter − 1.
pub fn qnum(q: Quarter) -> i32 {
    q.year * 4 + q.q as i32 - 1
}

/// The quarter of a quarter number.
pub fn quarter_of_num(n: i32) -> Quarter {
    Quarter {
        year: n.div_euclid(4),
        q: (n.rem_euclid(4) + 1) as u8,
    }
}

fn qnum_of(d: NaiveDate) -> i32 {
    d.year() * 4 + ((d.month() as i32 - 1) / 3)
}

/// Sums of every figure for each of the periods, per group.
pub type PeriodSums = Vec<[f64; N_FIGURES]>;

/// Integer sums of every figure for the four periods (money and tonnage in hundredths).
pub type RawSums = [[i64; N_FIGURES]; 4];

/// A key of the cell table: its position in a cell's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Unit = 0,
    Region = 1,
    Type = 2,
    Source = 3,
    /// Index into the township list given to `frame`.
    Town = 4,
}

/// A value in hundredths, as a whole number. Accepted amounts are at most
/// 1e12, so this never saturates on real input.
pub fn hundredths(x: f64) -> i64 {
    if x.is_finite() {
        (x * 100.0).round() as i64
    } else {
        0
    }
}

/// Integer sums as figure values (money and tonnage back in 元 and 吨).
pub fn to_values(s: &RawSums) -> PeriodSums {
    s.iter()
        .map(|p| {
            let mut v = [0.0; N_FIGURES];
            for (f, x) in v.iter_mut().enumerate() {
                *x = p[f] as f64 / scale_of(f);
            }
            v
        })
        .collect()
}

/// The cell table: every figure for every period, summed per cell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cells {
    /// Cell keys in `Key` order (unit, region, violation type, source,
    /// township), the cells in key order.
    pub keys: Vec<[u32; 5]>,
    pub sums: Vec<RawSums>,
    /// Cases found, filed and closed per (region, quarter number).
    pub per_quarter: [Vec<(u32, i32, u64)>; 3],
    /// Cell positions in (region, position) order: a region's cells are
    /// one run of it (see `in_scope`).
    by_region: Vec<u32>,
}

/// Index of a figure in `FIGURES`, checked when compiled.
const fn fig(name: &str) -> usize {
    let mut i = 0;
    while i < FIGURES.len() {
        let a = FIGURES[i].0.as_bytes();
        let b = name.as_bytes();
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("not a figure")
}

const FOUND: usize = fig("found");
const FILED: usize = fig("filed");
const CLOSED: usize = fig("closed");
const FINE: usize = fig("fine_yuan");
const CONFISCATED: usize = fig("confiscated_yuan");
const VOLUME: usize = fig("volume_t");
const TRANSFERRED: usize = fig("transferred");
const CRIMINAL: usize = fig("criminal_filed");
const SITES_CLOSED: usize = fig("sites_closed");
const POWER_CUT: usize = fig("power_cut");
const VESSELS: usize = fig("vessels_seized");
const EQUIPMENT: usize = fig("equipment_seized");
const PERSONS: usize = fig("persons");
const OPEN_AT_END: usize = fig("open_at_end");
const OVERDUE: usize = fig("overdue");
const OVERDUE_OPEN: usize = fig("overdue_open");
const OVERDUE_CLOSED_LATE: usize = fig("overdue_closed_late");

/// Figures held in hundredths in the table (money, tonnage).
fn scale_of(f: usize) -> f64 {
    match f {
        FINE | CONFISCATED | VOLUME => 100.0,
        _ => 1.0,
    }
}

/// A case's dates as day numbers and amounts as whole hundredths: what
/// every period's figures are computed from.
struct Row {
    found: i32,
    filed: Option<i32>,
    closed: Option<i32>,
    /// 移送 day: the transfer date, else filed, else found.
    transfer: i32,
    fine: i64,
    confiscated: i64,
    volume: i64,
}

impl Row {
    fn of(c: &Case) -> Row {
        Row {
            found: day(c.found_date),
            filed: c.filed_date.map(day),
            closed: c.closed_date.map(day),
            transfer: day(c.transfer_day()),
            fine: hundredths(c.fine_yuan),
            confiscated: hundredths(c.confiscated_yuan),
            volume: hundredths(c.volume_t),
        }
    }
}

/// A period as day numbers, and the closing time limit in days.
#[derive(Clone, Copy)]
struct Span {
    start: i32,
    end: i32,
}

impl Span {
    fn holds(self, d: i32) -> bool {
        self.start <= d && d <= self.end
    }
    fn holds_some(self, d: Option<i32>) -> bool {
        d.is_some_and(|d| self.holds(d))
    }
}

/// Adds one case's figures for one period to `t` (contract §2):
/// found, filed and closed count a date in the period; money, tonnage
/// follow the closing date; 移送 and 刑事立案 the transfer day; closures,
/// power cuts, seizures and persons the finding date; 期末在办 is filed by
/// the period's end and not closed by then; 超期 is open at the end more
/// than `limit` days after filing, or closed in the period more than
/// `limit` days after filing. A case without a filed date is never open
/// or late. Sums wrap rather than overflow (they cannot on accepted
/// amounts: at most 1e12 yuan a case).
fn add_case(t: &mut [i64; N_FIGURES], c: &Case, r: &Row, p: Span, limit: i32) {
    let found = p.holds(r.found);
    let closed = p.holds_some(r.closed);
    let transfer = p.holds(r.transfer);
    let open = r.filed.is_some_and(|f| f <= p.end) && r.closed.is_none_or(|d| d > p.end);
    let open_late = open && r.filed.is_some_and(|f| p.end - f > limit);
    let closed_late = closed && matches!((r.closed, r.filed), (Some(d), Some(f)) if d - f > limit);
    let mut put = |f: usize, v: i64| t[f] = t[f].wrapping_add(v);
    put(FOUND, found as i64);
    put(FILED, p.holds_some(r.filed) as i64);
    put(CLOSED, closed as i64);
    if closed {
        put(FINE, r.fine);
        put(CONFISCATED, r.confiscated);
        put(VOLUME, r.volume);
    }
    put(TRANSFERRED, (c.transferred && transfer) as i64);
    put(CRIMINAL, (c.criminal_filed && transfer) as i64);
    if found {
        put(SITES_CLOSED, c.site_closed as i64);
        put(POWER_CUT, c.power_cut as i64);
        put(VESSELS, c.vessels_seized as i64);
        put(EQUIPMENT, c.equipment_seized as i64);
        put(PERSONS, c.persons as i64);
    }
    put(OPEN_AT_END, open as i64);
    put(OVERDUE, open_late as i64 + closed_late as i64);
    put(OVERDUE_OPEN, open_late as i64);
    put(OVERDUE_CLOSED_LATE, closed_late as i64);
}

/// The cell table of all cases, in one pass: each case's figures for the
/// four periods are added to its cell's sums, and its found, filed and
/// closed quarters counted per region. `town_of` gives a case's township
/// index. Every sum is a whole number, so the table does not depend on the
/// order the cases come in.
pub fn cells_of(
    cases: &[Case],
    town_of: impl Fn(&Case) -> u32,
    periods: &[Period; 4],
    closing_days: i64,
) -> Cells {
    type Fast = foldhash::fast::FixedState;
    let limit = closing_days.clamp(0, i32::MAX as i64) as i32;
    let spans = periods.map(|p| Span {
        start: day(p.start),
        end: day(p.end),
    });
    // Cells in the order first seen, then put in key order at the end.
    let mut slot_of: std::collections::HashMap<[u32; 5], u32, Fast> = Default::default();
    let mut keys: Vec<[u32; 5]> = Vec::new();
    let mut sums: Vec<RawSums> = Vec::new();
    let mut per_quarter: [std::collections::HashMap<(u32, i32), u64, Fast>; 3] = Default::default();
    for c in cases {
        let key = [
            u32::from(c.unit),
            u32::from(c.region),
            u32::from(c.violation_type),
            u32::from(c.source),
            town_of(c),
        ];
        let slot = *slot_of.entry(key).or_insert_with(|| {
            keys.push(key);
            sums.push([[0; N_FIGURES]; 4]);
            (keys.len() - 1) as u32
        });
        let row = Row::of(c);
        let t = &mut sums[slot as usize];
        for (tp, &p) in t.iter_mut().zip(&spans) {
            add_case(tp, c, &row, p, limit);
        }
        let region = key[1];
        let dates = [Some(c.found_date), c.filed_date, c.closed_date];
        for (counts, d) in per_quarter.iter_mut().zip(dates) {
            if let Some(d) = d {
                *counts.entry((region, qnum_of(d))).or_default() += 1;
            }
        }
    }
    drop(slot_of);
    // Key order: the slots sorted by key, then the cells moved once along
    // that permutation (a sorted copy would hold the table twice).
    let mut order: Vec<u32> = (0..keys.len() as u32).collect();
    order.sort_unstable_by_key(|&i| keys[i as usize]);
    crate::permute::permute(&mut keys, order.clone());
    crate::permute::permute(&mut sums, order);
    let per_quarter = per_quarter.map(|m| {
        let mut v: Vec<(u32, i32, u64)> = m.into_iter().map(|((r, q), n)| (r, q, n)).collect();
        v.sort_unstable();
        v
    });
    Cells {
        by_region: region_order(&keys),
        keys,
        sums,
        per_quarter,
    }
}

/// Cell positions in (region, position) order.
fn region_order(keys: &[[u32; 5]]) -> Vec<u32> {
    let mut by_region: Vec<u32> = (0..keys.len() as u32).collect();
    by_region.sort_by_key(|&i| (keys[i as usize][1], i));
    by_region
}

impl Cells {
    /// Indices of the cells in scope (all, or one region's).
    /// A region's cells are found by binary search: its analysis costs its
    /// own cells, not the city's.
    pub fn in_scope(&self, region: Option<u32>) -> impl Iterator<Item = usize> + '_ {
        let list: &[u32] = match region {
            None => &self.by_region,
            Some(r) => {
                let key = |i: &u32| self.keys[*i as usize][1];
                let lo = self.by_region.partition_point(|i| key(i) < r);
                let hi = self.by_region.partition_point(|i| key(i) <= r);
                &self.by_region[lo..hi]
            }
        };
        list.iter().map(|&i| i as usize)
    }

    /// Totals over the cells in scope.
    pub fn totals(&self, region: Option<u32>) -> RawSums {
        let mut t = [[0; N_FIGURES]; 4];
        for i in self.in_scope(region) {
            add(&mut t, &self.sums[i]);
        }
        t
    }

    /// Sums per key value for the cells in scope, indexed by key value
    /// (`n` entries; values beyond are ignored).
    /// The groups of `key` that have cells in scope, in key order.
    pub fn by_key_present(&self, key: Key, region: Option<u32>) -> Vec<(u32, RawSums)> {
        let mut m: std::collections::BTreeMap<u32, RawSums> = Default::default();
        for i in self.in_scope(region) {
            let k = self.keys[i][key as usize];
            add(m.entry(k).or_insert([[0; N_FIGURES]; 4]), &self.sums[i]);
        }
        m.into_iter().collect()
    }
    pub fn by_key(&self, key: Key, region: Option<u32>, n: usize) -> Vec<Option<RawSums>> {
        let mut out: Vec<Option<RawSums>> = vec![None; n];
        for i in self.in_scope(region) {
            let k = self.keys[i][key as usize] as usize;
            if let Some(slot) = out.get_mut(k) {
                add(slot.get_or_insert([[0; N_FIGURES]; 4]), &self.sums[i]);
            }
        }
        out
    }

    /// Cases found in the quarter per (region, violation type), for the cells in scope.
    pub fn cross(&self, region: Option<u32>) -> Vec<(u32, u32, u64)> {
        let mut m: std::collections::BTreeMap<(u32, u32), i64> = Default::default();
        for i in self.in_scope(region) {
            let k = self.keys[i];
            *m.entry((k[1], k[2])).or_default() += self.sums[i][0][0];
        }
        m.into_iter()
            .map(|((r, t), n)| (r, t, n.max(0) as u64))
            .collect()
    }

    /// Found, filed and closed per quarter number, for a scope.
    pub fn per_quarter(&self, region: Option<u32>) -> [Vec<(i32, u64)>; 3] {
        let mut out: [Vec<(i32, u64)>; 3] = Default::default();
        for (i, list) in self.per_quarter.iter().enumerate() {
            let mut m: std::collections::BTreeMap<i32, u64> = Default::default();
            // Sorted by region: a region's entries are one run.
            let list = match region {
                None => &list[..],
                Some(s) => {
                    let lo = list.partition_point(|e| e.0 < s);
                    let hi = list.partition_point(|e| e.0 <= s);
                    &list[lo..hi]
                }
            };
            for &(_, k, n) in list {
                *m.entry(k).or_default() += n;
            }
            out[i] = m.into_iter().collect();
        }
        out
    }
}

fn add(t: &mut RawSums, s: &RawSums) {
    for (tp, sp) in t.iter_mut().zip(s) {
        for (a, b) in tp.iter_mut().zip(sp) {
            *a += b;
        }
    }
}
