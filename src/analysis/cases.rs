//! The case figures with polars: one lazy plan with per-period indicator
//! columns, then one aggregation per grouping key.
//!
//! Dates are stored as i32 day numbers (days from the common era), so no
//! temporal polars features are needed; quarters as i32 quarter numbers
//! (year × 4 + quarter − 1).

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

/// Keys available for grouping.
#[derive(Debug, Clone, Copy)]
pub enum Key {
    Unit,
    Region,
    Type,
    Source,
    /// Index into the township list given to `frame`.
    Town,
}

impl Key {
    fn col(&self) -> &'static str {
        match self {
            Key::Unit => "unit",
            Key::Region => "region",
            Key::Type => "vtype",
            Key::Source => "source",
            Key::Town => "town",
        }
    }
}

/// The cases as a DataFrame. `towns` is the sorted list of township display
/// names; each case's `town` column is its index there.
pub fn frame(cases: &[&Case], town_of: impl Fn(&Case) -> u32) -> PolarsResult<DataFrame> {
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
        unit.push(c.unit as u32);
        region.push(c.region as u32);
        vtype.push(c.violation_type as u32);
        source.push(c.source as u32);
        town.push(town_of(c));
        found.push(day(c.found_date));
        filed.push(c.filed_date.map(day));
        closed.push(c.closed_date.map(day));
        tday.push(day(c.transfer_day()));
        // Money in fen and tonnage in hundredths, as whole numbers: their
        // sums are exact whatever order the engine adds them in.
        fine.push(hundredths(c.fine_yuan));
        conf.push(hundredths(c.confiscated_yuan));
        vol.push(hundredths(c.volume_t));
        transferred.push(c.transferred);
        criminal.push(c.criminal_filed);
        site_closed.push(c.site_closed);
        power_cut.push(c.power_cut);
        vessels.push(c.vessels_seized as f64);
        equipment.push(c.equipment_seized as f64);
        persons.push(c.persons as f64);
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

/// A value in hundredths, as a whole number (exact in f64 up to 2^53).
pub fn hundredths(x: f64) -> f64 {
    if x.is_finite() {
        (x * 100.0).round()
    } else {
        0.0
    }
}

/// Figures held in hundredths in the frame (money, tonnage).
fn scale_of(f: usize) -> f64 {
    match FIGURES[f].0 {
        "fine_yuan" | "confiscated_yuan" | "volume_t" => 100.0,
        _ => 1.0,
    }
}

/// `s <= c <= e`, false when c is null.
fn within(c: &str, p: Period) -> Expr {
    col(c)
        .gt_eq(lit(day(p.start)))
        .and(col(c).lt_eq(lit(day(p.end))))
        .fill_null(lit(false))
}

fn ind(b: Expr) -> Expr {
    b.fill_null(lit(false)).cast(DataType::Float64)
}

fn sum_if(b: Expr, value: &str) -> Expr {
    when(b)
        .then(col(value).cast(DataType::Float64))
        .otherwise(lit(0.0))
}

/// The indicator expression of figure `f` (index into FIGURES) for a period.
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
        _ => lit(0.0),
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

/// The lazy plan: the cases with one indicator column per (figure, period).
pub fn plan(df: DataFrame, periods: &[Period], closing_days: i64) -> LazyFrame {
    let mut exprs = Vec::with_capacity(N_FIGURES * periods.len());
    for (pi, p) in periods.iter().enumerate() {
        for (fi, (f, _)) in FIGURES.iter().enumerate() {
            exprs.push(figure_expr(f, *p, closing_days).alias(name(fi, pi)));
        }
    }
    df.lazy().with_columns(exprs)
}

fn sums(periods: usize) -> Vec<Expr> {
    let mut v = Vec::with_capacity(N_FIGURES * periods);
    for p in 0..periods {
        for f in 0..N_FIGURES {
            let n = name(f, p);
            v.push(col(n.as_str()).sum().alias(n));
        }
    }
    v
}

/// Every (figure, period) column of an aggregated frame as f64 values.
fn read_all(df: &DataFrame, periods: usize) -> PolarsResult<Vec<PeriodSums>> {
    let h = df.height();
    let mut out = vec![vec![[0.0; N_FIGURES]; periods]; h];
    for p in 0..periods {
        for f in 0..N_FIGURES {
            let c = df.column(&name(f, p))?.cast(&DataType::Float64)?;
            let ca = c.f64()?;
            let scale = scale_of(f);
            for (row, v) in out.iter_mut().enumerate() {
                v[p][f] = ca.get(row).unwrap_or(0.0) / scale;
            }
        }
    }
    Ok(out)
}

/// Totals over all cases, per period.
pub fn totals(lf: &LazyFrame, periods: usize) -> PolarsResult<PeriodSums> {
    let df = lf.clone().select(sums(periods)).collect()?;
    Ok(read_all(&df, periods)?
        .into_iter()
        .next()
        .unwrap_or_else(|| vec![[0.0; N_FIGURES]; periods]))
}

/// Sums per key value (keys absent from the data are absent here).
pub fn by_key(lf: &LazyFrame, key: Key, periods: usize) -> PolarsResult<Vec<(u32, PeriodSums)>> {
    let df = lf
        .clone()
        .group_by([col(key.col())])
        .agg(sums(periods))
        .collect()?;
    let keys = df.column(key.col())?.u32()?.clone();
    let rows = read_all(&df, periods)?;
    Ok(rows
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| keys.get(i).map(|k| (k, r)))
        .collect())
}

/// Quarter found counts per (region, violation type): figure 0 of period 0.
pub fn cross(lf: &LazyFrame) -> PolarsResult<Vec<(u32, u32, u64)>> {
    let n = name(0, 0);
    let df = lf
        .clone()
        .group_by([col("region"), col("vtype")])
        .agg([col(n.as_str()).sum().cast(DataType::Float64).alias("n")])
        .collect()?;
    let r = df.column("region")?.u32()?.clone();
    let t = df.column("vtype")?.u32()?.clone();
    let v = df.column("n")?.f64()?.clone();
    let mut out = Vec::new();
    for i in 0..df.height() {
        if let (Some(r), Some(t), Some(v)) = (r.get(i), t.get(i), v.get(i)) {
            out.push((r, t, v.round() as u64));
        }
    }
    out.sort();
    Ok(out)
}

/// Counts of found, filed and closed per quarter number.
pub fn per_quarter(lf: &LazyFrame) -> PolarsResult<[Vec<(i32, u64)>; 3]> {
    let mut out: [Vec<(i32, u64)>; 3] = Default::default();
    for (i, c) in ["fq", "fiq", "cq"].iter().enumerate() {
        let df = lf
            .clone()
            .group_by([col(*c)])
            .agg([len().cast(DataType::Float64).alias("n")])
            .collect()?;
        let k = df.column(c)?.i32()?.clone();
        let v = df.column("n")?.f64()?.clone();
        for r in 0..df.height() {
            if let (Some(k), Some(v)) = (k.get(r), v.get(r)) {
                out[i].push((k, v.round() as u64));
            }
        }
        out[i].sort();
    }
    Ok(out)
}
