//! Helpers shared by the integration tests that run the real binary.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The minebrief binary under test: `MINEBRIEF_BIN` when set (a copy of
/// the binary, when several worktrees share one target folder), else the
/// one cargo built.
pub fn bin() -> Command {
    match std::env::var_os("MINEBRIEF_BIN") {
        Some(p) => Command::new(p),
        None => Command::new(env!("CARGO_BIN_EXE_minebrief")),
    }
}

/// Run a command and insist on exit code 0 (stderr in the failure message).
pub fn ok(cmd: &mut Command) -> Output {
    let o = cmd.output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// `minebrief build` of `data` for `quarter` into `out` (HTML unless `extra`
/// names a --format); returns `out/<quarter>`.
pub fn build(data: &Path, quarter: &str, out: &Path, extra: &[&str]) -> PathBuf {
    let mut c = bin();
    c.args(["build", "--data"])
        .arg(data)
        .args(["--quarter", quarter, "--out"])
        .arg(out);
    if !extra.contains(&"--format") {
        c.args(["--format", "html"]);
    }
    ok(c.args(extra));
    out.join(quarter)
}

/// Every file under `dir`: relative path (with `/`) → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A file's text, naming the file when it cannot be read.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Run the binary with a 60 s limit (stdin closed, output to files).
pub fn run_in(dir: Option<&Path>, args: &[&std::ffi::OsStr]) -> Run {
    let logs = tempfile::tempdir().unwrap();
    let (o, e) = (logs.path().join("out"), logs.path().join("err"));
    let mut cmd = bin();
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let mut child = cmd
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&o).unwrap())
        .stderr(std::fs::File::create(&e).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("minebrief {args:?} hung (killed after 60 s)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let r = Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&std::fs::read(&o).unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&std::fs::read(&e).unwrap()).into_owned(),
    };
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("backtrace"),
        "panic on {args:?}: {}",
        r.stderr
    );
    assert!(r.code.is_some(), "killed by a signal: {args:?}");
    r
}

/// One part of a zip package (a .docx or .xlsx) as text.
pub fn zip_part(package: &Path, name: &str) -> String {
    use std::io::Read;
    let f = std::fs::File::open(package).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut s = String::new();
    z.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// The body of a Word file: `word/document.xml`.
pub fn docx_xml(docx: &Path) -> String {
    zip_part(docx, "word/document.xml")
}
