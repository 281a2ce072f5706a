//! Recurrence (反弹, SPEC section 2): implausible coordinates count as
//! missing, real ones match across region borders, computed once per run and
//! split by region; the grid search gives exactly the brute force's pairs.
//! (Its cost is measured in `bench/recurrence.sh`, not here.)

use chrono::NaiveDate;
use minebrief::analysis::{self, recurrence};
use minebrief::config::{Area, Config};
use minebrief::model::{Case, Dataset};
use minebrief::quarter::Quarter;

const Q: Quarter = Quarter { year: 2026, q: 3 };

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn region(cfg: &Config, name: &str) -> u16 {
    cfg.regions.iter().position(|r| r.name == name).unwrap() as u16
}

/// A case at (lon, lat); `closed` = site_closed.
fn case(id: &str, region: u16, xy: Option<(f64, f64)>, found: &str, closed: bool) -> Case {
    // (Case::blank reads it from the 2026Q3 folder: Q)
    Case {
        region: minebrief::model::RegionId(region),
        coords: minebrief::model::Coords::new(xy.map(|p| p.0), xy.map(|p| p.1)),
        site_closed: closed,
        ..Case::blank(id, d(found))
    }
}

/// `m` metres north of (lon, lat).
fn north(lon: f64, lat: f64, m: f64) -> (f64, f64) {
    (lon, lat + (m / recurrence::EARTH_RADIUS_M).to_degrees())
}

fn pairs(r: &analysis::Recurrence) -> Vec<(String, String)> {
    r.recurrences
        .iter()
        .map(|p| (p.closed_case.to_string(), p.recurred_case.to_string()))
        .collect()
}

