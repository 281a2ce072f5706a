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

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::format::{
    change_cell, count_change, count_change_cell, mask_name, num, published_party, rate, tons, wan,
};
use super::Masthead;
use crate::analysis::figures::Figures;
use crate::analysis::{Analysis, GroupRow};
use crate::assess::Assessment;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{Case, Dataset};
use crate::report::chart::{BarChart, Chart, LineChart};

/// `DATA/<quarter>/briefing.toml`: the words a person writes each quarter.
///
/// The top-level keys belong to the briefing (联席会议通报) — and to the
/// report of a `--scope` run, which is that region's briefing. A region's
/// report in a city run takes only its own table `[regions."瑞安市"]` (the
/// same keys but `issue_date`); without one it is written from its own data.
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
    /// Each region's own words for its report, by the region's name (or an
    /// alias of it): `[regions."瑞安市"]`.
    pub regions: BTreeMap<String, RegionText>,
}

/// `[regions."瑞安市"]` of `briefing.toml`: a region report's own 文号,
/// foreword, problems, next steps and typical cases.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RegionText {
    pub doc_number: Option<String>,
    /// 发文机关 and 署名 of the region's report (default: 瑞安市打击非法采矿工作领导小组办公室).
    pub office: Option<String>,
    /// 主送机关 (default: 各乡镇（街道），瑞安市打击非法采矿工作领导小组各成员单位).
    pub addressee: Option<String>,
    /// 抄送 of its 版记 (default: the city's issuing office).
    pub cc: Option<Vec<String>>,
    pub foreword: Option<String>,
    pub next_steps: Vec<String>,
    pub typical_cases: Vec<TypicalCase>,
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

    /// The `[regions.…]` table of a region: by its name, else by an alias.
    pub fn region(&self, cfg: &Config, name: &str) -> Option<&RegionText> {
        if let Some(t) = self.regions.get(name) {
            return Some(t);
        }
        let r = cfg.regions.iter().find(|r| r.name == name)?;
        self.regions
            .iter()
            .find(|(k, _)| r.aliases.iter().any(|a| a == k.as_str()))
            .map(|(_, t)| t)
    }

    /// Keys of `[regions.…]` that name no configured region (a misspelt
    /// name would otherwise be ignored silently).
    pub fn unknown_regions(&self, cfg: &Config) -> Vec<String> {
        self.regions
            .keys()
            .filter(|k| {
                !cfg.regions
                    .iter()
                    .any(|r| &r.name == *k || r.aliases.iter().any(|a| a == *k))
            })
            .cloned()
            .collect()
    }

    /// 文号 given to more than one document (the briefing and the regions'
    /// reports must not share one).
    pub fn shared_numbers(&self) -> Vec<String> {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        let all = self
            .doc_number
            .iter()
            .chain(self.regions.values().filter_map(|r| r.doc_number.as_ref()));
        for n in all {
            *seen.entry(n.trim()).or_default() += 1;
        }
        seen.into_iter()
            .filter(|(k, n)| *n > 1 && !k.is_empty())
            .map(|(k, _)| k.to_string())
            .collect()
    }

    /// The words of one region's report in a city run: its own table only.
    fn for_region(&self, cfg: &Config, name: &str) -> BriefingText {
        match self.region(cfg, name) {
            Some(r) => BriefingText {
                doc_number: r.doc_number.clone(),
                issue_date: None,
                foreword: r.foreword.clone(),
                next_steps: r.next_steps.clone(),
                typical_cases: r.typical_cases.clone(),
                problems: r.problems.clone(),
                regions: BTreeMap::new(),
            },
            None => BriefingText::default(),
        }
    }
}

