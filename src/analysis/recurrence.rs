//! Closed-site register and recurrence (反弹) detection, SPEC section 2.
//!
//! * The register holds every case with site_closed = yes found up to the
//!   period end.
//! * A case found in the period is a recurrence of a register entry when it
//!   was found after the entry's found_date and is at the same site: same
//!   region and township and the same normalised site name (a blank name
//!   matches nothing), or — where both have coordinates — within
//!   `radius_m` metres of the entry. Matches do not chain: only direct
//!   matches against register entries count.
//! * Each recurring case is listed once, paired with the earliest register
//!   entry it matches (by found_date, then unit, then case id).
//! * `recurred_sites` counts the distinct register entries in the pairs;
//!   `closed_sites` counts the register's distinct sites (see `site_key`).

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::ingest::text::norm_site;
use crate::model::{Case, RegionId, UnitId};
use crate::quarter::Period;

/// Mean Earth radius used for distances, metres.
pub const EARTH_RADIUS_M: f64 = 6_371_000.0;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Recurrence {
    pub closed_sites: usize,
    pub recurred_sites: usize,
    pub recurrences: Vec<RecurrencePair>,
}

/// A recurring case and the earliest register entry it matches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecurrencePair {
    /// Region, township and site of the register entry.
    pub region: RegionId,
    pub township: String,
    pub site: String,
    pub closed_unit: UnitId,
    pub closed_case: String,
    pub recurred_unit: UnitId,
    pub recurred_case: String,
    /// The recurring case's found_date.
    pub found_date: NaiveDate,
}

/// Great-circle distance in metres (haversine).
pub fn distance_m(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// Identity of a distinct closed site in the register: region, township and
/// normalised name when the name is not blank; otherwise the exact
/// coordinates; otherwise the case itself (an unnamed, unlocated site is its
/// own site).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SiteKey {
    Named(RegionId, String, String),
    Located(RegionId, String, u64, u64),
    Case(UnitId, String),
}

fn site_key(c: &Case, name: &str) -> SiteKey {
    if !name.is_empty() {
        SiteKey::Named(c.region, c.township.trim().to_string(), name.to_string())
    } else if let (Some(lon), Some(lat)) = (c.lon, c.lat) {
        SiteKey::Located(
            c.region,
            c.township.trim().to_string(),
            lon.to_bits(),
            lat.to_bits(),
        )
    } else {
        SiteKey::Case(c.unit, c.case_id.to_string())
    }
}

/// Does `later` match register entry `entry` (same site)?
fn same_site(
    entry: &Case,
    entry_name: &str,
    later: &Case,
    later_name: &str,
    radius_m: f64,
) -> bool {
    if !entry_name.is_empty()
        && entry_name == later_name
        && entry.region == later.region
        && entry.township.trim() == later.township.trim()
    {
        return true;
    }
    if let (Some(lo1), Some(la1), Some(lo2), Some(la2)) =
        (entry.lon, entry.lat, later.lon, later.lat)
    {
        return distance_m(lo1, la1, lo2, la2) <= radius_m;
    }
    false
}

/// Grid cell of a coordinate for the neighbourhood search.
fn cell(lon: f64, lat: f64, dlon: f64, dlat: f64) -> (i64, i64) {
    ((lon / dlon).floor() as i64, (lat / dlat).floor() as i64)
}

/// The register and the recurrences of cases found in `period`.
pub fn detect(cases: &[Case], period: Period, radius_m: f64) -> Recurrence {
    let refs: Vec<&Case> = cases.iter().collect();
    detect_refs(&refs, period, radius_m)
}

