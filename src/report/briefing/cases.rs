//! 典型案例: the automatic choice of typical cases (the quarter's closed
//! cases with the most money) and how their free text is made fit to
//! publish — ID numbers removed, parties as 张某 when masking is on, no
//! "still under investigation" clause in a closed case.

use serde::Serialize;

use crate::analysis::Analysis;
use crate::model::Case;
use crate::report::format::{mask_name, published_party, tons};

use super::voice::{money_parts, Voice};

#[derive(Debug, Clone, Serialize)]
pub struct CaseNote {
    pub title: String,
    pub text: String,
}

/// Phrases of a summary written while a case was open (正在进一步调查中):
/// a closed case's published text leaves such a clause out.
const OPEN_PHRASES: &[&str] = &[
    "调查中",
    "正在调查",
    "正在进一步",
    "正在核查",
    "正在办理",
    "待查",
];

/// Labels in front of an ID number in free text (身份证3303…1234).
const ID_LABELS: &[&str] = &[
    "身份证号码",
    "身份证号",
    "公民身份号码",
    "身份证",
    "证件号码",
    "证件号",
    "统一社会信用代码",
];

/// Free text as a published document quotes it: no ID number (masked or
/// not, with its label), the parties as 张某 / 某某公司 (when masking is
/// on), and for a closed case no clause saying it is still being
/// investigated.
fn published_summary(text: &str, party: &str, mask: bool, closed: bool) -> String {
    let mut s = published_names(&strip_ids(text), party, mask);
    if closed {
        s = drop_open_clauses(&s);
    }
    s
}

/// The parties' names in free text (as written, or as masked when the
/// summary was read: 张*) written as published text writes them (张某),
/// when masking is on.
fn published_names(text: &str, party: &str, mask: bool) -> String {
    let mut s = text.to_string();
    if !mask {
        return s;
    }
    for name in party
        .split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',' | ';' | '；' | '/'))
        .filter(|n| n.chars().nth(1).is_some())
    {
        let shown = published_party(name);
        for form in [name.to_string(), mask_name(name)] {
            if s.contains(&form) {
                s = s.replace(&form, &shown);
            }
        }
    }
    s
}

/// Whether a character can be part of an ID number (masked or not).
fn id_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, 'X' | 'x' | '*' | '＊') || ('０'..='９').contains(&c)
}

/// Remove ID numbers (15 to 18 characters of digits, X and *, with at
/// least 8 digits) and the label in front of them; tidy the punctuation
/// left behind.
fn strip_ids(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if id_char(chars[i]) {
            let mut j = i;
            while j < chars.len() && id_char(chars[j]) {
                j += 1;
            }
            let run = &chars[i..j];
            let digits = run
                .iter()
                .filter(|c| !matches!(c, '*' | '＊' | 'X' | 'x'))
                .count();
            if (15..=18).contains(&run.len()) && digits >= 8 {
                // drop a label (and a colon) just before it
                for sep in ["：", ":"] {
                    if out.ends_with(sep) {
                        out.truncate(out.len() - sep.len());
                    }
                }
                for l in ID_LABELS {
                    if out.ends_with(l) {
                        out.truncate(out.len() - l.len());
                        break;
                    }
                }
                i = j;
                continue;
            }
            out.extend(run);
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    let mut s = out;
    for (from, to) in [
        ("（，", "（"),
        ("(，", "("),
        ("，，", "，"),
        ("，）", "）"),
        ("，)", ")"),
        ("（）", ""),
        ("()", ""),
        ("，。", "。"),
    ] {
        while s.contains(from) {
            s = s.replace(from, to);
        }
    }
    s
}

/// Drop the clauses (between ，；。) that say the case is still open.
fn drop_open_clauses(text: &str) -> String {
    let mut out = String::new();
    let mut clause = String::new();
    let flush = |clause: &mut String, out: &mut String, end: Option<char>| {
        let open = OPEN_PHRASES.iter().any(|p| clause.contains(p));
        if !open {
            out.push_str(clause);
            if let Some(e) = end {
                out.push(e);
            }
        } else if let Some(e) = end {
            // keep the sentence end when the dropped clause ended it
            if matches!(e, '。' | '；') {
                if out.ends_with('，') {
                    out.pop();
                }
                if !out.is_empty() && !out.ends_with(['。', '；']) {
                    out.push(e);
                }
            }
        }
        clause.clear();
    };
    for c in text.chars() {
        if matches!(c, '，' | '；' | '。') {
            flush(&mut clause, &mut out, Some(c));
        } else {
            clause.push(c);
        }
    }
    flush(&mut clause, &mut out, None);
    if out.ends_with('，') {
        out.pop();
        out.push('。');
    }
    out
}

/// A violation type as the object of 涉嫌 / 发现 (其他 → 非法采矿).
fn violation_words(t: &str) -> String {
    if t == "其他" || t.is_empty() {
        "非法采矿".to_string()
    } else {
        t.to_string()
    }
}

/// Fine and confiscation together, heaviest first; a total order (a case
/// is one unit's 案件编号).
fn heaviest_first(x: &&Case, y: &&Case) -> std::cmp::Ordering {
    (y.fine_yuan + y.confiscated_yuan)
        .total_cmp(&(x.fine_yuan + x.confiscated_yuan))
        .then(x.unit.cmp(&y.unit))
        .then(x.case_id.cmp(&y.case_id))
}

/// The `n` heaviest cases, heaviest first: picked in one pass, keeping the
/// `n` heaviest so far (a city's quarter closes hundreds of thousands, and
/// most are lighter than the lightest kept: one comparison each).
fn heaviest<'c>(cases: impl Iterator<Item = &'c Case>, n: usize) -> Vec<&'c Case> {
    use std::cmp::Ordering::Less;
    let mut top: Vec<&Case> = Vec::with_capacity(n + 1);
    if n == 0 {
        return top;
    }
    for c in cases {
        if top.len() == n
            && top
                .last()
                .is_some_and(|last| heaviest_first(&c, last) != Less)
        {
            continue;
        }
        let at = top.partition_point(|t| heaviest_first(t, &c) == Less);
        top.insert(at, c);
        top.truncate(n);
    }
    top
}

