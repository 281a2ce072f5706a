//! `data/*.parquet`: the records every figure was computed from — the latest
//! accepted copy of every case and referral letter, and every patrol,
//! meeting and adjustment row — with canonical names and typed columns, so
//! that an analyst can ask what the briefing does not answer without redoing
//! the cleaning (pandas, polars, DuckDB, Spark all read Parquet).
//!
//! Columns: the source file and line of each record; names as in the
//! configuration; dates as Parquet dates; money as whole 分 (`*_fen`, exact);
//! tonnage as a decimal; flags as booleans. Personal fields (当事人,
//! 证件号) are masked and 简要案情 scrubbed unless `privacy.mask_personal =
//! false` (`Case::summary` scrubs it as it is read); free text is only held for the cases a report may quote (closed
//! in the report quarter), so it is null for the others. Written with
//! polars-io's writer (Snappy, statistics on): the same records give the
//! same bytes.

use chrono::NaiveDate;
use polars::prelude::*;
use polars_io::parquet::write::{ParquetCompression, ParquetWriter};

use crate::analysis::cases::hundredths;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{Dataset, Origin, Target};

fn pe(what: &str, e: PolarsError) -> Error {
    Error::Other(format!(
        "无法写出 Parquet 文件（{what}）：{e} / cannot write the Parquet file ({what}): {e}"
    ))
}

/// Days since 1970-01-01, as Parquet and Arrow store a date.
fn days(d: NaiveDate) -> i32 {
    // Dates are checked at ingest (2000..=9999): no overflow.
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32
}

fn date_col(name: &str, v: Vec<Option<i32>>) -> Result<Column> {
    Series::new(name.into(), v)
        .cast(&DataType::Date)
        .map(Column::from)
        .map_err(|e| pe(name, e))
}

