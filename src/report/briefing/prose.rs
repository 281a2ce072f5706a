//! The sentences of figures: 总体情况 (the overview), the places' and the
//! violation types' sections, and 部门履职情况 (cases by unit, 函告, 巡查,
//! 联席会议). Each follows the zero/one/many rules of issue 18: a zero
//! figure is left out (or said once as 未发现…), a single case is spoken of
//! as one, and a "较多的是" list names every item tied at its cut.

use crate::analysis::{Analysis, GroupRow};
use crate::report::format::{rate, tons, wan};

use super::voice::{counted, list_names, money_parts, qi, rising, share, top_with_ties, Voice};

/// 1—9月 for the year to date of a quarter.
fn ytd_label(a: &Analysis) -> String {
    format!("1—{}月", a.quarter.q as u32 * 3)
}

pub(super) fn overview(a: &Analysis, scope: &str, closing_days: i64) -> Vec<String> {
    let t = &a.totals;
    let (pq, ly) = (&a.previous_quarter, &a.same_quarter_last_year);
    let c = &a.change_pct;
    let mut v = Vec::new();
    // 1. Found, filed, closed: what happened, and what did not, once.
    let mut s = format!("{}，{}", a.quarter.chinese(), scope);
    if t.found == 0 && t.filed == 0 && t.closed == 0 {
        s.push_str("未发现非法采矿行为，无立案、结案案件。");
    } else {
        if t.found > 0 {
            s.push_str(&format!(
                "共发现非法采矿行为{}，同比{}，环比{}",
                qi(t.found),
                counted(t.found, ly.found, c.same_quarter_last_year.found),
                counted(t.found, pq.found, c.previous_quarter.found),
            ));
        } else {
            s.push_str("未发现非法采矿行为");
        }
        let mut none = Vec::new();
        for (word, n, base, pct) in [
            ("立案", t.filed, ly.filed, c.same_quarter_last_year.filed),
            ("结案", t.closed, ly.closed, c.same_quarter_last_year.closed),
        ] {
            if n > 0 {
                s.push_str(&format!("；{word}{}，同比{}", qi(n), counted(n, base, pct)));
            } else {
                none.push(word);
            }
        }
        if !none.is_empty() {
            s.push_str(&format!("；无{}案件", none.join("、")));
        }
        s.push('。');
    }
    v.push(s);
    // 2. Results of the cases closed: only what is not zero.
    let mut parts = Vec::new();
    let money = money_parts(t.fine_yuan, t.confiscated_yuan);
    if !money.is_empty() {
        parts.push(format!("结案案件共{}", money.join("、")));
    }
    if t.volume_t > 0.0 {
        parts.push(format!("涉案矿产量{}", tons(t.volume_t)));
    }
    let mut s = parts.join("，");
    let judicial = match (t.transferred, t.criminal_filed) {
        (0, 0) => String::new(),
        (n, 0) => format!("移送司法机关{}", qi(n)),
        (0, k) => format!("公安机关刑事立案{}", qi(k)),
        (n, k) => format!("移送司法机关{}，其中公安机关刑事立案{}", qi(n), qi(k)),
    };
    if !judicial.is_empty() {
        if !s.is_empty() {
            s.push('；');
        }
        s.push_str(&judicial);
    }
    if !s.is_empty() {
        s.push('。');
        v.push(s);
    }
    // 3. Measures at the sites, then the cases still open and the late ones.
    let mut m = Vec::new();
    if t.sites_closed > 0 {
        m.push(format!("取缔关闭非法采矿点{}个", t.sites_closed));
    }
    if t.power_cut > 0 {
        m.push(format!("断电{}处", t.power_cut));
    }
    match (t.vessels_seized, t.equipment_seized) {
        (0, 0) => {}
        (v, 0) => m.push(format!("扣押船舶{v}艘")),
        (0, e) => m.push(format!("扣押设备{e}台")),
        (v, e) => m.push(format!("扣押船舶{v}艘、设备{e}台")),
    }
    if t.persons > 0 {
        m.push(format!("涉案人员{}人", t.persons));
    }
    let mut s = String::new();
    if !m.is_empty() {
        s.push_str(&m.join("，"));
        s.push('。');
    }
    let anything = !t.is_zero() || a.year_to_date.found > 0;
    if t.open_at_end > 0 {
        s.push_str(&format!("截至季末，在办案件{}", qi(t.open_at_end)));
        if t.overdue_open > 0 {
            s.push_str(&format!(
                "，其中超过{closing_days}日办案期限的{}",
                qi(t.overdue_open)
            ));
        } else {
            s.push_str("，均未超过办案期限");
        }
        s.push('。');
    } else if anything {
        s.push_str("截至季末，无在办案件。");
    }
    if t.overdue_closed_late > 0 {
        s.push_str(&format!(
            "本季度办结的案件中，超过{closing_days}日办案期限结案的{}。",
            qi(t.overdue_closed_late)
        ));
    }
    if !s.is_empty() {
        v.push(s);
    }
    // 4. The year to date (not in a first quarter: it is the quarter).
    if a.quarter.q > 1 {
        let y = &a.year_to_date;
        let mut parts = Vec::new();
        for (word, n) in [
            ("发现非法采矿行为", y.found),
            ("立案", y.filed),
            ("结案", y.closed),
        ] {
            if n > 0 {
                parts.push(format!("{word}{}", qi(n)));
            }
        }
        let fc = y.fine_yuan + y.confiscated_yuan;
        if wan(fc) != "0.00" {
            parts.push(format!("罚没款合计{}万元", wan(fc)));
        }
        if y.transferred > 0 {
            parts.push(format!("移送司法机关{}", qi(y.transferred)));
        }
        if parts.is_empty() {
            if anything {
                v.push(format!("{}累计未发现非法采矿行为。", ytd_label(a)));
            }
        } else {
            v.push(format!("{}累计{}。", ytd_label(a), parts.join("，")));
        }
    }
    v
}

