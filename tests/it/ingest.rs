//! Ingestion over the hand-made fixture folder `tests/fixtures/ingest/`
//! (written by `tests/fixtures/make_ingest.py`, where every row's line and
//! expected outcome is noted): every accepted form and every rejection rule,
//! with exact counts, codes and line numbers.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use minebrief::config::Config;
use minebrief::ingest;
use minebrief::model::{Case, Counts, Dataset, FileKind, Target};
use minebrief::quarter::Quarter;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest")
}

fn load() -> (Dataset, Config) {
    let cfg = Config::embedded();
    let ds = ingest::load(&fixture(), &cfg, Quarter::parse("2026Q3")).expect("fixture loads");
    (ds, cfg)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn counts(ds: &Dataset, path: &str) -> (u64, u64, u64, u64, u64) {
    let f = ds
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} not read"));
    let c = &f.counts;
    (c.rows_read, c.accepted, c.rejected, c.skipped, c.superseded)
}

fn case<'a>(ds: &'a Dataset, cfg: &Config, unit: &str, id: &str) -> &'a Case {
    let u = cfg.units.iter().position(|x| x.name == unit).unwrap() as u16;
    ds.cases
        .iter()
        .find(|c| c.unit == minebrief::model::UnitId(u) && &*c.case_id == id)
        .unwrap_or_else(|| panic!("case {unit}/{id} not accepted"))
}

fn rejects_of(ds: &Dataset, path: &str) -> Vec<(u64, String, &'static str)> {
    ds.rejects
        .iter()
        .filter(|r| r.file == path)
        .map(|r| (r.line, r.field.to_string(), r.code.as_str()))
        .collect()
}

#[test]
fn files_and_counts() {
    let (ds, _) = load();
    let paths: Vec<&str> = ds.files.iter().map(|f| f.path.as_str()).collect();
    // Byte order of the UTF-8 paths; 2026Q4 is after the report quarter and not read.
    assert_eq!(
        paths,
        [
            "2026Q2/referrals.csv",
            "2026Q2/自然资源.csv",
            "2026Q3/adjustments.csv",
            "2026Q3/bad_rows.csv",
            "2026Q3/broken.xlsx",
            "2026Q3/empty.csv",
            "2026Q3/forms.csv",
            "2026Q3/meetings.csv",
            "2026Q3/noheader.csv",
            "2026Q3/nounit.csv",
            "2026Q3/patrols.csv",
            "2026Q3/referrals.csv",
            "2026Q3/utf16.csv",
            "2026Q3/公安局_2026Q3.csv",
            "2026Q3/自然资源.csv",
        ]
    );
    //                                                  read acc rej skip sup
    assert_eq!(counts(&ds, "2026Q2/referrals.csv"), (1, 0, 0, 0, 1));
    assert_eq!(counts(&ds, "2026Q2/自然资源.csv"), (2, 1, 0, 0, 1));
    assert_eq!(counts(&ds, "2026Q3/adjustments.csv"), (5, 2, 3, 0, 0));
    assert_eq!(counts(&ds, "2026Q3/bad_rows.csv"), (21, 2, 19, 0, 0));
    assert_eq!(counts(&ds, "2026Q3/broken.xlsx"), (0, 0, 0, 0, 0));
    assert_eq!(counts(&ds, "2026Q3/empty.csv"), (0, 0, 0, 0, 0));
    // 7 rows: F-001, F-002, blank, F-003 (two physical lines), 合计, ZR-003, F-004
    assert_eq!(counts(&ds, "2026Q3/forms.csv"), (7, 5, 0, 2, 0));
    assert_eq!(counts(&ds, "2026Q3/meetings.csv"), (4, 3, 1, 0, 0));
    assert_eq!(counts(&ds, "2026Q3/noheader.csv"), (0, 0, 0, 0, 0));
    assert_eq!(counts(&ds, "2026Q3/nounit.csv"), (2, 0, 2, 0, 0));
    assert_eq!(counts(&ds, "2026Q3/patrols.csv"), (4, 2, 2, 0, 0));
    assert_eq!(counts(&ds, "2026Q3/referrals.csv"), (5, 2, 3, 0, 0));
    assert_eq!(counts(&ds, "2026Q3/utf16.csv"), (1, 1, 0, 0, 0));
    assert_eq!(counts(&ds, "2026Q3/公安局_2026Q3.csv"), (2, 2, 0, 0, 0));
    assert_eq!(counts(&ds, "2026Q3/自然资源.csv"), (2, 1, 1, 0, 0));

    let mut total = Counts::default();
    for f in &ds.files {
        assert!(f.counts.balanced(), "{}: {:?}", f.path, f.counts);
        total.add(&f.counts);
    }
    assert_eq!(total, ds.totals());
    assert_eq!(
        (
            total.rows_read,
            total.accepted,
            total.rejected,
            total.skipped,
            total.superseded
        ),
        (56, 21, 31, 2, 2)
    );
    // accepted records that survive: 5 + 2 + 1 + 2 + 1 + 1 (bad_rows B-OK 公安, B-OK 交通运输) cases
    assert_eq!(ds.cases.len(), 12);
    assert_eq!(ds.referrals.len(), 2);
    assert_eq!(ds.patrols.len(), 2);
    assert_eq!(ds.meetings.len(), 3);
    assert_eq!(ds.adjustments.len(), 2);
    assert_eq!(ds.quarters.len(), 2);
}

