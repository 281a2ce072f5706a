//! `--format parquet`: the records read back with polars give exactly the
//! counts and sums of summary.json; personal fields are masked; the bytes
//! are the same on a second run.

use std::path::Path;

use chrono::NaiveDate;
use polars::prelude::*;
use polars_io::SerReader;

use crate::common::{build, read};

fn frame(p: &Path) -> DataFrame {
    let f = std::fs::File::open(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    polars_io::parquet::read::ParquetReader::new(f)
        .finish()
        .unwrap()
}

fn days(s: &str) -> i32 {
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
}

fn dates(df: &DataFrame, col: &str) -> Vec<Option<i32>> {
    let c = df.column(col).unwrap().cast(&DataType::Int32).unwrap();
    let ca = c.i32().unwrap();
    (0..ca.len()).map(|i| ca.get(i)).collect()
}

fn strings(df: &DataFrame, col: &str) -> Vec<Option<String>> {
    let ca = df.column(col).unwrap().str().unwrap();
    (0..ca.len())
        .map(|i| ca.get(i).map(str::to_string))
        .collect()
}

#[test]
fn parquet_records_give_the_figures_of_summary_json() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let tmp = tempfile::tempdir().unwrap();
    let out = build(
        &data,
        "2026Q3",
        &tmp.path().join("o"),
        &["--format", "parquet"],
    );
    let s: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let (start, end) = (
        days(s["period"]["start"].as_str().unwrap()),
        days(s["period"]["end"].as_str().unwrap()),
    );
    let inq = |d: &Option<i32>| d.is_some_and(|d| start <= d && d <= end);

    let cases = frame(&out.join("data/cases.parquet"));
    // One row per case kept: the accepted rows of every case file.
    let accepted: u64 = s["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "cases")
        .map(|f| f["accepted"].as_u64().unwrap())
        .sum();
    assert_eq!(cases.height() as u64, accepted);
    let found = dates(&cases, "found_date");
    let closed = dates(&cases, "closed_date");
    assert_eq!(
        found.iter().filter(|d| inq(d)).count() as u64,
        s["totals"]["found"].as_u64().unwrap()
    );
    assert_eq!(
        closed.iter().filter(|d| inq(d)).count() as u64,
        s["totals"]["closed"].as_u64().unwrap()
    );
    let fen_ca = cases.column("fine_fen").unwrap().i64().unwrap();
    let fen: Vec<Option<i64>> = (0..fen_ca.len()).map(|i| fen_ca.get(i)).collect();
    let fine: i64 = fen
        .iter()
        .zip(&closed)
        .filter(|(_, c)| inq(c))
        .map(|(f, _)| f.unwrap())
        .sum();
    let want = (s["totals"]["fine_yuan"].as_f64().unwrap() * 100.0).round() as i64;
    assert_eq!(fine, want);
    // by_region: 瑞安市's cases found in the quarter.
    let region = strings(&cases, "region");
    let ruian = region
        .iter()
        .zip(&found)
        .filter(|(r, d)| r.as_deref() == Some("瑞安市") && inq(d))
        .count() as u64;
    let by = s["by_region"].as_array().unwrap();
    let want = by.iter().find(|r| r["key"] == "瑞安市").unwrap()["found"]
        .as_u64()
        .unwrap();
    assert_eq!(ruian, want);
    // Every source file and line names a real input.
    let files: Vec<&str> = s["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(strings(&cases, "source_file")
        .iter()
        .all(|f| files.contains(&f.as_deref().unwrap())));
    // Personal fields masked: every ID number kept shows its stars.
    let ids = strings(&cases, "party_id");
    assert!(ids.iter().flatten().count() > 0);
    assert!(ids.iter().flatten().all(|id| id.contains('*')), "{ids:?}");

    let refs = frame(&out.join("data/referrals.parquet"));
    let sent = dates(&refs, "sent_date");
    assert_eq!(
        sent.iter().filter(|d| inq(d)).count() as u64,
        s["referrals"]["sent"].as_u64().unwrap()
    );
    for name in ["patrols", "meetings", "adjustments"] {
        let df = frame(&out.join(format!("data/{name}.parquet")));
        let accepted: u64 = s["inputs"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == name)
            .map(|f| f["accepted"].as_u64().unwrap())
            .sum();
        assert_eq!(df.height() as u64, accepted, "{name}");
    }

    // Deterministic bytes.
    let again = build(
        &data,
        "2026Q3",
        &tmp.path().join("o2"),
        &["--format", "parquet"],
    );
    for name in ["cases", "referrals", "patrols", "meetings", "adjustments"] {
        let p = format!("data/{name}.parquet");
        assert_eq!(
            std::fs::read(out.join(&p)).unwrap(),
            std::fs::read(again.join(&p)).unwrap(),
            "{p}"
        );
    }
    let manifest = read(&out.join("manifest.json"));
    assert!(manifest.contains("\"data/cases.parquet\""));
}
