//! How figures are written in Chinese official prose.

/// Money in 万元 with two decimals: 123456.0 → "12.35".
pub fn wan(yuan: f64) -> String {
    format!("{:.2}", crate::assess::round_dp(yuan / 10_000.0, 2))
}

/// A percent change as prose: 上升12.3% / 下降5.0% / 持平 / — (no base).
pub fn change(pct: Option<f64>) -> String {
    match pct {
        None => "—".to_string(),
        Some(p) if p > 0.0 => format!("上升{:.1}%", p),
        Some(p) if p < 0.0 => format!("下降{:.1}%", -p),
        Some(_) => "持平".to_string(),
    }
}

/// A percent change as a signed table cell: +12.3% / −5.0% / 0.0% / —.
pub fn change_cell(pct: Option<f64>) -> String {
    match pct {
        None => "—".to_string(),
        Some(p) if p > 0.0 => format!("+{:.1}%", p),
        Some(p) if p < 0.0 => format!("−{:.1}%", -p),
        Some(_) => "0.0%".to_string(),
    }
}

/// A change cell of a count: "—" over a base below [`SMALL_BASE`] (a
/// percentage there says more than the counts do), else the percentage.
/// `small` is set when a cell was left out for that reason.
pub fn count_change_cell(base: f64, pct: Option<f64>, small: &mut bool) -> String {
    if pct.is_some() && base < SMALL_BASE as f64 {
        *small = true;
        return "—".to_string();
    }
    change_cell(pct)
}

/// A rate 0..1 as a percentage with one decimal, or — when there is none.
pub fn rate(r: Option<f64>) -> String {
    match r {
        Some(r) => format!("{:.1}%", crate::assess::round_dp(r * 100.0, 1)),
        None => "—".to_string(),
    }
}

/// A number without trailing zeros (12, 12.5, 12.25).
pub fn num(x: f64) -> String {
    crate::text::fmt_num(crate::assess::round_dp(x, 2))
}

/// A tonnage as prose: below 10,000 吨 exactly (12.5吨); from 10,000 吨 in
/// 万吨 with one decimal, 约 in front (1668841.4 → 约166.9万吨).
pub fn tons(t: f64) -> String {
    if t.abs() >= 10_000.0 {
        format!("约{:.1}万吨", crate::assess::round_dp(t / 10_000.0, 1))
    } else {
        format!("{}吨", num(t))
    }
}

/// Where a change reads as counts, not as a percent: a base below 10, no
/// base at all, or a change of more than 300%.
pub const SMALL_BASE: u64 = 10;
/// See [`SMALL_BASE`].
pub const LARGE_CHANGE_PCT: f64 = 300.0;

/// A change of a count as prose: 上升12.3% / 下降5.0% / 持平, or, over a
/// small base or for a large change, the counts themselves: 由1起增至11起 /
/// 由8起降至2起 (a percent over a base of 1 says nothing a reader can use).
pub fn count_change(cur: u64, base: u64, pct: Option<f64>, unit: &str) -> String {
    if cur == base {
        return "持平".into();
    }
    let counts = match pct {
        None => true,
        Some(p) => base < SMALL_BASE || p.abs() > LARGE_CHANGE_PCT,
    };
    if counts {
        let verb = if cur > base { "增至" } else { "降至" };
        format!("由{base}{unit}{verb}{cur}{unit}")
    } else {
        change(pct)
    }
}

/// A person as published text writes them: 张某 (the surname, then 某);
/// a company or other body as 某某公司 (某某 and the kind of body it is).
/// Several parties (separated by 、，, ; or spaces) are written one by one.
pub fn published_party(party: &str) -> String {
    party
        .split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',' | ';' | '；' | '/'))
        .filter(|p| !p.trim().is_empty())
        .map(|p| published_one(p.trim()))
        .collect::<Vec<_>>()
        .join("、")
}

/// The kinds of body a party's name may end with, longest first.
const BODIES: &[(&str, &str)] = &[
    ("有限责任公司", "公司"),
    ("有限公司", "公司"),
    ("公司", "公司"),
    ("合作社", "合作社"),
    ("经营部", "经营部"),
    ("砂石场", "砂石场"),
    ("采石场", "采石场"),
    ("砂场", "砂场"),
    ("石场", "石场"),
    ("厂", "厂"),
    ("场", "场"),
    ("店", "店"),
    ("队", "队"),
];

/// Double surnames kept whole (欧阳某).
const DOUBLE_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里",
];

fn published_one(p: &str) -> String {
    // Already masked forms (张*, 张**) are names too.
    let bare = p.trim_end_matches(['*', '＊']);
    for (end, kind) in BODIES {
        if bare.ends_with(end) && bare.chars().count() > end.chars().count() {
            return format!("某某{kind}");
        }
    }
    if let Some(d) = DOUBLE_SURNAMES.iter().find(|d| bare.starts_with(**d)) {
        return format!("{d}某");
    }
    match bare.chars().next() {
        Some(c) => format!("{c}某"),
        None => String::new(),
    }
}

pub use crate::privacy::{mask_id, mask_name};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose() {
        assert_eq!(wan(123_456.0), "12.35");
        assert_eq!(wan(0.0), "0.00");
        assert_eq!(change(Some(12.3)), "上升12.3%");
        assert_eq!(change(Some(-5.0)), "下降5.0%");
        assert_eq!(change(Some(0.0)), "持平");
        assert_eq!(change(None), "—");
        assert_eq!(rate(Some(0.58333)), "58.3%");
        assert_eq!(
            crate::analysis::figures::change_pct(128.0, 114.0),
            Some(12.3)
        );
    }

    #[test]
    fn counts_over_small_bases() {
        assert_eq!(count_change(11, 1, Some(1000.0), "起"), "由1起增至11起");
        assert_eq!(count_change(2, 8, Some(-75.0), "起"), "由8起降至2起");
        assert_eq!(count_change(3, 0, None, "起"), "由0起增至3起");
        assert_eq!(count_change(5, 5, Some(0.0), "起"), "持平");
        assert_eq!(count_change(128, 114, Some(12.3), "起"), "上升12.3%");
        assert_eq!(count_change(50, 12, Some(316.7), "起"), "由12起增至50起");
        assert_eq!(tons(1_668_841.4), "约166.9万吨");
        assert_eq!(tons(10_000.0), "约1.0万吨");
        assert_eq!(tons(9_999.5), "9999.5吨");
        assert_eq!(tons(80.5), "80.5吨");
    }

    #[test]
    fn parties_as_published() {
        assert_eq!(published_party("张三"), "张某");
        assert_eq!(published_party("张**"), "张某");
        assert_eq!(published_party("欧阳修文"), "欧阳某");
        assert_eq!(published_party("温州市瓯江建材有限公司"), "某某公司");
        assert_eq!(published_party("张三、李四"), "张某、李某");
        assert_eq!(published_party("瑞安塘下砂场"), "某某砂场");
        assert_eq!(published_party(""), "");
    }

    #[test]
    fn masking() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("欧阳修文"), "欧***");
        assert_eq!(mask_name("张"), "张*");
        assert_eq!(mask_id("330302199001011234"), "3303**********1234");
        assert_eq!(mask_id("91330300MA1234567X"), "9133**********567X");
        assert_eq!(mask_id("1234"), "1***");
        assert_eq!(mask_id(""), "");
    }
}
