//! The build pipeline for one quarter, as a library function: read
//! (ingest) → analyse → assess → tables, summary.json, the document set →
//! every requested format → one folder, written into a temporary sibling and
//! swapped in. `minebrief build` parses its arguments into a [`Plan`] and
//! calls [`build`]; tests and other front ends can do the same.
//!
//! The stages each live in their own module: the plan's checks (`plan`),
//! the formats (`format`), the document set (`documents`), manifest.json
//! (`manifest`), timings (`timer`).

pub mod documents;
pub mod format;
pub mod manifest;
pub mod memory;
pub mod plan;
pub mod timer;

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::analysis::{self, RecurrenceIndex};
use crate::assess::{self, RecurrenceHit};
use crate::config::names::Resolver;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::ingest;
use crate::output;
use crate::quarter::Quarter;
use crate::render::html::HtmlRenderer;
use crate::render::pdf;
use crate::render::raster::ChartFont;
use crate::render::{docx, xlsx, DocumentSet, Renderer};
use crate::report::briefing::BriefingText;
use crate::summary;
use crate::tables;

pub use documents::{complete_gongwen, documents, number_warnings, url_segment};
pub use format::{parse_formats, Format};
pub use manifest::manifest;
pub use plan::{
    check_briefing_toml, check_out_against_data, check_out_is_folder, issue_date, output_dir,
};
use timer::Timer;

/// What one run builds: the data folder, the quarter, the output folder,
/// an optional region scope, the formats, an optional configuration file
/// and issue date (`YYYY-MM-DD`), as `minebrief build` takes them.
#[derive(Debug, Clone)]
pub struct Plan {
    pub data: PathBuf,
    pub quarter: Quarter,
    pub out: PathBuf,
    pub scope: Option<String>,
    pub formats: Vec<Format>,
    pub config: Option<PathBuf>,
    pub issue_date: Option<String>,
}

/// What a run wrote: the folder, how many files, how many rows were
/// rejected, and the warnings to show (one line each).
#[derive(Debug, Clone)]
pub struct Outputs {
    pub dest: PathBuf,
    pub files: usize,
    pub rejected: usize,
    pub warnings: Vec<String>,
}

/// Where a run reports its progress (five steps); the default does nothing.
pub trait Progress {
    /// The step now under way.
    fn message(&self, _msg: &str) {}
    /// One step done.
    fn advance(&self) {}
    /// The run is over.
    fn finish(&self) {}
}

/// No progress shown.
pub struct Quiet;
impl Progress for Quiet {}

