//! Arbitrary bytes and malformed files never panic, give a clear error, and
//! never stop the other files from being read.

use std::path::Path;

use minebrief::config::names::Resolver;
use minebrief::config::Config;
use minebrief::ingest::{self, FileEntry};
use minebrief::model::FileKind;
use minebrief::quarter::Quarter;

const GOOD: &str = "案件编号,填报单位,县市区,发现日期,线索来源,违法类型\nG-1,公安,鹿城区,2026-07-01,巡查发现,无证开采\n";

fn read_bytes(bytes: &[u8], kind: FileKind) -> ingest::FileOutcome {
    read_keeping(bytes, kind, ingest::KeepText::All)
}

fn read_keeping(bytes: &[u8], kind: FileKind, keep: ingest::KeepText) -> ingest::FileOutcome {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.csv");
    std::fs::write(&p, bytes).unwrap();
    let entry = FileEntry {
        rel: "2026Q3/x.csv".into(),
        abs: p,
        quarter: Quarter::parse("2026Q3").unwrap(),
        kind,
    };
    let r = Resolver::new(&Config::embedded());
    ingest::read_file(&entry, 0, &r, keep).remove(0)
}

/// A small deterministic generator (xorshift) for pseudo-random inputs.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn arbitrary_bytes_never_panic_and_stay_balanced() {
    let mut rng = Rng(0x9E3779B97F4A7C15);
    let alphabet: Vec<&[u8]> = vec![
        b",",
        b"\t",
        b"\n",
        b"\r\n",
        b"\"",
        b"\"\"",
        b" ",
        b"0",
        b"9",
        b"-",
        b".",
        b"/",
        "案件编号".as_bytes(),
        "县市区".as_bytes(),
        "发现日期".as_bytes(),
        "线索来源".as_bytes(),
        "违法类型".as_bytes(),
        "填报单位".as_bytes(),
        "合计".as_bytes(),
        "公安".as_bytes(),
        "鹿城区".as_bytes(),
        "2026-07-01".as_bytes(),
        "巡查发现".as_bytes(),
        "无证开采".as_bytes(),
        "万元".as_bytes(),
        b"\xFF",
        b"\xFE",
        b"\x00",
        b"\xEF\xBB\xBF",
        b"\x81\x30",
        b"=",
    ];
    for kind in [
        FileKind::Cases,
        FileKind::Referrals,
        FileKind::Patrols,
        FileKind::Meetings,
        FileKind::Adjustments,
    ] {
        for _ in 0..400 {
            let n = (rng.next() % 80) as usize;
            let mut bytes = Vec::new();
            if rng.next().is_multiple_of(2) {
                bytes.extend_from_slice(GOOD.as_bytes());
            }
            for _ in 0..n {
                let i = (rng.next() % alphabet.len() as u64) as usize;
                bytes.extend_from_slice(alphabet[i]);
            }
            let out = read_bytes(&bytes, kind);
            let f = out.file.expect("file info");
            assert!(f.counts.balanced(), "{:?} for {:?}", f.counts, bytes);
            let records = out.cases.len()
                + out.referrals.len()
                + out.patrols.len()
                + out.meetings.len()
                + out.adjustments.len();
            assert_eq!(records as u64, f.counts.accepted);
            assert_eq!(
                out.rejects.len() as u64,
                f.counts.rejected + u64::from(f.error.is_some())
            );
        }
    }
    // Pure noise of every byte value.
    for _ in 0..200 {
        let n = (rng.next() % 2000) as usize;
        let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        let out = read_bytes(&bytes, FileKind::Cases);
        assert!(out.file.unwrap().counts.balanced());
    }
}

#[test]
fn malformed_files_give_clear_errors() {
    // empty, header only, binary, ragged, unbalanced quote, a 10 MB field
    let out = read_bytes(b"", FileKind::Cases);
    assert!(out.file.unwrap().error.unwrap().contains("文件为空"));

    let out = read_bytes(b"\xEF\xBB\xBF", FileKind::Cases);
    assert!(out.file.unwrap().error.is_some());

    let out = read_bytes("案件编号,县市区,发现日期\n".as_bytes(), FileKind::Cases);
    let f = out.file.unwrap();
    assert_eq!((f.error, f.counts.rows_read), (None, 0));

    let out = read_bytes(
        b"\x7FELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00",
        FileKind::Cases,
    );
    let f = out.file.unwrap();
    assert!(f.error.unwrap().contains("二进制"), "binary is reported");

    let ragged =
        format!("{GOOD}G-2,公安,鹿城区\nG-3,公安,鹿城区,2026-07-01,巡查发现,无证开采,x,y\n");
    let out = read_bytes(ragged.as_bytes(), FileKind::Cases);
    let codes: Vec<_> = out
        .rejects
        .iter()
        .map(|r| (r.line, r.code.as_str()))
        .collect();
    assert_eq!(codes, [(3, "field_count"), (4, "field_count")]);
    assert_eq!(out.cases.len(), 1);

    let unbalanced = format!("{GOOD}G-2,公安,鹿城区,\"2026-07-01,巡查发现,无证开采\nG-3,公安,鹿城区,2026-07-01,巡查发现,无证开采\n");
    let out = read_bytes(unbalanced.as_bytes(), FileKind::Cases);
    let f = out.file.unwrap();
    assert!(f.counts.balanced());
    // The unclosed quote costs its own line only: G-3 below it is read (issue 17 item 13).
    assert_eq!(f.counts.accepted, 2);
    assert_eq!(f.counts.rejected, 1);

    let big = "甲".repeat(10 * 1024 * 1024 / 3);
    let text = format!("案件编号,填报单位,县市区,发现日期,线索来源,违法类型,简要案情\nG-1,公安,鹿城区,2026-07-01,巡查发现,无证开采,{big}\nG-2,公安,鹿城区,2026-07-02,巡查发现,无证开采,短\n");
    let out = read_bytes(text.as_bytes(), FileKind::Cases);
    let cases: Vec<_> = out.cases.iter().collect();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].summary().len(), big.len());
    assert_eq!(cases[1].origin.line, 3);
}

