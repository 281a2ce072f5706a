//! `summary.json` (contract §6): every figure, machine-readable.
//!
//! Numbers are written deterministically: integral values as integers,
//! others in the shortest form that reads back to the same f64; object keys
//! in a fixed (sorted) order.
//!
//! Past 600 lines with its tests only (about 530 without): the summary's
//! assembly and its hand-written large lists (recurrences, case ids) stay
//! together because they write one file in one order; `pretty` holds the
//! JSON writing they share.

use chrono::NaiveDate;
use serde_json::{json, Map, Number, Value};

use crate::analysis::{township_name, Analysis};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::Dataset;

mod pretty;
use pretty::{pretty_at, slot_at, write_string_object_at, write_strings_at};

pub const SCHEMA: &str = "minebrief.summary/1";

/// Placeholder for the recurrence list in the value `summary` returns;
/// `draft` writes the list in its place (the list can hold a million
/// entries: as one JSON value tree it would take gigabytes).
const RECURRENCES_SLOT: &str = "\u{0}minebrief:recurrences\u{0}";

/// Placeholder for the assessment in the value `summary` returns; `draft`
/// writes it in its place one unit's or region's score at a time (their
/// lists of case ids hold millions of ids at ten million rows: as one JSON
/// value tree, and then one text, they were a third of a gigabyte).
const ASSESSMENT_SLOT: &str = "\u{0}minebrief:assessment\u{0}";

/// One recurrence as summary.json prints it: the fields in sorted key
/// order (as `normalise` sorts an object's keys), written straight to text
/// without a JSON value tree (`write_at`; its `Serialize` is what the
/// tests hold that to).
#[derive(serde::Serialize)]
struct RecurrenceEntry<'a> {
    closed_case: &'a str,
    closed_unit: &'a str,
    found_date: NaiveDate,
    recurred_case: &'a str,
    recurred_unit: &'a str,
    region: &'a str,
    site: &'a str,
    township: &'a str,
}

impl RecurrenceEntry<'_> {
    /// The entry as its `Serialize` prints it at `pad` (`write_pretty_at`),
    /// written by hand: serde_json's escaping looked at every byte of the
    /// eight strings one at a time, a third of the time spent writing
    /// summary.json at a million rows. A test holds the two to the same
    /// bytes.
    fn write_at(&self, out: &mut Vec<u8>, pad: &[u8]) {
        use std::fmt::Write;
        // (a date prints as 2026-07-09: no character JSON escapes)
        let mut found = String::with_capacity(10);
        let _ = write!(found, "{}", self.found_date);
        write_string_object_at(
            out,
            &[
                ("closed_case", self.closed_case),
                ("closed_unit", self.closed_unit),
                ("found_date", &found),
                ("recurred_case", self.recurred_case),
                ("recurred_unit", self.recurred_unit),
                ("region", self.region),
                ("site", self.site),
                ("township", self.township),
            ],
            pad,
        );
    }
}

/// A name from a list by index ("" when out of range).
fn name_of<'a>(names: &[&'a str], i: u16) -> &'a str {
    names.get(i as usize).copied().unwrap_or("")
}

/// Entries serialised per piece of text: pieces are built on any free core.
const RECURRENCES_PER_PIECE: usize = 4096;

/// Pieces built at a time (on every core) before they are handed on in
/// order: memory holds these, not the whole list (479 MB of text at ten
/// million rows). Four (two a core) since the entries are written by hand
/// and come faster than the writer takes them: eight held 7 MB more and
/// were no faster (1M build peak 247 → 244 MB at most in eight runs).
const PIECES_AT_A_TIME: usize = 4;

/// The rest of summary.json once [`draft`] has handed on everything up to
/// and including the recurrence list: the text from there on, with the
/// place of the region reports' figures (see `SummaryDraft::finish`).
pub struct SummaryDraft {
    rest: Vec<u8>,
}

