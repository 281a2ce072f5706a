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