fn text_or_null(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// The origin columns every table starts with: file, line, quarter folder.
struct OriginCols {
    file: Vec<String>,
    line: Vec<u64>,
    quarter: Vec<String>,
}

impl OriginCols {
    fn with_capacity(n: usize) -> Self {
        OriginCols {
            file: Vec::with_capacity(n),
            line: Vec::with_capacity(n),
            quarter: Vec::with_capacity(n),
        }
    }
    fn push(&mut self, ds: &Dataset, o: &Origin) {
        self.file.push(
            ds.files
                .get(o.file as usize)
                .map(|f| f.path.clone())
                .unwrap_or_default(),
        );
        self.line.push(u64::from(o.line));
        self.quarter.push(o.quarter().to_string());
    }
    fn columns(self) -> Vec<Column> {
        vec![
            Series::new("source_file".into(), self.file).into(),
            Series::new("source_line".into(), self.line).into(),
            Series::new("quarter_folder".into(), self.quarter).into(),
        ]
    }
}

fn frame(height: usize, cols: Vec<Column>, what: &str) -> Result<DataFrame> {
    DataFrame::new(height, cols).map_err(|e| pe(what, e))
}

/// data/cases.parquet
pub fn cases_frame(ds: &Dataset, cfg: &Config) -> Result<DataFrame> {
    let n = ds.cases.len();
    let mask = cfg.privacy.mask_personal;
    let name = |list: &[crate::config::Named], i: u16| {
        list.get(i as usize)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let mut o = OriginCols::with_capacity(n);
    let (mut unit, mut case_id, mut region, mut township, mut site) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut lon, mut lat) = (vec![], vec![]);
    let (mut found, mut filed, mut closed, mut transfer) = (vec![], vec![], vec![], vec![]);
    let (mut source, mut vtype, mut status) = (vec![], vec![], vec![]);
    let (mut fine, mut conf, mut vol) = (vec![], vec![], vec![]);
    let (mut transferred, mut criminal, mut closed_site, mut power) =
        (vec![], vec![], vec![], vec![]);
    let (mut persons, mut vessels, mut equipment, mut referred) = (vec![], vec![], vec![], vec![]);
    let (mut party, mut party_id, mut summary) = (vec![], vec![], vec![]);
    for c in &ds.cases {
        o.push(ds, &c.origin);
        unit.push(name(&cfg.units, u16::from(c.unit)));
        case_id.push(c.case_id.to_string());
        region.push(name(&cfg.regions, u16::from(c.region)));
        township.push(text_or_null(&c.township));
        site.push(text_or_null(&c.site));
        lon.push(c.coords.lon());
        lat.push(c.coords.lat());
        found.push(Some(days(c.found_date)));
        filed.push(c.filed_date.map(days));
        closed.push(c.closed_date.map(days));
        transfer.push(c.transfer_date.map(days));
        source.push(
            cfg.sources
                .get(usize::from(c.source))
                .map(|s| s.name.clone())
                .unwrap_or_default(),
        );
        vtype.push(name(&cfg.violation_types, u16::from(c.violation_type)));
        status.push(c.status.to_string());
        fine.push(hundredths(c.fine_yuan));
        conf.push(hundredths(c.confiscated_yuan));
        vol.push(c.volume_t);
        transferred.push(c.transferred);
        criminal.push(c.criminal_filed);
        closed_site.push(c.site_closed);
        power.push(c.power_cut);
        persons.push(c.persons);
        vessels.push(c.vessels_seized);
        equipment.push(c.equipment_seized);
        referred.push(c.referred_by.map(|u| name(&cfg.units, u16::from(u))));
        let (p, id, s) = if mask {
            (
                crate::privacy::mask_name(c.party()),
                crate::privacy::mask_id(c.party_id()),
                // Free text is scrubbed of ID and phone numbers at ingest.
                c.summary().to_string(),
            )
        } else {
            (
                c.party().to_string(),
                c.party_id().to_string(),
                c.summary().to_string(),
            )
        };
        party.push(text_or_null(&p));
        party_id.push(text_or_null(&id));
        summary.push(text_or_null(&s));
    }
    let mut cols = o.columns();
    cols.extend([
        Series::new("unit".into(), unit).into(),
        Series::new("case_id".into(), case_id).into(),
        Series::new("region".into(), region).into(),
        Series::new("township".into(), township).into(),
        Series::new("site".into(), site).into(),
        Series::new("lon".into(), lon).into(),
        Series::new("lat".into(), lat).into(),
        date_col("found_date", found)?,
        Series::new("source".into(), source).into(),
        Series::new("violation_type".into(), vtype).into(),
        date_col("filed_date", filed)?,
        date_col("closed_date", closed)?,
        Series::new("status".into(), status).into(),
        Series::new("fine_fen".into(), fine).into(),
        Series::new("confiscated_fen".into(), conf).into(),
        Series::new("volume_t".into(), vol).into(),
        Series::new("transferred".into(), transferred).into(),
        date_col("transfer_date", transfer)?,
        Series::new("criminal_filed".into(), criminal).into(),
        Series::new("persons".into(), persons).into(),
        Series::new("site_closed".into(), closed_site).into(),
        Series::new("power_cut".into(), power).into(),
        Series::new("vessels_seized".into(), vessels).into(),
        Series::new("equipment_seized".into(), equipment).into(),
        Series::new("referred_by".into(), referred).into(),
        Series::new("party".into(), party).into(),
        Series::new("party_id".into(), party_id).into(),
        Series::new("summary".into(), summary).into(),
    ]);
    frame(n, cols, "cases")
}

/// data/referrals.parquet
pub fn referrals_frame(ds: &Dataset, cfg: &Config) -> Result<DataFrame> {
    let n = ds.referrals.len();
    let unit = |u: u16| {
        cfg.units
            .get(u as usize)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let mut o = OriginCols::with_capacity(n);
    let (mut id, mut from, mut to, mut sent, mut reply, mut region, mut case_id, mut summary) = (
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    for r in &ds.referrals {
        o.push(ds, &r.origin);
        id.push(r.ref_id.clone());
        from.push(unit(u16::from(r.from_unit)));
        to.push(unit(u16::from(r.to_unit)));
        sent.push(Some(days(r.sent_date)));
        reply.push(r.reply_date.map(days));
        region.push(
            r.region
                .and_then(|i| cfg.regions.get(usize::from(i)))
                .map(|x| x.name.clone()),
        );
        case_id.push(text_or_null(&r.case_id));
        summary.push(text_or_null(&r.summary));
    }
    let mut cols = o.columns();
    cols.extend([
        Series::new("ref_id".into(), id).into(),
        Series::new("from_unit".into(), from).into(),
        Series::new("to_unit".into(), to).into(),
        date_col("sent_date", sent)?,
        date_col("reply_date", reply)?,
        Series::new("region".into(), region).into(),
        Series::new("case_id".into(), case_id).into(),
        Series::new("summary".into(), summary).into(),
    ]);
    frame(n, cols, "referrals")
}

/// data/patrols.parquet
pub fn patrols_frame(ds: &Dataset, cfg: &Config) -> Result<DataFrame> {
    let n = ds.patrols.len();
    let mut o = OriginCols::with_capacity(n);
    let (mut date, mut unit, mut region, mut town, mut joint, mut times, mut issues) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for p in &ds.patrols {
        o.push(ds, &p.origin);
        date.push(Some(days(p.date)));
        unit.push(
            cfg.units
                .get(usize::from(p.unit))
                .map(|x| x.name.clone())
                .unwrap_or_default(),
        );
        region.push(
            cfg.regions
                .get(usize::from(p.region))
                .map(|x| x.name.clone())
                .unwrap_or_default(),
        );
        town.push(text_or_null(&p.township));
        joint.push(p.mode == crate::model::PatrolMode::Joint);
        times.push(p.person_times);
        issues.push(p.issues_found);
    }
    let mut cols = o.columns();
    cols.extend([
        date_col("date", date)?,
        Series::new("unit".into(), unit).into(),
        Series::new("region".into(), region).into(),
        Series::new("township".into(), town).into(),
        Series::new("joint".into(), joint).into(),
        Series::new("person_times".into(), times).into(),
        Series::new("issues_found".into(), issues).into(),
    ]);
    frame(n, cols, "patrols")
}

/// data/meetings.parquet
pub fn meetings_frame(ds: &Dataset, cfg: &Config) -> Result<DataFrame> {
    let n = ds.meetings.len();
    let mut o = OriginCols::with_capacity(n);
    let (mut date, mut unit, mut attended) = (vec![], vec![], vec![]);
    for m in &ds.meetings {
        o.push(ds, &m.origin);
        date.push(Some(days(m.date)));
        unit.push(
            cfg.units
                .get(usize::from(m.unit))
                .map(|x| x.name.clone())
                .unwrap_or_default(),
        );
        attended.push(m.attended);
    }
    let mut cols = o.columns();
    cols.extend([
        date_col("date", date)?,
        Series::new("unit".into(), unit).into(),
        Series::new("attended".into(), attended).into(),
    ]);
    frame(n, cols, "meetings")
}

/// data/adjustments.parquet
pub fn adjustments_frame(ds: &Dataset, cfg: &Config) -> Result<DataFrame> {
    let n = ds.adjustments.len();
    let mut o = OriginCols::with_capacity(n);
    let (mut kind, mut target, mut points, mut reason, mut basis) =
        (vec![], vec![], vec![], vec![], vec![]);
    for a in &ds.adjustments {
        o.push(ds, &a.origin);
        let (k, t) = match a.target {
            Target::Unit(u) => ("单位", cfg.units.get(usize::from(u))),
            Target::Region(r) => ("县市区", cfg.regions.get(usize::from(r))),
        };
        kind.push(k.to_string());
        target.push(t.map(|x| x.name.clone()).unwrap_or_default());
        points.push(a.points);
        reason.push(a.reason.clone());
        basis.push(text_or_null(&a.basis));
    }
    let mut cols = o.columns();
    cols.extend([
        Series::new("target_kind".into(), kind).into(),
        Series::new("target".into(), target).into(),
        Series::new("points".into(), points).into(),
        Series::new("reason".into(), reason).into(),
        Series::new("basis".into(), basis).into(),
    ]);
    frame(n, cols, "adjustments")
}

/// A frame as Parquet bytes.
pub fn to_bytes(mut df: DataFrame, what: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Snappy)
        .finish(&mut df)
        .map_err(|e| pe(what, e))?;
    Ok(buf)
}

/// Every Parquet file of a run: (`data/<name>.parquet`, bytes).
pub fn files(ds: &Dataset, cfg: &Config) -> Result<Vec<(String, Vec<u8>)>> {
    let frames = [
        ("cases", cases_frame(ds, cfg)?),
        ("referrals", referrals_frame(ds, cfg)?),
        ("patrols", patrols_frame(ds, cfg)?),
        ("meetings", meetings_frame(ds, cfg)?),
        ("adjustments", adjustments_frame(ds, cfg)?),
    ];
    frames
        .into_iter()
        .map(|(name, df)| Ok((format!("data/{name}.parquet"), to_bytes(df, name)?)))
        .collect()
}
