//! Issue 17 (input/output, command line, configuration): the tool never
//! destroys an input or a file it did not write, never hangs on a special
//! file, refuses what it cannot do in one bilingual line (exit 2), and one
//! bad value never sinks a whole run.
//!
//! Past 600 lines because it is one issue's checklist, each test one item
//! of it; split by item group (files, command line, configuration) if it
//! grows further.

use std::path::{Path, PathBuf};

use crate::common::{run_in, Run};
use std::process::Command;

const HEADER: &str =
    "案件编号,填报单位,县市区,乡镇街道,点位名称,发现日期,线索来源,违法类型,罚款金额(元),当事人,当事人证件号";
const GOOD: &str =
    "G-1,公安,鹿城区,五马街道,某采石点,2026-07-01,巡查发现,无证开采,100,张三,330302199001011234";

pub fn run(args: &[&str]) -> Run {
    let a: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    run_in(None, &a)
}

/// A fatal error: exit 2, one line on stderr, bilingual, containing `needle`.
pub fn assert_fatal(r: &Run, needle: &str) {
    assert_eq!(r.code, Some(2), "stdout {} stderr {}", r.stdout, r.stderr);
    assert_eq!(r.stderr.trim_end().lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains(needle), "{needle} not in {}", r.stderr);
    assert!(r.stderr.contains(" / "), "not bilingual: {}", r.stderr);
}

/// A data folder with one good case file in 2026Q3.
fn data() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let q = d.path().join("2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::write(q.join("good.csv"), format!("{HEADER}\n{GOOD}\n")).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn build(data: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut a = vec![
        "build",
        "--data",
        s(data),
        "--quarter",
        "2026Q3",
        "--out",
        s(out),
    ];
    if !extra.contains(&"--format") {
        a.extend(["--format", "html"]);
    }
    a.extend_from_slice(extra);
    run(&a)
}

/// Every file under `dir` with its bytes (links not followed).
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let md = std::fs::symlink_metadata(&p).unwrap();
            if md.is_dir() {
                stack.push(p);
            } else if md.is_file() {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            } else {
                out.push((p.clone(), Vec::new()));
            }
        }
    }
    out.sort();
    out
}

// ---- item 1: OUT vs DATA ----