/// Serialise one piece of the recurrence list, whose first entry is entry
/// `first` of the list: its entries as pretty JSON lines indented by
/// `pad`, each after a comma and a newline but the list's first, written
/// into `out`.
fn recurrence_piece(
    first: usize,
    chunk: &[crate::analysis::RecurrencePair],
    mut out: Vec<u8>,
    units: &[&str],
    regions: &[&str],
    pad: &str,
) -> Vec<u8> {
    use crate::analysis::RecurrencePair as Pair;
    // The strings are scattered and cold: fetched some entries ahead.
    crate::prefetch::each_ahead(chunk, Pair::fetch_far, Pair::fetch_near, |k, p| {
        if first + k > 0 {
            out.extend_from_slice(b",\n");
        }
        let entry = RecurrenceEntry {
            closed_case: &p.closed_case,
            closed_unit: name_of(units, u16::from(p.closed_unit)),
            found_date: p.found_date,
            recurred_case: &p.recurred_case,
            recurred_unit: name_of(units, u16::from(p.recurred_unit)),
            region: name_of(regions, u16::from(p.region)),
            site: &p.site,
            township: township_name(&p.township),
        };
        out.extend_from_slice(pad.as_bytes());
        entry.write_at(&mut out, pad.as_bytes());
    });
    out
}

/// The recurrence list as pretty JSON lines indented by `indent`, handed to
/// `out` piece by piece in order (the pieces of a batch are built on every
/// core).
fn recurrence_text(
    list: &[crate::analysis::RecurrencePair],
    units: &[&str],
    regions: &[&str],
    indent: usize,
    out: &mut dyn FnMut(Vec<u8>) -> Result<()>,
) -> Result<()> {
    if list.is_empty() {
        return out(b"[]".to_vec());
    }
    let pad = " ".repeat(indent + 2);
    out(b"[\n".to_vec())?;
    // (an entry prints as about 450 bytes)
    crate::pieces::in_order(
        list,
        (RECURRENCES_PER_PIECE, PIECES_AT_A_TIME, 512),
        |first, chunk, buf| recurrence_piece(first, chunk, buf, units, regions, &pad),
        &mut *out,
    )?;
    out(b"\n".to_vec())?;
    let mut close = " ".repeat(indent).into_bytes();
    close.push(b']');
    out(close)
}

/// summary.json up to the region reports' figures, handed to `out` in
/// parts as it is made (the recurrence list in pieces: it is most of the
/// file); what follows is returned (see `SummaryDraft::finish`). The region
/// figures come after the list (`recurrence` sorts before `regions`), so
/// the file is written in order without holding the list.
pub fn draft(
    a: &Analysis,
    ds: &Dataset,
    cfg: &Config,
    issue_date: NaiveDate,
    assessment: &crate::assess::Assessment,
    out: &mut dyn FnMut(Vec<u8>) -> Result<()>,
) -> Result<SummaryDraft> {
    let mut v = summary(a, ds, issue_date);
    // 报送情况: the member units that sent no case export for the quarter
    // (the briefing's sentence and the index page's warning)
    let missing = crate::analysis::reporting::missing_exports(ds, cfg, a.quarter);
    if let Some(inputs) = v.get_mut("inputs").and_then(Value::as_object_mut) {
        inputs.insert("missing_exports".into(), json!(missing));
    }
    let mut head = to_bytes(&v);
    drop(v);
    // The placeholders in the order they are written: the assessment
    // (`assessment` is the first key), the recurrence list, and the region
    // figures (`regions` sorts after `recurrence`), which wait in the rest.
    let misplaced = || {
        Error::Other(
            "内部错误：summary.json 的各部分顺序不对 / internal error: the parts of summary.json are out of order".into(),
        )
    };
    if let Some((at, end, indent)) = slot_at(&head, "assessment", ASSESSMENT_SLOT) {
        let rest = head.split_off(end);
        head.truncate(at);
        if slot_at(&head, "recurrences", RECURRENCES_SLOT).is_some()
            || slot_at(&head, "regions", REGIONS_SLOT).is_some()
        {
            return Err(misplaced());
        }
        out(std::mem::replace(&mut head, rest))?;
        assessment_text(assessment, indent, out)?;
    }
    let Some((at, end, indent)) = slot_at(&head, "recurrences", RECURRENCES_SLOT) else {
        return Ok(SummaryDraft { rest: head });
    };
    if slot_at(&head[..at], "regions", REGIONS_SLOT).is_some() {
        // Not so while the keys are sorted; the text would be wrong.
        return Err(misplaced());
    }
    let rest = head.split_off(end);
    head.truncate(at);
    out(head)?;
    let (units, regions) = (cfg.unit_names(), cfg.region_names());
    recurrence_text(&a.recurrence.recurrences, &units, &regions, indent, out)?;
    Ok(SummaryDraft { rest })
}

