//! Analysis: every figure of contract §2 for the report quarter, the
//! previous quarter, the same quarter last year and the year to date, in
//! total and by group; the region × type cross table, the eight-quarter
//! trend, referrals, patrols, meetings and recurrence.
//!
//! Case figures are summed per cell in one pass (`cases`); the small
//! ledgers with plain loops (`activity`); recurrence in `recurrence`.

pub mod activity;
pub mod cases;
pub mod figures;
pub mod recurrence;
pub mod reporting;

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

pub use activity::{Meetings, Patrols, Referrals};
pub use figures::{Change, Figures, FIGURES, N_FIGURES};
pub use recurrence::{Recurrence, RecurrenceIndex, RecurrencePair};

use crate::config::Config;
use crate::model::{Case, Dataset, Name, RegionId};
use crate::quarter::{Period, Quarter};
use cases::Key;

/// How a blank township is shown.
pub const TOWN_BLANK: &str = "（未填写）";

/// The four periods every figure is computed for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Periods {
    pub quarter: Period,
    pub previous_quarter: Period,
    pub same_quarter_last_year: Period,
    pub year_to_date: Period,
}

impl Periods {
    pub fn of(q: Quarter) -> Periods {
        Periods {
            quarter: q.period(),
            previous_quarter: q.prev().period(),
            same_quarter_last_year: q.same_last_year().period(),
            year_to_date: q.year_to_date(),
        }
    }
    /// In the order quarter, previous, same quarter last year, year to date.
    pub fn all(&self) -> [Period; 4] {
        [
            self.quarter,
            self.previous_quarter,
            self.same_quarter_last_year,
            self.year_to_date,
        ]
    }
}

/// Percent changes of the quarter against the two comparison quarters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ChangePct {
    pub previous_quarter: Change,
    pub same_quarter_last_year: Change,
}

/// One group (unit, region, township, violation type) with all periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    /// Index of the group: configuration index, or position for townships.
    #[serde(skip)]
    pub id: u16,
    pub key: String,
    /// The quarter's figures.
    #[serde(flatten)]
    pub quarter: Figures,
    pub previous_quarter: Figures,
    pub same_quarter_last_year: Figures,
    pub year_to_date: Figures,
    pub change_pct: ChangePct,
}

impl GroupRow {
    fn new(id: u16, key: String, p: [Figures; 4]) -> GroupRow {
        GroupRow {
            id,
            key,
            quarter: p[0],
            previous_quarter: p[1],
            same_quarter_last_year: p[2],
            year_to_date: p[3],
            change_pct: ChangePct {
                previous_quarter: p[0].change_from(&p[1]),
                same_quarter_last_year: p[0].change_from(&p[2]),
            },
        }
    }
    /// The four periods in `Periods::all` order.
    pub fn periods(&self) -> [&Figures; 4] {
        [
            &self.quarter,
            &self.previous_quarter,
            &self.same_quarter_last_year,
            &self.year_to_date,
        ]
    }
}

/// Cases found in the quarter, per source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    #[serde(skip)]
    pub id: u16,
    pub key: String,
    pub found: u64,
    /// Counts as 主动发现.
    pub proactive: bool,
}

/// Region × violation type: cases found in the quarter.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CrossTable {
    pub regions: Vec<String>,
    pub types: Vec<String>,
    /// `counts[region][type]`.
    pub counts: Vec<Vec<u64>>,
}

/// One quarter of the trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    pub quarter: Quarter,
    pub found: u64,
    pub filed: u64,
    pub closed: u64,
}

/// Everything the briefing, the assessment and the tables need.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub quarter: Quarter,
    pub periods: Periods,
    /// The scoped region (its id), or None for the whole city.
    #[serde(skip)]
    pub scope_id: Option<RegionId>,
    /// The city name, or the scoped region's name.
    pub scope: String,
    pub totals: Figures,
    pub previous_quarter: Figures,
    pub same_quarter_last_year: Figures,
    pub year_to_date: Figures,
    pub change_pct: ChangePct,
    /// Every configured unit, configuration order.
    pub by_unit: Vec<GroupRow>,
    /// Every configured region, configuration order (only the scoped one when scoped).
    pub by_region: Vec<GroupRow>,
    /// Scoped runs only: townships with a non-zero figure in any period, by name (bytes).
    pub by_township: Vec<GroupRow>,
    /// Every configured violation type, configuration order.
    pub by_violation_type: Vec<GroupRow>,
    /// Every configured source, configuration order.
    pub by_source: Vec<SourceRow>,
    pub region_type: CrossTable,
    /// The last (up to) eight quarters up to the report quarter that have
    /// data, from the first quarter folder on (earlier quarters hold only
    /// re-exported cases).
    pub trend: Vec<TrendPoint>,
    pub referrals: Referrals,
    pub patrols: Patrols,
    pub meetings: Meetings,
    pub recurrence: Recurrence,
}

