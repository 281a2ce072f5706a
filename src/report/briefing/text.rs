//! The words a quarter folder supplies: `briefing.toml` (`BriefingText`,
//! each region's `[regions."瑞安市"]` table as `RegionText`, typed-in
//! typical cases), how they are read and checked, and the default
//! 下步工作 used when a document is given none. Kept apart from the
//! prose because this is the one input a person writes by hand.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::{Error, Result};

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
    /// The assessment's (考核通报) own 文号, e.g. 温打非采办〔2026〕4号.
    pub assessment_doc_number: Option<String>,
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
            .chain(&self.assessment_doc_number)
            .chain(self.regions.values().filter_map(|r| r.doc_number.as_ref()));
        for n in all {
            *seen.entry(n.trim()).or_default() += 1;
        }
        seen.into_iter()
            .filter(|(k, n)| *n > 1 && !k.is_empty())
            .map(|(k, _)| k.to_string())
            .collect()
    }

    /// Warnings for 文号 too wide for the one line GB/T 9704 §7.2.5 gives
    /// a 发文字号 (more than [`LINE_CHARS`] characters of the body's type;
    /// a digit or Latin letter counts half): printed, they would wrap under
    /// the red line. A whole title pasted as `doc_number` is the likely
    /// mistake; the document is still written. `folder` names the quarter
    /// folder in the message.
    pub fn long_number_warnings(&self, folder: &str) -> Vec<String> {
        let keys = [
            ("doc_number".to_string(), &self.doc_number),
            (
                "assessment_doc_number".to_string(),
                &self.assessment_doc_number,
            ),
        ]
        .into_iter()
        .chain(
            self.regions
                .iter()
                .map(|(r, t)| (format!("[regions.\"{r}\"] doc_number"), &t.doc_number)),
        );
        keys.filter_map(|(key, n)| {
            let n = n.as_deref()?.trim();
            let chars = unicode_width::UnicodeWidthStr::width_cjk(n).div_ceil(2);
            (chars > LINE_CHARS).then(|| {
                let key = crate::text::escape_controls(&key);
                let shown: String = n.chars().take(LINE_CHARS).collect();
                let shown = crate::text::escape_controls(&shown);
                let more = if n.chars().count() > LINE_CHARS { "…" } else { "" };
                format!(
                    "警告：{folder}/briefing.toml 中 {key} 的文号“{shown}{more}”约{chars}字，超过一行（{LINE_CHARS}字），印出时会折行 / warning: {key} in {folder}/briefing.toml (“{shown}{more}”, about {chars} characters) is wider than one line ({LINE_CHARS}) and will wrap"
                )
            })
        })
        .collect()
    }

    /// The text with ID and phone numbers masked when `mask` is on (the
    /// configuration's `privacy.mask_personal`), as in any free text of a
    /// report (`privacy::scrub_numbers_only`): the foreword, next steps,
    /// problems and typical cases, at the top and in every region's table.
    /// A person typing a case's 证件号 into briefing.toml would otherwise
    /// have it printed in every format. 文号, offices and addressees are
    /// kept as written.
    pub fn masked(mut self, mask: bool) -> BriefingText {
        if !mask {
            return self;
        }
        fn scrub(s: &mut String) {
            if let std::borrow::Cow::Owned(m) = crate::privacy::scrub_numbers_only(s) {
                *s = m;
            }
        }
        fn words(
            foreword: &mut Option<String>,
            lists: [&mut Vec<String>; 2],
            cases: &mut [TypicalCase],
        ) {
            foreword.iter_mut().for_each(scrub);
            lists.into_iter().flatten().for_each(scrub);
            for c in cases {
                scrub(&mut c.title);
                scrub(&mut c.text);
            }
        }
        words(
            &mut self.foreword,
            [&mut self.next_steps, &mut self.problems],
            &mut self.typical_cases,
        );
        for r in self.regions.values_mut() {
            words(
                &mut r.foreword,
                [&mut r.next_steps, &mut r.problems],
                &mut r.typical_cases,
            );
        }
        self
    }

    /// The words of one region's report in a city run: its own table only.
    pub(super) fn for_region(&self, cfg: &Config, name: &str) -> BriefingText {
        match self.region(cfg, name) {
            Some(r) => BriefingText {
                doc_number: r.doc_number.clone(),
                assessment_doc_number: None,
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

/// Characters of the body's type (3号) on one line of the type area
/// (GB/T 9704 §5.2.2: 28 characters a line, 22 lines a page).
pub const LINE_CHARS: usize = 28;

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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// What a person types is free text in a report like any other: an ID
    /// or phone number in it is masked (masking on), everything else is
    /// kept, in the top-level keys and in every region's table.
    #[test]
    fn typed_words_are_masked_like_any_free_text() {
        let id = "330302199001011234";
        let phone = "13812345678";
        let t: BriefingText = toml::from_str(&format!(
            "doc_number = \"甲〔2026〕1号\"\nforeword = \"证件号{id}\"\nnext_steps = [\"电话{phone}\"]\nproblems = [\"{id}\"]\n[[typical_cases]]\ntitle = \"案{phone}\"\ntext = \"身份证{id}，电话{phone}，罚款5000元\"\n[regions.\"瑞安市\"]\nforeword = \"{id}\"\nnext_steps = [\"{phone}\"]\nproblems = [\"{id}\"]\n[[regions.\"瑞安市\".typical_cases]]\ntitle = \"t\"\ntext = \"{phone}\"\n"
        ))
        .unwrap();
        let kept = t.clone().masked(false);
        assert_eq!(kept, t);
        let m = t.clone().masked(true);
        let all = toml::to_string(&m).unwrap();
        assert!(!all.contains(id) && !all.contains(phone), "{all}");
        assert!(all.contains("3303**********1234"), "{all}");
        assert_eq!(m.doc_number.as_deref(), Some("甲〔2026〕1号"));
        assert!(m.typical_cases[0].text.ends_with("罚款5000元"));
        // the same fields, only the numbers changed
        assert_eq!(m.typical_cases.len(), 1);
        assert_eq!(m.regions["瑞安市"].typical_cases.len(), 1);
    }

    /// 28 full-width characters fit the line; 29 do not, nor 57 digits
    /// (half each); every 文号 of the file is checked, and the message
    /// shows the first 28 characters only.
    #[test]
    fn a_number_wider_than_one_line_is_warned_about() {
        let fits = "温".repeat(28);
        let t: BriefingText = toml::from_str(&format!(
            "doc_number = \"{fits}\"\nassessment_doc_number = \"温打非采办〔2026〕4号\"\n[regions.\"瑞安市\"]\ndoc_number = \"{}\"\n",
            "1".repeat(56)
        ))
        .unwrap();
        assert!(t.long_number_warnings("2026Q3").is_empty());
        let t: BriefingText = toml::from_str(&format!(
            "doc_number = \"{}\"\n[regions.\"瑞安市\"]\ndoc_number = \"{}\"\n",
            "温".repeat(200),
            "1".repeat(57)
        ))
        .unwrap();
        let w = t.long_number_warnings("2026Q3");
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].contains(&format!("doc_number 的文号“{fits}…”约200字")),
            "{}",
            w[0]
        );
        assert!(!w[0].contains(&"温".repeat(29)));
        assert!(w[1].contains("[regions.\"瑞安市\"] doc_number"), "{}", w[1]);
        assert!(w[1].contains("约29字"), "{}", w[1]);
    }
}