/// The assessment as `normalise(json!(assessment))` prints in place of its
/// placeholder (indented by `indent`), handed to `out` a part at a time:
/// the object's small members whole, each unit's and region's score on its
/// own (the same text: every member is normalised on its own either way,
/// and the object's keys come sorted from the map).
fn assessment_text(
    a: &crate::assess::Assessment,
    indent: usize,
    out: &mut dyn FnMut(Vec<u8>) -> Result<()>,
) -> Result<()> {
    // The object's members, the two long lists left empty (and not cloned).
    let frame = crate::assess::Assessment {
        units: Vec::new(),
        regions: Vec::new(),
        accountability: a.accountability.clone(),
        no_data: a.no_data.clone(),
    };
    let frame = normalise(serde_json::to_value(&frame).unwrap_or_default());
    let Some(members) = frame.as_object().filter(|m| !m.is_empty()) else {
        return out(pretty_at(&frame, indent));
    };
    let pad = " ".repeat(indent + 2);
    let mut text = b"{".to_vec();
    for (i, (key, value)) in members.iter().enumerate() {
        text.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        text.extend_from_slice(pad.as_bytes());
        text.extend_from_slice(serde_json::to_string(key).unwrap_or_default().as_bytes());
        text.extend_from_slice(b": ");
        let list = match key.as_str() {
            "units" => &a.units,
            "regions" => &a.regions,
            _ => {
                text.extend(pretty_at(value, indent + 2));
                continue;
            }
        };
        if list.is_empty() {
            text.extend_from_slice(b"[]");
            continue;
        }
        text.push(b'[');
        for (j, scored) in list.iter().enumerate() {
            text.extend_from_slice(if j == 0 { b"\n" } else { b",\n" });
            text.extend_from_slice(pad.as_bytes());
            text.extend_from_slice(b"  ");
            text.extend(scored_text(scored, indent + 4));
            out(std::mem::take(&mut text))?;
        }
        text.push(b'\n');
        text.extend_from_slice(pad.as_bytes());
        text.push(b']');
    }
    text.push(b'\n');
    text.extend_from_slice(" ".repeat(indent).as_bytes());
    text.push(b'}');
    out(text)
}

/// Where a deduction's case ids go in [`scored_text`] (numbered by deduction).
fn case_ids_slot(i: usize) -> String {
    format!("\u{0}minebrief:case_ids:{i}\u{0}")
}

/// One unit's or region's score as `normalise(json!(scored))` prints at
/// `indent`: the score without its case-id lists goes through a JSON value
/// (small), and each list is written straight in its place — the ids are
/// strings, which normalising leaves as they are, and as values they were
/// an allocation and a copy each (millions at ten million rows).
fn scored_text(s: &crate::assess::Scored, indent: usize) -> Vec<u8> {
    use crate::assess::{DeductionScore, Scored};
    // Every field named: a field added to either type is a compile error
    // here, not a silent gap in the file.
    let light = Scored {
        name: s.name.clone(),
        score: s.score,
        rank: s.rank,
        grade: s.grade.clone(),
        indicators: s.indicators.clone(),
        deductions: s
            .deductions
            .iter()
            .map(|d| DeductionScore {
                id: d.id.clone(),
                name: d.name.clone(),
                count: d.count,
                points: d.points,
                points_each: d.points_each,
                cap: d.cap,
                case_ids: Vec::new(),
                exact_points: d.exact_points,
            })
            .collect(),
        adjustments: s.adjustments.clone(),
        indicator_points: s.indicator_points,
        indicator_scale: s.indicator_scale,
        deduction_points: s.deduction_points,
        adjustment_points: s.adjustment_points,
    };
    let mut v = normalise(serde_json::to_value(&light).unwrap_or_default());
    if let Some(list) = v.get_mut("deductions").and_then(Value::as_array_mut) {
        for (i, d) in list.iter_mut().enumerate() {
            if let Some(o) = d.as_object_mut() {
                o.insert("case_ids".into(), Value::String(case_ids_slot(i)));
            }
        }
    }
    let text = pretty_at(&v, indent);
    let mut out = Vec::with_capacity(
        text.len()
            + s.deductions
                .iter()
                .map(|d| d.case_ids.len() * 32)
                .sum::<usize>(),
    );
    let mut from = 0;
    for (i, d) in s.deductions.iter().enumerate() {
        // The slots come in deduction order, each after the one before.
        let Some((at, end, line)) = slot_at(&text[from..], "case_ids", &case_ids_slot(i)) else {
            // Not while a deduction serialises as an object: the whole
            // score the slow way rather than a placeholder in the file.
            let whole = normalise(serde_json::to_value(s).unwrap_or_default());
            return pretty_at(&whole, indent);
        };
        out.extend_from_slice(&text[from..from + at]);
        write_strings_at(&mut out, &d.case_ids, " ".repeat(line).as_bytes());
        from += end;
    }
    out.extend_from_slice(&text[from..]);
    out
}