#[test]
fn one_bad_file_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let q = dir.path().join("2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::write(q.join("a_bad.csv"), b"\x00\x01\x02\x03\x00\x00garbage\x00").unwrap();
    std::fs::write(q.join("b_good.csv"), GOOD).unwrap();
    std::fs::write(q.join("c_noheader.csv"), "hello\nworld\n").unwrap();
    std::fs::write(q.join("notes.md"), "not read").unwrap();
    std::fs::create_dir_all(q.join("sub.csv")).unwrap();
    let ds = ingest::load(dir.path(), &Config::embedded(), None).unwrap();
    assert_eq!(ds.files.len(), 3);
    assert_eq!(ds.cases.len(), 1);
    assert!(ds.files[0].error.is_some());
    assert!(ds.files[2].error.is_some());
    assert!(ds.totals().balanced());
}

#[test]
fn missing_data_folder_is_an_error_not_a_panic() {
    let e = ingest::load(
        Path::new("/nonexistent/minebrief"),
        &Config::embedded(),
        None,
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("/nonexistent/minebrief"), "{msg}");
}

/// Sites are scrubbed once per distinct value and file: a later row with the
/// same site but a different 当事人 or 证件号 must still have its own name
/// and number masked, and an earlier row must not be masked for a later one.
#[test]
fn a_shared_site_is_masked_for_each_rows_own_party() {
    let csv = "案件编号,填报单位,县市区,点位名称,发现日期,线索来源,违法类型,当事人,当事人证件号\n\
        A1,公安,鹿城区,张三砂场,2026-07-01,巡查发现,无证开采,李四,330302199001011234\n\
        A2,公安,鹿城区,张三砂场,2026-07-01,巡查发现,无证开采,张三,330302199001015678\n\
        A3,公安,鹿城区,330302199001019999堆场,2026-07-01,巡查发现,无证开采,王五,330302199001019999\n\
        A4,公安,鹿城区,330302199001019999堆场,2026-07-01,巡查发现,无证开采,赵六,\n\
        A5,公安,鹿城区,张三砂场,2026-07-01,巡查发现,无证开采,,\n";
    let out = read_bytes(csv.as_bytes(), FileKind::Cases);
    let sites: Vec<(&str, &str)> = out.cases.iter().map(|c| (&*c.case_id, &*c.site)).collect();
    assert_eq!(
        sites,
        [
            ("A1", "张三砂场"),
            ("A2", "张*砂场"),
            ("A3", "3303**********9999堆场"),
            ("A4", "3303**********9999堆场"),
            ("A5", "张三砂场"),
        ]
    );
}

/// A reading thread remembers sites from one file to the next (their
/// shared, number-scrubbed text): read before and after a file that names
/// the same sites with other parties, and after a file of more distinct
/// sites than the memo keeps, each row's site is still masked for its own
/// 当事人 alone.
#[test]
fn a_site_remembered_from_another_file_is_still_masked_for_its_own_party() {
    let head = "案件编号,填报单位,县市区,点位名称,发现日期,线索来源,违法类型,当事人\n";
    let row = |id: &str, site: &str, party: &str| {
        format!("{id},公安,鹿城区,{site},2026-07-01,巡查发现,无证开采,{party}\n")
    };
    let a = [
        head.to_string(),
        row("A1", "张三砂场", "张三"),
        row("A2", "13812345678堆场", ""),
        row("A3", "李四砂场", ""),
    ]
    .concat();
    let b = [
        head.to_string(),
        row("B1", "张三砂场", "李四"),
        row("B2", "13812345678堆场", ""),
        row("B3", "李四砂场", "李四"),
    ]
    .concat();
    let many: String = std::iter::once(head.to_string())
        .chain((0..70_000).map(|i| row(&format!("M{i}"), &format!("第{i}号点13812345678"), "")))
        .collect();
    let sites = |csv: &str| -> Vec<String> {
        let out = read_bytes(csv.as_bytes(), FileKind::Cases);
        out.cases.iter().map(|c| c.site.to_string()).collect()
    };
    let b_sites = ["张三砂场", "138****5678堆场", "李*砂场"];
    assert_eq!(sites(&b), b_sites);
    assert_eq!(sites(&a), ["张*砂场", "138****5678堆场", "李四砂场"]);
    assert_eq!(sites(&b), b_sites);
    let m = sites(&many);
    assert_eq!((m.len(), &*m[69_999]), (70_000, "第69999号点138****5678"));
    assert_eq!(sites(&b), b_sites);
    assert_eq!(sites(&a), ["张*砂场", "138****5678堆场", "李四砂场"]);
}

