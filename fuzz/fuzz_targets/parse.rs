//! The value parsers: dates, amounts, counts, yes/no, coordinates.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use minebrief::ingest::parse;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(d) = parse::date(s) {
        assert!(d <= NaiveDate::from_ymd_opt(9999, 12, 31).expect("date"));
        assert!(d >= NaiveDate::from_ymd_opt(0, 1, 1).expect("date"));
    }
    if let Some((v, _)) = parse::amount_with_unit(s) {
        assert!(v.is_finite(), "amount {v} from {s:?}");
    }
    assert_eq!(parse::amount(s), parse::amount_with_unit(s).map(|x| x.0));
    let _ = parse::count(s);
    let _ = parse::yes_no(s);
    if let Some(Some(v)) = parse::coordinate(s) {
        assert!(v.is_finite());
    }
});