#[test]
fn encodings_and_units() {
    let (ds, _) = load();
    let enc = |p: &str| {
        ds.files
            .iter()
            .find(|f| f.path == p)
            .and_then(|f| f.encoding.clone())
    };
    assert_eq!(enc("2026Q3/forms.csv").as_deref(), Some("UTF-8-BOM"));
    assert_eq!(enc("2026Q3/utf16.csv").as_deref(), Some("UTF-16LE"));
    assert_eq!(enc("2026Q3/公安局_2026Q3.csv").as_deref(), Some("GB18030"));
    assert_eq!(enc("2026Q3/bad_rows.csv").as_deref(), Some("UTF-8"));
    let unit = |p: &str| {
        ds.files
            .iter()
            .find(|f| f.path == p)
            .and_then(|f| f.unit.clone())
    };
    assert_eq!(unit("2026Q3/公安局_2026Q3.csv").as_deref(), Some("公安"));
    assert_eq!(unit("2026Q3/utf16.csv").as_deref(), Some("海事"));
    assert_eq!(unit("2026Q3/自然资源.csv").as_deref(), Some("自然资源"));
    // forms.csv mixes units; bad_rows.csv too (公安, 交通运输); optional files have none
    assert_eq!(unit("2026Q3/forms.csv"), None);
    assert_eq!(unit("2026Q3/bad_rows.csv"), None);
    assert_eq!(unit("2026Q3/referrals.csv"), None);
    let sha = &ds.files[0].sha256;
    assert_eq!(sha.len(), 64);
}

