//! Interrupted and concurrent runs: OUT/<quarter>/ is always a complete
//! folder of one run (the previous or the new one), never a mix, and the
//! next run cleans up what a killed run left behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_minebrief"));
    c.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Every file under `dir` (relative path → sha256).
fn tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, hex::encode(Sha256::digest(std::fs::read(&p).unwrap())));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn build_args<'a>(data: &'a str, out: &'a str, issue: &'a str) -> Vec<&'a str> {
    vec![
        "build",
        "--data",
        data,
        "--quarter",
        "2026Q3",
        "--out",
        out,
        "--format",
        "html",
        "--issue-date",
        issue,
    ]
}

fn build(data: &str, out: &str, issue: &str) {
    let o = bin().args(build_args(data, out, issue)).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A clean sample big enough that a kill lands in the middle of a run.
fn sample(rows: u64) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let o = bin()
        .args([
            "sample",
            "--out",
            d.path().to_str().unwrap(),
            "--quarters",
            "2",
            "--clean",
        ])
        .args(["--rows", &rows.to_string()])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    d
}

/// The folder is one of the complete references, whole; the manifest agrees.
fn assert_complete(dir: &Path, refs: &[&BTreeMap<String, String>]) -> usize {
    let t = tree(dir);
    let which = refs.iter().position(|r| **r == t);
    let Some(i) = which else {
        let a: Vec<_> = t.keys().collect();
        panic!("{} is a mix or incomplete: {a:?}", dir.display());
    };
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    for o in m["outputs"].as_array().unwrap() {
        let p = o["path"].as_str().unwrap();
        if p != "manifest.json" {
            assert_eq!(t.get(p).map(String::as_str), o["sha256"].as_str(), "{p}");
        }
    }
    i
}

fn leftovers(out: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect()
}

/// A small deterministic PRNG (no extra dependency).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn killed_runs_leave_a_complete_folder() {
    let data = sample(20_000);
    let out = tempfile::tempdir().unwrap();
    let (d, o) = (data.path().to_str().unwrap(), out.path().to_str().unwrap());
    let dir = out.path().join("2026Q3");
    // Two complete references: the same data issued on two dates.
    let issues = ["2026-10-15", "2026-10-16"];
    let start = Instant::now();
    build(d, o, issues[1]);
    let full = start.elapsed();
    let ref_b = tree(&dir);
    build(d, o, issues[0]);
    let ref_a = tree(&dir);
    assert_ne!(ref_a, ref_b);
    assert!(leftovers(out.path()).is_empty());

    let kills: u64 = std::env::var("MB_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    // Delays spread over the run (its length varies with the machine's load).
    let span = (full.as_millis() as u64 * 9 / 10).max(50);
    let mut rng = Lcg(0x5eed);
    let mut seen = [0usize; 2];
    let mut killed_midway = 0;
    for k in 0..kills {
        let issue = issues[(k % 2) as usize];
        let mut child = bin().args(build_args(d, o, issue)).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.next() % span));
        if child.try_wait().unwrap().is_none() {
            killed_midway += 1;
        }
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        assert!(status.code().is_none_or(|c| c == 0), "{status:?}");
        seen[assert_complete(&dir, &[&ref_a, &ref_b])] += 1;
    }
    eprintln!("{kills} runs, {killed_midway} killed midway, folders seen {seen:?}");
    // Timing on a shared machine varies: at least a third must land midway
    // for the test to mean something.
    assert!(
        killed_midway * 3 >= kills as usize,
        "kills landed too late: {killed_midway}"
    );
    // The next complete run cleans up whatever the killed ones left behind.
    build(d, o, issues[1]);
    assert_eq!(tree(&dir), ref_b);
    assert!(
        leftovers(out.path()).is_empty(),
        "{:?}",
        leftovers(out.path())
    );
}

#[test]
fn killed_before_first_folder_and_restore_of_old() {
    // An interrupted swap (old folder renamed away, new not yet in) is
    // restored by the next run: simulate the window by hand.
    let data = sample(300);
    let out = tempfile::tempdir().unwrap();
    let (d, o) = (data.path().to_str().unwrap(), out.path().to_str().unwrap());
    build(d, o, "2026-10-15");
    let dir = out.path().join("2026Q3");
    let reference = tree(&dir);
    std::fs::rename(&dir, out.path().join(".2026Q3.old-99999")).unwrap();
    std::fs::create_dir(out.path().join(".2026Q3.tmp-99999")).unwrap();
    std::fs::write(out.path().join(".2026Q3.tmp-99999/partial"), "x").unwrap();
    // A run that fails (bad config) must still not lose the old folder.
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("bad.toml"), "[rules]\nreply_days = -1\n").unwrap();
    let st = bin()
        .args(build_args(d, o, "2026-10-16"))
        .args(["--config", bad.path().join("bad.toml").to_str().unwrap()])
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(2));
    build(d, o, "2026-10-15");
    assert_eq!(tree(&dir), reference);
    assert!(
        leftovers(out.path()).is_empty(),
        "{:?}",
        leftovers(out.path())
    );
}

#[test]
fn concurrent_runs_do_not_corrupt() {
    let data = sample(3_000);
    let out = tempfile::tempdir().unwrap();
    let (d, o) = (data.path().to_str().unwrap(), out.path().to_str().unwrap());
    let dir = out.path().join("2026Q3");
    build(d, o, "2026-10-15");
    let ref_a = tree(&dir);
    build(d, o, "2026-10-16");
    let ref_b = tree(&dir);
    for round in 0..3 {
        let kids: Vec<_> = (0..3)
            .map(|i| {
                let issue = if (i + round) % 2 == 0 {
                    "2026-10-15"
                } else {
                    "2026-10-16"
                };
                bin().args(build_args(d, o, issue)).spawn().unwrap()
            })
            .collect();
        for k in kids {
            let r = k.wait_with_output().unwrap();
            assert_eq!(
                r.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&r.stderr)
            );
        }
        assert_complete(&dir, &[&ref_a, &ref_b]);
        assert!(
            leftovers(out.path()).is_empty(),
            "{:?}",
            leftovers(out.path())
        );
    }
}
