//! The figures tables of a briefing (表1 主要指标 to 表6 逾期未回复函告),
//! their cells as printed and the notes under them, plus the `row` and
//! `table` builders. (表7, the recurrences, is built with its text in
//! `problems.rs`.)

use crate::analysis::figures::Figures;
use crate::analysis::{Analysis, GroupRow};
use crate::report::format::{change_cell, count_change_cell, num, rate, wan};

use super::voice::Voice;

/// A figures table: a key column and formatted cells.
pub use crate::report::doc::Table;
use crate::report::doc::{Cell, Column};

/// A row: the key (left) and the cells.
pub(super) fn row(key: impl Into<String>, cells: Vec<String>) -> Vec<Cell> {
    std::iter::once(Cell::new(key))
        .chain(cells.into_iter().map(Cell::new))
        .collect()
}

/// A table whose first column is a key and the others numbers (`numeric`)
/// or text.
pub(super) fn table(
    caption: &str,
    head: Vec<String>,
    rows: Vec<Vec<Cell>>,
    numeric: bool,
) -> Table {
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

/// Under a group table: what its 超期 column counts.
pub const GROUP_OVERDUE_NOTE: &str = "超期含季末在办超期案件和本季度超期结案案件。";

/// Under a table of money in 万元 whose 合计 (from exact values) is not
/// the sum of its rounded rows.
pub const ROUNDING_NOTE: &str = "因四舍五入，合计数与分项之和略有差异。";

/// Under a table where a count's change over a small base is not given as
/// a percentage (the prose says such a change in counts).
pub const SMALL_BASE_NOTE: &str = "基数不足10起的，不计算增减幅度（以“—”表示）。";

/// 表1: every figure with its comparisons. 超期 is shown as its two parts
/// (期末在办超期, a count at the quarter end; 超期结案, cases closed late in
/// the period); counts at the quarter end have no 年度累计 (—).
pub(super) fn totals_table(a: &Analysis) -> Table {
    let mut head = vec!["指标".to_string()];
    head.extend(
        ["本季度", "上季度", "环比", "去年同期", "同比", "年度累计"]
            .iter()
            .map(|s| s.to_string()),
    );
    let mut small = false;
    let rows = crate::analysis::figures::FIGURES
        .iter()
        .enumerate()
        .filter(|(_, (key, _))| *key != "overdue")
        .map(|(i, (key, zh))| {
            let vals = |f: &Figures| f.values()[i];
            let money = zh.contains("(元)");
            // A tonnage of 10,000 吨 or more in any column: the row in 万吨.
            let big_tons = zh.contains("(吨)")
                && [
                    &a.totals,
                    &a.previous_quarter,
                    &a.same_quarter_last_year,
                    &a.year_to_date,
                ]
                .iter()
                .any(|f| vals(f) >= 10_000.0);
            let label = if money {
                zh.replace("(元)", "(万元)")
            } else if big_tons {
                zh.replace("(吨)", "(万吨)")
            } else {
                zh.to_string()
            };
            let fmt = |x: f64| {
                if money || big_tons {
                    wan(x)
                } else {
                    num(x)
                }
            };
            let at_end = matches!(*key, "open_at_end" | "overdue_open");
            // counts (not money or tonnage) over a small base: no percentage
            let is_count = !money && !zh.contains("(吨)");
            let mut cell = |base: f64, pct: Option<f64>| {
                if is_count {
                    count_change_cell(base, pct, &mut small)
                } else {
                    change_cell(pct)
                }
            };
            let (prev, last_year) = (vals(&a.previous_quarter), vals(&a.same_quarter_last_year));
            let prev_cell = cell(prev, a.change_pct.previous_quarter.values()[i]);
            let year_cell = cell(last_year, a.change_pct.same_quarter_last_year.values()[i]);
            row(
                label,
                vec![
                    fmt(vals(&a.totals)),
                    fmt(prev),
                    prev_cell,
                    fmt(last_year),
                    year_cell,
                    if at_end {
                        "—".to_string()
                    } else {
                        fmt(vals(&a.year_to_date))
                    },
                ],
            )
        })
        .collect();
    let mut t = table("表1　主要指标", head, rows, true);
    t.notes.push(
        "期末在办、期末在办超期为季末时点数，不计年度累计；超期结案为期内结案时距立案已超过办案期限的案件数。"
            .into(),
    );
    if small {
        t.notes.push(SMALL_BASE_NOTE.into());
    }
    t
}

/// Whether the 万元 cells of `rows` do not add up to the 合计 of `total`.
fn rounding_differs(rows: &[GroupRow], total: &Figures) -> bool {
    let r = |x: f64| crate::assess::round_dp(x / 10_000.0, 2);
    let getters: [fn(&Figures) -> f64; 2] = [|f| f.fine_yuan, |f| f.confiscated_yuan];
    getters.iter().any(|get| {
        let sum: f64 = rows.iter().map(|g| r(get(&g.quarter))).sum();
        (crate::assess::round_dp(sum, 2) - r(get(total))).abs() > 0.001
    })
}

pub(super) fn group_table(
    caption: &str,
    key: &str,
    rows: &[GroupRow],
    with_total: Option<&Figures>,
) -> Table {
    let mut head = vec![key.to_string()];
    head.extend(FIG_HEAD.iter().map(|s| s.to_string()));
    head.push("发现同比".into());
    let mut small = false;
    let mut out: Vec<Vec<Cell>> = rows
        .iter()
        .map(|g| {
            let mut cells = figure_cells(&g.quarter);
            cells.push(count_change_cell(
                g.same_quarter_last_year.found as f64,
                g.change_pct.same_quarter_last_year.found,
                &mut small,
            ));
            row(g.key.clone(), cells)
        })
        .collect();
    // 超期 here is the contract's figure (§2): both parts that 表1 shows apart.
    let mut notes = vec![GROUP_OVERDUE_NOTE.to_string()];
    if let Some(t) = with_total {
        let mut cells = figure_cells(t);
        cells.push(String::new());
        out.push(row("合计", cells));
        if rounding_differs(rows, t) {
            notes.push(ROUNDING_NOTE.to_string());
        }
    }
    if small {
        notes.push(SMALL_BASE_NOTE.to_string());
    }
    let mut t = table(caption, head, out, true);
    t.notes = notes;
    t
}

pub(super) fn units_table(a: &Analysis, voice: &Voice) -> Table {
    let caption = if voice.scoped {
        "表4　各部门查处情况"
    } else {
        "表4　各成员单位查处情况"
    };
    group_table(caption, "单位", &a.by_unit, Some(&a.totals))
}

pub(super) fn referrals_tables(a: &Analysis, reply_days: i64) -> (Table, Table) {
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