/// `detect` over borrowed cases (a region's, say).
pub fn detect_refs(cases: &[&Case], period: Period, radius_m: f64) -> Recurrence {
    // Only register entries and cases found in the period are compared:
    // the others' names are never looked at.
    // Site names repeat: each distinct spelling is normalised once.
    let mut memo: HashMap<&str, String> = HashMap::new();
    for c in cases {
        let relevant =
            (c.site_closed && c.found_date <= period.end) || period.contains(c.found_date);
        if relevant && !memo.contains_key(&*c.site) {
            memo.insert(&c.site, norm_site(&c.site));
        }
    }
    let names: Vec<&str> = cases
        .iter()
        .map(|c| memo.get(&*c.site).map_or("", String::as_str))
        .collect();
    // Register entries, earliest first (found_date, unit, case id); a
    // smaller rank is an earlier entry.
    let mut register: Vec<usize> = (0..cases.len())
        .filter(|&i| cases[i].site_closed && cases[i].found_date <= period.end)
        .collect();
    register.sort_by(|&a, &b| {
        let (x, y) = (&cases[a], &cases[b]);
        x.found_date
            .cmp(&y.found_date)
            .then(x.unit.cmp(&y.unit))
            .then_with(|| x.case_id.cmp(&y.case_id))
    });
    let closed_sites = register
        .iter()
        .map(|&i| site_key(cases[i], names[i]))
        .collect::<BTreeSet<_>>()
        .len();

    // Index by name (region, township, normalised name) and by grid cell.
    let mut by_name: HashMap<(RegionId, &str, &str), Vec<usize>> = HashMap::new();
    let max_lat = cases
        .iter()
        .filter_map(|c| c.lat.filter(|_| c.lon.is_some()))
        .fold(0.0f64, |m, l| m.max(l.abs()))
        .min(89.0);
    // Cell sizes no smaller than the radius in either direction.
    let dlat = (radius_m / (EARTH_RADIUS_M * 1f64.to_radians())).max(1e-7) * 1.001;
    let dlon = dlat / max_lat.to_radians().cos().max(0.01);
    let mut by_cell: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (rank, &i) in register.iter().enumerate() {
        let c = &cases[i];
        if !names[i].is_empty() {
            by_name
                .entry((c.region, c.township.trim(), names[i]))
                .or_default()
                .push(rank);
        }
        if let (Some(lon), Some(lat)) = (c.lon, c.lat) {
            by_cell
                .entry(cell(lon, lat, dlon, dlat))
                .or_default()
                .push(rank);
        }
    }

    let mut recurrences = Vec::new();
    let mut entries: BTreeSet<usize> = BTreeSet::new();
    for (i, c) in cases.iter().enumerate() {
        if !period.contains(c.found_date) {
            continue;
        }
        // The earliest matching register entry. Every candidate list is in
        // rank order, which is found_date order: a list is read only up to
        // the first entry not found before `c`, or not earlier than the best
        // match so far — a site that recurs a thousand times costs one step,
        // not a thousand.
        let mut best: Option<usize> = None;
        let scan = |list: &[usize], best: &mut Option<usize>| {
            for &rank in list {
                let e = register[rank];
                if best.is_some_and(|b| rank >= b) || cases[e].found_date >= c.found_date {
                    break;
                }
                if e != i && same_site(cases[e], names[e], c, names[i], radius_m) {
                    *best = Some(rank);
                    break;
                }
            }
        };
        if !names[i].is_empty() {
            if let Some(v) = by_name.get(&(c.region, c.township.trim(), names[i])) {
                scan(v, &mut best);
            }
        }
        if let (Some(lon), Some(lat)) = (c.lon, c.lat) {
            let (x, y) = cell(lon, lat, dlon, dlat);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    if let Some(v) = by_cell.get(&(x + dx, y + dy)) {
                        scan(v, &mut best);
                    }
                }
            }
        }
        let hit = best.map(|rank| register[rank]);
        if let Some(e) = hit {
            let r = &cases[e];
            entries.insert(e);
            recurrences.push(RecurrencePair {
                region: r.region,
                township: r.township.trim().to_string(),
                site: r.site.trim().to_string(),
                closed_unit: r.unit,
                closed_case: r.case_id.to_string(),
                recurred_unit: c.unit,
                recurred_case: c.case_id.to_string(),
                found_date: c.found_date,
            });
        }
    }
    recurrences.sort_by(|a, b| {
        a.found_date
            .cmp(&b.found_date)
            .then(a.recurred_unit.cmp(&b.recurred_unit))
            .then_with(|| a.recurred_case.cmp(&b.recurred_case))
    });
    Recurrence {
        closed_sites,
        recurred_sites: entries.len(),
        recurrences,
    }
}

