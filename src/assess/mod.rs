//! Assessment (考核): scores every unit and region from the rubric in the
//! configuration, and keeps every number behind every point so that an
//! evaluator can defend it.
//!
//! An indicator scores `weight × rate` (full weight when its denominator is
//! 0); an indicator whose input file (meetings.csv, referrals.csv,
//! patrols.csv) is missing or unreadable in the report quarter's folder has
//! no data (无数据): it is left out and the other indicators' points are
//! scaled up to the full indicator weight (得分按实有指标折算). A deduction
//! subtracts `points` per occurrence up to `cap`; adjustments from
//! `adjustments.csv` are added last; the score is clamped to 0..=100. The
//! score is computed from exact values and rounded once, to one decimal;
//! ranks, grades and ties use that rounded score.
//!
//! Longer than 600 lines (about 830 without tests) because it reads as the
//! rubric does, top to bottom: the score types an evaluator sees, the
//! scoring context that fills them (`Ctx`, about 330 lines), ranks, grades
//! and the 约谈名单. The questions asked of every case are `case_tally`'s
//! (answered in one pass); the rest of `Ctx` is the part to move out next.

mod case_tally;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::{Config, Deduction, Indicator};
use crate::model::{Case, Dataset, IdText, RegionId, Target, UnitId};
use crate::quarter::{Period, Quarter};
use case_tally::{CaseTest, Tally};

/// A recurring case found in the quarter (see `analysis::recurrence`),
/// charged to the region of the register entry it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct RecurrenceHit {
    /// Region of the closed-site register entry.
    pub region: RegionId,
    /// Unit that closed the site (the register entry's case).
    pub closed_unit: UnitId,
    pub recurred_unit: UnitId,
    pub recurred_case: crate::model::IdText,
    pub found_date: NaiveDate,
}

/// The whole assessment of a quarter.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Assessment {
    pub units: Vec<Scored>,
    pub regions: Vec<Scored>,
    pub accountability: Vec<AccountabilityEntry>,
    /// Indicators without data this quarter (by id, configuration order).
    pub no_data: Vec<NoData>,
}

impl Assessment {
    /// One line per indicator without data, in both languages, for `build`
    /// to print on stderr.
    pub fn warnings(&self) -> Vec<String> {
        self.no_data
            .iter()
            .map(|n| {
                format!(
                    "警告：考核指标“{}”无数据（{}），不计分，其余指标得分按实有指标折算 / warning: indicator {} has no data ({}); it is left out and the other indicators are scaled to the full weight",
                    n.name, n.reason, n.id, n.reason_en
                )
            })
            .collect()
    }
}

/// One unit's or region's score with everything behind it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Scored {
    pub name: String,
    /// Rounded to one decimal (四舍五入), as printed.
    pub score: f64,
    pub rank: u32,
    pub grade: String,
    pub indicators: Vec<IndicatorScore>,
    pub deductions: Vec<DeductionScore>,
    pub adjustments: Vec<AdjustmentItem>,
    /// Sum of indicator points (scaled by `indicator_scale`), of deductions
    /// and of adjustments, two decimals (extensions).
    pub indicator_points: f64,
    /// Full indicator weight over the weight of the indicators with data
    /// (1 when every indicator has data): the factor of 得分按实有指标折算.
    pub indicator_scale: f64,
    pub deduction_points: f64,
    pub adjustment_points: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IndicatorScore {
    pub id: String,
    pub name: String,
    pub numerator: f64,
    pub denominator: f64,
    /// 0..1 with four decimals; null when the denominator is 0 or there is no data.
    pub rate: Option<f64>,
    /// weight × rate (the full weight when the denominator is 0), two
    /// decimals, before scaling; null when there is no data.
    pub points: Option<f64>,
    pub weight: f64,
    /// The indicator's input file is missing or unreadable in the report
    /// quarter's folder (无数据): left out of the score.
    pub no_data: bool,
    /// Why there is no data (Chinese, for documents); null when there is data.
    pub reason: Option<String>,
    /// weight × rate, unrounded (the score is summed from these).
    #[serde(skip)]
    pub exact_points: f64,
}