#[test]
fn accepted_forms() {
    let (ds, cfg) = load();
    // F-001: 温州市公安局, 2026/7/3, 举报, 非法采砂, 2026年7月5日, 20260801, 1.5 万元,
    // "1,234.50", 12.3万 tonnes, Y, Excel serial 46238, √, 3人, 1, true, coordinates.
    let c = case(&ds, &cfg, "公安", "F-001");
    assert_eq!(cfg.regions[usize::from(c.region)].name, "瑞安市");
    assert_eq!(c.found_date, d("2026-07-03"));
    assert_eq!(cfg.sources[usize::from(c.source)].name, "群众举报");
    assert_eq!(
        cfg.violation_types[usize::from(c.violation_type)].name,
        "河道非法采砂"
    );
    assert_eq!(c.filed_date, Some(d("2026-07-05")));
    assert_eq!(c.closed_date, Some(d("2026-08-01")));
    assert_eq!(c.fine_yuan, 15_000.0);
    assert_eq!(c.confiscated_yuan, 1234.5);
    assert_eq!(c.volume_t, 123_000.0);
    assert!(c.transferred && c.criminal_filed && c.site_closed && c.power_cut);
    assert_eq!(c.transfer_date, Some(d("2026-08-04")));
    assert_eq!((c.persons, c.vessels_seized, c.equipment_seized), (3, 2, 0));
    assert_eq!(c.coords.get(), Some((120.6501, 27.7801)));
    assert_eq!(&*c.township, "塘下镇");
    assert_eq!(&*c.status, "已结案");
    assert_eq!(c.origin.line, 4);

    // F-002: 市场监管局 stays 市场监管; full-width digits with dots; short region; blanks = 0 / no
    let c = case(&ds, &cfg, "市场监管", "F-002");
    assert_eq!(cfg.regions[usize::from(c.region)].name, "鹿城区");
    assert_eq!(c.found_date, d("2026-07-10"));
    assert_eq!(cfg.sources[usize::from(c.source)].name, "卫片执法");
    assert_eq!(c.fine_yuan, 0.0);
    assert_eq!(c.persons, 0);
    assert!(!c.transferred && !c.site_closed);
    assert_eq!(c.filed_date, None);
    assert_eq!(&*c.status, "未立案");
    assert_eq!(c.coords.get(), None);
    assert_eq!(&*c.township, "");

    // F-003: 安监局 → 应急管理; a time part; a quoted summary over two lines
    let c = case(&ds, &cfg, "应急管理", "F-003");
    assert_eq!(c.found_date, d("2026-07-03"));
    // A whole-folder load keeps free text only for cases closed in the
    // report quarter (memory): this open case has none; read on its own,
    // the file gives the summary with its line break.
    assert_eq!(c.summary(), "");
    let f = &ds.files[c.origin.file as usize];
    let entry = ingest::FileEntry {
        rel: f.path.clone(),
        abs: fixture().join(&f.path),
        quarter: c.origin.quarter(),
        kind: f.kind,
    };
    let resolver = minebrief::config::names::Resolver::new(&cfg);
    let alone = ingest::read_file(&entry, 0, &resolver, ingest::KeepText::All).remove(0);
    let again = alone.cases.iter().find(|x| &*x.case_id == "F-003").unwrap();
    assert_eq!(again.summary(), "第一行\n第二行");
    // Read again reusing memory (as `load` does from file to file): a
    // buffer holding another file's bytes, and a pool and a room holding
    // chunks of its cases, give exactly the same outcome, nothing of the
    // earlier file left in it.
    let mut buf = b"stale bytes of another file\n".repeat(1000);
    let pool = ingest::ChunkPool::new(4);
    let stale = || {
        let mut v: Vec<_> = alone.cases.iter().cloned().collect();
        v.reverse();
        v
    };
    let mut padded = stale();
    padded.reserve(ingest::CHUNK);
    pool.give(padded);
    let mut room = ingest::CaseChunks::from_pool(pool);
    for c in stale() {
        room.push(c);
    }
    let reused = ingest::read_file_into(
        &entry,
        0,
        &resolver,
        ingest::KeepText::All,
        &mut buf,
        room,
        ingest::Summing::Alone,
    )
    .remove(0);
    assert!(!alone.cases.is_empty());
    assert_eq!(reused.cases, alone.cases);
    assert_eq!(reused.rejects.len(), alone.rejects.len());
    assert_eq!(
        reused.file.as_ref().map(|f| &f.sha256),
        alone.file.as_ref().map(|f| &f.sha256)
    );
    assert_eq!(c.origin.line, 7);
    assert_eq!(&*c.status, "办理中");

    // F-004: 供电公司 → 电力, on the quarter's last day; "200元" in a 万元 column: the cell's unit wins
    let c = case(&ds, &cfg, "电力", "F-004");
    assert_eq!(c.found_date, d("2026-09-30"));
    assert_eq!(c.fine_yuan, 200.0);
    assert_eq!(c.origin.line, 11);

    // Unit from the file name (GB18030), 垟 decoded
    let c = case(&ds, &cfg, "公安", "GA-002");
    assert_eq!(&*c.township, "鳌江镇垟头村");
    assert_eq!(cfg.sources[usize::from(c.source)].name, "媒体曝光");
    assert_eq!(
        cfg.regions[usize::from(case(&ds, &cfg, "公安", "GA-001").region)].name,
        "洞头区"
    );

    // UTF-16, tab, English headers
    let c = case(&ds, &cfg, "海事", "E-001");
    assert_eq!(c.fine_yuan, 10_000.0);
    assert_eq!(c.closed_date, Some(d("2026-09-01")));

    // ZR-001 superseded: the 2026Q3 record (closed, fine 5000) wins
    let c = case(&ds, &cfg, "自然资源", "ZR-001");
    assert_eq!(c.closed_date, Some(d("2026-07-20")));
    assert_eq!(c.fine_yuan, 5000.0);
    assert_eq!(c.origin.quarter().to_string(), "2026Q3");
    // ZR-002 (国土资源局) only in 2026Q2; ZR-003 (国土局) first copy from forms.csv line 10
    assert_eq!(
        case(&ds, &cfg, "自然资源", "ZR-002")
            .origin
            .quarter()
            .to_string(),
        "2026Q2"
    );
    assert_eq!(case(&ds, &cfg, "自然资源", "ZR-003").origin.line, 10);
    // Same case id, different unit: both accepted
    case(&ds, &cfg, "公安", "B-OK");
    case(&ds, &cfg, "交通运输", "B-OK");
}

