//! Referrals (函告), patrols (巡查) and meetings (联席会议) of a quarter.
//! Small ledgers: plain loops.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Meeting, Patrol, PatrolMode, Referral, RegionId, UnitId};
use crate::quarter::Period;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReferralUnit {
    pub key: String,
    pub sent: u64,
    pub received: u64,
    pub replied: u64,
    pub replied_on_time: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverdueReferral {
    pub ref_id: String,
    pub from_unit: String,
    pub to_unit: String,
    pub sent_date: NaiveDate,
    /// Calendar days from sending to the period end.
    pub days: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Referrals {
    /// Letters sent in the period.
    pub sent: u64,
    /// Of those, answered (reply date on or before the period end).
    pub replied: u64,
    /// Of those, answered within `reply_days` calendar days.
    pub replied_on_time: u64,
    /// Every configured unit, configuration order.
    pub by_unit: Vec<ReferralUnit>,
    /// Sent up to the period end, unanswered at the period end and older
    /// than `reply_days`, whenever sent; by sent date then id.
    pub overdue: Vec<OverdueReferral>,
}

/// Whether a letter was answered by `end`.
fn replied_by(r: &Referral, end: NaiveDate) -> Option<NaiveDate> {
    r.reply_date.filter(|d| *d <= end)
}

pub fn referrals(
    refs: &[&Referral],
    period: Period,
    reply_days: i64,
    units: &[String],
) -> Referrals {
    let mut by_unit: Vec<ReferralUnit> = units
        .iter()
        .map(|u| ReferralUnit {
            key: u.clone(),
            ..Default::default()
        })
        .collect();
    let mut out = Referrals::default();
    for r in refs {
        if period.contains(r.sent_date) {
            out.sent += 1;
            if let Some(u) = by_unit.get_mut(usize::from(r.from_unit)) {
                u.sent += 1;
            }
            let replied = replied_by(r, period.end);
            let on_time = replied.is_some_and(|d| (d - r.sent_date).num_days() <= reply_days);
            if replied.is_some() {
                out.replied += 1;
            }
            if on_time {
                out.replied_on_time += 1;
            }
            if let Some(u) = by_unit.get_mut(usize::from(r.to_unit)) {
                u.received += 1;
                u.replied += replied.is_some() as u64;
                u.replied_on_time += on_time as u64;
            }
        }
        if r.sent_date <= period.end
            && replied_by(r, period.end).is_none()
            && (period.end - r.sent_date).num_days() > reply_days
        {
            out.overdue.push(OverdueReferral {
                ref_id: r.ref_id.clone(),
                from_unit: name(units, r.from_unit),
                to_unit: name(units, r.to_unit),
                sent_date: r.sent_date,
                days: (period.end - r.sent_date).num_days(),
            });
        }
    }
    out.overdue.sort_by(|a, b| {
        a.sent_date
            .cmp(&b.sent_date)
            .then_with(|| a.ref_id.cmp(&b.ref_id))
    });
    out.by_unit = by_unit;
    out
}

fn name(units: &[String], u: UnitId) -> String {
    units.get(usize::from(u)).cloned().unwrap_or_default()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PatrolRow {
    pub key: String,
    /// Patrols in the quarter.
    pub count: u64,
    /// Of those, joint (联合).
    pub joint: u64,
    pub person_times: u64,
    pub issues_found: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Patrols {
    pub count: u64,
    pub joint: u64,
    pub person_times: u64,
    pub issues_found: u64,
    pub by_unit: Vec<PatrolRow>,
    pub by_region: Vec<PatrolRow>,
}

fn add(r: &mut PatrolRow, p: &Patrol) {
    r.count += 1;
    r.joint += (p.mode == PatrolMode::Joint) as u64;
    r.person_times += p.person_times as u64;
    r.issues_found += p.issues_found as u64;
}

/// `regions`: the rows of `by_region`, the first of which is region id
/// `first` (all regions from 0, or a scoped run's one region).
pub fn patrols(
    ps: &[&Patrol],
    period: Period,
    units: &[String],
    regions: &[String],
    first: RegionId,
) -> Patrols {
    let rows = |names: &[String]| -> Vec<PatrolRow> {
        names
            .iter()
            .map(|k| PatrolRow {
                key: k.clone(),
                ..Default::default()
            })
            .collect()
    };
    let mut total = PatrolRow::default();
    let mut by_unit = rows(units);
    let mut by_region = rows(regions);
    for p in ps.iter().filter(|p| period.contains(p.date)) {
        add(&mut total, p);
        if let Some(r) = by_unit.get_mut(usize::from(p.unit)) {
            add(r, p);
        }
        if let Some(r) = usize::from(p.region)
            .checked_sub(usize::from(first))
            .and_then(|k| by_region.get_mut(k))
        {
            add(r, p);
        }
    }
    Patrols {
        count: total.count,
        joint: total.joint,
        person_times: total.person_times,
        issues_found: total.issues_found,
        by_unit,
        by_region,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MeetingUnit {
    pub key: String,
    /// Meeting dates on which the unit attended.
    pub attended: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Meetings {
    /// Distinct meeting dates in the period.
    pub held: u64,
    pub dates: Vec<NaiveDate>,
    pub by_unit: Vec<MeetingUnit>,
}

pub fn meetings(ms: &[Meeting], period: Period, units: &[String]) -> Meetings {
    let dates: BTreeSet<NaiveDate> = ms
        .iter()
        .filter(|m| period.contains(m.date))
        .map(|m| m.date)
        .collect();
    let mut attended: Vec<BTreeSet<NaiveDate>> = vec![BTreeSet::new(); units.len()];
    for m in ms.iter().filter(|m| m.attended && period.contains(m.date)) {
        if let Some(s) = attended.get_mut(usize::from(m.unit)) {
            s.insert(m.date);
        }
    }
    Meetings {
        held: dates.len() as u64,
        dates: dates.into_iter().collect(),
        by_unit: units
            .iter()
            .zip(attended)
            .map(|(k, s)| MeetingUnit {
                key: k.clone(),
                attended: s.len() as u64,
            })
            .collect(),
    }
}