#[test]
fn out_equal_to_inside_or_around_data_is_refused() {
    let d = data();
    let before = snapshot(d.path());
    // OUT is DATA
    let r = build(d.path(), d.path(), &[]);
    assert_fatal(&r, "数据目录");
    // OUT inside a quarter folder of DATA
    let inner = d.path().join("2026Q3").join("out");
    let r = build(d.path(), &inner, &[]);
    assert_fatal(&r, "数据目录");
    assert!(!inner.exists());
    // OUT contains DATA
    let parent = d.path().parent().unwrap();
    let r = build(d.path(), parent, &[]);
    assert_fatal(&r, "数据目录");
    // The same through a different spelling of the path.
    let dotted = d.path().join("2026Q3").join("..");
    let r = build(d.path(), &dotted, &[]);
    assert_fatal(&r, "数据目录");
    assert_eq!(snapshot(d.path()), before);
    // A plain sub-folder of DATA that is not a quarter folder is fine.
    let ok = d.path().join("out");
    let r = build(d.path(), &ok, &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(ok.join("2026Q3/summary.json").is_file());
}

// ---- item 3: what the tool did not write ----

#[test]
fn a_file_or_link_or_foreign_folder_at_the_output_is_refused() {
    let d = data();
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("2026Q3");
    std::fs::write(&dest, "my notes").unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_fatal(&r, "2026Q3");
    assert_eq!(std::fs::read(&dest).unwrap(), b"my notes");
    std::fs::remove_file(&dest).unwrap();

    #[cfg(unix)]
    {
        let target = out.path().join("elsewhere");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep.txt"), "keep").unwrap();
        std::os::unix::fs::symlink(&target, &dest).unwrap();
        let r = build(d.path(), out.path(), &[]);
        assert_fatal(&r, "2026Q3");
        assert!(std::fs::symlink_metadata(&dest)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(target.join("keep.txt")).unwrap(), b"keep");
        std::fs::remove_file(&dest).unwrap();
    }

    // A folder the user made (no manifest of ours) is not replaced.
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("draft.docx"), "draft").unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_fatal(&r, "2026Q3");
    assert_eq!(std::fs::read(dest.join("draft.docx")).unwrap(), b"draft");
    std::fs::remove_dir_all(&dest).unwrap();

    // An empty folder, and our own folder, are replaced.
    std::fs::create_dir(&dest).unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = build(d.path(), out.path(), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(dest.join("manifest.json").is_file());
}

// ---- item 19: --out naming a file ----

#[test]
fn out_naming_a_file_is_a_clear_error() {
    let d = data();
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("report.txt");
    std::fs::write(&f, "x").unwrap();
    let r = build(d.path(), &f, &[]);
    assert_fatal(&r, "不是文件夹");
    assert!(!r.stderr.contains("os error"), "{}", r.stderr);
    assert_eq!(std::fs::read(&f).unwrap(), b"x");
}

// ---- item 10: two folders for one quarter ----

#[test]
fn two_folders_naming_one_quarter_are_an_error() {
    let d = data();
    let other = d.path().join("2026年第三季度");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(
        other.join("adjustments.csv"),
        "对象类型,对象,分值,事由\n单位,公安,2,表扬\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_fatal(&r, "2026年第三季度");
    assert!(r.stderr.contains("2026Q3"), "{}", r.stderr);
    let r = run(&["validate", "--data", s(d.path())]);
    assert_fatal(&r, "2026年第三季度");
}

// ---- item 23: no case file for the report quarter ----

#[test]
fn no_case_file_for_the_quarter_is_an_error_naming_skipped_files() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("公安.csv"), format!("{HEADER}\n{GOOD}\n")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_fatal(&r, "公安.csv");
    assert!(!out.path().join("2026Q3").exists());
    let r = run(&["validate", "--data", s(d.path()), "--strict"]);
    assert_fatal(&r, "公安.csv");
    // An empty data folder.
    let e = tempfile::tempdir().unwrap();
    let r = build(e.path(), out.path(), &[]);
    assert_fatal(&r, "2026Q3");
    // Only optional files in the quarter folder.
    let q = e.path().join("2026Q3");
    std::fs::create_dir(&q).unwrap();
    std::fs::write(q.join("meetings.csv"), "会议日期,单位,是否出席\n").unwrap();
    let r = build(e.path(), out.path(), &[]);
    assert_fatal(&r, "2026Q3");
}

// ---- item 2: validate --rejects ----

#[test]
fn validate_rejects_never_replaces_inputs_links_or_devices() {
    let d = data();
    // one rejected row, so rejects.csv has a body
    std::fs::write(
        d.path().join("2026Q3/bad.csv"),
        format!("{HEADER}\nB-1,公安,火星区,,,2026-07-01,巡查发现,无证开采,1,,\n"),
    )
    .unwrap();
    let dp = s(d.path());
    // An input file named as FILE is refused, unchanged.
    let input = d.path().join("2026Q3/good.csv");
    let before = std::fs::read(&input).unwrap();
    let r = run(&["validate", "--data", dp, "--rejects", s(&input)]);
    assert_fatal(&r, "good.csv");
    assert_eq!(std::fs::read(&input).unwrap(), before);
    // A new file inside a quarter folder would be read next time: refused.
    let newer = d.path().join("2026Q3/rejects.csv");
    let r = run(&["validate", "--data", dp, "--rejects", s(&newer)]);
    assert_fatal(&r, "rejects.csv");
    assert!(!newer.exists());
    // `-` is standard output: the CSV alone.
    let r = run(&["validate", "--data", dp, "--rejects", "-"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.starts_with("\u{feff}file,line,"), "{}", r.stdout);
    assert!(r.stdout.contains("2026Q3/bad.csv,2,"), "{}", r.stdout);
    #[cfg(unix)]
    {
        // A link is followed: the file it points to is written, the link kept.
        let t = tempfile::tempdir().unwrap();
        let real = t.path().join("real.csv");
        std::fs::write(&real, "old").unwrap();
        let link = t.path().join("link.csv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let r = run(&["validate", "--data", dp, "--rejects", s(&link)]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(crate::common::read(&real).contains("2026Q3/bad.csv,2,"));
        // A link into a quarter folder is refused like the file itself.
        let sneaky = t.path().join("sneaky.csv");
        std::os::unix::fs::symlink(&input, &sneaky).unwrap();
        let r = run(&["validate", "--data", dp, "--rejects", s(&sneaky)]);
        assert_fatal(&r, "sneaky.csv");
        assert_eq!(std::fs::read(&input).unwrap(), before);
        // A device is written through, not replaced.
        let r = run(&["validate", "--data", dp, "--rejects", "/dev/null"]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device_like());
        if Path::new("/dev/full").exists() {
            let r = run(&["validate", "--data", dp, "--rejects", "/dev/full"]);
            assert_fatal(&r, "/dev/full");
        }
    }
}

#[cfg(unix)]
trait CharDevice {
    fn is_char_device_like(&self) -> bool;
}
#[cfg(unix)]
impl CharDevice for std::fs::FileType {
    fn is_char_device_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_char_device()
    }
}

// ---- item 9: special files, links leaving DATA, size cap ----

#[cfg(unix)]
#[test]
fn fifos_devices_and_links_out_of_data_are_reported_not_read() {
    let d = data();
    let q = d.path().join("2026Q3");
    let fifo = q.join("a.csv");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("/dev/zero", q.join("zero.csv")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("passwd.csv");
    std::fs::write(&secret, format!("{HEADER}\n{GOOD}\n")).unwrap();
    std::os::unix::fs::symlink(&secret, q.join("secret.csv")).unwrap();
    // A link that stays inside DATA is read.
    std::fs::create_dir(d.path().join("shared")).unwrap();
    std::fs::write(
        d.path().join("shared/ga.csv"),
        format!("{HEADER}\nG-2,公安,鹿城区,五马街道,某点,2026-07-02,巡查发现,无证开采,1,,\n"),
    )
    .unwrap();
    std::os::unix::fs::symlink(d.path().join("shared/ga.csv"), q.join("inside.csv")).unwrap();

    let r = run(&["validate", "--data", s(d.path())]);
    assert_eq!(r.code, Some(0), "{} {}", r.stdout, r.stderr);
    let out = tempfile::tempdir().unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let m: serde_json::Value = serde_json::from_str(&crate::common::read(
        &out.path().join("2026Q3/manifest.json"),
    ))
    .unwrap();
    let f = |name: &str| {
        m["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == format!("2026Q3/{name}"))
            .unwrap_or_else(|| panic!("{name}: {}", m["inputs"]))
            .clone()
    };
    let e = f("a.csv")["error"].as_str().unwrap().to_string();
    assert!(e.contains("不是普通文件"), "{e}");
    // /dev/zero is outside DATA: refused as such, never read.
    let e = f("zero.csv")["error"].as_str().unwrap().to_string();
    assert!(e.contains("数据目录之外"), "{e}");
    for name in ["a.csv", "zero.csv"] {
        assert_eq!(f(name)["rows_read"], 0);
    }
    let e = f("secret.csv")["error"].as_str().unwrap().to_string();
    assert!(e.contains("数据目录之外"), "{e}");
    assert_eq!(f("secret.csv")["sha256"], "");
    assert_eq!(f("inside.csv")["accepted"], 1);
}

#[cfg(unix)]
#[test]
fn a_sparse_file_over_the_cap_is_reported() {
    let d = data();
    let big = d.path().join("2026Q3/big.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(100 << 30).unwrap(); // 100 GB, sparse
    drop(f);
    let out = tempfile::tempdir().unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rej = crate::common::read(&out.path().join("2026Q3/rejects.csv"));
    assert!(rej.contains("2026Q3/big.csv,0,"), "{rej}");
    assert!(rej.contains("文件过大"), "{rej}");
}

#[cfg(unix)]
#[test]
fn a_font_or_config_that_is_a_device_is_refused() {
    let d = data();
    let out = tempfile::tempdir().unwrap();
    let r = build(d.path(), out.path(), &["--config", "/dev/zero"]);
    assert_fatal(&r, "/dev/zero");
    let t = tempfile::tempdir().unwrap();
    let cfg = t.path().join("minebrief.toml");
    std::fs::write(&cfg, "[fonts]\nbody = \"/dev/zero\"\n").unwrap();
    let r = build(
        d.path(),
        out.path(),
        &["--config", s(&cfg), "--format", "pdf"],
    );
    assert_fatal(&r, "/dev/zero");
}

// ---- configuration: items 19, 21, 28, 29 ----

/// Build with `toml` as DATA/minebrief.toml; the run must fail with one
/// bilingual line containing every needle.
fn config_error(toml: &str, needles: &[&str]) {
    let d = data();
    std::fs::write(d.path().join("minebrief.toml"), toml).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_fatal(&r, "minebrief.toml");
    for n in needles {
        assert!(r.stderr.contains(n), "{n} not in {}", r.stderr);
    }
}

const GRADES_WITHOUT_ZERO: &str = "[[assessment.grades]]\nname = \"优秀\"\nmin = 90.0\n\n[[assessment.grades]]\nname = \"良好\"\nmin = 80.0\n\n[[assessment.grades]]\nname = \"合格\"\nmin = 60.0\n";

#[test]
fn grades_must_cover_every_score_and_accountability_must_name_one() {
    config_error(GRADES_WITHOUT_ZERO, &["第1行", "grades", "min 应为 0"]);
    config_error(
        "[assessment.accountability]\ngrade = \"不合格 \"\n",
        &["第2行", "grade", "不合格 ", "优秀"],
    );
    config_error(
        "[[assessment.grades]]\nname = \"优秀\"\nmin = nan\n[[assessment.grades]]\nname = \"不合格\"\nmin = 0.0\n",
        &["第3行", "min"],
    );
}

/// A configured name with a control character cannot be printed in any
/// document, and one spelled like summary.json's internal placeholder
/// ("\u0000minebrief:regions\u0000") moved the region figures elsewhere in
/// the file: both are refused, naming the list.
#[test]
fn configured_names_hold_no_control_characters() {
    config_error(
        "[[regions]]\nname = \"\\u0000minebrief:regions\\u0000\"\n",
        &["regions", "控制字符", "control character"],
    );
    config_error("[[units]]\nname = \"公安\\t局\"\n", &["units", "控制字符"]);
}

#[test]
fn bad_numbers_and_dates_in_the_config_say_what_is_wrong() {
    // A date without quotes.
    config_error(
        "[organisation]\nissue_date = 2026-10-15\n",
        &["第2行", "issue_date", "引号"],
    );
    // A negative cap on its own line (not the points line).
    config_error(
        "[[assessment.unit_deductions]]\nid = \"overdue\"\nname = \"超期案件\"\nmetric = \"overdue_cases\"\npoints = 2.0\ncap = -10.0\n",
        &["第6行", "cap"],
    );
    // weight = nan is not a number, not "negative".
    let mut rubric = String::new();
    for (id, m, w) in [
        ("a", "filing_timeliness", "nan"),
        ("b", "closing_timeliness", "100.0"),
    ] {
        rubric.push_str(&format!(
            "[[assessment.unit_indicators]]\nid = \"{id}\"\nname = \"{id}\"\nmetric = \"{m}\"\nweight = {w}\n"
        ));
    }
    config_error(&rubric, &["第5行", "weight", "不是有效数字"]);
}

#[test]
fn a_misspelt_templates_dir_is_an_error_naming_the_key() {
    config_error(
        "[output]\ntemplates_dir = \"tempaltes\"\n",
        &["第2行", "output.templates_dir", "tempaltes"],
    );
}

// ---- item 27: issue dates ----

#[test]
fn issue_dates_must_follow_the_quarter_and_precede_2100() {
    let d = data();
    let out = tempfile::tempdir().unwrap();
    for bad in ["-0001-01-01", "2026-09-30", "2100-01-01"] {
        let r = build(d.path(), out.path(), &[&format!("--issue-date={bad}")]);
        assert_fatal(&r, "2100");
    }
    let r = build(d.path(), out.path(), &["--issue-date", "2026-10-01"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

// ---- item 29: usage errors ----

#[test]
fn usage_errors_are_one_bilingual_line() {
    let d = data();
    let r = run(&["build", "--data", s(d.path()), "--quater", "2026Q3"]);
    assert_fatal(&r, "--quater");
    assert!(r.stderr.contains("未知的参数"), "{}", r.stderr);
    let r = run(&["build", "--data", s(d.path())]);
    assert_fatal(&r, "--quarter");
    let r = run(&["bulid"]);
    assert_fatal(&r, "bulid");
    let out = tempfile::tempdir().unwrap();
    let r = build(d.path(), out.path(), &["--format", ""]);
    assert_fatal(&r, "--format");
    assert!(!out.path().join("2026Q3").exists());
    // --help and --version still work.
    let r = run(&["--help"]);
    assert_eq!(r.code, Some(0));
    assert!(r.stdout.contains("build"), "{}", r.stdout);
    let r = run(&["--version"]);
    assert_eq!(r.code, Some(0));
    assert!(r.stdout.starts_with("minebrief "), "{}", r.stdout);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bad = std::ffi::OsStr::from_bytes(b"2026Q\xFF");
        let fixed = [
            "build",
            "--data",
            s(d.path()),
            "--out",
            s(out.path()),
            "--quarter",
        ];
        let args: Vec<&std::ffi::OsStr> = fixed
            .iter()
            .map(std::ffi::OsStr::new)
            .chain([bad])
            .collect();
        let r = run_in(None, &args);
        assert_fatal(&r, "UTF-8");
    }
}

// ---- item 19: console messages cannot drive the terminal ----

#[cfg(unix)]
#[test]
fn file_names_with_escapes_are_shown_escaped() {
    let d = data();
    let name = "evil\u{1b}[2J\n\u{202e}vsc.csv";
    std::fs::write(d.path().join("2026Q3").join(name), "not,a,header\n1,2,3\n").unwrap();
    let r = run(&["validate", "--data", s(d.path())]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    for out in [&r.stdout, &r.stderr] {
        assert!(!out.contains('\u{1b}'), "{out}");
        assert!(!out.contains('\u{202e}'), "{out}");
    }
    assert!(
        r.stdout.contains("evil\\u{1b}[2J\\u{a}\\u{202e}vsc.csv"),
        "{}",
        r.stdout
    );
    // A fatal error naming such a path is escaped too.
    let bad = d.path().join("no\u{1b}]0;title\u{7}such");
    let r = run(&["validate", "--data", s(&bad)]);
    assert_fatal(&r, "no\\u{1b}]0;title\\u{7}such");
    assert!(!r.stderr.contains('\u{1b}'));
}

// ---- item 29: a GBK briefing.toml is told like a GBK minebrief.toml ----

#[test]
fn gbk_toml_files_get_a_clear_message() {
    let (gbk, _, _) = encoding_rs::GB18030.encode("[organisation]\ngroup = \"领导小组\"\n");
    let d = data();
    std::fs::write(d.path().join("minebrief.toml"), &*gbk).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_fatal(&r, "UTF-8");
    assert!(r.stderr.contains("GBK"), "{}", r.stderr);
    assert!(r.stderr.contains("minebrief.toml"), "{}", r.stderr);
    let (gbk, _, _) = encoding_rs::GB18030.encode("next_steps = [\"加强巡查\"]\n");
    let d = data();
    std::fs::write(d.path().join("2026Q3/briefing.toml"), &*gbk).unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_fatal(&r, "UTF-8");
    assert!(r.stderr.contains("GBK"), "{}", r.stderr);
    assert!(r.stderr.contains("briefing.toml"), "{}", r.stderr);
}

// ---- item 6: one cell over Excel's limit ----

#[test]
fn a_long_case_list_is_clipped_in_the_workbook_and_everything_is_written() {
    let d = tempfile::tempdir().unwrap();
    let q = d.path().join("2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    let mut csv = String::from("案件编号,填报单位,县市区,发现日期,立案日期,线索来源,违法类型\n");
    for i in 0..2600 {
        csv.push_str(&format!(
            "OVERDUE-CASE-{i:05},公安,鹿城区,2026-01-02,2026-01-05,巡查发现,无证开采\n"
        ));
    }
    std::fs::write(q.join("ga.csv"), csv).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = build(d.path(), out.path(), &["--format", "html,xlsx"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let dir = out.path().join("2026Q3");
    for f in [
        "tables.xlsx",
        "summary.json",
        "rejects.csv",
        "manifest.json",
        "index.html",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    // The CSV has the whole list (2,600 ids).
    let scores = std::fs::read_dir(dir.join("tables"))
        .unwrap()
        .map(|e| crate::common::read(&e.unwrap().path()))
        .find(|t| t.contains("OVERDUE-CASE-02599"))
        .expect("a table lists every overdue case");
    assert!(scores.contains("OVERDUE-CASE-00000"));
    let mut z =
        zip::ZipArchive::new(std::fs::File::open(dir.join("tables.xlsx")).unwrap()).unwrap();
    let mut ss = String::new();
    std::io::Read::read_to_string(&mut z.by_name("xl/sharedStrings.xml").unwrap(), &mut ss)
        .unwrap();
    assert!(ss.contains("已截断，全文见 tables/"), "no clip note");
}

// ---- item 20: # and % in a region name; item 19: long region names ----

#[test]
fn region_names_with_url_characters_or_too_long_link_and_write() {
    let long = "很长的地名".repeat(20); // 100 characters, 300 bytes
    let toml = format!(
        "[[regions]]\nname = \"鹿城#1%区\"\naliases = [\"鹿城区\"]\n\n[[regions]]\nname = \"{long}甲\"\naliases = [\"瑞安市\"]\n\n[[regions]]\nname = \"{long}乙\"\naliases = [\"乐清市\"]\n"
    );
    let d = data();
    std::fs::write(d.path().join("minebrief.toml"), toml).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let dir = out.path().join("2026Q3");
    assert!(dir.join("regions/鹿城#1%区.html").is_file());
    let index = crate::common::read(&dir.join("index.html"));
    // (the template writes `/` as &#x2F;)
    assert!(index.contains("鹿城%231%25区.html\""), "{index}");
    // Two long names: two distinct, shortened files, each linked.
    let names: Vec<String> = std::fs::read_dir(dir.join("regions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("很长"))
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    for n in &names {
        assert!(n.len() <= 130, "{n}");
        assert!(index.contains(n.as_str()), "{n} not linked");
    }
    // A scoped run of a long region writes its folder too.
    let r = build(d.path(), out.path(), &["--scope", "瑞安市"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

// ---- item 24: GBK file names ----

#[cfg(target_os = "linux")]
#[test]
fn gbk_file_names_are_decoded_and_matched_to_their_unit() {
    use std::os::unix::ffi::OsStrExt;
    let d = tempfile::tempdir().unwrap();
    let q = d.path().join("2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    let header = "案件编号,县市区,发现日期,线索来源,违法类型";
    for (unit, id) in [("公安局", "A-1"), ("水利局", "B-1")] {
        let plain = format!("{unit}_2026Q3.csv");
        let (name, _, _) = encoding_rs::GB18030.encode(&plain);
        let p = q.join(std::ffi::OsStr::from_bytes(&name));
        std::fs::write(
            p,
            format!("{header}\n{id},鹿城区,2026-07-01,巡查发现,无证开采\n"),
        )
        .unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let m: serde_json::Value = serde_json::from_str(&crate::common::read(
        &out.path().join("2026Q3/manifest.json"),
    ))
    .unwrap();
    let files: Vec<(String, String, u64)> = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["unit"].as_str().unwrap_or("").to_string(),
                f["accepted"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        files,
        vec![
            (
                "2026Q3/公安局_2026Q3.csv".to_string(),
                "公安".to_string(),
                1
            ),
            (
                "2026Q3/水利局_2026Q3.csv".to_string(),
                "水利".to_string(),
                1
            ),
        ]
    );
}

// ---- item 19: sample --rows; item 20: sample --out ----

#[test]
fn sample_refuses_huge_row_counts_and_foreign_files() {
    let t = tempfile::tempdir().unwrap();
    let r = run(&["sample", "--out", s(t.path()), "--rows", "1000000000000"]);
    assert_fatal(&r, "--rows");
    // A folder someone edited (same file names, no sample marker): refused.
    let q = t.path().join("2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    std::fs::write(
        q.join("meetings.csv"),
        "会议日期,单位,是否出席\n2026-07-10,公安,是\n",
    )
    .unwrap();
    let r = run(&[
        "sample",
        "--out",
        s(t.path()),
        "--quarters",
        "1",
        "--rows",
        "200",
    ]);
    assert_fatal(&r, "meetings.csv");
    assert!(crate::common::read(&q.join("meetings.csv")).contains("2026-07-10,公安,是"));
    // A folder sample wrote may be regenerated.
    let u = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let r = run(&[
            "sample",
            "--out",
            s(u.path()),
            "--quarters",
            "1",
            "--rows",
            "200",
        ]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
    }
}

// ---- item 19: full-width formula characters ----

#[test]
fn full_width_formula_starts_are_prefixed_in_csv() {
    let d = data();
    std::fs::write(
        d.path().join("2026Q3/bad.csv"),
        format!("{HEADER}\nB-1,公安,＝1+1,,,2026-07-01,巡查发现,无证开采,1,,\n"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = build(d.path(), out.path(), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rej = crate::common::read(&out.path().join("2026Q3/rejects.csv"));
    assert!(rej.contains(",'＝1+1,"), "{rej}");
}

// ---- item 4: files and folders reach the disk before the swap ----

/// Where strace is available (Linux), every output file and folder is
/// fsync'ed before the folder is renamed into place.
#[cfg(target_os = "linux")]
#[test]
fn outputs_are_synced_before_the_swap() {
    let have_strace = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_strace {
        eprintln!("strace not available: skipped");
        return;
    }
    let d = data();
    let out = tempfile::tempdir().unwrap();
    let log = out.path().join("strace.log");
    let o = Command::new("strace")
        .args([
            "-f",
            "-e",
            "trace=fsync,fdatasync,rename,renameat,renameat2",
            "-o",
        ])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_minebrief"))
        .args([
            "build",
            "--data",
            s(d.path()),
            "--quarter",
            "2026Q3",
            "--format",
            "html",
        ])
        .arg("--out")
        .arg(out.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = crate::common::read(&log);
    let swap = text
        .lines()
        .position(|l| l.contains("rename") && l.contains(".2026Q3.tmp-"))
        .unwrap_or_else(|| panic!("no swap in {text}"));
    let synced = text
        .lines()
        .take(swap)
        // a call strace sees interrupted by another thread is split into
        // "fsync(…<unfinished …>" and "<… fsync resumed>) = 0": count the
        // half with the result
        .filter(|l| (l.contains("fsync(") || l.contains("fsync resumed>")) && l.contains("= 0"))
        .count();
    let files = crate::common::tree(&out.path().join("o/2026Q3")).len();
    let dirs = std::fs::read_dir(out.path().join("o/2026Q3"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count()
        + 1;
    assert!(
        synced >= files + dirs,
        "{synced} fsyncs before the swap for {files} files and {dirs} folders"
    );
    let after = text
        .lines()
        .skip(swap + 1)
        .filter(|l| l.contains("fsync("))
        .count();
    assert!(after >= 1, "the parent folder is synced after the swap");
}

// ---- the feedback folder is ours too: it may be rewritten, a foreign one not ----

#[test]
fn validate_feedback_rewrites_its_own_folder_only() {
    let d = data();
    let fb = tempfile::tempdir().unwrap();
    let dir = fb.path().join("fb");
    for _ in 0..2 {
        let r = run(&[
            "validate",
            "--data",
            s(d.path()),
            "--quarter",
            "2026Q3",
            "--feedback",
            s(&dir),
        ]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
    }
    let mine = fb.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep").unwrap();
    let r = run(&[
        "validate",
        "--data",
        s(d.path()),
        "--quarter",
        "2026Q3",
        "--feedback",
        s(&mine),
    ]);
    assert_fatal(&r, "mine");
    assert_eq!(std::fs::read(mine.join("notes.txt")).unwrap(), b"keep");
}

/// `--rejects /dev/stdout` with standard output redirected to a file:
/// the report and the CSV both land in that file (written through, the file
/// not replaced under the shell's redirection).
#[cfg(target_os = "linux")]
#[test]
fn rejects_to_dev_stdout_redirected_to_a_file_is_written_through() {
    let d = data();
    std::fs::write(
        d.path().join("2026Q3/bad.csv"),
        format!("{HEADER}\nB-1,公安,火星区,,,2026-07-01,巡查发现,无证开采,1,,\n"),
    )
    .unwrap();
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("out.txt");
    let st = Command::new(env!("CARGO_BIN_EXE_minebrief"))
        .args([
            "validate",
            "--data",
            s(d.path()),
            "--rejects",
            "/dev/stdout",
        ])
        .stdout(std::fs::File::create(&f).unwrap())
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(0));
    let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
    assert!(text.contains("2026Q3/bad.csv,2,"), "{text}");
    assert!(text.contains("季度文件夹"), "{text}");
}