pub(super) fn areas_text(a: &Analysis, rows: &[GroupRow], voice: &Voice) -> Vec<String> {
    let label = voice.areas();
    let mut v = Vec::new();
    let blank = |g: &GroupRow| g.key == crate::analysis::TOWN_BLANK;
    let mut ranked: Vec<&GroupRow> = rows
        .iter()
        .filter(|g| g.quarter.found > 0 && !blank(g))
        .collect();
    ranked.sort_by(|x, y| y.quarter.found.cmp(&x.quarter.found).then(x.id.cmp(&y.id)));
    let unplaced: u64 = rows
        .iter()
        .filter(|g| blank(g))
        .map(|g| g.quarter.found)
        .sum();
    if ranked.is_empty() && unplaced == 0 {
        v.push(format!("本季度{label}均未发现非法采矿行为。"));
        return v;
    }
    let named = |g: &&GroupRow| format!("{}（{}）", g.key, qi(g.quarter.found));
    let mut s = match ranked.as_slice() {
        [] => format!(
            "从{label}看，本季度发现的非法采矿行为均未填写乡镇（街道）（{}）",
            qi(unplaced)
        ),
        [g] if unplaced == 0 && g.quarter.found == 1 => {
            format!("从{label}看，本季度发现的1起非法采矿行为在{}", g.key)
        }
        [g] if unplaced == 0 => format!(
            "从{label}看，本季度发现的{}非法采矿行为均在{}",
            qi(g.quarter.found),
            g.key
        ),
        _ => {
            let top = top_with_ties(&ranked, 3, |g| g.quarter.found);
            let names: Vec<String> = top.iter().map(named).collect();
            if top.len() == ranked.len() {
                format!("从{label}看，发现非法采矿行为的有{}", list_names(&names))
            } else {
                format!(
                    "从{label}看，发现非法采矿行为较多的是{}",
                    list_names(&names)
                )
            }
        }
    };
    if unplaced > 0 && !ranked.is_empty() {
        s.push_str(&format!("，另有{}未填写乡镇（街道）", qi(unplaced)));
    }
    let none: Vec<String> = rows
        .iter()
        .filter(|g| g.quarter.found == 0 && !blank(g))
        .map(|g| g.key.clone())
        .collect();
    if !none.is_empty() && none.len() <= 6 {
        s.push_str(&format!("；{}本季度未发现", list_names(&none)));
    }
    s.push('。');
    v.push(s);
    let up = rising(rows);
    match up.as_slice() {
        [] => {}
        [g] => v.push(format!(
            "与去年同期相比，{}发现数上升（{}）。",
            g.key,
            counted(
                g.quarter.found,
                g.same_quarter_last_year.found,
                g.change_pct.same_quarter_last_year.found
            )
        )),
        _ => v.push(format!(
            "与去年同期相比，发现数上升的有{}。",
            up.iter()
                .map(|g| {
                    let c = counted(
                        g.quarter.found,
                        g.same_quarter_last_year.found,
                        g.change_pct.same_quarter_last_year.found,
                    );
                    format!("{}（{c}）", g.key)
                })
                .collect::<Vec<_>>()
                .join("、")
        )),
    }
    let _ = a;
    v
}

