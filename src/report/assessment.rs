//! The assessment document's context (考核通报): score tables with ranks
//! and grades, every unit's and region's detail (indicators, deductions,
//! adjustments — each number behind each point), the grade summaries, the
//! score charts and the rubric as printed.

use serde::Serialize;

use super::chart::{Band, BarChart, Chart};
use super::{briefing, doc, format, id_list, Masthead};
use crate::assess::{AccountabilityEntry, Assessment, Scored};
use crate::config::Config;

/// A score table row (ordered by rank).
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRow {
    pub rank: u32,
    /// The rank as the tables print it: 并列3 when shared.
    pub rank_label: String,
    pub name: String,
    pub score: String,
    pub grade: String,
    pub indicator_points: String,
    pub deduction_points: String,
    pub adjustment_points: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorLine {
    pub name: String,
    pub weight: String,
    pub numerator: String,
    pub denominator: String,
    pub rate: String,
    pub points: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeductionLine {
    pub name: String,
    pub count: u64,
    pub rule: String,
    pub points: String,
    pub case_ids: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AdjustmentLine {
    pub points: String,
    pub reason: String,
    pub basis: String,
}

/// Everything behind one score, for the appendix.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreDetail {
    pub kind: &'static str,
    pub name: String,
    /// The name as prose writes it: a unit by its 规范简称 (市林业局, the
    /// configuration's `full_name`), a region by its name.
    pub display_name: String,
    pub score: String,
    pub rank: u32,
    /// 第3名, or 并列第3名 when another shares the rank.
    pub rank_text: String,
    pub grade: String,
    pub indicators: Vec<IndicatorLine>,
    pub deductions: Vec<DeductionLine>,
    pub adjustments: Vec<AdjustmentLine>,
    /// 23.5 + 20 − 4 + 2 = 41.5
    pub sum: String,
    /// Indicators, deductions and adjustments as one table.
    pub table: doc::Table,
}

/// 考核通报.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentDoc {
    pub masthead: Masthead,
    /// 文号 (briefing.toml `assessment_doc_number`).
    pub doc_number: Option<String>,
    pub intro: String,
    pub summary: Vec<String>,
    pub units: Vec<ScoreRow>,
    pub regions: Vec<ScoreRow>,
    pub accountability: Vec<AccountabilityEntry>,
    /// Units then regions, each in configuration order.
    pub details: Vec<ScoreDetail>,
    /// The units' details, by rank (ties in configuration order).
    pub unit_details: Vec<ScoreDetail>,
    /// The regions' details, by rank (ties in configuration order).
    pub region_details: Vec<ScoreDetail>,
    pub rubric: Vec<String>,
    /// One sentence per indicator without data (contract §3: 无数据, the other
    /// indicators scaled to the full weight), for the 考核办法 section.
    pub no_data: Vec<String>,
    /// Score charts (drawn as SVG in HTML, as vector graphics in PDF).
    pub unit_chart: Option<Chart>,
    pub region_chart: Option<Chart>,
}

fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", format::num(x))
    } else if x < 0.0 {
        format!("−{}", format::num(-x))
    } else {
        "0".into()
    }
}

fn score_rows(list: &[Scored]) -> Vec<ScoreRow> {
    let mut v: Vec<&Scored> = list.iter().collect();
    v.sort_by_key(|s| s.rank); // stable: ties stay in configuration order
    v.into_iter()
        .map(|s| ScoreRow {
            rank: s.rank,
            rank_label: if list.iter().filter(|o| o.rank == s.rank).count() > 1 {
                format!("并列{}", s.rank)
            } else {
                s.rank.to_string()
            },
            name: s.name.clone(),
            score: format!("{:.1}", s.score),
            grade: s.grade.clone(),
            indicator_points: format::num(s.indicator_points),
            deduction_points: if s.deduction_points > 0.0 {
                format!("−{}", format::num(s.deduction_points))
            } else {
                "0".into()
            },
            adjustment_points: signed(s.adjustment_points),
        })
        .collect()
}

