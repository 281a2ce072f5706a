//! Configuration: the embedded default `minebrief.toml`, overridable by a user
//! file in the data folder or given with `--config`.
//!
//! Loading is two passes: the user's text is first deserialised on its own
//! with `deny_unknown_fields`, so an unknown key or a value of the wrong type
//! is reported with its line; then the user's tables are merged into the
//! embedded defaults (tables key by key, arrays replaced as a whole) and the
//! result is deserialised and checked.
//!
//! Longer than 600 lines (about 720 without tests) because every section's
//! struct sits beside the checks of its values (`Config::check`, the
//! rubric's `Assessment::check`), so a key's meaning and its validation are
//! read together; the rubric's checks (about 160 lines) are the part to move
//! out first if the file grows.

pub mod names;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The embedded default configuration, with comments (`minebrief init`).
pub const DEFAULT_TOML: &str = include_str!("minebrief.toml");

/// The whole configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub organisation: Organisation,
    pub rules: Rules,
    pub area: Area,
    pub privacy: Privacy,
    pub output: OutputCfg,
    pub fonts: Fonts,
    pub units: Vec<Named>,
    pub regions: Vec<Named>,
    pub violation_types: Vec<Named>,
    pub sources: Vec<SourceEntry>,
    pub assessment: Assessment,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Organisation {
    /// 城市名称, e.g. 温州市.
    pub city: String,
    /// 领导小组.
    pub group: String,
    /// 发文机关 (the leading group's office).
    pub office: String,
    /// Issue date printed on the documents (YYYY-MM-DD).
    pub issue_date: Option<String>,
    /// 主送机关 printed after the title of every document whose template
    /// names none (ends with a full-width colon; empty: none).
    pub addressee: String,
    /// 抄送 of the 版记 (empty: no 抄送 line).
    pub cc: Vec<String>,
    /// 印发机关 of the 版记 (empty: the issuing office).
    pub printer: String,
    /// Whether the documents are sealed (加盖印章): 署名 and 成文日期 as
    /// GB/T 9704 §7.3.5.1 places them around a seal, else §7.3.5.2.
    pub sealed: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    pub reply_days: i64,
    pub filing_days: i64,
    pub closing_days: i64,
    pub recurrence_radius_m: f64,
}

/// The area where a case's coordinates are plausible (contract §2):
/// coordinates at (0, 0) or outside this box count as missing for
/// recurrence. Degrees, bounds included.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Area {
    pub min_lon: f64,
    pub max_lon: f64,
    pub min_lat: f64,
    pub max_lat: f64,
}

impl Default for Area {
    /// 温州市 (27°03′–28°36′ N, 119°37′–121°18′ E) with a margin for its
    /// islands (七星列岛, 南麂, 北麂).
    fn default() -> Area {
        Area {
            min_lon: 119.5,
            max_lon: 121.5,
            min_lat: 26.8,
            max_lat: 28.8,
        }
    }
}