pub(super) fn types_text(a: &Analysis) -> Vec<String> {
    let total = a.totals.found;
    let mut ranked: Vec<&GroupRow> = a
        .by_violation_type
        .iter()
        .filter(|g| g.quarter.found > 0)
        .collect();
    ranked.sort_by(|x, y| y.quarter.found.cmp(&x.quarter.found).then(x.id.cmp(&y.id)));
    let mut v = Vec::new();
    match ranked.as_slice() {
        [] => {}
        [g] if g.quarter.found == 1 => v.push(format!(
            "从违法类型看，本季度发现的1起非法采矿行为为{}。",
            g.key
        )),
        [g] => v.push(format!(
            "从违法类型看，本季度发现的非法采矿行为均为{}。",
            g.key
        )),
        _ => {
            let parts: Vec<String> = top_with_ties(&ranked, 4, |g| g.quarter.found)
                .iter()
                .map(|g| {
                    format!(
                        "{}{}、占{}",
                        g.key,
                        qi(g.quarter.found),
                        share(g.quarter.found, total)
                    )
                })
                .collect();
            v.push(format!("从违法类型看，{}。", parts.join("，")));
        }
    }
    let proactive: u64 = a
        .by_source
        .iter()
        .filter(|s| s.proactive)
        .map(|s| s.found)
        .sum();
    let names: Vec<String> = a
        .by_source
        .iter()
        .filter(|s| s.proactive)
        .map(|s| s.key.clone())
        .collect();
    let others: Vec<String> = a
        .by_source
        .iter()
        .filter(|s| !s.proactive && s.found > 0)
        .map(|s| format!("{}{}", s.key, qi(s.found)))
        .collect();
    if total > 0 {
        let s = if proactive == 0 {
            format!("从线索来源看，{}，无主动发现的案件。", others.join("，"))
        } else if others.is_empty() {
            // Every case found proactively: say by which means.
            let by: Vec<String> = a
                .by_source
                .iter()
                .filter(|s| s.proactive && s.found > 0)
                .map(|s| format!("{}{}", s.key, qi(s.found)))
                .collect();
            if total == 1 {
                format!(
                    "从线索来源看，本季度发现的1起非法采矿行为为主动发现（{}）。",
                    list_names(&by)
                )
            } else {
                format!(
                    "从线索来源看，本季度发现的非法采矿行为均为主动发现（{}）。",
                    list_names(&by)
                )
            }
        } else {
            format!(
                "从线索来源看，通过{}主动发现{}，占{}；{}。",
                list_names(&names),
                qi(proactive),
                share(proactive, total),
                others.join("，")
            )
        };
        v.push(s);
    }
    v
}

