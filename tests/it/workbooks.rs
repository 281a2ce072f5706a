//! Excel and OpenDocument workbooks as input: a quarter folder of mixed CSV
//! and Excel exports gives the same figures as the same data in CSV; every
//! sheet with a header is one input; rejects name the file, the sheet and
//! the row as Excel shows it; a damaged workbook is one unreadable file.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

use crate::common::{bin, build, ok, read};

fn fixture_xls() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/excel/水利局.xls")
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&dir.join("summary.json"))).unwrap()
}

/// Copy a CSV export into a worksheet: dates as date cells, amounts and
/// counts as number cells (as Excel would hold them), the rest as text.
fn csv_to_sheet(ws: &mut Worksheet, csv_path: &Path) {
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(csv_path)
        .unwrap();
    let mut head: Vec<String> = Vec::new();
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        if r == 0 {
            head = rec
                .iter()
                .map(|s| s.trim_start_matches('\u{feff}').to_string())
                .collect();
        }
        for (c, v) in rec.iter().enumerate() {
            let (row, col) = (r as u32, c as u16);
            let h = head.get(c).map(String::as_str).unwrap_or("");
            if v.is_empty() {
                continue;
            }
            if r > 0 && h.contains("日期") {
                if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                    use chrono::Datelike;
                    let x =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .unwrap();
                    ws.write_datetime_with_format(row, col, &x, &date).unwrap();
                    continue;
                }
            }
            let numeric = ["金额", "(吨)", "人数", "(艘)", "(台)", "经度", "纬度"]
                .iter()
                .any(|k| h.contains(k));
            if r > 0 && numeric {
                if let Ok(n) = v.parse::<f64>() {
                    ws.write_number(row, col, n).unwrap();
                    continue;
                }
            }
            ws.write_string(row, col, v).unwrap();
        }
    }
}

fn csv_files(q: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(q)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    v.sort();
    v
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

#[test]
fn mixed_csv_and_excel_give_the_same_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let csv_data = tmp.path().join("csv");
    ok(bin()
        .args([
            "sample",
            "--clean",
            "--rows",
            "3000",
            "--quarters",
            "2",
            "--last",
            "2026Q3",
        ])
        .arg("--out")
        .arg(&csv_data));
    let xl_data = tmp.path().join("xl");
    copy_dir(&csv_data, &xl_data);
    let q = xl_data.join("2026Q3");
    let cases: Vec<PathBuf> = csv_files(&q)
        .into_iter()
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            ![
                "referrals.csv",
                "patrols.csv",
                "meetings.csv",
                "adjustments.csv",
            ]
            .contains(&n.as_ref())
        })
        .collect();
    assert!(cases.len() >= 3, "{cases:?}");
    // One export as its own workbook, two more as two sheets of one workbook,
    // and the referral ledger as referrals.xlsx.
    let mut one = Workbook::new();
    csv_to_sheet(one.add_worksheet(), &cases[0]);
    one.save(q.join("单位一.xlsx")).unwrap();
    let mut two = Workbook::new();
    for p in &cases[1..3] {
        let ws = two.add_worksheet();
        csv_to_sheet(ws, p);
    }
    two.add_worksheet().set_name("填表说明").unwrap();
    two.save(q.join("两个单位.xlsx")).unwrap();
    let mut refs = Workbook::new();
    csv_to_sheet(refs.add_worksheet(), &q.join("referrals.csv"));
    refs.save(q.join("referrals.xlsx")).unwrap();
    for p in cases[..3].iter().chain([&q.join("referrals.csv")]) {
        std::fs::remove_file(p).unwrap();
    }

    let out_csv = build(&csv_data, "2026Q3", &tmp.path().join("o1"), &[]);
    let out_xl = build(&xl_data, "2026Q3", &tmp.path().join("o2"), &[]);
    let (mut a, mut b) = (summary(&out_csv), summary(&out_xl));
    let (ia, ib) = (a["inputs"].take(), b["inputs"].take());
    assert_eq!(a, b, "figures differ between the CSV and the Excel inputs");
    for k in ["rows_read", "accepted", "rejected", "skipped", "superseded"] {
        assert_eq!(ia[k], ib[k], "{k}");
    }
    let paths: Vec<&str> = ib["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .filter(|p| p.contains(".xlsx"))
        .collect();
    assert_eq!(
        paths,
        [
            "2026Q3/referrals.xlsx#Sheet1",
            "2026Q3/两个单位.xlsx#Sheet1",
            "2026Q3/两个单位.xlsx#Sheet2",
            "2026Q3/单位一.xlsx#Sheet1",
        ]
    );
    assert_eq!(read(&out_xl.join("rejects.csv")).lines().count(), 1);
}

