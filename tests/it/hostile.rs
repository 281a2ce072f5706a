//! Hostile input through the binary: every file here either becomes a
//! rejection (a row in rejects.csv with file and line, or a whole-file
//! error at line 0) or a one-line bilingual error with exit code 2 —
//! never a panic, never a hang (each command is killed after 60 s).

use std::path::{Path, PathBuf};

use crate::common::{run_in, Run};

const HEADER: &str =
    "案件编号,填报单位,县市区,乡镇街道,点位名称,发现日期,线索来源,违法类型,罚款金额(元),当事人,当事人证件号";
const GOOD: &str =
    "G-1,公安,鹿城区,五马街道,某采石点,2026-07-01,巡查发现,无证开采,100,张三,330302199001011234";

/// Run the binary with a 60 s limit; output goes to files so that a large
/// output cannot block the child.
fn run(args: &[&str]) -> Run {
    let a: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    run_in(None, &a)
}

/// Assert a fatal error: exit 2 and exactly one line on stderr, in both languages.
fn assert_fatal(r: &Run, needle: &str) {
    assert_eq!(r.code, Some(2), "stdout {} stderr {}", r.stdout, r.stderr);
    assert_eq!(r.stderr.trim_end().lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains(needle), "{needle} not in {}", r.stderr);
    assert!(r.stderr.contains(" / "), "not bilingual: {}", r.stderr);
}

/// A data folder with one good case file and the hostile file `name`.
fn data_with(name: &str, bytes: &[u8]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let q = d.path().join("2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::write(q.join("good.csv"), format!("{HEADER}\n{GOOD}\n")).unwrap();
    if !name.is_empty() {
        std::fs::write(q.join(name), bytes).unwrap();
    }
    d
}

struct Built {
    rejects: String,
    manifest: serde_json::Value,
    summary: serde_json::Value,
}

/// Build and validate: both must succeed (exit 0) with the hostile file
/// reported, not fatal. Returns rejects.csv and manifest.json.
fn build_ok(data: &Path) -> Built {
    let out = tempfile::tempdir().unwrap();
    let d = data.to_str().unwrap();
    let o = out.path().to_str().unwrap();
    let r = run(&["validate", "--data", d, "--quarter", "2026Q3"]);
    assert_eq!(r.code, Some(0), "validate: {} {}", r.stdout, r.stderr);
    let r = run(&[
        "build",
        "--data",
        d,
        "--quarter",
        "2026Q3",
        "--out",
        o,
        "--format",
        "html",
    ]);
    assert_eq!(r.code, Some(0), "build: {} {}", r.stdout, r.stderr);
    let dir = out.path().join("2026Q3");
    let rejects = String::from_utf8(std::fs::read(dir.join("rejects.csv")).unwrap()).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    // Every file balances, and the good file always gets through.
    for f in manifest["inputs"].as_array().unwrap() {
        let n = |k: &str| f[k].as_u64().unwrap();
        assert_eq!(
            n("rows_read"),
            n("accepted") + n("rejected") + n("skipped") + n("superseded"),
            "{f}"
        );
        if f["path"] == "2026Q3/good.csv" {
            assert_eq!(n("accepted"), 1, "{f}");
        }
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    Built {
        rejects,
        manifest,
        summary,
    }
}

fn input<'a>(b: &'a Built, name: &str) -> &'a serde_json::Value {
    let path = format!("2026Q3/{name}");
    b.manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path.as_str())
        .unwrap_or_else(|| panic!("{path} not in manifest: {}", b.manifest["inputs"]))
}

/// The file is reported as a whole: an error in the manifest and one line-0 reject.
fn assert_file_error(b: &Built, name: &str) {
    let f = input(b, name);
    assert!(f["error"].is_string(), "{f}");
    assert_eq!(f["rows_read"], 0);
    assert!(
        b.rejects.contains(&format!("2026Q3/{name},0,")),
        "{}",
        b.rejects
    );
}

/// Rows of the file are rejected with file, line and (where one is to blame) field.
fn assert_rejected(b: &Built, name: &str, line: u64, field: &str) {
    let f = input(b, name);
    assert!(f["rejected"].as_u64().unwrap() >= 1, "{f}");
    let want = format!("2026Q3/{name},{line},{field},");
    assert!(b.rejects.contains(&want), "{want} not in {}", b.rejects);
}

