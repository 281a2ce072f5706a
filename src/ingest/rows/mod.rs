//! Turning one CSV record into a typed record, or a rejection with a reason.
//!
//! This file holds the rejection ([`RowError`]) and names the rest,
//! re-exported from the files that hold it (`rows::…` paths are unchanged):
//!
//! - `cells`: what every row of a file shares ([`RowCtx`], [`KeepText`])
//!   and one row's cells read and checked ([`Row`]), with the bounds a
//!   cell must keep ([`MAX_AMOUNT`], [`MAX_COUNT`], [`MAX_POINTS`]);
//! - `cases`: the case row ([`case`]);
//! - `optional`: the optional files' rows ([`referral`], [`patrol`],
//!   [`meeting`], [`adjustment`]);
//! - `codes`: the reason codes and their Chinese names.

mod cases;
mod cells;
pub mod codes;
mod optional;

pub use cases::case;
pub use cells::{FastHash, KeepText, Row, RowCtx, SharedMemo, MAX_AMOUNT, MAX_COUNT, MAX_POINTS};
pub use optional::{adjustment, meeting, patrol, referral};

/// Why a row is rejected: a reason code, the field, the offending value and messages.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub field: &'static str,
    pub value: String,
    pub code: crate::model::RejectCode,
    pub message: String,
    pub message_en: String,
}
