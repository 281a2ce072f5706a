//! Workbooks (.xlsx/.xls/.ods bytes) into per-sheet CSV text: never a hang or
//! unbounded memory, and every sheet's text is one line per worksheet row.
//! (Panics inside calamine are caught by `read_workbook` in the tool; under
//! libFuzzer's abort-on-panic hook they show up here as crashes to report.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use minebrief::ingest::workbook;

fuzz_target!(|data: &[u8]| {
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