#[test]
fn binary_file_named_csv() {
    let mut bytes = b"\x7fELF\x02\x01\x01\x00".to_vec();
    bytes.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
    let d = data_with("binary.csv", &bytes);
    assert_file_error(&build_ok(d.path()), "binary.csv");
}

#[test]
fn zero_bytes_bom_alone_header_alone() {
    let d = data_with("empty.csv", b"");
    let q = d.path().join("2026Q3");
    std::fs::write(q.join("bom.csv"), b"\xEF\xBB\xBF").unwrap();
    std::fs::write(q.join("bom16.csv"), b"\xFF\xFE").unwrap();
    std::fs::write(q.join("header.csv"), format!("{HEADER}\r\n")).unwrap();
    let b = build_ok(d.path());
    assert_file_error(&b, "empty.csv");
    assert_file_error(&b, "bom.csv");
    assert_file_error(&b, "bom16.csv");
    let h = input(&b, "header.csv");
    assert!(h["error"].is_null(), "{h}");
    assert_eq!(h["rows_read"], 0);
}

#[test]
fn invalid_utf16() {
    // BOM, a header, then an unpaired surrogate and an odd trailing byte.
    let mut bytes = vec![0xFF, 0xFE];
    for u in HEADER.encode_utf16().chain("\n".encode_utf16()) {
        bytes.extend(u.to_le_bytes());
    }
    for u in "U-1,公安,鹿城区,,x,2026-07-01,巡查发现,无证开采,1,,".encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    bytes.extend(0xD800u16.to_le_bytes());
    bytes.extend(b"\n\x00\x41");
    let d = data_with("utf16.csv", &bytes);
    let b = build_ok(d.path());
    let f = input(&b, "utf16.csv");
    assert!(
        f["error"].is_string() || f["rejected"].as_u64().unwrap() >= 1,
        "{f}"
    );
}

#[test]
fn mixed_encodings_in_one_file() {
    // A UTF-8 header and row, a GBK row (decoded line by line), and a row
    // with bytes valid in neither: that one is rejected (unit, region).
    let (gbk, _, _) =
        encoding_rs::GBK.encode("G-2,公安,瑞安市,塘下镇,点,2026-07-02,巡查发现,无证开采,5,,");
    let mut bytes = format!("{HEADER}\n{}\n", GOOD.replace("G-1", "M-1")).into_bytes();
    bytes.extend_from_slice(&gbk);
    bytes.extend_from_slice(b"\nG-3,\xE5\x85\xAC\xE5\xAE\x89,\x80\xFF\xFE\x81,,,2026-07-02,");
    bytes.extend_from_slice("巡查发现,无证开采,5,,\n".as_bytes());
    let d = data_with("mixed.csv", &bytes);
    let b = build_ok(d.path());
    let f = input(&b, "mixed.csv");
    assert_eq!(f["rows_read"], 3, "{f}");
    assert_eq!(f["accepted"], 2, "{f}");
    assert!(b.rejects.contains("2026Q3/mixed.csv,4,"), "{}", b.rejects);
}

#[test]
fn nul_bytes() {
    let text = format!(
        "{HEADER}\n{}\nN-2,公安,鹿城区,\0\0,点,2026-07-0\0,巡查发现,无证开采,1,,\n",
        GOOD.replace("G-1", "N-1")
    );
    let d = data_with("nul.csv", text.as_bytes());
    let b = build_ok(d.path());
    let f = input(&b, "nul.csv");
    // Either read as binary as a whole, or the NUL row rejected on its date.
    if f["error"].is_null() {
        assert_rejected(&b, "nul.csv", 3, "found_date");
    }
}

