//! Determinism: the same input gives the same bytes, whatever the thread
//! count and whatever order the files are listed in.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common;
use common::{bin, ok, tree};

fn build(data: &Path, threads: &str) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    ok(bin()
        .args(["build", "--data"])
        .arg(data)
        .args(["--quarter", "2026Q3", "--out"])
        .arg(out.path())
        .args(["--format", "html"])
        .env("RAYON_NUM_THREADS", threads)
        .env("POLARS_MAX_THREADS", threads));
    tree(&out.path().join("2026Q3"))
}

fn assert_same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}"
    );
    for (k, v) in a {
        assert!(v == &b[k], "{what}: {k} differs");
    }
}

/// Copy DATA with every folder's entries created in reverse name order.
fn copy_reversed(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names.reverse();
    for p in names {
        let to = dst.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_reversed(&p, &to);
        } else {
            std::fs::copy(&p, &to).unwrap();
        }
    }
}

#[test]
fn same_bytes_across_runs_threads_and_file_order() {
    // The messy sample: several encodings, rejects, duplicates, superseded rows.
    let data = tempfile::tempdir().unwrap();
    let o = bin()
        .args([
            "sample",
            "--out",
            data.path().to_str().unwrap(),
            "--rows",
            "4000",
            "--quarters",
            "3",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let base = build(data.path(), "2");
    assert!(base.contains_key("summary.json") && base.contains_key("rejects.csv"));
    assert_same(&base, &build(data.path(), "2"), "second run");
    assert_same(&base, &build(data.path(), "1"), "one thread");
    let rev = tempfile::tempdir().unwrap();
    copy_reversed(data.path(), rev.path());
    assert_same(
        &base,
        &build(rev.path(), "1"),
        "files created in reverse order",
    );
}