#[test]
fn xls_sheet_rows_are_counted_and_rejects_name_sheet_and_row() {
    let tmp = tempfile::tempdir().unwrap();
    let q = tmp.path().join("data/2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::copy(fixture_xls(), q.join("水利局.xls")).unwrap();
    let out = build(
        &tmp.path().join("data"),
        "2026Q3",
        &tmp.path().join("out"),
        &[],
    );
    let s = summary(&out);
    let f = &s["inputs"]["files"][0];
    assert_eq!(f["path"], "2026Q3/水利局.xls#案件台账");
    assert_eq!(f["kind"], "cases");
    assert_eq!(f["unit"], "水利");
    assert_eq!(f["encoding"], "XLS");
    // Rows 4–7 below the header: SL-1, SL-2 accepted, 合计 skipped, SL-3 rejected.
    assert_eq!(
        [
            &f["rows_read"],
            &f["accepted"],
            &f["skipped"],
            &f["rejected"]
        ],
        [4, 2, 1, 1]
    );
    assert_eq!(s["totals"]["found"], 2);
    assert_eq!(s["totals"]["filed"], 1);
    assert_eq!(s["totals"]["power_cut"], 1);
    let rejects = read(&out.join("rejects.csv"));
    let row: Vec<&str> = rejects.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[0], "2026Q3/水利局.xls#案件台账");
    assert_eq!(row[1], "7");
    assert_eq!(row[2], "found_date");
    assert!(rejects.contains("date_after_period"), "{rejects}");
    let by_region = s["by_region"].as_array().unwrap();
    let ruian = by_region.iter().find(|r| r["key"] == "瑞安市").unwrap();
    assert_eq!(ruian["found"], 1);
}

#[test]
fn damaged_workbook_is_one_unreadable_file_and_notes_sheets_are_passed_over() {
    let tmp = tempfile::tempdir().unwrap();
    let q = tmp.path().join("data/2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::copy(fixture_xls(), q.join("水利局.xls")).unwrap();
    let mut bytes = {
        let mut wb = Workbook::new();
        wb.add_worksheet().write_string(0, 0, "x").unwrap();
        wb.save_to_buffer().unwrap()
    };
    bytes.truncate(bytes.len() / 3);
    std::fs::write(q.join("公安局.xlsx"), &bytes).unwrap();
    let mut notes = Workbook::new();
    notes
        .add_worksheet()
        .write_string(0, 0, "本表无数据")
        .unwrap();
    notes.save(q.join("说明.xlsx")).unwrap();
    let out = build(
        &tmp.path().join("data"),
        "2026Q3",
        &tmp.path().join("out"),
        &[],
    );
    let s = summary(&out);
    let files = s["inputs"]["files"].as_array().unwrap();
    let by = |p: &str| {
        files
            .iter()
            .find(|f| f["path"] == p)
            .unwrap_or_else(|| panic!("{p}: {files:?}"))
    };
    let broken = by("2026Q3/公安局.xlsx");
    assert!(broken["error"].as_str().unwrap().contains("无法读取工作簿"));
    assert_eq!(broken["rows_read"], 0);
    let notes = by("2026Q3/说明.xlsx");
    assert!(notes["error"].as_str().unwrap().contains("找不到表头"));
    by("2026Q3/水利局.xls#案件台账");
    assert_eq!(files.len(), 3);
}

/// The `workbook` fuzz target's findings: a 1.2 KB .xls whose header claims
/// billions of sectors made the reader reserve 14 GB, and a 5.6 KB one whose
/// root entry claims a 4 GB mini stream made it reserve 4 GB, aborting the
/// whole run where memory is smaller (here: a 3 GB address-space limit).
#[cfg(target_os = "linux")]
#[test]
fn a_lying_xls_header_cannot_exhaust_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let q = tmp.path().join("data/2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/excel/fuzz-oom-header.xls"),
        q.join("x.xls"),
    )
    .unwrap();
    // a 5.6 KB file whose root entry claims a 4 GB mini stream (second
    // fuzz finding: calamine reserved the claimed length before reading)
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/excel/fuzz-oom-root-size.xls"),
        q.join("y.xls"),
    )
    .unwrap();
    std::fs::copy(fixture_xls(), q.join("水利局.xls")).unwrap();
    let out = validate_in_3_gb(&tmp.path().join("data"));
    assert!(out.contains("2026Q3/x.xls:0 unreadable_file"), "{out}");
    assert!(out.contains("文件头损坏"), "{out}");
    assert!(out.contains("2026Q3/y.xls:0 unreadable_file"), "{out}");
    assert!(out.contains("文件结构损坏"), "{out}");
    // the sound workbook beside them is read as ever
    assert!(out.contains("2026Q3/水利局.xls#案件台账"), "{out}");
}