#[test]
fn rejection_rules() {
    let (ds, _) = load();
    let s = |v: &[(u64, &str, &'static str)]| -> Vec<(u64, String, &'static str)> {
        v.iter().map(|(l, f, c)| (*l, f.to_string(), *c)).collect()
    };
    assert_eq!(
        rejects_of(&ds, "2026Q3/bad_rows.csv"),
        s(&[
            (2, "case_id", "missing_required"),
            (3, "region", "missing_required"),
            (4, "found_date", "bad_date"),
            (5, "found_date", "date_after_period"),
            (6, "found_date", "date_before_2000"),
            (7, "filed_date", "date_order"),
            (8, "closed_date", "date_order"),
            (9, "transfer_date", "date_order"),
            (10, "unit", "unknown_unit"),
            (11, "region", "unknown_region"),
            (12, "violation_type", "unknown_violation_type"),
            (13, "source", "unknown_source"),
            (14, "fine_yuan", "negative_number"),
            (15, "fine_yuan", "bad_number"),
            (16, "persons", "bad_number"),
            (17, "transferred", "bad_yes_no"),
            (18, "", "field_count"),
            (20, "case_id", "duplicate_case"),
            (21, "found_date", "bad_date"),
        ])
    );
    assert_eq!(
        rejects_of(&ds, "2026Q3/自然资源.csv"),
        s(&[(3, "case_id", "duplicate_case")])
    );
    assert_eq!(
        rejects_of(&ds, "2026Q3/nounit.csv"),
        s(&[
            (2, "unit", "unit_undetermined"),
            (3, "unit", "unit_undetermined")
        ])
    );
    assert_eq!(
        rejects_of(&ds, "2026Q3/referrals.csv"),
        s(&[
            (3, "reply_date", "date_order"),
            (4, "to_unit", "unknown_unit"),
            (6, "ref_id", "duplicate_case"),
        ])
    );
    assert_eq!(
        rejects_of(&ds, "2026Q3/patrols.csv"),
        s(&[
            (4, "mode", "unknown_value"),
            (5, "region", "missing_required")
        ])
    );
    assert_eq!(
        rejects_of(&ds, "2026Q3/meetings.csv"),
        s(&[(6, "attended", "bad_yes_no")])
    );
    assert_eq!(
        rejects_of(&ds, "2026Q3/adjustments.csv"),
        s(&[
            (4, "target", "unknown_target"),
            (5, "target_kind", "unknown_value"),
            (6, "reason", "missing_required"),
        ])
    );
    // Whole files: line 0, one row each, and an error on the file.
    for (p, code) in [
        ("2026Q3/broken.xlsx", "unreadable_file"),
        ("2026Q3/empty.csv", "no_header"),
        ("2026Q3/noheader.csv", "no_header"),
    ] {
        assert_eq!(rejects_of(&ds, p), s(&[(0, "", code)]), "{p}");
        assert!(ds
            .files
            .iter()
            .find(|f| f.path == p)
            .unwrap()
            .error
            .is_some());
    }
    // 31 rejected rows plus one line-0 row for each of the 3 unreadable files
    assert_eq!(ds.rejects.len(), 34);
    // The unknown region suggests the nearest known one; messages are Chinese with English beside.
    let r = ds
        .rejects
        .iter()
        .find(|r| r.code == "unknown_region")
        .unwrap();
    assert!(r.message.contains("瑞安市"), "{}", r.message);
    assert!(r.message_en.contains("did you mean"), "{}", r.message_en);
    assert_eq!(r.value, "瑞按市");
    let dup = ds
        .rejects
        .iter()
        .find(|r| r.file == "2026Q3/自然资源.csv")
        .unwrap();
    assert!(
        dup.message.contains("2026Q3/forms.csv 第10行"),
        "{}",
        dup.message
    );
}

#[test]
fn optional_files() {
    let (ds, cfg) = load();
    let unit = |n: &str| {
        minebrief::model::UnitId(cfg.units.iter().position(|u| u.name == n).unwrap() as u16)
    };
    // the 2026Q3 ledger's reply replaces the 2026Q2 row
    let r9 = ds.referrals.iter().find(|r| r.ref_id == "R-9").unwrap();
    assert_eq!(r9.reply_date, Some(d("2026-07-02")));
    assert_eq!((r9.from_unit, r9.to_unit), (unit("公安"), unit("自然资源")));
    let r1 = ds.referrals.iter().find(|r| r.ref_id == "R-1").unwrap();
    assert_eq!(r1.reply_date, Some(d("2026-07-08")));
    let joint = ds
        .patrols
        .iter()
        .filter(|p| p.mode == minebrief::model::PatrolMode::Joint)
        .count();
    assert_eq!(joint, 1);
    assert_eq!(ds.patrols[0].person_times, 6);
    assert_eq!(
        ds.patrols[1].unit,
        minebrief::model::UnitId(unit("水利").into())
    );
    let attended: Vec<bool> = ds.meetings.iter().map(|m| m.attended).collect();
    assert_eq!(attended, [true, true, false]);
    assert_eq!(
        ds.adjustments[0].target,
        Target::Unit(minebrief::model::UnitId(unit("公安").into()))
    );
    assert_eq!(ds.adjustments[0].points, 2.0);
    assert_eq!(
        ds.adjustments[1].target,
        Target::Region(minebrief::model::RegionId(4))
    );
    assert_eq!(ds.adjustments[1].points, -1.5);
    assert_eq!(ds.adjustments[1].basis, "考核细则第5条");
    for f in &ds.files {
        if f.kind != FileKind::Cases {
            assert_eq!(f.unit, None);
        }
    }
}

#[test]
fn later_quarters_are_not_read_and_all_quarters_read_without_limit() {
    let cfg = Config::embedded();
    let ds = ingest::load(&fixture(), &cfg, None).unwrap();
    assert_eq!(ds.quarters.len(), 3);
    // 2026Q4's ZR-001 supersedes the 2026Q3 copy
    assert_eq!(counts(&ds, "2026Q3/自然资源.csv"), (2, 0, 1, 0, 1));
    let ds = ingest::load(&fixture(), &cfg, Quarter::parse("2026Q2")).unwrap();
    assert_eq!(ds.quarters.len(), 1);
    assert_eq!(ds.cases.len(), 2);
}

#[test]
fn rejects_csv_is_excel_ready() {
    let (ds, _) = load();
    let bytes = minebrief::tables::rejects_csv(&ds.rejects);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("\u{feff}file,line,field,value,code,message,message_en\r\n"));
    // offending values that look like formulas are neutralised
    assert!(text.contains("2026Q3/bad_rows.csv,21,found_date,'=NOW(),bad_date,"));
    assert!(text.contains("2026Q3/bad_rows.csv,14,fine_yuan,'-100,negative_number,"));
    assert_eq!(text.lines().count(), 35);
}

