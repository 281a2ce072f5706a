//! The quarterly briefing (联席会议通报) and the local reports: prose and
//! tables generated from the analysis and the assessment, plus the text a
//! person writes each quarter (`briefing.toml` in the quarter folder).
//!
//! The prose holds for zero, one and many (issue 18): a figure that is zero
//! is left out of its sentence (or the sentence says 未发现… once), a change
//! over a small base reads as counts (由1起增至11起), large tonnages in 万吨,
//! ties at the cut of a "较多的是" list are all named, and a region's report
//! speaks of its own townships and departments and takes only its own part
//! of `briefing.toml` (`[regions."瑞安市"]`).
//!
//! The folder holds one concern a file: `text` (the words of
//! `briefing.toml`), `voice` (how the prose names places and units, and
//! its shared phrases), `prose` (the sentences of figures), `tables`,
//! `charts`, `problems` (跟踪监管 and 存在问题) and `cases` (典型案例).
//! This file holds the document itself and puts it together.

mod cases;
mod charts;
mod problems;
mod prose;
mod tables;
mod text;
mod voice;

use serde::Serialize;

use super::Masthead;
use crate::analysis::Analysis;
use crate::assess::Assessment;
use crate::config::Config;
use crate::model::{Case, Dataset};

pub use cases::CaseNote;
pub use charts::Charts;
pub use tables::{Table, GROUP_OVERDUE_NOTE, ROUNDING_NOTE, SMALL_BASE_NOTE};
pub use text::{
    BriefingText, RegionText, TypicalCase, DEFAULT_NEXT_STEPS, DEFAULT_REGION_NEXT_STEPS,
};
pub use voice::{rank_text, top_with_ties};

use cases::typical_cases;
use charts::charts;
use problems::{problems, tracking};
use prose::{areas_text, overview, types_text, units_text};
use tables::{group_table, referrals_tables, totals_table, units_table};
use voice::Voice;

