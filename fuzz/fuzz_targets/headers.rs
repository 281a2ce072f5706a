//! The header matcher: a row of cells (split on commas and tabs) against
//! every file kind's columns.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minebrief::ingest::headers;
use minebrief::model::FileKind;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let cells: Vec<&str> = s.split([',', '\t']).collect();
    for kind in [
        FileKind::Cases,
        FileKind::Referrals,
        FileKind::Patrols,
        FileKind::Meetings,
        FileKind::Adjustments,
    ] {
        for c in &cells {
            let _ = headers::match_header(kind, c);
        }
        let _ = headers::map_header(kind, &cells);
    }
});