pub fn build(plan: &Plan, progress: &dyn Progress) -> Result<Outputs> {
    let quarter = plan.quarter;
    let formats = plan.formats.clone();
    check_out_is_folder(&plan.out)?;
    check_out_against_data(&plan.out, &plan.data)?;
    let cfg = Config::load(
        crate::config::config_path(plan.config.as_deref(), Some(&plan.data)).as_deref(),
    )?;
    let folders = ingest::quarter_folders(&plan.data, Some(quarter))?;
    let folder = folders
        .iter()
        .rev()
        .find(|(q, _)| *q == quarter)
        .map(|(_, name)| plan.data.join(name));
    let folder_name = folders
        .iter()
        .rev()
        .find(|(q, _)| *q == quarter)
        .map(|(_, name)| crate::text::escape_controls(name))
        .unwrap_or_else(|| quarter.to_string());
    ingest::require_case_files(&plan.data, &folders, Some(quarter))?;
    let text = match &folder {
        Some(f) => {
            check_briefing_toml(f, &plan.data)?;
            // (typed words are free text too: numbers masked)
            BriefingText::load(f)?.masked(cfg.privacy.mask_personal)
        }
        None => BriefingText::default(),
    };
    let issued = issue_date(
        plan.issue_date.as_deref(),
        text.issue_date.as_deref(),
        &cfg,
        quarter,
    )?;
    let resolver = Resolver::new(&cfg);
    let scope = match plan.scope.as_deref() {
        None => None,
        Some(s) => Some(resolver.region(s).ok_or_else(|| {
            let hint = resolver.regions.suggest(s);
            Error::usage(
                format!(
                    "未知的县市区“{s}”{}",
                    hint.map(|h| format!("，是否为“{h}”？")).unwrap_or_default()
                ),
                format!(
                    "unknown region “{s}”{}",
                    hint.map(|h| format!(" (did you mean “{h}”?)"))
                        .unwrap_or_default()
                ),
            )
        })?),
    };

    let dest = output_dir(&plan.out, quarter, scope.map(|r| resolver.regions.name(r)));
    let scope = scope.map(crate::model::RegionId);
    output::check_replaceable(&dest)?;

    let mut timer = Timer::from_env();
    progress.message("读取数据 / reading");
    let ds = ingest::load(&plan.data, &cfg, Some(quarter))?;
    memory::release_freed_memory();
    timer.stage("ingest");
    progress.advance();
    progress.message("分析 / analysing");
    // Every output is handed to a writer thread as soon as it is made
    // (`output::Sink`): written into the temporary folder and flushed while
    // the next is built, not held until the end; the folder is swapped in
    // once all are written.
    // Documents drawn in some format (else only their figures are made).
    let want_docs = formats
        .iter()
        .any(|f| matches!(f, Format::Html | Format::Pdf | Format::Docx));
    let mut doc_warnings: Vec<String> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let mut file_count = 0;
    let mut kept = None;
    output::replace_dir(&dest, |dir| {
        std::thread::scope(|s| {
            let mut sink = output::Sink::start(s, dir);
            // Two chains, one on each core, reading the cases and nothing
            // of each other: the cell table, the analysis made from it and
            // the aggregate tables; the recurrence search, the assessment
            // (which needs nothing else of the analysis) and its score
            // tables. The analysis takes a fifth of the assessment's time,
            // the cell table a little longer than the search (1M: 0.076
            // against 0.060 s): as two stages (cells ‖ search, then
            // analysis ‖ assessment), each waited for its longer side. The
            // analysis's recurrence list is the search's: put in, and the
            // list written, on the left once the search is done (it is, by
            // then), else after both. The tables in file order: the
            // aggregates, the recurrence list (written row by row: it grows
            // with the data), the scores.
            let want_xlsx = formats.contains(&Format::Xlsx);
            let searched: OnceLock<RecurrenceIndex> = OnceLock::new();
            let (left, right) = (timer.branch(), timer.branch());
            let (tabled, scored) = rayon::join(
                || -> Result<_> {
                    let cells = analysis::cell_table(&ds, &cfg, quarter);
                    let left = left.next("case cells");
                    let mut a = analysis::analyse_with(&ds, &cfg, quarter, scope, &cells);
                    let left = left.next("analysis");
                    let summary_tables = tables::summary_tables(&a);
                    let mut table_names: Vec<String> = Vec::new();
                    for t in &summary_tables {
                        put_table(&mut sink, &mut table_names, t.csv_file())?;
                    }
                    let listed = match searched.get() {
                        Some(index) => {
                            a.recurrence = index.scoped(scope);
                            let list =
                                recurrence_list(&mut sink, &mut table_names, &a, &cfg, want_xlsx)?;
                            Some(list)
                        }
                        None => None,
                    };
                    left.done("summary tables");
                    Ok((cells, a, summary_tables, listed, table_names))
                },
                || {
                    let index =
                        searched.get_or_init(|| analysis::recurrence_index(&ds, &cfg, quarter));
                    let right = right.next("recurrence search");
                    let hits: Vec<RecurrenceHit> = index
                        .pairs(scope)
                        .into_iter()
                        .map(|p| RecurrenceHit {
                            region: p.region,
                            closed_unit: p.closed_unit,
                            recurred_unit: p.recurred_unit,
                            recurred_case: p.recurred_case.clone(),
                            found_date: p.found_date,
                        })
                        .collect();
                    let right = right.next("recurrence hits");
                    let assessment = assess::assess(&ds, &cfg, quarter, scope, &hits);
                    let right = right.next("assessment");
                    // (at ten million cases the score tables' case-id lists
                    // are a third of the tables' time)
                    let t = tables::score_data(&assessment);
                    let csv: Vec<(String, Vec<u8>)> =
                        t.iter().map(tables::DataTable::csv_file).collect();
                    right.done("score tables");
                    (assessment, t, csv)
                },
            );
            let (cells, mut a, summary_tables, listed, mut table_names) = tabled?;
            let index = searched.into_inner().unwrap_or_default();
            let recurrences = match listed {
                Some(list) => list,
                None => {
                    a.recurrence = index.scoped(scope);
                    recurrence_list(&mut sink, &mut table_names, &a, &cfg, want_xlsx)?
                }
            };
            let cells = cells.with_recurrence(index);
            let (assessment, score_tables, score_csv) = scored;
            // Printed once the reports are written (a fatal error stays one line).
            warnings = assessment.warnings();
            memory::release_freed_memory();
            timer.stage("analysis + assessment, their tables");
            progress.advance();
            progress.message("生成文件 / documents");
            for f in score_csv {
                put_table(&mut sink, &mut table_names, f)?;
            }
            sink.put("rejects.csv", tables::rejects_csv(&ds.rejects))?;
            if want_xlsx {
                let mut all = summary_tables;
                all.extend(recurrences);
                all.extend(score_tables);
                all.push(tables::rejects_table(&ds.rejects));
                let title = format!("{}{}打击非法采矿工作数据表", quarter.chinese(), a.scope);
                sink.put("tables.xlsx", xlsx::workbook(&all, &title, issued)?)?;
                // 数据质量反馈单 for every unit with rejected rows or no export.
                for (name, bytes) in crate::feedback::files(&ds, &cfg, quarter, issued)? {
                    sink.put(name, bytes)?;
                }
            } else {
                drop((summary_tables, score_tables));
            }
            if formats.contains(&Format::Parquet) {
                for (name, bytes) in crate::parquet::files(&ds, &cfg)? {
                    sink.put(name, bytes)?;
                }
            }
            memory::release_freed_memory();
            timer.stage("tables");
            // summary.json after the tables are no longer needed (the two
            // largest outputs are never being built at the same time), on
            // one core while the document contexts are built on the other:
            // both only read the analysis, so the bytes are the same as one
            // after the other.
            // A city run's summary holds the figures of its region reports,
            // so their contexts are built even when no document is rendered.
            let build_docs = want_docs || a.scope_id.is_none();
            // summary.json goes to the writer as it is made (the recurrence
            // list, most of the file, in pieces); the region reports'
            // figures, which follow the list, are added once known.
            let mut summary_out = sink.open("summary.json")?;
            // The other core builds the report contexts, then composes the
            // documents and draws every requested format while summary.json
            // is still being made; the files are handed to the writer
            // after it, in the same order as before.
            let (left, right) = (timer.branch(), timer.branch());
            let (summary_json, docs) = rayon::join(
                || {
                    let draft = summary::draft(&a, &ds, &cfg, issued, &assessment, &mut |part| {
                        summary_out.send(part)
                    });
                    left.done("summary.json");
                    draft
                },
                || -> Result<Option<RenderedDocs>> {
                    if !build_docs {
                        return Ok(None);
                    }
                    let (docs, figures) = documents(
                        &ds,
                        &cfg,
                        &a,
                        &cells,
                        &assessment,
                        issued,
                        &text,
                        &formats,
                        &table_names,
                    )?;
                    let right = right.next("report contexts");
                    let (files, warnings) = if want_docs {
                        let w = DocInputs {
                            cfg: &cfg,
                            ds: &ds,
                            quarter,
                            issued,
                            folder_name: &folder_name,
                            text: &text,
                        };
                        render_documents(&docs, &w, &formats, right)?
                    } else {
                        (Vec::new(), Vec::new())
                    };
                    Ok(Some(RenderedDocs {
                        files,
                        warnings,
                        figures,
                    }))
                },
            );
            let rendered = docs?.unwrap_or_default();
            summary_out.send(summary_json?.finish(&rendered.figures))?;
            summary_out.close();
            // The cell table and the recurrence index have served every
            // figure; the documents are drawn.
            drop(cells);
            memory::release_freed_memory();
            timer.stage("summary.json ‖ documents");
            doc_warnings.extend(rendered.warnings);
            for (name, bytes) in rendered.files {
                sink.put(name, bytes)?;
            }
            progress.advance();
            progress.message("写出 / writing");
            let written = sink.finish()?;
            let m = manifest(&ds, &cfg, quarter, &a.scope, &written);
            output::write_file(dir, "manifest.json", vec![summary::to_bytes(&m)])?;
            file_count = written.len() + 1;
            progress.advance();
            kept = Some((a, assessment));
            Ok(())
        })
    })?;
    timer.stage("write");
    progress.advance();
    progress.finish();
    // Indicators without data (issue 17 item 11) and documents without a
    // 文号 or with missing exports: the caller prints them, one line each.
    let mut all_warnings = warnings;
    all_warnings.extend(doc_warnings);
    // (with documents drawn, these came with their warnings, as on the
    // index page)
    if !want_docs {
        all_warnings.extend(text.long_number_warnings(&folder_name));
    }
    let outputs = Outputs {
        dest,
        files: file_count,
        rejected: ds.rejects.len(),
        warnings: all_warnings,
    };
    // Freeing a million cases and their figures takes a few tenths of a
    // second, and a command ends right after a build: they are freed on a
    // thread of their own while the caller goes on.
    std::thread::spawn(move || drop((ds, kept)));
    Ok(outputs)
}

