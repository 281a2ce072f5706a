//! `minebrief build`: the whole pipeline for one quarter.
//!
//! read (ingest) → analyse → summary.json, tables/*.csv, rejects.csv,
//! manifest.json, written into a temporary sibling folder and swapped in.

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::analysis;
use crate::assess::{self, RecurrenceHit};
use crate::cli::BuildArgs;
use crate::config::names::Resolver;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::ingest;
use crate::model::Dataset;
use crate::output;
use crate::quarter::Quarter;
use crate::render::html::{self, HtmlRenderer};
use crate::render::pdf;
use crate::render::raster::ChartFont;
use crate::render::{docx, xlsx};
use crate::report::briefing::{BriefingDoc, BriefingText};
use crate::report::{doc, AssessmentDoc, DocSet, IndexDoc, Link, Masthead};
use crate::summary;
use crate::tables;

/// Output formats of the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Pdf,
    Docx,
    Xlsx,
    Parquet,
}

/// Stage timings on stderr when `MINEBRIEF_TIMINGS` is set (for benchmarks).
struct Timer {
    last: Option<std::time::Instant>,
}

impl Timer {
    fn from_env() -> Timer {
        Timer {
            last: std::env::var_os("MINEBRIEF_TIMINGS").map(|_| std::time::Instant::now()),
        }
    }
    fn stage(&mut self, name: &str) {
        if let Some(t) = self.last {
            // Peak resident memory so far (Linux), to see which stage sets it.
            let hwm = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with("VmHWM:"))
                        .map(|l| l[6..].trim().to_string())
                })
                .unwrap_or_default();
            eprintln!(
                "timing {name}: {:.3} s (peak RSS so far {hwm})",
                t.elapsed().as_secs_f64()
            );
            self.last = Some(std::time::Instant::now());
        }
    }
}

/// Parse `--format html,pdf,docx,xlsx` (any combination).
pub fn parse_formats(s: &str) -> Result<Vec<Format>> {
    let mut out = Vec::new();
    for part in s.split([',', '，']) {
        let p = part.trim().to_ascii_lowercase();
        let f = match p.as_str() {
            "" | "none" => continue,
            "html" => Format::Html,
            "pdf" => Format::Pdf,
            "docx" | "word" => Format::Docx,
            "xlsx" | "excel" => Format::Xlsx,
            "parquet" => Format::Parquet,
            _ => {
                return Err(Error::usage(
                    format!(
                        "未知的输出格式“{}”，可用 html、pdf、docx、xlsx、parquet",
                        part.trim()
                    ),
                    format!(
                        "unknown format “{}”: use html, pdf, docx, xlsx, parquet",
                        part.trim()
                    ),
                ))
            }
        };
        if !out.contains(&f) {
            out.push(f);
        }
    }
    // `--format ''` is a slip, not a request for no documents (say `none`).
    let none = s
        .split([',', '，'])
        .any(|p| p.trim().eq_ignore_ascii_case("none"));
    if out.is_empty() && !none {
        return Err(Error::usage(
            "--format 为空：请写 html、pdf、docx、xlsx 中的一个或多个（不要文档请写 none）",
            "--format is empty: give one or more of html, pdf, docx, xlsx (or none for data files only)",
        ));
    }
    Ok(out)
}

