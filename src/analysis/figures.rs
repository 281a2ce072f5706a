//! The figures of contract §2, their comparisons and rounding.

use serde::Serialize;

/// Conversion of an aggregated f64 back into a figure's type.
pub trait FromAgg {
    fn from_agg(x: f64) -> Self;
    fn to_f64(&self) -> f64;
}

impl FromAgg for u64 {
    fn from_agg(x: f64) -> Self {
        if x.is_finite() && x > 0.0 {
            x.round() as u64
        } else {
            0
        }
    }
    fn to_f64(&self) -> f64 {
        *self as f64
    }
}

impl FromAgg for f64 {
    /// Money and tonnage: rounded to two decimals (fen, 10 kg), which also
    /// removes floating-point noise from summing in a different order.
    fn from_agg(x: f64) -> Self {
        if x.is_finite() {
            round_half_away(x, 2)
        } else {
            0.0
        }
    }
    fn to_f64(&self) -> f64 {
        *self
    }
}

macro_rules! figures {
    ($( $name:ident : $ty:ty => $zh:literal ),* $(,)?) => {
        /// Every figure of contract §2 for one period (and one group).
        #[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
        pub struct Figures {
            $(pub $name: $ty,)*
        }

        /// Percent change per figure; `None` when the base is 0.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
        pub struct Change {
            $(pub $name: Option<f64>,)*
        }

        /// (summary.json key, Chinese label) of every figure, in order.
        pub const FIGURES: &[(&str, &str)] = &[$((stringify!($name), $zh)),*];

        impl Figures {
            /// The figures in `FIGURES` order, as f64.
            pub fn values(&self) -> Vec<f64> {
                vec![$(FromAgg::to_f64(&self.$name)),*]
            }

            /// Build from aggregated values in `FIGURES` order (missing = 0).
            pub fn from_values(v: &[f64]) -> Figures {
                let mut it = v.iter().copied();
                Figures {
                    $($name: <$ty as FromAgg>::from_agg(it.next().unwrap_or(0.0)),)*
                }
            }

            /// Percent change of `self` against `base`.
            pub fn change_from(&self, base: &Figures) -> Change {
                Change {
                    $($name: change_pct(FromAgg::to_f64(&self.$name), FromAgg::to_f64(&base.$name)),)*
                }
            }

            pub fn is_zero(&self) -> bool {
                self.values().iter().all(|v| *v == 0.0)
            }
        }

        impl Change {
            /// The changes in `FIGURES` order.
            pub fn values(&self) -> Vec<Option<f64>> {
                vec![$(self.$name),*]
            }
        }
    };
}

figures! {
    found: u64 => "发现",
    filed: u64 => "立案",
    closed: u64 => "结案",
    fine_yuan: f64 => "罚款(元)",
    confiscated_yuan: f64 => "没收(元)",
    volume_t: f64 => "涉案矿产量(吨)",
    transferred: u64 => "移送司法",
    criminal_filed: u64 => "刑事立案",
    sites_closed: u64 => "取缔关闭",
    power_cut: u64 => "断电",
    vessels_seized: u64 => "扣押船舶(艘)",
    equipment_seized: u64 => "扣押设备(台)",
    persons: u64 => "涉案人数",
    open_at_end: u64 => "期末在办",
    overdue: u64 => "超期",
    // The two parts of 超期 (contract §2): open at the period end more than the
    // closing days after filing, and closed in the period late. Their sum
    // is `overdue`; prose and 表1 say them apart (a case closed late is not
    // 在办).
    overdue_open: u64 => "期末在办超期",
    overdue_closed_late: u64 => "超期结案",
}

/// Number of figures.
pub const N_FIGURES: usize = 17;

/// Round half away from zero (四舍五入) to `decimals` places. A value that
/// is within floating-point noise of a half is treated as the half. The
/// noise is a few units in the last place of the scaled value: a fixed
/// relative 1e-9 rounded every whole number above 5e8 up (a total of
/// 100000000000 yuan printed as 100000000000.01).
pub fn round_half_away(x: f64, decimals: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let m = 10f64.powi(decimals);
    let s = x * m;
    let a = s.abs();
    let t = a.trunc();
    let f = a - t;
    let noise = 8.0 * f64::EPSILON * a.max(1.0);
    let r = if (f - 0.5).abs() <= noise || f > 0.5 {
        t + 1.0
    } else {
        t
    };
    let out = r.copysign(s) / m;
    if out == 0.0 {
        0.0
    } else {
        out
    }
}

/// Percent change from `base` to `cur`, one decimal; `None` when base is 0.
pub fn change_pct(cur: f64, base: f64) -> Option<f64> {
    if base == 0.0 {
        return None;
    }
    Some(round_half_away((cur - base) / base * 100.0, 1))
}

/// A rate (fraction 0..1) with four decimals; `None` for an empty denominator.
pub fn rate(num: f64, den: f64) -> Option<f64> {
    if den == 0.0 {
        None
    } else {
        Some(round_half_away(num / den, 4))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding() {
        assert_eq!(round_half_away(12.25, 1), 12.3);
        assert_eq!(round_half_away(-12.25, 1), -12.3);
        assert_eq!(round_half_away(0.05, 1), 0.1);
        assert_eq!(round_half_away(1.005, 2), 1.01);
        // Large whole amounts stay whole (the noise allowance is relative to ulps).
        assert_eq!(round_half_away(6_000_000.0, 2), 6_000_000.0);
        assert_eq!(round_half_away(1e11, 2), 1e11);
        assert_eq!(round_half_away(123_456_789.125, 2), 123_456_789.13);
        assert_eq!(round_half_away(-0.04, 1), 0.0);
        assert_eq!(change_pct(3.0, 0.0), None);
        assert_eq!(change_pct(1.0, 3.0), Some(-66.7));
        assert_eq!(change_pct(9.0, 8.0), Some(12.5));
        assert_eq!(rate(2.0, 3.0), Some(0.6667));
        assert_eq!(rate(1.0, 0.0), None);
    }

    #[test]
    fn figures_roundtrip() {
        let v: Vec<f64> = (0..N_FIGURES).map(|i| i as f64).collect();
        let f = Figures::from_values(&v);
        assert_eq!(f.values(), v);
        assert_eq!(FIGURES.len(), N_FIGURES);
        assert_eq!(FIGURES[14].0, "overdue");
        assert_eq!(FIGURES[15].0, "overdue_open");
        assert_eq!(FIGURES[16].0, "overdue_closed_late");
    }
}
