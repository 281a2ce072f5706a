//! One-file ingestion: bytes → records, rejections or a file error.
//! The first byte picks the file kind; the rest is the file.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use minebrief::config::Config;
use minebrief::ingest::{self, FileEntry};
use minebrief::model::FileKind;
use minebrief::config::names::Resolver;
use minebrief::quarter::Quarter;

fn resolver() -> &'static Resolver {
    static R: OnceLock<Resolver> = OnceLock::new();
    R.get_or_init(|| Resolver::new(&Config::embedded()))
}

fuzz_target!(|data: &[u8]| {
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
    let quarter = Quarter::parse("2026Q3").expect("quarter");
    let entry = FileEntry {
        rel: format!("2026Q3/{name}"),
        abs: PathBuf::new(),
        quarter,
        kind,
    };
    let out = ingest::read_bytes(&entry, bytes, 0, resolver());
    let file = out.file.as_ref().expect("file info");
    let c = &file.counts;
    assert_eq!(
        c.rows_read,
        c.accepted + c.rejected + c.skipped + c.superseded,
        "counts unbalanced: {c:?}"
    );
    let records = out.cases.len()
        + out.referrals.len()
        + out.patrols.len()
        + out.meetings.len()
        + out.adjustments.len();
    assert_eq!(c.accepted as usize, records, "accepted != records");
    if file.error.is_some() {
        assert_eq!(c.rows_read, 0);
    }
    for r in &out.rejects {
        assert!(r.line > 0 || file.error.is_some(), "reject without a line");
        assert!(!r.message.contains('\n'), "multi-line message: {}", r.message);
    }
    // Settling one file (duplicates within the folder) keeps the balance.
    let ds = ingest::settle(vec![quarter], vec![out]);
    let f = &ds.files[0];
    let c = &f.counts;
    assert_eq!(
        c.rows_read,
        c.accepted + c.rejected + c.skipped + c.superseded,
        "counts unbalanced after settle: {c:?}"
    );
    let records = ds.cases.len()
        + ds.referrals.len()
        + ds.patrols.len()
        + ds.meetings.len()
        + ds.adjustments.len();
    assert_eq!(
        c.accepted as usize, records,
        "accepted != records after settle"
    );
    assert_eq!(
        c.rejected as usize + usize::from(f.error.is_some()),
        ds.rejects.len()
    );
});
