//! Inputs found by the fuzzers (fuzz/) and hand-made neighbours of them,
//! replayed through the same invariants the fuzz targets assert. Every file
//! in tests/fixtures/fuzz/<target>/ is one input; add a crashing input there.

use std::path::{Path, PathBuf};

use minebrief::config::names::Resolver;
use minebrief::config::Config;
use minebrief::ingest::{self, headers, parse, FileEntry};
use minebrief::model::FileKind;
use minebrief::quarter::Quarter;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .map(|p| {
                    let b = std::fs::read(&p).unwrap();
                    (p, b)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The `ingest` fuzz target's body.
fn ingest_one(data: &[u8], resolver: &Resolver) {
    let Some((&k, bytes)) = data.split_first() else {
        return;
    };
    let (kind, name) = match k % 6 {
        0 => (FileKind::Referrals, "referrals.csv"),
        1 => (FileKind::Patrols, "patrols.csv"),
        2 => (FileKind::Meetings, "meetings.csv"),
        3 => (FileKind::Adjustments, "adjustments.csv"),
        4 => (FileKind::Cases, "cases.csv"),
        _ => (FileKind::Cases, "公安局.csv"),
    };
    let quarter = Quarter::parse("2026Q3").unwrap();
    let entry = FileEntry {
        rel: format!("2026Q3/{name}"),
        abs: PathBuf::new(),
        quarter,
        kind,
    };
    let out = ingest::read_bytes(&entry, bytes, 0, resolver);
    let file = out.file.as_ref().unwrap();
    let c = &file.counts;
    assert_eq!(
        c.rows_read,
        c.accepted + c.rejected + c.skipped + c.superseded
    );
    let records = out.cases.len()
        + out.referrals.len()
        + out.patrols.len()
        + out.meetings.len()
        + out.adjustments.len();
    assert_eq!(c.accepted as usize, records);
    for case in out.cases.iter() {
        for x in [case.fine_yuan, case.confiscated_yuan, case.volume_t] {
            assert!(
                x.is_finite() && (0.0..=ingest::rows::MAX_AMOUNT).contains(&x),
                "{x}"
            );
        }
    }
    for a in &out.adjustments {
        assert!(a.points.is_finite());
    }
    for r in &out.rejects {
        assert!(r.value.chars().count() <= ingest::MAX_REJECT_VALUE + 1);
    }
    let ds = ingest::settle(vec![quarter], vec![out]);
    let c = &ds.files[0].counts;
    assert_eq!(
        c.rows_read,
        c.accepted + c.rejected + c.skipped + c.superseded
    );
    // Messages quote cells; a line break in a cell is shown escaped.
    for r in &ds.rejects {
        assert!(!r.message.contains('\n'), "{}", r.message);
        assert!(!r.message_en.contains('\n'), "{}", r.message_en);
    }
}

#[test]
fn a_line_break_in_a_rejected_cell_stays_out_of_the_message() {
    let resolver = Resolver::new(&Config::embedded());
    let csv = "案件编号,填报单位,县市区,发现日期,线索来源,违法类型\n\
               \"A\n1\",公安,\"鹿城\n区X\",2026-07-01,巡查发现,无证开采\n\
               \"B\n2\",公安,鹿城区,2026-07-01,巡查发现,无证开采\n\
               \"B\n2\",公安,鹿城区,2026-07-02,巡查发现,无证开采\n";
    let mut data = vec![4u8];
    data.extend_from_slice(csv.as_bytes());
    ingest_one(&data, &resolver);
    // The two rejections (unknown region, duplicate case) quote the cell with
    // its line break escaped.
    let quarter = Quarter::parse("2026Q3").unwrap();
    let entry = FileEntry {
        rel: "2026Q3/cases.csv".into(),
        abs: PathBuf::new(),
        quarter,
        kind: FileKind::Cases,
    };
    let out = ingest::read_bytes(&entry, csv.as_bytes(), 0, &resolver);
    let ds = ingest::settle(vec![quarter], vec![out]);
    let codes: Vec<&str> = ds.rejects.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["unknown_region", "duplicate_case"]);
    assert!(
        ds.rejects[0].message.contains("鹿城\\n区X"),
        "{}",
        ds.rejects[0].message
    );
    assert!(
        ds.rejects[1].message.contains("B\\n2"),
        "{}",
        ds.rejects[1].message
    );
    assert_eq!(ds.rejects[0].value, "鹿城\n区X");
}

#[test]
fn ingest_inputs() {
    let resolver = Resolver::new(&Config::embedded());
    for (p, b) in inputs("ingest") {
        eprintln!("{}", p.display());
        ingest_one(&b, &resolver);
    }
}

#[test]
fn huge_amounts_are_rejected_not_summed_to_infinity() {
    // 1e308 read as yuan, and 1e308 in a 万元 column (overflows to inf when
    // scaled): both were accepted before and made the fine totals infinite.
    let resolver = Resolver::new(&Config::embedded());
    let head = "案件编号,填报单位,县市区,发现日期,线索来源,违法类型,罚款金额(万元),没收金额(元)\n";
    for row in [
        "A,公安,鹿城区,2026-07-01,巡查发现,无证开采,1e308,0",
        "A,公安,鹿城区,2026-07-01,巡查发现,无证开采,0,1e308",
        "A,公安,鹿城区,2026-07-01,巡查发现,无证开采,1e300万元,0",
        "A,公安,鹿城区,2026-07-01,巡查发现,无证开采,2e8,0",
    ] {
        let mut data = vec![4u8];
        data.extend(format!("{head}{row}\n").as_bytes());
        ingest_one(&data, &resolver);
    }
    let adj = "对象类型,对象,分值,事由\n单位,公安,1e308,x\n单位,公安,-1e308,y\n";
    let mut data = vec![3u8];
    data.extend(adj.as_bytes());
    ingest_one(&data, &resolver);
    assert_eq!(parse::amount("1e308"), Some(1e308));
    assert_eq!(parse::amount("1e308万"), None);
}

#[test]
fn parse_inputs() {
    for (_, b) in inputs("parse") {
        let Ok(s) = std::str::from_utf8(&b) else {
            continue;
        };
        let _ = parse::date(s);
        if let Some((v, _)) = parse::amount_with_unit(s) {
            assert!(v.is_finite());
        }
        let _ = parse::count(s);
        let _ = parse::yes_no(s);
        let _ = parse::coordinate(s);
    }
}

#[test]
fn header_inputs() {
    for (_, b) in inputs("headers") {
        let Ok(s) = std::str::from_utf8(&b) else {
            continue;
        };
        let cells: Vec<&str> = s.split([',', '\t']).collect();
        for kind in [
            FileKind::Cases,
            FileKind::Referrals,
            FileKind::Patrols,
            FileKind::Meetings,
            FileKind::Adjustments,
        ] {
            let _ = headers::map_header(kind, &cells);
        }
    }
}

#[test]
fn config_inputs() {
    for (_, b) in inputs("config") {
        let Ok(s) = std::str::from_utf8(&b) else {
            continue;
        };
        match Config::from_user_text(s) {
            Ok(cfg) => {
                assert!(cfg.check().is_ok());
                let _ = Resolver::new(&cfg);
            }
            Err(m) => assert!(!m.contains('\n'), "{m}"),
        }
    }
}

#[test]
fn too_many_names_is_a_config_error() {
    // Ids are u16: 70,000 units used to wrap around silently.
    let mut text = String::new();
    for i in 0..70_000 {
        text.push_str(&format!("[[units]]\nname = \"u{i}\"\n"));
    }
    let e = Config::from_user_text(&text).unwrap_err();
    assert!(e.contains("units") && !e.contains('\n'), "{e}");
}

#[test]
fn a_name_with_a_line_break_is_quoted_escaped_on_one_line() {
    // Found by the config fuzzer: a multi-line TOML string as a duplicate
    // region name made a two-line error message.
    let text = "[[regions]]\nname=\"\"\"rea\n\"\"\"\n[[regions]]\nname=\"\"\"rea\n\"\"\"\n";
    // (a name with a line break is now refused as such, before the
    // duplicate check: the message quotes it escaped, on one line)
    let m = Config::from_user_text(text).expect_err("a control character");
    assert!(!m.contains('\n'), "{m}");
    assert!(
        m.contains("name “rea\\n” contains a control character"),
        "{m}"
    );
}