/// The same detection by brute force over all pairs (for tests).
#[doc(hidden)]
pub fn detect_naive(cases: &[Case], period: Period, radius_m: f64) -> Vec<(String, String)> {
    let names: Vec<String> = cases.iter().map(|c| norm_site(&c.site)).collect();
    let mut out = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        if !period.contains(c.found_date) {
            continue;
        }
        let best = (0..cases.len())
            .filter(|&e| {
                e != i
                    && cases[e].site_closed
                    && cases[e].found_date < c.found_date
                    && same_site(&cases[e], &names[e], c, &names[i], radius_m)
            })
            .min_by(|&a, &b| {
                let (x, y) = (&cases[a], &cases[b]);
                x.found_date
                    .cmp(&y.found_date)
                    .then(x.unit.cmp(&y.unit))
                    .then_with(|| x.case_id.cmp(&y.case_id))
            });
        if let Some(e) = best {
            out.push((cases[e].case_id.to_string(), c.case_id.to_string()));
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::Origin;
    use crate::quarter::Quarter;

    fn case(id: &str, region: u16, town: &str, site: &str, found: &str, closed: bool) -> Case {
        Case {
            origin: Origin {
                file: 0,
                line: 2,
                quarter: Quarter { year: 2026, q: 3 },
            },
            case_id: id.into(),
            unit: 0,
            region,
            township: town.into(),
            site: site.into(),
            lon: None,
            lat: None,
            found_date: NaiveDate::parse_from_str(found, "%Y-%m-%d").unwrap(),
            source: 0,
            violation_type: 0,
            filed_date: None,
            closed_date: None,
            status: "".into(),
            fine_yuan: 0.0,
            confiscated_yuan: 0.0,
            volume_t: 0.0,
            transferred: false,
            transfer_date: None,
            criminal_filed: false,
            persons: 0,
            site_closed: closed,
            power_cut: false,
            vessels_seized: 0,
            equipment_seized: 0,
            referred_by: None,
            text: None,
        }
    }

    fn at(mut c: Case, lat_m: f64) -> Case {
        c.lon = Some(120.0);
        c.lat = Some(28.0 + (lat_m / EARTH_RADIUS_M).to_degrees());
        c
    }

    fn q3() -> Period {
        Quarter { year: 2026, q: 3 }.period()
    }

    #[test]
    fn names_match_within_region_and_township_only() {
        let cases = vec![
            case("E1", 0, "甲镇", "北山 采石场", "2026-01-10", true),
            case("R1", 0, "甲镇", "北山采石场。", "2026-07-05", false),
            case("R2", 1, "甲镇", "北山采石场", "2026-07-06", false), // other region
            case("R3", 0, "乙镇", "北山采石场", "2026-07-07", false), // other township
            case("E2", 0, "甲镇", "", "2026-02-01", true),
            case("R4", 0, "甲镇", "", "2026-07-08", false), // blank matches nothing
        ];
        let r = detect(&cases, q3(), 200.0);
        let ids: Vec<&str> = r
            .recurrences
            .iter()
            .map(|p| p.recurred_case.as_str())
            .collect();
        assert_eq!(ids, vec!["R1"]);
        assert_eq!(r.closed_sites, 2);
        assert_eq!(r.recurred_sites, 1);
    }

    #[test]
    fn coordinates_do_not_chain_and_pair_with_the_earliest() {
        let cases = vec![
            at(case("E1", 0, "", "", "2026-01-10", true), 0.0),
            at(case("E0", 1, "", "", "2025-12-01", true), 150.0),
            // 190 m from E1 and 40 m from E0: the earliest entry, E0, wins.
            at(case("R1", 0, "", "", "2026-07-05", false), 190.0),
            // 349 m from E1, 199 m from E0 (within).
            at(case("R2", 0, "", "", "2026-07-06", false), 349.0),
            // 500 m from E1, 350 m from E0, 151 m from R2: R2 is not in the
            // register, so no chaining.
            at(case("R3", 0, "", "", "2026-07-07", false), 500.0),
        ];
        let r = detect(&cases, q3(), 200.0);
        let pairs: Vec<(&str, &str)> = r
            .recurrences
            .iter()
            .map(|p| (p.closed_case.as_str(), p.recurred_case.as_str()))
            .collect();
        assert_eq!(pairs, vec![("E0", "R1"), ("E0", "R2")]);
        assert_eq!(r.recurred_sites, 1);
        assert_eq!(r.recurrences[0].region, 1);
        assert_eq!(detect_naive(&cases, q3(), 200.0).len(), 2);
    }

    #[test]
    fn only_later_cases_recur_and_the_register_ends_with_the_period() {
        let cases = vec![
            case("E1", 0, "甲镇", "河滩", "2026-07-10", true),
            case("R0", 0, "甲镇", "河滩", "2026-07-10", false), // same day: not later
            case("R1", 0, "甲镇", "河滩", "2026-07-11", true),  // later, and itself closed
            case("E9", 0, "甲镇", "河滩", "2026-10-01", true),  // after the period
        ];
        let r = detect(&cases, q3(), 200.0);
        let ids: Vec<&str> = r
            .recurrences
            .iter()
            .map(|p| p.recurred_case.as_str())
            .collect();
        assert_eq!(ids, vec!["R1"]);
        assert_eq!(r.closed_sites, 1);
    }

    #[test]
    fn distance_along_a_meridian() {
        let d = distance_m(120.0, 28.0, 120.0, 28.0 + 0.001);
        let expect = EARTH_RADIUS_M * 0.001f64.to_radians();
        assert!((d - expect).abs() < 1e-6, "{d} {expect}");
    }
}
