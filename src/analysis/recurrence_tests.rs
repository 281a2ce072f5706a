//! Unit tests of `recurrence.rs`, in their own file so that the module itself stays
//! under 600 lines.

use super::*;
use crate::model;

use crate::quarter::Quarter;

fn case(id: &str, region: u16, town: &str, site: &str, found: &str, closed: bool) -> Case {
    Case {
        region: model::RegionId(region),
        township: town.into(),
        site: site.into(),
        site_closed: closed,
        ..Case::blank(id, NaiveDate::parse_from_str(found, "%Y-%m-%d").unwrap())
    }
}

fn at(mut c: Case, lat_m: f64) -> Case {
    c.coords = model::Coords::new(
        Some(120.0),
        Some(28.0 + (lat_m / EARTH_RADIUS_M).to_degrees()),
    );
    c
}

/// Cases in the ledger's (unit, 案件编号) order, as `detect` takes them.
fn ledger(mut cases: Vec<Case>) -> Vec<Case> {
    cases.sort_by(|a, b| (a.unit, &a.case_id).cmp(&(b.unit, &b.case_id)));
    cases
}

/// (closed case, recurring case) of each pair, in the list's order.
fn pairs_of(r: &Recurrence) -> Vec<(&str, &str)> {
    r.recurrences
        .iter()
        .map(|p| (&*p.closed_case, &*p.recurred_case))
        .collect()
}

fn q3() -> Period {
    Quarter { year: 2026, q: 3 }.period()
}

#[test]
fn names_match_within_region_and_township_only() {
    let cases = ledger(vec![
        case("E1", 0, "甲镇", "北山 采石场", "2026-01-10", true),
        case("R1", 0, "甲镇", "北山采石场。", "2026-07-05", false),
        case("R2", 1, "甲镇", "北山采石场", "2026-07-06", false), // other region
        case("R3", 0, "乙镇", "北山采石场", "2026-07-07", false), // other township
        case("E2", 0, "甲镇", "", "2026-02-01", true),
        case("R4", 0, "甲镇", "", "2026-07-08", false), // blank matches nothing
    ]);
    let r = detect(&cases, q3(), 200.0, &Area::default()).all;
    let ids: Vec<&str> = r.recurrences.iter().map(|p| &*p.recurred_case).collect();
    assert_eq!(ids, vec!["R1"]);
    assert_eq!(r.closed_sites, 2);
    assert_eq!(r.recurred_sites, 1);
}

#[test]
fn coordinates_do_not_chain_and_pair_with_the_earliest() {
    let cases = ledger(vec![
        at(case("E1", 0, "", "", "2026-01-10", true), 0.0),
        at(case("E0", 1, "", "", "2025-12-01", true), 150.0),
        // 190 m from E1 and 40 m from E0: the earliest entry, E0, wins.
        at(case("R1", 0, "", "", "2026-07-05", false), 190.0),
        // 349 m from E1, 199 m from E0 (within).
        at(case("R2", 0, "", "", "2026-07-06", false), 349.0),
        // 500 m from E1, 350 m from E0, 151 m from R2: R2 is not in the
        // register, so no chaining.
        at(case("R3", 0, "", "", "2026-07-07", false), 500.0),
    ]);
    let r = detect(&cases, q3(), 200.0, &Area::default()).all;
    let pairs = pairs_of(&r);
    assert_eq!(pairs, vec![("E0", "R1"), ("E0", "R2")]);
    assert_eq!(r.recurred_sites, 1);
    assert_eq!(r.recurrences[0].region, model::RegionId(1));
    assert_eq!(detect_naive(&cases, q3(), 200.0, &Area::default()).len(), 2);
}

#[test]
fn only_later_cases_recur_and_the_register_ends_with_the_period() {
    let cases = ledger(vec![
        case("E1", 0, "甲镇", "河滩", "2026-07-10", true),
        case("R0", 0, "甲镇", "河滩", "2026-07-10", false), // same day: not later
        case("R1", 0, "甲镇", "河滩", "2026-07-11", true),  // later, and itself closed
        case("E9", 0, "甲镇", "河滩", "2026-10-01", true),  // after the period
    ]);
    let r = detect(&cases, q3(), 200.0, &Area::default()).all;
    let ids: Vec<&str> = r.recurrences.iter().map(|p| &*p.recurred_case).collect();
    assert_eq!(ids, vec!["R1"]);
    assert_eq!(r.closed_sites, 1);
}

#[test]
fn distance_along_a_meridian() {
    let d = distance_m(120.0, 28.0, 120.0, 28.0 + 0.001);
    let expect = EARTH_RADIUS_M * 0.001f64.to_radians();
    assert!((d - expect).abs() < 1e-6, "{d} {expect}");
}

#[test]
fn a_pair_names_the_cases_shares_their_names_and_trims_its_site() {
    let closed = case("A01", 0, " 北岙街道", "山前采石场 ", "2024-03-01", true);
    let later = case("B01", 0, "北岙街道", "山前采石场", "2024-08-01", false);
    let r = detect(
        &[closed.clone(), later.clone()],
        Quarter { year: 2024, q: 3 }.period(),
        50.0,
        &crate::config::Area::default(),
    );
    let p = &r.all.recurrences[0];
    assert_eq!((&*p.township, &*p.site), ("北岙街道", "山前采石场"));
    assert_eq!(
        (&p.closed_case, &p.recurred_case),
        (&closed.case_id, &later.case_id)
    );
    let same = later.township;
    assert!(Name::ptr_eq(&trimmed(&same), &same));
}

#[test]
fn of_entries_on_one_day_of_one_unit_the_smaller_case_id_is_earlier() {
    // E10 sorts before E9 (案件编号 compare as text); the ledger puts it first
    let cases = ledger(vec![
        case("E9", 0, "甲镇", "河滩", "2026-01-10", true),
        case("E10", 0, "甲镇", "河滩", "2026-01-10", true),
        case("R1", 0, "甲镇", "河滩", "2026-07-11", false),
    ]);
    let r = detect(&cases, q3(), 200.0, &Area::default()).all;
    let pairs = pairs_of(&r);
    assert_eq!(pairs, vec![("E10", "R1")]);
    let naive = detect_naive(&cases, q3(), 200.0, &Area::default());
    assert_eq!(naive, vec![("E10".to_string(), "R1".to_string())]);
}
