//! `minebrief validate`: read the data folder, print a per-file report and
//! the most common rejection reasons.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use crate::error::Result;
use crate::ingest;
use crate::model::Dataset;
use crate::text::term;

/// The arguments of `minebrief validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// 数据目录 / data folder
    #[arg(long)]
    pub data: PathBuf,
    /// 只读到该季度 / read quarter folders up to this quarter
    #[arg(long)]
    pub quarter: Option<String>,
    /// 有被拒行时退出码为 1 / exit 1 when any row or file was rejected
    #[arg(long)]
    pub strict: bool,
    /// 配置文件 / configuration file
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// 写出全部被拒行 / write every rejected row to this CSV (UTF-8 with BOM)
    #[arg(long)]
    pub rejects: Option<PathBuf>,
    /// 写出各单位数据质量反馈单 / write one feedback workbook per unit into this folder
    #[arg(long)]
    pub feedback: Option<PathBuf>,
}

pub fn run(args: ValidateArgs) -> Result<i32> {
    let cfg = super::load_config(args.config.as_deref(), &args.data)?;
    let upto = args
        .quarter
        .as_deref()
        .map(super::parse_quarter)
        .transpose()?;
    let folders = ingest::quarter_folders(&args.data, upto)?;
    ingest::require_case_files(&args.data, &folders, None)?;
    // validate prints no SHA-256, so it makes none.
    let ds = ingest::load_unsummed(&args.data, &cfg, upto)?;
    // A closed pipe (`| head`) is not an error worth a panic.
    // With `--rejects -` the CSV alone goes to standard output, the report to
    // standard error.
    let to_stdout = args
        .rejects
        .as_deref()
        .is_some_and(|p| p.as_os_str() == "-");
    let mut out: Box<dyn std::io::Write> = if to_stdout {
        Box::new(std::io::stderr().lock())
    } else {
        Box::new(std::io::stdout().lock())
    };
    let _ = out.write_all(report(&ds).as_bytes());
    // The documents of the report quarter (--quarter, else the latest
    // folder): a briefing without a 发文字号 is worth a warning.
    let report_quarter = upto.or(ds.quarters.last().copied());
    if let Some((_, name)) = folders
        .iter()
        .rev()
        .find(|(q, _)| Some(*q) == report_quarter)
    {
        for w in document_warnings(&args.data.join(name), name) {
            let _ = writeln!(out, "{}", term(&w));
        }
        if let Some(q) = report_quarter {
            let missing = crate::analysis::reporting::missing_exports(&ds, &cfg, q);
            if let Some(w) = crate::report::reporting_warning(&cfg, &missing, name) {
                let _ = writeln!(out, "{}", term(&w));
            }
        }
    }
    if let Some(p) = &args.rejects {
        let data = crate::output::resolve(&args.data)?;
        let config = match crate::config::config_path(args.config.as_deref(), Some(&args.data)) {
            Some(c) => Some(crate::output::resolve(&c)?),
            None => None,
        };
        let csv = |w: &mut dyn std::io::Write| crate::tables::write_rejects_csv(w, &ds.rejects);
        crate::output::write_user_file(p, csv, |t| {
            if crate::output::in_quarter_folder(t, &data) {
                Some((
                    "它位于数据目录的季度文件夹中，会覆盖输入文件或在下次运行时被当作案件文件读入".into(),
                    "it lies in a quarter folder of the data folder: it would overwrite an input file or be read as one next time".into(),
                ))
            } else if config.as_deref() == Some(t) {
                Some(("它是配置文件".into(), "it is the configuration file".into()))
            } else {
                None
            }
        })?;
        if !to_stdout {
            let _ = writeln!(
                out,
                "被拒行已写入 / rejected rows written to {}",
                term(&p.display().to_string())
            );
        }
    }
    if let Some(dir) = &args.feedback {
        // The report quarter: --quarter, else the latest folder read.
        if let Some(q) = upto.or(ds.quarters.last().copied()) {
            let issued = q.default_issue_date();
            let files = crate::feedback::files(&ds, &cfg, q, issued)?;
            let n = files.len();
            crate::output::replace_dir(dir, |tmp| {
                // Marks the folder as ours: the next run may replace it.
                let m = tmp.join(crate::output::FOLDER_MARKER);
                std::fs::write(&m, "minebrief validate --feedback\n")
                    .map_err(|e| crate::error::Error::io(&m, e))?;
                for (rel, bytes) in &files {
                    let name = rel.strip_prefix("feedback/").unwrap_or(rel);
                    let p = tmp.join(name);
                    std::fs::write(&p, bytes).map_err(|e| crate::error::Error::io(&p, e))?;
                }
                Ok(())
            })?;
            let _ = writeln!(
                out,
                "反馈单已写入 / feedback sheets written to {}（{n} 个单位 / units）",
                dir.display()
            );
        }
    }
    let any_rejected = ds
        .files
        .iter()
        .any(|f| f.counts.rejected > 0 || f.error.is_some());
    // As `build` does: freeing a million cases takes tenths of a second and
    // the command ends here, so they are freed on a thread of their own.
    std::thread::spawn(move || drop(ds));
    Ok(if args.strict && any_rejected { 1 } else { 0 })
}

