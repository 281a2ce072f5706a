//! Report contexts: one serialisable context per document, built once from
//! the analysis and the assessment, so that every renderer (HTML, PDF) draws
//! the same content. Figures are formatted here, as Chinese official
//! documents write them; templates only lay them out.

pub mod briefing;
pub mod chart;
pub mod doc;
pub mod format;
pub mod markup;

mod assessment;
pub use assessment::*;

use serde::Serialize;

use crate::config::Config;
use crate::model::{Dataset, InputFile};
use crate::quarter::{chinese_date, Quarter};

/// Most rows a document's recurrence table prints; the data tables always
/// hold every entry.
pub const LIST_LIMIT: usize = 30;

/// Most case numbers a document prints behind one deduction (a table cell).
pub const ID_LIMIT: usize = 10;

/// Case numbers for a document: all of them up to `ID_LIMIT`, else the
/// first ones and how many in all (tables/scores_*.csv hold every one).
pub fn id_list<S: std::borrow::Borrow<str>>(ids: &[S]) -> String {
    if ids.len() <= ID_LIMIT {
        return ids.join("、");
    }
    format!(
        "{}等{}起（全部见数据表）",
        ids[..ID_LIMIT].join("、"),
        ids.len()
    )
}

/// The head of every document: issuing office (红头), title, date.
#[derive(Debug, Clone, Serialize)]
pub struct Masthead {
    pub office: String,
    pub title: String,
    /// 2026年10月15日
    pub issue_date: String,
    /// The issue date (2026-10-15), for the documents' 成文日期.
    pub issued: chrono::NaiveDate,
    /// 2026年第三季度
    pub quarter: String,
    pub city: String,
    /// The city, or the region of a scoped run.
    pub scope: String,
}

impl Masthead {
    pub fn new(
        cfg: &Config,
        quarter: Quarter,
        issue: chrono::NaiveDate,
        title: &str,
        scope: Option<&str>,
    ) -> Masthead {
        Masthead {
            office: cfg.organisation.office.clone(),
            title: title.to_string(),
            issue_date: chinese_date(issue),
            issued: issue,
            quarter: quarter.chinese(),
            city: cfg.organisation.city.clone(),
            scope: scope.unwrap_or(&cfg.organisation.city).to_string(),
        }
    }
}

/// A row of the input table on the index page.
#[derive(Debug, Clone, Serialize)]
pub struct FileRow {
    pub path: String,
    pub kind: &'static str,
    pub unit: String,
    pub encoding: String,
    pub rows_read: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
    pub superseded: u64,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub href: String,
    pub title: String,
    pub note: String,
}

/// index.html: links to every document and the validation summary.
#[derive(Debug, Clone, Serialize)]
pub struct IndexDoc {
    pub masthead: Masthead,
    pub documents: Vec<Link>,
    pub regions: Vec<Link>,
    pub data: Vec<Link>,
    pub files: Vec<FileRow>,
    pub totals: crate::model::Counts,
    pub rejects: usize,
    pub top_reasons: Vec<(String, usize)>,
}

impl IndexDoc {
    pub fn new(
        masthead: Masthead,
        ds: &Dataset,
        documents: Vec<Link>,
        regions: Vec<Link>,
        data: Vec<Link>,
    ) -> IndexDoc {
        let row = |f: &InputFile| FileRow {
            path: f.path.clone(),
            kind: f.kind.chinese(),
            unit: f.unit.clone().unwrap_or_else(|| "—".into()),
            encoding: f.encoding.clone().unwrap_or_else(|| "—".into()),
            rows_read: f.counts.rows_read,
            accepted: f.counts.accepted,
            rejected: f.counts.rejected,
            skipped: f.counts.skipped,
            superseded: f.counts.superseded,
            error: f.error.clone(),
        };
        let mut reasons: std::collections::BTreeMap<crate::model::RejectCode, usize> =
            Default::default();
        for r in &ds.rejects {
            *reasons.entry(r.code).or_default() += 1;
        }
        let mut top: Vec<(String, usize)> = reasons
            .into_iter()
            .map(|(k, v)| (format!("{}（{k}）", k.label()), v))
            .collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        IndexDoc {
            masthead,
            documents,
            regions,
            data,
            files: ds.files.iter().map(row).collect(),
            totals: ds.totals(),
            rejects: ds.rejects.len(),
            top_reasons: top,
        }
    }
}

impl DocSet {
    /// Every document of the run as a model, from its template:
    /// (output stem, document) — `briefing`, `assessment`,
    /// `regions/<region>`. Every renderer draws these and only these.
    pub fn compose(
        &self,
        t: &markup::Templates,
    ) -> crate::error::Result<Vec<(String, doc::Document)>> {
        use rayon::prelude::*;
        /// A document's context, made into a JSON value on the core that
        /// renders it.
        enum Ctx<'a> {
            Briefing(&'a briefing::BriefingDoc),
            Assessment(&'a AssessmentDoc),
        }
        let mut jobs: Vec<(String, &str, Ctx)> = vec![
            (
                "briefing".into(),
                "briefing.md",
                Ctx::Briefing(&self.briefing),
            ),
            (
                "assessment".into(),
                "assessment.md",
                Ctx::Assessment(&self.assessment),
            ),
        ];
        for (stem, d) in &self.regions {
            jobs.push((format!("regions/{stem}"), "region.md", Ctx::Briefing(d)));
        }
        // On every core; an error is the first document's in list order
        // (a collect into `Result` would return whichever failed first).
        let docs: Vec<crate::error::Result<(String, doc::Document)>> = jobs
            .into_par_iter()
            .map(|(stem, tpl, c)| {
                let value = match c {
                    Ctx::Briefing(d) => serde_json::to_value(d),
                    Ctx::Assessment(d) => serde_json::to_value(d),
                }
                .map_err(|e| {
                    crate::error::Error::Other(format!("模板上下文 / template context: {e}"))
                })?;
                Ok((stem, t.document_of_value(tpl, value)?))
            })
            .collect();
        docs.into_iter().collect()
    }
}

/// Every document of a run, built once; each renderer draws all of them.
#[derive(Debug, Clone, Serialize)]
pub struct DocSet {
    pub index: IndexDoc,
    pub briefing: briefing::BriefingDoc,
    pub assessment: AssessmentDoc,
    /// (file stem, local report), city scope only.
    pub regions: Vec<(String, briefing::BriefingDoc)>,
}

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn long_id_lists_are_cut_with_the_count() {
        let ids: Vec<String> = (1..=31).map(|i| format!("A{i}")).collect();
        let s = id_list(&ids);
        assert!(s.starts_with("A1、A2、"), "{s}");
        assert!(s.ends_with("A10等31起（全部见数据表）"), "{s}");
        assert_eq!(id_list(&ids[..10]), ids[..10].join("、"));
        assert_eq!(id_list::<String>(&[]), "");
    }
}
