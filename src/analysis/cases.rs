//! The case figures with polars: one lazy plan that sums every figure for
//! every period per cell — a distinct (unit, region, violation type, source,
//! township) combination — in one group-by; totals and every grouping
//! (unit, region, type, source, township, region × type, any region scope)
//! are then roll-ups of the small cell table.
//!
//! Dates are stored as i32 day numbers (days from the common era), so no
//! temporal polars features are needed; quarters as i32 quarter numbers
//! (year × 4 + quarter − 1). Every figure is a whole number in the frame
//! (money in fen, tonnage in hundredths): integer sums are exact and do not
//! depend on the order the engine adds in.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

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

/// Keys of a cell, in `CELL_KEYS` order.
pub const CELL_KEYS: [&str; 5] = ["unit", "region", "vtype", "source", "town"];

/// A key of the cell table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Unit = 0,
    Region = 1,
    Type = 2,
    Source = 3,
    /// Index into the township list given to `frame`.
    Town = 4,
}

/// The cases as a DataFrame. `town_of` gives each case's township index.
pub fn frame(cases: &[Case], town_of: &impl Fn(&Case) -> u32) -> PolarsResult<DataFrame> {
    let n = cases.len();
    let mut unit = Vec::with_capacity(n);
    let mut region = Vec::with_capacity(n);
    let mut vtype = Vec::with_capacity(n);
    let mut source = Vec::with_capacity(n);
    let mut town = Vec::with_capacity(n);
    let mut found = Vec::with_capacity(n);
    let mut filed = Vec::with_capacity(n);
    let mut closed = Vec::with_capacity(n);
    let mut tday = Vec::with_capacity(n);
    let mut fine = Vec::with_capacity(n);
    let mut conf = Vec::with_capacity(n);
    let mut vol = Vec::with_capacity(n);
    let mut transferred = Vec::with_capacity(n);
    let mut criminal = Vec::with_capacity(n);
    let mut site_closed = Vec::with_capacity(n);
    let mut power_cut = Vec::with_capacity(n);
    let mut vessels = Vec::with_capacity(n);
    let mut equipment = Vec::with_capacity(n);
    let mut persons = Vec::with_capacity(n);
    let mut fq = Vec::with_capacity(n);
    let mut fiq = Vec::with_capacity(n);
    let mut cq = Vec::with_capacity(n);
    for c in cases {
        unit.push(u32::from(c.unit));
        region.push(u32::from(c.region));
        vtype.push(u32::from(c.violation_type));
        source.push(u32::from(c.source));
        town.push(town_of(c));
        found.push(day(c.found_date));
        filed.push(c.filed_date.map(day));
        closed.push(c.closed_date.map(day));
        tday.push(day(c.transfer_day()));
        fine.push(hundredths(c.fine_yuan));
        conf.push(hundredths(c.confiscated_yuan));
        vol.push(hundredths(c.volume_t));
        transferred.push(c.transferred);
        criminal.push(c.criminal_filed);
        site_closed.push(c.site_closed);
        power_cut.push(c.power_cut);
        vessels.push(c.vessels_seized as i64);
        equipment.push(c.equipment_seized as i64);
        persons.push(c.persons as i64);
        fq.push(qnum_of(c.found_date));
        fiq.push(c.filed_date.map(qnum_of));
        cq.push(c.closed_date.map(qnum_of));
    }
    let cols: Vec<Column> = vec![
        Series::new("unit".into(), unit).into(),
        Series::new("region".into(), region).into(),
        Series::new("vtype".into(), vtype).into(),
        Series::new("source".into(), source).into(),
        Series::new("town".into(), town).into(),
        Series::new("found".into(), found).into(),
        Series::new("filed".into(), filed).into(),
        Series::new("closed".into(), closed).into(),
        Series::new("tday".into(), tday).into(),
        Series::new("fine".into(), fine).into(),
        Series::new("conf".into(), conf).into(),
        Series::new("vol".into(), vol).into(),
        Series::new("transferred".into(), transferred).into(),
        Series::new("criminal".into(), criminal).into(),
        Series::new("site_closed".into(), site_closed).into(),
        Series::new("power_cut".into(), power_cut).into(),
        Series::new("vessels".into(), vessels).into(),
        Series::new("equipment".into(), equipment).into(),
        Series::new("persons".into(), persons).into(),
        Series::new("fq".into(), fq).into(),
        Series::new("fiq".into(), fiq).into(),
        Series::new("cq".into(), cq).into(),
    ];
    DataFrame::new(n, cols)
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

/// Figures held in hundredths in the frame (money, tonnage).
fn scale_of(f: usize) -> f64 {
    match FIGURES[f].0 {
        "fine_yuan" | "confiscated_yuan" | "volume_t" => 100.0,
        _ => 1.0,
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

/// `s <= c <= e`, false when c is null.
fn within(c: &str, p: Period) -> Expr {
    col(c)
        .gt_eq(lit(day(p.start)))
        .and(col(c).lt_eq(lit(day(p.end))))
        .fill_null(lit(false))
}

fn ind(b: Expr) -> Expr {
    b.fill_null(lit(false)).cast(DataType::Int64)
}

fn sum_if(b: Expr, value: &str) -> Expr {
    when(b)
        .then(col(value).cast(DataType::Int64))
        .otherwise(lit(0i64))
}

/// The per-case value of figure `f` (index into FIGURES) for a period.
fn figure_expr(f: &str, p: Period, closing_days: i64) -> Expr {
    let e = day(p.end);
    let n = closing_days.clamp(0, i32::MAX as i64) as i32;
    match f {
        "found" => ind(within("found", p)),
        "filed" => ind(within("filed", p)),
        "closed" => ind(within("closed", p)),
        "fine_yuan" => sum_if(within("closed", p), "fine"),
        "confiscated_yuan" => sum_if(within("closed", p), "conf"),
        "volume_t" => sum_if(within("closed", p), "vol"),
        "transferred" => ind(col("transferred").and(within("tday", p))),
        "criminal_filed" => ind(col("criminal").and(within("tday", p))),
        "sites_closed" => ind(col("site_closed").and(within("found", p))),
        "power_cut" => ind(col("power_cut").and(within("found", p))),
        "vessels_seized" => sum_if(within("found", p), "vessels"),
        "equipment_seized" => sum_if(within("found", p), "equipment"),
        "persons" => sum_if(within("found", p), "persons"),
        "open_at_end" => ind(open_at_end(e)),
        "overdue" => {
            let open_old = open_at_end(e).and((lit(e) - col("filed")).gt(lit(n)));
            let closed_late = within("closed", p).and((col("closed") - col("filed")).gt(lit(n)));
            ind(open_old) + ind(closed_late)
        }
        "overdue_open" => ind(open_at_end(e).and((lit(e) - col("filed")).gt(lit(n)))),
        "overdue_closed_late" => {
            ind(within("closed", p).and((col("closed") - col("filed")).gt(lit(n))))
        }
        _ => lit(0i64),
    }
}

fn open_at_end(e: i32) -> Expr {
    col("filed")
        .lt_eq(lit(e))
        .and(col("closed").is_null().or(col("closed").gt(lit(e))))
        .fill_null(lit(false))
}

fn name(f: usize, p: usize) -> String {
    format!("{}_{p}", FIGURES[f].0)
}

/// The cell table: every figure for every period, summed per cell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cells {
    /// Cell keys in `CELL_KEYS` order.
    pub keys: Vec<[u32; 5]>,
    pub sums: Vec<RawSums>,
    /// Cases found, filed and closed per (region, quarter number).
    pub per_quarter: [Vec<(u32, i32, u64)>; 3],
    /// Cell positions in (region, position) order: a region's cells are
    /// one run of it (see `in_scope`).
    by_region: Vec<u32>,
}

/// Cases per frame in `cells_of`: the frame of a million cases and the
/// engine's per-expression columns over it were the memory peak of the
/// analysis; frames of this many rows bound it at a few tens of MB. (At
/// 2^18 rows the 1M-row run's peak was 355 MB, at 2^16 333 MB, in the same
/// time; at 100k rows, now two frames, 5 MB more and the same time.)
pub const FRAME_ROWS: usize = 1 << 16;

/// The cell table of all cases, summed over frames of at most `rows` cases
/// each (`FRAME_ROWS` in production): every sum is a whole number, so the
/// table is the same as from one frame of all cases.
pub fn cells_of(
    cases: &[Case],
    town_of: impl Fn(&Case) -> u32,
    periods: &[Period; 4],
    closing_days: i64,
    rows: usize,
) -> PolarsResult<Cells> {
    if cases.len() <= rows {
        return cells(frame(cases, &town_of)?, periods, closing_days);
    }
    let mut sums: std::collections::BTreeMap<[u32; 5], RawSums> = Default::default();
    let mut per_quarter: [std::collections::BTreeMap<(u32, i32), u64>; 3] = Default::default();
    for chunk in cases.chunks(rows.max(1)) {
        let part = cells(frame(chunk, &town_of)?, periods, closing_days)?;
        for (k, s) in part.keys.iter().zip(&part.sums) {
            add(sums.entry(*k).or_insert([[0; N_FIGURES]; 4]), s);
        }
        for (all, list) in per_quarter.iter_mut().zip(&part.per_quarter) {
            for &(r, q, n) in list {
                *all.entry((r, q)).or_default() += n;
            }
        }
    }
    let (keys, sums): (Vec<[u32; 5]>, Vec<RawSums>) = sums.into_iter().unzip();
    let by_region = region_order(&keys);
    Ok(Cells {
        keys,
        sums,
        per_quarter: per_quarter.map(|m| m.into_iter().map(|((r, q), n)| (r, q, n)).collect()),
        by_region,
    })
}

/// Cell positions in (region, position) order.
fn region_order(keys: &[[u32; 5]]) -> Vec<u32> {
    let mut by_region: Vec<u32> = (0..keys.len() as u32).collect();
    by_region.sort_by_key(|&i| (keys[i as usize][1], i));
    by_region
}

/// One lazy plan per output: the cell sums, and the per-quarter counts.
pub fn cells(df: DataFrame, periods: &[Period; 4], closing_days: i64) -> PolarsResult<Cells> {
    let lf = df.lazy();
    let mut aggs = Vec::with_capacity(N_FIGURES * 4);
    for (pi, p) in periods.iter().enumerate() {
        for (fi, (f, _)) in FIGURES.iter().enumerate() {
            aggs.push(figure_expr(f, *p, closing_days).sum().alias(name(fi, pi)));
        }
    }
    let keys: Vec<Expr> = CELL_KEYS.iter().map(|k| col(*k)).collect();
    let df = lf.clone().group_by(keys).agg(aggs).collect()?;
    let h = df.height();
    let mut keys = vec![[0u32; 5]; h];
    for (k, kname) in CELL_KEYS.iter().enumerate() {
        let ca = df.column(kname)?.u32()?.clone();
        for (row, key) in keys.iter_mut().enumerate() {
            key[k] = ca.get(row).unwrap_or(0);
        }
    }
    // Cells in key order (the engine's group order is not deterministic):
    // each group's sums go straight to their place, `at[row]`, so that the
    // table is not built once and then copied in order.
    let mut order: Vec<usize> = (0..h).collect();
    order.sort_by_key(|&i| keys[i]);
    let mut at = vec![0usize; h];
    for (pos, &row) in order.iter().enumerate() {
        at[row] = pos;
    }
    let keys: Vec<[u32; 5]> = order.iter().map(|&i| keys[i]).collect();
    drop(order);
    let mut out = Cells {
        by_region: region_order(&keys),
        keys,
        sums: vec![[[0; N_FIGURES]; 4]; h],
        per_quarter: Default::default(),
    };
    for p in 0..4 {
        for f in 0..N_FIGURES {
            let c = df.column(&name(f, p))?.cast(&DataType::Int64)?;
            let ca = c.i64()?;
            for (row, &pos) in at.iter().enumerate() {
                out.sums[pos][p][f] = ca.get(row).unwrap_or(0);
            }
        }
    }
    drop(df);

    for (i, c) in ["fq", "fiq", "cq"].iter().enumerate() {
        let df = lf
            .clone()
            .group_by([col("region"), col(*c)])
            .agg([len().cast(DataType::Int64).alias("n")])
            .collect()?;
        let r = df.column("region")?.u32()?.clone();
        let k = df.column(c)?.i32()?.clone();
        let v = df.column("n")?.i64()?.clone();
        for row in 0..df.height() {
            if let (Some(r), Some(k), Some(v)) = (r.get(row), k.get(row), v.get(row)) {
                out.per_quarter[i].push((r, k, v.max(0) as u64));
            }
        }
        out.per_quarter[i].sort_unstable();
    }
    Ok(out)
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
