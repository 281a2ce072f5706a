//! `minebrief sample`: determinism, the planted rejections, clean output,
//! the committed `sample_data/`, and the figures the assessment needs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use minebrief::config::Config;
use minebrief::ingest;
use minebrief::model::{Case, Dataset};
use minebrief::quarter::Quarter;
use minebrief::text::norm_site;

const BIN: &str = env!("CARGO_BIN_EXE_minebrief");

/// The reason codes planted in the messy data, two rows each.
const PLANTED: &[&str] = &[
    "bad_date",
    "bad_yes_no",
    "date_after_period",
    "date_order",
    "duplicate_case",
    "field_count",
    "negative_number",
    "unknown_region",
    "unknown_violation_type",
];

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("run minebrief");
    assert!(
        out.status.success(),
        "minebrief {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn sample(dir: &Path, extra: &[&str]) {
    let out = dir.to_str().expect("utf-8 temp path");
    let mut args = vec!["sample", "--out", out];
    args.extend_from_slice(extra);
    run(&args);
}

/// Every file under `dir` (relative path with `/` → bytes), skipping dot
/// files and the README of the committed folder.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).expect("read dir") {
            let e = e.expect("dir entry");
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || (dir == base && name == "README.md") {
                continue;
            }
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .expect("under base")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// `validate`: the totals line's five numbers, and the reject codes with their counts.
fn validate(dir: &Path) -> ([u64; 5], BTreeMap<String, u64>) {
    let rejects = dir.join("rejects-out.csv.tmp");
    let report = run(&[
        "validate",
        "--data",
        dir.to_str().expect("utf-8"),
        "--rejects",
        rejects.to_str().expect("utf-8"),
    ]);
    let line = report
        .lines()
        .find(|l| l.starts_with("合计 / total:"))
        .expect("totals line");
    assert!(!line.contains('≠'), "accounting error: {line}");
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().expect("number"))
        .collect();
    assert_eq!(nums.len(), 5, "{line}");
    let totals = [nums[0], nums[1], nums[2], nums[3], nums[4]];
    assert_eq!(totals[0], totals[1] + totals[2] + totals[3] + totals[4]);
    let bytes = std::fs::read(&rejects).expect("rejects file");
    std::fs::remove_file(&rejects).expect("remove rejects file");
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let mut codes = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.expect("rejects row");
        *codes.entry(rec[4].to_string()).or_insert(0) += 1;
    }
    (totals, codes)
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, b, c) = (tmp(), tmp(), tmp());
    sample(a.path(), &["--seed", "7", "--rows", "1500"]);
    sample(b.path(), &["--seed", "7", "--rows", "1500"]);
    sample(c.path(), &["--seed", "8", "--rows", "1500"]);
    let (ta, tb, tc) = (tree(a.path()), tree(b.path()), tree(c.path()));
    assert!(ta.len() >= 5 * 15, "{} files", ta.len());
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(
            tb[k] == *v,
            "{k} differs between two runs with the same seed"
        );
    }
    // another seed: the same file names, different contents
    assert_eq!(ta.keys().collect::<Vec<_>>(), tc.keys().collect::<Vec<_>>());
    let differing = ta.iter().filter(|(k, v)| tc[*k] != **v).count();
    assert!(differing > ta.len() / 2, "only {differing} files differ");
}

#[test]
fn messy_data_rejects_exactly_the_planted_rows() {
    let d = tmp();
    sample(d.path(), &[]);
    let (totals, codes) = validate(d.path());
    let want: BTreeMap<String, u64> = PLANTED.iter().map(|c| (c.to_string(), 2)).collect();
    assert_eq!(codes, want);
    assert_eq!(totals[2], 18, "rejected");
    // title rows are not counted; the blank and total rows are skipped
    assert!(totals[3] > 0, "no blank or total rows skipped");
    assert!(totals[4] > 0, "nothing superseded");
    // the messy forms are all there
    let files = tree(d.path());
    let has = |f: &dyn Fn(&str, &[u8]) -> bool| files.iter().any(|(k, v)| f(k, v));
    assert!(has(&|_, v| v.starts_with(b"\xFF\xFE")), "UTF-16LE");
    assert!(has(&|_, v| v.starts_with(b"\xEF\xBB\xBF")), "UTF-8 BOM");
    assert!(
        has(&|_, v| std::str::from_utf8(v).is_err() && !v.starts_with(b"\xFF\xFE")),
        "GB18030"
    );
    assert!(has(&|_, v| v.windows(2).any(|w| w == b"\r\n")), "CRLF");
    assert!(
        has(&|k, _| k == "2026Q3/公安局_2026Q3.csv"),
        "unit by file name"
    );
    let utf8: Vec<String> = files
        .values()
        .filter_map(|v| std::str::from_utf8(v.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(v)).ok())
        .map(str::to_string)
        .collect();
    let any = |s: &str| utf8.iter().any(|t| t.contains(s));
    for s in [
        "2026年第三季度非法采矿案件统计表",
        "合计",
        "罚款金额(万元)",
        "国土资源局",
        "安监局",
        "环保局",
        "\t",
        "案号",
        "县(市、区)",
        "案件来源",
        "万元",
        "瑞按市",
    ] {
        assert!(any(s), "no UTF-8 file contains {s:?}");
    }
}

