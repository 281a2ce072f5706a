//! The other files of a quarter folder: patrol records, the joint meeting's
//! attendance and the score adjustments.

use super::*;

/// Patrols, the joint meeting and the adjustments of quarter `qi`.
pub(super) fn write_quarter_extras(
    g: &mut Gen,
    opts: &Options,
    qi: usize,
) -> Result<Vec<FileInfo>> {
    let q = g.quarters[qi];
    let qname = q.to_string();
    let (s, e) = g.bounds[qi];
    let nq = g.quarters.len();
    let target_q = (opts.rows / nq as u64).max(1);
    let mut infos = Vec::new();
    let style = if opts.clean {
        DateStyle::Iso
    } else {
        DateStyle::Chinese
    };

    // patrols: single and joint
    let (enc, crlf) = if opts.clean {
        (Enc::Utf8, false)
    } else {
        (Enc::Gb18030, true)
    };
    let mut p = Out::create(&opts.out, format!("{qname}/patrols.csv"), enc, b',', crlf)?;
    p.record([
        "巡查日期",
        "巡查单位",
        "县市区",
        "乡镇街道",
        "巡查方式",
        "出动人次",
        "发现问题数",
    ])?;
    let events = (target_q / 8).max(40);
    for _ in 0..events {
        let day = g.rng.gen_range(s..=e);
        let r = pick_weighted(&mut g.rng, &g.w.regions);
        let rd = &REGIONS[r];
        let t = rd.townships[g.rng.gen_range(0..rd.townships.len())];
        let joint = g.rng.gen_bool(0.25);
        let mut units = vec![pick_weighted(&mut g.rng, &g.w.patrols)];
        if joint {
            let extra = g.rng.gen_range(1..=2);
            while units.len() < 1 + extra {
                let u = pick_weighted(&mut g.rng, &g.w.patrols);
                if !units.contains(&u) {
                    units.push(u);
                }
            }
        }
        let mut date = String::new();
        g.fmt_date(&mut date, style, day);
        for u in units {
            let persons = if joint {
                g.rng.gen_range(4..=16)
            } else {
                g.rng.gen_range(2..=8)
            }
            .to_string();
            let issues = [0, 0, 0, 1, 1, 2, 3][g.rng.gen_range(0..7)].to_string();
            p.row([
                date.as_str(),
                UNITS[u].name,
                rd.name,
                t,
                if joint { "联合" } else { "单独" },
                &persons,
                &issues,
            ])?;
        }
    }
    infos.push(p.finish()?);

    // the quarter's joint meeting: second month, a weekday
    let mid = q.start().checked_add_months(chrono::Months::new(1));
    let mut day = mid.map(day_of).unwrap_or(s + 40) + 9 + g.rng.gen_range(0..10);
    while matches!(date_of(day).weekday(), Weekday::Sat | Weekday::Sun) {
        day += 1;
    }
    let mut m = Out::create(
        &opts.out,
        format!("{qname}/meetings.csv"),
        Enc::Utf8,
        b',',
        false,
    )?;
    m.record(["会议日期", "单位", "是否出席"])?;
    let mut date = String::new();
    g.fmt_date(&mut date, style, day);
    let last = qi + 1 == nq;
    for (ui, u) in UNITS.iter().enumerate() {
        let absent = match u.tier {
            Tier::C => (qi + ui).is_multiple_of(2) || (last && ui != unit_index("海洋与渔业")),
            Tier::B => (qi + ui).is_multiple_of(5),
            Tier::A => false,
        };
        let yes = if opts.clean {
            if absent {
                "否"
            } else {
                "是"
            }
        } else if absent {
            "×"
        } else {
            "√"
        };
        let name = if opts.clean { u.name } else { u.full_name };
        m.row([date.as_str(), name, yes])?;
    }
    infos.push(m.finish()?);

    // adjustments: two a quarter
    let mut a = Out::create(
        &opts.out,
        format!("{qname}/adjustments.csv"),
        Enc::Utf8,
        b',',
        false,
    )?;
    a.record(["对象类型", "对象", "分值", "事由", "依据"])?;
    for k in 0..2 {
        let (kind, target, points, reason, basis) = ADJUSTMENTS[(qi * 2 + k) % ADJUSTMENTS.len()];
        let target = if opts.clean {
            target.to_string()
        } else if kind == "单位" {
            UNITS[unit_index(target)].full_name.to_string()
        } else {
            REGIONS[region_index(target)].short.to_string()
        };
        let points = if opts.clean {
            points.to_string()
        } else {
            format!("{points}分")
        };
        a.row([kind, target.as_str(), &points, reason, basis])?;
    }
    infos.push(a.finish()?);
    Ok(infos)
}