/// The recurrence list to the writer, its name to the list of tables: the
/// workbook needs it as a table anyway (returned); without it the CSV is
/// streamed to the writer as it is made.
fn recurrence_list(
    sink: &mut output::Sink,
    names: &mut Vec<String>,
    a: &analysis::Analysis,
    cfg: &Config,
    want_xlsx: bool,
) -> Result<Option<tables::DataTable>> {
    if want_xlsx {
        let t = tables::recurrence_table(a, cfg);
        put_table(sink, names, t.csv_file())?;
        return Ok(Some(t));
    }
    let name = tables::recurrences_csv_name();
    let mut stream = sink.open(format!("tables/{name}"))?;
    tables::recurrences_csv_parts(a, cfg, |part| stream.send(part))?;
    stream.close();
    names.push(name);
    Ok(None)
}

/// Hand one table's CSV file to the writer, its name to the list of tables.
fn put_table(
    sink: &mut output::Sink,
    names: &mut Vec<String>,
    (name, bytes): (String, Vec<u8>),
) -> Result<()> {
    names.push(name.clone());
    sink.put(format!("tables/{name}"), bytes)
}

/// Output files in order: a name in the output folder and its bytes.
type Files = Vec<(String, Vec<u8>)>;

/// What the documents' side of the last stage made: each format's files in
/// order, the warnings about the documents, and the region reports'
/// figures for summary.json.
#[derive(Default)]
struct RenderedDocs {
    files: Files,
    warnings: Vec<String>,
    figures: Vec<(String, serde_json::Value)>,
}

