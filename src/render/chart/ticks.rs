//! "Nice" axis ticks: steps of 1, 2 or 5 × 10^k, always including zero.

use serde::{Deserialize, Serialize};

use super::text::format_number;

/// Tick values from the axis minimum to the axis maximum, ascending.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ticks {
    pub values: Vec<f64>,
    pub step: f64,
    /// Decimals needed to print every tick exactly.
    pub decimals: usize,
}

impl Ticks {
    /// The axis minimum (first tick).
    pub fn lo(&self) -> f64 {
        self.values.first().copied().unwrap_or(0.0)
    }

    /// The axis maximum (last tick).
    pub fn hi(&self) -> f64 {
        self.values.last().copied().unwrap_or(1.0)
    }

    /// Tick labels, formatted with [`Ticks::decimals`].
    pub fn labels(&self) -> Vec<String> {
        self.values
            .iter()
            .map(|v| format_number(*v, self.decimals))
            .collect()
    }
}

/// Largest magnitude a chart value is clamped to, so that axis arithmetic
/// stays finite.
pub const VALUE_LIMIT: f64 = 1e12;

/// Non-finite values become 0; values are clamped to ±[`VALUE_LIMIT`].
pub fn clean_value(v: f64) -> f64 {
    if v.is_finite() {
        v.clamp(-VALUE_LIMIT, VALUE_LIMIT)
    } else {
        0.0
    }
}

/// Nice ticks covering `[min, max]` and zero with about `target` intervals
/// (clamped to 2–20). With `integer`, the step is at least 1 (counts).
/// All-zero data gives the axis 0–1. Never panics.
pub fn nice_ticks(min: f64, max: f64, target: usize, integer: bool) -> Ticks {
    let (a, b) = (clean_value(min), clean_value(max));
    let lo = a.min(b).min(0.0);
    let mut hi = a.max(b).max(0.0);
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let target = target.clamp(2, 20) as f64;
    let raw = (hi - lo) / target;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let mult = if norm <= 1.0 + 1e-9 {
        1.0
    } else if norm <= 2.0 + 1e-9 {
        2.0
    } else if norm <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    let mut step = mult * mag;
    if integer && step < 1.0 {
        step = 1.0;
    }
    if !(step.is_finite() && step > 0.0) {
        step = 1.0;
    }
    let start = (lo / step + 1e-9).floor() as i64;
    let end = (hi / step - 1e-9).ceil() as i64;
    let end = end.max(start + 1).min(start + 100);
    let values = (start..=end)
        .map(|i| {
            let v = i as f64 * step;
            // snap away float noise such as 0.30000000000000004
            (v / step).round() * step
        })
        .collect();
    let decimals = if step >= 1.0 {
        0
    } else {
        ((-step.log10()) - 1e-9).ceil().max(0.0) as usize
    };
    Ticks {
        values,
        step,
        decimals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(t: &Ticks) -> Vec<String> {
        t.labels()
    }

    #[test]
    fn steps_are_1_2_5() {
        let t = nice_ticks(0.0, 128.0, 5, true);
        assert_eq!(t.step, 50.0);
        assert_eq!(labels(&t), ["0", "50", "100", "150"]);
        let t = nice_ticks(0.0, 100.0, 5, false);
        assert_eq!(labels(&t), ["0", "20", "40", "60", "80", "100"]);
        let t = nice_ticks(0.0, 7.0, 5, true);
        assert_eq!(labels(&t), ["0", "2", "4", "6", "8"]);
        let t = nice_ticks(0.0, 0.73, 5, false);
        assert_eq!(t.step, 0.2);
        assert_eq!(labels(&t), ["0", "0.2", "0.4", "0.6", "0.8"]);
        let t = nice_ticks(0.0, 0.07, 4, false);
        assert_eq!(t.decimals, 2);
        assert_eq!(labels(&t), ["0", "0.02", "0.04", "0.06", "0.08"]);
        for (hi, n) in [(3.0, 5), (17.0, 4), (999.0, 6), (1e6, 5), (0.013, 5)] {
            let t = nice_ticks(0.0, hi, n, false);
            let m = t.step / 10f64.powf(t.step.log10().floor());
            assert!(
                [1.0, 2.0, 5.0].iter().any(|x| (m - x).abs() < 1e-6),
                "{hi}: {m}"
            );
            assert!(t.hi() >= hi && t.lo() == 0.0);
            assert!(t.values.len() <= n + 3);
        }
    }

    #[test]
    fn degenerate_inputs() {
        let t = nice_ticks(0.0, 0.0, 5, true);
        assert_eq!(labels(&t), ["0", "1"]);
        let t = nice_ticks(0.0, 0.0, 5, false);
        assert_eq!(t.lo(), 0.0);
        assert_eq!(t.hi(), 1.0);
        let t = nice_ticks(f64::NAN, f64::INFINITY, 0, false);
        assert_eq!(t.lo(), 0.0);
        let t = nice_ticks(-30.0, 80.0, 5, true);
        assert!(t.lo() <= -30.0 && t.hi() >= 80.0 && t.values.contains(&0.0));
        let t = nice_ticks(-1e300, 1e300, 5, false);
        assert!(t.values.iter().all(|v| v.is_finite()));
        // always includes zero
        let t = nice_ticks(50.0, 60.0, 5, true);
        assert_eq!(t.lo(), 0.0);
    }
}
