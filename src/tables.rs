//! `tables/*.csv`: the aggregate tables for Excel (UTF-8 with BOM, Chinese
//! headers, one file per table).
//!
//! | file | rows |
//! |---|---|
//! | totals.csv | one per figure: quarter, previous quarter, 环比 %, same quarter last year, 同比 %, year to date |
//! | by_unit.csv, by_region.csv, by_violation_type.csv, by_township.csv (scoped runs) | one per group and period (本季度/上季度/去年同期/年初至今), every figure a column |
//! | by_source.csv | one per source: proactive or not, found in the quarter |
//! | region_type.csv | region × violation type, found in the quarter, with totals |
//! | trend.csv | one per quarter of the trend: found, filed, closed |
//! | referrals_by_unit.csv, referrals_overdue.csv | referral ledger per unit; unanswered letters past the reply limit |
//! | patrols_by_unit.csv, patrols_by_region.csv | patrols, joint patrols, person-times, issues found |
//! | meetings.csv | meetings attended per unit, meetings held |
//! | recurrences.csv | each recurring case with the register entry it matches |

use crate::analysis::activity::PatrolRow;
use crate::analysis::{township_name, Analysis, Figures, GroupRow, FIGURES};
use crate::config::Config;
use crate::output::{Cell, CsvOut};

const PERIOD_LABELS: [&str; 4] = ["本季度", "上季度", "去年同期", "年初至今"];

fn num_cells(f: &Figures) -> Vec<Cell<'static>> {
    f.values().into_iter().map(Cell::Num).collect()
}

fn opt(x: Option<f64>) -> Cell<'static> {
    match x {
        Some(v) => Cell::Num(v),
        None => Cell::Own(""),
    }
}

/// totals.csv: one row per figure with the comparisons.
fn totals(a: &Analysis) -> Vec<u8> {
    let mut out = CsvOut::new(&[
        "指标",
        "本季度",
        "上季度",
        "环比(%)",
        "去年同期",
        "同比(%)",
        "年初至今",
    ]);
    let (q, p, s, y) = (
        a.totals.values(),
        a.previous_quarter.values(),
        a.same_quarter_last_year.values(),
        a.year_to_date.values(),
    );
    let (cp, cs) = (
        a.change_pct.previous_quarter.values(),
        a.change_pct.same_quarter_last_year.values(),
    );
    for (i, (_, zh)) in FIGURES.iter().enumerate() {
        out.row(&[
            Cell::Own(zh),
            Cell::Num(q[i]),
            Cell::Num(p[i]),
            opt(cp[i]),
            Cell::Num(s[i]),
            opt(cs[i]),
            Cell::Num(y[i]),
        ]);
    }
    out.into_bytes()
}

/// by_*.csv: one row per group and period, every figure as a column.
fn grouped(first: &str, rows: &[GroupRow]) -> Vec<u8> {
    let mut header = vec![first, "期间"];
    header.extend(FIGURES.iter().map(|f| f.1));
    let mut out = CsvOut::new(&header);
    for r in rows {
        for (label, f) in PERIOD_LABELS.iter().zip(r.periods()) {
            let mut cells = vec![Cell::Text(&r.key), Cell::Own(label)];
            cells.extend(num_cells(f));
            out.row(&cells);
        }
    }
    out.into_bytes()
}

fn patrol_table(first: &str, rows: &[PatrolRow]) -> Vec<u8> {
    let mut out = CsvOut::new(&[first, "巡查次数", "联合巡查", "出动人次", "发现问题数"]);
    for r in rows {
        out.row(&[
            Cell::Text(&r.key),
            Cell::Int(r.count as i64),
            Cell::Int(r.joint as i64),
            Cell::Int(r.person_times as i64),
            Cell::Int(r.issues_found as i64),
        ]);
    }
    out.into_bytes()
}

