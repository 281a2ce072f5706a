//! The command line: exit codes and one-line bilingual errors.

use std::path::Path;

use crate::common;
use common::bin;

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ingest")
        .display()
        .to_string()
}

#[test]
fn validate_exit_codes() {
    let out = bin()
        .args(["validate", "--data", &fixture(), "--quarter", "2026Q3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("rows_read 56 = 接受 accepted 21 + 拒绝 rejected 31 + 跳过 skipped 2 + 被替代 superseded 2"), "{stdout}");
    assert!(
        stdout.contains("2026Q3/bad_rows.csv:11 [region] unknown_region"),
        "{stdout}"
    );

    let out = bin()
        .args([
            "validate",
            "--data",
            &fixture(),
            "--quarter",
            "2026Q3",
            "--strict",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    // Only the clean 2026Q2 folder: strict passes.
    let out = bin()
        .args([
            "validate",
            "--data",
            &fixture(),
            "--quarter",
            "2026年第二季度",
            "--strict",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let out = bin()
        .args(["validate", "--data", "/nonexistent/x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("无法读写") && stderr.contains("cannot access"),
        "{stderr}"
    );

    let out = bin()
        .args(["validate", "--data", &fixture(), "--quarter", "2026Q5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2026Q5"));

    let out = bin().args(["validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn validate_writes_rejects_csv() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rejects.csv");
    let out = bin()
        .args([
            "validate",
            "--data",
            &fixture(),
            "--quarter",
            "2026Q3",
            "--rejects",
        ])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert_eq!(text.lines().count(), 35);
}

#[test]
fn init_writes_a_config_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("minebrief.toml");
    let out = bin().args(["init", "--out"]).arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let cfg = minebrief::config::Config::load(Some(&p)).unwrap();
    assert_eq!(cfg, minebrief::config::Config::embedded());
    // never overwrites
    let out = bin().args(["init", "--out"]).arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // to stdout
    let out = bin().args(["init"]).output().unwrap();
    assert_eq!(out.stdout, minebrief::config::DEFAULT_TOML.as_bytes());
}

#[test]
fn bad_config_names_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(
        &p,
        "[organisation]\ncity = \"温州市\"\n\n[rules]\nreplydays = 3\n",
    )
    .unwrap();
    let out = bin()
        .args(["validate", "--data", &fixture(), "--config"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("第5行") && stderr.contains("replydays"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn config_in_data_folder_is_used() {
    // A data folder with its own minebrief.toml adding a unit (综合行政执法) by config only.
    let dir = tempfile::tempdir().unwrap();
    let q = dir.path().join("2026Q3");
    std::fs::create_dir_all(&q).unwrap();
    let mut cfg = minebrief::config::DEFAULT_TOML.to_string();
    cfg.push_str("\n[[units]]\nname = \"综合行政执法\"\naliases = [\"综合行政执法局\"]\n");
    std::fs::write(dir.path().join("minebrief.toml"), cfg).unwrap();
    std::fs::write(
        q.join("x.csv"),
        "案件编号,填报单位,县市区,发现日期,线索来源,违法类型\nZ-1,瑞安市综合行政执法局,瑞安市,2026-07-01,巡查发现,河道非法采砂\n",
    )
    .unwrap();
    let out = bin()
        .args(["validate", "--strict", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("综合行政执法"), "{stdout}");
}
