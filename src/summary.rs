//! `summary.json` (SPEC section 6): every figure, machine-readable.
//!
//! Numbers are written deterministically: integral values as integers,
//! others in the shortest form that reads back to the same f64; object keys
//! in a fixed (sorted) order.

use chrono::NaiveDate;
use serde_json::{json, Map, Number, Value};

use crate::analysis::{township_name, Analysis};
use crate::config::Config;
use crate::model::Dataset;

pub const SCHEMA: &str = "minebrief.summary/1";

fn name(list: &[&str], i: u16) -> String {
    list.get(i as usize)
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// The summary.json value.
pub fn summary(
    a: &Analysis,
    ds: &Dataset,
    cfg: &Config,
    issue_date: NaiveDate,
    assessment: &crate::assess::Assessment,
) -> Value {
    let units = cfg.unit_names();
    let regions = cfg.region_names();
    let t = ds.totals();
    let recurrences: Vec<Value> = a
        .recurrence
        .recurrences
        .iter()
        .map(|p| {
            json!({
                "region": name(&regions, p.region),
                "township": township_name(&p.township),
                "site": p.site,
                "closed_unit": name(&units, p.closed_unit),
                "closed_case": p.closed_case,
                "recurred_unit": name(&units, p.recurred_unit),
                "recurred_case": p.recurred_case,
                "found_date": p.found_date,
            })
        })
        .collect();
    let v = json!({
        "schema": SCHEMA,
        "quarter": a.quarter,
        "period": a.periods.quarter,
        "periods": a.periods,
        "scope": a.scope,
        "issue_date": issue_date,
        "inputs": {
            "files": ds.files,
            "rows_read": t.rows_read,
            "accepted": t.accepted,
            "rejected": t.rejected,
            "skipped": t.skipped,
            "superseded": t.superseded,
        },
        "totals": a.totals,
        "previous_quarter": a.previous_quarter,
        "same_quarter_last_year": a.same_quarter_last_year,
        "year_to_date": a.year_to_date,
        "change_pct": a.change_pct,
        "by_unit": a.by_unit,
        "by_region": a.by_region,
        "by_township": a.by_township,
        "by_violation_type": a.by_violation_type,
        "by_source": a.by_source,
        "region_type": a.region_type,
        "trend": a.trend,
        "referrals": a.referrals,
        "patrols": a.patrols,
        "meetings": a.meetings,
        "recurrence": {
            "closed_sites": a.recurrence.closed_sites,
            "recurred_sites": a.recurrence.recurred_sites,
            "recurrences": recurrences,
        },
        "assessment": assessment,
    });
    normalise(v)
}

/// Integral floats become integers; −0 becomes 0; objects are rebuilt in
/// sorted key order.
pub fn normalise(v: Value) -> Value {
    match v {
        Value::Number(n) => {
            if n.is_f64() {
                let x = n.as_f64().unwrap_or(0.0);
                if x == x.trunc() && x.abs() < 9.0e15 {
                    Value::Number(Number::from(x as i64))
                } else {
                    Number::from_f64(x)
                        .map(Value::Number)
                        .unwrap_or(Value::Null)
                }
            } else {
                Value::Number(n)
            }
        }
        Value::Array(a) => Value::Array(a.into_iter().map(normalise).collect()),
        Value::Object(o) => {
            let mut entries: Vec<(String, Value)> = o.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut m = Map::new();
            for (k, v) in entries {
                m.insert(k, normalise(v));
            }
            Value::Object(m)
        }
        other => other,
    }
}

/// Pretty JSON bytes with a final newline.
pub fn to_bytes(v: &Value) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).unwrap_or_default();
    b.push(b'\n');
    b
}