/// An indicator without data in a run (one entry per indicator id), for
/// the warning `build` prints and for documents.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NoData {
    pub id: String,
    pub name: String,
    /// The input file it needs (meetings.csv …).
    pub file: &'static str,
    /// Chinese and English reason.
    pub reason: String,
    pub reason_en: String,
}

/// The input file an indicator's metric reads, for the metrics that read
/// an optional file.
pub fn input_file_of(metric: &str) -> Option<crate::model::FileKind> {
    use crate::model::FileKind;
    match metric {
        "meeting_attendance" => Some(FileKind::Meetings),
        "referral_reply_timeliness" => Some(FileKind::Referrals),
        "patrol_coverage" => Some(FileKind::Patrols),
        _ => None,
    }
}

/// Why `kind`'s file gives no data for `quarter` (Chinese, English), or
/// `None` when a readable one is in that quarter's folder.
fn missing_input(
    ds: &Dataset,
    quarter: Quarter,
    kind: crate::model::FileKind,
) -> Option<(String, String)> {
    let name = kind_file_name(kind);
    let mine: Vec<&crate::model::InputFile> = ds
        .files
        .iter()
        .filter(|f| f.kind == kind && f.quarter == Some(quarter))
        .collect();
    if mine.iter().any(|f| f.error.is_none()) {
        return None;
    }
    match mine.first() {
        None => Some((
            format!("{quarter} 文件夹中没有 {name}（{}）", kind.chinese()),
            format!("no {name} in the {quarter} folder"),
        )),
        Some(f) => {
            let err = f.error.clone().unwrap_or_default();
            Some((
                format!("{} 无法读取（{err}）", f.path),
                format!("{} cannot be read ({err})", f.path),
            ))
        }
    }
}