/// Every table as (file name, bytes), in a fixed order.
pub fn tables(a: &Analysis, cfg: &Config) -> Vec<(String, Vec<u8>)> {
    let mut t: Vec<(String, Vec<u8>)> = Vec::new();
    let mut put = |name: &str, b: Vec<u8>| t.push((format!("{name}.csv"), b));
    put("totals", totals(a));
    put("by_unit", grouped("单位", &a.by_unit));
    put("by_region", grouped("县市区", &a.by_region));
    if a.scope_id.is_some() {
        put("by_township", grouped("乡镇街道", &a.by_township));
    }
    put(
        "by_violation_type",
        grouped("违法类型", &a.by_violation_type),
    );

    let mut s = CsvOut::new(&["线索来源", "主动发现", "发现"]);
    for r in &a.by_source {
        s.row(&[
            Cell::Text(&r.key),
            Cell::Own(if r.proactive { "是" } else { "否" }),
            Cell::Int(r.found as i64),
        ]);
    }
    put("by_source", s.into_bytes());

    let ct = &a.region_type;
    let mut header: Vec<&str> = vec!["县市区"];
    header.extend(ct.types.iter().map(|s| s.as_str()));
    header.push("合计");
    let mut x = CsvOut::new(&header);
    let mut col_tot = vec![0u64; ct.types.len()];
    for (r, counts) in ct.regions.iter().zip(&ct.counts) {
        let mut cells = vec![Cell::Text(r)];
        cells.extend(counts.iter().map(|n| Cell::Int(*n as i64)));
        cells.push(Cell::Int(counts.iter().sum::<u64>() as i64));
        for (c, n) in col_tot.iter_mut().zip(counts) {
            *c += n;
        }
        x.row(&cells);
    }
    let mut cells = vec![Cell::Own("合计")];
    cells.extend(col_tot.iter().map(|n| Cell::Int(*n as i64)));
    cells.push(Cell::Int(col_tot.iter().sum::<u64>() as i64));
    x.row(&cells);
    put("region_type", x.into_bytes());

    let mut tr = CsvOut::new(&["季度", "发现", "立案", "结案"]);
    for p in &a.trend {
        let q = p.quarter.to_string();
        tr.row(&[
            Cell::Own(&q),
            Cell::Int(p.found as i64),
            Cell::Int(p.filed as i64),
            Cell::Int(p.closed as i64),
        ]);
    }
    put("trend", tr.into_bytes());

    let mut ru = CsvOut::new(&["单位", "发函", "收函", "已回复", "按时回复"]);
    for r in &a.referrals.by_unit {
        ru.row(&[
            Cell::Text(&r.key),
            Cell::Int(r.sent as i64),
            Cell::Int(r.received as i64),
            Cell::Int(r.replied as i64),
            Cell::Int(r.replied_on_time as i64),
        ]);
    }
    put("referrals_by_unit", ru.into_bytes());

    let mut ro = CsvOut::new(&["函告编号", "发函单位", "收函单位", "发函日期", "已过天数"]);
    for r in &a.referrals.overdue {
        let d = r.sent_date.to_string();
        ro.row(&[
            Cell::Text(&r.ref_id),
            Cell::Text(&r.from_unit),
            Cell::Text(&r.to_unit),
            Cell::Own(&d),
            Cell::Int(r.days),
        ]);
    }
    put("referrals_overdue", ro.into_bytes());

    put("patrols_by_unit", patrol_table("单位", &a.patrols.by_unit));
    put(
        "patrols_by_region",
        patrol_table("县市区", &a.patrols.by_region),
    );

    let mut m = CsvOut::new(&["单位", "出席次数", "会议次数"]);
    for r in &a.meetings.by_unit {
        m.row(&[
            Cell::Text(&r.key),
            Cell::Int(r.attended as i64),
            Cell::Int(a.meetings.held as i64),
        ]);
    }
    put("meetings", m.into_bytes());

    let units = cfg.unit_names();
    let regions = cfg.region_names();
    let nm = |l: &[&str], i: u16| l.get(i as usize).map(|s| s.to_string()).unwrap_or_default();
    let mut rc = CsvOut::new(&[
        "县市区",
        "乡镇街道",
        "点位名称",
        "取缔单位",
        "取缔案件编号",
        "反弹单位",
        "反弹案件编号",
        "发现日期",
    ]);
    for p in &a.recurrence.recurrences {
        let (r, cu, ru, d) = (
            nm(&regions, p.region),
            nm(&units, p.closed_unit),
            nm(&units, p.recurred_unit),
            p.found_date.to_string(),
        );
        rc.row(&[
            Cell::Text(&r),
            Cell::Text(township_name(&p.township)),
            Cell::Text(&p.site),
            Cell::Text(&cu),
            Cell::Text(&p.closed_case),
            Cell::Text(&ru),
            Cell::Text(&p.recurred_case),
            Cell::Own(&d),
        ]);
    }
    put("recurrences", rc.into_bytes());
    t
}

/// Score tables for Excel: one per kind (units, regions), one row per
/// entity with every indicator's rate and points, the deductions, the
/// adjustments, the score, rank and grade.
pub fn score_tables(a: &crate::assess::Assessment) -> Vec<(String, Vec<u8>)> {
    let one = |list: &[crate::assess::Scored], who: &str| -> Vec<u8> {
        let mut header: Vec<String> = vec!["名次".into(), who.into()];
        if let Some(first) = list.first() {
            for i in &first.indicators {
                header.push(format!("{}分子", i.name));
                header.push(format!("{}分母", i.name));
                header.push(format!("{}完成率", i.name));
                header.push(format!("{}得分", i.name));
            }
            for d in &first.deductions {
                header.push(format!("{}次数", d.name));
                header.push(format!("{}扣分", d.name));
                header.push(format!("{}案件编号", d.name));
            }
        }
        for h in ["加减分", "加减分事由", "总分", "等次"] {
            header.push(h.into());
        }
        let refs: Vec<&str> = header.iter().map(|s| s.as_str()).collect();
        let mut out = CsvOut::new(&refs);
        let mut sorted: Vec<&crate::assess::Scored> = list.iter().collect();
        sorted.sort_by_key(|s| s.rank);
        for s in sorted {
            let ids: Vec<String> = s.deductions.iter().map(|d| d.case_ids.join("、")).collect();
            let reasons: String = s
                .adjustments
                .iter()
                .map(|a| format!("{}（{}）", a.reason, crate::output::fmt_num(a.points)))
                .collect::<Vec<_>>()
                .join("；");
            let mut cells: Vec<Cell> = vec![Cell::Int(s.rank as i64), Cell::Text(&s.name)];
            for i in &s.indicators {
                cells.push(Cell::Num(i.numerator));
                cells.push(Cell::Num(i.denominator));
                cells.push(match i.rate {
                    Some(r) => Cell::Num(r),
                    None => Cell::Own(""),
                });
                cells.push(Cell::Num(i.points));
            }
            for (d, ids) in s.deductions.iter().zip(&ids) {
                cells.push(Cell::Int(d.count as i64));
                cells.push(Cell::Num(d.points));
                cells.push(Cell::Text(ids));
            }
            cells.push(Cell::Num(s.adjustment_points));
            cells.push(Cell::Text(&reasons));
            cells.push(Cell::Num(s.score));
            cells.push(Cell::Own(&s.grade));
            out.row(&cells);
        }
        out.into_bytes()
    };
    vec![
        ("scores_units.csv".to_string(), one(&a.units, "单位")),
        ("scores_regions.csv".to_string(), one(&a.regions, "县市区")),
    ]
}