#[test]
fn planted_rejects_do_not_depend_on_size_or_seed() {
    let want: BTreeMap<String, u64> = PLANTED.iter().map(|c| (c.to_string(), 2)).collect();
    for args in [
        &["--quarters", "1", "--rows", "20", "--seed", "4"][..],
        &[
            "--quarters",
            "2",
            "--rows",
            "400",
            "--seed",
            "5",
            "--last",
            "2027Q1",
        ][..],
        &["--quarters", "9", "--rows", "2000", "--seed", "6"][..],
    ] {
        let d = tmp();
        sample(d.path(), args);
        let (_, codes) = validate(d.path());
        assert_eq!(codes, want, "{args:?}");
    }
}

#[test]
fn clean_data_has_no_rejections_and_no_skipped_rows() {
    let d = tmp();
    sample(d.path(), &["--clean", "--rows", "2000", "--seed", "3"]);
    let (totals, codes) = validate(d.path());
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(totals[2], 0);
    assert_eq!(totals[3], 0);
    for (k, v) in tree(d.path()) {
        let text = std::str::from_utf8(&v).unwrap_or_else(|_| panic!("{k} is not UTF-8"));
        assert!(!text.starts_with('\u{FEFF}'), "{k} has a BOM");
        assert!(!text.contains('\r'), "{k} has CR");
    }
}

#[test]
fn committed_sample_data_is_a_fresh_generation() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let d = tmp();
    sample(d.path(), &[]);
    let (fresh, old) = (tree(d.path()), tree(&committed));
    assert_eq!(
        fresh.keys().collect::<Vec<_>>(),
        old.keys().collect::<Vec<_>>(),
        "file lists differ: run `minebrief sample --out sample_data` and commit"
    );
    for (k, v) in &fresh {
        assert!(
            old[k] == *v,
            "sample_data/{k} is stale: run `minebrief sample --out sample_data` and commit"
        );
    }
}

#[test]
fn refuses_to_mix_with_other_files() {
    let d = tmp();
    let q = d.path().join("2026Q3");
    std::fs::create_dir_all(&q).expect("mkdir");
    std::fs::write(q.join("old.csv"), "x").expect("write");
    let out = Command::new(BIN)
        .args(["sample", "--out", d.path().to_str().expect("utf-8")])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("old.csv"));
    assert_eq!(std::fs::read(q.join("old.csv")).expect("kept"), b"x");
}

// ---------------------------------------------------------------------------
// The figures the assessment will be made of
// ---------------------------------------------------------------------------

fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6_371_000.0_f64;
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let dla = la2 - la1;
    let dlo = (b.0 - a.0).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// Recurrences found in `q` (SPEC section 2): (region of the register entry, by coordinates only).
fn recurrences(ds: &Dataset, q: Quarter) -> Vec<(minebrief::model::RegionId, bool)> {
    let p = q.period();
    let mut register: Vec<&Case> = ds
        .cases
        .iter()
        .filter(|c| c.site_closed && c.found_date <= p.end)
        .collect();
    register.sort_by_key(|c| c.found_date);
    let mut out = Vec::new();
    for c in ds.cases.iter().filter(|c| p.contains(c.found_date)) {
        for e in &register {
            if c.found_date <= e.found_date {
                continue;
            }
            let by_name = c.region == e.region
                && c.township == e.township
                && !norm_site(&c.site).is_empty()
                && norm_site(&c.site) == norm_site(&e.site);
            let by_coord = match (c.coords.get(), e.coords.get()) {
                (Some(a), Some(x)) => distance_m(a, x) <= 200.0,
                _ => false,
            };
            if by_name || by_coord {
                out.push((e.region, !by_name));
                break;
            }
        }
    }
    out
}