fn dataset(cases: Vec<Case>) -> Dataset {
    let mut cases = cases;
    cases.sort_by(|a, b| (a.unit, &a.case_id).cmp(&(b.unit, &b.case_id)));
    Dataset {
        quarters: vec![Q],
        cases,
        ..Default::default()
    }
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn zero_and_outside_coordinates_count_as_missing() {
    let cfg = Config::embedded();
    let (lc, ts) = (region(&cfg, "鹿城区"), region(&cfg, "泰顺县"));
    let beijing = (116.40, 39.90);
    let cases = vec![
        // "Unknown" written as (0, 0): a 泰顺县 case is not a recurrence of a
        // 鹿城区 site.
        case("Z1", lc, Some((0.0, 0.0)), "2026-01-10", true),
        case("Z2", ts, Some((0.0, 0.0)), "2026-07-05", false),
        // Outside the area (swapped or foreign coordinates): missing too.
        case("B1", lc, Some(beijing), "2026-01-11", true),
        case("B2", ts, Some(beijing), "2026-07-06", false),
        // Inside the area: 150 m apart, a recurrence.
        case("W1", lc, Some((120.65, 28.01)), "2026-01-12", true),
        case(
            "W2",
            lc,
            Some(north(120.65, 28.01, 150.0)),
            "2026-07-07",
            false,
        ),
    ];
    let ds = dataset(cases);
    let a = analysis::analyse(&ds, &cfg, Q, None);
    assert_eq!(pairs(&a.recurrence), vec![pair("W1", "W2")]);
    // Unlocated unnamed sites are each their own site: Z1, B1, W1.
    assert_eq!(a.recurrence.closed_sites, 3);

    // An area that takes in Beijing makes B2 a recurrence of B1; (0, 0)
    // stays missing whatever the area.
    let mut wide = cfg.clone();
    wide.area = Area {
        min_lon: -180.0,
        max_lon: 180.0,
        min_lat: -90.0,
        max_lat: 90.0,
    };
    let a = analysis::analyse(&ds, &wide, Q, None);
    assert_eq!(
        pairs(&a.recurrence),
        vec![pair("B1", "B2"), pair("W1", "W2")]
    );
}

#[test]
fn area_in_the_configuration() {
    let cfg = Config::embedded();
    assert_eq!(cfg.area, Area::default());
    assert!(cfg.area.contains(120.65, 28.01)); // 鹿城区
    assert!(cfg.area.contains(121.07, 27.45)); // 南麂列岛
    assert!(cfg.area.contains(120.42, 26.95)); // 七星列岛 (苍南)
    assert!(!cfg.area.contains(0.0, 0.0));
    assert!(!cfg.area.contains(28.01, 120.65)); // swapped
    let c = Config::from_user_text("[area]\nmin_lon = 100.0\n").unwrap();
    assert_eq!(c.area.min_lon, 100.0);
    assert_eq!(c.area.max_lat, 28.8);
    let e = Config::from_user_text("[area]\nmin_lon = 122.0\n").unwrap_err();
    assert!(e.contains("max_lon") && e.contains("min_lon"), "{e}");
    let e = Config::from_user_text("[area]\nmax_lat = 95.0\n").unwrap_err();
    assert!(e.contains("第2行") && e.contains("max_lat"), "{e}");
    let e = Config::from_user_text("[area]\nmin_lng = 1.0\n").unwrap_err();
    assert!(e.contains("min_lng"), "{e}");
}

#[test]
fn coordinates_match_across_region_borders_in_region_reports() {
    let cfg = Config::embedded();
    let (lc, oh) = (region(&cfg, "鹿城区"), region(&cfg, "瓯海区"));
    let p = (120.62, 27.99);
    let cases = vec![
        // A site closed in 鹿城区, and a case 120 m away across the border
        // in 瓯海区: a recurrence, charged to 鹿城区 (the register entry).
        case("L1", lc, Some(p), "2026-02-01", true),
        case("O1", oh, Some(north(p.0, p.1, 120.0)), "2026-08-01", false),
    ];
    let ds = dataset(cases);
    let city = analysis::analyse(&ds, &cfg, Q, None);
    assert_eq!(pairs(&city.recurrence), vec![pair("L1", "O1")]);
    let lucheng = analysis::analyse(&ds, &cfg, Q, Some(minebrief::model::RegionId(lc)));
    assert_eq!(pairs(&lucheng.recurrence), vec![pair("L1", "O1")]);
    assert_eq!(lucheng.recurrence.closed_sites, 1);
    assert_eq!(lucheng.recurrence.recurred_sites, 1);
    let ouhai = analysis::analyse(&ds, &cfg, Q, Some(minebrief::model::RegionId(oh)));
    assert!(ouhai.recurrence.recurrences.is_empty());
    assert_eq!(ouhai.recurrence.closed_sites, 0);
}

#[test]
fn grid_pairs_by_hand() {
    let area = Area::default();
    let (x, y) = (120.7, 28.1);
    let cases = vec![
        // A stack of 50 closures at one point 201 m south of the new cases
        // (just outside), and one entry 199 m north (just inside).
        case("S00", 0, Some((x, y)), "2026-01-01", true),
        case(
            "IN",
            1,
            Some(north(x, y, 201.0 + 199.0)),
            "2026-03-01",
            true,
        ),
        case("N1", 0, Some(north(x, y, 201.0)), "2026-07-01", false),
        // Found before IN: only the stack is earlier, and it is too far.
        case("N0", 0, Some(north(x, y, 201.0)), "2026-02-15", false),
        // 199.9 m from S00 (within) and 200.1 m from IN (outside).
        case("N2", 2, Some(north(x, y, 199.9)), "2026-07-02", false),
    ]
    .into_iter()
    .chain((1..50).map(|k| {
        case(
            &format!("S{k:02}"),
            0,
            Some((x, y)),
            &format!("2026-01-{:02}", 1 + k % 28),
            true,
        )
    }))
    .collect::<Vec<_>>();
    // (in the ledger's (unit, 案件编号) order, as `detect` takes them)
    let cases = dataset(cases).cases;
    let q = Q.period();
    let got = recurrence::detect(&cases, q, 200.0, &area);
    let mut want = vec![pair("IN", "N1"), pair("S00", "N2")];
    assert_eq!(pairs(&got.all), want);
    want.sort();
    assert_eq!(recurrence::detect_naive(&cases, q, 200.0, &area), want);
    // Per region of the entry: IN (region 1) and S00 (region 0).
    assert_eq!(
        pairs(&got.scoped(Some(minebrief::model::RegionId(1)))),
        vec![pair("IN", "N1")]
    );
    assert_eq!(
        pairs(&got.scoped(Some(minebrief::model::RegionId(0)))),
        vec![pair("S00", "N2")]
    );
    assert!(got
        .scoped(Some(minebrief::model::RegionId(2)))
        .recurrences
        .is_empty());
    assert_eq!(got.all.closed_sites, 2); // one point, one other point
    assert_eq!(
        got.scoped(Some(minebrief::model::RegionId(0))).closed_sites,
        1
    );
}

#[test]
fn grid_search_equals_brute_force_on_clusters() {
    // Clusters of closed sites around a few centres, new cases scattered at
    // 150–260 m from them (inside, on and outside the radius), same-point
    // stacks, named sites, (0, 0) and out-of-area coordinates.
    let area = Area::default();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |m: u64| -> u64 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m.max(1)
    };
    let centres: [(f64, f64); 3] = [(120.6, 28.0), (120.6021, 28.0), (121.2, 27.5)];
    let mut cases = Vec::new();
    for i in 0..3000 {
        let (cx, cy) = centres[next(3) as usize];
        let closed = next(3) == 0;
        let dist = if closed {
            next(30) as f64
        } else {
            150.0 + next(111) as f64
        };
        let ang = (next(360) as f64).to_radians();
        let dy = dist * ang.sin() / recurrence::EARTH_RADIUS_M;
        let dx = dist * ang.cos() / (recurrence::EARTH_RADIUS_M * cy.to_radians().cos());
        let xy = match next(20) {
            0 => None,
            1 => Some((0.0, 0.0)),
            2 => Some((cy, cx)),
            3 => Some((cx, cy)), // the centre itself: a stack
            _ => Some((cx + dx.to_degrees(), cy + dy.to_degrees())),
        };
        let found = d("2026-01-01") + chrono::Duration::days(next(270) as i64);
        let mut c = case(
            &format!("C{i:05}"),
            next(5) as u16,
            xy,
            "2026-01-01",
            closed,
        );
        c.found_date = found;
        c.unit = minebrief::model::UnitId(next(3) as u16);
        if next(4) == 0 {
            c.site = ["北山采石场", "北山 采石场", "河口"][next(3) as usize].into();
        }
        cases.push(c);
    }
    // (in the ledger's (unit, 案件编号) order, as `detect` takes them)
    let cases = dataset(cases).cases;
    let q = Q.period();
    let got = recurrence::detect(&cases, q, 200.0, &area);
    let mut g = pairs(&got.all);
    g.sort();
    let want = recurrence::detect_naive(&cases, q, 200.0, &area);
    assert!(want.len() > 100, "{}", want.len());
    assert_eq!(g, want);
    // The regions' parts partition the city's pairs.
    let n: usize = (0..5)
        .map(|r| {
            got.scoped(Some(minebrief::model::RegionId(r)))
                .recurrences
                .len()
        })
        .sum();
    assert_eq!(n, got.all.recurrences.len());
    let s: usize = (0..5)
        .map(|r| got.scoped(Some(minebrief::model::RegionId(r))).closed_sites)
        .sum();
    assert_eq!(s, got.all.closed_sites);
}