/// Warnings about the documents a build of the quarter in `dir` (named
/// `name`) would write: a briefing.toml that cannot be read, a briefing or
/// an assessment without a 发文字号, a 文号 too wide for its line.
pub fn document_warnings(dir: &std::path::Path, name: &str) -> Vec<String> {
    let name = crate::text::escape_controls(name);
    match crate::report::briefing::BriefingText::load(dir) {
        Ok(t) => {
            let given = |n: &Option<String>| n.as_deref().is_some_and(|n| !n.trim().is_empty());
            let mut w = Vec::new();
            if !given(&t.doc_number) {
                w.push(crate::pipeline::documents::doc_number_warning(&name));
            }
            if !given(&t.assessment_doc_number) {
                w.push(crate::pipeline::documents::assessment_number_warning(&name));
            }
            w.extend(t.long_number_warnings(&name));
            w
        }
        Err(e) => vec![format!(
            "警告：{name}/briefing.toml 无法读取，build 将报错 / warning: {name}/briefing.toml cannot be read; build will stop: {e}"
        )],
    }
}

/// Display width of a string in a terminal, as `unicode-width` measures it
/// in a CJK context: East Asian wide characters and the ambiguous ones
/// (— “ ” …) take two columns, as Chinese Windows consoles draw them.
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width_cjk(s)
}

fn pad(s: &str, w: usize) -> String {
    let n = width(s);
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

/// The validation report as text.
pub fn report(ds: &Dataset) -> String {
    let mut out = String::new();
    let quarters: Vec<String> = ds.quarters.iter().map(|q| q.to_string()).collect();
    let _ = writeln!(
        out,
        "季度文件夹 / quarter folders: {}",
        if quarters.is_empty() {
            "（无 / none）".to_string()
        } else {
            quarters.join(" ")
        }
    );
    let headers = [
        "文件 file",
        "类型 kind",
        "单位 unit",
        "编码 encoding",
        "读入",
        "接受",
        "拒绝",
        "跳过",
        "被替代",
    ];
    let rows: Vec<[String; 9]> = ds
        .files
        .iter()
        .map(|f| {
            [
                term(&f.path).into_owned(),
                f.kind.as_str().to_string(),
                f.unit
                    .as_deref()
                    .map(|u| term(u).into_owned())
                    .unwrap_or_else(|| "—".into()),
                f.encoding.clone().unwrap_or_else(|| "—".into()),
                f.counts.rows_read.to_string(),
                f.counts.accepted.to_string(),
                f.counts.rejected.to_string(),
                f.counts.skipped.to_string(),
                f.counts.superseded.to_string(),
            ]
        })
        .collect();
    let mut w: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(width(c));
        }
    }
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i >= 4 {
                    format!("{}{c}", " ".repeat(w[i] - width(c)))
                } else {
                    pad(c, w[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(out, "{}", line(&headers.map(String::from)));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r));
    }
    for f in &ds.files {
        if let Some(e) = &f.error {
            let _ = writeln!(out, "  ✗ {}: {}", term(&f.path), term(e));
        }
    }
    let t = ds.totals();
    let _ = writeln!(
        out,
        "合计 / total: 读入 rows_read {} = 接受 accepted {} + 拒绝 rejected {} + 跳过 skipped {} + 被替代 superseded {}{}",
        t.rows_read,
        t.accepted,
        t.rejected,
        t.skipped,
        t.superseded,
        if t.balanced() { "" } else { "  ≠ (accounting error)" }
    );
    let unreadable = ds.files.iter().filter(|f| f.error.is_some()).count();
    if unreadable > 0 {
        let _ = writeln!(out, "无法读取的文件 / unreadable files: {unreadable}");
    }
    if !ds.rejects.is_empty() {
        let mut by_code: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
        for r in &ds.rejects {
            let e = by_code
                .entry(r.code.as_str())
                .or_insert((0, r.message.as_str()));
            e.0 += 1;
        }
        let mut v: Vec<_> = by_code.into_iter().collect();
        v.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
        let _ = writeln!(out, "\n最常见的拒绝原因 / most common reasons:");
        for (code, (n, example)) in v.iter().take(10) {
            let _ = writeln!(out, "  {n:>6}  {code}  例 e.g.: {}", term(example));
        }
        let _ = writeln!(out, "\n被拒行（前 20 行）/ rejected rows (first 20):");
        for r in ds.rejects.iter().take(20) {
            let field = if r.field.is_empty() {
                String::new()
            } else {
                format!(" [{}]", term(r.field))
            };
            let _ = writeln!(
                out,
                "  {}:{}{} {} — {}",
                term(&r.file),
                r.line,
                field,
                r.code,
                term(&r.message)
            );
        }
        if ds.rejects.len() > 20 {
            let _ = writeln!(
                out,
                "  … 另有 {} 行 / {} more (use --rejects FILE)",
                ds.rejects.len() - 20,
                ds.rejects.len() - 20
            );
        }
    }
    out
}