/// A few KB of workbook whose cells lie far apart (or whose sheet size
/// record lies, or which repeats one cell a billion times) made calamine
/// allocate the whole rectangle between them: 137 GB for an .xls cell at
/// row and column 65,536, 550 GB for an .xlsx cell at XFD1048576, 44 TB for
/// a DIMENSIONS record whose first row is after its last. Each aborted the
/// run (found by the `workbook` fuzz target and by hand after it). Now each
/// is one unreadable file with the reason, under a 3 GB address-space
/// limit, and the sound workbook beside them is read as ever. Shared text
/// copied into many cells is found by the same checks in an .ods, and by
/// the reader's child process running out of memory in an .xls.
#[cfg(target_os = "linux")]
#[test]
fn no_workbook_can_exhaust_memory_by_the_cells_it_spans() {
    let tmp = tempfile::tempdir().unwrap();
    let q = tmp.path().join("data/2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/excel");
    for f in [
        "oom-far-cell.xls",
        "oom-dimensions.xls",
        "oom-far-cell.xlsx",
        "oom-repeated.ods",
        "oom-shared-text.ods",
        "oom-shared-text.xls",
    ] {
        std::fs::copy(fixtures.join(f), q.join(f)).unwrap();
    }
    std::fs::copy(fixture_xls(), q.join("水利局.xls")).unwrap();
    let out = validate_in_3_gb(&tmp.path().join("data"));
    for (f, cells) in [
        ("oom-far-cell.xls", "约 4294967302 个单元格"),
        ("oom-dimensions.xls", "约 1095216659466 个单元格"),
        ("oom-far-cell.xlsx", "约 17179869184 个单元格"),
        // (an .ods counts its text as cells too: no exact rectangle here)
        ("oom-repeated.ods", "个单元格，上限 16777216 个"),
        // one 96 KB text in 100,000 repeated rows
        ("oom-shared-text.ods", "个单元格，上限 16777216 个"),
    ] {
        let line = out
            .lines()
            .find(|l| l.contains(&format!("2026Q3/{f}:0 unreadable_file")))
            .unwrap_or_else(|| panic!("{f} not reported: {out}"));
        assert!(
            line.contains("已用区域过大") && line.contains(cells),
            "{line}"
        );
    }
    // one 96 KB shared string in 25,000 cells: 4.8 GB of copies, which no
    // check foresees; the reader's child process runs out, not the run
    let line = out
        .lines()
        .find(|l| l.contains("2026Q3/oom-shared-text.xls:0 unreadable_file"))
        .unwrap_or_else(|| panic!("oom-shared-text.xls not reported: {out}"));
    assert!(line.contains("所需内存超过上限"), "{line}");
    assert!(out.contains("2026Q3/水利局.xls#案件台账"), "{out}");
}

/// The binary under test (`MINEBRIEF_BIN` or this build's).
#[cfg(target_os = "linux")]
fn bin_path() -> PathBuf {
    std::env::var_os("MINEBRIEF_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_minebrief")))
}

