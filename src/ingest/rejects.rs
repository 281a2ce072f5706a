//! Building rejections for rejects.csv: a row's [`RowError`] turned into a
//! [`Reject`] (personal data masked, long values and messages clipped), and
//! a whole file's error (line 0, also kept on the file's entry). Both are
//! built alike for CSV files and workbook sheets, so they live apart from
//! either; a record cut short, a wrong field count, a duplicate or a
//! conflict is rejected where it is found (`read`, `settler`).

use super::read::FileOutcome;
use super::rows::RowError;
use crate::model::*;
use crate::text;

/// Longest offending value (in characters) copied into rejects.csv; a longer
/// one is cut and marked with `…` (a 50 MB cell must not be copied whole).
pub const MAX_REJECT_VALUE: usize = 200;

/// `s` cut to at most `max` characters, with `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

pub(super) fn reject_of(rel: &str, line: u64, e: RowError) -> Reject {
    // Personal data is never copied out, even when it is the offending
    // value; an ID number is masked in whatever field it is found.
    let value = if matches!(e.field, "party" | "party_id") && !e.value.is_empty() {
        clip(&crate::privacy::mask_id(&e.value), MAX_REJECT_VALUE)
    } else {
        clip(
            &crate::privacy::scrub_numbers_only(&e.value),
            MAX_REJECT_VALUE,
        )
    };
    let ids = crate::privacy::scrub_numbers_only;
    Reject {
        file: rel.to_string(),
        line,
        field: e.field,
        value,
        code: e.code,
        // Messages quote the cell: a line break in it must not break the
        // one-line message (the value itself is kept as read).
        message: clip(
            &text::escape_controls(&ids(&e.message)),
            4 * MAX_REJECT_VALUE,
        ),
        message_en: clip(
            &text::escape_controls(&ids(&e.message_en)),
            4 * MAX_REJECT_VALUE,
        ),
    }
}

pub(super) fn fail(
    file: &mut InputFile,
    out: &mut FileOutcome,
    code: crate::model::RejectCode,
    zh: String,
    en: String,
) {
    file.error = Some(format!("{zh} / {en}"));
    out.rejects.push(Reject {
        file: file.path.clone(),
        line: 0,
        field: "",
        value: String::new(),
        code,
        message: zh,
        message_en: en,
    });
}
