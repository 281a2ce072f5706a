//! 报送情况: which member units sent their case export for a quarter. The
//! feedback sheets, the briefing, the index page and `validate` all ask
//! this one function.

use crate::config::names::Resolver;
use crate::config::Config;
use crate::model::{Dataset, FileKind, UnitId};
use crate::quarter::Quarter;

/// 报送情况: the units (canonical names, configuration order) that sent no
/// case export for `quarter`. A unit has reported when a readable case file
/// of the quarter is its own (a header-only file is a 零报告 and counts) or a
/// case of the quarter carries its name (a ledger of several units).
pub fn missing_exports(ds: &Dataset, cfg: &Config, quarter: Quarter) -> Vec<String> {
    let resolver = Resolver::new(cfg);
    let mut sent = vec![false; cfg.units.len()];
    let index = |name: &str| cfg.units.iter().position(|u| u.name == name);
    for f in &ds.files {
        if f.kind == FileKind::Cases && f.quarter == Some(quarter) && f.error.is_none() {
            if let Some(i) = f.unit.as_deref().and_then(index) {
                sent[i] = true;
            }
        }
    }
    // Each unit id's position, found once (not by name for every case:
    // this runs over every case read, several times a run).
    let position: Vec<Option<usize>> = (0..resolver.units.len())
        .map(|i| index(resolver.units.name(i as u16)))
        .collect();
    // The cases are in (unit, 案件编号) order (`Dataset::cases`): each unit
    // not yet known to have reported has its cases found by two binary
    // searches and looked at until one of the quarter turns up (every case
    // was read, three times a build: 0.1 s at ten million rows).
    debug_assert!(ds.cases.is_sorted_by_key(|c| c.unit));
    for (u, pos) in position.iter().enumerate() {
        let Some(i) = *pos else { continue };
        if sent[i] {
            continue;
        }
        let unit = UnitId(u as u16);
        let from = ds.cases.partition_point(|c| c.unit < unit);
        let to = from + ds.cases[from..].partition_point(|c| c.unit == unit);
        if ds.cases[from..to]
            .iter()
            .any(|c| c.origin.quarter() == quarter)
        {
            sent[i] = true;
        }
    }
    cfg.units
        .iter()
        .zip(sent)
        .filter(|(_, s)| !s)
        .map(|(u, _)| u.name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, InputFile, Origin};

    /// Units that sent a file, that only a case of the quarter names (a
    /// ledger of several units), that only a case of an earlier quarter
    /// names, and that nothing names: the last two did not report.
    #[test]
    fn a_unit_reported_by_its_file_or_by_a_case_of_the_quarter() {
        let cfg = Config::embedded();
        let q = Quarter::parse("2026Q3").unwrap();
        let earlier = Quarter::parse("2026Q2").unwrap();
        let unit = |name: &str| UnitId(Resolver::new(&cfg).unit(name).expect("a configured unit"));
        let names: Vec<String> = cfg.units.iter().map(|u| u.name.clone()).collect();
        let (by_file, by_case, earlier_only) = (&names[0], &names[1], &names[2]);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let case = |u: &str, id: &str, quarter: Quarter| {
            let mut c = Case::blank(id, day);
            c.unit = unit(u);
            c.origin = Origin::new(0, 2, quarter);
            c
        };
        let mut ds = Dataset {
            files: vec![InputFile {
                path: format!("2026Q3/{by_file}_2026Q3.csv"),
                kind: FileKind::Cases,
                unit: Some(by_file.clone()),
                encoding: None,
                sha256: String::new(),
                bytes: 0,
                quarter: Some(q),
                counts: Default::default(),
                error: None,
            }],
            cases: vec![
                case(by_case, "B1", earlier),
                case(by_case, "B2", q),
                case(earlier_only, "C1", earlier),
                case(earlier_only, "C2", earlier),
            ],
            ..Default::default()
        };
        ds.cases
            .sort_by(|a, b| (a.unit, &a.case_id).cmp(&(b.unit, &b.case_id)));
        let missing = missing_exports(&ds, &cfg, q);
        let want: Vec<String> = names[2..].to_vec();
        assert_eq!(missing, want);
        // the same cases a quarter earlier: every unit with a case reported
        let missing = missing_exports(&ds, &cfg, earlier);
        assert!(!missing.contains(by_case) && !missing.contains(earlier_only));
        assert!(missing.contains(by_file));
    }
}