#[test]
fn data_makes_an_interesting_assessment() {
    let d = tmp();
    sample(d.path(), &[]);
    let cfg = Config::embedded();
    let ds = ingest::load(d.path(), &cfg, None).expect("load");
    let q = Quarter::parse("2026Q3").expect("quarter");
    let p = q.period();
    let region = |i: u16| cfg.regions[i as usize].name.clone();
    let media = cfg
        .sources
        .iter()
        .position(|s| s.name == "媒体曝光")
        .expect("source") as u16;

    // media exposures and recurrences in the quarter, by region
    let mut by_region: BTreeMap<String, u32> = BTreeMap::new();
    for c in &ds.cases {
        if p.contains(c.found_date) && c.source == minebrief::model::SourceId(media) {
            *by_region.entry(region(c.region.into())).or_insert(0) += 1;
        }
    }
    assert!(by_region.values().any(|&n| n >= 2), "media: {by_region:?}");
    let rec = recurrences(&ds, q);
    let mut rec_by_region: BTreeMap<String, u32> = BTreeMap::new();
    for (r, _) in &rec {
        *rec_by_region.entry(region((*r).into())).or_insert(0) += 1;
    }
    assert!(
        rec_by_region.values().any(|&n| n >= 2),
        "recurrences: {rec_by_region:?}"
    );
    assert!(
        rec.iter().any(|r| r.1),
        "no recurrence matched by coordinates only"
    );
    assert!(
        rec.len() <= 8,
        "too many recurrences for them to stand out: {rec_by_region:?}"
    );

    // filing within 7 days, by unit, over cases filed in the quarter: leaders and laggards
    let mut filing: BTreeMap<u16, (u32, u32)> = BTreeMap::new();
    for c in &ds.cases {
        if let Some(f) = c.filed_date.filter(|&f| p.contains(f)) {
            let e = filing.entry(c.unit.into()).or_insert((0, 0));
            e.1 += 1;
            if (f - c.found_date).num_days() <= 7 {
                e.0 += 1;
            }
        }
    }
    let rates: Vec<f64> = filing
        .values()
        .map(|&(n, d)| f64::from(n) / f64::from(d))
        .collect();
    let (lo, hi) = rates
        .iter()
        .fold((1.0_f64, 0.0_f64), |(lo, hi), &r| (lo.min(r), hi.max(r)));
    assert!(hi >= 0.9 && lo <= 0.7, "filing timeliness {lo:.2}..{hi:.2}");

    // overdue cases (open more than 90 days after filing) pile up at some units
    let overdue = |c: &&Case| {
        c.filed_date
            .is_some_and(|f| (p.end - f).num_days() > 90 && c.closed_date.is_none_or(|x| x > p.end))
    };
    let mut od: BTreeMap<u16, u32> = BTreeMap::new();
    for c in ds.cases.iter().filter(overdue) {
        *od.entry(c.unit.into()).or_insert(0) += 1;
    }
    assert!(od.values().any(|&n| n >= 5), "overdue: {od:?}");

    // referrals: some answered late, some never (overdue at the quarter end)
    let late = ds
        .referrals
        .iter()
        .filter(|r| {
            r.reply_date
                .is_some_and(|d| (d - r.sent_date).num_days() > 7)
        })
        .count();
    let unanswered = ds
        .referrals
        .iter()
        .filter(|r| r.reply_date.is_none() && (p.end - r.sent_date).num_days() > 7)
        .count();
    assert!(
        late > 0 && unanswered > 0,
        "late {late}, unanswered {unanswered}"
    );

    // the meeting of the quarter, with a few units absent
    let dates: BTreeSet<NaiveDate> = ds
        .meetings
        .iter()
        .filter(|m| p.contains(m.date))
        .map(|m| m.date)
        .collect();
    assert_eq!(dates.len(), 1);
    let absent = ds
        .meetings
        .iter()
        .filter(|m| p.contains(m.date) && !m.attended)
        .count();
    assert!((1..=4).contains(&absent), "{absent} absent");

    // patrols, single and joint; adjustments with reason and basis
    assert!(ds
        .patrols
        .iter()
        .any(|x| x.mode == minebrief::model::PatrolMode::Joint));
    assert!(ds
        .patrols
        .iter()
        .any(|x| x.mode == minebrief::model::PatrolMode::Single));
    assert!(ds.adjustments.len() >= 5);
    assert!(ds
        .adjustments
        .iter()
        .all(|a| !a.reason.is_empty() && !a.basis.is_empty()));
    assert!(ds.adjustments.iter().any(|a| a.points > 0.0));
    assert!(ds.adjustments.iter().any(|a| a.points < 0.0));
    // every unit and region has cases in the quarter
    let units: BTreeSet<u16> = ds
        .cases
        .iter()
        .filter(|c| p.contains(c.found_date))
        .map(|c| c.unit.0)
        .collect();
    let regions: BTreeSet<u16> = ds
        .cases
        .iter()
        .filter(|c| p.contains(c.found_date))
        .map(|c| c.region.0)
        .collect();
    assert_eq!(units.len(), cfg.units.len());
    assert_eq!(regions.len(), cfg.regions.len());
    eprintln!("media {by_region:?}; recurrences {rec_by_region:?}; overdue by unit {od:?}; filing {lo:.2}..{hi:.2}; late {late}, unanswered {unanswered}, absent {absent}");
}
