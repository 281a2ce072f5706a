//! Closed-site register and recurrence (反弹) detection, contract §2.
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

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Area;
use crate::model::{Case, IdText, Name, RegionId, UnitId};
use crate::quarter::Period;
use crate::text::norm_site;

/// Hashing for the search's maps (lookups only: no order is observable).
/// Each case costs up to ten lookups of small keys, where SipHash's
/// resistance to chosen keys buys nothing.
type Fast = foldhash::fast::RandomState;

/// Mean Earth radius used for distances, metres.
pub const EARTH_RADIUS_M: f64 = 6_371_000.0;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Recurrence {
    pub closed_sites: usize,
    pub recurred_sites: usize,
    /// Shared: the city's analysis holds the search's own list, not a copy
    /// (a million pairs at ten million rows).
    pub recurrences: Arc<Vec<RecurrencePair>>,
}

/// A recurring case and the earliest register entry it matches. The names
/// are the cases' own (shared, not copied: a city's pairs can be a
/// million, and each copy of them was two small allocations a pair); the
/// 案件编号 are held in the pair ([`IdText`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecurrencePair {
    /// Region, township and site of the register entry (trimmed).
    pub region: RegionId,
    pub township: Name,
    pub site: Name,
    pub closed_unit: UnitId,
    pub closed_case: IdText,
    pub recurred_unit: UnitId,
    pub recurred_case: IdText,
    /// The recurring case's found_date.
    pub found_date: NaiveDate,
}

impl RecurrencePair {
    /// Start fetching what printing the pair reads first: the headers of
    /// the two names (`prefetch::each_ahead`'s far step; the two 案件编号
    /// are in the pair).
    pub fn fetch_far(&self) {
        self.site.fetch_header();
        self.township.fetch_header();
    }

    /// Start fetching the names' text (the near step).
    pub fn fetch_near(&self) {
        self.site.fetch_text();
        self.township.fetch_text();
    }
}

