//! `tables/*.csv`: the aggregate tables for Excel (UTF-8 with BOM, Chinese
//! headers, one file per table) and the same tables as sheets of
//! `tables.xlsx`. Each table is built once as a typed [`DataTable`] (header
//! and rows of [`Value`]s) that both writers draw from.
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
use crate::analysis::{Analysis, Figures, GroupRow, FIGURES};
use crate::config::Config;
use crate::excel_csv::CsvOut;
use crate::model::Reject;
use crate::text::csv_safe;
use crate::text::fmt_num;

mod recurrences;
pub use recurrences::{
    recurrence_table, recurrences_csv, recurrences_csv_name, recurrences_csv_parts,
};

const PERIOD_LABELS: [&str; 4] = ["本季度", "上季度", "去年同期", "年初至今"];

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text copied from input: neutralised (`'` prefix) in CSV when it
    /// starts with = + - @; written as a plain string in xlsx.
    Text(String),
    /// Text the tool made itself (labels, codes, dates).
    Label(String),
    Int(i64),
    Num(f64),
    /// Money in 元.
    Yuan(f64),
    /// A percentage given in percent (12.3 means 12.3 %), e.g. 同比.
    Percent(f64),
    /// A rate given as a fraction (0.8333 means 83.33 %).
    Rate(f64),
    /// No value (a change against a zero base, a rate without base).
    Empty,
}

impl Value {
    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }
    fn label(s: &str) -> Value {
        Value::Label(s.to_string())
    }
    fn int(n: impl TryInto<i64>) -> Value {
        Value::Int(n.try_into().unwrap_or(i64::MAX))
    }
    fn opt_percent(x: Option<f64>) -> Value {
        x.map(Value::Percent).unwrap_or(Value::Empty)
    }

    /// The cell as CSV text (numbers plain, as [`fmt_num`]).
    pub fn csv(&self) -> String {
        match self {
            Value::Text(s) => csv_safe(s).into_owned(),
            Value::Label(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Num(x) | Value::Yuan(x) | Value::Percent(x) | Value::Rate(x) => fmt_num(*x),
            Value::Empty => String::new(),
        }
    }
}

