//! How the generator writes values: day numbers, weighted picks, and
//! amounts formatted from integers (no floating point reaches a file).

use super::*;

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

/// Calendar day as days from the common era (chrono's ordinal).
pub(super) type Day = i32;

pub(super) fn date_of(d: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(d).unwrap_or(NaiveDate::MIN)
}

pub(super) fn day_of(d: NaiveDate) -> Day {
    d.num_days_from_ce()
}

pub(super) fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let mut total = 0;
    for w in weights {
        total += w;
    }
    let mut x = rng.gen_range(0..total.max(1));
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    weights.len().saturating_sub(1)
}

pub(super) fn pick_char(rng: &mut ChaCha8Rng, s: &[char]) -> char {
    s[rng.gen_range(0..s.len())]
}

/// Write micro-units (millionths) as a decimal with `places` places, trailing zeros kept.
pub(super) fn push_fixed(out: &mut String, value: i64, scale_digits: u32, places: u32) {
    let scale = 10_i64.pow(scale_digits);
    let neg = value < 0;
    let v = value.unsigned_abs() as i64;
    let int = v / scale;
    let mut frac = v % scale;
    // truncate the fraction to `places` digits
    let drop = scale_digits.saturating_sub(places);
    frac /= 10_i64.pow(drop);
    if neg {
        out.push('-');
    }
    let _ = write!(out, "{int}");
    if places > 0 {
        let _ = write!(out, ".{:0width$}", frac, width = places as usize);
    }
}

/// Write `value / 10^scale_digits` with trailing zeros (and a bare point) removed.
pub(super) fn push_trimmed(out: &mut String, value: i64, scale_digits: u32) {
    let start = out.len();
    push_fixed(out, value, scale_digits, scale_digits);
    if scale_digits > 0 {
        while out.ends_with('0') {
            out.pop();
        }
        if out.ends_with('.') {
            out.pop();
        }
    }
    if out.len() == start {
        out.push('0');
    }
}

/// `12,345.50` from cents.
pub(super) fn push_grouped_cents(out: &mut String, cents: i64) {
    let int = (cents / 100).to_string();
    let bytes = int.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && (bytes.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*b as char);
    }
    let _ = write!(out, ".{:02}", cents % 100);
}