/// The issue date: `--issue-date`, else the one in the quarter folder's
/// `briefing.toml`, else the config's, else the 15th of the month after the
/// quarter.
pub fn issue_date(
    arg: Option<&str>,
    folder: Option<&str>,
    cfg: &Config,
    q: Quarter,
) -> Result<NaiveDate> {
    let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let (value, whence_zh, whence_en) = match (arg, folder, cfg.organisation.issue_date.as_deref())
    {
        (Some(s), _, _) => (s, "成文日期", "issue date"),
        (None, Some(s), _) => (
            s,
            "briefing.toml 中的成文日期",
            "issue_date in briefing.toml",
        ),
        (None, None, Some(s)) => (s, "配置中的成文日期", "issue_date in the configuration"),
        (None, None, None) => return Ok(q.default_issue_date()),
    };
    let shown = crate::text::escape_controls(value);
    let d = parse(value).ok_or_else(|| {
        Error::usage(
            format!("{whence_zh}“{shown}”格式应为 YYYY-MM-DD"),
            format!("{whence_en} “{shown}”: expected YYYY-MM-DD"),
        )
    })?;
    // A briefing is issued after its quarter ends; 2100 bounds typing errors
    // (and keeps the date valid in docx core.xml and PDF metadata).
    let last = NaiveDate::from_ymd_opt(2099, 12, 31).unwrap_or(NaiveDate::MAX);
    if d <= q.end() || d > last {
        return Err(Error::usage(
            format!(
                "{whence_zh} {d} 不在允许范围内：应晚于 {q} 季度末（{}）且早于 2100 年",
                q.end()
            ),
            format!(
                "{whence_en} {d} is out of range: it must be after the end of {q} ({}) and before 2100",
                q.end()
            ),
        ));
    }
    Ok(d)
}

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// manifest.json: every input (path, sha256, encoding, bytes, counts), the
/// effective configuration's hash, the tool version and every output file.
pub fn manifest(
    ds: &Dataset,
    cfg: &Config,
    quarter: Quarter,
    scope: &str,
    outputs: &[(String, Vec<u8>)],
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
        .map(|(p, b)| json!({"path": p, "sha256": sha256_hex(b), "bytes": b.len()}))
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

fn progress(steps: u64) -> ProgressBar {
    if std::io::stderr().is_terminal() {
        let pb = ProgressBar::with_draw_target(Some(steps), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
            pb.set_style(style);
        }
        pb
    } else {
        ProgressBar::hidden()
    }
}

/// The output folder of a run: `OUT/<quarter>` or `OUT/<quarter>-<region>`
/// with the region name sanitised.
pub fn output_dir(out: &Path, quarter: Quarter, scope: Option<&str>) -> PathBuf {
    match scope {
        Some(r) => out.join(crate::text::sanitize_name(&format!("{quarter}-{r}"))),
        None => out.join(quarter.to_string()),
    }
}

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
fn documents(
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
    let briefing = BriefingDoc::new(cfg, title("联席会议通报"), a, ds, Some(assessment), text);
    let assessment_doc = AssessmentDoc::new(cfg, title("考核通报"), assessment);
    let mut regions = Vec::new();
    let mut region_figures = Vec::new();
    if a.scope_id.is_none() {
        use rayon::prelude::*;
        (regions, region_figures) = cfg
            .regions
            .par_iter()
            .enumerate()
            .map(|(i, r)| {
                let ra = analysis::analyse_with(ds, cfg, q, Some(i as u16), cells)?;
                let m = Masthead::new(cfg, q, issued, "县市区报告", Some(&r.name));
                let doc = BriefingDoc::new(cfg, m, &ra, ds, Some(assessment), text);
                let typical: Vec<(String, String)> = doc
                    .typical_cases
                    .iter()
                    .map(|c| (c.title.clone(), c.text.clone()))
                    .collect();
                let figures = summary::region_figures(&ra, &typical);
                Ok((
                    (crate::text::sanitize_name(&r.name), doc),
                    (r.name.clone(), figures),
                ))
            })
            .collect::<Result<Vec<_>>>()?
            .into_iter()
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

/// Warnings for documents that go out without a 发文字号 (the briefing,
/// whose number is `doc_number` in the quarter folder's briefing.toml).
pub fn number_warnings(models: &[(String, doc::Document)], folder: &str) -> Vec<String> {
    models
        .iter()
        .filter(|(stem, m)| stem == "briefing" && m.number.is_none())
        .map(|_| super::validate::doc_number_warning(folder))
        .collect()
}

/// Refuse an output folder that is the data folder, lies inside one of its
/// quarter folders, or contains it (contract §6): replacing `OUT/<quarter>`
/// there would destroy the departments' exports.
pub fn check_out_against_data(out: &Path, data: &Path) -> Result<()> {
    let d = output::resolve(data)?;
    let o = output::resolve(out)?;
    let refuse = |why_zh: &str, why_en: &str| {
        Err(Error::usage(
            format!(
                "输出目录 {} {why_zh}，写入会覆盖原始数据，已拒绝（未改动任何文件）：请另选输出目录",
                out.display()
            ),
            format!(
                "output folder {} {why_en}; writing there would overwrite the input data; refused, nothing touched: choose another --out",
                out.display()
            ),
        ))
    };
    if o == d {
        return refuse("就是数据目录", "is the data folder");
    }
    if d.starts_with(&o) {
        return refuse("包含数据目录", "contains the data folder");
    }
    if output::in_quarter_folder(&o, &d) {
        return refuse(
            "位于数据目录的季度文件夹中",
            "lies inside a quarter folder of the data folder",
        );
    }
    Ok(())
}

/// The quarter folder's `briefing.toml`, when there is one, must be a
/// regular file in UTF-8 (a GBK one gets the same message as a GBK
/// minebrief.toml).
fn check_briefing_toml(folder: &Path, data: &Path) -> Result<()> {
    let p = folder.join("briefing.toml");
    if std::fs::symlink_metadata(&p).is_err() {
        return Ok(());
    }
    let bytes = ingest::read_input(&p, Some(data), crate::config::MAX_CONFIG_BYTES)
        .map_err(|r| r.into_error(&p))?;
    crate::config::utf8_text(&p, bytes).map(|_| ())
}

/// `--out` must be a folder (or not exist yet).
fn check_out_is_folder(out: &Path) -> Result<()> {
    match std::fs::metadata(out) {
        Ok(md) if !md.is_dir() => Err(Error::usage(
            format!(
                "输出目录 {} 不是文件夹（已有同名文件）：请另选输出目录",
                out.display()
            ),
            format!(
                "--out {} is not a folder (a file of that name exists): choose another --out",
                out.display()
            ),
        )),
        _ => Ok(()),
    }
}

pub fn run(args: BuildArgs) -> Result<i32> {
    let quarter = super::parse_quarter(&args.quarter)?;
    let formats = parse_formats(&args.format)?;
    check_out_is_folder(&args.out)?;
    check_out_against_data(&args.out, &args.data)?;
    let cfg = super::load_config(args.config.as_deref(), &args.data)?;
    let folders = ingest::quarter_folders(&args.data, Some(quarter))?;
    let folder = folders
        .iter()
        .rev()
        .find(|(q, _)| *q == quarter)
        .map(|(_, name)| args.data.join(name));
    let folder_name = folders
        .iter()
        .rev()
        .find(|(q, _)| *q == quarter)
        .map(|(_, name)| crate::text::escape_controls(name))
        .unwrap_or_else(|| quarter.to_string());
    ingest::require_case_files(&args.data, &folders, Some(quarter))?;
    let text = match &folder {
        Some(f) => {
            check_briefing_toml(f, &args.data)?;
            BriefingText::load(f)?
        }
        None => BriefingText::default(),
    };
    let issued = issue_date(
        args.issue_date.as_deref(),
        text.issue_date.as_deref(),
        &cfg,
        quarter,
    )?;
    let resolver = Resolver::new(&cfg);
    let scope = match args.scope.as_deref() {
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

    let dest = output_dir(&args.out, quarter, scope.map(|r| resolver.regions.name(r)));
    output::check_replaceable(&dest)?;

    let pb = progress(5);
    let mut timer = Timer::from_env();
    pb.set_message("读取数据 / reading");
    let ds = ingest::load(&args.data, &cfg, Some(quarter))?;
    output::release_freed_memory();
    timer.stage("ingest");
    pb.inc(1);
    pb.set_message("分析 / analysing");
    let cells = analysis::case_cells(&ds, &cfg, quarter)?;
    let a = analysis::analyse_with(&ds, &cfg, quarter, scope, &cells)?;
    let hits: Vec<RecurrenceHit> = a
        .recurrence
        .recurrences
        .iter()
        .map(|p| RecurrenceHit {
            region: p.region,
            closed_unit: p.closed_unit,
            recurred_unit: p.recurred_unit,
            recurred_case: p.recurred_case.clone(),
            found_date: p.found_date,
        })
        .collect();
    let assessment = assess::assess(&ds, &cfg, quarter, scope, &hits);
    // Printed once the reports are written (a fatal error stays one line).
    let warnings = assessment.warnings();
    output::release_freed_memory();
    timer.stage("analysis + assessment");
    pb.inc(1);
    pb.set_message("生成文件 / documents");

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let data_tables: Vec<tables::DataTable> = tables::data_tables(&a, &cfg)
        .into_iter()
        .chain(tables::score_data(&assessment))
        .collect();
    let table_files: Vec<(String, Vec<u8>)> = data_tables
        .iter()
        .map(tables::DataTable::csv_file)
        .collect();
    let table_names: Vec<String> = table_files.iter().map(|(n, _)| n.clone()).collect();
    if formats.contains(&Format::Xlsx) {
        let mut all = data_tables;
        all.push(tables::rejects_table(&ds.rejects));
        let title = format!("{}{}打击非法采矿工作数据表", quarter.chinese(), a.scope);
        files.push(("tables.xlsx".into(), xlsx::workbook(&all, &title, issued)?));
        // 数据质量反馈单 for every unit with rejected rows or no export.
        files.extend(crate::feedback::files(&ds, &cfg, quarter, issued)?);
    } else {
        drop(data_tables);
    }
    if formats.contains(&Format::Parquet) {
        files.extend(crate::parquet::files(&ds, &cfg)?);
    }
    output::release_freed_memory();
    timer.stage("tables");
    // summary.json after the tables are no longer needed (the two largest
    // outputs are never being built at the same time), on one core while
    // the document contexts are built on the other: both only read the
    // analysis, so the bytes are the same as one after the other.
    let want_docs = formats
        .iter()
        .any(|f| matches!(f, Format::Html | Format::Pdf | Format::Docx));
    // A city run's summary holds the figures of its region reports, so
    // their contexts are built even when no document is rendered.
    let build_docs = want_docs || a.scope_id.is_none();
    let (summary_json, docs) = rayon::join(
        || summary::summary_bytes(&a, &ds, &cfg, issued, &assessment),
        || {
            build_docs
                .then(|| {
                    documents(
                        &ds,
                        &cfg,
                        &a,
                        &cells,
                        &assessment,
                        issued,
                        &text,
                        &formats,
                        &table_names,
                    )
                })
                .transpose()
        },
    );
    let (docs, region_figures) = match docs? {
        Some((docs, figures)) => (want_docs.then_some(docs), figures),
        None => (None, Vec::new()),
    };
    let summary_json = summary::splice_regions(summary_json, &region_figures);
    files.insert(0, ("summary.json".into(), summary_json));
    let mut doc_warnings: Vec<String> = Vec::new();
    timer.stage("summary.json ‖ report contexts");
    if let Some(docs) = docs {
        // Each document once, as a model from its template; every format
        // draws the models.
        let templates = crate::report::markup::Templates::new(cfg.output.templates_dir.as_deref())?;
        let html_renderer = formats
            .contains(&Format::Html)
            .then(|| HtmlRenderer::new(cfg.output.templates_dir.as_deref()))
            .transpose()?;
        let mut models = docs.compose(&templates)?;
        complete_gongwen(&mut models, &cfg, issued);
        doc_warnings.extend(number_warnings(&models, &folder_name));
        let missing = crate::analysis::reporting::missing_exports(&ds, &cfg, quarter);
        doc_warnings.extend(crate::report::reporting_warning(
            &cfg,
            &missing,
            &folder_name,
        ));
        timer.stage("document models");
        if let Some(renderer) = &html_renderer {
            files.extend(html::render_docs(
                renderer,
                &docs.index,
                &models,
                &doc_warnings,
            )?);
            timer.stage("html");
        }
        if formats.contains(&Format::Docx) {
            let font = ChartFont::find(&cfg);
            if font.is_none() {
                eprintln!("提示：未找到中文图表字体，Word 文档中的图表以说明文字代替 / note: no CJK chart font found; charts in the Word documents are replaced by a note");
            }
            files.extend(docx::render_docs(&models, issued, font.as_ref())?);
            timer.stage("docx");
        }
        if formats.contains(&Format::Pdf) {
            let renderer = pdf::PdfRenderer::new(&cfg.fonts)?;
            let (pdfs, _missing) = pdf::render_docs(&renderer, &models)?;
            files.extend(pdfs);
            timer.stage("pdf");
        }
    }
    pb.inc(1);
    pb.set_message("写出 / writing");
    for (name, bytes) in table_files {
        files.push((format!("tables/{name}"), bytes));
    }
    files.push(("rejects.csv".into(), output::rejects_csv(&ds.rejects)));
    let m = manifest(&ds, &cfg, quarter, &a.scope, &files);
    files.push(("manifest.json".into(), summary::to_bytes(&m)));
    pb.inc(1);

    output::replace_dir(&dest, |dir| output::write_files(dir, &files))?;
    timer.stage("write");
    pb.inc(1);
    pb.finish_and_clear();
    // Indicators without data (issue 17 item 11): one line each.
    for w in warnings.iter().chain(&doc_warnings) {
        eprintln!("{}", crate::text::escape_controls(w));
    }
    let _ = writeln!(
        std::io::stdout().lock(),
        "已写入 / written: {}（{} 个文件 / files；被拒行 / rejected rows: {}）",
        crate::text::term(&dest.display().to_string()),
        files.len(),
        ds.rejects.len()
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            vec![crate::cmd::validate::doc_number_warning("2026Q3")]
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