/// `minebrief validate --data DATA` under a 3 GB address-space limit: it
/// must finish (exit 0); its standard output.
#[cfg(target_os = "linux")]
fn validate_in_3_gb(data: &Path) -> String {
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 3000000 && exec \"$0\" validate --data \"$1\"")
        .arg(bin_path())
        .arg(data)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every sheet of a workbook as CSV text (calamine reads it; the first
/// sheet whole, later sheets without their repeated header row; an empty
/// sheet row is no record, as it is no row for minebrief either).
fn workbook_as_csv(path: &Path) -> Vec<u8> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(path).unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    for (i, (_, range)) in wb.worksheets().into_iter().enumerate() {
        for row in range.rows().skip(usize::from(i > 0)) {
            if row.iter().all(|c| matches!(c, Data::Empty)) {
                continue;
            }
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                    other => other.to_string(),
                })
                .collect();
            w.write_record(&cells).unwrap();
        }
    }
    w.into_inner().unwrap()
}

/// The bundled sample data hold two workbooks in 2026Q3 (`sample` writes
/// them): 自然资源's export as a two-sheet .xlsx and 水利's as an Excel 97
/// .xls. Each sheet is an input with its own accounting; the planted bad
/// rows in them are rejected naming sheet and row as Excel shows them
/// (found by hand with openpyxl and xlrd: I91 on the second sheet, row 76);
/// and the same rows as CSV give the same figures.
#[test]
fn the_sample_workbooks_are_read_sheet_by_sheet_with_the_csv_figures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = build(
        &root.join("sample_data"),
        "2026Q3",
        &tmp.path().join("o"),
        &[],
    );
    let s = summary(&out);
    let books: Vec<(String, u64, u64, u64, u64)> = s["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().contains(".xls"))
        .map(|f| {
            let n = |k: &str| f[k].as_u64().unwrap();
            (
                f["path"].as_str().unwrap().to_string(),
                n("rows_read"),
                n("accepted"),
                n("rejected"),
                n("skipped"),
            )
        })
        .collect();
    assert_eq!(
        books,
        [
            ("2026Q3/水利_2026Q3.xls#案件台账".to_string(), 75, 74, 1, 0),
            (
                "2026Q3/自然资源_2026Q3.xlsx#案件台账".to_string(),
                92,
                92,
                0,
                0
            ),
            (
                "2026Q3/自然资源_2026Q3.xlsx#案件台账（续）".to_string(),
                91,
                89,
                1,
                1
            ),
        ]
    );
    let rejects = read(&out.join("rejects.csv"));
    assert!(
        rejects.contains(
            "2026Q3/自然资源_2026Q3.xlsx#案件台账（续）,91,found_date,2026-02-30,bad_date,"
        ),
        "{rejects}"
    );
    assert!(
        rejects.contains("2026Q3/水利_2026Q3.xls#案件台账,76,fine_yuan,'-0.05,negative_number,"),
        "{rejects}"
    );

    // the same data with the two workbooks as CSV files
    let data = tmp.path().join("csv");
    copy_dir(&root.join("sample_data"), &data);
    for name in ["水利_2026Q3.xls", "自然资源_2026Q3.xlsx"] {
        let book = data.join("2026Q3").join(name);
        let text = workbook_as_csv(&book);
        std::fs::remove_file(&book).unwrap();
        std::fs::write(book.with_extension("csv"), text).unwrap();
    }
    let out_csv = build(&data, "2026Q3", &tmp.path().join("o2"), &[]);
    let (mut a, mut b) = (summary(&out), summary(&out_csv));
    let (ia, ib) = (a["inputs"].take(), b["inputs"].take());
    assert_eq!(
        a, b,
        "figures differ between the workbooks and the same rows as CSV"
    );
    // the repeated header row of the second sheet is not a row of data
    for k in ["rows_read", "accepted", "rejected", "skipped", "superseded"] {
        assert_eq!(ia[k], ib[k], "{k}");
    }
}

/// The hidden workbook reader (`minebrief __read-workbook`, the child the
/// run reads each workbook in) reads at most 1 GiB from its input: fed
/// endless bytes by hand it reports a refusal instead of filling memory.
#[cfg(target_os = "linux")]
#[test]
fn the_workbook_child_reads_a_bounded_input() {
    let bin = bin_path();
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 3000000 && head -c 3500000000 /dev/zero | \"$0\" __read-workbook")
        .arg(&bin)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("ER"), "{out:.200}");
    assert!(out.contains("超过 1024 MiB"), "{out:.200}");
}