#[test]
fn fifty_megabyte_single_line() {
    let mut bytes = Vec::with_capacity(50 << 20);
    bytes.extend_from_slice(HEADER.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice("L-1,公安,鹿城区,五马街道,".as_bytes());
    bytes.resize(50 << 20, b'a');
    bytes.extend_from_slice(",2026-07-01,巡查发现,无证开采,1,,\n".as_bytes());
    let d = data_with("long.csv", &bytes);
    let b = build_ok(d.path());
    let f = input(&b, "long.csv");
    assert_eq!(
        f["rows_read"].as_u64().unwrap() + u64::from(f["error"].is_string()),
        1,
        "{f}"
    );
    // The offending value is not copied whole into rejects.csv.
    assert!(
        b.rejects.len() < 1 << 20,
        "rejects.csv is {} bytes",
        b.rejects.len()
    );
}

#[test]
fn hundred_thousand_columns() {
    let mut header = HEADER.to_string();
    let mut row = GOOD.replace("G-1", "W-1");
    for i in 0..100_000 {
        header.push_str(&format!(",x{i}"));
        row.push(',');
    }
    let d = data_with("wide.csv", format!("{header}\n{row}\n{GOOD}\n").as_bytes());
    let b = build_ok(d.path());
    let f = input(&b, "wide.csv");
    assert_eq!(f["accepted"], 1, "{f}");
    // The short row (11 fields) is a ragged row.
    assert_rejected(&b, "wide.csv", 3, "");
}

#[test]
fn unbalanced_quotes() {
    let text = format!(
        "{HEADER}\nQ-1,公安,鹿城区,\"五马街道,点,2026-07-01,巡查发现,无证开采,1,,\n{}\n",
        GOOD.replace("G-1", "Q-2")
    );
    let d = data_with("quotes.csv", text.as_bytes());
    let b = build_ok(d.path());
    let f = input(&b, "quotes.csv");
    assert!(f["rejected"].as_u64().unwrap() >= 1, "{f}");
    assert!(b.rejects.contains("2026Q3/quotes.csv,2,"), "{}", b.rejects);
}

#[test]
fn extreme_numbers_and_far_dates() {
    let rows = [
        HEADER,
        "X-1,公安,鹿城区,,点,2026-07-01,巡查发现,无证开采,1e308,,",
        "X-2,公安,鹿城区,,点,2026-07-01,巡查发现,无证开采,1e308万,,",
        "X-3,公安,鹿城区,,点,2026-07-01,巡查发现,无证开采,-0,,",
        "X-4,公安,鹿城区,,点,9999-12-31,巡查发现,无证开采,1,,",
        "X-5,公安,鹿城区,,点,2026-07-01,巡查发现,无证开采,NaN,,",
        "X-6,公安,鹿城区,,点,2026-07-01,巡查发现,无证开采,inf,,",
        "X-7,公安,鹿城区,,点,2958465,巡查发现,无证开采,1,,",
        "X-8,公安,鹿城区,,点,2026-07-01,巡查发现,无证开采,1e-320,,",
    ];
    let d = data_with("numbers.csv", (rows.join("\n") + "\n").as_bytes());
    let b = build_ok(d.path());
    assert_rejected(&b, "numbers.csv", 2, "fine_yuan");
    assert_rejected(&b, "numbers.csv", 3, "fine_yuan");
    assert_rejected(&b, "numbers.csv", 5, "found_date");
    assert_rejected(&b, "numbers.csv", 6, "fine_yuan");
    assert_rejected(&b, "numbers.csv", 7, "fine_yuan");
    assert_rejected(&b, "numbers.csv", 8, "found_date");
    // -0 and 1e-320 are read as (nearly) zero.
    let f = input(&b, "numbers.csv");
    assert_eq!(f["accepted"], 2, "{f}");
    assert!(!b.rejects.contains("numbers.csv,4,") && !b.rejects.contains("numbers.csv,9,"));
}

#[test]
fn symlink_loop_and_unreadable_file() {
    let d = data_with("", b"");
    let q = d.path().join("2026Q3");
    std::os::unix::fs::symlink(q.join("loop.csv"), q.join("loop.csv")).unwrap();
    std::os::unix::fs::symlink(q.join("b.csv"), q.join("a.csv")).unwrap();
    std::os::unix::fs::symlink(q.join("a.csv"), q.join("b.csv")).unwrap();
    // A folder symlink loop inside DATA too.
    std::os::unix::fs::symlink(d.path(), q.join("up")).unwrap();
    let locked = q.join("locked.csv");
    std::fs::write(
        &locked,
        format!("{HEADER}\n{}\n", GOOD.replace("G-1", "K-1")),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let blocked = std::fs::read(&locked).is_err();
    let b = build_ok(d.path());
    assert_file_error(&b, "loop.csv");
    assert_file_error(&b, "a.csv");
    assert_file_error(&b, "b.csv");
    let f = input(&b, "locked.csv");
    if blocked {
        assert_file_error(&b, "locked.csv");
    } else {
        // Running as root: chmod 000 does not block reading, so the file is
        // simply read. Nothing to prove here beyond "no crash".
        eprintln!("note: running as root, chmod 000 does not block reads; locked.csv was read");
        assert_eq!(f["accepted"], 1, "{f}");
    }
}

#[test]
fn missing_data_folder_and_data_is_a_file() {
    let t = tempfile::tempdir().unwrap();
    let missing = t.path().join("nope");
    let out = t.path().join("out");
    let r = run(&[
        "build",
        "--data",
        missing.to_str().unwrap(),
        "--quarter",
        "2026Q3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_fatal(&r, "nope");
    assert!(!out.join("2026Q3").exists());
    let file = t.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let r = run(&["validate", "--data", file.to_str().unwrap()]);
    assert_fatal(&r, "file");
}

#[test]
fn output_folder_cannot_be_written() {
    let d = data_with("", b"");
    let t = tempfile::tempdir().unwrap();
    // OUT is a regular file.
    let out = t.path().join("out");
    std::fs::write(&out, "not a folder").unwrap();
    let r = run(&[
        "build",
        "--data",
        d.path().to_str().unwrap(),
        "--quarter",
        "2026Q3",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "html",
    ]);
    assert_fatal(&r, "out");
    assert_eq!(std::fs::read(&out).unwrap(), b"not a folder");
    // OUT/<quarter> is a regular file: replaced as a whole or refused, never half-written.
    let out2 = t.path().join("out2");
    std::fs::create_dir_all(&out2).unwrap();
    std::fs::write(out2.join("2026Q3"), "x").unwrap();
    let r = run(&[
        "build",
        "--data",
        d.path().to_str().unwrap(),
        "--quarter",
        "2026Q3",
        "--out",
        out2.to_str().unwrap(),
        "--format",
        "html",
    ]);
    assert!(r.code == Some(0) || r.code == Some(2), "{}", r.stderr);
    if r.code == Some(2) {
        assert_fatal(&r, "2026Q3");
    }
    let leftovers: Vec<PathBuf> = std::fs::read_dir(&out2)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn bad_config_is_one_line() {
    let d = data_with("", b"");
    std::fs::write(
        d.path().join("minebrief.toml"),
        "[rules]\nreply_days = \"seven\"\n\u{0}",
    )
    .unwrap();
    let t = tempfile::tempdir().unwrap();
    let r = run(&[
        "build",
        "--data",
        d.path().to_str().unwrap(),
        "--quarter",
        "2026Q3",
        "--out",
        t.path().to_str().unwrap(),
    ]);
    assert_fatal(&r, "minebrief.toml");
}

/// Case ids spelled exactly as summary.json's internal placeholders (NUL
/// characters and all) are data like any other: the assessment quotes them
/// (both cases are overdue), and the recurrence list and the region
/// reports' figures still go where they belong, not into the quote.
#[test]
fn case_ids_spelled_as_the_summary_placeholders() {
    let header = "案件编号,填报单位,县市区,乡镇街道,点位名称,发现日期,线索来源,违法类型,立案日期";
    let mut csv = format!("{header}\n");
    // ordinary rows around them, so that four NUL bytes do not make the
    // file look binary
    for n in 0..40 {
        csv.push_str(&format!(
            "P-{n},公安,鹿城区,五马街道,某采石点,2026-07-01,巡查发现,无证开采,\n"
        ));
    }
    for id in [
        "\u{0}minebrief:recurrences\u{0}",
        "\u{0}minebrief:regions\u{0}",
    ] {
        csv.push_str(&format!(
            "{id},公安,鹿城区,五马街道,某采石点,2026-07-01,巡查发现,无证开采,2026-07-01\n"
        ));
    }
    let d = data_with("placeholders.csv", csv.as_bytes());
    let b = build_ok(d.path());
    assert_eq!(
        input(&b, "placeholders.csv")["accepted"],
        42,
        "{}",
        b.rejects
    );
    let s = &b.summary;
    assert!(
        s["recurrence"]["recurrences"].is_array(),
        "{}",
        s["recurrence"]
    );
    assert!(s["regions"].is_array(), "{}", s["regions"]);
    let quoted: Vec<&str> = s["assessment"]["regions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["deductions"].as_array().unwrap())
        .flat_map(|x| x["case_ids"].as_array().unwrap())
        .filter_map(|v| v.as_str())
        .collect();
    for id in [
        "\u{0}minebrief:recurrences\u{0}",
        "\u{0}minebrief:regions\u{0}",
    ] {
        assert!(quoted.contains(&id), "{id:?} not quoted in {quoted:?}");
    }
}
