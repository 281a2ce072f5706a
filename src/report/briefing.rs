//! The quarterly briefing (联席会议通报) and the local reports: prose and
//! tables generated from the analysis and the assessment, plus the text a
//! person writes each quarter (`briefing.toml` in the quarter folder).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::format::{change, change_cell, mask_id, mask_name, num, rate, wan};
use super::Masthead;
use crate::analysis::figures::Figures;
use crate::analysis::{Analysis, GroupRow};
use crate::assess::Assessment;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{Case, Dataset};
use crate::render::chart::{BarChart, Chart, LineChart};

/// `DATA/<quarter>/briefing.toml`: the words a person writes each quarter.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct BriefingText {
    /// 文号, e.g. 温打非采办〔2026〕3号.
    pub doc_number: Option<String>,
    /// 成文日期 YYYY-MM-DD (below `--issue-date`, above the config's).
    pub issue_date: Option<String>,
    /// Replaces the opening paragraph.
    pub foreword: Option<String>,
    /// 下步工作: replaces the default measures.
    pub next_steps: Vec<String>,
    /// 典型案例: replaces the automatic selection.
    pub typical_cases: Vec<TypicalCase>,
    /// Extra paragraphs appended to 存在问题.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct TypicalCase {
    pub title: String,
    pub text: String,
}

impl BriefingText {
    /// Read `briefing.toml` of a quarter folder when present.
    pub fn load(quarter_dir: &Path) -> Result<BriefingText> {
        let p = quarter_dir.join("briefing.toml");
        if !p.is_file() {
            return Ok(BriefingText::default());
        }
        let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
        toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(0);
            Error::Config {
                file: p.display().to_string(),
                message: format!(
                    "第{line}行：{} / line {line}",
                    e.message().trim().replace('\n', " ")
                ),
            }
        })
    }
}

/// The default 下步工作 when `briefing.toml` gives none.
pub const DEFAULT_NEXT_STEPS: &[&str] = &[
    "持续保持高压态势。各地各部门要按照职责分工，加强动态巡查和联合执法，对非法采矿行为发现一起、查处一起，涉嫌犯罪的及时移送司法机关。",
    "抓好问题整改。对本通报指出的超期案件、逾期未回复函告和反弹点位，相关单位和地区要逐一落实整改，于下季度联席会议前报送整改情况。",
    "强化跟踪监管。严格落实已取缔关闭点位登记建档和定期复查制度，发挥电子监控、卫片执法作用，坚决防止死灰复燃。",
    "加强信息通报和案件函告。收函单位要在规定时限内回复办理情况，各成员单位按季度报送案件数据，确保数据真实、准确、完整。",
];

/// A figures table: a key column and formatted cells.
pub use super::doc::Table;
use super::doc::{Cell, Column};

/// A row: the key (left) and the cells.
fn row(key: impl Into<String>, cells: Vec<String>) -> Vec<Cell> {
    std::iter::once(Cell::new(key))
        .chain(cells.into_iter().map(Cell::new))
        .collect()
}