pub(super) fn typical_cases(
    cases: &[&Case],
    a: &Analysis,
    mask: bool,
    voice: &Voice,
) -> Vec<CaseNote> {
    let cfg = voice.cfg;
    let p = a.quarter.period();
    let closed = heaviest(
        cases
            .iter()
            .copied()
            .filter(|c| c.closed_date.is_some_and(|d| p.contains(d))),
        3,
    );
    closed
        .iter()
        .take(3)
        .map(|c| {
            let party = if mask {
                published_party(c.party())
            } else {
                c.party().trim().to_string()
            };
            let region = voice.region(u16::from(c.region));
            let unit = voice.unit_id(u16::from(c.unit));
            let vtype = cfg
                .violation_types
                .get(usize::from(c.violation_type))
                .map(|t| t.name.as_str())
                .unwrap_or("");
            let township = c.township.trim();
            let site = c.site.trim();
            let place = published_names(
                &strip_ids(&format!("{region}{township}{site}")),
                c.party(),
                mask,
            );
            // 于2026年7月4日立案、2026年9月1日结案 (a closed case; the
            // filing date may be missing).
            let mut handled = String::new();
            if let Some(f) = c.filed_date {
                handled.push_str(&format!("于{}立案", crate::quarter::chinese_date(f)));
            }
            if let Some(d) = c.closed_date {
                handled.push_str(if handled.is_empty() { "于" } else { "、" });
                handled.push_str(&format!("{}结案", crate::quarter::chinese_date(d)));
            }
            let money = money_parts(c.fine_yuan, c.confiscated_yuan);
            let summary = published_summary(&c.summary(), c.party(), mask, true);
            let summary = summary.trim();
            let mut text = if summary.is_empty() {
                // No summary: the facts from the record.
                let mut t = format!(
                    "{}，{unit}在{place}发现{}，{handled}",
                    crate::quarter::chinese_date(c.found_date),
                    if party.is_empty() {
                        format!("{}行为", violation_words(vtype))
                    } else {
                        format!("{party}涉嫌{}", violation_words(vtype))
                    }
                );
                if !money.is_empty() {
                    t.push_str(&format!("，{}", money.join("、")));
                }
                if c.volume_t > 0.0 {
                    t.push_str(&format!("，涉案矿产量{}", tons(c.volume_t)));
                }
                t
            } else {
                // The summary tells the facts; then how the case was handled.
                let mut t = summary.to_string();
                if !t.ends_with(['。', '！', '？', '；']) {
                    t.push('。');
                }
                t.push_str(&format!("{unit}{handled}"));
                if !money.is_empty() {
                    let whom = if party.is_empty() {
                        String::new()
                    } else {
                        format!("对{party}")
                    };
                    t.push_str(&format!("，{whom}{}", money.join("、")));
                }
                t
            };
            if c.transferred {
                text.push_str("，并移送司法机关");
            }
            text.push('。');
            CaseNote {
                title: format!("{}{}案（{}）", region, vtype, c.case_id),
                text,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_as_published() {
        assert_eq!(
            published_summary(
                "张*（身份证3303**********1234，手机138****5678）在江边采砂，案件正在进一步调查中。",
                "张三",
                true,
                true
            ),
            "张某（手机138****5678）在江边采砂。"
        );
        assert_eq!(
            published_summary(
                "7月3日，执法人员日常巡查发现某点存在无证开采行为，扣押船舶1艘，案件正在进一步调查中。",
                "",
                true,
                true
            ),
            "7月3日，执法人员日常巡查发现某点存在无证开采行为，扣押船舶1艘。"
        );
        assert_eq!(
            published_summary("当事人证件号：330302199001011234。", "", false, true),
            "当事人。"
        );
        // An open case keeps its words.
        assert_eq!(
            published_summary("案件正在进一步调查中。", "", true, false),
            "案件正在进一步调查中。"
        );
    }

    fn weighted(unit: u16, id: &str, fine: f64, confiscated: f64) -> Case {
        Case {
            unit: crate::model::UnitId(unit),
            fine_yuan: fine,
            confiscated_yuan: confiscated,
            ..Case::blank(id, chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap())
        }
    }

    #[test]
    fn the_heaviest_cases_by_amount_then_unit_then_case_id() {
        // 5,000 + 0 and 2,000 + 3,000 weigh the same: unit, then 案件编号 decide
        let cases = [
            weighted(2, "C-9", 1_000.0, 0.0),
            weighted(1, "B-2", 5_000.0, 0.0),
            weighted(0, "A-7", 2_000.0, 3_000.0),
            weighted(1, "B-1", 2_000.0, 3_000.0),
            weighted(0, "A-1", 800.0, 0.0),
            weighted(3, "D-1", 9_000.0, 0.5),
        ];
        let ids = |v: Vec<&Case>| v.iter().map(|c| c.case_id.to_string()).collect::<Vec<_>>();
        let all: Vec<&Case> = cases.iter().collect();
        assert_eq!(
            ids(heaviest(all.clone().into_iter(), 3)),
            ["D-1", "A-7", "B-1"]
        );
        assert_eq!(ids(heaviest(all.clone().into_iter(), 1)), ["D-1"]);
        assert!(heaviest(all.clone().into_iter(), 0).is_empty());
        // fewer than asked: all of them, in order
        assert_eq!(ids(heaviest(all[..2].iter().copied(), 3)), ["B-2", "C-9"]);
        // the same as sorting everything, in any input order
        for r in 0..cases.len() {
            let mut v = all.clone();
            v.rotate_left(r);
            let mut sorted = v.clone();
            sorted.sort_by(heaviest_first);
            sorted.truncate(4);
            assert_eq!(heaviest(v.into_iter(), 4), sorted);
        }
        // many equal weights, any number asked for: the first of a full sort
        let mut next = crate::test_rng::below(11);
        let many: Vec<Case> = (0..300)
            .map(|i| {
                let fine = [0.0, 1.5, 100.0, 2e9][next(4) as usize];
                let conf = [0.0, 98.5, 100.0][next(3) as usize];
                weighted(
                    next(3) as u16,
                    &format!("X-{}", next(1000) * 1000 + i),
                    fine,
                    conf,
                )
            })
            .collect();
        let all: Vec<&Case> = many.iter().collect();
        for n in [0, 1, 2, 3, 5, 299, 300, 400] {
            let mut sorted = all.clone();
            sorted.sort_by(heaviest_first);
            sorted.truncate(n);
            assert_eq!(
                ids(heaviest(all.clone().into_iter(), n)),
                ids(sorted),
                "{n}"
            );
        }
    }
}