/// A text without surrounding white space: the same text when it has none
/// (as every name read from a file has: cells are trimmed as they are
/// read, so no new name, which is never freed, is made per pair).
fn trimmed(t: &Name) -> Name {
    let s = t.trim();
    if s.len() == t.len() {
        *t
    } else {
        s.into()
    }
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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum SiteKey<'a> {
    Named(&'a str, &'a str),
    Located(&'a str, u64, u64),
    Case(UnitId, &'a str),
}

fn site_key<'a>(c: &'a Case, name: &'a str, at: Option<(f64, f64)>) -> SiteKey<'a> {
    if !name.is_empty() {
        SiteKey::Named(c.township.trim(), name)
    } else if let Some((lon, lat)) = at {
        SiteKey::Located(c.township.trim(), lon.to_bits(), lat.to_bits())
    } else {
        SiteKey::Case(c.unit, &c.case_id)
    }
}

/// A case's coordinates when both are given and plausible: (0, 0) and
/// coordinates outside the configured area count as missing (contract §2).
pub fn located(c: &Case, area: &Area) -> Option<(f64, f64)> {
    c.coords.get().filter(|&(lon, lat)| area.contains(lon, lat))
}

/// Does `later` match register entry `entry` (same site)? For the brute
/// force of the tests; `detect` finds the same matches through its indexes.
fn same_site(
    entry: &Case,
    entry_name: &str,
    later: &Case,
    later_name: &str,
    radius_m: f64,
    area: &Area,
) -> bool {
    if !entry_name.is_empty()
        && entry_name == later_name
        && entry.region == later.region
        && entry.township.trim() == later.township.trim()
    {
        return true;
    }
    if let (Some((lo1, la1)), Some((lo2, la2))) = (located(entry, area), located(later, area)) {
        return distance_m(lo1, la1, lo2, la2) <= radius_m;
    }
    false
}

/// Grid cell of a coordinate for the neighbourhood search.
fn cell(lon: f64, lat: f64, dlon: f64, dlat: f64) -> (i64, i64) {
    ((lon / dlon).floor() as i64, (lat / dlat).floor() as i64)
}

/// The register entries of one grid cell, as a small k-d tree of their
/// distinct points: every node knows its bounding box and its earliest
/// entry, so a search skips a node wholly outside the radius, takes a node
/// wholly inside it at once, and skips a node with nothing earlier than
/// the best match so far.
#[derive(Default)]
struct Cell {
    /// Distinct points (lon, lat, rank of the earliest entry there),
    /// reordered by the tree; leaves hold runs of them in rank order.
    points: Vec<Point>,
    nodes: Vec<Node>,
}

/// A node of a cell's tree: points[lo..hi].
struct Node {
    lo: usize,
    hi: usize,
    /// min lon, min lat, max lon, max lat.
    bbox: [f64; 4],
    /// The smallest rank below the node.
    first: usize,
    /// Children (node indices), none for a leaf.
    kids: Option<(usize, usize)>,
}

/// A distinct register point: lon, lat, rank of its earliest entry.
type Point = (f64, f64, usize);

/// Points per leaf.
const LEAF: usize = 8;

impl Cell {
    fn build(mut points: Vec<Point>) -> Cell {
        let mut nodes = Vec::new();
        let n = points.len();
        Self::node(&mut points, 0, n, &mut nodes);
        Cell { points, nodes }
    }

    fn node(points: &mut [Point], lo: usize, hi: usize, nodes: &mut Vec<Node>) -> usize {
        let part = &mut points[lo..hi];
        let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        let mut first = usize::MAX;
        for &(x, y, r) in part.iter() {
            bbox = [
                bbox[0].min(x),
                bbox[1].min(y),
                bbox[2].max(x),
                bbox[3].max(y),
            ];
            first = first.min(r);
        }
        let at = nodes.len();
        nodes.push(Node {
            lo,
            hi,
            bbox,
            first,
            kids: None,
        });
        if part.len() <= LEAF {
            part.sort_unstable_by_key(|p| p.2);
            return at;
        }
        // Split the wider side (in metres) at the median.
        let wide_lon = (bbox[2] - bbox[0]) * bbox[1].to_radians().cos() > bbox[3] - bbox[1];
        let mid = part.len() / 2;
        if wide_lon {
            part.select_nth_unstable_by(mid, |a, b| a.0.total_cmp(&b.0));
        } else {
            part.select_nth_unstable_by(mid, |a, b| a.1.total_cmp(&b.1));
        }
        let l = Self::node(points, lo, lo + mid, nodes);
        let r = Self::node(points, lo + mid, hi, nodes);
        nodes[at].kids = Some((l, r));
        at
    }

    /// Lower `best` to the smallest rank within `radius_m` of (lon, lat)
    /// among entries for which `before(rank)` holds (ranks ascend with
    /// found_date, so `before` fails for every rank above one that fails).
    fn search(
        &self,
        at: usize,
        (lon, lat): (f64, f64),
        radius_m: f64,
        before: &dyn Fn(usize) -> bool,
        best: &mut Option<usize>,
    ) {
        let Some(n) = self.nodes.get(at) else {
            return;
        };
        if best.is_some_and(|b| n.first >= b) || !before(n.first) {
            return;
        }
        let (near, far) = distance_range(n.bbox, lon, lat);
        // Box distances are exact up to the curvature across a box a few
        // hundred metres wide (well under 0.1 %): a node is skipped or
        // taken whole only when it is clearly outside or inside.
        if near > radius_m * 1.001 + 0.01 {
            return;
        }
        if far < radius_m * 0.999 - 0.01 {
            *best = Some(n.first);
            return;
        }
        match n.kids {
            Some((l, r)) => {
                let (a, b) = if self.nodes[l].first <= self.nodes[r].first {
                    (l, r)
                } else {
                    (r, l)
                };
                self.search(a, (lon, lat), radius_m, before, best);
                self.search(b, (lon, lat), radius_m, before, best);
            }
            None => {
                for &(plon, plat, rank) in &self.points[n.lo..n.hi] {
                    if best.is_some_and(|b| rank >= b) || !before(rank) {
                        break;
                    }
                    if distance_m(plon, plat, lon, lat) <= radius_m {
                        *best = Some(rank);
                        break;
                    }
                }
            }
        }
    }
}

/// Smallest and largest distance from (lon, lat) to a bounding box, in
/// metres: the nearest point of the box is the clamped coordinate, the
/// farthest one of its corners.
fn distance_range(bbox: [f64; 4], lon: f64, lat: f64) -> (f64, f64) {
    let [x0, y0, x1, y1] = bbox;
    let near = distance_m(lon, lat, lon.clamp(x0, x1), lat.clamp(y0, y1));
    let far = [(x0, y0), (x0, y1), (x1, y0), (x1, y1)]
        .iter()
        .map(|&(x, y)| distance_m(lon, lat, x, y))
        .fold(0.0f64, f64::max);
    (near, far)
}

/// Recurrence of a whole run, computed once (`detect`): the city-wide
/// result and each region's part of it.
#[derive(Debug, Clone, Default)]
pub struct RecurrenceIndex {
    /// City-wide.
    pub all: Recurrence,
    /// Per region of the register entry: its distinct closed sites, the
    /// positions of its pairs in `all.recurrences` and its distinct entries.
    regions: HashMap<RegionId, RegionPart, Fast>,
}

#[derive(Debug, Clone, Default)]
struct RegionPart {
    closed_sites: usize,
    pairs: Vec<usize>,
    recurred_sites: usize,
}

impl RecurrenceIndex {
    /// The pairs `scoped` gives, borrowed (the assessment needs only a few
    /// fields of each, and a city's pairs are many).
    pub fn pairs(&self, scope: Option<RegionId>) -> Vec<&RecurrencePair> {
        match scope {
            None => self.all.recurrences.iter().collect(),
            Some(r) => self.regions.get(&r).map_or_else(Vec::new, |part| {
                part.pairs
                    .iter()
                    .map(|&i| &self.all.recurrences[i])
                    .collect()
            }),
        }
    }

    /// The city-wide result, or a region's: the pairs whose register entry
    /// lies in the region (the region charged with the recurrence), wherever
    /// the recurring case was found, and the region's closed sites.
    pub fn scoped(&self, scope: Option<RegionId>) -> Recurrence {
        let Some(r) = scope else {
            return self.all.clone();
        };
        match self.regions.get(&r) {
            None => Recurrence::default(),
            Some(part) => Recurrence {
                closed_sites: part.closed_sites,
                recurred_sites: part.recurred_sites,
                recurrences: Arc::new(
                    part.pairs
                        .iter()
                        .map(|&i| self.all.recurrences[i].clone())
                        .collect(),
                ),
            },
        }
    }
}

/// The register and the recurrences of cases found in `period`, city-wide
/// (matches cross region borders), split by region once.
///
/// Cost: every register entry is indexed by name and by a grid cell the
/// radius wide; entries at the same coordinates are one point of their
/// cell, and a cell's points form a small k-d tree. A case looks at the
/// earliest entry of its name list and searches the 9 cells around it: a
/// tree node wholly outside the radius (by its bounding box) is skipped,
/// one wholly inside answers with its earliest entry, one with nothing
/// found before the case or earlier than the best match is skipped — so a
/// site closed a thousand times, or many closed sites just outside the
/// radius, cost a few steps per cell instead of one per site.
///
/// `cases` are in (unit, 案件编号) order, as [`crate::model::Dataset`]
/// holds them: within a unit, a case's position is the order of its
/// 案件编号 (see `in_entry_order`).
pub fn detect(cases: &[Case], period: Period, radius_m: f64, area: &Area) -> RecurrenceIndex {
    debug_assert!(cases
        .windows(2)
        .all(|w| (w[0].unit, &w[0].case_id) < (w[1].unit, &w[1].case_id)));
    // Only register entries and cases found in the period are compared:
    // the others' names are never looked at.
    // Site names repeat: each distinct spelling is normalised once, and
    // each compared case keeps the number of its normalised name (0: not
    // compared, the empty name). A spelling is known by the address of its
    // one copy (`Name::addr`): only a new one's text is read. (Keyed by the
    // text, every case's name was two cache misses away and hashed.)
    let mut memo: HashMap<usize, u32, Fast> = HashMap::default();
    let mut normalised: Vec<String> = vec![String::new()];
    let mut name_no: Vec<u32> = Vec::with_capacity(cases.len());
    // Register entries (closed sites found by the period's end) and the
    // cases found in the period, read in the same pass over the cases:
    // (found_date, unit, position), and positions.
    let mut entry_keys: Vec<(NaiveDate, UnitId, usize, ())> = Vec::new();
    let mut in_period: Vec<usize> = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let entry = c.site_closed && c.found_date <= period.end;
        if entry {
            entry_keys.push((c.found_date, c.unit, i, ()));
        }
        let found_in = period.contains(c.found_date);
        if found_in {
            in_period.push(i);
        }
        name_no.push(if entry || found_in {
            *memo.entry(c.site.addr()).or_insert_with(|| {
                normalised.push(norm_site(&c.site));
                (normalised.len() - 1) as u32
            })
        } else {
            0
        });
    }
    drop(memo);
    let name = |i: usize| normalised[name_no[i] as usize].as_str();
    // Register entries, earliest first (found_date, unit, case id); a
    // smaller rank is an earlier entry.
    let register: Vec<usize> = sorted_entries(entry_keys)
        .into_iter()
        .map(|(i, ())| i)
        .collect();
    // The register is in date order, its cases scattered over the ledger:
    // each entry's case (and then its township) fetched some entries ahead.
    let fetch_case = |&i: &usize| crate::prefetch::value(&cases[i]);
    let fetch_town = |&i: &usize| cases[i].township.fetch_header();
    // Distinct sites per region of the entry.
    let mut sites: std::collections::HashSet<(RegionId, SiteKey), Fast> = Default::default();
    crate::prefetch::each_ahead(&register, fetch_case, fetch_town, |_, &i| {
        let c = &cases[i];
        sites.insert((c.region, site_key(c, name(i), located(c, area))));
    });
    let mut regions: HashMap<RegionId, RegionPart, Fast> = HashMap::default();
    for (r, _) in &sites {
        regions.entry(*r).or_default().closed_sites += 1;
    }

    // Index by name (region, township, normalised name): the earliest rank
    // only, as a later entry of the same list never wins.
    let mut by_name: HashMap<(RegionId, &str, &str), usize, Fast> = HashMap::default();
    let max_lat = area.min_lat.abs().max(area.max_lat.abs()).min(89.0);
    // Cell sizes no smaller than the radius in either direction.
    let dlat = (radius_m / (EARTH_RADIUS_M * 1f64.to_radians())).max(1e-7) * 1.001;
    let dlon = dlat / max_lat.to_radians().cos().max(0.01);
    let mut cell_points: HashMap<(i64, i64), Vec<Point>, Fast> = HashMap::default();
    let mut seen_points: std::collections::HashSet<(u64, u64), Fast> = Default::default();
    crate::prefetch::each_ahead(&register, fetch_case, fetch_town, |rank, &i| {
        let c = &cases[i];
        if !name(i).is_empty() {
            by_name
                .entry((c.region, c.township.trim(), name(i)))
                .or_insert(rank);
        }
        if let Some((lon, lat)) = located(c, area) {
            // Ranks ascend: the first entry at a point is its earliest, and
            // a later one there never wins.
            if seen_points.insert((lon.to_bits(), lat.to_bits())) {
                cell_points
                    .entry(cell(lon, lat, dlon, dlat))
                    .or_default()
                    .push((lon, lat, rank));
            }
        }
    });
    drop(seen_points);
    let by_cell: HashMap<(i64, i64), Cell, Fast> = cell_points
        .into_iter()
        .map(|(k, v)| (k, Cell::build(v)))
        .collect();

    // (case, register rank), in case order; each case is searched on its
    // own, so on every core.
    let found: Vec<(usize, usize)> = in_period
        .par_iter()
        .filter_map(|&i| {
            let c = &cases[i];
            // The earliest matching register entry: the smallest rank found
            // before `c`. Ranks are in found_date order, so a candidate whose
            // entry was not found before `c` ends the search of its list.
            let before = |rank: usize| cases[register[rank]].found_date < c.found_date;
            let mut best: Option<usize> = None;
            if !name(i).is_empty() {
                if let Some(&rank) = by_name.get(&(c.region, c.township.trim(), name(i))) {
                    if before(rank) {
                        best = Some(rank);
                    }
                }
            }
            if let Some((lon, lat)) = located(c, area) {
                let (x, y) = cell(lon, lat, dlon, dlat);
                for dx in -1..=1 {
                    for dy in -1..=1 {
                        if let Some(cl) = by_cell.get(&(x + dx, y + dy)) {
                            cl.search(0, (lon, lat), radius_m, &before, &mut best);
                        }
                    }
                }
            }
            best.map(|rank| (i, rank))
        })
        .collect();
    let found: Vec<(usize, usize)> = in_entry_order(cases, found.into_iter());
    // Register entries recurred at (a flag per rank: a million pairs into
    // an ordered set took a tenth of the search at ten million cases).
    let mut recurred = vec![false; register.len()];
    let mut entries = 0;
    for (n, &(_, rank)) in found.iter().enumerate() {
        let part = regions.entry(cases[register[rank]].region).or_default();
        part.pairs.push(n);
        if !std::mem::replace(&mut recurred[rank], true) {
            entries += 1;
            part.recurred_sites += 1;
        }
    }
    // The pairs themselves (four strings each) on every core.
    let recurrences: Vec<RecurrencePair> = found
        .par_iter()
        .map(|&(i, rank)| {
            let (c, r) = (&cases[i], &cases[register[rank]]);
            RecurrencePair {
                region: r.region,
                township: trimmed(&r.township),
                site: trimmed(&r.site),
                closed_unit: r.unit,
                closed_case: r.case_id.clone(),
                recurred_unit: c.unit,
                recurred_case: c.case_id.clone(),
                found_date: c.found_date,
            }
        })
        .collect();
    RecurrenceIndex {
        all: Recurrence {
            closed_sites: sites.len(),
            recurred_sites: entries,
            recurrences: Arc::new(recurrences),
        },
        regions,
    }
}

/// Case positions (each with a payload) in register order: found_date,
/// then unit, then case id (unique together with the unit, so the order is
/// total and the payload never decides). Sorted on small keys on both
/// cores, not through the cases.
fn in_entry_order<P: Ord + Send>(
    cases: &[Case],
    items: impl Iterator<Item = (usize, P)>,
) -> Vec<(usize, P)> {
    // Cases are in (unit, 案件编号) order: within a unit the position
    // orders the 案件编号, without reading two scattered strings.
    let keys: Vec<(NaiveDate, UnitId, usize, P)> = items
        .map(|(i, p)| {
            let c = &cases[i];
            (c.found_date, c.unit, i, p)
        })
        .collect();
    sorted_entries(keys)
}

/// [`in_entry_order`] of keys already read from the cases.
fn sorted_entries<P: Ord + Send>(mut keys: Vec<(NaiveDate, UnitId, usize, P)>) -> Vec<(usize, P)> {
    keys.par_sort_unstable();
    keys.into_iter().map(|k| (k.2, k.3)).collect()
}

/// The same detection by brute force over all pairs (for tests).
#[doc(hidden)]
pub fn detect_naive(
    cases: &[Case],
    period: Period,
    radius_m: f64,
    area: &Area,
) -> Vec<(String, String)> {
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
                    && same_site(&cases[e], &names[e], c, &names[i], radius_m, area)
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
#[path = "recurrence_tests.rs"]
mod tests;