/// Every date of a case row is checked against 2000-01-01 and the end of
/// its quarter folder: the days either side of each bound (found, filed,
/// closed and transfer dates alike). Only the rows past a bound are
/// rejected, each with the code for that bound; read as the report
/// quarter's folder is, a kept case keeps its free text only when closed
/// in the quarter (its last day included, the day before it began not).
#[test]
fn dates_either_side_of_the_earliest_day_and_the_quarter_end() {
    use minebrief::model::RejectCode;
    let head =
        "案件编号,填报单位,县市区,发现日期,线索来源,违法类型,立案日期,结案日期,移送日期,当事人\n";
    let rows = [
        ("D-1", "2000-01-01", "", "", "", true),
        ("D-2", "1999-12-31", "", "", "", false),
        (
            "D-3",
            "2026-07-01",
            "2026-09-30",
            "2026-09-30",
            "2026-09-30",
            true,
        ),
        ("D-4", "2026-07-01", "2026-10-01", "", "", false),
        ("D-5", "2026-07-01", "2026-07-02", "2026-10-01", "", false),
        ("D-6", "2026-07-01", "", "", "2026-10-01", false),
        ("D-7", "2026-10-01", "", "", "", false),
        ("D-8", "2026-06-01", "2026-06-30", "2026-06-30", "", true),
    ];
    let mut text = head.to_string();
    for (id, found, filed, closed, moved, _) in rows {
        text += &format!(
            "{id},公安,鹿城区,{found},巡查发现,无证开采,{filed},{closed},{moved},张某某\n"
        );
    }
    let out = read_keeping(
        text.as_bytes(),
        FileKind::Cases,
        ingest::KeepText::ClosedInQuarter,
    );
    let kept: Vec<String> = out.cases.iter().map(|c| c.case_id.to_string()).collect();
    let want: Vec<&str> = rows.iter().filter(|r| r.5).map(|r| r.0).collect();
    assert_eq!(kept, want);
    let codes: Vec<(u64, RejectCode)> = out.rejects.iter().map(|r| (r.line, r.code)).collect();
    assert_eq!(
        codes,
        [
            (3, RejectCode::DateTooEarly),
            (5, RejectCode::DateAfterPeriod),
            (6, RejectCode::DateAfterPeriod),
            (7, RejectCode::DateAfterPeriod),
            (8, RejectCode::DateAfterPeriod),
        ]
    );
    let party: Vec<&str> = out.cases.iter().map(|c| c.party()).collect();
    assert_eq!(party, ["", "张某某", ""]);
}

/// A file of more cases than one chunk holds (`ingest::CHUNK`): every
/// case comes back once, in file order, with its own line, the rejected
/// rows between them counted where they stand.
#[test]
fn a_file_longer_than_a_chunk_keeps_every_case_in_order() {
    let n = 2 * ingest::CHUNK + 3;
    let mut text = String::from("案件编号,填报单位,县市区,发现日期,线索来源,违法类型\n");
    for i in 0..n {
        // every 5000th row has no date: rejected, the rows after it read on
        let date = if i % 5000 == 4999 { "" } else { "2026-07-01" };
        text += &format!("K-{i},公安,鹿城区,{date},巡查发现,无证开采\n");
    }
    let out = read_bytes(text.as_bytes(), FileKind::Cases);
    let got: Vec<(String, u32)> = out
        .cases
        .iter()
        .map(|c| (c.case_id.to_string(), c.origin.line))
        .collect();
    let want: Vec<(String, u32)> = (0..n)
        .filter(|i| i % 5000 != 4999)
        .map(|i| (format!("K-{i}"), i as u32 + 2))
        .collect();
    assert_eq!(got.len(), want.len());
    assert_eq!(got, want);
    assert_eq!(out.rejects.len(), n / 5000);
    let f = out.file.unwrap();
    assert_eq!(
        (f.counts.accepted, f.counts.rejected),
        (want.len() as u64, (n / 5000) as u64)
    );
}