/// A unit's name as prose writes it: its 规范简称 (`full_name` in the
/// configuration, e.g. 市林业局), else its short name; other names as they are.
/// 报送情况 as the briefing says it: every unit reported, or which did not
/// (by their 规范简称).
pub fn reporting_sentence(cfg: &Config, missing: &[String]) -> String {
    if missing.is_empty() {
        return format!("本季度{}家成员单位均报送了案件数据。", cfg.units.len());
    }
    let names: Vec<String> = missing.iter().map(|m| unit_display(cfg, m)).collect();
    format!("本季度{}未报送案件数据。", names.join("、"))
}

/// 报送情况 as a warning (the index page, `build` and `validate`), or none
/// when every unit sent its export for `folder`.
pub fn reporting_warning(cfg: &Config, missing: &[String], folder: &str) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let names: Vec<String> = missing.iter().map(|m| unit_display(cfg, m)).collect();
    Some(format!(
        "报送情况：{}未报送 {folder} 的案件数据（只有表头的文件为零报告，算作已报送） / reporting: no case export for {folder} from {}",
        names.join("、"),
        missing.join(", ")
    ))
}

pub fn unit_display(cfg: &Config, name: &str) -> String {
    cfg.units
        .iter()
        .find(|u| u.name == name)
        .and_then(|u| u.full_name.clone())
        .filter(|f| !f.trim().is_empty())
        .unwrap_or_else(|| name.to_string())
}

fn detail(cfg: &Config, kind: &'static str, s: &Scored, all: &[Scored]) -> ScoreDetail {
    let tied = all.iter().any(|o| o.name != s.name && o.rank == s.rank);
    let mut sum = format::num(s.indicator_points);
    if s.deduction_points > 0.0 {
        sum.push_str(&format!(" − {}", format::num(s.deduction_points)));
    }
    for a in &s.adjustments {
        sum.push_str(&if a.points < 0.0 {
            format!(" − {}", format::num(-a.points))
        } else {
            format!(" + {}", format::num(a.points))
        });
    }
    let raw = s.indicator_points - s.deduction_points + s.adjustment_points;
    let raw_text = if raw < 0.0 {
        format!("−{}", format::num(-raw))
    } else {
        format::num(raw)
    };
    sum.push_str(&format!(" = {raw_text}"));
    if !(0.0..=100.0).contains(&raw) {
        sum.push_str(&format!("，按 0–100 分计为 {:.1}", s.score));
    } else {
        sum.push_str(&format!("，计 {:.1} 分", s.score));
    }
    let mut d = ScoreDetail {
        table: doc::Table::default(),
        kind,
        name: s.name.clone(),
        display_name: if kind == "成员单位" {
            unit_display(cfg, &s.name)
        } else {
            s.name.clone()
        },
        score: format!("{:.1}", s.score),
        rank: s.rank,
        rank_text: briefing::rank_text(s.rank, tied),
        grade: s.grade.clone(),
        indicators: s
            .indicators
            .iter()
            .map(|i| IndicatorLine {
                name: i.name.clone(),
                weight: format::num(i.weight),
                numerator: format::num(i.numerator),
                denominator: format::num(i.denominator),
                rate: match (i.no_data, i.rate) {
                    (true, _) => "无数据（不计分）".into(),
                    (false, Some(_)) => format::rate(i.rate),
                    (false, None) => "无（得满分）".into(),
                },
                points: i.points.map(format::num).unwrap_or_else(|| "—".into()),
            })
            .collect(),
        deductions: s
            .deductions
            .iter()
            .map(|d| DeductionLine {
                name: d.name.clone(),
                count: d.count,
                rule: match d.cap {
                    Some(c) => format!(
                        "每起扣{}分，最多扣{}分",
                        format::num(d.points_each),
                        format::num(c)
                    ),
                    None => format!("每起扣{}分", format::num(d.points_each)),
                },
                points: if d.points > 0.0 {
                    format!("−{}", format::num(d.points))
                } else {
                    "0".into()
                },
                case_ids: id_list(&d.case_ids),
            })
            .collect(),
        adjustments: s
            .adjustments
            .iter()
            .map(|a| AdjustmentLine {
                points: signed(a.points),
                reason: a.reason.clone(),
                basis: a.basis.clone(),
            })
            .collect(),
        sum,
    };
    d.table = detail_table(&d);
    d
}

