//! The document set of a run: the briefing, the assessment, one report per
//! region and the index page with its links, as format-neutral contexts;
//! and the GB/T 9704 elements the configuration adds to every document.

use chrono::NaiveDate;

use super::format::Format;
use crate::analysis;
use crate::assess;
use crate::config::Config;
use crate::error::Result;
use crate::model::Dataset;
use crate::report::briefing::{BriefingDoc, BriefingText, QuarterCases};
use crate::report::{doc, AssessmentDoc, DocSet, IndexDoc, Link, Masthead};
use crate::summary;

/// A file name as one segment of a relative URL: `%`, `#`, `?`, spaces and
/// other characters with a meaning in URLs are percent-encoded (a region
/// named `a#b` must link to `a%23b.html`, not to `a` with a fragment);
/// letters of any script are kept as they are.
pub fn url_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || "-._~".contains(c) || (!c.is_ascii() && !c.is_control()) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Build every document context of a run.
#[allow(clippy::too_many_arguments)]
pub fn documents(
    ds: &Dataset,
    cfg: &Config,
    a: &analysis::Analysis,
    cells: &analysis::CaseCells,
    assessment: &assess::Assessment,
    issued: NaiveDate,
    text: &BriefingText,
    formats: &[Format],
    table_names: &[String],
) -> Result<(DocSet, Vec<(String, serde_json::Value)>)> {
    let q = a.quarter;
    let scope_name = a.scope_id.map(|_| a.scope.as_str());
    let title = |t: &str| Masthead::new(cfg, q, issued, t, scope_name);
    let quarter_cases = QuarterCases::of(ds, q);
    let briefing = BriefingDoc::new(
        cfg,
        title("联席会议通报"),
        a,
        &quarter_cases,
        Some(assessment),
        text,
    );
    let mut assessment_doc = AssessmentDoc::new(cfg, title("考核通报"), assessment);
    assessment_doc.doc_number = text.assessment_doc_number.clone();
    let mut regions = Vec::new();
    let mut region_figures = Vec::new();
    if a.scope_id.is_none() {
        use rayon::prelude::*;
        (regions, region_figures) = cfg
            .regions
            .par_iter()
            .enumerate()
            .map(|(i, r)| {
                let ra = analysis::analyse_with(
                    ds,
                    cfg,
                    q,
                    Some(crate::model::RegionId(i as u16)),
                    cells,
                );
                let m = Masthead::new(cfg, q, issued, "县市区报告", Some(&r.name));
                let doc = BriefingDoc::new(cfg, m, &ra, &quarter_cases, Some(assessment), text);
                let typical: Vec<(String, String)> = doc
                    .typical_cases
                    .iter()
                    .map(|c| (c.title.clone(), c.text.clone()))
                    .collect();
                let figures = summary::region_figures(&ra, &typical);
                (
                    (crate::text::sanitize_name(&r.name), doc),
                    (r.name.clone(), figures),
                )
            })
            .unzip();
    }
    let ext: Vec<&str> = formats
        .iter()
        .filter_map(|f| match f {
            Format::Html => Some("html"),
            Format::Pdf => Some("pdf"),
            Format::Docx => Some("docx"),
            Format::Xlsx | Format::Parquet => None,
        })
        .collect();
    let link = |stem: &str, title: &str, note: &str| Link {
        href: format!("{stem}.html"),
        title: title.to_string(),
        note: format!("{note}（{}）", ext.join("、")),
    };
    let documents = vec![
        link(
            "briefing",
            "联席会议通报",
            "季度联席会议通报：总体情况、各地情况、部门履职、跟踪监管、存在问题、下步工作",
        ),
        link(
            "assessment",
            "考核通报",
            "成员单位和县（市、区）考核得分、等次、约谈名单及评分说明",
        ),
        Link {
            href: "summary.json".into(),
            title: "summary.json".into(),
            note: "全部数据（机器可读）".into(),
        },
        Link {
            href: "tables.xlsx".into(),
            title: "tables.xlsx".into(),
            note: "全部汇总表、考核得分和被拒行（Excel 工作簿）".into(),
        },
        Link {
            href: "rejects.csv".into(),
            title: "rejects.csv".into(),
            note: "被拒行清单（可用 Excel 打开）".into(),
        },
    ];
    let region_links = regions
        .iter()
        .map(|(stem, doc)| Link {
            href: format!("regions/{}.html", url_segment(stem)),
            title: doc.masthead.scope.clone(),
            note: String::new(),
        })
        .collect();
    let data = table_names
        .iter()
        .map(|name| Link {
            href: format!("tables/{name}"),
            title: name.clone(),
            note: String::new(),
        })
        .collect();
    let index = IndexDoc::new(title("材料目录"), ds, documents, region_links, data);
    Ok((
        DocSet {
            index,
            briefing,
            assessment: assessment_doc,
            regions,
        },
        region_figures,
    ))
}

