//! The accounting identity as a property: for any mix of good and bad rows
//! in messy files (encodings, delimiters, line ends, title/blank/total
//! rows, bad dates, unknown names, ragged rows, duplicates, cases repeated
//! in a later quarter), every file and the whole run balance
//! (rows_read = accepted + rejected + skipped + superseded), the counts are
//! exactly the ones the generator planned, and every accepted case's
//! figures reach the quarter's totals.

use std::collections::HashMap;

use chrono::NaiveDate;
use minebrief::analysis;
use minebrief::config::Config;
use minebrief::ingest;
use minebrief::quarter::Quarter;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum RowKind {
    /// A good case: found day offset in its quarter, closed?, fine in fen, date form.
    Good {
        day: u8,
        closed: bool,
        fen: u32,
        form: u8,
    },
    /// A good case that repeats the id of an earlier good row of the same
    /// folder (rejected as a duplicate), or of the previous folder (supersedes).
    Repeat {
        back: u8,
        day: u8,
        fen: u32,
    },
    BadDate,
    FutureDate,
    UnknownRegion,
    NegativeFine,
    Ragged,
    Blank,
    Total,
}

fn row_kind() -> impl Strategy<Value = RowKind> {
    prop_oneof![
        6 => (0u8..90, any::<bool>(), 0u32..10_000_000, 0u8..5)
            .prop_map(|(day, closed, fen, form)| RowKind::Good { day, closed, fen, form }),
        2 => (any::<u8>(), 0u8..90, 0u32..1_000_000)
            .prop_map(|(back, day, fen)| RowKind::Repeat { back, day, fen }),
        1 => Just(RowKind::BadDate),
        1 => Just(RowKind::FutureDate),
        1 => Just(RowKind::UnknownRegion),
        1 => Just(RowKind::NegativeFine),
        1 => Just(RowKind::Ragged),
        1 => Just(RowKind::Blank),
        1 => Just(RowKind::Total),
    ]
}

#[derive(Debug, Clone)]
struct FileSpec {
    encoding: u8,
    tab: bool,
    crlf: bool,
    title: bool,
    rows: Vec<RowKind>,
}

fn file_spec() -> impl Strategy<Value = FileSpec> {
    (
        0u8..4,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(row_kind(), 0..25),
    )
        .prop_map(|(encoding, tab, crlf, title, rows)| FileSpec {
            encoding,
            tab,
            crlf,
            title,
            rows,
        })
}

const HEADER: [&str; 11] = [
    "案件编号",
    "填报单位",
    "县（市、区）",
    "乡镇街道",
    "点位名称",
    "发现日期",
    "线索来源",
    "违法类型",
    "立案日期",
    "结案日期",
    "罚款金额(元)",
];

fn fmt_date(d: NaiveDate, form: u8) -> String {
    use chrono::Datelike;
    match form % 5 {
        0 => d.format("%Y-%m-%d").to_string(),
        1 => format!("{}/{}/{}", d.year(), d.month(), d.day()),
        2 => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        3 => d.format("%Y%m%d").to_string(),
        _ => format!("{} 08:30:00", d.format("%Y.%m.%d")),
    }
}

fn fmt_fen(fen: u32, form: u8) -> String {
    let yuan = fen / 100;
    let f = fen % 100;
    match form % 3 {
        0 => format!("{yuan}.{f:02}"),
        1 => {
            // thousands separators
            let s = yuan.to_string();
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
            format!("{out}.{f:02}")
        }
        _ => format!("{yuan}.{f:02}元"),
    }
}

/// What the generator expects of one quarter's folder.
#[derive(Default, Debug, Clone, Copy, PartialEq)]
struct Expect {
    rows_read: u64,
    accepted: u64,
    rejected: u64,
    skipped: u64,
    superseded: u64,
}

type Live = (NaiveDate, Option<NaiveDate>, u64, usize);

/// The generator's model of ingestion.
struct State<'a> {
    /// case id -> (found, closed, fen, file index) of the live record
    live: &'a mut HashMap<String, Live>,
    expects: &'a mut Vec<Expect>,
    folder_ids: Vec<String>,
    file: usize,
}