impl Area {
    /// Plausible coordinates: inside the box and not (0, 0).
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        !(lon == 0.0 && lat == 0.0)
            && (self.min_lon..=self.max_lon).contains(&lon)
            && (self.min_lat..=self.max_lat).contains(&lat)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Privacy {
    pub mask_personal: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct OutputCfg {
    pub templates_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Fonts {
    pub title: Option<PathBuf>,
    pub heading1: Option<PathBuf>,
    pub heading2: Option<PathBuf>,
    pub body: Option<PathBuf>,
    pub table: Option<PathBuf>,
}

/// A configured name (unit, region, violation type) with its aliases.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Named {
    pub name: String,
    pub full_name: Option<String>,
    pub aliases: Vec<String>,
}

/// A lead source; `proactive` ones count as 主动发现.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SourceEntry {
    pub name: String,
    pub proactive: bool,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Assessment {
    pub allow_any_total: bool,
    pub grades: Vec<Grade>,
    pub unit_indicators: Vec<Indicator>,
    pub unit_deductions: Vec<Deduction>,
    pub region_indicators: Vec<Indicator>,
    pub region_deductions: Vec<Deduction>,
    pub accountability: Accountability,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Grade {
    pub name: String,
    pub min: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub metric: String,
    pub weight: f64,
    /// Day limit for timeliness metrics (default from `[rules]`).
    pub days: Option<i64>,
    /// Source names for discovery metrics (default: the proactive sources).
    pub sources: Option<Vec<String>>,
    /// Target for coverage metrics (e.g. patrols per quarter).
    pub target: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Deduction {
    pub id: String,
    pub name: String,
    pub metric: String,
    pub points: f64,
    pub cap: Option<f64>,
    /// Source names for `media_exposures` (default: 媒体曝光).
    pub sources: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Accountability {
    pub grade: Option<String>,
    pub media_exposures: Option<u32>,
    pub recurrences: Option<u32>,
}

/// Largest configuration file read.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// Most entries in a list of names (units, regions, violation types, sources).
pub const MAX_NAMES: usize = 10_000;

impl Config {
    /// The embedded defaults.
    pub fn embedded() -> Config {
        // The embedded file is part of the binary and covered by tests.
        toml::from_str(DEFAULT_TOML).expect("embedded minebrief.toml is valid")
    }

    /// Load a configuration: the embedded defaults, overridden by `path` when given.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let Some(path) = path else {
            return Ok(Config::embedded());
        };
        let text = crate::input::read_input(path, None, MAX_CONFIG_BYTES)
            .map_err(|r| r.into_error(path))?;
        let text = utf8_text(path, text)?;
        let mut cfg = Config::from_user_text(&text).map_err(|message| Error::Config {
            file: path.display().to_string(),
            message,
        })?;
        // Relative paths in the config are relative to the config file.
        let base = path.parent().unwrap_or(Path::new("."));
        cfg.resolve_paths(base);
        cfg.check_paths(&text).map_err(|message| Error::Config {
            file: path.display().to_string(),
            message: crate::text::escape_controls(&message),
        })?;
        Ok(cfg)
    }

    /// Parse a user's configuration text merged over the embedded defaults.
    /// The error is a one-line message naming the key and its line.
    pub fn from_user_text(text: &str) -> std::result::Result<Config, String> {
        // Errors quote the user's values, which may hold line breaks or
        // other control characters: they are shown escaped, on one line.
        Self::from_user_text_raw(text).map_err(|m| crate::text::escape_controls(&m))
    }

    fn from_user_text_raw(text: &str) -> std::result::Result<Config, String> {
        // Pass 0: a date written without quotes is a TOML datetime, which
        // would be reported as "invalid type: map".
        if let Ok(user) = toml::from_str::<toml::Table>(text) {
            if let Some(key) = find_datetime(&user) {
                let l = find_key_line(text, &key).unwrap_or(0);
                return Err(format!(
                    "第{l}行 `{key}`: 日期须加引号，如 {key} = \"2026-10-15\" / line {l}, key `{key}`: put the date in quotes, e.g. {key} = \"2026-10-15\""
                ));
            }
        }
        // Pass 1: keys and types, with line numbers.
        if let Err(e) = toml::from_str::<Config>(text) {
            return Err(one_line_toml_error(&e, text));
        }
        // Pass 2: merge into the defaults.
        let mut base: toml::Table = toml::from_str(DEFAULT_TOML).map_err(|e| e.to_string())?;
        let user: toml::Table = toml::from_str(text).map_err(|e| one_line_toml_error(&e, text))?;
        merge_tables(&mut base, user);
        let cfg: Config = toml::Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| e.message().to_string())?;
        cfg.check().map_err(|(key, msg)| {
            let line = find_key_line(text, &key);
            match line {
                Some(l) => format!("第{l}行 `{key}`: {msg} / line {l}, key `{key}`"),
                None => format!("`{key}`: {msg}"),
            }
        })?;
        crate::config::names::check_conflicts(&cfg, text)?;
        Ok(cfg)
    }

    /// Folders named in the configuration must exist: a misspelt
    /// `output.templates_dir` would otherwise fall back to the built-in
    /// templates without a word.
    fn check_paths(&self, text: &str) -> std::result::Result<(), String> {
        if let Some(dir) = &self.output.templates_dir {
            if !dir.is_dir() {
                let key = "templates_dir";
                let l = find_key_line(text, key).unwrap_or(0);
                return Err(format!(
                    "第{l}行 `output.{key}`: 找不到模板文件夹 {}（不存在或不是文件夹）/ line {l}, key `output.{key}`: template folder {} not found (missing or not a folder)",
                    dir.display(),
                    dir.display()
                ));
            }
        }
        Ok(())
    }

    fn resolve_paths(&mut self, base: &Path) {
        let fix = |p: &mut Option<PathBuf>| {
            if let Some(p) = p {
                if p.is_relative() {
                    *p = base.join(&*p);
                }
            }
        };
        fix(&mut self.output.templates_dir);
        fix(&mut self.fonts.title);
        fix(&mut self.fonts.heading1);
        fix(&mut self.fonts.heading2);
        fix(&mut self.fonts.body);
        fix(&mut self.fonts.table);
    }

    /// Semantic checks: returns the offending key and a bilingual message.
    pub fn check(&self) -> std::result::Result<(), (String, String)> {
        let err = |k: &str, m: &str| Err((k.to_string(), m.to_string()));
        if self.organisation.city.trim().is_empty() {
            return err("city", "城市名称不能为空 / must not be empty");
        }
        for (key, list) in [
            ("units", names_of(&self.units)),
            ("regions", names_of(&self.regions)),
            ("violation_types", names_of(&self.violation_types)),
            (
                "sources",
                self.sources.iter().map(|s| s.name.as_str()).collect(),
            ),
        ] {
            if list.is_empty() {
                return err(key, "列表不能为空 / the list must not be empty");
            }
            // Names are numbered with u16 ids.
            if list.len() > MAX_NAMES {
                return Err((
                    key.to_string(),
                    format!("最多 {MAX_NAMES} 项 / at most {MAX_NAMES} entries"),
                ));
            }
            let mut seen = std::collections::HashSet::new();
            for n in &list {
                if n.trim().is_empty() {
                    return err(key, "名称不能为空 / a name must not be empty");
                }
                // printed in every document and summary.json: no tab, line
                // break or NUL in a name
                if n.chars().any(char::is_control) {
                    return Err((
                        key.to_string(),
                        format!(
                            "名称“{}”含控制字符 / name “{}” contains a control character",
                            crate::text::escape_controls(n),
                            crate::text::escape_controls(n)
                        ),
                    ));
                }
                if !seen.insert(*n) {
                    return Err((
                        key.to_string(),
                        format!("名称“{n}”重复 / duplicate name “{n}”"),
                    ));
                }
            }
        }
        if self.rules.reply_days < 0 {
            return err("reply_days", "不能为负数 / must not be negative");
        }
        if self.rules.filing_days < 0 {
            return err("filing_days", "不能为负数 / must not be negative");
        }
        if self.rules.closing_days < 0 {
            return err("closing_days", "不能为负数 / must not be negative");
        }
        if !non_negative(self.rules.recurrence_radius_m) {
            return err(
                "recurrence_radius_m",
                "须为非负数 / must be a non-negative number",
            );
        }
        let a = &self.area;
        for (key, v, lim) in [
            ("min_lon", a.min_lon, 180.0),
            ("max_lon", a.max_lon, 180.0),
            ("min_lat", a.min_lat, 90.0),
            ("max_lat", a.max_lat, 90.0),
        ] {
            if !(v.is_finite() && v.abs() <= lim) {
                return Err((
                    key.to_string(),
                    format!("须为 -{lim} 到 {lim} 之间的度数 / must be degrees between -{lim} and {lim}"),
                ));
            }
        }
        if a.min_lon >= a.max_lon {
            return err("max_lon", "须大于 min_lon / must be greater than min_lon");
        }
        if a.min_lat >= a.max_lat {
            return err("max_lat", "须大于 min_lat / must be greater than min_lat");
        }
        if let Some(d) = &self.organisation.issue_date {
            if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                return err(
                    "issue_date",
                    "日期格式应为 YYYY-MM-DD / expected a date YYYY-MM-DD",
                );
            }
        }
        self.assessment.check()?;
        // Source names used by the rubric must exist.
        let sources = self.source_names();
        let used = self
            .assessment
            .unit_indicators
            .iter()
            .chain(&self.assessment.region_indicators)
            .filter_map(|i| i.sources.as_ref())
            .chain(
                self.assessment
                    .unit_deductions
                    .iter()
                    .chain(&self.assessment.region_deductions)
                    .filter_map(|d| d.sources.as_ref()),
            );
        for list in used {
            for s in list {
                if !sources.contains(&s.as_str()) {
                    return Err((
                        "sources".into(),
                        format!(
                            "考核细则引用了未配置的线索来源“{s}”，可用：{} / unknown source “{s}”",
                            sources.join("、")
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn unit_names(&self) -> Vec<&str> {
        names_of(&self.units)
    }
    pub fn region_names(&self) -> Vec<&str> {
        names_of(&self.regions)
    }
    pub fn violation_type_names(&self) -> Vec<&str> {
        names_of(&self.violation_types)
    }
    pub fn source_names(&self) -> Vec<&str> {
        self.sources.iter().map(|s| s.name.as_str()).collect()
    }
}

/// Metrics an indicator may use.
pub const INDICATOR_METRICS: &[&str] = &[
    "filing_timeliness",
    "closing_timeliness",
    "proactive_discovery",
    "referral_reply_timeliness",
    "meeting_attendance",
    "patrol_coverage",
    "closure_rate",
];

/// Metrics a deduction may use.
pub const DEDUCTION_METRICS: &[&str] = &[
    "overdue_cases",
    "media_exposures",
    "recurrences",
    "unreplied_referrals",
];

impl Assessment {
    fn check(&self) -> std::result::Result<(), (String, String)> {
        for (key, inds) in [
            ("unit_indicators", &self.unit_indicators),
            ("region_indicators", &self.region_indicators),
        ] {
            let mut total = 0.0;
            for i in inds {
                if !INDICATOR_METRICS.contains(&i.metric.as_str()) {
                    return Err((
                        "metric".into(),
                        format!(
                            "{key} 中的指标“{}”使用了未知的 metric “{}”，可用：{} / unknown metric, known: {}",
                            i.id,
                            i.metric,
                            INDICATOR_METRICS.join(", "),
                            INDICATOR_METRICS.join(", ")
                        ),
                    ));
                }
                if key == "region_indicators" && i.metric == "meeting_attendance" {
                    return Err((
                        "metric".into(),
                        format!(
                            "指标“{}”：联席会议出席率只适用于单位 / meeting_attendance applies to units only",
                            i.id
                        ),
                    ));
                }
                if i.metric == "patrol_coverage" && !i.target.is_some_and(|t| t > 0.0) {
                    return Err((
                        "target".into(),
                        format!(
                            "指标“{}”：patrol_coverage 需要正数 target（每季度应巡查次数）/ patrol_coverage needs a positive target",
                            i.id
                        ),
                    ));
                }
                if !i.weight.is_finite() {
                    return Err((
                        "weight".into(),
                        format!(
                            "指标“{}”的权重不是有效数字（{}）/ weight is not a number",
                            i.id, i.weight
                        ),
                    ));
                }
                if i.weight < 0.0 {
                    return Err((
                        "weight".into(),
                        format!(
                            "指标“{}”的权重不能为负数 / weight must not be negative",
                            i.id
                        ),
                    ));
                }
                total += i.weight;
            }
            if !self.allow_any_total && (total - 100.0).abs() > 1e-9 {
                return Err((
                    key.into(),
                    format!(
                        "权重合计为 {total}，应为 100（如确有意为之，请设 allow_any_total = true）/ weights sum to {total}, not 100 (set allow_any_total = true if intended)"
                    ),
                ));
            }
        }
        for ds in [&self.unit_deductions, &self.region_deductions] {
            for d in ds {
                if !DEDUCTION_METRICS.contains(&d.metric.as_str()) {
                    return Err((
                        "metric".into(),
                        format!(
                            "扣分项“{}”使用了未知的 metric “{}”，可用：{} / unknown metric, known: {}",
                            d.id,
                            d.metric,
                            DEDUCTION_METRICS.join(", "),
                            DEDUCTION_METRICS.join(", ")
                        ),
                    ));
                }
                if !non_negative(d.points) {
                    return Err((
                        "points".into(),
                        format!(
                            "扣分项“{}”的分值须为非负数（扣分以正数表示），现为 {} / points must be a non-negative number",
                            d.id, d.points
                        ),
                    ));
                }
                if let Some(c) = d.cap.filter(|c| !non_negative(*c)) {
                    return Err((
                        "cap".into(),
                        format!(
                            "扣分项“{}”的扣分上限须为非负数，现为 {c} / cap must be a non-negative number",
                            d.id
                        ),
                    ));
                }
            }
        }
        if self.grades.is_empty() {
            return Err((
                "grades".into(),
                "至少需要一个等次 / at least one grade is needed".into(),
            ));
        }
        let mut names = std::collections::HashSet::new();
        for g in &self.grades {
            if g.name.trim().is_empty() {
                return Err((
                    "grades".into(),
                    "等次名称不能为空 / a grade needs a name".into(),
                ));
            }
            if !names.insert(g.name.as_str()) {
                return Err((
                    "grades".into(),
                    format!("等次“{}”重复 / duplicate grade “{}”", g.name, g.name),
                ));
            }
            if !(g.min.is_finite() && (0.0..=100.0).contains(&g.min)) {
                return Err((
                    "min".into(),
                    format!(
                        "等次“{}”的 min 须为 0 到 100 之间的数，现为 {} / min must be a number from 0 to 100",
                        g.name, g.min
                    ),
                ));
            }
        }
        // Every score 0..=100 must fall in some grade.
        if !self.grades.iter().any(|g| g.min == 0.0) {
            let lowest = self
                .grades
                .iter()
                .map(|g| g.min)
                .fold(f64::INFINITY, f64::min);
            return Err((
                "grades".into(),
                format!(
                    "等次须覆盖全部分数：最低一档的 min 应为 0（现最低为 {lowest}，低于它的得分没有等次，如“不合格”一档被删去）/ grades must cover every score: the lowest min must be 0 (it is {lowest})"
                ),
            ));
        }
        if let Some(name) = &self.accountability.grade {
            if !self.grades.iter().any(|g| &g.name == name) {
                let known: Vec<&str> = self.grades.iter().map(|g| g.name.as_str()).collect();
                return Err((
                    "grade".into(),
                    format!(
                        "accountability.grade “{name}”不是已配置的等次，可用：{} / “{name}” is not a configured grade; known: {}",
                        known.join("、"),
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A finite number ≥ 0 (NaN is not).
fn non_negative(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

fn names_of(v: &[Named]) -> Vec<&str> {
    v.iter().map(|n| n.name.as_str()).collect()
}

/// The key of the first TOML datetime value (a date without quotes).
fn find_datetime(t: &toml::Table) -> Option<String> {
    fn walk(k: &str, v: &toml::Value) -> Option<String> {
        match v {
            toml::Value::Datetime(_) => Some(k.to_string()),
            toml::Value::Table(t) => t.iter().find_map(|(k, v)| walk(k, v)),
            toml::Value::Array(a) => a.iter().find_map(|v| walk(k, v)),
            _ => None,
        }
    }
    t.iter().find_map(|(k, v)| walk(k, v))
}

/// Tables merge key by key; anything else (arrays, scalars) is replaced.
fn merge_tables(base: &mut toml::Table, user: toml::Table) {
    for (k, v) in user {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(u)) => merge_tables(b, u),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn one_line_toml_error(e: &toml::de::Error, text: &str) -> String {
    let msg = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("第{line}行：{msg} / line {line}: {msg}")
        }
        None => msg,
    }
}

fn find_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with(key) && t[key.len()..].trim_start().starts_with('=')
                || t.starts_with(&format!("[[{key}]]"))
                || t.starts_with(&format!("[{key}]"))
                || t.contains(&format!(".{key}]"))
        })
        .map(|i| i + 1)
}

/// A TOML file's text, which must be UTF-8; a file saved as GBK (Notepad's
/// "ANSI" on Chinese Windows) is told so, with how to fix it.
pub fn utf8_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.into_bytes();
        let line = bytes[..std::str::from_utf8(&bytes).err().map_or(0, |u| u.valid_up_to())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        let (_, gbk_errors) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
        let hint = if gbk_errors {
            ("", "")
        } else {
            (
                "（该文件似为 GBK/GB18030 编码：请用记事本打开，“另存为”时编码选 UTF-8）",
                " (it looks like GBK/GB18030: open it in Notepad and “Save as” with encoding UTF-8)",
            )
        };
        Error::Config {
            file: path.display().to_string(),
            message: format!(
                "第{line}行：文件须为 UTF-8 编码{} / line {line}: the file must be UTF-8{}",
                hint.0, hint.1
            ),
        }
    })
}

/// Path of the configuration to use: `--config`, else `DATA/minebrief.toml` if present.
pub fn config_path(explicit: Option<&Path>, data: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    let p = data?.join("minebrief.toml");
    p.is_file().then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_parses_and_checks() {
        let c = Config::embedded();
        assert_eq!(c.units.len(), 11);
        assert_eq!(c.regions.len(), 12);
        assert_eq!(c.violation_types.len(), 15);
        assert_eq!(c.sources.len(), 8);
        assert_eq!(c.rules.reply_days, 7);
        assert!(c.check().is_ok());
        assert_eq!(c.units[0].name, "自然资源");
        assert_eq!(c.regions[11].name, "泰顺县");
        let proactive: Vec<_> = c
            .sources
            .iter()
            .filter(|s| s.proactive)
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(proactive, ["巡查发现", "电子监控", "卫片执法"]);
    }

    #[test]
    fn user_overrides_merge() {
        let c = Config::from_user_text("[rules]\nreply_days = 5\n").unwrap();
        assert_eq!(c.rules.reply_days, 5);
        assert_eq!(c.rules.closing_days, 90);
        assert_eq!(c.units.len(), 11);
        let c = Config::from_user_text(
            "[[units]]\nname = \"综合行政执法\"\naliases = [\"综合行政执法局\"]\n",
        )
        .unwrap();
        assert_eq!(c.units.len(), 1);
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = Config::from_user_text("[rules]\nreply_days = 5\nreplydays = 3\n").unwrap_err();
        assert!(e.contains("第3行"), "{e}");
        assert!(e.contains("replydays"), "{e}");
        let e = Config::from_user_text("[rules]\nreply_days = \"seven\"\n").unwrap_err();
        assert!(e.contains("第2行"), "{e}");
    }

    #[test]
    fn bad_values_are_errors() {
        let e = Config::from_user_text("[rules]\nreply_days = -1\n").unwrap_err();
        assert!(e.contains("reply_days") && e.contains("第2行"), "{e}");
        let e = Config::from_user_text(
            "[[assessment.unit_indicators]]\nid='x'\nname='x'\nmetric='nope'\nweight=100.0\n",
        )
        .unwrap_err();
        assert!(e.contains("filing_timeliness"), "{e}");
        let e = Config::from_user_text(
            "[[assessment.unit_indicators]]\nid='x'\nname='x'\nmetric='closure_rate'\nweight=90.0\n",
        )
        .unwrap_err();
        assert!(e.contains("100"), "{e}");
    }
}