/// Placeholder for the `regions` object in a city run's summary; the
/// figures of the region reports are known only when those reports are
/// built (at the same time as the summary), and `SummaryDraft::finish` writes
/// them in its place.
const REGIONS_SLOT: &str = "\u{0}minebrief:regions\u{0}";

/// Whether a row of a table has a non-zero figure anywhere (its key aside).
fn any_nonzero(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::Array(a) => a.iter().any(any_nonzero),
        Value::Object(o) => o
            .iter()
            .any(|(k, v)| k != "key" && k != "rank" && any_nonzero(v)),
        _ => false,
    }
}

/// The figures a region's local report prints beyond what the city's
/// summary holds: its unit, township and violation-type tables (rows with
/// a non-zero figure in any period; an absent row is all zeros; without
/// `change_pct`, which follows from the periods), its trend and its typical
/// cases (title and text, as printed).
pub fn region_figures(ra: &Analysis, typical: &[(String, String)]) -> Value {
    let rows = |v: &[crate::analysis::GroupRow]| -> Vec<Value> {
        v.iter()
            .filter_map(|r| serde_json::to_value(r).ok())
            .filter(any_nonzero)
            .map(|mut r| {
                // the percent changes follow from the nested periods: left
                // out here, they were half of each row
                if let Some(o) = r.as_object_mut() {
                    o.remove("change_pct");
                }
                r
            })
            .collect()
    };
    normalise(json!({
        "totals": ra.totals,
        "by_unit": rows(&ra.by_unit),
        "by_township": rows(&ra.by_township),
        "by_violation_type": rows(&ra.by_violation_type),
        "trend": ra.trend,
        "typical_cases": typical
            .iter()
            .map(|(title, text)| json!({"title": title, "text": text}))
            .collect::<Vec<_>>(),
    }))
}

impl SummaryDraft {
    /// The rest of summary.json (pretty JSON, with a final newline): the
    /// region reports' figures (`(name, region_figures)`, in configuration
    /// order) in place of the `regions` slot of a city run (a region run
    /// has none).
    pub fn finish(self, regions: &[(String, Value)]) -> Vec<u8> {
        splice_region_list(self.rest, regions)
    }
}

/// The region reports' figures in place of the regions slot of the text.
fn splice_region_list(text: Vec<u8>, regions: &[(String, Value)]) -> Vec<u8> {
    let Some((at, end, indent)) = slot_at(&text, "regions", REGIONS_SLOT) else {
        return text;
    };
    // an array of {name, …} keeps configuration order (an object's keys
    // would be sorted); each region's object is normalised on any core
    use rayon::prelude::*;
    let list: Vec<Value> = regions
        .par_iter()
        .map(|(name, v)| {
            let mut o = v.as_object().cloned().unwrap_or_default();
            o.insert("name".into(), Value::String(name.clone()));
            normalise(Value::Object(o))
        })
        .collect();
    let body = pretty_at(&Value::Array(list), indent);
    let mut out = Vec::with_capacity(text.len() + body.len());
    out.extend_from_slice(&text[..at]);
    out.extend_from_slice(&body);
    out.extend_from_slice(&text[end..]);
    out
}

