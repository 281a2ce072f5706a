//! 跟踪监管 (the closed sites that came back: its text and 表7) and 存在问题
//! (the places that rose, media exposure, late cases and letters,
//! recurrences): the sections that say what went wrong.

use std::collections::BTreeMap;

use crate::analysis::{Analysis, GroupRow};
use crate::config::Config;
use crate::model::Case;

use super::tables::{row, table, Table};
use super::voice::{count_list, list_names, place, qi, rise, rising, spread, Voice};

/// Where the recurring cases lie: by region in the city's briefing, by
/// township (of the register entry) in a region's report.
fn recurrence_places(a: &Analysis, voice: &Voice) -> Vec<(String, u64)> {
    let r = &a.recurrence.recurrences;
    if voice.scoped {
        count_list(r.iter().map(|p| {
            let t = place(crate::analysis::township_name(&p.township)).to_string();
            (t.clone(), t)
        }))
    } else {
        count_list(
            r.iter()
                .map(|p| (p.region, voice.region(u16::from(p.region)).to_string())),
        )
    }
}

pub(super) fn tracking(a: &Analysis, voice: &Voice) -> (Vec<String>, Table) {
    let r = &a.recurrence;
    let n = r.recurrences.len();
    let mut s = if r.closed_sites > 0 {
        format!(
            "截至季末，已登记取缔关闭的非法采矿点位{}个。",
            r.closed_sites
        )
    } else {
        "截至季末，尚无登记在册的取缔关闭点位。".to_string()
    };
    if n == 1 {
        s.push_str("本季度发现已取缔点位反弹1起。");
    } else if n > 1 {
        s.push_str(&format!(
            "本季度发现已取缔点位反弹{}，涉及点位{}个。",
            qi(n as u64),
            r.recurred_sites
        ));
    } else if r.closed_sites > 0 {
        s.push_str("本季度未发现已取缔点位反弹。");
    }
    let mut v = vec![s];
    if n > 0 {
        v.push(spread("反弹案件", &recurrence_places(a, voice)));
    }
    let rows = r
        .recurrences
        .iter()
        .take(crate::report::LIST_LIMIT)
        .map(|p| {
            row(
                voice.region(u16::from(p.region)).to_string(),
                vec![
                    crate::analysis::township_name(&p.township).to_string(),
                    p.site.to_string(),
                    p.closed_case.to_string(),
                    p.recurred_case.to_string(),
                    p.found_date.to_string(),
                ],
            )
        })
        .collect();
    let mut t = table(
        "表7　已取缔点位反弹情况",
        [
            "县（市、区）",
            "乡镇（街道）",
            "点位",
            "取缔案件",
            "反弹案件",
            "发现日期",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        false,
    );
    if n > crate::report::LIST_LIMIT {
        t.notes.push(format!(
            "表中仅列发现日期最早的{}起，全部{n}起见数据表 tables/recurrences.csv。",
            crate::report::LIST_LIMIT
        ));
    }
    (v, t)
}

pub(super) fn problems(
    a: &Analysis,
    cfg: &Config,
    ds_cases: &[&Case],
    area_rows: &[GroupRow],
    voice: &Voice,
) -> Vec<String> {
    let mut v = Vec::new();
    let up: Vec<String> = rising(area_rows).into_iter().map(rise).collect();
    match up.len() {
        0 => {}
        // One place is named as itself, not as "部分…".
        1 => v.push(format!(
            "{}非法采矿行为有所抬头，发现数同比上升，需引起重视。",
            up[0]
        )),
        _ => v.push(format!(
            "部分{}非法采矿行为有所抬头。{}发现数同比上升，需引起重视。",
            voice.area_word(),
            list_names(&up)
        )),
    }
    let p = a.quarter.period();
    let media: Vec<&&Case> = ds_cases
        .iter()
        .filter(|c| {
            p.contains(c.found_date)
                && cfg
                    .sources
                    .get(usize::from(c.source))
                    .is_some_and(|s| s.name == "媒体曝光")
        })
        .collect();
    if !media.is_empty() {
        let places = if voice.scoped {
            count_list(media.iter().map(|c| {
                let t = place(crate::analysis::township_name(&c.township)).to_string();
                (t.clone(), t)
            }))
        } else {
            count_list(
                media
                    .iter()
                    .map(|c| (c.region, voice.region(u16::from(c.region)).to_string())),
            )
        };
        let parts: Vec<String> = places
            .iter()
            .map(|(k, n)| format!("{k}{}", qi(*n)))
            .collect();
        let whereabouts = if places.len() == 1 {
            format!("，发生在{}", places[0].0)
        } else {
            format!("（{}）", parts.join("、"))
        };
        v.push(format!(
            "媒体曝光问题仍有发生。本季度经媒体曝光发现非法采矿行为{}{}，反映出日常巡查仍有盲区。",
            qi(media.len() as u64),
            whereabouts
        ));
    }
    let t = &a.totals;
    if t.overdue > 0 {
        let mut by_unit: Vec<&GroupRow> =
            a.by_unit.iter().filter(|g| g.quarter.overdue > 0).collect();
        by_unit.sort_by(|x, y| {
            y.quarter
                .overdue
                .cmp(&x.quarter.overdue)
                .then(x.id.cmp(&y.id))
        });
        let parts: Vec<String> = by_unit
            .iter()
            .map(|g| format!("{}{}", voice.unit(&g.key), qi(g.quarter.overdue)))
            .collect();
        let days = cfg.rules.closing_days;
        let mut what = Vec::new();
        if t.overdue_open > 0 {
            what.push(format!(
                "截至季末超过{days}日办案期限仍未办结的案件{}",
                qi(t.overdue_open)
            ));
        }
        if t.overdue_closed_late > 0 {
            what.push(format!(
                "本季度超过{days}日办案期限才结案的{}",
                qi(t.overdue_closed_late)
            ));
        }
        v.push(format!(
            "案件办理不够及时。{}，涉及{}。",
            what.join("，"),
            parts.join("、")
        ));
    }
    if !a.referrals.overdue.is_empty() {
        let mut by_to: BTreeMap<&str, u64> = Default::default();
        for o in &a.referrals.overdue {
            *by_to.entry(o.to_unit.as_str()).or_default() += 1;
        }
        let mut parts: Vec<(&str, u64)> = by_to.into_iter().collect();
        parts.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        let whom = format!(
            "涉及{}",
            parts
                .iter()
                .map(|(u, n)| format!("{}{n}件", voice.unit(u)))
                .collect::<Vec<_>>()
                .join("、")
        );
        v.push(format!(
            "部门协作有待加强。截至季末，超过{}日未回复的函告{}件，{whom}。",
            cfg.rules.reply_days,
            a.referrals.overdue.len(),
        ));
    }
    let n = a.recurrence.recurrences.len();
    if n > 0 {
        let sites = if n > 1 {
            format!("，涉及点位{}个", a.recurrence.recurred_sites)
        } else {
            String::new()
        };
        v.push(format!(
            "跟踪监管存在薄弱环节。已取缔点位发生反弹{}{sites}，“打击—反弹—再打击”的问题仍未根治。",
            qi(n as u64),
        ));
    }
    if v.is_empty() {
        v.push(format!(
            "本季度未发现突出问题，{}要继续保持工作力度。",
            voice.everyone()
        ));
    }
    v
}
