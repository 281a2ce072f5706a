//! 报送情况: which member units sent their case export for a quarter. The
//! feedback sheets, the briefing, the index page and `validate` all ask
//! this one function.

use crate::config::names::Resolver;
use crate::config::Config;
use crate::model::{Dataset, FileKind};
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
    for c in ds.cases.iter().filter(|c| c.origin.quarter == quarter) {
        if let Some(&Some(i)) = position.get(usize::from(c.unit)) {
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
