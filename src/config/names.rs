//! Name resolution through the configured alias tables.
//!
//! The whole value is tried first; only when nothing matches are place
//! prefixes (the city's name with or without 市, a region's full or short
//! name, a bare 市/县/区) and office suffixes (局, 分局, …) stripped and the
//! rest tried again — so 市场监管局 stays 市场监管.

use std::collections::HashMap;

use crate::config::Config;
use crate::text::norm_name;

/// Office suffixes stripped, longest first.
const OFFICE_SUFFIXES: &[&str] = &[
    "委员会",
    "办公室",
    "管理处",
    "管理站",
    "分公司",
    "公司",
    "支队",
    "大队",
    "中队",
    "分局",
    "局",
    "处",
    "所",
    "站",
    "办",
    "委",
];

/// One alias table: canonical names in configuration order, and every
/// normalised spelling mapped to its index.
#[derive(Debug, Clone)]
pub struct AliasTable {
    pub names: Vec<String>,
    map: HashMap<String, u16>,
    /// (normalised spelling, index) for suggestions.
    spellings: Vec<(String, u16)>,
}

impl AliasTable {
    pub fn new<'a>(entries: impl Iterator<Item = (&'a str, Vec<&'a str>)>) -> AliasTable {
        let mut names = Vec::new();
        let mut map = HashMap::new();
        let mut spellings = Vec::new();
        for (i, (name, aliases)) in entries.enumerate() {
            let i = i as u16;
            names.push(name.to_string());
            for s in std::iter::once(name).chain(aliases) {
                let n = norm_name(s);
                if n.is_empty() {
                    continue;
                }
                // The first entry that claims a spelling keeps it.
                map.entry(n.clone()).or_insert(i);
                spellings.push((n, i));
            }
        }
        AliasTable {
            names,
            map,
            spellings,
        }
    }

    /// Exact lookup of a normalised spelling.
    pub fn get(&self, normalised: &str) -> Option<u16> {
        self.map.get(normalised).copied()
    }

    pub fn name(&self, i: u16) -> &str {
        &self.names[i as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The canonical name nearest to `value` (for “did you mean”).
    pub fn suggest(&self, value: &str) -> Option<&str> {
        let v = norm_name(value);
        if v.is_empty() {
            return None;
        }
        let mut best: Option<(f64, u16)> = None;
        for (s, i) in &self.spellings {
            let mut score = strsim::normalized_levenshtein(&v, s);
            if s.contains(v.as_str()) || v.contains(s.as_str()) {
                score += 0.3;
            }
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, *i));
            }
        }
        best.filter(|(s, _)| *s >= 0.5).map(|(_, i)| self.name(i))
    }
}

/// All alias tables of a configuration, plus the place prefixes.
#[derive(Debug, Clone)]
pub struct Resolver {
    pub units: AliasTable,
    pub regions: AliasTable,
    pub violation_types: AliasTable,
    pub sources: AliasTable,
    /// Normalised place prefixes, longest first.
    prefixes: Vec<String>,
    /// Free text read with these tables is scrubbed of personal data
    /// (`privacy.mask_personal`; see `crate::privacy::scrub`).
    pub mask_personal: bool,
}