/// What composing the documents reads besides their contexts.
struct DocInputs<'a> {
    cfg: &'a Config,
    ds: &'a crate::model::Dataset,
    quarter: Quarter,
    issued: chrono::NaiveDate,
    folder_name: &'a str,
    text: &'a BriefingText,
}

/// Each document once, as a model from its template, then drawn in every
/// requested format (html, docx, pdf, in this order): the files, and the
/// warnings about missing or over-long 文号 or missing exports. `clock` times each step.
fn render_documents(
    docs: &crate::report::DocSet,
    w: &DocInputs,
    formats: &[Format],
    clock: timer::Branch,
) -> Result<(Files, Vec<String>)> {
    let cfg = w.cfg;
    let templates = crate::report::markup::Templates::new(cfg.output.templates_dir.as_deref())?;
    let mut models = docs.compose(&templates)?;
    complete_gongwen(&mut models, cfg, w.issued);
    let mut warnings = number_warnings(&models, w.folder_name);
    warnings.extend(w.text.long_number_warnings(w.folder_name));
    let missing = crate::analysis::reporting::missing_exports(w.ds, cfg, w.quarter);
    warnings.extend(crate::report::reporting_warning(
        cfg,
        &missing,
        w.folder_name,
    ));
    let mut clock = clock.next("document models");
    // one renderer per requested format, in this order
    let mut renderers: Vec<Box<dyn Renderer>> = Vec::new();
    if formats.contains(&Format::Html) {
        renderers.push(Box::new(HtmlRenderer::new(
            cfg.output.templates_dir.as_deref(),
        )?));
    }
    if formats.contains(&Format::Docx) {
        let font = ChartFont::find(cfg);
        if font.is_none() {
            eprintln!("提示：未找到中文图表字体，Word 文档中的图表以说明文字代替 / note: no CJK chart font found; charts in the Word documents are replaced by a note");
        }
        renderers.push(Box::new(docx::DocxRenderer { font }));
    }
    if formats.contains(&Format::Pdf) {
        renderers.push(Box::new(pdf::PdfRenderer::new(&cfg.fonts)?));
    }
    let set = DocumentSet {
        index: &docs.index,
        models: &models,
        warnings: &warnings,
        issued: w.issued,
    };
    let mut files = Vec::new();
    for r in &renderers {
        files.extend(r.render(&set)?);
        clock = clock.next(r.format());
    }
    Ok((files, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::doc;
    use chrono::NaiveDate;
    use std::path::Path;

    #[test]
    fn formats() {
        assert_eq!(
            parse_formats("html,pdf").unwrap(),
            vec![Format::Html, Format::Pdf]
        );
        assert_eq!(parse_formats(" PDF ，html,pdf").unwrap().len(), 2);
        assert_eq!(
            parse_formats("xlsx,docx").unwrap(),
            vec![Format::Xlsx, Format::Docx]
        );
        assert!(parse_formats("odt").is_err());
        assert!(parse_formats("").is_err());
        assert!(parse_formats(" , ").is_err());
        assert_eq!(parse_formats("none").unwrap(), vec![]);
    }

    #[test]
    fn issue_dates() {
        let cfg = Config::embedded();
        let q = Quarter { year: 2026, q: 3 };
        assert_eq!(
            issue_date(None, None, &cfg, q).unwrap(),
            NaiveDate::from_ymd_opt(2026, 10, 15).unwrap()
        );
        assert_eq!(
            issue_date(Some("2026-10-20"), Some("2026-10-18"), &cfg, q).unwrap(),
            NaiveDate::from_ymd_opt(2026, 10, 20).unwrap()
        );
        assert_eq!(
            issue_date(None, Some("2026-10-18"), &cfg, q).unwrap(),
            NaiveDate::from_ymd_opt(2026, 10, 18).unwrap()
        );
        assert!(issue_date(Some("20 Oct"), None, &cfg, q).is_err());
        // After the quarter's end, before 2100.
        assert!(issue_date(Some("-0001-01-01"), None, &cfg, q).is_err());
        assert!(issue_date(Some("2026-09-30"), None, &cfg, q).is_err());
        assert!(issue_date(Some("2026-10-01"), None, &cfg, q).is_ok());
        assert!(issue_date(Some("2100-01-01"), None, &cfg, q).is_err());
        assert!(issue_date(None, Some("2026-07-15"), &cfg, q).is_err());
    }

    #[test]
    fn gongwen_elements_come_from_the_configuration() {
        let mut cfg = Config::embedded();
        cfg.organisation.addressee = "各成员单位:".into();
        cfg.organisation.printer = String::new();
        cfg.organisation.sealed = true;
        let issued = NaiveDate::from_ymd_opt(2026, 10, 15).unwrap();
        let given = doc::Record {
            cc: vec![],
            printer: "模板".into(),
            printed: issued,
        };
        let mut models = vec![
            (
                "briefing".to_string(),
                doc::Document {
                    office: "办公室".into(),
                    ..Default::default()
                },
            ),
            (
                "assessment".to_string(),
                doc::Document {
                    office: "办公室".into(),
                    number: Some("温〔2026〕1号".into()),
                    addressee: Some("模板主送：".into()),
                    record: Some(given.clone()),
                    ..Default::default()
                },
            ),
        ];
        complete_gongwen(&mut models, &cfg, issued);
        let b = &models[0].1;
        assert_eq!(b.addressee.as_deref(), Some("各成员单位："));
        let r = b.record.as_ref().unwrap();
        assert_eq!(r.cc, vec!["市委办公室", "市政府办公室"]);
        assert_eq!(r.printer, "办公室");
        assert_eq!(r.printed, issued);
        assert!(b.sealed);
        // What a template gives stays.
        let a = &models[1].1;
        assert_eq!(a.addressee.as_deref(), Some("模板主送："));
        assert_eq!(a.record.as_ref(), Some(&given));
        // Only the briefing is warned about, and only without a number.
        assert_eq!(
            number_warnings(&models, "2026Q3"),
            vec![documents::doc_number_warning("2026Q3")]
        );
    }

    #[test]
    fn url_segments() {
        assert_eq!(url_segment("鹿城区"), "鹿城区");
        assert_eq!(url_segment("a#b%c d?"), "a%23b%25c%20d%3F");
    }

    #[test]
    fn output_folder_names() {
        let q = Quarter { year: 2026, q: 3 };
        assert_eq!(
            output_dir(Path::new("out"), q, Some("瑞安市")),
            Path::new("out").join("2026Q3-瑞安市")
        );
        assert_eq!(
            output_dir(Path::new("out"), q, None),
            Path::new("out/2026Q3")
        );
        assert_eq!(
            output_dir(Path::new("out"), q, Some("../x")),
            Path::new("out").join("2026Q3-.._x")
        );
    }
}