/// The score detail of one unit or region: indicators (weight, numerator,
/// denominator, rate, points), deductions (count, case numbers) and
/// adjustments (reason, basis) in one six-column table.
fn detail_table(d: &ScoreDetail) -> doc::Table {
    use doc::{Align, Cell, Column};
    let mut t = doc::Table::new(
        "",
        &["指标", "权重", "分子", "分母", "完成率", "得分"],
        vec![
            Column::TEXT,
            Column::NUM,
            Column::NUM,
            Column::NUM,
            Column::NUM,
            Column::NUM,
        ],
    );
    for i in &d.indicators {
        t.rows.push(
            [
                &i.name,
                &i.weight,
                &i.numerator,
                &i.denominator,
                &i.rate,
                &i.points,
            ]
            .iter()
            .map(|x| Cell::new(x.as_str()))
            .collect(),
        );
    }
    for k in &d.deductions {
        t.rows.push(vec![
            Cell::new(format!("{}（{}）", k.name, k.rule)),
            Cell::new(format!("{}起", k.count)).span(2),
            Cell::new(k.case_ids.clone()).span(2).align(Align::Left),
            Cell::new(k.points.clone()),
        ]);
    }
    for a in &d.adjustments {
        t.rows.push(vec![
            Cell::new(format!("加减分：{}", a.reason)),
            Cell::new(a.basis.clone()).span(4).align(Align::Left),
            Cell::new(a.points.clone()),
        ]);
    }
    t
}