fn sums_to_figures(s: &[[f64; N_FIGURES]]) -> [Figures; 4] {
    let mut out = [Figures::default(); 4];
    for (o, v) in out.iter_mut().zip(s) {
        *o = Figures::from_values(v);
    }
    out
}

/// Township display name.
pub fn township_name(t: &str) -> &str {
    let t = t.trim();
    if t.is_empty() {
        TOWN_BLANK
    } else {
        t
    }
}

/// What a run computes once and shares between the city-wide analysis and
/// every region's: the cell table, the township names, the recurrence
/// search (city-wide, split by region) and the positions of each region's
/// referrals and patrols — so that a region's analysis costs what the
/// region holds, not what the city holds.
#[derive(Debug, Clone, Default)]
pub struct CaseCells {
    cells: cases::Cells,
    /// Township display names, sorted by bytes; a cell's town key indexes here.
    towns: Vec<String>,
    recurrence: RecurrenceIndex,
    /// Positions in `ds.referrals` and `ds.patrols` per region.
    referrals_of: HashMap<RegionId, Vec<usize>>,
    patrols_of: HashMap<RegionId, Vec<usize>>,
}

impl CaseCells {
    /// These cells with the recurrence search `index` put in.
    pub fn with_recurrence(self, index: RecurrenceIndex) -> CaseCells {
        CaseCells {
            recurrence: index,
            ..self
        }
    }
}

/// Sum the case figures of a dataset for the four periods of a quarter,
/// and search it for recurrence: [`cell_table`] and [`recurrence_index`],
/// which read the same cases and nothing of each other, one on each core.
pub fn case_cells(ds: &Dataset, cfg: &Config, quarter: Quarter) -> CaseCells {
    let (cells, recurrence) = rayon::join(
        || cell_table(ds, cfg, quarter),
        || recurrence_index(ds, cfg, quarter),
    );
    cells.with_recurrence(recurrence)
}

/// The recurrence search of [`case_cells`] on its own (a build runs it
/// ahead of the assessment, which needs nothing else from the cells).
pub fn recurrence_index(ds: &Dataset, cfg: &Config, quarter: Quarter) -> RecurrenceIndex {
    recurrence::detect(
        &ds.cases,
        Periods::of(quarter).quarter,
        cfg.rules.recurrence_radius_m,
        &cfg.area,
    )
}

/// [`case_cells`] without the recurrence search, which is put in with
/// [`CaseCells::with_recurrence`] (until then, an analysis made from it
/// finds no recurrence).
pub fn cell_table(ds: &Dataset, cfg: &Config, quarter: Quarter) -> CaseCells {
    // (foldhash: the order of the names is their sorted order, so the
    // hasher's seed is not observable)
    type Fast = foldhash::fast::RandomState;
    // Each case's township found by the address of its name's one copy
    // (`Name::addr`): no text is read or hashed per case, only per
    // distinct name (at ten million cases the texts were a cache miss and
    // a string hash each, twice).
    // (Gathered on every core: at ten million cases, one pass over them.)
    use rayon::prelude::*;
    type Copies = std::collections::HashMap<usize, Name, Fast>;
    let copies: Copies = ds
        .cases
        .par_chunks(1 << 16)
        .map(|part| {
            part.iter()
                .map(|c| (c.township.addr(), c.township))
                .collect()
        })
        .reduce(Copies::default, |mut a: Copies, b| {
            a.extend(b);
            a
        });
    let mut names: Vec<&str> = copies.values().map(|n| township_name(n)).collect();
    names.sort_unstable();
    names.dedup();
    let index: std::collections::HashMap<&str, u32, Fast> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, i as u32))
        .collect();
    let town_by_copy: std::collections::HashMap<usize, u32, Fast> = copies
        .iter()
        .map(|(&at, n)| (at, index.get(township_name(n)).copied().unwrap_or(0)))
        .collect();
    let town_of = |c: &Case| -> u32 { town_by_copy.get(&c.township.addr()).copied().unwrap_or(0) };
    let periods = Periods::of(quarter);
    let cells = cases::cells_of(&ds.cases, town_of, &periods.all(), cfg.rules.closing_days);
    let mut referrals_of: HashMap<RegionId, Vec<usize>> = HashMap::new();
    for (i, r) in ds.referrals.iter().enumerate() {
        if let Some(region) = r.region {
            referrals_of.entry(region).or_default().push(i);
        }
    }
    let mut patrols_of: HashMap<RegionId, Vec<usize>> = HashMap::new();
    for (i, p) in ds.patrols.iter().enumerate() {
        patrols_of.entry(p.region).or_default().push(i);
    }
    CaseCells {
        cells,
        towns: names.into_iter().map(str::to_string).collect(),
        recurrence: RecurrenceIndex::default(),
        referrals_of,
        patrols_of,
    }
}