impl Resolver {
    pub fn new(cfg: &Config) -> Resolver {
        let named = |v: &'_ [crate::config::Named]| -> Vec<(String, Vec<String>)> {
            v.iter()
                .map(|n| {
                    let mut a = n.aliases.clone();
                    if let Some(f) = &n.full_name {
                        a.push(f.clone());
                    }
                    (n.name.clone(), a)
                })
                .collect()
        };
        let build = |v: &[(String, Vec<String>)]| {
            AliasTable::new(
                v.iter()
                    .map(|(n, a)| (n.as_str(), a.iter().map(|s| s.as_str()).collect())),
            )
        };
        let units = build(&named(&cfg.units));
        let regions = build(&named(&cfg.regions));
        let violation_types = build(&named(&cfg.violation_types));
        let sources = build(
            &cfg.sources
                .iter()
                .map(|s| (s.name.clone(), s.aliases.clone()))
                .collect::<Vec<_>>(),
        );
        let city = norm_name(&cfg.organisation.city);
        let mut prefixes = vec![city.clone()];
        if let Some(short) = city.strip_suffix('市') {
            if !short.is_empty() {
                prefixes.push(short.to_string());
            }
        }
        for r in &cfg.regions {
            prefixes.push(norm_name(&r.name));
            for a in &r.aliases {
                prefixes.push(norm_name(a));
            }
        }
        prefixes.extend(["市", "县", "区"].map(String::from));
        prefixes.retain(|p| !p.is_empty());
        prefixes.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        prefixes.dedup();
        Resolver {
            units,
            regions,
            violation_types,
            sources,
            prefixes,
            mask_personal: cfg.privacy.mask_personal,
        }
    }

    /// Resolve a unit name (aliases, then place prefixes and office suffixes stripped).
    pub fn unit(&self, value: &str) -> Option<u16> {
        self.with_stripping(&self.units, value, true)
    }

    /// Resolve a region name (aliases, then the city prefix stripped).
    /// The unit whose longest spelling occurs anywhere in `text` (file names).
    pub fn unit_in_text(&self, text: &str) -> Option<u16> {
        let t = norm_name(text);
        self.units
            .spellings
            .iter()
            .filter(|(s, _)| s.chars().count() >= 2 && t.contains(s.as_str()))
            .max_by(|a, b| a.0.len().cmp(&b.0.len()).then(b.1.cmp(&a.1)))
            .map(|(_, i)| *i)
    }

    pub fn region(&self, value: &str) -> Option<u16> {
        self.with_stripping(&self.regions, value, false)
    }

    pub fn violation_type(&self, value: &str) -> Option<u16> {
        self.violation_types.get(&norm_name(value))
    }

    pub fn source(&self, value: &str) -> Option<u16> {
        self.sources.get(&norm_name(value))
    }

    fn with_stripping(&self, table: &AliasTable, value: &str, suffixes: bool) -> Option<u16> {
        let v = norm_name(value);
        if v.is_empty() {
            return None;
        }
        if let Some(i) = table.get(&v) {
            return Some(i);
        }
        // Strip up to three place prefixes (温州市 + 鹿城区 + …), trying each stage.
        let mut stages = vec![v.clone()];
        let mut cur = v.as_str();
        for _ in 0..3 {
            let Some(p) = self
                .prefixes
                .iter()
                .find(|p| cur.len() > p.len() && cur.starts_with(p.as_str()))
            else {
                break;
            };
            cur = &cur[p.len()..];
            stages.push(cur.to_string());
        }
        for s in &stages {
            if let Some(i) = table.get(s) {
                return Some(i);
            }
        }
        if suffixes {
            for s in &stages {
                if let Some(i) = self.strip_office(table, s) {
                    return Some(i);
                }
            }
            // A district branch: 公安局龙湾分局 (unit, place, office suffix).
            for s in &stages {
                for suf in OFFICE_SUFFIXES {
                    let Some(rest) = s.strip_suffix(suf) else {
                        continue;
                    };
                    for p in self.prefixes.iter().filter(|p| p.chars().count() > 1) {
                        if let Some(unit) = rest.strip_suffix(p.as_str()) {
                            if unit.is_empty() {
                                continue;
                            }
                            if let Some(i) =
                                table.get(unit).or_else(|| self.strip_office(table, unit))
                            {
                                return Some(i);
                            }
                        }
                    }
                }
            }
        }
        None
    }

    /// `s` with an office suffix stripped, looked up exactly.
    fn strip_office(&self, table: &AliasTable, s: &str) -> Option<u16> {
        OFFICE_SUFFIXES.iter().find_map(|suf| {
            s.strip_suffix(suf)
                .filter(|rest| !rest.is_empty())
                .and_then(|rest| table.get(rest))
        })
    }
}