/// The last file of a run is read in two halves on two cores: a case file
/// of 3 MB read so gives what it gives read whole, row for row (cases in
/// order, every rejection with its line, field and code, the counts,
/// the unit), with rejected, blank, total and duplicate rows on both sides
/// of the split; and it was split (a chunk short of full stands before
/// the last).
#[test]
fn a_file_read_in_two_halves_reads_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let qdir = dir.path().join("2026Q3");
    std::fs::create_dir_all(&qdir).unwrap();
    let mut csv = String::from("案件编号,填报单位,县市区,点位名称,发现日期,线索来源,违法类型,罚款金额(元),当事人,简要案情\n");
    for i in 0..24_000 {
        let row = match i % 97 {
            0 => format!("B-{i},公安,不存在区,点{i},2026-07-01,巡查发现,无证开采,,,\n"),
            1 => "\n".to_string(),
            2 => format!("B-{},公安,鹿城区,点{i},2026-07-02,巡查发现,无证开采,,,\n", i - 2),
            3 => format!("B-{i},公安,鹿城区,点{i},2026-13-45,巡查发现,无证开采,,,\n"),
            4 => "合计,,,,,,,100,,\n".to_string(),
            5 => format!("B-{i},公安,鹿城区\n"),
            _ => format!(
                "B-{i},公安,鹿城区,塘岭村{}号矿点,2026-07-{:02},巡查发现,无证开采,{}.5,张三{},张三在塘岭村{}号矿点开采，电话13812345678。\r\n",
                i % 40,
                1 + i % 30,
                i % 1000,
                i % 7,
                i % 40
            ),
        };
        csv.push_str(&row);
    }
    assert!(csv.len() > 3 << 20, "{}", csv.len());
    std::fs::write(qdir.join("公安_2026Q3.csv"), &csv).unwrap();
    let entry = ingest::FileEntry {
        rel: "2026Q3/公安_2026Q3.csv".into(),
        abs: qdir.join("公安_2026Q3.csv"),
        quarter: Quarter::parse("2026Q3").unwrap(),
        kind: FileKind::Cases,
    };
    let cfg = Config::embedded();
    let resolver = minebrief::config::names::Resolver::new(&cfg);
    let later = ingest::LaterSum::default();
    let read = |halves: bool| {
        let pool = ingest::ChunkPool::new(4);
        let room = ingest::CaseChunks::from_pool(pool);
        let mut buf = Vec::new();
        ingest::read_file_into(
            &entry,
            3,
            &resolver,
            ingest::KeepText::All,
            &mut buf,
            room,
            if halves {
                ingest::Summing::Later(&later)
            } else {
                ingest::Summing::Alone
            },
        )
        .remove(0)
    };
    let (whole, halves) = (read(false), read(true));
    assert_eq!(halves.cases, whole.cases);
    assert_eq!(halves.rejects, whole.rejects);
    let (w, mut h) = (whole.file.unwrap(), halves.file.unwrap());
    // The last file's sum is made after it is read, on its own thread:
    // blank until filled in.
    assert_eq!(h.sha256, "");
    later.fill(std::slice::from_mut(&mut h)).unwrap();
    assert_eq!(h.counts, w.counts);
    assert_eq!(h.unit, w.unit);
    assert_eq!(w.unit.as_deref(), Some("公安"));
    // The file's hash (made once the halves are read on both cores) is
    // the hash of its bytes either way.
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(csv.as_bytes()));
    assert_eq!((&w.sha256, &h.sha256), (&sha, &sha));
    assert_eq!((w.bytes, h.bytes), (csv.len() as u64, csv.len() as u64));
    assert_eq!(h.encoding, w.encoding);
    // Rejections on both sides of the middle, in line order.
    let lines: Vec<u64> = whole.rejects.iter().map(|r| r.line).collect();
    assert!(lines.windows(2).all(|p| p[0] < p[1]));
    assert!(
        lines.first() < Some(&1000) && lines.last() > Some(&23_000),
        "{lines:?}"
    );
    assert_eq!(w.counts.rows_read, 24_000 - 24_000 / 97 - 1);
    assert_eq!(
        w.counts.rows_read,
        w.counts.accepted + w.counts.rejected + w.counts.skipped
    );
    // Read whole, every chunk but the last is full; in halves, the first
    // half's last chunk is not.
    let short = |o: ingest::FileOutcome| {
        let (chunks, _) = o.cases.into_parts();
        chunks[..chunks.len() - 1]
            .iter()
            .filter(|c| c.len() < ingest::CHUNK)
            .count()
    };
    assert_eq!((short(read(false)), short(read(true))), (0, 1));
}

