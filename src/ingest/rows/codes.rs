//! Reason codes (stable, machine-readable): the `code` of every rejection
//! in rejects.csv, and the Chinese name reports give each. Apart from the
//! row readers because file errors, duplicates and conflicts use them too.
//! The codes are one enum, [`RejectCode`] in `model`; these names keep the
//! readers' call sites short.

use crate::model::RejectCode;

pub const MISSING: RejectCode = RejectCode::Missing;
pub const BAD_DATE: RejectCode = RejectCode::BadDate;
pub const DATE_AFTER_PERIOD: RejectCode = RejectCode::DateAfterPeriod;
pub const DATE_TOO_EARLY: RejectCode = RejectCode::DateTooEarly;
pub const DATE_ORDER: RejectCode = RejectCode::DateOrder;
pub const UNKNOWN_UNIT: RejectCode = RejectCode::UnknownUnit;
pub const UNKNOWN_REGION: RejectCode = RejectCode::UnknownRegion;
pub const UNKNOWN_TYPE: RejectCode = RejectCode::UnknownType;
pub const UNKNOWN_SOURCE: RejectCode = RejectCode::UnknownSource;
pub const UNKNOWN_VALUE: RejectCode = RejectCode::UnknownValue;
pub const NEGATIVE: RejectCode = RejectCode::Negative;
pub const BAD_NUMBER: RejectCode = RejectCode::BadNumber;
pub const BAD_YES_NO: RejectCode = RejectCode::BadYesNo;
pub const BAD_COORDINATE: RejectCode = RejectCode::BadCoordinate;
pub const FIELD_COUNT: RejectCode = RejectCode::FieldCount;
pub const DUPLICATE: RejectCode = RejectCode::Duplicate;
pub const NO_UNIT: RejectCode = RejectCode::NoUnit;
pub const UNREADABLE: RejectCode = RejectCode::Unreadable;
pub const NO_HEADER: RejectCode = RejectCode::NoHeader;
pub const BAD_RECORD: RejectCode = RejectCode::BadRecord;
pub const UNKNOWN_TARGET: RejectCode = RejectCode::UnknownTarget;
pub const DUPLICATE_COLUMN: RejectCode = RejectCode::DuplicateColumn;
pub const CONFLICT: RejectCode = RejectCode::Conflict;

/// The Chinese name of a reason code, for reports.
pub fn label(code: RejectCode) -> &'static str {
    code.label()
}