/// A table whose first column is a key and the others numbers (`numeric`)
/// or text.
fn table(caption: &str, head: Vec<String>, rows: Vec<Vec<Cell>>, numeric: bool) -> Table {
    let n = head.len();
    let columns = (0..n)
        .map(|i| {
            if i > 0 && numeric {
                Column::NUM
            } else {
                Column::TEXT
            }
        })
        .collect();
    Table {
        caption: caption.to_string(),
        head: vec![head.into_iter().map(Cell::new).collect()],
        columns,
        rows,
        ..Table::default()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseNote {
    pub title: String,
    pub text: String,
}

/// Chart models (drawn as SVG in HTML, as vector graphics in PDF).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Charts {
    pub trend: Option<Chart>,
    pub areas: Option<Chart>,
    pub types: Option<Chart>,
}

fn charts(a: &Analysis, area_rows: &[GroupRow], area_label: &str) -> Charts {
    let trend = (!a.trend.is_empty()).then(|| {
        let labels: Vec<String> = a.trend.iter().map(|t| t.quarter.to_string()).collect();
        Chart::Line(
            LineChart::new("近八个季度发现、立案、结案情况", labels)
                .series("发现", a.trend.iter().map(|t| t.found as f64))
                .series("立案", a.trend.iter().map(|t| t.filed as f64))
                .series("结案", a.trend.iter().map(|t| t.closed as f64))
                .value_label("单位：起"),
        )
    });
    let areas = (!area_rows.is_empty()).then(|| {
        let mut c = BarChart::new(
            format!("{area_label}发现非法采矿行为情况"),
            area_rows.iter().map(|g| g.key.clone()),
        )
        .series(
            a.quarter.chinese(),
            area_rows.iter().map(|g| g.quarter.found as f64),
        )
        .series(
            "去年同期",
            area_rows
                .iter()
                .map(|g| g.same_quarter_last_year.found as f64),
        )
        .value_label("单位：起");
        if area_rows.len() > 12 {
            c = c.horizontal();
        }
        Chart::Bar(c)
    });
    let mut types: Vec<&GroupRow> = a
        .by_violation_type
        .iter()
        .filter(|g| g.quarter.found > 0)
        .collect();
    types.sort_by(|x, y| y.quarter.found.cmp(&x.quarter.found).then(x.id.cmp(&y.id)));
    let types = (!types.is_empty()).then(|| {
        Chart::Bar(
            BarChart::new("各违法类型发现情况", types.iter().map(|g| g.key.clone()))
                .series(
                    a.quarter.chinese(),
                    types.iter().map(|g| g.quarter.found as f64),
                )
                .value_label("单位：起")
                .horizontal(),
        )
    });
    Charts {
        trend,
        areas,
        types,
    }
}

/// 联席会议通报 (city scope) or a region's report (scoped).
#[derive(Debug, Clone, Serialize)]
pub struct BriefingDoc {
    pub masthead: Masthead,
    pub doc_number: Option<String>,
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

/// 128起 / 12.35万元 style counts.
fn qi(n: u64) -> String {
    format!("{n}起")
}

fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!(
            "{:.1}%",
            crate::assess::round_dp(part as f64 * 100.0 / whole as f64, 1)
        )
    }
}

