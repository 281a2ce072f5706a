//! manifest.json (contract §6): what a run read and wrote, with hashes.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::model::Dataset;
use crate::output::Written;
use crate::quarter::Quarter;
use crate::summary;

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// manifest.json: every input (path, sha256, encoding, bytes, counts), the
/// effective configuration's hash, the tool version and every output file
/// (as the writer hashed it).
pub fn manifest(
    ds: &Dataset,
    cfg: &Config,
    quarter: Quarter,
    scope: &str,
    outputs: &[Written],
) -> serde_json::Value {
    let cfg_bytes = serde_json::to_vec(cfg).unwrap_or_default();
    let inputs: Vec<serde_json::Value> = ds
        .files
        .iter()
        .map(|f| {
            let mut v = json!({
                "path": f.path,
                "kind": f.kind,
                "unit": f.unit,
                "encoding": f.encoding,
                "sha256": f.sha256,
                "bytes": f.bytes,
                "rows_read": f.counts.rows_read,
                "accepted": f.counts.accepted,
                "rejected": f.counts.rejected,
                "skipped": f.counts.skipped,
                "superseded": f.counts.superseded,
            });
            if let Some(e) = &f.error {
                v["error"] = json!(e);
            }
            v
        })
        .collect();
    let mut outs: Vec<serde_json::Value> = outputs
        .iter()
        .map(|w| json!({"path": w.path, "sha256": w.sha256, "bytes": w.bytes}))
        .collect();
    outs.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
    let t = ds.totals();
    summary::normalise(json!({
        "schema": "minebrief.manifest/1",
        "tool": "minebrief",
        "version": env!("CARGO_PKG_VERSION"),
        "quarter": quarter,
        "scope": scope,
        "quarters_read": ds.quarters,
        "config_sha256": sha256_hex(&cfg_bytes),
        "inputs": inputs,
        "totals": t,
        "outputs": outs,
    }))
}