/// A good row: accepted unless its id is already in the folder (a
/// duplicate, rejected); supersedes a record of an earlier folder.
fn record(st: &mut State, id: &str, v: (NaiveDate, Option<NaiveDate>, u64), e: &mut Expect) {
    if st.folder_ids.iter().any(|x| x == id) {
        e.rejected += 1;
        return;
    }
    e.accepted += 1;
    st.folder_ids.push(id.to_string());
    if let Some(prev) = st.live.insert(id.to_string(), (v.0, v.1, v.2, st.file)) {
        st.expects[prev.3].accepted -= 1;
        st.expects[prev.3].superseded += 1;
    }
}

fn encode(text: &str, enc: u8) -> Vec<u8> {
    match enc {
        0 => text.as_bytes().to_vec(),
        1 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        2 => encoding_rs::GBK.encode(text).0.into_owned(),
        _ => {
            let mut b = vec![0xFF, 0xFE];
            for u in text.encode_utf16() {
                b.extend(u.to_le_bytes());
            }
            b
        }
    }
}

fn check(folders: Vec<Vec<FileSpec>>) -> Result<(), TestCaseError> {
    let quarters = [
        Quarter::parse("2026Q2").unwrap(),
        Quarter::parse("2026Q3").unwrap(),
    ];
    let data = tempfile::tempdir().unwrap();
    let mut expects: Vec<Expect> = Vec::new();
    let mut live: HashMap<String, Live> = HashMap::new();
    let mut serial = 0u32;
    let mut file_index = 0usize;
    for (qi, files) in folders.iter().enumerate() {
        let q = quarters[qi];
        let (start, end) = (q.start(), q.end());
        let dir = data.path().join(q.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        let prev_ids: Vec<String> = live
            .iter()
            .filter(|(_, v)| v.3 < file_index)
            .map(|(k, _)| k.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut folder_ids: Vec<String> = Vec::new();
        for (fi, spec) in files.iter().enumerate() {
            let delim = if spec.tab { "\t" } else { "," };
            let nl = if spec.crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            if spec.title {
                text.push_str(&format!("{}年第{}季度非法采矿案件统计表{nl}", q.year, q.q));
            }
            text.push_str(&HEADER.join(delim));
            text.push_str(nl);
            let mut e = Expect::default();
            let mut st = State {
                live: &mut live,
                expects: &mut expects,
                folder_ids: std::mem::take(&mut folder_ids),
                file: file_index + fi,
            };
            let cell = |s: &str| {
                if s.contains(delim) || s.contains('"') {
                    format!("\"{}\"", s.replace('"', "\"\""))
                } else {
                    s.to_string()
                }
            };
            for (ri, r) in spec.rows.iter().enumerate() {
                e.rows_read += 1;
                serial += 1;
                let base_day = start;
                let good = |id: String, day: u8, closed: bool, fen: u32, form: u8| -> Vec<String> {
                    let found = base_day + chrono::Duration::days(i64::from(day));
                    let found = found.min(end);
                    let closed_d = closed.then_some(found.min(end));
                    let cells = vec![
                        id,
                        "温州市公安局".into(),
                        "鹿城".into(),
                        "五马街道".into(),
                        format!("点{ri}"),
                        fmt_date(found, form),
                        "巡查发现".into(),
                        "无证开采".into(),
                        closed_d.map(|d| fmt_date(d, form + 1)).unwrap_or_default(),
                        closed_d.map(|d| fmt_date(d, form + 2)).unwrap_or_default(),
                        fmt_fen(fen, form),
                    ];
                    cells
                };
                let cells: Vec<String> = match r {
                    RowKind::Good {
                        day,
                        closed,
                        fen,
                        form,
                    } => {
                        let id = format!("C-{serial}");
                        let c = good(id.clone(), *day, *closed, *fen, *form);
                        let found = (start + chrono::Duration::days(i64::from(*day))).min(end);
                        record(
                            &mut st,
                            &id,
                            (found, closed.then_some(found), u64::from(*fen)),
                            &mut e,
                        );
                        c
                    }
                    RowKind::Repeat { back, day, fen } => {
                        // Prefer the previous folder's ids, then this folder's.
                        let pool: Vec<String> = prev_ids
                            .iter()
                            .chain(st.folder_ids.iter())
                            .cloned()
                            .collect();
                        let id = if pool.is_empty() {
                            format!("C-{serial}")
                        } else {
                            pool[usize::from(*back) % pool.len()].clone()
                        };
                        let c = good(id.clone(), *day, false, *fen, 0);
                        let found = (start + chrono::Duration::days(i64::from(*day))).min(end);
                        record(&mut st, &id, (found, None, u64::from(*fen)), &mut e);
                        c
                    }
                    RowKind::BadDate => {
                        e.rejected += 1;
                        let mut c = good(format!("C-{serial}"), 1, false, 0, 0);
                        c[5] = "2026-13-45".into();
                        c
                    }
                    RowKind::FutureDate => {
                        e.rejected += 1;
                        let mut c = good(format!("C-{serial}"), 1, false, 0, 0);
                        c[5] = fmt_date(end + chrono::Duration::days(1), 0);
                        c
                    }
                    RowKind::UnknownRegion => {
                        e.rejected += 1;
                        let mut c = good(format!("C-{serial}"), 1, false, 0, 0);
                        c[2] = "火星区".into();
                        c
                    }
                    RowKind::NegativeFine => {
                        e.rejected += 1;
                        let mut c = good(format!("C-{serial}"), 1, false, 0, 0);
                        c[10] = "-5".into();
                        c
                    }
                    RowKind::Ragged => {
                        e.rejected += 1;
                        let mut c = good(format!("C-{serial}"), 1, false, 0, 0);
                        c.pop();
                        c
                    }
                    RowKind::Blank => {
                        e.skipped += 1;
                        vec![String::new(); if ri % 2 == 0 { HEADER.len() } else { 1 }]
                    }
                    RowKind::Total => {
                        e.skipped += 1;
                        let mut c = vec![String::new(); HEADER.len()];
                        c[0] = ["合计", "小计", "总计"][ri % 3].into();
                        c[10] = "123".into();
                        c
                    }
                };
                let row: Vec<String> = cells.iter().map(|s| cell(s)).collect();
                // A blank row of one empty cell is an empty line: not counted.
                if cells.len() == 1 && cells[0].is_empty() {
                    text.push_str(&" ".repeat(ri % 3));
                    if ri % 3 == 0 {
                        // a completely empty line is not a row at all
                        e.rows_read -= 1;
                        e.skipped -= 1;
                    }
                } else {
                    text.push_str(&row.join(delim));
                }
                text.push_str(nl);
            }
            folder_ids = st.folder_ids;
            std::fs::write(dir.join(format!("f{fi}.csv")), encode(&text, spec.encoding)).unwrap();
            expects.push(e);
        }
        file_index += files.len();
    }

    let cfg = Config::embedded();
    let ds = ingest::load(data.path(), &cfg, Some(quarters[1])).unwrap();
    prop_assert_eq!(ds.files.len(), expects.len());
    for (f, e) in ds.files.iter().zip(&expects) {
        let c = &f.counts;
        prop_assert_eq!(
            c.rows_read,
            c.accepted + c.rejected + c.skipped + c.superseded,
            "{}",
            f.path
        );
        let got = Expect {
            rows_read: c.rows_read,
            accepted: c.accepted,
            rejected: c.rejected,
            skipped: c.skipped,
            superseded: c.superseded,
        };
        prop_assert_eq!(got, *e, "{} {:?}", f.path, f.error);
    }
    let t = ds.totals();
    prop_assert_eq!(
        t.rows_read,
        t.accepted + t.rejected + t.skipped + t.superseded
    );
    prop_assert_eq!(t.accepted as usize, ds.cases.len());
    prop_assert_eq!(t.rejected as usize, ds.rejects.len());
    prop_assert_eq!(ds.cases.len(), live.len());

    // Each accepted case's figures reach the report quarter's totals.
    let q = quarters[1];
    let a = analysis::analyse(&ds, &cfg, q, None);
    let in_q = |d: NaiveDate| d >= q.start() && d <= q.end();
    let found = live.values().filter(|v| in_q(v.0)).count() as u64;
    let closed: Vec<_> = live.values().filter(|v| v.1.is_some_and(in_q)).collect();
    let fen: u64 = closed.iter().map(|v| v.2).sum();
    prop_assert_eq!(a.totals.found, found);
    prop_assert_eq!(a.totals.closed, closed.len() as u64);
    prop_assert!(
        (a.totals.fine_yuan - fen as f64 / 100.0).abs() < 0.005,
        "{} vs {}",
        a.totals.fine_yuan,
        fen
    );
    let found_cases = ds.cases.iter().filter(|c| in_q(c.found_date)).count() as u64;
    prop_assert_eq!(a.totals.found, found_cases);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn every_row_is_accounted_for(folders in prop::collection::vec(prop::collection::vec(file_spec(), 1..4), 2..=2)) {
        check(folders)?;
    }
}