pub(super) fn units_text(a: &Analysis, voice: &Voice) -> Vec<String> {
    let mut v = Vec::new();
    let mut ranked: Vec<&GroupRow> = a.by_unit.iter().filter(|g| g.quarter.found > 0).collect();
    ranked.sort_by(|x, y| y.quarter.found.cmp(&x.quarter.found).then(x.id.cmp(&y.id)));
    let named = |g: &&GroupRow| format!("{}（{}）", voice.unit(&g.key), qi(g.quarter.found));
    let who = voice.units_word();
    match ranked.as_slice() {
        [] => {}
        [g] if g.quarter.found == 1 => v.push(format!(
            "{who}按照职责分工依法查处，本季度发现的1起非法采矿行为由{}查处。",
            voice.unit(&g.key)
        )),
        [g] => v.push(format!(
            "{who}按照职责分工依法查处，本季度发现的非法采矿行为均由{}查处（{}）。",
            voice.unit(&g.key),
            qi(g.quarter.found)
        )),
        _ => {
            let top = top_with_ties(&ranked, 4, |g| g.quarter.found);
            let names: Vec<String> = top.iter().map(named).collect();
            let lead = if top.len() == ranked.len() {
                "发现案件的有"
            } else {
                "发现案件较多的是"
            };
            v.push(format!(
                "{who}按照职责分工依法查处，{lead}{}。",
                list_names(&names)
            ));
        }
    }
    let r = &a.referrals;
    let overdue = r.overdue.len();
    let mut s = String::from("信息通报和案件函告方面，");
    if r.sent == 0 {
        s.push_str(&format!("本季度{who}未发出函告"));
        if overdue > 0 {
            s.push_str(&format!(
                "；截至季末，此前发出的函告中仍有{overdue}件逾期未回复"
            ));
        }
    } else {
        s.push_str(&format!("本季度{who}共发出函告{}件", r.sent));
        if r.replied == 0 {
            s.push_str("，均未回复");
        } else {
            s.push_str(&format!("，已回复{}件", r.replied));
            if r.replied_on_time > 0 {
                s.push_str(&format!("，其中按期回复{}件", r.replied_on_time));
            } else if r.replied == 1 {
                s.push_str("，未按期回复");
            } else {
                s.push_str("，均未按期回复");
            }
            s.push_str(&format!(
                "，按期回复率{}",
                rate(crate::analysis::figures::rate(
                    r.replied_on_time as f64,
                    r.sent as f64
                ))
            ));
        }
        if overdue > 0 {
            s.push_str(&format!("；截至季末，逾期未回复函告{overdue}件"));
        } else {
            s.push_str("；截至季末，无逾期未回复函告");
        }
    }
    s.push('。');
    v.push(s);
    let p = &a.patrols;
    if p.count == 0 {
        v.push("动态巡查方面，本季度未登记巡查记录。".into());
    } else {
        let mut s = format!("动态巡查方面，共开展巡查{}次", p.count);
        if p.joint > 0 {
            s.push_str(&format!("，其中联合巡查{}次", p.joint));
        }
        if p.person_times > 0 {
            s.push_str(&format!("，出动{}人次", p.person_times));
        }
        if p.issues_found > 0 {
            s.push_str(&format!("，发现问题{}个", p.issues_found));
        } else {
            s.push_str("，未发现问题");
        }
        s.push('。');
        v.push(s);
    }
    let m = &a.meetings;
    if m.held > 0 {
        let absent: Vec<String> = m
            .by_unit
            .iter()
            .filter(|u| u.attended < m.held)
            .map(|u| format!("{}未出席{}次", voice.unit(&u.key), m.held - u.attended))
            .collect();
        let mut s = format!("联席会议方面，本季度召开联席会议{}次", m.held);
        if absent.is_empty() {
            s.push_str(&format!("，{who}均按时出席。"));
        } else {
            s.push_str(&format!("，{}。", absent.join("，")));
        }
        v.push(s);
    } else {
        v.push("本季度未登记联席会议出席情况。".into());
    }
    v
}