/// A table: file stem (`totals`), sheet name (`总体情况`), header, rows.
#[derive(Debug, Clone, PartialEq)]
pub struct DataTable {
    /// File stem of the CSV (`tables/<stem>.csv`).
    pub stem: String,
    /// Chinese sheet name (at most 31 characters, no `[]:*?/\`).
    pub sheet: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl DataTable {
    pub fn new(stem: &str, sheet: &str, header: &[&str]) -> DataTable {
        DataTable {
            stem: stem.to_string(),
            sheet: sheet.to_string(),
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<Value>) {
        self.rows.push(cells);
    }

    /// UTF-8 CSV with BOM and CRLF line ends.
    pub fn to_csv(&self) -> Vec<u8> {
        let header: Vec<&str> = self.header.iter().map(|s| s.as_str()).collect();
        let mut out = CsvOut::new(&header);
        for r in &self.rows {
            let rec: Vec<String> = r.iter().map(Value::csv).collect();
            out.record(&rec);
        }
        out.into_bytes()
    }

    /// `(stem.csv, bytes)`.
    pub fn csv_file(&self) -> (String, Vec<u8>) {
        (format!("{}.csv", self.stem), self.to_csv())
    }
}

/// The money figures (罚款, 没收) are 元.
fn figure_cells(f: &Figures) -> Vec<Value> {
    f.values()
        .into_iter()
        .zip(FIGURES)
        .map(|(v, (name, _))| {
            if name.ends_with("_yuan") {
                Value::Yuan(v)
            } else {
                Value::Num(v)
            }
        })
        .collect()
}

/// totals: one row per figure with the comparisons.
fn totals(a: &Analysis) -> DataTable {
    let mut t = DataTable::new(
        "totals",
        "总体情况",
        &[
            "指标",
            "本季度",
            "上季度",
            "环比(%)",
            "去年同期",
            "同比(%)",
            "年初至今",
        ],
    );
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
    for (i, (name, zh)) in FIGURES.iter().enumerate() {
        let v = |x: f64| {
            if name.ends_with("_yuan") {
                Value::Yuan(x)
            } else {
                Value::Num(x)
            }
        };
        t.row(vec![
            Value::label(zh),
            v(q[i]),
            v(p[i]),
            Value::opt_percent(cp[i]),
            v(s[i]),
            Value::opt_percent(cs[i]),
            v(y[i]),
        ]);
    }
    t
}

/// by_*: one row per group and period, every figure as a column.
fn grouped(stem: &str, sheet: &str, first: &str, rows: &[GroupRow]) -> DataTable {
    let mut header = vec![first, "期间"];
    header.extend(FIGURES.iter().map(|f| f.1));
    let mut t = DataTable::new(stem, sheet, &header);
    for r in rows {
        for (label, f) in PERIOD_LABELS.iter().zip(r.periods()) {
            let mut cells = vec![Value::text(&r.key), Value::label(label)];
            cells.extend(figure_cells(f));
            t.row(cells);
        }
    }
    t
}

fn patrol_table(stem: &str, sheet: &str, first: &str, rows: &[PatrolRow]) -> DataTable {
    let mut t = DataTable::new(
        stem,
        sheet,
        &[first, "巡查次数", "联合巡查", "出动人次", "发现问题数"],
    );
    for r in rows {
        t.row(vec![
            Value::text(&r.key),
            Value::int(r.count),
            Value::int(r.joint),
            Value::int(r.person_times),
            Value::int(r.issues_found),
        ]);
    }
    t
}

/// Every aggregate table but the recurrence list, in a fixed order.
pub fn summary_tables(a: &Analysis) -> Vec<DataTable> {
    let mut out: Vec<DataTable> = Vec::new();
    out.push(totals(a));
    out.push(grouped("by_unit", "分单位", "单位", &a.by_unit));
    out.push(grouped("by_region", "分县市区", "县市区", &a.by_region));
    if a.scope_id.is_some() {
        out.push(grouped(
            "by_township",
            "分乡镇街道",
            "乡镇街道",
            &a.by_township,
        ));
    }
    out.push(grouped(
        "by_violation_type",
        "分违法类型",
        "违法类型",
        &a.by_violation_type,
    ));

    let mut s = DataTable::new("by_source", "线索来源", &["线索来源", "主动发现", "发现"]);
    for r in &a.by_source {
        s.row(vec![
            Value::text(&r.key),
            Value::label(if r.proactive { "是" } else { "否" }),
            Value::int(r.found),
        ]);
    }
    out.push(s);

    let ct = &a.region_type;
    let mut header: Vec<&str> = vec!["县市区"];
    header.extend(ct.types.iter().map(|s| s.as_str()));
    header.push("合计");
    let mut x = DataTable::new("region_type", "县市区×违法类型", &header);
    let mut col_tot = vec![0u64; ct.types.len()];
    for (r, counts) in ct.regions.iter().zip(&ct.counts) {
        let mut cells = vec![Value::text(r)];
        cells.extend(counts.iter().map(|n| Value::int(*n)));
        cells.push(Value::int(counts.iter().sum::<u64>()));
        for (c, n) in col_tot.iter_mut().zip(counts) {
            *c += n;
        }
        x.row(cells);
    }
    let mut cells = vec![Value::label("合计")];
    cells.extend(col_tot.iter().map(|n| Value::int(*n)));
    cells.push(Value::int(col_tot.iter().sum::<u64>()));
    x.row(cells);
    out.push(x);

    let mut tr = DataTable::new("trend", "近八个季度", &["季度", "发现", "立案", "结案"]);
    for p in &a.trend {
        tr.row(vec![
            Value::Label(p.quarter.to_string()),
            Value::int(p.found),
            Value::int(p.filed),
            Value::int(p.closed),
        ]);
    }
    out.push(tr);

    let mut ru = DataTable::new(
        "referrals_by_unit",
        "函告分单位",
        &["单位", "发函", "收函", "已回复", "按时回复"],
    );
    for r in &a.referrals.by_unit {
        ru.row(vec![
            Value::text(&r.key),
            Value::int(r.sent),
            Value::int(r.received),
            Value::int(r.replied),
            Value::int(r.replied_on_time),
        ]);
    }
    out.push(ru);

    let mut ro = DataTable::new(
        "referrals_overdue",
        "逾期未回复函告",
        &["函告编号", "发函单位", "收函单位", "发函日期", "已过天数"],
    );
    for r in &a.referrals.overdue {
        ro.row(vec![
            Value::text(&r.ref_id),
            Value::text(&r.from_unit),
            Value::text(&r.to_unit),
            Value::Label(r.sent_date.to_string()),
            Value::int(r.days),
        ]);
    }
    out.push(ro);

    out.push(patrol_table(
        "patrols_by_unit",
        "巡查分单位",
        "单位",
        &a.patrols.by_unit,
    ));
    out.push(patrol_table(
        "patrols_by_region",
        "巡查分县市区",
        "县市区",
        &a.patrols.by_region,
    ));

    let mut m = DataTable::new(
        "meetings",
        "联席会议出席",
        &["单位", "出席次数", "会议次数"],
    );
    for r in &a.meetings.by_unit {
        m.row(vec![
            Value::text(&r.key),
            Value::int(r.attended),
            Value::int(a.meetings.held),
        ]);
    }
    out.push(m);

    out
}

/// Every aggregate table ([`summary_tables`]) and the recurrence list
/// ([`recurrence_table`]), in the order of the files and sheets.
pub fn data_tables(a: &Analysis, cfg: &Config) -> Vec<DataTable> {
    let mut out = summary_tables(a);
    out.push(recurrence_table(a, cfg));
    out
}

/// Every table as (file name, bytes), in a fixed order.
pub fn tables(a: &Analysis, cfg: &Config) -> Vec<(String, Vec<u8>)> {
    data_tables(a, cfg)
        .iter()
        .map(DataTable::csv_file)
        .collect()
}

/// Score tables: one per kind (units, regions), one row per entity with
/// every indicator's rate and points, the deductions, the adjustments, the
/// score, rank and grade.
pub fn score_data(a: &crate::assess::Assessment) -> Vec<DataTable> {
    let one = |list: &[crate::assess::Scored], who: &str, stem: &str, sheet: &str| {
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
        let mut t = DataTable {
            stem: stem.to_string(),
            sheet: sheet.to_string(),
            header,
            rows: Vec::new(),
        };
        let mut sorted: Vec<&crate::assess::Scored> = list.iter().collect();
        sorted.sort_by_key(|s| s.rank);
        for s in sorted {
            let reasons: String = s
                .adjustments
                .iter()
                .map(|a| format!("{}（{}）", a.reason, fmt_num(a.points)))
                .collect::<Vec<_>>()
                .join("；");
            let mut cells: Vec<Value> = vec![Value::int(s.rank), Value::text(&s.name)];
            for i in &s.indicators {
                cells.push(Value::Num(i.numerator));
                cells.push(Value::Num(i.denominator));
                cells.push(i.rate.map(Value::Rate).unwrap_or(Value::Empty));
                cells.push(i.points.map(Value::Num).unwrap_or(Value::Empty));
            }
            for d in &s.deductions {
                cells.push(Value::int(d.count));
                cells.push(Value::Num(d.points));
                cells.push(Value::Text(d.case_ids.join("、")));
            }
            cells.push(Value::Num(s.adjustment_points));
            cells.push(Value::Text(reasons));
            cells.push(Value::Num(s.score));
            cells.push(Value::label(&s.grade));
            t.row(cells);
        }
        t
    };
    vec![
        one(&a.units, "单位", "scores_units", "成员单位考核得分"),
        one(&a.regions, "县市区", "scores_regions", "县市区考核得分"),
    ]
}

/// The columns of rejects.csv and of the rejects sheet.
const REJECT_COLUMNS: [&str; 7] = [
    "file",
    "line",
    "field",
    "value",
    "code",
    "message",
    "message_en",
];

/// rejects: file, line, field, value, code, message, message_en.
pub fn rejects_table(rejects: &[Reject]) -> DataTable {
    let mut t = DataTable::new("rejects", "被拒行", &REJECT_COLUMNS);
    for r in rejects {
        t.row(vec![
            Value::text(&r.file),
            Value::int(r.line),
            Value::label(r.field),
            Value::text(&r.value),
            Value::label(r.code.as_str()),
            Value::text(&r.message),
            Value::text(&r.message_en),
        ]);
    }
    t
}

/// rejects.csv: file, line, field, value, code, message, message_en.
/// Written straight from the rejects (no intermediate table: a million
/// rejected rows must not be held twice).
pub fn rejects_csv(rejects: &[Reject]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(4096);
    // Writing into a Vec cannot fail.
    let _ = write_rejects_csv(&mut buf, rejects);
    buf
}

/// rejects.csv streamed to `w` (validate --rejects: the file is never held
/// in memory as a whole).
pub fn write_rejects_csv(w: &mut dyn std::io::Write, rejects: &[Reject]) -> std::io::Result<()> {
    w.write_all(b"\xEF\xBB\xBF")?;
    let mut c = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(std::io::BufWriter::with_capacity(1 << 16, w));
    c.write_record(REJECT_COLUMNS)?;
    for r in rejects {
        c.write_field(csv_safe(&r.file).as_bytes())?;
        c.write_field(r.line.to_string())?;
        c.write_field(r.field)?;
        c.write_field(csv_safe(&r.value).as_bytes())?;
        c.write_field(r.code.as_str())?;
        c.write_field(csv_safe(&r.message).as_bytes())?;
        c.write_field(csv_safe(&r.message_en).as_bytes())?;
        c.write_record(None::<&[u8]>)?;
    }
    c.flush()?;
    Ok(())
}