/// The GB/T 9704 elements a document's template leaves out, from the
/// configuration (`[organisation]`): 主送机关 (`addressee`), the 版记 (抄送
/// `cc`, 印发机关 `printer` or the issuing office, 印发日期 = the 成文日期 or
/// the issue date) and whether the documents are sealed (`sealed`). What
/// a template says (`to:`, `printed:` …) stays as it is.
pub fn complete_gongwen(models: &mut [(String, doc::Document)], cfg: &Config, issued: NaiveDate) {
    let o = &cfg.organisation;
    for (_, m) in models.iter_mut() {
        let to = o.addressee.trim();
        if m.addressee.is_none() && !to.is_empty() {
            // GB/T 9704 §7.3.2: the last addressee ends with a full-width colon.
            let to = doc::clean(to.trim_end_matches([':', '：']));
            m.addressee = Some(format!("{to}："));
        }
        if m.record.is_none() {
            let printer = match o.printer.trim() {
                "" if m.office.is_empty() => doc::clean(o.office.trim()),
                "" => m.office.clone(),
                p => doc::clean(p),
            };
            m.record = Some(doc::Record {
                cc: o
                    .cc
                    .iter()
                    .map(|c| doc::clean(c.trim()))
                    .filter(|c| !c.is_empty())
                    .collect(),
                printer,
                printed: m.signature.as_ref().map(|s| s.date).unwrap_or(issued),
            });
        }
        m.sealed = o.sealed;
    }
}

/// Warnings for documents that go out without a 发文字号: the briefing
/// (`doc_number` in the quarter folder's briefing.toml) and the assessment
/// (`assessment_doc_number`).
pub fn number_warnings(models: &[(String, doc::Document)], folder: &str) -> Vec<String> {
    models
        .iter()
        .filter(|(_, m)| m.number.is_none())
        .filter_map(|(stem, _)| match stem.as_str() {
            "briefing" => Some(doc_number_warning(folder)),
            "assessment" => Some(assessment_number_warning(folder)),
            _ => None,
        })
        .collect()
}

/// The warning for an assessment that goes out without a 发文字号.
pub fn assessment_number_warning(folder: &str) -> String {
    format!(
        "警告：考核通报没有发文字号，请在 {folder}/briefing.toml 中写 assessment_doc_number（如 assessment_doc_number = \"温打非采办〔2026〕4号\"） / warning: the assessment goes out without a document number (发文字号): set assessment_doc_number in {folder}/briefing.toml"
    )
}

/// The warning for a briefing that goes out without a 发文字号 (GB/T 9704
/// §7.2.5): `folder` is the quarter folder whose briefing.toml names it.
pub fn doc_number_warning(folder: &str) -> String {
    format!(
        "警告：联席会议通报没有发文字号，请在 {folder}/briefing.toml 中写 doc_number（如 doc_number = \"温打非采办〔2026〕3号\"） / warning: the briefing goes out without a document number (发文字号): set doc_number in {folder}/briefing.toml"
    )
}