fn kind_file_name(kind: crate::model::FileKind) -> &'static str {
    use crate::model::FileKind;
    match kind {
        FileKind::Meetings => "meetings.csv",
        FileKind::Referrals => "referrals.csv",
        FileKind::Patrols => "patrols.csv",
        FileKind::Adjustments => "adjustments.csv",
        FileKind::Cases => "",
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DeductionScore {
    pub id: String,
    pub name: String,
    pub count: u64,
    /// Points subtracted (a positive number), after the cap.
    pub points: f64,
    pub points_each: f64,
    pub cap: Option<f64>,
    /// The cases (or letters) behind the count, by 案件编号 (or 函告编号):
    /// copies held in place, no allocation each (at ten million rows a
    /// city's lists hold millions of ids).
    pub case_ids: Vec<IdText>,
    /// Points subtracted, unrounded.
    #[serde(skip)]
    pub exact_points: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AdjustmentItem {
    pub points: f64,
    pub reason: String,
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AccountabilityEntry {
    /// `unit` or `region`.
    pub kind: &'static str,
    pub name: String,
    pub reasons: Vec<String>,
}

/// Round half away from zero to `dp` decimals (tolerant of binary fractions like 2.675).
/// Non-finite values count as 0 (the analysis' rounding, which keeps them).
pub fn round_dp(x: f64, dp: i32) -> f64 {
    let r = crate::analysis::figures::round_half_away(x, dp);
    if r.is_finite() {
        r + 0.0 // no negative zero
    } else {
        0.0
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Unit,
    Region,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::Unit => "unit",
            Kind::Region => "region",
        }
    }
}

/// Inputs shared by every entity of a run.
struct Ctx<'a> {
    cfg: &'a Config,
    ds: &'a Dataset,
    period: Period,
    quarter: Quarter,
    /// The cases in scope of each unit and each region (indexed by id) that
    /// can count this quarter ([`can_count_in`]).
    by_unit: Vec<Vec<&'a Case>>,
    by_region: Vec<Vec<&'a Case>>,
    recurrences: &'a [RecurrenceHit],
    /// Distinct meeting dates in the quarter.
    meeting_days: BTreeSet<NaiveDate>,
    proactive: Vec<bool>,
    /// Optional input files with no data this quarter: (kind, zh, en).
    missing: Vec<(crate::model::FileKind, String, String)>,
}

impl Ctx<'_> {
    fn belongs(&self, kind: Kind, id: u16, c: &Case) -> bool {
        match kind {
            Kind::Unit => c.unit == UnitId(id),
            Kind::Region => c.region == RegionId(id),
        }
    }

    fn entity_cases(&self, kind: Kind, id: u16) -> impl Iterator<Item = &&Case> + '_ {
        let lists = match kind {
            Kind::Unit => &self.by_unit,
            Kind::Region => &self.by_region,
        };
        let list = lists.get(id as usize).map(Vec::as_slice).unwrap_or(&[]);
        debug_assert!(list.iter().all(|c| self.belongs(kind, id, c)));
        // a region's cases are scattered among every unit's
        crate::prefetch::refs_ahead(list)
    }

    fn source_set(&self, names: Option<&Vec<String>>, default: &[bool]) -> Vec<bool> {
        match names {
            None => default.to_vec(),
            Some(list) => self
                .cfg
                .sources
                .iter()
                .map(|s| list.contains(&s.name))
                .collect(),
        }
    }

    /// Why an indicator has no data this quarter (Chinese, English).
    fn no_data(&self, ind: &Indicator) -> Option<(&str, &str)> {
        let kind = input_file_of(&ind.metric)?;
        self.missing
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map(|(_, zh, en)| (zh.as_str(), en.as_str()))
    }

    /// The question a case-based indicator asks of every case (`None`
    /// for the others: their answers come from other inputs).
    fn indicator_test(&self, ind: &Indicator) -> Option<CaseTest> {
        let rules = &self.cfg.rules;
        Some(match ind.metric.as_str() {
            "filing_timeliness" => CaseTest::Filing {
                days: ind.days.unwrap_or(rules.filing_days),
            },
            "closing_timeliness" => CaseTest::Closing {
                days: ind.days.unwrap_or(rules.closing_days),
            },
            "proactive_discovery" => CaseTest::Found {
                sources: self.source_set(ind.sources.as_ref(), &self.proactive),
            },
            "closure_rate" => CaseTest::Closure,
            _ => return None,
        })
    }

    /// The question a case-based deduction asks of every case.
    fn deduction_test(&self, ded: &Deduction) -> Option<CaseTest> {
        Some(match ded.metric.as_str() {
            "overdue_cases" => CaseTest::Overdue {
                days: self.cfg.rules.closing_days,
            },
            "media_exposures" => CaseTest::Exposed {
                sources: self.source_set(ded.sources.as_ref(), &self.media_sources()),
            },
            _ => return None,
        })
    }

    /// `tally`: what the entity's cases answered the indicator's question
    /// ([`Ctx::indicator_test`]), for a case-based one.
    fn indicator(
        &self,
        kind: Kind,
        id: u16,
        ind: &Indicator,
        tally: Option<Tally>,
    ) -> IndicatorScore {
        if let Some((zh, _)) = self.no_data(ind) {
            return IndicatorScore {
                id: ind.id.clone(),
                name: ind.name.clone(),
                numerator: 0.0,
                denominator: 0.0,
                rate: None,
                points: None,
                weight: ind.weight,
                no_data: true,
                reason: Some(zh.to_string()),
                exact_points: 0.0,
            };
        }
        let p = self.period;
        let rules = &self.cfg.rules;
        let (num, den): (f64, f64) = match (tally, ind.metric.as_str()) {
            (Some(Tally::Rate { n, d }), _) => (n as f64, d as f64),
            (_, "referral_reply_timeliness") => {
                let days = ind.days.unwrap_or(rules.reply_days);
                let mut n = 0u64;
                let mut d = 0u64;
                for r in &self.ds.referrals {
                    let mine = match kind {
                        Kind::Unit => r.to_unit == UnitId(id),
                        Kind::Region => r.region == Some(RegionId(id)),
                    };
                    if mine && p.contains(r.sent_date) {
                        d += 1;
                        if r.reply_date
                            .is_some_and(|rd| (rd - r.sent_date).num_days() <= days)
                        {
                            n += 1;
                        }
                    }
                }
                (n as f64, d as f64)
            }
            (_, "meeting_attendance") => {
                let attended: BTreeSet<NaiveDate> = self
                    .ds
                    .meetings
                    .iter()
                    .filter(|m| kind == Kind::Unit && m.unit == UnitId(id) && m.attended)
                    .map(|m| m.date)
                    .filter(|d| self.meeting_days.contains(d))
                    .collect();
                (attended.len() as f64, self.meeting_days.len() as f64)
            }
            (_, "patrol_coverage") => {
                let target = ind.target.unwrap_or(1.0);
                let n = self
                    .ds
                    .patrols
                    .iter()
                    .filter(|pt| p.contains(pt.date))
                    .filter(|pt| match kind {
                        Kind::Unit => pt.unit == UnitId(id),
                        Kind::Region => pt.region == RegionId(id),
                    })
                    .count();
                // Coverage is capped at the target.
                ((n as f64).min(target), target)
            }
            _ => (0.0, 0.0), // rejected when the config is loaded
        };
        let rate = (den > 0.0).then(|| num / den);
        let points = ind.weight * rate.unwrap_or(1.0);
        IndicatorScore {
            id: ind.id.clone(),
            name: ind.name.clone(),
            numerator: num,
            denominator: den,
            rate: rate.map(|r| round_dp(r, 4)),
            points: Some(round_dp(points, 2)),
            weight: ind.weight,
            no_data: false,
            reason: None,
            exact_points: points,
        }
    }

    /// Case ids (in (unit, id) order) behind a deduction.
    fn deduction_cases(&self, kind: Kind, id: u16, ded: &Deduction) -> Vec<IdText> {
        let p = self.period;
        match ded.metric.as_str() {
            "recurrences" => self
                .recurrences
                .iter()
                .filter(|r| p.contains(r.found_date))
                .filter(|r| match kind {
                    Kind::Region => r.region == RegionId(id),
                    Kind::Unit => r.closed_unit == UnitId(id),
                })
                .map(|r| r.recurred_case.clone())
                .collect(),
            "unreplied_referrals" => {
                let days = self.cfg.rules.reply_days;
                let mut v: Vec<&crate::model::Referral> = self
                    .ds
                    .referrals
                    .iter()
                    .filter(|r| match kind {
                        Kind::Unit => r.to_unit == UnitId(id),
                        Kind::Region => r.region == Some(RegionId(id)),
                    })
                    .filter(|r| r.sent_date <= p.end)
                    .filter(|r| r.reply_date.is_none_or(|d| d > p.end))
                    .filter(|r| (p.end - r.sent_date).num_days() > days)
                    .collect();
                v.sort_by(|a, b| a.ref_id.cmp(&b.ref_id));
                v.into_iter()
                    .map(|r| IdText::from(r.ref_id.as_str()))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    fn media_sources(&self) -> Vec<bool> {
        self.cfg
            .sources
            .iter()
            .map(|s| s.name == "媒体曝光")
            .collect()
    }

    /// `tally`: what the entity's cases answered the deduction's question
    /// ([`Ctx::deduction_test`]), for a case-based one.
    fn deduction(
        &self,
        kind: Kind,
        id: u16,
        ded: &Deduction,
        tally: Option<Tally>,
    ) -> DeductionScore {
        let case_ids = match tally {
            Some(Tally::Ids(ids)) => ids,
            _ => self.deduction_cases(kind, id, ded),
        };
        let count = case_ids.len() as u64;
        let mut points = ded.points * count as f64;
        if let Some(cap) = ded.cap {
            points = points.min(cap);
        }
        DeductionScore {
            id: ded.id.clone(),
            name: ded.name.clone(),
            count,
            points: round_dp(points, 2),
            exact_points: points,
            points_each: ded.points,
            cap: ded.cap,
            case_ids,
        }
    }

    fn score(&self, kind: Kind, id: u16, name: &str) -> Scored {
        let a = &self.cfg.assessment;
        let (inds, deds) = match kind {
            Kind::Unit => (&a.unit_indicators, &a.unit_deductions),
            Kind::Region => (&a.region_indicators, &a.region_deductions),
        };
        // Every case-based question answered in one pass over the
        // entity's cases (`case_tally`); an indicator without data asks none.
        let ind_tests: Vec<Option<CaseTest>> = inds
            .iter()
            .map(|i| {
                self.no_data(i)
                    .is_none()
                    .then(|| self.indicator_test(i))
                    .flatten()
            })
            .collect();
        let ded_tests: Vec<Option<CaseTest>> =
            deds.iter().map(|d| self.deduction_test(d)).collect();
        let tests: Vec<&CaseTest> = ind_tests.iter().chain(&ded_tests).flatten().collect();
        let mut tallies =
            case_tally::tally(self.entity_cases(kind, id).copied(), self.period, &tests)
                .into_iter();
        let indicators: Vec<IndicatorScore> = inds
            .iter()
            .zip(&ind_tests)
            .map(|(i, t)| self.indicator(kind, id, i, t.as_ref().and_then(|_| tallies.next())))
            .collect();
        let deductions: Vec<DeductionScore> = deds
            .iter()
            .zip(&ded_tests)
            .map(|(d, t)| self.deduction(kind, id, d, t.as_ref().and_then(|_| tallies.next())))
            .collect();
        let adjustments: Vec<AdjustmentItem> = self
            .ds
            .adjustments
            .iter()
            .filter(|adj| adj.origin.quarter() == self.quarter)
            .filter(|adj| match (kind, adj.target) {
                (Kind::Unit, Target::Unit(u)) => u == UnitId(id),
                (Kind::Region, Target::Region(r)) => r == RegionId(id),
                _ => false,
            })
            .map(|adj| AdjustmentItem {
                points: adj.points,
                reason: adj.reason.clone(),
                basis: adj.basis.clone(),
            })
            .collect();
        // Exact values throughout; the score is rounded once, at the end
        // (rounding each indicator first can move a score by 0.1: 64.05
        // from rounded points where the exact sum is 64.047…).
        let full: f64 = indicators.iter().map(|i| i.weight).sum();
        let with_data: f64 = indicators
            .iter()
            .filter(|i| !i.no_data)
            .map(|i| i.weight)
            .sum();
        // Without any indicator with data there is nothing to scale: the
        // indicator part is the full weight, as for an empty denominator.
        let (scale, ip) = if with_data > 0.0 {
            let raw: f64 = indicators.iter().map(|i| i.exact_points).sum();
            (full / with_data, raw * full / with_data)
        } else {
            (1.0, full)
        };
        let dp: f64 = deductions.iter().map(|d| d.exact_points).sum();
        let ap: f64 = adjustments.iter().map(|a| a.points).sum();
        let raw = (ip - dp + ap).clamp(0.0, 100.0);
        let raw = if raw.is_finite() { raw } else { 0.0 };
        let score = round_dp(raw, 1);
        Scored {
            name: name.to_string(),
            score,
            rank: 0,
            grade: grade_of(self.cfg, score),
            indicators,
            deductions,
            adjustments,
            indicator_points: round_dp(ip, 2),
            indicator_scale: round_dp(scale, 4),
            deduction_points: round_dp(dp, 2),
            adjustment_points: round_dp(ap, 2),
        }
    }
}

/// The grade of a (rounded) score: the band with the highest minimum it reaches.
pub fn grade_of(cfg: &Config, score: f64) -> String {
    let mut bands: Vec<_> = cfg.assessment.grades.iter().collect();
    bands.sort_by(|a, b| b.min.total_cmp(&a.min));
    bands
        .iter()
        .find(|g| score >= g.min)
        .or(bands.last())
        .map(|g| g.name.clone())
        .unwrap_or_default()
}

/// Competition ranking (1, 1, 3) on the rounded scores, highest first.
fn rank(list: &mut [Scored]) {
    let scores: Vec<f64> = list.iter().map(|s| s.score).collect();
    for s in list.iter_mut() {
        s.rank = 1 + scores.iter().filter(|&&o| o > s.score).count() as u32;
    }
}

/// Score every unit and region for `quarter`. With a scope, only that
/// region's cases count and only that region is scored as a region.
pub fn assess(
    ds: &Dataset,
    cfg: &Config,
    quarter: Quarter,
    scope: Option<RegionId>,
    recurrences: &[RecurrenceHit],
) -> Assessment {
    let period = quarter.period();
    let counts = |c: &Case| can_count_in(c, period);
    assess_among(ds, cfg, quarter, scope, recurrences, counts)
}

/// Whether a case can count in a case-based indicator or deduction of
/// `period`: a date in it, or open when it starts. Every such metric asks
/// one of these first: filed, closed or found in the period; the closure
/// rate's workload filed in it or open at its start; 超期 closed in it or
/// open at its end (filed in it, or before it and so open at its start).
/// Each metric scans its entity's cases: at ten million rows over a
/// five-quarter history, half a CPU-second when every case was scanned.
fn can_count_in(c: &Case, period: Period) -> bool {
    let before = period.start.pred_opt().unwrap_or(period.start);
    [Some(c.found_date), c.filed_date, c.closed_date]
        .into_iter()
        .any(|d| period.contains_opt(d))
        || c.open_at(before)
}

/// [`assess`] over the cases `counts` keeps (the tests keep every case, to
/// hold [`can_count_in`] to the same scores).
fn assess_among(
    ds: &Dataset,
    cfg: &Config,
    quarter: Quarter,
    scope: Option<RegionId>,
    recurrences: &[RecurrenceHit],
    counts: impl Fn(&Case) -> bool + Sync,
) -> Assessment {
    let period = quarter.period();
    // Each unit's and each region's cases, in case order: gathered on
    // every core, a part of the cases each, the parts' lists joined in
    // order (at ten million rows, one pass over a gigabyte of cases).
    use rayon::prelude::*;
    type Lists<'c> = (Vec<Vec<&'c Case>>, Vec<Vec<&'c Case>>);
    let empty = || -> Lists {
        (
            vec![Vec::new(); cfg.units.len()],
            vec![Vec::new(); cfg.regions.len()],
        )
    };
    let parts: Vec<Lists> = ds
        .cases
        .par_chunks(1 << 16)
        .map(|part| {
            let (mut by_unit, mut by_region) = empty();
            for c in part
                .iter()
                .filter(|c| scope.is_none_or(|r| c.region == r))
                .filter(|c| counts(c))
            {
                if let Some(v) = by_unit.get_mut(usize::from(c.unit)) {
                    v.push(c);
                }
                if let Some(v) = by_region.get_mut(usize::from(c.region)) {
                    v.push(c);
                }
            }
            (by_unit, by_region)
        })
        .collect();
    let (mut by_unit, mut by_region) = empty();
    for (units, regions) in parts {
        for (all, part) in by_unit.iter_mut().zip(units) {
            all.extend(part);
        }
        for (all, part) in by_region.iter_mut().zip(regions) {
            all.extend(part);
        }
    }
    let meeting_days: BTreeSet<NaiveDate> = ds
        .meetings
        .iter()
        .map(|m| m.date)
        .filter(|d| period.contains(*d))
        .collect();
    use crate::model::FileKind;
    let missing: Vec<(FileKind, String, String)> =
        [FileKind::Meetings, FileKind::Referrals, FileKind::Patrols]
            .into_iter()
            .filter_map(|k| missing_input(ds, quarter, k).map(|(zh, en)| (k, zh, en)))
            .collect();
    let ctx = Ctx {
        cfg,
        ds,
        period,
        quarter,
        by_unit,
        by_region,
        recurrences,
        meeting_days,
        proactive: cfg.sources.iter().map(|s| s.proactive).collect(),
        missing,
    };
    let mut no_data: Vec<NoData> = Vec::new();
    let a = &cfg.assessment;
    for ind in a.unit_indicators.iter().chain(&a.region_indicators) {
        if let (Some((zh, en)), Some(kind)) = (ctx.no_data(ind), input_file_of(&ind.metric)) {
            if !no_data.iter().any(|n| n.id == ind.id) {
                no_data.push(NoData {
                    id: ind.id.clone(),
                    name: ind.name.clone(),
                    file: kind_file_name(kind),
                    reason: zh.to_string(),
                    reason_en: en.to_string(),
                });
            }
        }
    }
    // Each entity's score reads the context only: units and regions are
    // scored on every core (in list order all the same).
    // (units and regions at once: a unit or region with most of the
    // cases does not leave the other core idle)
    let (mut units, mut regions): (Vec<Scored>, Vec<Scored>) = rayon::join(
        || {
            cfg.units
                .par_iter()
                .enumerate()
                .map(|(i, u)| ctx.score(Kind::Unit, i as u16, &u.name))
                .collect()
        },
        || {
            cfg.regions
                .par_iter()
                .enumerate()
                .filter(|(i, _)| scope.is_none_or(|r| usize::from(r) == *i))
                .map(|(i, r)| ctx.score(Kind::Region, i as u16, &r.name))
                .collect()
        },
    );
    rank(&mut units);
    rank(&mut regions);
    let accountability = accountability(&ctx, &units, &regions, scope);
    Assessment {
        units,
        regions,
        accountability,
        no_data,
    }
}

fn accountability(
    ctx: &Ctx,
    units: &[Scored],
    regions: &[Scored],
    scope: Option<RegionId>,
) -> Vec<AccountabilityEntry> {
    let acc = &ctx.cfg.assessment.accountability;
    let mut out = Vec::new();
    let graded = |s: &Scored| -> Option<String> {
        let g = acc.grade.as_ref()?;
        (&s.grade == g).then(|| format!("考核等次为{}（{:.1}分）", s.grade, s.score))
    };
    for s in units {
        if let Some(r) = graded(s) {
            out.push(AccountabilityEntry {
                kind: Kind::Unit.key(),
                name: s.name.clone(),
                reasons: vec![r],
            });
        }
    }
    // Media exposures and recurrences per region in the quarter.
    let p = ctx.period;
    // (the 媒体曝光 deduction's question with its default sources, put to
    // each region's own cases on every core)
    let exposed = CaseTest::Exposed {
        sources: ctx.media_sources(),
    };
    use rayon::prelude::*;
    let media_count: BTreeMap<RegionId, u32> = ctx
        .by_region
        .par_iter()
        .enumerate()
        .map(|(i, list)| {
            let cases = crate::prefetch::refs_ahead(list).copied();
            let n = case_tally::tally(cases, p, &[&exposed])
                .first()
                .map_or(0, Tally::count);
            (RegionId(i as u16), n as u32)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let mut rec_count: BTreeMap<RegionId, u32> = BTreeMap::new();
    for r in ctx.recurrences {
        if p.contains(r.found_date) {
            *rec_count.entry(r.region).or_default() += 1;
        }
    }
    for s in regions {
        let Some(id) = ctx.cfg.regions.iter().position(|r| r.name == s.name) else {
            continue;
        };
        let id = RegionId(id as u16);
        if scope.is_some_and(|r| r != id) {
            continue;
        }
        let mut reasons = Vec::new();
        if let Some(r) = graded(s) {
            reasons.push(r);
        }
        let m = media_count.get(&id).copied().unwrap_or(0);
        if acc.media_exposures.is_some_and(|t| t > 0 && m >= t) {
            reasons.push(format!("本季度媒体曝光非法采矿案件{m}起"));
        }
        let r = rec_count.get(&id).copied().unwrap_or(0);
        if acc.recurrences.is_some_and(|t| t > 0 && r >= t) {
            reasons.push(format!("本季度已取缔点位反弹{r}起"));
        }
        if !reasons.is_empty() {
            out.push(AccountabilityEntry {
                kind: Kind::Region.key(),
                name: s.name.clone(),
                reasons,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_half_away_from_zero() {
        assert_eq!(round_dp(2.675, 2), 2.68);
        assert_eq!(round_dp(0.05, 1), 0.1);
        assert_eq!(round_dp(-0.05, 1), -0.1);
        assert_eq!(round_dp(89.95, 1), 90.0);
        assert_eq!(round_dp(1.0 / 3.0, 4), 0.3333);
        assert_eq!(round_dp(-0.0, 1).to_string(), "0");
        assert_eq!(round_dp(f64::NAN, 1), 0.0);
    }

    #[test]
    fn scoring_only_the_cases_that_can_count_gives_the_scores_of_scoring_every_case() {
        let mut cfg = Config::embedded();
        // the closure rate too (not in the embedded rubric)
        for list in [
            &mut cfg.assessment.unit_indicators,
            &mut cfg.assessment.region_indicators,
        ] {
            let mut ind = list[0].clone();
            ind.id = "closure".into();
            ind.metric = "closure_rate".into();
            list.push(ind);
        }
        let mut r = crate::test_rng::below(7);
        let day0 = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let day = move |r: &mut dyn FnMut(u64) -> u64| day0 + chrono::Days::new(r(700));
        // dates over two years in any order, some not given
        let cases: Vec<Case> = (0..4000)
            .map(|i| {
                let mut c = Case::blank(&format!("C{i}"), day(&mut r));
                c.unit = UnitId(r(cfg.units.len() as u64) as u16);
                c.region = RegionId(r(cfg.regions.len() as u64) as u16);
                c.source = crate::model::SourceId(r(cfg.sources.len() as u64) as u16);
                c.filed_date = (r(4) > 0).then(|| day(&mut r));
                c.closed_date = (r(2) > 0).then(|| day(&mut r));
                c
            })
            .collect();
        let ds = Dataset {
            cases,
            ..Default::default()
        };
        let q = Quarter::parse("2026Q2").unwrap();
        let kept = ds.cases.iter().filter(|c| can_count_in(c, q.period()));
        let kept = kept.count();
        assert!(kept < ds.cases.len() * 3 / 4, "{kept}");
        for scope in [None, Some(RegionId(0))] {
            let every = assess_among(&ds, &cfg, q, scope, &[], |_| true);
            assert_eq!(assess(&ds, &cfg, q, scope, &[]), every);
            assert!(every
                .units
                .iter()
                .any(|u| u.deductions.iter().any(|d| d.count > 0)));
        }
    }

    #[test]
    fn grades_and_ranks() {
        let cfg = Config::embedded();
        assert_eq!(grade_of(&cfg, 90.0), "优秀");
        assert_eq!(grade_of(&cfg, 89.9), "良好");
        assert_eq!(grade_of(&cfg, 60.0), "合格");
        assert_eq!(grade_of(&cfg, 59.9), "不合格");
        assert_eq!(grade_of(&cfg, 0.0), "不合格");
        let mk = |score| Scored {
            name: String::new(),
            score,
            rank: 0,
            grade: String::new(),
            indicators: vec![],
            deductions: vec![],
            adjustments: vec![],
            indicator_points: 0.0,
            indicator_scale: 1.0,
            deduction_points: 0.0,
            adjustment_points: 0.0,
        };
        let mut v = vec![mk(80.0), mk(95.5), mk(95.5), mk(70.0)];
        rank(&mut v);
        let ranks: Vec<u32> = v.iter().map(|s| s.rank).collect();
        assert_eq!(ranks, [3, 1, 1, 4]);
    }
}