/// 瑞安市2起、永嘉县1起: counts per region, in configuration order.
fn count_by_region(cfg: &Config, regions: impl Iterator<Item = u16>) -> String {
    let mut by_region: std::collections::BTreeMap<u16, u64> = Default::default();
    for r in regions {
        *by_region.entry(r).or_default() += 1;
    }
    by_region
        .iter()
        .map(|(r, n)| {
            let name = cfg
                .regions
                .get(*r as usize)
                .map(|x| x.name.as_str())
                .unwrap_or("");
            format!("{name}{}", qi(*n))
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// 1—9月 for the year to date of a quarter.
fn ytd_label(a: &Analysis) -> String {
    format!("1—{}月", a.quarter.q as u32 * 3)
}

fn overview(a: &Analysis, scope: &str) -> Vec<String> {
    let t = &a.totals;
    let c = &a.change_pct;
    let mut v = Vec::new();
    v.push(format!(
        "{}，{}共发现非法采矿行为{}，同比{}，环比{}；立案{}，同比{}；结案{}，同比{}。",
        a.quarter.chinese(),
        scope,
        qi(t.found),
        change(c.same_quarter_last_year.found),
        change(c.previous_quarter.found),
        qi(t.filed),
        change(c.same_quarter_last_year.filed),
        qi(t.closed),
        change(c.same_quarter_last_year.closed),
    ));
    v.push(format!(
        "结案案件共处罚款{}万元、没收违法所得{}万元，涉案矿产量{}吨；移送司法机关{}，其中公安机关刑事立案{}。",
        wan(t.fine_yuan),
        wan(t.confiscated_yuan),
        num(t.volume_t),
        qi(t.transferred),
        qi(t.criminal_filed),
    ));
    v.push(format!(
        "取缔关闭非法采矿点{}个，断电{}处，扣押船舶{}艘、设备{}台，涉案人员{}人。截至季末，在办案件{}，其中超过办案期限{}。",
        t.sites_closed, t.power_cut, t.vessels_seized, t.equipment_seized, t.persons, qi(t.open_at_end), qi(t.overdue),
    ));
    let y = &a.year_to_date;
    v.push(format!(
        "{}累计发现非法采矿行为{}，立案{}，结案{}，罚没款合计{}万元，移送司法机关{}。",
        ytd_label(a),
        qi(y.found),
        qi(y.filed),
        qi(y.closed),
        wan(y.fine_yuan + y.confiscated_yuan),
        qi(y.transferred),
    ));
    v
}

fn figure_cells(f: &Figures) -> Vec<String> {
    vec![
        f.found.to_string(),
        f.filed.to_string(),
        f.closed.to_string(),
        wan(f.fine_yuan),
        wan(f.confiscated_yuan),
        f.transferred.to_string(),
        f.sites_closed.to_string(),
        f.open_at_end.to_string(),
        f.overdue.to_string(),
    ]
}

const FIG_HEAD: [&str; 9] = [
    "发现",
    "立案",
    "结案",
    "罚款(万元)",
    "没收(万元)",
    "移送司法",
    "取缔关闭",
    "期末在办",
    "超期",
];

fn totals_table(a: &Analysis) -> Table {
    let mut head = vec!["指标".to_string()];
    head.extend(
        ["本季度", "上季度", "环比", "去年同期", "同比", "年度累计"]
            .iter()
            .map(|s| s.to_string()),
    );
    let rows = crate::analysis::figures::FIGURES
        .iter()
        .enumerate()
        .map(|(i, (_, zh))| {
            let vals = |f: &Figures| f.values()[i];
            let money = zh.contains("(元)");
            let label = if money {
                zh.replace("(元)", "(万元)")
            } else {
                zh.to_string()
            };
            let fmt = |x: f64| if money { wan(x) } else { num(x) };
            row(
                label,
                vec![
                    fmt(vals(&a.totals)),
                    fmt(vals(&a.previous_quarter)),
                    change_cell(a.change_pct.previous_quarter.values()[i]),
                    fmt(vals(&a.same_quarter_last_year)),
                    change_cell(a.change_pct.same_quarter_last_year.values()[i]),
                    fmt(vals(&a.year_to_date)),
                ],
            )
        })
        .collect();
    table("表1　主要指标", head, rows, true)
}

fn group_table(caption: &str, key: &str, rows: &[GroupRow], with_total: Option<&Figures>) -> Table {
    let mut head = vec![key.to_string()];
    head.extend(FIG_HEAD.iter().map(|s| s.to_string()));
    head.push("发现同比".into());
    let mut out: Vec<Vec<Cell>> = rows
        .iter()
        .map(|g| {
            let mut cells = figure_cells(&g.quarter);
            cells.push(change_cell(g.change_pct.same_quarter_last_year.found));
            row(g.key.clone(), cells)
        })
        .collect();
    if let Some(t) = with_total {
        let mut cells = figure_cells(t);
        cells.push(String::new());
        out.push(row("合计", cells));
    }
    table(caption, head, out, true)
}

fn list_names(v: &[String]) -> String {
    v.join("、")
}

fn areas_text(a: &Analysis, rows: &[GroupRow], label: &str) -> Vec<String> {
    let mut v = Vec::new();
    let mut ranked: Vec<&GroupRow> = rows.iter().filter(|g| g.quarter.found > 0).collect();
    ranked.sort_by(|x, y| y.quarter.found.cmp(&x.quarter.found).then(x.id.cmp(&y.id)));
    if ranked.is_empty() {
        v.push(format!("本季度{label}均未发现非法采矿行为。"));
        return v;
    }
    let top: Vec<String> = ranked
        .iter()
        .take(3)
        .map(|g| format!("{}（{}）", g.key, qi(g.quarter.found)))
        .collect();
    let none: Vec<String> = rows
        .iter()
        .filter(|g| g.quarter.found == 0)
        .map(|g| g.key.clone())
        .collect();
    let mut s = format!("从{label}看，发现非法采矿行为较多的是{}", list_names(&top));
    if !none.is_empty() && none.len() <= 6 {
        s.push_str(&format!("；{}本季度未发现", list_names(&none)));
    }
    s.push('。');
    v.push(s);
    let rising: Vec<String> = rows
        .iter()
        .filter_map(|g| {
            g.change_pct
                .same_quarter_last_year
                .found
                .filter(|p| *p > 0.0)
                .map(|p| format!("{}（上升{:.1}%）", g.key, p))
        })
        .collect();
    if !rising.is_empty() {
        v.push(format!(
            "与去年同期相比，发现数上升的有{}。",
            list_names(&rising)
        ));
    }
    let _ = a;
    v
}

fn types_text(a: &Analysis) -> Vec<String> {
    let total = a.totals.found;
    let mut ranked: Vec<&GroupRow> = a
        .by_violation_type
        .iter()
        .filter(|g| g.quarter.found > 0)
        .collect();
    ranked.sort_by(|x, y| y.quarter.found.cmp(&x.quarter.found).then(x.id.cmp(&y.id)));
    let mut v = Vec::new();
    if !ranked.is_empty() {
        let parts: Vec<String> = ranked
            .iter()
            .take(4)
            .map(|g| {
                format!(
                    "{}{}、占{}",
                    g.key,
                    qi(g.quarter.found),
                    share(g.quarter.found, total)
                )
            })
            .collect();
        v.push(format!("从违法类型看，{}。", parts.join("，")));
    }
    let proactive: u64 = a
        .by_source
        .iter()
        .filter(|s| s.proactive)
        .map(|s| s.found)
        .sum();
    let names: Vec<String> = a
        .by_source
        .iter()
        .filter(|s| s.proactive)
        .map(|s| s.key.clone())
        .collect();
    let others: Vec<String> = a
        .by_source
        .iter()
        .filter(|s| !s.proactive && s.found > 0)
        .map(|s| format!("{}{}", s.key, qi(s.found)))
        .collect();
    if total > 0 {
        let mut s = format!(
            "从线索来源看，通过{}主动发现{}，占{}",
            list_names(&names),
            qi(proactive),
            share(proactive, total)
        );
        if !others.is_empty() {
            s.push_str(&format!("；{}", others.join("，")));
        }
        s.push('。');
        v.push(s);
    }
    v
}

fn units_text(a: &Analysis) -> Vec<String> {
    let mut v = Vec::new();
    let active: Vec<String> = {
        let mut r: Vec<&GroupRow> = a.by_unit.iter().filter(|g| g.quarter.found > 0).collect();
        r.sort_by(|x, y| y.quarter.found.cmp(&x.quarter.found).then(x.id.cmp(&y.id)));
        r.iter()
            .take(4)
            .map(|g| format!("{}（{}）", g.key, qi(g.quarter.found)))
            .collect()
    };
    if !active.is_empty() {
        v.push(format!(
            "各成员单位按照职责分工依法查处，发现案件较多的是{}。",
            list_names(&active)
        ));
    }
    let r = &a.referrals;
    v.push(format!(
        "信息通报和案件函告方面，本季度各成员单位共发出函告{}件，已回复{}件，其中按期回复{}件，按期回复率{}；截至季末，逾期未回复函告{}件。",
        r.sent,
        r.replied,
        r.replied_on_time,
        rate(crate::analysis::figures::rate(r.replied_on_time as f64, r.sent as f64)),
        r.overdue.len()
    ));
    let p = &a.patrols;
    v.push(format!(
        "动态巡查方面，共开展巡查{}次，其中联合巡查{}次，出动{}人次，发现问题{}个。",
        p.count, p.joint, p.person_times, p.issues_found
    ));
    let m = &a.meetings;
    if m.held > 0 {
        let absent: Vec<String> = m
            .by_unit
            .iter()
            .filter(|u| u.attended < m.held)
            .map(|u| format!("{}未出席{}次", u.key, m.held - u.attended))
            .collect();
        let mut s = format!("联席会议方面，本季度召开联席会议{}次", m.held);
        if absent.is_empty() {
            s.push_str("，各成员单位均按时出席。");
        } else {
            s.push_str(&format!("，{}。", absent.join("，")));
        }
        v.push(s);
    } else {
        v.push("本季度未登记联席会议出席情况。".into());
    }
    v
}

fn units_table(a: &Analysis) -> Table {
    group_table(
        "表4　各成员单位查处情况",
        "单位",
        &a.by_unit,
        Some(&a.totals),
    )
}

fn referrals_tables(a: &Analysis, reply_days: i64) -> (Table, Table) {
    let rows = a
        .referrals
        .by_unit
        .iter()
        .map(|u| {
            row(
                u.key.clone(),
                vec![
                    u.sent.to_string(),
                    u.received.to_string(),
                    u.replied.to_string(),
                    u.replied_on_time.to_string(),
                    rate(crate::analysis::figures::rate(
                        u.replied_on_time as f64,
                        u.received as f64,
                    )),
                ],
            )
        })
        .collect();
    let t1 = table(
        "表5　案件函告办理情况",
        ["单位", "发函", "收函", "已回复", "按期回复", "按期回复率"]
            .map(String::from)
            .to_vec(),
        rows,
        true,
    );
    let overdue = &a.referrals.overdue;
    let rows = overdue
        .iter()
        .take(crate::report::LIST_LIMIT)
        .map(|o| {
            row(
                o.ref_id.clone(),
                vec![
                    o.from_unit.clone(),
                    o.to_unit.clone(),
                    o.sent_date.to_string(),
                    // days past the reply limit at the period end (the
                    // list holds letters older than the limit only)
                    format!("{}天", (o.days - reply_days).max(0)),
                ],
            )
        })
        .collect();
    let mut t2 = table(
        "表6　逾期未回复函告",
        [
            "函告编号",
            "发函单位",
            "收函单位",
            "发函日期",
            "超过回复期限",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        false,
    );
    if overdue.len() > crate::report::LIST_LIMIT {
        t2.notes.push(format!(
            "表中仅列前{}件，共{}件（全部见数据表 tables/referrals_overdue.csv）。",
            crate::report::LIST_LIMIT,
            overdue.len()
        ));
    }
    (t1, t2)
}

fn tracking(a: &Analysis, cfg: &Config) -> (Vec<String>, Table) {
    let r = &a.recurrence;
    let mut v = vec![format!(
        "截至季末，已登记取缔关闭的非法采矿点位{}个。本季度发现已取缔点位反弹{}，涉及点位{}个。",
        r.closed_sites,
        qi(r.recurrences.len() as u64),
        r.recurred_sites
    )];
    if !r.recurrences.is_empty() {
        let parts = count_by_region(cfg, r.recurrences.iter().map(|p| p.region));
        v.push(format!("反弹案件分布在{parts}。"));
    }
    let total = r.recurrences.len();
    if total > crate::report::LIST_LIMIT {
        v.push(format!(
            "表7仅列发现日期最早的{}起，全部{total}起见数据表 tables/recurrences.csv。",
            crate::report::LIST_LIMIT
        ));
    }
    let rows = r
        .recurrences
        .iter()
        .take(crate::report::LIST_LIMIT)
        .map(|p| {
            row(
                cfg.regions
                    .get(p.region as usize)
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
                vec![
                    crate::analysis::township_name(&p.township).to_string(),
                    p.site.clone(),
                    p.closed_case.clone(),
                    p.recurred_case.clone(),
                    p.found_date.to_string(),
                ],
            )
        })
        .collect();
    (
        v,
        table(
            "表7　已取缔点位反弹情况",
            [
                "县（市、区）",
                "乡镇（街道）",
                "点位",
                "取缔案件",
                "反弹案件",
                "发现日期",
            ]
            .map(String::from)
            .to_vec(),
            rows,
            false,
        ),
    )
}

fn problems(
    a: &Analysis,
    cfg: &Config,
    ds_cases: &[&Case],
    area_rows: &[GroupRow],
    label: &str,
) -> Vec<String> {
    let mut v = Vec::new();
    let rising: Vec<String> = area_rows
        .iter()
        .filter_map(|g| {
            g.change_pct
                .same_quarter_last_year
                .found
                .filter(|p| *p > 0.0)
                .map(|p| format!("{}（{}，上升{:.1}%）", g.key, qi(g.quarter.found), p))
        })
        .collect();
    match rising.len() {
        0 => {}
        // One place is named as itself, not as "部分…".
        1 => v.push(format!(
            "{}非法采矿行为有所抬头，发现数同比上升，需引起重视。",
            rising[0]
        )),
        _ => v.push(format!(
            "部分{label}非法采矿行为有所抬头。{}发现数同比上升，需引起重视。",
            list_names(&rising)
        )),
    }
    let p = a.quarter.period();
    let media: Vec<&&Case> = ds_cases
        .iter()
        .filter(|c| {
            p.contains(c.found_date)
                && cfg
                    .sources
                    .get(c.source as usize)
                    .is_some_and(|s| s.name == "媒体曝光")
        })
        .collect();
    if !media.is_empty() {
        let parts = count_by_region(cfg, media.iter().map(|c| c.region));
        v.push(format!(
            "媒体曝光问题仍有发生。本季度经媒体曝光发现非法采矿行为{}（{}），反映出日常巡查仍有盲区。",
            qi(media.len() as u64),
            parts
        ));
    }
    if a.totals.overdue > 0 {
        let mut by_unit: Vec<&GroupRow> =
            a.by_unit.iter().filter(|g| g.quarter.overdue > 0).collect();
        by_unit.sort_by(|x, y| {
            y.quarter
                .overdue
                .cmp(&x.quarter.overdue)
                .then(x.id.cmp(&y.id))
        });
        let parts: Vec<String> = by_unit
            .iter()
            .map(|g| format!("{}{}", g.key, qi(g.quarter.overdue)))
            .collect();
        v.push(format!(
            "案件办理不够及时。超过{}日办案期限的案件{}，涉及{}。",
            cfg.rules.closing_days,
            qi(a.totals.overdue),
            parts.join("、")
        ));
    }
    if !a.referrals.overdue.is_empty() {
        let mut by_to: std::collections::BTreeMap<&str, u64> = Default::default();
        for o in &a.referrals.overdue {
            *by_to.entry(o.to_unit.as_str()).or_default() += 1;
        }
        let mut parts: Vec<(&str, u64)> = by_to.into_iter().collect();
        parts.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        let parts: Vec<String> = parts.iter().map(|(u, n)| format!("{u}{n}件")).collect();
        v.push(format!(
            "部门协作有待加强。截至季末，超过{}日未回复的函告{}件，涉及{}。",
            cfg.rules.reply_days,
            a.referrals.overdue.len(),
            parts.join("、")
        ));
    }
    if !a.recurrence.recurrences.is_empty() {
        v.push(format!(
            "跟踪监管存在薄弱环节。已取缔点位发生反弹{}，涉及点位{}个，“打击—反弹—再打击”的问题仍未根治。",
            qi(a.recurrence.recurrences.len() as u64),
            a.recurrence.recurred_sites
        ));
    }
    if v.is_empty() {
        v.push("本季度未发现突出问题，各地各部门要继续保持工作力度。".into());
    }
    v
}

fn typical_cases(cases: &[&Case], cfg: &Config, a: &Analysis, mask: bool) -> Vec<CaseNote> {
    let p = a.quarter.period();
    let mut closed: Vec<&&Case> = cases
        .iter()
        .filter(|c| c.closed_date.is_some_and(|d| p.contains(d)))
        .collect();
    closed.sort_by(|x, y| {
        (y.fine_yuan + y.confiscated_yuan)
            .total_cmp(&(x.fine_yuan + x.confiscated_yuan))
            .then(x.unit.cmp(&y.unit))
            .then(x.case_id.cmp(&y.case_id))
    });
    closed
        .iter()
        .take(3)
        .map(|c| {
            let party = if mask {
                mask_name(c.party())
            } else {
                c.party().to_string()
            };
            let pid = if mask {
                mask_id(c.party_id())
            } else {
                c.party_id().to_string()
            };
            let region = cfg
                .regions
                .get(c.region as usize)
                .map(|r| r.name.as_str())
                .unwrap_or("");
            let unit = cfg
                .units
                .get(c.unit as usize)
                .map(|u| u.name.as_str())
                .unwrap_or("");
            let vtype = cfg
                .violation_types
                .get(c.violation_type as usize)
                .map(|t| t.name.as_str())
                .unwrap_or("");
            let mut text = format!(
                "{}{}{}，{}{}。{}部门于{}立案，{}结案",
                region,
                crate::analysis::township_name(&c.township),
                c.site,
                if party.is_empty() {
                    String::new()
                } else {
                    format!("当事人{party}")
                },
                if pid.is_empty() {
                    String::new()
                } else {
                    format!("（证件号{pid}）")
                },
                unit,
                c.filed_date
                    .map(crate::quarter::chinese_date)
                    .unwrap_or_else(|| "—".into()),
                c.closed_date
                    .map(crate::quarter::chinese_date)
                    .unwrap_or_default(),
            );
            text.push_str(&format!(
                "，处罚款{}万元、没收违法所得{}万元{}。",
                wan(c.fine_yuan),
                wan(c.confiscated_yuan),
                if c.transferred {
                    "，并移送司法机关"
                } else {
                    ""
                }
            ));
            if !c.summary().is_empty() {
                text.push_str(&format!("简要案情：{}", c.summary()));
            }
            CaseNote {
                title: format!("{}{}案（{}）", region, vtype, c.case_id),
                text,
            }
        })
        .collect()
}

impl BriefingDoc {
    /// Build the briefing of an analysis (city scope, or a region when `a` is scoped).
    pub fn new(
        cfg: &Config,
        masthead: Masthead,
        a: &Analysis,
        ds: &Dataset,
        assessment: Option<&Assessment>,
        text: &BriefingText,
    ) -> BriefingDoc {
        let scoped = a.scope_id.is_some();
        let scope_name = masthead.scope.clone();
        let (area_label, area_rows, area_key) = if scoped {
            ("各乡镇（街道）", &a.by_township, "乡镇（街道）")
        } else {
            ("各地", &a.by_region, "县（市、区）")
        };
        let cases: Vec<&Case> = ds
            .cases
            .iter()
            .filter(|c| a.scope_id.is_none_or(|r| c.region == r))
            .collect();
        let foreword = text.foreword.clone().unwrap_or_else(|| {
            format!(
                "{}，{}各地各部门认真落实预防和查处非法采矿长效管理机制，依法打击各类非法采矿行为。现将本季度工作情况通报如下。",
                a.quarter.chinese(),
                scope_name
            )
        });
        let (referrals_table, overdue_referrals) = referrals_tables(a, cfg.rules.reply_days);
        let (tracking_text, recurrences_table) = tracking(a, cfg);
        // "部分地区…" in a city's briefing, "部分乡镇（街道）…" in a county's.
        let area_word = if scoped {
            "乡镇（街道）"
        } else {
            "地区"
        };
        let mut problems = problems(a, cfg, &cases, area_rows, area_word);
        problems.extend(text.problems.iter().cloned());
        let typical = if text.typical_cases.is_empty() {
            typical_cases(&cases, cfg, a, cfg.privacy.mask_personal)
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
                let name = &cfg.regions[r as usize].name;
                asmt.regions
                    .iter()
                    .find(|s| &s.name == name)
                    .map(|s| {
                        vec![format!(
                            "本季度考核得分{:.1}分，在{}个县（市、区）中列第{}名，等次为{}。",
                            s.score,
                            cfg.regions.len(),
                            s.rank,
                            s.grade
                        )]
                    })
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        };
        BriefingDoc {
            doc_number: text.doc_number.clone(),
            scoped,
            area_label: area_label.to_string(),
            foreword,
            overview: overview(a, &scope_name),
            totals_table: totals_table(a),
            areas_text: areas_text(a, area_rows, area_label),
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
            units_text: units_text(a),
            units_table: units_table(a),
            referrals_table,
            overdue_referrals,
            tracking_text,
            recurrences_table,
            problems,
            next_steps: if text.next_steps.is_empty() {
                DEFAULT_NEXT_STEPS.iter().map(|s| s.to_string()).collect()
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
