//! `recurrences.csv` and the workbook's 反弹点位 sheet: each recurring case
//! with the register entry it matches. The list grows with the data (a
//! million rows at ten million cases), so the CSV is made in pieces on
//! every core and handed on in order as it is made, never held whole.

use super::{DataTable, Value};
use crate::analysis::{township_name, Analysis, RecurrencePair};
use crate::config::Config;
use crate::excel_csv::{Cell, CsvOut};

const RECURRENCE_STEM: &str = "recurrences";
const RECURRENCE_HEADER: [&str; 8] = [
    "县市区",
    "乡镇街道",
    "点位名称",
    "取缔单位",
    "取缔案件编号",
    "反弹单位",
    "反弹案件编号",
    "发现日期",
];

/// The rows of `pairs`, one per recurrence, handed to `row` one at a time
/// (`units` and `regions`: the configured names).
fn recurrence_rows(
    pairs: &[RecurrencePair],
    units: &[&str],
    regions: &[&str],
    mut row: impl FnMut(&[Cell]),
) {
    fn nm<'n>(l: &[&'n str], i: u16) -> &'n str {
        l.get(i as usize).copied().unwrap_or("")
    }
    let mut date = String::with_capacity(10);
    use crate::analysis::RecurrencePair as Pair;
    // The strings are scattered and cold: fetched some rows ahead.
    crate::prefetch::each_ahead(pairs, Pair::fetch_far, Pair::fetch_near, |_, p| {
        date.clear();
        // Writing into a String cannot fail.
        let _ = std::fmt::Write::write_fmt(&mut date, format_args!("{}", p.found_date));
        row(&[
            Cell::Text(nm(regions, u16::from(p.region))),
            Cell::Text(township_name(&p.township)),
            Cell::Text(&p.site),
            Cell::Text(nm(units, u16::from(p.closed_unit))),
            Cell::Text(&p.closed_case),
            Cell::Text(nm(units, u16::from(p.recurred_unit))),
            Cell::Text(&p.recurred_case),
            Cell::Own(&date),
        ]);
    });
}

/// Each recurring case with the register entry it matches, as a table
/// (for the workbook).
pub fn recurrence_table(a: &Analysis, cfg: &Config) -> DataTable {
    let mut rc = DataTable::new(RECURRENCE_STEM, "反弹点位", &RECURRENCE_HEADER);
    let (units, regions) = (cfg.unit_names(), cfg.region_names());
    recurrence_rows(&a.recurrence.recurrences, &units, &regions, |cells| {
        rc.row(
            cells
                .iter()
                .map(|c| match c {
                    Cell::Text(s) => Value::text(s),
                    Cell::Own(s) => Value::label(s),
                    Cell::Int(i) => Value::Int(*i),
                    Cell::Num(x) => Value::Num(*x),
                })
                .collect(),
        )
    });
    rc
}

/// `recurrences.csv`, written row by row: the same bytes as
/// `recurrence_table(a, cfg).csv_file()` without holding the table (at ten
/// million cases its rows of values took several times the CSV's 140 MB).
pub fn recurrences_csv(a: &Analysis, cfg: &Config) -> (String, Vec<u8>) {
    let mut all = Vec::new();
    let sent: Result<(), std::convert::Infallible> = recurrences_csv_parts(a, cfg, |part| {
        all.extend_from_slice(&part);
        Ok(())
    });
    let Ok(()) = sent;
    (recurrences_csv_name(), all)
}

/// The file name of [`recurrences_csv`].
pub fn recurrences_csv_name() -> String {
    format!("{RECURRENCE_STEM}.csv")
}

/// Rows of `recurrences.csv` in one piece: a piece is made on any free core.
const ROWS_PER_PIECE: usize = 16_384;

/// Pieces made at a time (on every core) before they are handed on in
/// order: memory holds these (about 2 MB each), not the file (140 MB at
/// ten million cases).
const PIECES_AT_A_TIME: usize = 4;

/// [`recurrences_csv`]'s bytes handed to `send` in parts (the header, then
/// pieces of rows), in order, as they are made: memory holds a few pieces,
/// not the file. Stops at the first error `send` returns.
///
/// The pieces are made on every core: the rows were made one after the
/// other, and reading every pair's strings (scattered over the heap) was
/// most of the tables stage at ten million cases.
pub fn recurrences_csv_parts<E>(
    a: &Analysis,
    cfg: &Config,
    send: impl FnMut(Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let (units, regions) = (cfg.unit_names(), cfg.region_names());
    csv_parts(
        &a.recurrence.recurrences,
        &units,
        &regions,
        ROWS_PER_PIECE,
        send,
    )
}

/// [`recurrences_csv_parts`] of `pairs`, `rows` rows to a piece.
fn csv_parts<E>(
    pairs: &[RecurrencePair],
    units: &[&str],
    regions: &[&str],
    rows: usize,
    mut send: impl FnMut(Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    send(CsvOut::new(&RECURRENCE_HEADER).into_bytes())?;
    // (a row is about 140 bytes)
    crate::pieces::in_order(
        pairs,
        (rows, PIECES_AT_A_TIME, 160),
        |_, chunk, buf| {
            let mut out = CsvOut::rows_into(buf);
            recurrence_rows(chunk, units, regions, |cells| out.row(cells));
            out.into_bytes()
        },
        send,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RegionId, UnitId};
    use chrono::NaiveDate;

    /// Pieces of any size make the file the table makes, row by row.
    #[test]
    fn pieces_make_the_rows_in_order() {
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let pairs: Vec<RecurrencePair> = (0..1000u16)
            .map(|i| RecurrencePair {
                region: RegionId(i % 13),
                township: if i % 7 == 0 {
                    "".into()
                } else {
                    format!("镇{i}").as_str().into()
                },
                site: format!("=点位,\"{i}\"").as_str().into(),
                closed_unit: UnitId(i % 5),
                closed_case: format!("温公案〔2026〕{i}号").into(),
                recurred_unit: UnitId(i % 3),
                recurred_case: format!("R{i}").into(),
                found_date: day + chrono::Days::new(u64::from(i % 90)),
            })
            .collect();
        let (units, regions) = (["公安", "林业", "水利"], ["鹿城区", "瓯海区"]);
        let mut whole = CsvOut::new(&RECURRENCE_HEADER);
        recurrence_rows(&pairs, &units, &regions, |cells| whole.row(cells));
        let whole = whole.into_bytes();
        for rows in [1, 7, 333, 1000, 5000] {
            for n in [0, 1, 999, 1000] {
                let mut parts: Vec<Vec<u8>> = Vec::new();
                let sent: Result<(), ()> = csv_parts(&pairs[..n], &units, &regions, rows, |p| {
                    parts.push(p);
                    Ok(())
                });
                assert_eq!(sent, Ok(()));
                let mut want = CsvOut::new(&RECURRENCE_HEADER);
                recurrence_rows(&pairs[..n], &units, &regions, |cells| want.row(cells));
                assert_eq!(
                    parts.concat(),
                    want.into_bytes(),
                    "{rows} rows a piece, {n} pairs"
                );
            }
        }
        assert!(String::from_utf8(whole)
            .unwrap()
            .contains("'=点位,\"\"3\"\"\""));
    }
}
