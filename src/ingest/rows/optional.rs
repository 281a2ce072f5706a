//! The rows of the optional files: referrals (函告), patrols (巡查),
//! meetings (联席会议) and adjustments (加减分). Each is short; their
//! columns are read by position in the order `headers` declares them.

use super::{codes, Row, RowError};
use crate::model::*;

pub fn referral(row: &Row) -> Result<Referral, RowError> {
    row.duplicates()?;
    // ref_id, from_unit, to_unit, sent_date, reply_date, region, case_id, summary
    let ref_id = row.required_text(0)?;
    let from_unit = row.unit(1)?.ok_or_else(|| row.missing(1))?;
    let to_unit = row.unit(2)?.ok_or_else(|| row.missing(2))?;
    let sent_date = row.required_date(3)?;
    let reply_date = row.date(4)?;
    row.order(3, Some(sent_date), 4, reply_date)?;
    let region = row.region(5)?;
    Ok(Referral {
        origin: row.origin(),
        ref_id,
        from_unit,
        to_unit,
        sent_date,
        reply_date,
        region,
        case_id: row.text(6),
        summary: row.ctx.scrub(row.raw(7), "", "").into_owned(),
    })
}

pub fn patrol(row: &Row) -> Result<Patrol, RowError> {
    row.duplicates()?;
    // date, unit, region, township, mode, person_times, issues_found
    let date = row.required_date(0)?;
    let unit = row.unit(1)?.ok_or_else(|| row.missing(1))?;
    let region = row.region(2)?.ok_or_else(|| row.missing(2))?;
    let m = row.raw(4);
    let mode = match m {
        "" | "单独" | "单独巡查" | "single" | "Single" => PatrolMode::Single,
        "联合" | "联合巡查" | "joint" | "Joint" => PatrolMode::Joint,
        _ => {
            return Err(row.err(
                4,
                codes::UNKNOWN_VALUE,
                format!("巡查方式“{m}”应为 单独 或 联合"),
                format!("mode “{m}” must be 单独 (single) or 联合 (joint)"),
            ))
        }
    };
    Ok(Patrol {
        origin: row.origin(),
        date,
        unit,
        region,
        township: row.ctx.shared(row.raw(3), "", ""),
        mode,
        person_times: row.count(5)?,
        issues_found: row.count(6)?,
    })
}

pub fn meeting(row: &Row) -> Result<Meeting, RowError> {
    row.duplicates()?;
    let date = row.required_date(0)?;
    let unit = row.unit(1)?.ok_or_else(|| row.missing(1))?;
    let attended = row.yes_no(2)?;
    Ok(Meeting {
        origin: row.origin(),
        date,
        unit,
        attended,
    })
}

pub fn adjustment(row: &Row) -> Result<Adjustment, RowError> {
    row.duplicates()?;
    // target_kind, target, points, reason, basis
    let kind = row.required_text(0)?;
    let is_unit = match kind.as_str() {
        "单位" | "部门" | "成员单位" | "unit" => true,
        "县市区" | "地区" | "区县" | "region" => false,
        _ => {
            return Err(row.err(
                0,
                codes::UNKNOWN_VALUE,
                format!("对象类型“{kind}”应为 单位 或 县市区"),
                format!("target_kind “{kind}” must be 单位 (unit) or 县市区 (region)"),
            ))
        }
    };
    let target_raw = row.required_text(1)?;
    let r = row.ctx.resolver;
    let target = if is_unit {
        r.unit(&target_raw).map(|u| Target::Unit(UnitId(u)))
    } else {
        r.region(&target_raw).map(|g| Target::Region(RegionId(g)))
    };
    let Some(target) = target else {
        let sugg = if is_unit {
            r.units.suggest(&target_raw)
        } else {
            r.regions.suggest(&target_raw)
        };
        let mut e = row.unknown(
            1,
            codes::UNKNOWN_TARGET,
            if is_unit {
                "考核对象（单位）"
            } else {
                "考核对象（县市区）"
            },
            "assessment target",
            sugg,
        );
        e.field = "target";
        return Err(e);
    };
    let points = row.signed(2)?;
    let reason = row.required_text(3)?;
    Ok(Adjustment {
        origin: row.origin(),
        target,
        points,
        reason: row.ctx.scrub(&reason, "", "").into_owned(),
        basis: row.ctx.scrub(row.raw(4), "", "").into_owned(),
    })
}