#[test]
fn validate_reads_the_same_dataset_without_the_csv_sums() {
    use sha2::{Digest, Sha256};
    let cfg = Config::embedded();
    let q = Quarter::parse("2026Q3");
    let summed = ingest::load(&fixture(), &cfg, q).unwrap();
    let unsummed = ingest::load_unsummed(&fixture(), &cfg, q).unwrap();
    assert_eq!(summed.files.len(), unsummed.files.len());
    let mut csv_files = 0;
    for (s, u) in summed.files.iter().zip(&unsummed.files) {
        assert_eq!(s.path, u.path);
        if s.path.ends_with(".csv") {
            csv_files += 1;
            // build's sum is the file's (by sha2 over the bytes read
            // here), validate's blank
            let bytes = std::fs::read(fixture().join(&s.path)).unwrap();
            assert_eq!(s.sha256, hex::encode(Sha256::digest(&bytes)), "{}", s.path);
            assert_eq!(u.sha256, "", "{}", s.path);
        } else {
            assert_eq!(s.sha256, u.sha256, "{}", s.path);
        }
    }
    assert!(csv_files >= 10, "{csv_files}");
    // Everything else read is the same.
    let mut blanked = summed.clone();
    for f in &mut blanked.files {
        if f.path.ends_with(".csv") {
            f.sha256.clear();
        }
    }
    assert_eq!(format!("{blanked:?}"), format!("{unsummed:?}"));
}