/// The summary.json value, with the assessment, the recurrence list and a
/// city's region figures left as placeholders (see `draft`, which writes
/// them in their places).
pub fn summary(a: &Analysis, ds: &Dataset, issue_date: NaiveDate) -> Value {
    let t = ds.totals();
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
            "recurrences": RECURRENCES_SLOT,
        },
        "assessment": ASSESSMENT_SLOT,
    });
    let mut v = normalise(v);
    if a.scope_id.is_none() {
        if let Some(o) = v.as_object_mut() {
            o.insert("regions".into(), Value::String(REGIONS_SLOT.into()));
        }
    }
    v
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
        // serde_json's map keeps its keys in order (a BTreeMap, unless some
        // crate turns on its `preserve_order`): its values are normalised in
        // place; only a map out of order is rebuilt (rebuilding every map
        // was a third of the region figures' time).
        Value::Object(mut o) if o.keys().is_sorted() => {
            for v in o.values_mut() {
                *v = normalise(std::mem::take(v));
            }
            Value::Object(o)
        }
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

#[cfg(test)]
mod tests {
    use super::pretty::write_pretty_at;
    use super::*;
    use crate::assess::{AdjustmentItem, DeductionScore, IndicatorScore, Scored};

    #[test]
    fn a_recurrence_entry_written_by_hand_is_the_entry_serialised() {
        let hostile = [
            "",
            "温公案〔2026〕1号",
            "a\"b\\c",
            "line\nbreak\u{0}",
            "🙂\t",
            "\u{7f}",
        ];
        for (i, &text) in hostile.iter().enumerate() {
            let other = hostile[(i + 1) % hostile.len()];
            let entry = RecurrenceEntry {
                closed_case: text,
                closed_unit: other,
                found_date: NaiveDate::from_ymd_opt(2026, 7, 9).unwrap(),
                recurred_case: other,
                recurred_unit: text,
                region: "鹿城区",
                site: text,
                township: other,
            };
            for pad in ["", "    "] {
                let (mut fast, mut slow) = (Vec::new(), Vec::new());
                entry.write_at(&mut fast, pad.as_bytes());
                write_pretty_at(&mut slow, &entry, pad.as_bytes());
                assert_eq!(
                    String::from_utf8_lossy(&fast),
                    String::from_utf8_lossy(&slow),
                    "{text:?} {pad:?}"
                );
            }
        }
    }

    fn deduction(id: &str, case_ids: &[&str]) -> DeductionScore {
        DeductionScore {
            id: id.into(),
            name: format!("{id}名"),
            count: case_ids.len() as u64,
            points: 1.5 * case_ids.len() as f64,
            points_each: 1.5,
            cap: if case_ids.is_empty() {
                None
            } else {
                Some(10.0)
            },
            case_ids: case_ids.iter().map(|s| (*s).into()).collect(),
            exact_points: 1.5,
        }
    }

    /// A score written with its case ids spliced in reads exactly as the
    /// whole score normalised and pretty-printed at once: ids with quotes,
    /// a line break, a NUL, one spelling a placeholder; an empty list; a
    /// whole-number float (printed as an integer) and a fraction.
    #[test]
    fn a_score_with_its_case_ids_spliced_in_is_the_whole_score_printed() {
        let s = Scored {
            name: "公安".into(),
            score: 91.0,
            rank: 2,
            grade: "良好".into(),
            indicators: vec![IndicatorScore {
                id: "closure".into(),
                name: "结案率".into(),
                numerator: 3.0,
                denominator: 4.0,
                rate: Some(0.75),
                points: Some(15.0),
                weight: 20.0,
                no_data: false,
                reason: None,
                exact_points: 15.0,
            }],
            deductions: vec![
                deduction(
                    "overdue",
                    &[
                        "温公案〔2026〕1号",
                        "a \"quoted\" id",
                        "line\nbreak",
                        "\u{0}minebrief:case_ids:1\u{0}",
                    ],
                ),
                deduction("media", &[]),
                deduction("recur", &["R-1"]),
            ],
            adjustments: vec![AdjustmentItem {
                points: 0.5,
                reason: "表扬".into(),
                basis: "文件".into(),
            }],
            indicator_points: 85.25,
            indicator_scale: 1.0,
            deduction_points: 7.5,
            adjustment_points: 0.5,
        };
        for indent in [0, 4, 7] {
            let whole = pretty_at(
                &normalise(serde_json::to_value(&s).unwrap_or_default()),
                indent,
            );
            let spliced = scored_text(&s, indent);
            assert_eq!(
                String::from_utf8_lossy(&spliced),
                String::from_utf8_lossy(&whole),
                "indent {indent}"
            );
        }
    }
}
