//! How the prose speaks: `Voice` (places and departments as the city's
//! briefing or a region's report names them) and the small phrase helpers
//! every section shares — 起 counts, shares, place lists, changes as
//! counts or percentages, money clauses, the places that rose, and
//! `top_with_ties` / `rank_text` (`rank_text` also serves the assessment's
//! score details in `report/mod.rs`).

use std::collections::BTreeMap;

use crate::analysis::GroupRow;
use crate::config::Config;
use crate::report::format::{count_change, wan};

/// 128起 / 12.35万元 style counts.
pub(super) fn qi(n: u64) -> String {
    format!("{n}起")
}

pub(super) fn share(part: u64, whole: u64) -> String {
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
pub(super) struct Voice<'a> {
    pub(super) cfg: &'a Config,
    pub(super) scoped: bool,
}

/// A blank township in prose (the tables print （未填写）).
const TOWN_BLANK_PROSE: &str = "未填写乡镇（街道）";

impl Voice<'_> {
    /// A member unit in prose, by its short canonical name.
    pub(super) fn unit(&self, key: &str) -> String {
        if self.scoped {
            return format!("{key}部门");
        }
        crate::report::unit_display(self.cfg, key)
    }

    pub(super) fn unit_id(&self, id: u16) -> String {
        let key = self
            .cfg
            .units
            .get(id as usize)
            .map(|u| u.name.as_str())
            .unwrap_or("");
        self.unit(key)
    }

    pub(super) fn region(&self, id: u16) -> &str {
        self.cfg
            .regions
            .get(id as usize)
            .map(|r| r.name.as_str())
            .unwrap_or("")
    }

    /// 各地 / 各乡镇（街道）
    pub(super) fn areas(&self) -> &'static str {
        if self.scoped {
            "各乡镇（街道）"
        } else {
            "各地"
        }
    }

    /// 地区 / 乡镇（街道）: "部分地区…".
    pub(super) fn area_word(&self) -> &'static str {
        if self.scoped {
            "乡镇（街道）"
        } else {
            "地区"
        }
    }

    /// 各地各部门 / 各乡镇（街道）和各有关部门
    pub(super) fn everyone(&self) -> &'static str {
        if self.scoped {
            "各乡镇（街道）和各有关部门"
        } else {
            "各地各部门"
        }
    }

    /// 成员单位 / 部门
    pub(super) fn units_word(&self) -> &'static str {
        if self.scoped {
            "各有关部门"
        } else {
            "各成员单位"
        }
    }
}

/// A place as prose names it (a blank township as 未填写乡镇（街道）).
pub(super) fn place(key: &str) -> &str {
    if key == crate::analysis::TOWN_BLANK || key.trim().is_empty() {
        TOWN_BLANK_PROSE
    } else {
        key
    }
}

/// Counts per place, in the order given by `order` (configuration order
/// for regions, byte order for townships): 鹿城区2起、瑞安市1起.
pub(super) fn count_list<K: Ord>(items: impl Iterator<Item = (K, String)>) -> Vec<(String, u64)> {
    let mut m: BTreeMap<K, (String, u64)> = BTreeMap::new();
    for (k, name) in items {
        m.entry(k).or_insert((name, 0)).1 += 1;
    }
    m.into_values().collect()
}

/// Where cases lie: 均发生在鹿城区 / 分布在鹿城区2起、瑞安市1起.
pub(super) fn spread(what: &str, list: &[(String, u64)]) -> String {
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

/// A count's change against a base as prose (上升12.3% / 由1起增至11起).
pub(super) fn counted(cur: u64, base: u64, pct: Option<f64>) -> String {
    count_change(cur, base, pct, "起")
}

/// Money clauses that are not zero: 处罚款12.35万元、没收违法所得1.00万元.
pub(super) fn money_parts(fine: f64, confiscated: f64) -> Vec<String> {
    let mut v = Vec::new();
    if wan(fine) != "0.00" {
        v.push(format!("处罚款{}万元", wan(fine)));
    }
    if wan(confiscated) != "0.00" {
        v.push(format!("没收违法所得{}万元", wan(confiscated)));
    }
    v
}

pub(super) fn list_names(v: &[String]) -> String {
    v.join("、")
}

/// 鹿城区（由1起增至2起） / 瓯海区（12起，上升50.0%）.
pub(super) fn rise(g: &GroupRow) -> String {
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
pub(super) fn rising(rows: &[GroupRow]) -> Vec<&GroupRow> {
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
}