/// A case file of more than a megabyte is mapped in place rather than read
/// into a buffer (`minebrief::mapped`): read so, alone and within a whole
/// folder (where two readers sum files together), it gives what its bytes
/// read from memory give — every count, case and rejection, and its sha256.
#[test]
fn a_large_file_mapped_in_place_reads_as_its_bytes_do() {
    // (rows of every kind: accepted, and rejected for a dozen reasons)
    let src = std::fs::read_to_string(fixture().join("2026Q3/bad_rows.csv")).unwrap();
    let mut lines = src.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    // 1.5 MB of them, each copy a case of its own (its id made unique)
    let make = |tag: &str| {
        let mut text = format!("{header}\n");
        let mut n = 0usize;
        while text.len() < (3 << 19) {
            for r in &rows {
                let id_end = r.find(',').unwrap_or(0);
                text.push_str(&format!("{}-{tag}{n}{}\n", &r[..id_end], &r[id_end..]));
                n += 1;
            }
        }
        text
    };
    let dir = tempfile::tempdir().unwrap();
    let q = dir.path().join("2026Q3");
    std::fs::create_dir(&q).unwrap();
    let cfg = Config::embedded();
    let resolver = minebrief::config::names::Resolver::new(&cfg);
    let mut want = Vec::new();
    for (i, name) in ["公安局_2026Q3.csv", "自然资源局_2026Q3.csv"]
        .iter()
        .enumerate()
    {
        let text = make(&i.to_string());
        std::fs::write(q.join(name), &text).unwrap();
        let entry = ingest::FileEntry {
            rel: format!("2026Q3/{name}"),
            abs: q.join(name),
            quarter: Quarter::parse("2026Q3").unwrap(),
            kind: FileKind::Cases,
        };
        let mapped =
            ingest::read_file(&entry, i as u32, &resolver, ingest::KeepText::All).remove(0);
        let in_memory = ingest::read_bytes(&entry, text.as_bytes(), i as u32, &resolver);
        let file = mapped.file.as_ref().unwrap();
        assert_eq!(
            format!("{file:?}"),
            format!("{:?}", in_memory.file.as_ref().unwrap())
        );
        assert!(file.error.is_none());
        let c = &file.counts;
        assert!(c.accepted > 1000 && c.rejected > 1000, "{c:?}");
        use sha2::Digest;
        assert_eq!(
            file.sha256,
            hex::encode(sha2::Sha256::digest(text.as_bytes()))
        );
        let cases = |o: &ingest::FileOutcome| o.cases.iter().cloned().collect::<Vec<Case>>();
        assert_eq!(cases(&mapped), cases(&in_memory));
        assert_eq!(mapped.rejects, in_memory.rejects);
        want.push((file.sha256.clone(), file.counts.clone()));
    }
    // the whole folder: the two files summed together and read as above
    let ds = ingest::load(dir.path(), &cfg, Quarter::parse("2026Q3")).unwrap();
    let got: Vec<_> = ds
        .files
        .iter()
        .map(|f| (f.sha256.clone(), f.counts.clone()))
        .collect();
    assert_eq!(got, want);
}