/// A configured value on one line (front matter holds one value per line).
fn one_line(s: String) -> String {
    super::doc::clean(&s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// 联席会议通报 (city scope) or a region's report (scoped).
#[derive(Debug, Clone, Serialize)]
pub struct BriefingDoc {
    pub masthead: Masthead,
    pub doc_number: Option<String>,
    /// A region's own report: its 主送机关 and 抄送 (the briefing's come
    /// from the configuration).
    pub addressee: Option<String>,
    pub cc: Option<String>,
    pub scoped: bool,
    /// 各地 / 各乡镇（街道）
    pub area_label: String,
    pub foreword: String,
    pub overview: Vec<String>,
    pub totals_table: Table,
    pub areas_text: Vec<String>,
    pub areas_table: Table,
    pub types_text: Vec<String>,
    pub types_table: Table,
    pub units_text: Vec<String>,
    pub units_table: Table,
    pub referrals_table: Table,
    pub overdue_referrals: Table,
    pub tracking_text: Vec<String>,
    pub recurrences_table: Table,
    pub problems: Vec<String>,
    pub next_steps: Vec<String>,
    pub typical_cases: Vec<CaseNote>,
    /// The region's standing in the city (region reports only).
    pub standing: Vec<String>,
    pub charts: Charts,
}

/// The dataset a briefing is drawn from, with the cases it quotes or counts
/// one by one picked out: those found or closed in the report quarter, of
/// every region (media exposure counts cases found in the quarter, typical
/// cases are closed in it). Picked once for the city's briefing and every
/// region's report: a report that looked through every case read cost one
/// pass over the whole ledger per region.
pub struct QuarterCases<'a> {
    ds: &'a Dataset,
    cases: Vec<&'a Case>,
    /// Positions in `cases` grouped by region (in `cases`' order within a
    /// region), and where each region's group starts (one more entry than
    /// regions): a region's report looks at its own cases only, instead of
    /// every region's report reading every case of the quarter.
    by_region: Vec<u32>,
    starts: Vec<usize>,
}

impl<'a> QuarterCases<'a> {
    pub fn of(ds: &'a Dataset, quarter: crate::quarter::Quarter) -> QuarterCases<'a> {
        let p = quarter.period();
        let cases = ds
            .cases
            .iter()
            .filter(|c| p.contains(c.found_date) || c.closed_date.is_some_and(|d| p.contains(d)))
            .collect::<Vec<_>>();
        // a counting sort by region: stable
        let regions = cases
            .iter()
            .map(|c| c.region.index() + 1)
            .max()
            .unwrap_or(0);
        let mut starts = vec![0usize; regions + 1];
        for c in &cases {
            starts[c.region.index() + 1] += 1;
        }
        for r in 1..starts.len() {
            starts[r] += starts[r - 1];
        }
        let mut by_region = vec![0u32; cases.len()];
        let mut next = starts.clone();
        for (i, c) in cases.iter().enumerate() {
            let at = &mut next[c.region.index()];
            by_region[*at] = i as u32;
            *at += 1;
        }
        QuarterCases {
            ds,
            cases,
            by_region,
            starts,
        }
    }

    /// The quarter's cases in scope (all, or one region's), in ledger order.
    fn in_scope(&self, region: Option<crate::model::RegionId>) -> Vec<&'a Case> {
        let Some(r) = region else {
            return self.cases.clone();
        };
        let r = r.index();
        let (Some(&lo), Some(&hi)) = (self.starts.get(r), self.starts.get(r + 1)) else {
            return Vec::new();
        };
        self.by_region[lo..hi]
            .iter()
            .map(|&i| self.cases[i as usize])
            .collect()
    }
}

impl BriefingDoc {
    /// Build the briefing of an analysis (city scope, or a region when `a`
    /// is scoped). `masthead.title` "县市区报告" marks a region's report in
    /// a city run: it takes only its own `[regions.…]` part of `text`; a
    /// `--scope` run's report is that region's briefing and takes the
    /// top-level words (or its `[regions.…]` table when there is one).
    pub fn new(
        cfg: &Config,
        masthead: Masthead,
        a: &Analysis,
        quarter_cases: &QuarterCases,
        assessment: Option<&Assessment>,
        text: &BriefingText,
    ) -> BriefingDoc {
        let scoped = a.scope_id.is_some();
        let scope_name = masthead.scope.clone();
        let region_report = scoped && masthead.title == "县市区报告";
        // the region's own table, for its office, addressee and cc
        let region_table = if scoped {
            text.region(cfg, &scope_name)
        } else {
            None
        };
        let own;
        let text = if region_report || (scoped && text.region(cfg, &scope_name).is_some()) {
            own = text.for_region(cfg, &scope_name);
            &own
        } else {
            text
        };
        if !scoped {
            for k in text.unknown_regions(cfg) {
                eprintln!(
                    "警告：briefing.toml 中的 [regions.\"{k}\"] 不是配置中的县（市、区），已忽略 / warning: [regions.\"{k}\"] in briefing.toml names no configured region; ignored"
                );
            }
            for n in text.shared_numbers() {
                eprintln!(
                    "警告：briefing.toml 中的文号“{n}”用于多个文件，每个文件应有自己的文号 / warning: document number “{n}” in briefing.toml is given to more than one document"
                );
            }
        }
        // A region's report is the region's own document: its own office
        // issues it to its townships and departments and copies the city.
        let mut masthead = masthead;
        let (mut addressee, mut cc) = (None, None);
        if scoped {
            let own = region_table;
            // an office left empty is the default one, not a document
            // without an issuing office
            masthead.office = own
                .and_then(|r| r.office.clone())
                .map(one_line)
                .filter(|o| !o.is_empty())
                .unwrap_or_else(|| format!("{scope_name}打击非法采矿工作领导小组办公室"));
            let to = one_line(own.and_then(|r| r.addressee.clone()).unwrap_or_else(|| {
                format!("各乡镇（街道），{scope_name}打击非法采矿工作领导小组各成员单位")
            }));
            // GB/T 9704 §7.3.2: the last addressee ends with a full-width colon
            let to = to.trim_end_matches([':', '：']);
            addressee = (!to.is_empty()).then(|| format!("{to}："));
            let list = own
                .and_then(|r| r.cc.clone())
                .unwrap_or_else(|| vec![cfg.organisation.office.clone()]);
            cc = Some(
                list.iter()
                    .map(|c| one_line(c.clone()))
                    .filter(|c| !c.is_empty())
                    .collect::<Vec<_>>()
                    .join("，"),
            )
            .filter(|c| !c.is_empty());
        }
        let voice = Voice { cfg, scoped };
        let (area_label, area_rows, area_key) = if scoped {
            ("各乡镇（街道）", &a.by_township, "乡镇（街道）")
        } else {
            ("各地", &a.by_region, "县（市、区）")
        };
        let cases: Vec<&Case> = quarter_cases.in_scope(a.scope_id);
        let foreword = text.foreword.clone().unwrap_or_else(|| {
            format!(
                "{}，{}{}认真落实预防和查处非法采矿长效管理机制，依法打击各类非法采矿行为。现将本季度工作情况通报如下。",
                a.quarter.chinese(),
                scope_name,
                voice.everyone()
            )
        });
        let (referrals_table, overdue_referrals) = referrals_tables(a, cfg.rules.reply_days);
        let (tracking_text, recurrences_table) = tracking(a, &voice);
        let mut problems = problems(a, cfg, &cases, area_rows, &voice);
        problems.extend(text.problems.iter().cloned());
        let typical = if text.typical_cases.is_empty() {
            typical_cases(&cases, a, cfg.privacy.mask_personal, &voice)
        } else {
            text.typical_cases
                .iter()
                .map(|t| CaseNote {
                    title: t.title.clone(),
                    text: t.text.clone(),
                })
                .collect()
        };
        let standing = match (a.scope_id, assessment) {
            (Some(r), Some(asmt)) => {
                let name = cfg
                    .regions
                    .get(usize::from(r))
                    .map(|x| x.name.as_str())
                    .unwrap_or("");
                asmt.regions
                    .iter()
                    .find(|s| s.name == name)
                    .map(|s| {
                        let tied = asmt
                            .regions
                            .iter()
                            .any(|o| o.name != s.name && o.rank == s.rank);
                        let place = if tied {
                            rank_text(s.rank, true)
                        } else {
                            format!("列{}", rank_text(s.rank, false))
                        };
                        vec![format!(
                            "本季度考核得分{:.1}分，在{}个县（市、区）中{place}，等次为{}。",
                            s.score,
                            asmt.regions.len(),
                            s.grade
                        )]
                    })
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let default_steps = if scoped {
            DEFAULT_REGION_NEXT_STEPS
        } else {
            DEFAULT_NEXT_STEPS
        };
        BriefingDoc {
            doc_number: text.doc_number.clone(),
            addressee,
            cc,
            scoped,
            area_label: area_label.to_string(),
            foreword,
            overview: {
                let mut o = overview(a, &scope_name, cfg.rules.closing_days);
                // 报送情况: the city's briefing says who did not report
                if !scoped {
                    let missing = crate::analysis::reporting::missing_exports(
                        quarter_cases.ds,
                        cfg,
                        a.quarter,
                    );
                    o.push(super::reporting_sentence(cfg, &missing));
                }
                o
            },
            totals_table: totals_table(a),
            areas_text: areas_text(a, area_rows, &voice),
            areas_table: group_table(
                &format!("表2　{}查处情况", area_label),
                area_key,
                area_rows,
                Some(&a.totals),
            ),
            types_text: types_text(a),
            types_table: group_table(
                "表3　各违法类型查处情况",
                "违法类型",
                &a.by_violation_type,
                Some(&a.totals),
            ),
            units_text: units_text(a, &voice),
            units_table: units_table(a, &voice),
            referrals_table,
            overdue_referrals,
            tracking_text,
            recurrences_table,
            problems,
            next_steps: if text.next_steps.is_empty() {
                default_steps.iter().map(|s| s.to_string()).collect()
            } else {
                text.next_steps.clone()
            },
            typical_cases: typical,
            standing,
            charts: charts(a, area_rows, area_label),
            masthead,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RegionId;

    /// A region's cases are the quarter's cases of that region, in ledger
    /// order; no region (the city) is all of them; a region with none, or
    /// past the last, has none.
    #[test]
    fn a_regions_cases_are_its_own_in_ledger_order() {
        let q = crate::quarter::Quarter { year: 2026, q: 3 };
        let in_q = chrono::NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
        let before = chrono::NaiveDate::from_ymd_opt(2025, 8, 1).unwrap();
        let regions = [3u16, 0, 3, 5, 0, 3, 5, 5, 0, 3];
        let cases = regions
            .iter()
            .enumerate()
            .map(|(i, &r)| Case {
                region: RegionId(r),
                ..Case::blank(&format!("C{i}"), if i == 2 { before } else { in_q })
            })
            .collect();
        let ds = Dataset {
            cases,
            ..Default::default()
        };
        let qc = QuarterCases::of(&ds, q);
        let ids = |v: Vec<&Case>| v.iter().map(|c| c.case_id.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(qc.in_scope(Some(RegionId(3)))), ["C0", "C5", "C9"]);
        assert_eq!(ids(qc.in_scope(Some(RegionId(0)))), ["C1", "C4", "C8"]);
        assert_eq!(ids(qc.in_scope(Some(RegionId(5)))), ["C3", "C6", "C7"]);
        assert!(qc.in_scope(Some(RegionId(1))).is_empty());
        assert!(qc.in_scope(Some(RegionId(9))).is_empty());
        assert_eq!(qc.in_scope(None).len(), 9);
        let empty = Dataset::default();
        assert!(QuarterCases::of(&empty, q)
            .in_scope(Some(RegionId(0)))
            .is_empty());
    }
}