/// A spelling claimed by two entries of one list, or two regions whose
/// names make one file name: the configuration is ambiguous and is
/// rejected. `text` is the user's configuration (for line numbers).
/// Returns a one-line bilingual message naming both entries.
pub fn check_conflicts(cfg: &Config, text: &str) -> Result<(), String> {
    // The line of `name = "X"` (a name) or of another line quoting "X" (an alias).
    let line_of = |value: &str, is_name: bool| -> Option<usize> {
        let quoted = format!("\"{value}\"");
        text.lines()
            .position(|l| {
                let t = l.trim_start();
                let name_line = t.starts_with("name") && !t.starts_with("name_");
                l.contains(&quoted) && name_line == is_name
            })
            .map(|i| i + 1)
    };
    // (Chinese, English) description of one spelling of an entry.
    let describe = |what: &str, entry: &str, spelling: &str| -> (String, String) {
        let is_name = entry == spelling;
        let line = line_of(spelling, is_name);
        let (lz, le) = match line {
            Some(l) => (format!("（第{l}行）"), format!(" (line {l})")),
            None => (String::new(), String::new()),
        };
        if is_name {
            (
                format!("{what}“{entry}”的名称{lz}"),
                format!("the name of “{entry}”{le}"),
            )
        } else {
            (
                format!("{what}“{entry}”的别名“{spelling}”{lz}"),
                format!("alias “{spelling}” of “{entry}”{le}"),
            )
        }
    };
    let named = |v: &[crate::config::Named]| -> Vec<(String, Vec<String>)> {
        v.iter()
            .map(|n| {
                let mut a = n.aliases.clone();
                a.extend(n.full_name.clone());
                (n.name.clone(), a)
            })
            .collect()
    };
    let sources: Vec<(String, Vec<String>)> = cfg
        .sources
        .iter()
        .map(|s| (s.name.clone(), s.aliases.clone()))
        .collect();
    let lists = [
        ("units", "单位", named(&cfg.units)),
        ("regions", "县市区", named(&cfg.regions)),
        ("violation_types", "违法类型", named(&cfg.violation_types)),
        ("sources", "线索来源", sources),
    ];
    // Names only: an alias must not strip down to another entry's name.
    let mut bare = cfg.clone();
    for n in bare.units.iter_mut().chain(bare.regions.iter_mut()) {
        n.aliases.clear();
    }
    let resolver = Resolver::new(&bare);
    for (key, zh, list) in &lists {
        // Every normalised spelling → (entry, spelling as written).
        let mut claimed: HashMap<String, (usize, &str)> = HashMap::new();
        for (i, (name, aliases)) in list.iter().enumerate() {
            for s in std::iter::once(name).chain(aliases) {
                let n = norm_name(s);
                if n.is_empty() {
                    continue;
                }
                // Units and regions: also the spelling after stripping
                // place prefixes and office suffixes (水利分局 means 水利).
                let stripped = match *key {
                    "units" => resolver.unit(s),
                    "regions" => resolver.region(s),
                    _ => None,
                }
                .filter(|&j| j as usize != i)
                .map(|j| (j as usize, list[j as usize].0.as_str()));
                let other = match claimed.get(&n) {
                    Some(&(j, w)) if j != i => Some((j, w)),
                    _ => stripped,
                };
                if let Some((j, w)) = other {
                    let (a_zh, a_en) = describe(zh, &list[j].0, w);
                    let (b_zh, b_en) = describe(zh, name, s);
                    return Err(format!(
                        "配置有冲突：`{key}` 中{a_zh}与{b_zh}指向同一名称，无法判断归属，请删除或改动其一 / conflicting configuration in `{key}`: {a_en} and {b_en} name the same thing; remove or change one"
                    ));
                }
                claimed.entry(n).or_insert((i, s.as_str()));
            }
        }
    }
    // Region reports (regions/<region>.*) and units' feedback sheets
    // (feedback/<unit>.xlsx) are files named after them: two names that
    // make one file name (as a case-insensitive system such as Windows'
    // sees it) are refused here, before any run.
    for (key, zh, zh_file, en_file, list) in [
        ("regions", "县市区", "报告文件", "report file", &cfg.regions),
        (
            "units",
            "成员单位",
            "反馈单文件",
            "feedback file",
            &cfg.units,
        ),
    ] {
        let mut files: HashMap<String, &str> = HashMap::new();
        for r in list {
            let f = crate::text::sanitize_name(&r.name).to_lowercase();
            if let Some(other) = files.insert(f.clone(), r.name.as_str()) {
                let (a_zh, a_en) = describe(zh, other, other);
                let (b_zh, b_en) = describe(zh, &r.name, &r.name);
                return Err(format!(
                    "配置有冲突：`{key}` 中{a_zh}与{b_zh}会写成同一个{zh_file}“{f}”，请改名 / conflicting configuration in `{key}`: {a_en} and {b_en} would write the same {en_file} “{f}”; rename one"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r() -> Resolver {
        Resolver::new(&Config::embedded())
    }

    #[test]
    fn units_resolve() {
        let r = r();
        let name = |s: &str| r.unit(s).map(|i| r.units.name(i).to_string());
        for (input, want) in [
            ("公安", "公安"),
            ("温州市公安局", "公安"),
            ("市公安局", "公安"),
            ("瑞安市公安局", "公安"),
            ("公安分局", "公安"),
            ("温州市鹿城区公安分局", "公安"),
            ("温州市公安局龙湾分局", "公安"),
            ("温州市公安局龙湾区分局", "公安"),
            ("市场监管局", "市场监管"),
            ("温州市市场监督管理局", "市场监管"),
            ("国土资源局", "自然资源"),
            ("瑞安市自然资源和规划局", "自然资源"),
            ("安监局", "应急管理"),
            ("农业农村局", "海洋与渔业"),
            ("国网温州供电公司", "电力"),
            ("乐清市供电公司", "电力"),
            (" 海事局 ", "海事"),
            ("交通运输局", "交通运输"),
        ] {
            assert_eq!(name(input).as_deref(), Some(want), "{input}");
        }
        assert_eq!(r.unit("教育局"), None);
        assert_eq!(r.unit(""), None);
        assert_eq!(r.units.suggest("公按局"), Some("公安"));
    }

    #[test]
    fn regions_resolve() {
        let r = r();
        let name = |s: &str| r.region(s).map(|i| r.regions.name(i).to_string());
        assert_eq!(name("瑞安").as_deref(), Some("瑞安市"));
        assert_eq!(name("温州市瑞安市").as_deref(), Some("瑞安市"));
        assert_eq!(name("鹿城区").as_deref(), Some("鹿城区"));
        assert_eq!(name("龙港").as_deref(), Some("龙港市"));
        assert_eq!(name("杭州市"), None);
        assert_eq!(r.regions.suggest("瑞按市"), Some("瑞安市"));
    }

    #[test]
    fn embedded_has_no_conflicts() {
        assert_eq!(check_conflicts(&Config::embedded(), ""), Ok(()));
    }

    #[test]
    fn conflicts_name_both_entries() {
        let mut cfg = Config::embedded();
        cfg.units[1].aliases.push("水利".into());
        let e = check_conflicts(&cfg, "").unwrap_err();
        assert!(e.contains("“公安”") && e.contains("“水利”"), "{e}");
        let mut cfg = Config::embedded();
        cfg.units[1].aliases.push("水利分局".into());
        assert!(check_conflicts(&cfg, "").is_err());
        // Two entries of `key` named `a` and `b` (besides the first one):
        // the error.
        let two = |units: bool, a: &str, b: &str| {
            let mut cfg = Config::embedded();
            let list = if units {
                &mut cfg.units
            } else {
                &mut cfg.regions
            };
            list.truncate(1);
            for n in [a, b] {
                list.push(crate::config::Named {
                    name: n.into(),
                    full_name: None,
                    aliases: vec![],
                });
            }
            check_conflicts(&cfg, "").unwrap_err()
        };
        for (a, b) in [("瑞安市", "瑞安市 "), ("a/b", "a_b"), ("AB", "ab")] {
            let e = two(false, a, b);
            assert!(e.contains(a) && e.contains(b.trim()), "{e}");
        }
        // Units name files too (feedback/<unit>.xlsx): two that would
        // write one are refused as two regions are, not left to fail the
        // run with an internal error when the feedback is written.
        for (a, b) in [("a/b", "a:b"), ("CON", "con_"), ("AB", "ab")] {
            let e = two(true, a, b);
            assert!(e.contains(a) && e.contains(b) && e.contains("units"), "{e}");
        }
    }

    #[test]
    fn types_and_sources() {
        let r = r();
        assert_eq!(r.violation_type("河道非法采砂"), Some(2));
        assert_eq!(r.violation_type("非法采砂"), Some(2));
        assert_eq!(r.source("举报"), Some(4));
        assert_eq!(r.source("卫片"), Some(2));
        assert_eq!(r.source("瞎编"), None);
    }
}