/// Analyse a dataset for a quarter; `scope` keeps only that region's cases,
/// patrols and referrals.
pub fn analyse(ds: &Dataset, cfg: &Config, quarter: Quarter, scope: Option<RegionId>) -> Analysis {
    analyse_with(ds, cfg, quarter, scope, &case_cells(ds, cfg, quarter))
}

/// `analyse` with the case figures already summed by `case_cells` for
/// the same dataset, configuration and quarter.
pub fn analyse_with(
    ds: &Dataset,
    cfg: &Config,
    quarter: Quarter,
    scope: Option<RegionId>,
    cc: &CaseCells,
) -> Analysis {
    let periods = Periods::of(quarter);
    let units: Vec<String> = cfg.unit_names().iter().map(|s| s.to_string()).collect();
    // Every region's name for the city; the scoped region's alone for a
    // region (a region's analysis must not cost one step per region).
    let first_region: RegionId = scope.unwrap_or(RegionId(0));
    let regions: Vec<String> = match scope {
        None => cfg.regions.iter().map(|r| r.name.clone()).collect(),
        Some(s) => cfg
            .regions
            .get(usize::from(s))
            .map(|r| vec![r.name.clone()])
            .unwrap_or_default(),
    };
    let types: Vec<String> = cfg
        .violation_type_names()
        .iter()
        .map(|s| s.to_string())
        .collect();

    let cells = &cc.cells;
    let sc = scope.map(u32::from);
    let figs = |s: &cases::RawSums| sums_to_figures(&cases::to_values(s));
    let tot = figs(&cells.totals(sc));

    let grouped = |key: Key, names: &[String]| -> Vec<GroupRow> {
        let sums = cells.by_key(key, sc, names.len());
        names
            .iter()
            .zip(sums)
            .enumerate()
            .map(|(i, (n, s))| {
                let f = s.map(|s| figs(&s)).unwrap_or([Figures::default(); 4]);
                GroupRow::new(i as u16, n.clone(), f)
            })
            .collect()
    };
    let by_unit = grouped(Key::Unit, &units);
    // A region's own row is its totals: no row per configured region.
    let by_region = match scope {
        None => grouped(Key::Region, &regions),
        Some(s) => regions
            .first()
            .map(|n| vec![GroupRow::new(u16::from(s), n.clone(), tot)])
            .unwrap_or_default(),
    };
    let by_violation_type = grouped(Key::Type, &types);
    let by_township = if scope.is_some() {
        // Only the townships the region has cells in (a city holds many).
        let mut rows: Vec<GroupRow> = cells
            .by_key_present(Key::Town, sc)
            .into_iter()
            .filter_map(|(k, s)| {
                let n = cc.towns.get(k as usize)?;
                Some(GroupRow::new(k as u16, n.clone(), figs(&s)))
            })
            .collect();
        rows.retain(|r| r.periods().iter().any(|f| !f.is_zero()));
        rows
    } else {
        Vec::new()
    };
    let mut by_source: Vec<SourceRow> = cfg
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| SourceRow {
            id: i as u16,
            key: s.name.clone(),
            found: 0,
            proactive: s.proactive,
        })
        .collect();
    for (r, s) in by_source
        .iter_mut()
        .zip(cells.by_key(Key::Source, sc, cfg.sources.len()))
    {
        if let Some(s) = s {
            r.found = figs(&s)[0].found;
        }
    }

    // Region × type.
    let mut region_type = CrossTable {
        regions: regions.clone(),
        types: types.clone(),
        counts: vec![vec![0; types.len()]; regions.len()],
    };
    for (r, t, n) in cells.cross(sc) {
        let ri = match scope {
            Some(s) => (u32::from(s) == r).then_some(0),
            None => Some(r as usize),
        };
        if let Some(c) = ri
            .and_then(|ri| region_type.counts.get_mut(ri))
            .and_then(|row| row.get_mut(t as usize))
        {
            *c = n;
        }
    }

    // Trend: quarter folders and quarters with any found/filed/closed, up to
    // the report quarter; the last eight. A quarter before the first quarter
    // folder holds only cases re-exported later (found then, reported
    // afterwards): its counts are not that quarter's figures, so it is left
    // out (issue 18 §6).
    let pq = cells.per_quarter(sc);
    let qn = cases::qnum(quarter);
    let first = ds.quarters.first().map(|q| cases::qnum(*q));
    let mut have: BTreeSet<i32> = ds.quarters.iter().map(|q| cases::qnum(*q)).collect();
    for list in &pq {
        have.extend(list.iter().filter(|(_, n)| *n > 0).map(|(k, _)| *k));
    }
    let chosen: Vec<i32> = have
        .into_iter()
        .filter(|&k| k <= qn && first.is_some_and(|f| k >= f))
        .collect();
    let chosen = &chosen[chosen.len().saturating_sub(8)..];
    let get = |list: &Vec<(i32, u64)>, k: i32| -> u64 {
        list.iter().find(|(q, _)| *q == k).map(|x| x.1).unwrap_or(0)
    };
    let trend = chosen
        .iter()
        .map(|&k| TrendPoint {
            quarter: cases::quarter_of_num(k),
            found: get(&pq[0], k),
            filed: get(&pq[1], k),
            closed: get(&pq[2], k),
        })
        .collect();

    // A region's referrals and patrols through the run's index: a region's
    // analysis never walks the city's ledgers.
    let picked = |of: &HashMap<RegionId, Vec<usize>>, s: RegionId| -> Vec<usize> {
        of.get(&s).cloned().unwrap_or_default()
    };
    let refs: Vec<_> = match scope {
        None => ds.referrals.iter().collect(),
        Some(s) => picked(&cc.referrals_of, s)
            .into_iter()
            .filter_map(|i| ds.referrals.get(i))
            .collect(),
    };
    let referrals = activity::referrals(&refs, periods.quarter, cfg.rules.reply_days, &units);
    let pats: Vec<_> = match scope {
        None => ds.patrols.iter().collect(),
        Some(s) => picked(&cc.patrols_of, s)
            .into_iter()
            .filter_map(|i| ds.patrols.get(i))
            .collect(),
    };
    let patrols = activity::patrols(&pats, periods.quarter, &units, &regions, first_region);
    let meetings = activity::meetings(&ds.meetings, periods.quarter, &units);

    // Computed once per run (city-wide, matches cross region borders); a
    // region's part is the pairs charged to it.
    let recurrence = cc.recurrence.scoped(scope);

    let scope_name = match scope {
        Some(_) => regions.first().cloned().unwrap_or_default(),
        None => cfg.organisation.city.clone(),
    };
    Analysis {
        quarter,
        periods,
        scope_id: scope,
        scope: scope_name,
        totals: tot[0],
        previous_quarter: tot[1],
        same_quarter_last_year: tot[2],
        year_to_date: tot[3],
        change_pct: ChangePct {
            previous_quarter: tot[0].change_from(&tot[1]),
            same_quarter_last_year: tot[0].change_from(&tot[2]),
        },
        by_unit,
        by_region,
        by_township,
        by_violation_type,
        by_source,
        region_type,
        trend,
        referrals,
        patrols,
        meetings,
        recurrence,
    }
}
