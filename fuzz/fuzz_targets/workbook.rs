//! Workbooks (.xlsx/.xls/.ods bytes) into per-sheet CSV text: never a hang or
//! unbounded memory, and every sheet's text is one line per worksheet row.
//! A panic inside calamine is caught by `read_workbook` (the tool reports one
//! unreadable file); libFuzzer's panic hook would abort on it first and stop
//! every run at calamine's next panic, so this target silences the hook and
//! checks what the tool promises. A panic outside `read_workbook` (the
//! invariants below) still unwinds into libfuzzer-sys and is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minebrief::ingest::workbook;

fuzz_target!(|data: &[u8]| {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    if let Ok(sheets) = workbook::read_workbook(data) {
        for s in sheets {
            // Cells never carry a line break of their own.
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(s.csv.as_bytes());
            for rec in rdr.byte_records().flatten() {
                assert!(!rec.iter().any(|c| c.contains(&b'\n')));
            }
        }
    }
});