fn grade_summary(cfg: &Config, list: &[Scored], who: &str, units: bool) -> String {
    let mut bands: Vec<&crate::config::Grade> = cfg.assessment.grades.iter().collect();
    bands.sort_by(|a, b| b.min.total_cmp(&a.min));
    let parts: Vec<String> = bands
        .iter()
        .map(|g| {
            (
                g.name.as_str(),
                list.iter().filter(|s| s.grade == g.name).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .map(|(g, n)| {
            // In score order (rank; ties in configuration order).
            let mut of_grade: Vec<&Scored> = list.iter().filter(|s| s.grade == g).collect();
            of_grade.sort_by_key(|s| s.rank);
            let names: Vec<String> = of_grade
                .iter()
                .map(|s| {
                    if units {
                        unit_display(cfg, &s.name)
                    } else {
                        s.name.clone()
                    }
                })
                .collect();
            format!("{g}{n}个（{}）", names.join("、"))
        })
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    format!("{who}中，{}。", parts.join("，"))
}

impl AssessmentDoc {
    pub fn new(cfg: &Config, masthead: Masthead, a: &Assessment) -> AssessmentDoc {
        let intro = format!(
            "根据市政府关于建立预防和查处非法采矿长效管理机制的要求，按照考核细则，领导小组办公室对各成员单位和各县（市、区）{}打击非法采矿工作进行了考核。现将考核结果通报如下。",
            masthead.quarter
        );
        let mut summary = Vec::new();
        let u = grade_summary(cfg, &a.units, "成员单位", true);
        if !u.is_empty() {
            summary.push(u);
        }
        let r = grade_summary(cfg, &a.regions, "县（市、区）", false);
        if !r.is_empty() {
            summary.push(r);
        }
        let mut details: Vec<ScoreDetail> = a
            .units
            .iter()
            .map(|s| detail(cfg, "成员单位", s, &a.units))
            .collect();
        details.extend(
            a.regions
                .iter()
                .map(|s| detail(cfg, "县（市、区）", s, &a.regions)),
        );
        let by_rank = |kind: &str| {
            let mut v: Vec<ScoreDetail> =
                details.iter().filter(|d| d.kind == kind).cloned().collect();
            v.sort_by_key(|d| d.rank); // stable: ties stay in configuration order
            v
        };
        let unit_details = by_rank("成员单位");
        let region_details = by_rank("县（市、区）");
        AssessmentDoc {
            masthead,
            doc_number: None,
            intro,
            summary,
            units: score_rows(&a.units),
            regions: score_rows(&a.regions),
            accountability: a.accountability.clone(),
            details,
            unit_details,
            region_details,
            rubric: rubric_lines(cfg),
            no_data: a
                .no_data
                .iter()
                .map(|n| {
                    format!(
                        "“{}”指标本季度无数据（{}），不计分，其余指标得分按实有指标折算。",
                        n.name, n.reason
                    )
                })
                .collect(),
            unit_chart: score_chart("成员单位考核得分", &a.units, cfg),
            region_chart: score_chart("县（市、区）考核得分", &a.regions, cfg),
        }
    }
}

/// Scores as horizontal bars, highest first, with the grade bands behind them.
fn score_chart(title: &str, list: &[Scored], cfg: &Config) -> Option<Chart> {
    if list.is_empty() {
        return None;
    }
    let mut v: Vec<&Scored> = list.iter().collect();
    v.sort_by_key(|s| s.rank);
    let mut grades: Vec<&crate::config::Grade> = cfg.assessment.grades.iter().collect();
    grades.sort_by(|a, b| a.min.total_cmp(&b.min));
    let bands: Vec<Band> = grades
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let to = grades.get(i + 1).map(|n| n.min).unwrap_or(100.0);
            Band::new(g.min, to, g.name.clone())
        })
        .collect();
    Some(Chart::Bar(
        BarChart::new(title, v.iter().map(|s| s.name.clone()))
            .series("总分", v.iter().map(|s| s.score))
            .value_label("分")
            .decimals(1)
            .value_max(100.0)
            .bands(bands)
            .horizontal(),
    ))
}

/// The rubric in words, for the document's 考核办法 paragraph.
pub fn rubric_lines(cfg: &Config) -> Vec<String> {
    let a = &cfg.assessment;
    let ind = |v: &[crate::config::Indicator]| {
        v.iter()
            .map(|i| format!("{}{}分", i.name, format::num(i.weight)))
            .collect::<Vec<_>>()
            .join("、")
    };
    let ded = |v: &[crate::config::Deduction]| {
        v.iter()
            .map(|d| match d.cap {
                Some(c) => format!(
                    "{}每起扣{}分（最多{}分）",
                    d.name,
                    format::num(d.points),
                    format::num(c)
                ),
                None => format!("{}每起扣{}分", d.name, format::num(d.points)),
            })
            .collect::<Vec<_>>()
            .join("，")
    };
    let mut out = vec![format!("成员单位考核指标：{}。", ind(&a.unit_indicators))];
    if !a.unit_deductions.is_empty() {
        out.push(format!("成员单位扣分项：{}。", ded(&a.unit_deductions)));
    }
    out.push(format!(
        "县（市、区）考核指标：{}。",
        ind(&a.region_indicators)
    ));
    if !a.region_deductions.is_empty() {
        out.push(format!(
            "县（市、区）扣分项：{}。",
            ded(&a.region_deductions)
        ));
    }
    let mut bands: Vec<&crate::config::Grade> = a.grades.iter().collect();
    bands.sort_by(|x, y| y.min.total_cmp(&x.min));
    out.push(format!(
        "指标得分为权重乘以完成率，无考核基数的指标得满分；加减分按考核加减分台账计入；总分以0至100分计，{}。",
        bands
            .iter()
            .map(|g| if g.min > 0.0 {
                format!("{}分及以上为{}", format::num(g.min), g.name)
            } else {
                format!("其余为{}", g.name)
            })
            .collect::<Vec<_>>()
            .join("，")
    ));
    out
}