/// A configured value on one line (front matter holds one value per line).
fn one_line(s: String) -> String {
    super::doc::clean(&s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The default 下步工作 when `briefing.toml` gives none.
pub const DEFAULT_NEXT_STEPS: &[&str] = &[
    "持续保持高压态势。各地各部门要按照职责分工，加强动态巡查和联合执法，对非法采矿行为发现一起、查处一起，涉嫌犯罪的及时移送司法机关。",
    "抓好问题整改。对本通报指出的超期案件、逾期未回复函告和反弹点位，相关单位和地区要逐一落实整改，于下季度联席会议前报送整改情况。",
    "强化跟踪监管。严格落实已取缔关闭点位登记建档和定期复查制度，发挥电子监控、卫片执法作用，坚决防止死灰复燃。",
    "加强信息通报和案件函告。收函单位要在规定时限内回复办理情况，各成员单位按季度报送案件数据，确保数据真实、准确、完整。",
];

/// The default 下步工作 of a region's report: its townships and departments.
pub const DEFAULT_REGION_NEXT_STEPS: &[&str] = &[
    "持续保持高压态势。各乡镇（街道）和各有关部门要按照职责分工，加强动态巡查和联合执法，对非法采矿行为发现一起、查处一起，涉嫌犯罪的及时移送司法机关。",
    "抓好问题整改。对本通报指出的超期案件和反弹点位，相关乡镇（街道）和部门要逐一落实整改，于下季度前报送整改情况。",
    "强化跟踪监管。严格落实已取缔关闭点位登记建档和定期复查制度，落实乡镇（街道）和村级属地责任，坚决防止死灰复燃。",
    "加强信息通报。各有关部门要在规定时限内回复函告，按季度报送案件数据，确保数据真实、准确、完整。",
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

/// Chinese numerals for the trend's title (近八个季度).
fn quarters_word(n: usize) -> String {
    super::doc::chinese_number(n)
}

fn charts(a: &Analysis, area_rows: &[GroupRow], area_label: &str) -> Charts {
    let trend = (!a.trend.is_empty()).then(|| {
        let labels: Vec<String> = a.trend.iter().map(|t| t.quarter.to_string()).collect();
        // The trend holds only quarters the data covers: say how many.
        let title = if a.trend.len() >= 8 {
            "近八个季度发现、立案、结案情况".to_string()
        } else if a.trend.len() == 1 {
            "本季度发现、立案、结案情况".to_string()
        } else {
            format!(
                "有完整数据的{}个季度发现、立案、结案情况",
                quarters_word(a.trend.len())
            )
        };
        Chart::Line(
            LineChart::new(title, labels)
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

/// How a document speaks of its places and departments: the city's
/// briefing of regions (各地) and member units by their 规范简称 (市林业局,
/// the unit's `full_name` in the configuration); a region's report of its
/// townships (各乡镇（街道）) and departments (林业部门).
struct Voice<'a> {
    cfg: &'a Config,
    scoped: bool,
}

/// A blank township in prose (the tables print （未填写）).
const TOWN_BLANK_PROSE: &str = "未填写乡镇（街道）";

impl Voice<'_> {
    /// A member unit in prose, by its short canonical name.
    fn unit(&self, key: &str) -> String {
        if self.scoped {
            return format!("{key}部门");
        }
        super::unit_display(self.cfg, key)
    }

    fn unit_id(&self, id: u16) -> String {
        let key = self
            .cfg
            .units
            .get(id as usize)
            .map(|u| u.name.as_str())
            .unwrap_or("");
        self.unit(key)
    }

    fn region(&self, id: u16) -> &str {
        self.cfg
            .regions
            .get(id as usize)
            .map(|r| r.name.as_str())
            .unwrap_or("")
    }

    /// 各地 / 各乡镇（街道）
    fn areas(&self) -> &'static str {
        if self.scoped {
            "各乡镇（街道）"
        } else {
            "各地"
        }
    }

    /// 地区 / 乡镇（街道）: "部分地区…".
    fn area_word(&self) -> &'static str {
        if self.scoped {
            "乡镇（街道）"
        } else {
            "地区"
        }
    }

    /// 各地各部门 / 各乡镇（街道）和各有关部门
    fn everyone(&self) -> &'static str {
        if self.scoped {
            "各乡镇（街道）和各有关部门"
        } else {
            "各地各部门"
        }
    }

    /// 成员单位 / 部门
    fn units_word(&self) -> &'static str {
        if self.scoped {
            "各有关部门"
        } else {
            "各成员单位"
        }
    }
}

/// A place as prose names it (a blank township as 未填写乡镇（街道）).
fn place(key: &str) -> &str {
    if key == crate::analysis::TOWN_BLANK || key.trim().is_empty() {
        TOWN_BLANK_PROSE
    } else {
        key
    }
}

/// Counts per place, in the order given by `order` (configuration order
/// for regions, byte order for townships): 鹿城区2起、瑞安市1起.
fn count_list<K: Ord>(items: impl Iterator<Item = (K, String)>) -> Vec<(String, u64)> {
    let mut m: BTreeMap<K, (String, u64)> = BTreeMap::new();
    for (k, name) in items {
        m.entry(k).or_insert((name, 0)).1 += 1;
    }
    m.into_values().collect()
}

/// Where cases lie: 均发生在鹿城区 / 分布在鹿城区2起、瑞安市1起.
fn spread(what: &str, list: &[(String, u64)]) -> String {
    match list {
        [] => String::new(),
        [(name, n)] if *n == 1 => format!("{what}发生在{name}。"),
        [(name, _)] => format!("{what}均发生在{name}。"),
        _ => format!(
            "{what}分布在{}。",
            list.iter()
                .map(|(k, n)| format!("{k}{}", qi(*n)))
                .collect::<Vec<_>>()
                .join("、")
        ),
    }
}

/// The first `n` of a list sorted by `value` (highest first), and every
/// later item tied with the `n`-th (ties at the cut are all named).
pub fn top_with_ties<T>(ranked: &[T], n: usize, value: impl Fn(&T) -> u64) -> &[T] {
    if n == 0 || ranked.len() <= n {
        return ranked;
    }
    let cut = value(&ranked[n - 1]);
    let end = ranked.iter().take_while(|x| value(x) >= cut).count();
    &ranked[..end]
}

/// 第3名 / 并列第3名 (when another shares the rank).
pub fn rank_text(rank: u32, tied: bool) -> String {
    if tied {
        format!("并列第{rank}名")
    } else {
        format!("第{rank}名")
    }
}

/// 1—9月 for the year to date of a quarter.
fn ytd_label(a: &Analysis) -> String {
    format!("1—{}月", a.quarter.q as u32 * 3)
}

/// A count's change against a base as prose (上升12.3% / 由1起增至11起).
fn counted(cur: u64, base: u64, pct: Option<f64>) -> String {
    count_change(cur, base, pct, "起")
}

/// Money clauses that are not zero: 处罚款12.35万元、没收违法所得1.00万元.
fn money_parts(fine: f64, confiscated: f64) -> Vec<String> {
    let mut v = Vec::new();
    if wan(fine) != "0.00" {
        v.push(format!("处罚款{}万元", wan(fine)));
    }
    if wan(confiscated) != "0.00" {
        v.push(format!("没收违法所得{}万元", wan(confiscated)));
    }
    v
}

fn overview(a: &Analysis, scope: &str, closing_days: i64) -> Vec<String> {
    let t = &a.totals;
    let (pq, ly) = (&a.previous_quarter, &a.same_quarter_last_year);
    let c = &a.change_pct;
    let mut v = Vec::new();
    // 1. Found, filed, closed: what happened, and what did not, once.
    let mut s = format!("{}，{}", a.quarter.chinese(), scope);
    if t.found == 0 && t.filed == 0 && t.closed == 0 {
        s.push_str("未发现非法采矿行为，无立案、结案案件。");
    } else {
        if t.found > 0 {
            s.push_str(&format!(
                "共发现非法采矿行为{}，同比{}，环比{}",
                qi(t.found),
                counted(t.found, ly.found, c.same_quarter_last_year.found),
                counted(t.found, pq.found, c.previous_quarter.found),
            ));
        } else {
            s.push_str("未发现非法采矿行为");
        }
        let mut none = Vec::new();
        for (word, n, base, pct) in [
            ("立案", t.filed, ly.filed, c.same_quarter_last_year.filed),
            ("结案", t.closed, ly.closed, c.same_quarter_last_year.closed),
        ] {
            if n > 0 {
                s.push_str(&format!("；{word}{}，同比{}", qi(n), counted(n, base, pct)));
            } else {
                none.push(word);
            }
        }
        if !none.is_empty() {
            s.push_str(&format!("；无{}案件", none.join("、")));
        }
        s.push('。');
    }
    v.push(s);
    // 2. Results of the cases closed: only what is not zero.
    let mut parts = Vec::new();
    let money = money_parts(t.fine_yuan, t.confiscated_yuan);
    if !money.is_empty() {
        parts.push(format!("结案案件共{}", money.join("、")));
    }
    if t.volume_t > 0.0 {
        parts.push(format!("涉案矿产量{}", tons(t.volume_t)));
    }
    let mut s = parts.join("，");
    let judicial = match (t.transferred, t.criminal_filed) {
        (0, 0) => String::new(),
        (n, 0) => format!("移送司法机关{}", qi(n)),
        (0, k) => format!("公安机关刑事立案{}", qi(k)),
        (n, k) => format!("移送司法机关{}，其中公安机关刑事立案{}", qi(n), qi(k)),
    };
    if !judicial.is_empty() {
        if !s.is_empty() {
            s.push('；');
        }
        s.push_str(&judicial);
    }
    if !s.is_empty() {
        s.push('。');
        v.push(s);
    }
    // 3. Measures at the sites, then the cases still open and the late ones.
    let mut m = Vec::new();
    if t.sites_closed > 0 {
        m.push(format!("取缔关闭非法采矿点{}个", t.sites_closed));
    }
    if t.power_cut > 0 {
        m.push(format!("断电{}处", t.power_cut));
    }
    match (t.vessels_seized, t.equipment_seized) {
        (0, 0) => {}
        (v, 0) => m.push(format!("扣押船舶{v}艘")),
        (0, e) => m.push(format!("扣押设备{e}台")),
        (v, e) => m.push(format!("扣押船舶{v}艘、设备{e}台")),
    }
    if t.persons > 0 {
        m.push(format!("涉案人员{}人", t.persons));
    }
    let mut s = String::new();
    if !m.is_empty() {
        s.push_str(&m.join("，"));
        s.push('。');
    }
    let anything = !t.is_zero() || a.year_to_date.found > 0;
    if t.open_at_end > 0 {
        s.push_str(&format!("截至季末，在办案件{}", qi(t.open_at_end)));
        if t.overdue_open > 0 {
            s.push_str(&format!(
                "，其中超过{closing_days}日办案期限的{}",
                qi(t.overdue_open)
            ));
        } else {
            s.push_str("，均未超过办案期限");
        }
        s.push('。');
    } else if anything {
        s.push_str("截至季末，无在办案件。");
    }
    if t.overdue_closed_late > 0 {
        s.push_str(&format!(
            "本季度办结的案件中，超过{closing_days}日办案期限结案的{}。",
            qi(t.overdue_closed_late)
        ));
    }
    if !s.is_empty() {
        v.push(s);
    }
    // 4. The year to date (not in a first quarter: it is the quarter).
    if a.quarter.q > 1 {
        let y = &a.year_to_date;
        let mut parts = Vec::new();
        for (word, n) in [
            ("发现非法采矿行为", y.found),
            ("立案", y.filed),
            ("结案", y.closed),
        ] {
            if n > 0 {
                parts.push(format!("{word}{}", qi(n)));
            }
        }
        let fc = y.fine_yuan + y.confiscated_yuan;
        if wan(fc) != "0.00" {
            parts.push(format!("罚没款合计{}万元", wan(fc)));
        }
        if y.transferred > 0 {
            parts.push(format!("移送司法机关{}", qi(y.transferred)));
        }
        if parts.is_empty() {
            if anything {
                v.push(format!("{}累计未发现非法采矿行为。", ytd_label(a)));
            }
        } else {
            v.push(format!("{}累计{}。", ytd_label(a), parts.join("，")));
        }
    }
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
fn totals_table(a: &Analysis) -> Table {
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

fn group_table(caption: &str, key: &str, rows: &[GroupRow], with_total: Option<&Figures>) -> Table {
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

fn list_names(v: &[String]) -> String {
    v.join("、")
}

/// 鹿城区（由1起增至2起） / 瓯海区（12起，上升50.0%）.
fn rise(g: &GroupRow) -> String {
    let cur = g.quarter.found;
    let base = g.same_quarter_last_year.found;
    let c = counted(cur, base, g.change_pct.same_quarter_last_year.found);
    if c.starts_with('由') {
        format!("{}（{c}）", place(&g.key))
    } else {
        format!("{}（{}，{c}）", place(&g.key), qi(cur))
    }
}

/// Places whose found count rose against the same quarter last year.
fn rising(rows: &[GroupRow]) -> Vec<&GroupRow> {
    rows.iter()
        .filter(|g| {
            g.key != crate::analysis::TOWN_BLANK
                && g.change_pct
                    .same_quarter_last_year
                    .found
                    .is_some_and(|p| p > 0.0)
        })
        .collect()
}

fn areas_text(a: &Analysis, rows: &[GroupRow], voice: &Voice) -> Vec<String> {
    let label = voice.areas();
    let mut v = Vec::new();
    let blank = |g: &GroupRow| g.key == crate::analysis::TOWN_BLANK;
    let mut ranked: Vec<&GroupRow> = rows
        .iter()
        .filter(|g| g.quarter.found > 0 && !blank(g))
        .collect();
    ranked.sort_by(|x, y| y.quarter.found.cmp(&x.quarter.found).then(x.id.cmp(&y.id)));
    let unplaced: u64 = rows
        .iter()
        .filter(|g| blank(g))
        .map(|g| g.quarter.found)
        .sum();
    if ranked.is_empty() && unplaced == 0 {
        v.push(format!("本季度{label}均未发现非法采矿行为。"));
        return v;
    }
    let named = |g: &&GroupRow| format!("{}（{}）", g.key, qi(g.quarter.found));
    let mut s = match ranked.as_slice() {
        [] => format!(
            "从{label}看，本季度发现的非法采矿行为均未填写乡镇（街道）（{}）",
            qi(unplaced)
        ),
        [g] if unplaced == 0 && g.quarter.found == 1 => {
            format!("从{label}看，本季度发现的1起非法采矿行为在{}", g.key)
        }
        [g] if unplaced == 0 => format!(
            "从{label}看，本季度发现的{}非法采矿行为均在{}",
            qi(g.quarter.found),
            g.key
        ),
        _ => {
            let top = top_with_ties(&ranked, 3, |g| g.quarter.found);
            let names: Vec<String> = top.iter().map(named).collect();
            if top.len() == ranked.len() {
                format!("从{label}看，发现非法采矿行为的有{}", list_names(&names))
            } else {
                format!(
                    "从{label}看，发现非法采矿行为较多的是{}",
                    list_names(&names)
                )
            }
        }
    };
    if unplaced > 0 && !ranked.is_empty() {
        s.push_str(&format!("，另有{}未填写乡镇（街道）", qi(unplaced)));
    }
    let none: Vec<String> = rows
        .iter()
        .filter(|g| g.quarter.found == 0 && !blank(g))
        .map(|g| g.key.clone())
        .collect();
    if !none.is_empty() && none.len() <= 6 {
        s.push_str(&format!("；{}本季度未发现", list_names(&none)));
    }
    s.push('。');
    v.push(s);
    let up = rising(rows);
    match up.as_slice() {
        [] => {}
        [g] => v.push(format!(
            "与去年同期相比，{}发现数上升（{}）。",
            g.key,
            counted(
                g.quarter.found,
                g.same_quarter_last_year.found,
                g.change_pct.same_quarter_last_year.found
            )
        )),
        _ => v.push(format!(
            "与去年同期相比，发现数上升的有{}。",
            up.iter()
                .map(|g| {
                    let c = counted(
                        g.quarter.found,
                        g.same_quarter_last_year.found,
                        g.change_pct.same_quarter_last_year.found,
                    );
                    format!("{}（{c}）", g.key)
                })
                .collect::<Vec<_>>()
                .join("、")
        )),
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
    match ranked.as_slice() {
        [] => {}
        [g] if g.quarter.found == 1 => v.push(format!(
            "从违法类型看，本季度发现的1起非法采矿行为为{}。",
            g.key
        )),
        [g] => v.push(format!(
            "从违法类型看，本季度发现的非法采矿行为均为{}。",
            g.key
        )),
        _ => {
            let parts: Vec<String> = top_with_ties(&ranked, 4, |g| g.quarter.found)
                .iter()
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
        let s = if proactive == 0 {
            format!("从线索来源看，{}，无主动发现的案件。", others.join("，"))
        } else if others.is_empty() {
            // Every case found proactively: say by which means.
            let by: Vec<String> = a
                .by_source
                .iter()
                .filter(|s| s.proactive && s.found > 0)
                .map(|s| format!("{}{}", s.key, qi(s.found)))
                .collect();
            if total == 1 {
                format!(
                    "从线索来源看，本季度发现的1起非法采矿行为为主动发现（{}）。",
                    list_names(&by)
                )
            } else {
                format!(
                    "从线索来源看，本季度发现的非法采矿行为均为主动发现（{}）。",
                    list_names(&by)
                )
            }
        } else {
            format!(
                "从线索来源看，通过{}主动发现{}，占{}；{}。",
                list_names(&names),
                qi(proactive),
                share(proactive, total),
                others.join("，")
            )
        };
        v.push(s);
    }
    v
}

fn units_text(a: &Analysis, voice: &Voice) -> Vec<String> {
    let mut v = Vec::new();
    let mut ranked: Vec<&GroupRow> = a.by_unit.iter().filter(|g| g.quarter.found > 0).collect();
    ranked.sort_by(|x, y| y.quarter.found.cmp(&x.quarter.found).then(x.id.cmp(&y.id)));
    let named = |g: &&GroupRow| format!("{}（{}）", voice.unit(&g.key), qi(g.quarter.found));
    let who = voice.units_word();
    match ranked.as_slice() {
        [] => {}
        [g] if g.quarter.found == 1 => v.push(format!(
            "{who}按照职责分工依法查处，本季度发现的1起非法采矿行为由{}查处。",
            voice.unit(&g.key)
        )),
        [g] => v.push(format!(
            "{who}按照职责分工依法查处，本季度发现的非法采矿行为均由{}查处（{}）。",
            voice.unit(&g.key),
            qi(g.quarter.found)
        )),
        _ => {
            let top = top_with_ties(&ranked, 4, |g| g.quarter.found);
            let names: Vec<String> = top.iter().map(named).collect();
            let lead = if top.len() == ranked.len() {
                "发现案件的有"
            } else {
                "发现案件较多的是"
            };
            v.push(format!(
                "{who}按照职责分工依法查处，{lead}{}。",
                list_names(&names)
            ));
        }
    }
    let r = &a.referrals;
    let overdue = r.overdue.len();
    let mut s = String::from("信息通报和案件函告方面，");
    if r.sent == 0 {
        s.push_str(&format!("本季度{who}未发出函告"));
        if overdue > 0 {
            s.push_str(&format!(
                "；截至季末，此前发出的函告中仍有{overdue}件逾期未回复"
            ));
        }
    } else {
        s.push_str(&format!("本季度{who}共发出函告{}件", r.sent));
        if r.replied == 0 {
            s.push_str("，均未回复");
        } else {
            s.push_str(&format!("，已回复{}件", r.replied));
            if r.replied_on_time > 0 {
                s.push_str(&format!("，其中按期回复{}件", r.replied_on_time));
            } else if r.replied == 1 {
                s.push_str("，未按期回复");
            } else {
                s.push_str("，均未按期回复");
            }
            s.push_str(&format!(
                "，按期回复率{}",
                rate(crate::analysis::figures::rate(
                    r.replied_on_time as f64,
                    r.sent as f64
                ))
            ));
        }
        if overdue > 0 {
            s.push_str(&format!("；截至季末，逾期未回复函告{overdue}件"));
        } else {
            s.push_str("；截至季末，无逾期未回复函告");
        }
    }
    s.push('。');
    v.push(s);
    let p = &a.patrols;
    if p.count == 0 {
        v.push("动态巡查方面，本季度未登记巡查记录。".into());
    } else {
        let mut s = format!("动态巡查方面，共开展巡查{}次", p.count);
        if p.joint > 0 {
            s.push_str(&format!("，其中联合巡查{}次", p.joint));
        }
        if p.person_times > 0 {
            s.push_str(&format!("，出动{}人次", p.person_times));
        }
        if p.issues_found > 0 {
            s.push_str(&format!("，发现问题{}个", p.issues_found));
        } else {
            s.push_str("，未发现问题");
        }
        s.push('。');
        v.push(s);
    }
    let m = &a.meetings;
    if m.held > 0 {
        let absent: Vec<String> = m
            .by_unit
            .iter()
            .filter(|u| u.attended < m.held)
            .map(|u| format!("{}未出席{}次", voice.unit(&u.key), m.held - u.attended))
            .collect();
        let mut s = format!("联席会议方面，本季度召开联席会议{}次", m.held);
        if absent.is_empty() {
            s.push_str(&format!("，{who}均按时出席。"));
        } else {
            s.push_str(&format!("，{}。", absent.join("，")));
        }
        v.push(s);
    } else {
        v.push("本季度未登记联席会议出席情况。".into());
    }
    v
}

fn units_table(a: &Analysis, voice: &Voice) -> Table {
    let caption = if voice.scoped {
        "表4　各部门查处情况"
    } else {
        "表4　各成员单位查处情况"
    };
    group_table(caption, "单位", &a.by_unit, Some(&a.totals))
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

/// Where the recurring cases lie: by region in the city's briefing, by
/// township (of the register entry) in a region's report.
fn recurrence_places(a: &Analysis, voice: &Voice) -> Vec<(String, u64)> {
    let r = &a.recurrence.recurrences;
    if voice.scoped {
        count_list(r.iter().map(|p| {
            let t = place(crate::analysis::township_name(&p.township)).to_string();
            (t.clone(), t)
        }))
    } else {
        count_list(
            r.iter()
                .map(|p| (p.region, voice.region(p.region).to_string())),
        )
    }
}

fn tracking(a: &Analysis, voice: &Voice) -> (Vec<String>, Table) {
    let r = &a.recurrence;
    let n = r.recurrences.len();
    let mut s = if r.closed_sites > 0 {
        format!(
            "截至季末，已登记取缔关闭的非法采矿点位{}个。",
            r.closed_sites
        )
    } else {
        "截至季末，尚无登记在册的取缔关闭点位。".to_string()
    };
    if n == 1 {
        s.push_str("本季度发现已取缔点位反弹1起。");
    } else if n > 1 {
        s.push_str(&format!(
            "本季度发现已取缔点位反弹{}，涉及点位{}个。",
            qi(n as u64),
            r.recurred_sites
        ));
    } else if r.closed_sites > 0 {
        s.push_str("本季度未发现已取缔点位反弹。");
    }
    let mut v = vec![s];
    if n > 0 {
        v.push(spread("反弹案件", &recurrence_places(a, voice)));
    }
    let rows = r
        .recurrences
        .iter()
        .take(crate::report::LIST_LIMIT)
        .map(|p| {
            row(
                voice.region(p.region).to_string(),
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
    let mut t = table(
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
    );
    if n > crate::report::LIST_LIMIT {
        t.notes.push(format!(
            "表中仅列发现日期最早的{}起，全部{n}起见数据表 tables/recurrences.csv。",
            crate::report::LIST_LIMIT
        ));
    }
    (v, t)
}

fn problems(
    a: &Analysis,
    cfg: &Config,
    ds_cases: &[&Case],
    area_rows: &[GroupRow],
    voice: &Voice,
) -> Vec<String> {
    let mut v = Vec::new();
    let up: Vec<String> = rising(area_rows).into_iter().map(rise).collect();
    match up.len() {
        0 => {}
        // One place is named as itself, not as "部分…".
        1 => v.push(format!(
            "{}非法采矿行为有所抬头，发现数同比上升，需引起重视。",
            up[0]
        )),
        _ => v.push(format!(
            "部分{}非法采矿行为有所抬头。{}发现数同比上升，需引起重视。",
            voice.area_word(),
            list_names(&up)
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
        let places = if voice.scoped {
            count_list(media.iter().map(|c| {
                let t = place(crate::analysis::township_name(&c.township)).to_string();
                (t.clone(), t)
            }))
        } else {
            count_list(
                media
                    .iter()
                    .map(|c| (c.region, voice.region(c.region).to_string())),
            )
        };
        let parts: Vec<String> = places
            .iter()
            .map(|(k, n)| format!("{k}{}", qi(*n)))
            .collect();
        let whereabouts = if places.len() == 1 {
            format!("，发生在{}", places[0].0)
        } else {
            format!("（{}）", parts.join("、"))
        };
        v.push(format!(
            "媒体曝光问题仍有发生。本季度经媒体曝光发现非法采矿行为{}{}，反映出日常巡查仍有盲区。",
            qi(media.len() as u64),
            whereabouts
        ));
    }
    let t = &a.totals;
    if t.overdue > 0 {
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
            .map(|g| format!("{}{}", voice.unit(&g.key), qi(g.quarter.overdue)))
            .collect();
        let days = cfg.rules.closing_days;
        let mut what = Vec::new();
        if t.overdue_open > 0 {
            what.push(format!(
                "截至季末超过{days}日办案期限仍未办结的案件{}",
                qi(t.overdue_open)
            ));
        }
        if t.overdue_closed_late > 0 {
            what.push(format!(
                "本季度超过{days}日办案期限才结案的{}",
                qi(t.overdue_closed_late)
            ));
        }
        v.push(format!(
            "案件办理不够及时。{}，涉及{}。",
            what.join("，"),
            parts.join("、")
        ));
    }
    if !a.referrals.overdue.is_empty() {
        let mut by_to: BTreeMap<&str, u64> = Default::default();
        for o in &a.referrals.overdue {
            *by_to.entry(o.to_unit.as_str()).or_default() += 1;
        }
        let mut parts: Vec<(&str, u64)> = by_to.into_iter().collect();
        parts.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        let whom = format!(
            "涉及{}",
            parts
                .iter()
                .map(|(u, n)| format!("{}{n}件", voice.unit(u)))
                .collect::<Vec<_>>()
                .join("、")
        );
        v.push(format!(
            "部门协作有待加强。截至季末，超过{}日未回复的函告{}件，{whom}。",
            cfg.rules.reply_days,
            a.referrals.overdue.len(),
        ));
    }
    let n = a.recurrence.recurrences.len();
    if n > 0 {
        let sites = if n > 1 {
            format!("，涉及点位{}个", a.recurrence.recurred_sites)
        } else {
            String::new()
        };
        v.push(format!(
            "跟踪监管存在薄弱环节。已取缔点位发生反弹{}{sites}，“打击—反弹—再打击”的问题仍未根治。",
            qi(n as u64),
        ));
    }
    if v.is_empty() {
        v.push(format!(
            "本季度未发现突出问题，{}要继续保持工作力度。",
            voice.everyone()
        ));
    }
    v
}

/// Phrases of a summary written while a case was open (正在进一步调查中):
/// a closed case's published text leaves such a clause out.
const OPEN_PHRASES: &[&str] = &[
    "调查中",
    "正在调查",
    "正在进一步",
    "正在核查",
    "正在办理",
    "待查",
];

/// Labels in front of an ID number in free text (身份证3303…1234).
const ID_LABELS: &[&str] = &[
    "身份证号码",
    "身份证号",
    "公民身份号码",
    "身份证",
    "证件号码",
    "证件号",
    "统一社会信用代码",
];

/// Free text as a published document quotes it: no ID number (masked or
/// not, with its label), the parties as 张某 / 某某公司 (when masking is
/// on), and for a closed case no clause saying it is still being
/// investigated.
fn published_summary(text: &str, party: &str, mask: bool, closed: bool) -> String {
    let mut s = published_names(&strip_ids(text), party, mask);
    if closed {
        s = drop_open_clauses(&s);
    }
    s
}

/// The parties' names in free text (as written, or as masked at ingestion:
/// 张*) written as published text writes them (张某), when masking is on.
fn published_names(text: &str, party: &str, mask: bool) -> String {
    let mut s = text.to_string();
    if !mask {
        return s;
    }
    for name in party
        .split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',' | ';' | '；' | '/'))
        .filter(|n| n.chars().nth(1).is_some())
    {
        let shown = published_party(name);
        for form in [name.to_string(), mask_name(name)] {
            if s.contains(&form) {
                s = s.replace(&form, &shown);
            }
        }
    }
    s
}

/// Whether a character can be part of an ID number (masked or not).
fn id_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, 'X' | 'x' | '*' | '＊') || ('０'..='９').contains(&c)
}

/// Remove ID numbers (15 to 18 characters of digits, X and *, with at
/// least 8 digits) and the label in front of them; tidy the punctuation
/// left behind.
fn strip_ids(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if id_char(chars[i]) {
            let mut j = i;
            while j < chars.len() && id_char(chars[j]) {
                j += 1;
            }
            let run = &chars[i..j];
            let digits = run
                .iter()
                .filter(|c| !matches!(c, '*' | '＊' | 'X' | 'x'))
                .count();
            if (15..=18).contains(&run.len()) && digits >= 8 {
                // drop a label (and a colon) just before it
                for sep in ["：", ":"] {
                    if out.ends_with(sep) {
                        out.truncate(out.len() - sep.len());
                    }
                }
                for l in ID_LABELS {
                    if out.ends_with(l) {
                        out.truncate(out.len() - l.len());
                        break;
                    }
                }
                i = j;
                continue;
            }
            out.extend(run);
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    let mut s = out;
    for (from, to) in [
        ("（，", "（"),
        ("(，", "("),
        ("，，", "，"),
        ("，）", "）"),
        ("，)", ")"),
        ("（）", ""),
        ("()", ""),
        ("，。", "。"),
    ] {
        while s.contains(from) {
            s = s.replace(from, to);
        }
    }
    s
}

/// Drop the clauses (between ，；。) that say the case is still open.
fn drop_open_clauses(text: &str) -> String {
    let mut out = String::new();
    let mut clause = String::new();
    let flush = |clause: &mut String, out: &mut String, end: Option<char>| {
        let open = OPEN_PHRASES.iter().any(|p| clause.contains(p));
        if !open {
            out.push_str(clause);
            if let Some(e) = end {
                out.push(e);
            }
        } else if let Some(e) = end {
            // keep the sentence end when the dropped clause ended it
            if matches!(e, '。' | '；') {
                if out.ends_with('，') {
                    out.pop();
                }
                if !out.is_empty() && !out.ends_with(['。', '；']) {
                    out.push(e);
                }
            }
        }
        clause.clear();
    };
    for c in text.chars() {
        if matches!(c, '，' | '；' | '。') {
            flush(&mut clause, &mut out, Some(c));
        } else {
            clause.push(c);
        }
    }
    flush(&mut clause, &mut out, None);
    if out.ends_with('，') {
        out.pop();
        out.push('。');
    }
    out
}

/// A violation type as the object of 涉嫌 / 发现 (其他 → 非法采矿).
fn violation_words(t: &str) -> String {
    if t == "其他" || t.is_empty() {
        "非法采矿".to_string()
    } else {
        t.to_string()
    }
}

fn typical_cases(cases: &[&Case], a: &Analysis, mask: bool, voice: &Voice) -> Vec<CaseNote> {
    let cfg = voice.cfg;
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
                published_party(c.party())
            } else {
                c.party().trim().to_string()
            };
            let region = voice.region(c.region);
            let unit = voice.unit_id(c.unit);
            let vtype = cfg
                .violation_types
                .get(c.violation_type as usize)
                .map(|t| t.name.as_str())
                .unwrap_or("");
            let township = c.township.trim();
            let site = c.site.trim();
            let place = published_names(
                &strip_ids(&format!("{region}{township}{site}")),
                c.party(),
                mask,
            );
            // 于2026年7月4日立案、2026年9月1日结案 (a closed case; the
            // filing date may be missing).
            let mut handled = String::new();
            if let Some(f) = c.filed_date {
                handled.push_str(&format!("于{}立案", crate::quarter::chinese_date(f)));
            }
            if let Some(d) = c.closed_date {
                handled.push_str(if handled.is_empty() { "于" } else { "、" });
                handled.push_str(&format!("{}结案", crate::quarter::chinese_date(d)));
            }
            let money = money_parts(c.fine_yuan, c.confiscated_yuan);
            let summary = published_summary(c.summary(), c.party(), mask, true);
            let summary = summary.trim();
            let mut text = if summary.is_empty() {
                // No summary: the facts from the record.
                let mut t = format!(
                    "{}，{unit}在{place}发现{}，{handled}",
                    crate::quarter::chinese_date(c.found_date),
                    if party.is_empty() {
                        format!("{}行为", violation_words(vtype))
                    } else {
                        format!("{party}涉嫌{}", violation_words(vtype))
                    }
                );
                if !money.is_empty() {
                    t.push_str(&format!("，{}", money.join("、")));
                }
                if c.volume_t > 0.0 {
                    t.push_str(&format!("，涉案矿产量{}", tons(c.volume_t)));
                }
                t
            } else {
                // The summary tells the facts; then how the case was handled.
                let mut t = summary.to_string();
                if !t.ends_with(['。', '！', '？', '；']) {
                    t.push('。');
                }
                t.push_str(&format!("{unit}{handled}"));
                if !money.is_empty() {
                    let whom = if party.is_empty() {
                        String::new()
                    } else {
                        format!("对{party}")
                    };
                    t.push_str(&format!("，{whom}{}", money.join("、")));
                }
                t
            };
            if c.transferred {
                text.push_str("，并移送司法机关");
            }
            text.push('。');
            CaseNote {
                title: format!("{}{}案（{}）", region, vtype, c.case_id),
                text,
            }
        })
        .collect()
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
        ds: &Dataset,
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
        let cases: Vec<&Case> = ds
            .cases
            .iter()
            .filter(|c| a.scope_id.is_none_or(|r| c.region == r))
            .collect();
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
                    .get(r as usize)
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
                    let missing = crate::analysis::reporting::missing_exports(ds, cfg, a.quarter);
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

    #[test]
    fn ties_at_the_cut_are_kept() {
        let v = [5u64, 4, 3, 3, 3, 1];
        assert_eq!(top_with_ties(&v, 3, |x| *x), &[5, 4, 3, 3, 3]);
        assert_eq!(top_with_ties(&v, 2, |x| *x), &[5, 4]);
        assert_eq!(top_with_ties(&v[..2], 3, |x| *x), &[5, 4]);
        assert_eq!(rank_text(3, true), "并列第3名");
        assert_eq!(rank_text(1, false), "第1名");
    }

    #[test]
    fn region_tables_by_name_or_alias() {
        let cfg = Config::embedded();
        let t: BriefingText = toml::from_str(
            "doc_number = \"甲〔2026〕1号\"\n[regions.\"瑞安\"]\ndoc_number = \"甲〔2026〕1号\"\n[regions.\"瑞按市\"]\nforeword = \"x\"\n",
        )
        .unwrap();
        assert!(t.region(&cfg, "瑞安市").is_some());
        assert!(t.region(&cfg, "乐清市").is_none());
        assert_eq!(t.unknown_regions(&cfg), vec!["瑞按市".to_string()]);
        assert_eq!(t.shared_numbers(), vec!["甲〔2026〕1号".to_string()]);
        let own = t.for_region(&cfg, "瑞安市");
        assert_eq!(own.doc_number.as_deref(), Some("甲〔2026〕1号"));
        assert!(t.for_region(&cfg, "乐清市").doc_number.is_none());
    }

    #[test]
    fn summaries_as_published() {
        assert_eq!(
            published_summary(
                "张*（身份证3303**********1234，手机138****5678）在江边采砂，案件正在进一步调查中。",
                "张三",
                true,
                true
            ),
            "张某（手机138****5678）在江边采砂。"
        );
        assert_eq!(
            published_summary(
                "7月3日，执法人员日常巡查发现某点存在无证开采行为，扣押船舶1艘，案件正在进一步调查中。",
                "",
                true,
                true
            ),
            "7月3日，执法人员日常巡查发现某点存在无证开采行为，扣押船舶1艘。"
        );
        assert_eq!(
            published_summary("当事人证件号：330302199001011234。", "", false, true),
            "当事人。"
        );
        // An open case keeps its words.
        assert_eq!(
            published_summary("案件正在进一步调查中。", "", true, false),
            "案件正在进一步调查中。"
        );
    }
}
