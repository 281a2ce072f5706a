//! The case row: one record of a case file read into a [`Case`] (the
//! unit from the row's 填报单位 or else the file name, dates in order,
//! free text kept only where a report may quote it). The largest of the
//! row parsers, so on its own; its test checks the column indices the
//! parsers use (the case columns by name; the referral, patrol and
//! adjustment columns by position) against the field specs.

use super::{codes, KeepText, Row, RowError};
use crate::model::*;

// Case column indices, declared with the columns in `headers`.
use crate::ingest::headers::col as c;

/// A case row. The unit comes from the row's 填报单位, else from the file name.
pub fn case(row: &Row) -> Result<Case, RowError> {
    row.duplicates()?;
    // Held in the record (`IdText`): no allocation for an id of up to 30 bytes.
    let case_id: IdText = row.required_str(c::CASE_ID)?.into();
    let unit = match row.unit(c::UNIT)? {
        Some(u) => u,
        None => match row.ctx.file_unit {
            Some(u) => u,
            None => {
                return Err(row.err(
                    c::UNIT,
                    codes::NO_UNIT,
                    "无法确定填报单位：请增加“填报单位”列，或在文件名中写明单位（如 公安局_2026Q3.csv）".into(),
                    "cannot tell the reporting unit: add a 填报单位 column or put the unit's name in the file name (e.g. 公安局_2026Q3.csv)".into(),
                ))
            }
        },
    };
    let region = row
        .region(c::REGION)?
        .ok_or_else(|| row.missing(c::REGION))?;
    let found_date = row.required_date(c::FOUND)?;
    let source = row.source(c::SOURCE)?;
    let violation_type = row.violation_type(c::VTYPE)?;
    let filed_date = row.date(c::FILED)?;
    let closed_date = row.date(c::CLOSED)?;
    let transfer_date = row.date(c::TRANSFER_DATE)?;
    row.order(c::FOUND, Some(found_date), c::FILED, filed_date)?;
    row.order(c::FILED, filed_date, c::CLOSED, closed_date)?;
    row.order(c::FOUND, Some(found_date), c::TRANSFER_DATE, transfer_date)?;
    let lon = row.coordinate(c::LON, 180.0)?;
    let lat = row.coordinate(c::LAT, 90.0)?;
    let fine_yuan = row.amount(c::FINE)?;
    let confiscated_yuan = row.amount(c::CONFISCATED)?;
    let volume_t = row.amount(c::VOLUME)?;
    let transferred = row.yes_no(c::TRANSFERRED)?;
    let criminal_filed = row.yes_no(c::CRIMINAL)?;
    let persons = row.count(c::PERSONS)?;
    let site_closed = row.yes_no(c::SITE_CLOSED)?;
    let power_cut = row.yes_no(c::POWER_CUT)?;
    let vessels_seized = row.count(c::VESSELS)?;
    let equipment_seized = row.count(c::EQUIPMENT)?;
    let referred_by = row.unit(c::REFERRED_BY)?;
    let mut status = row.raw(c::STATUS);
    if status.is_empty() {
        status = if closed_date.is_some() {
            "已结案"
        } else if filed_date.is_some() {
            "办理中"
        } else {
            "未立案"
        };
    }
    let ctx = row.ctx;
    // Reports quote free text only for cases closed in the report quarter
    // (typical cases); at ten million rows it is most of the memory.
    let keep = match ctx.keep_text {
        KeepText::All => true,
        KeepText::ClosedInQuarter => ctx.period.contains_opt(closed_date),
        KeepText::Nothing => false,
    };
    let kept = |f: usize| if keep { row.raw(f) } else { "" };
    let (party, party_id) = (row.raw(c::PARTY), row.raw(c::PARTY_ID));
    Ok(Case {
        origin: row.origin(),
        case_id,
        unit,
        region,
        // Township and status are short, shared names: numbers only.
        township: ctx.shared(row.raw(c::TOWNSHIP), "", ""),
        site: ctx.shared(row.raw(c::SITE), party, party_id),
        // A coordinate pair counts only when both halves are given.
        coords: Coords::new(lon, lat),
        found_date,
        source,
        violation_type,
        filed_date,
        closed_date,
        status: ctx.shared(status, "", ""),
        fine_yuan,
        confiscated_yuan,
        volume_t,
        transferred,
        transfer_date,
        criminal_filed,
        persons,
        site_closed,
        power_cut,
        vessels_seized,
        equipment_seized,
        referred_by,
        // (the summary is scrubbed when read: `Case::summary`)
        text: CaseText::scrubbed_when_read(
            kept(c::PARTY),
            kept(c::PARTY_ID),
            kept(c::SUMMARY),
            ctx.resolver.mask_personal,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::c;
    use crate::ingest::headers::*;

    #[test]
    fn case_field_indices_match_spec() {
        let ids: Vec<_> = CASE_FIELDS.iter().map(|f| f.id).collect();
        assert_eq!(ids.len(), c::COUNT);
        assert_eq!(ids[c::CASE_ID], "case_id");
        assert_eq!(ids[c::UNIT], "unit");
        assert_eq!(ids[c::REGION], "region");
        assert_eq!(ids[c::TOWNSHIP], "township");
        assert_eq!(ids[c::SITE], "site");
        assert_eq!(ids[c::LON], "lon");
        assert_eq!(ids[c::LAT], "lat");
        assert_eq!(ids[c::FOUND], "found_date");
        assert_eq!(ids[c::SOURCE], "source");
        assert_eq!(ids[c::VTYPE], "violation_type");
        assert_eq!(ids[c::FILED], "filed_date");
        assert_eq!(ids[c::CLOSED], "closed_date");
        assert_eq!(ids[c::STATUS], "status");
        assert_eq!(ids[c::FINE], "fine_yuan");
        assert_eq!(ids[c::CONFISCATED], "confiscated_yuan");
        assert_eq!(ids[c::VOLUME], "volume_t");
        assert_eq!(ids[c::TRANSFERRED], "transferred");
        assert_eq!(ids[c::TRANSFER_DATE], "transfer_date");
        assert_eq!(ids[c::CRIMINAL], "criminal_filed");
        assert_eq!(ids[c::PERSONS], "persons");
        assert_eq!(ids[c::SITE_CLOSED], "site_closed");
        assert_eq!(ids[c::POWER_CUT], "power_cut");
        assert_eq!(ids[c::VESSELS], "vessels_seized");
        assert_eq!(ids[c::EQUIPMENT], "equipment_seized");
        assert_eq!(ids[c::REFERRED_BY], "referred_by");
        assert_eq!(ids[c::PARTY], "party");
        assert_eq!(ids[c::PARTY_ID], "party_id");
        assert_eq!(ids[c::SUMMARY], "summary");
        let r: Vec<_> = REFERRAL_FIELDS.iter().map(|f| f.id).collect();
        assert_eq!(
            r,
            [
                "ref_id",
                "from_unit",
                "to_unit",
                "sent_date",
                "reply_date",
                "region",
                "case_id",
                "summary"
            ]
        );
        let p: Vec<_> = PATROL_FIELDS.iter().map(|f| f.id).collect();
        assert_eq!(
            p,
            [
                "date",
                "unit",
                "region",
                "township",
                "mode",
                "person_times",
                "issues_found"
            ]
        );
        let a: Vec<_> = ADJUSTMENT_FIELDS.iter().map(|f| f.id).collect();
        assert_eq!(a, ["target_kind", "target", "points", "reason", "basis"]);
    }
}
