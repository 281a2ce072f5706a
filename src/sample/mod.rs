//! Deterministic generator of realistic sample data (`minebrief sample`).
//!
//! The data is a data folder as contract §1 describes it: one folder per
//! quarter, one case export per member unit per quarter, plus the referral
//! ledger, patrol records, joint-meeting attendance and score adjustments.
//!
//! How it is made:
//!
//! * Cases are generated quarter by quarter, in order of their found date,
//!   and each one is written at once to every quarter folder that exports it
//!   (its found quarter and every later quarter it is still open at the
//!   start of), with its state at that quarter's end. Only the file writers
//!   are held open; no row text is kept, so `--rows 10000000` streams. The
//!   exception: the last quarter's 自然资源 export is a two-sheet `.xlsx`
//!   and 水利's an Excel 97 `.xls` ([`book`]), kept in memory until written
//!   — only up to [`MAX_BOOK_ROWS`] rows; larger folders are all text.
//! * Everything comes from two `ChaCha8Rng`s seeded from `--seed`: one for
//!   the content, one for per-cell formatting choices of messy files. The
//!   same seed and options give byte-identical files. No hash-map order and
//!   no floating-point library function reaches the output: amounts and
//!   coordinates are integers formatted by hand.
//! * Units and regions have a quality tier (timely filing, closing within 90
//!   days, proactive discovery, replies to referral letters, meeting
//!   attendance), so the assessment has leaders and laggards.
//! * Closed sites (是否取缔关闭=是) are never revisited by ordinary cases;
//!   recurrences (反弹) and media exposures (媒体曝光) are planted on a
//!   schedule, so their counts do not depend on chance.
//! * Without `--clean`, each quarter's case files rotate through eleven
//!   export "recipes" (encodings, delimiters, title and total rows, header
//!   aliases, date, amount and yes/no forms, old unit names, short region
//!   names, a unit named only by the file name), and a fixed set of bad rows
//!   is planted: see [`PLANTED_REJECTS`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod book;
mod cases;
mod export;
mod extras;
mod plant;
mod recipe;
mod reference;
mod values;
mod write;

use book::BookKind;
use cases::*;
use extras::*;
use plant::*;
use recipe::*;
use reference::*;
use values::*;
use write::*;

use crate::error::{Error, Result};
use crate::ingest;
use crate::ingest::headers::CASE_FIELDS;
use crate::quarter::Quarter;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub quarters: u32,
    /// Approximate total case rows over all quarter folders.
    pub rows: u64,
    pub seed: u64,
    pub last: Quarter,
    pub clean: bool,
}

/// One file written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// Relative to the output folder, with `/`.
    pub rel: String,
    /// Data rows (not counting title, header, blank and total rows).
    pub rows: u64,
    pub bytes: u64,
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub quarters: Vec<Quarter>,
    pub files: Vec<FileInfo>,
    /// Case rows over all case files (accepted, superseded and planted bad rows).
    pub case_rows: u64,
    /// Distinct cases generated (not counting planted bad rows).
    pub cases: u64,
    /// Planted rejections by reason code (empty with `--clean`).
    pub planted: BTreeMap<&'static str, u64>,
    /// Quarter folders already in the output folder that this run did not
    /// write (they will be read with the new data).
    pub other_quarter_folders: Vec<String>,
}

impl Report {
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

/// At most this many quarter folders (ten years).
pub const MAX_QUARTERS: u32 = 40;
/// Most case rows (`--rows`): 100 million rows are ~36 GB of CSV, beyond
/// any test; a larger number is a typing error, not a request to fill the
/// disk (or to size the generator's tables by it).
pub const MAX_ROWS: u64 = 100_000_000;
/// Up to this many `--rows`, the last quarter's 自然资源 and 水利 exports are
/// workbooks (`.xlsx`, `.xls`); above it every export is a streamed text file.
pub const MAX_BOOK_ROWS: u64 = 200_000;
/// Marker file of a folder written by `sample`: its files may be
/// regenerated. Without it, files of the same names are someone's own and
/// are not overwritten.
pub const SAMPLE_MARKER: &str = ".minebrief-sample";

/// Generate a data folder.
pub fn generate(opts: &Options) -> Result<Report> {
    // every case file of every quarter is open at once (12 files a quarter)
    if opts.quarters == 0 || opts.quarters > MAX_QUARTERS {
        return Err(Error::usage(
            format!(
                "--quarters 应在 1 到 {MAX_QUARTERS} 之间（现为 {}）",
                opts.quarters
            ),
            format!(
                "--quarters must be 1..={MAX_QUARTERS} (got {})",
                opts.quarters
            ),
        ));
    }
    if opts.rows == 0 || opts.rows > MAX_ROWS {
        return Err(Error::usage(
            format!("--rows 应在 1 到 {MAX_ROWS} 之间（现为 {}）", opts.rows),
            format!("--rows must be 1..={MAX_ROWS} (got {})", opts.rows),
        ));
    }
    let mut quarters = vec![opts.last];
    for _ in 1..opts.quarters {
        let p = quarters[quarters.len() - 1].prev();
        if p.year < 2001 {
            return Err(Error::usage(
                "季度过多：最早的季度早于 2001 年",
                "too many quarters: the first would be before 2001",
            ));
        }
        quarters.push(p);
    }
    quarters.reverse();
    let nq = quarters.len();
    std::fs::create_dir_all(&opts.out).map_err(|e| Error::io(&opts.out, e))?;

    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let frng = ChaCha8Rng::seed_from_u64(opts.seed ^ 0x5EED_F0F0_0D15_EA5E);
    let target_q = (opts.rows / nq as u64).max(1);
    // about 1.4 export rows per case; a township-kind pool of about half the cases it receives
    let est_cases = opts.rows * 10 / 14;
    let towns: usize = REGIONS.iter().map(|r| r.townships.len()).sum();
    let pool = (est_cases as usize / (towns * KINDS * 2)).max(6);
    let sites = Sites::new(&mut rng, pool);
    let bounds: Vec<(Day, Day)> = quarters
        .iter()
        .map(|q| (day_of(q.start()), day_of(q.end())))
        .collect();
    let excel_epoch = day_of(NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or(NaiveDate::MIN));

    // Two exports of the last quarter are workbooks, held in memory until
    // written; a folder for a benchmark (more rows) stays streamed text.
    let books = opts.rows <= MAX_BOOK_ROWS;
    // plan every file name, refuse stale files, then open the files
    let plans: Vec<Vec<(Recipe, String)>> = (0..nq)
        .map(|qi| {
            (0..UNITS.len())
                .map(|ui| case_file_plan(opts.clean, books, &quarters[qi], qi, ui, nq))
                .collect()
        })
        .collect();
    let planned: Vec<BTreeSet<String>> = plans
        .iter()
        .map(|row| {
            row.iter()
                .map(|(_, n)| n.clone())
                .chain(EXTRA_FILES.iter().map(|s| s.to_string()))
                .collect()
        })
        .collect();
    check_stale(&opts.out, &quarters, &planned)?;
    check_overwrite(&opts.out, &quarters, &planned)?;
    let marker = opts.out.join(SAMPLE_MARKER);
    std::fs::write(
        &marker,
        "minebrief sample 生成的文件夹，其中的数据文件可被重新生成 / written by minebrief sample; its data files may be regenerated\n",
    )
    .map_err(|e| Error::io(&marker, e))?;
    let mut files = Vec::with_capacity(nq);
    let mut referrals = Vec::with_capacity(nq);
    for (q, plan) in quarters.iter().zip(plans) {
        let qname = q.to_string();
        let dir = opts.out.join(&qname);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut row = Vec::with_capacity(UNITS.len());
        for (recipe, name) in plan {
            let rel = format!("{qname}/{name}");
            let out = match recipe.book {
                Some(kind) => Out::create_book(&opts.out, rel, kind),
                None => Out::create(&opts.out, rel, recipe.enc, recipe.delim, recipe.crlf)?,
            };
            let mut cols: Vec<usize> = (0..col::COUNT)
                .filter(|&f| {
                    !((f == col::UNIT && recipe.unit_form == UnitForm::FileName)
                        || (f == col::STATUS && !recipe.status_col))
                })
                .collect();
            if recipe.shuffle {
                // a fixed, different column order: the case id first, the rest rotated
                let tail: Vec<usize> = cols.split_off(1);
                let k = tail.len() / 3;
                cols.extend(tail[k..].iter().chain(tail[..k].iter()));
            }
            let mut cf = CaseFile {
                out,
                recipe,
                cols,
                quarter: *q,
            };
            write_case_header(&mut cf)?;
            row.push(cf);
        }
        files.push(row);
        let mut r = Out::create(
            &opts.out,
            format!("{qname}/referrals.csv"),
            if opts.clean { Enc::Utf8 } else { Enc::Utf8Bom },
            b',',
            false,
        )?;
        r.record([
            "函告编号",
            "发函单位",
            "收函单位",
            "发函日期",
            "回复日期",
            "县市区",
            "关联案件编号",
            "事由",
        ])?;
        referrals.push(r);
    }

    let mut g = Gen {
        w: Weights::new(),
        rng,
        frng,
        clean: opts.clean,
        quarters: quarters.clone(),
        bounds,
        sites,
        seq: BTreeMap::new(),
        ref_seq: BTreeMap::new(),
        files,
        referrals,
        carried: vec![0; nq],
        case_rows: 0,
        cases: 0,
        planted: BTreeMap::new(),
        vals: vec![String::new(); col::COUNT],
        excel_epoch,
    };

    // backlog: cases found in the 270 days before the first quarter, still open at its start
    let first = g.first_start();
    let n_backlog = target_q * 15 / 100;
    let mut days: Vec<Day> = (0..n_backlog)
        .map(|_| first - 1 - g.rng.gen_range(0..270))
        .collect();
    days.sort_unstable();
    let backlog = Spec {
        backlog: true,
        ..Spec::default()
    };
    for d in days {
        let c = g.make_case(d, &backlog);
        g.emit(&c, 0, None)?;
    }

    let mut other_files = Vec::new();
    for qi in 0..nq {
        // A steady flow of new cases (about 1.4 export rows each), ±15 % per
        // quarter, so that quarter-on-quarter and year-on-year changes go
        // both ways rather than swinging with the backlog.
        let wobble = g.rng.gen_range(85..=115u64);
        let n_new = (target_q * 10 / 14 * wobble / 100).max(1);
        let mut days: Vec<Day> = (0..n_new).map(|_| g.random_day(qi)).collect();
        days.sort_unstable();
        let spec = Spec::default();
        for d in days {
            let c = g.make_case(d, &spec);
            g.emit(&c, qi, None)?;
        }
        plant_cases(&mut g, qi)?;
        if !opts.clean {
            plant_rejects(&mut g, qi)?;
        }
        other_files.extend(write_quarter_extras(&mut g, opts, qi)?);
    }

    // close the case files: blank and total rows, flush
    let mut report = Report {
        quarters: quarters.clone(),
        case_rows: g.case_rows,
        cases: g.cases,
        planted: g.planted.clone(),
        ..Report::default()
    };
    let files = std::mem::take(&mut g.files);
    for row in files {
        for mut f in row {
            if f.recipe.total {
                let w = f.width();
                let n = f.out.rows;
                f.out.record(std::iter::repeat_n("", w))?;
                let count = format!("共{n}件");
                let mut cells = vec!["合计", count.as_str()];
                cells.resize(w, "");
                f.out.record(cells)?;
            }
            let head = 1 + usize::from(f.recipe.title);
            report.files.push(f.out.finish_with_head(head)?);
        }
    }
    for r in std::mem::take(&mut g.referrals) {
        report.files.push(r.finish()?);
    }
    report.files.extend(other_files);
    report
        .files
        .sort_by(|a, b| a.rel.as_bytes().cmp(b.rel.as_bytes()));
    let written: BTreeSet<String> = quarters.iter().map(|q| q.to_string()).collect();
    report.other_quarter_folders = ingest::quarter_folders(&opts.out, None)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, name)| name)
        .filter(|name| !written.contains(name))
        .collect();
    Ok(report)
}

const EXTRA_FILES: &[&str] = &[
    "referrals.csv",
    "patrols.csv",
    "meetings.csv",
    "adjustments.csv",
];

/// The export recipe and file name of unit `ui`'s case file in quarter `qi`.
fn case_file_plan(
    clean: bool,
    books: bool,
    q: &Quarter,
    qi: usize,
    ui: usize,
    nq: usize,
) -> (Recipe, String) {
    let u = &UNITS[ui];
    let qname = q.to_string();
    if clean {
        return (Recipe::clean(), format!("{}_{qname}.csv", u.name));
    }
    let mut recipe = Recipe::messy(ui + (nq - 1 - qi) * 4);
    // the last quarter's 自然资源 export is a two-sheet .xlsx, 水利's an Excel 97 .xls
    if books && qi + 1 == nq {
        let book = match u.name {
            "自然资源" => Some((BookKind::Xlsx, "xlsx")),
            "水利" => Some((BookKind::Xls, "xls")),
            _ => None,
        };
        if let Some((kind, ext)) = book {
            recipe.book = Some(kind);
            recipe.ext = ext;
        }
    }
    let name = match recipe.unit_form {
        UnitForm::FileName => format!("{}_{qname}.{}", u.old_name, recipe.ext),
        UnitForm::Full => format!("{qname}{}案件.{}", u.full_name, recipe.ext),
        _ if ui.is_multiple_of(2) => format!("{}_{qname}.{}", u.name, recipe.ext),
        _ => format!("{qname}-{}非法采矿案件台账.{}", u.name, recipe.ext),
    };
    (recipe, name)
}

/// Refuse to leave files of another run in the quarter folders written (they
/// would be read with the new ones).
/// Refuse to overwrite files of a folder `sample` did not write (no
/// [`SAMPLE_MARKER`]): they may be someone's edited data.
fn check_overwrite(out: &Path, quarters: &[Quarter], planned: &[BTreeSet<String>]) -> Result<()> {
    if std::fs::symlink_metadata(out.join(SAMPLE_MARKER)).is_ok_and(|m| m.is_file()) {
        return Ok(());
    }
    let mut existing = Vec::new();
    for (q, names) in quarters.iter().zip(planned) {
        for n in names {
            let rel = format!("{q}/{n}");
            if std::fs::symlink_metadata(out.join(&rel)).is_ok() {
                existing.push(rel);
            }
        }
    }
    if existing.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = existing.iter().take(5).map(|s| s.as_str()).collect();
    let more = if existing.len() > 5 {
        format!(" … ({})", existing.len())
    } else {
        String::new()
    };
    Err(Error::usage(
        format!(
            "{} 不是 sample 生成的文件夹，其中已有同名文件（{}{more}），不会覆盖：请换一个空的输出目录",
            out.display(),
            shown.join("、")
        ),
        format!(
            "{} was not written by sample and already holds files of the same names ({}{more}); they are not overwritten: use an empty --out",
            out.display(),
            shown.join(", ")
        ),
    ))
}

fn check_stale(out: &Path, quarters: &[Quarter], planned: &[BTreeSet<String>]) -> Result<()> {
    for (q, names) in quarters.iter().zip(planned) {
        let dir = out.join(q.to_string());
        if !dir.exists() {
            continue;
        }
        let rd = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut stale = Vec::new();
        for e in rd {
            let e = e.map_err(|e| Error::io(&dir, e))?;
            let name = e.file_name().to_string_lossy().to_string();
            if !names.contains(&name) && !name.starts_with('.') {
                stale.push(name);
            }
        }
        if !stale.is_empty() {
            stale.sort();
            return Err(Error::usage(
                format!(
                    "输出文件夹 {} 中已有本次不会生成的文件（{}），会与新数据一起被读入：请换一个输出目录或先删除它们",
                    dir.display(),
                    stale.join("、")
                ),
                format!(
                    "{} holds files this run does not write ({}); they would be read with the new data: use another --out or remove them",
                    dir.display(),
                    stale.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn write_case_header(f: &mut CaseFile) -> Result<()> {
    let r = &f.recipe;
    if r.title {
        let title = format!("{}非法采矿案件统计表", f.quarter.chinese());
        f.out.record([title.as_str()])?;
    }
    let mut cells: Vec<String> = Vec::with_capacity(f.width());
    if r.seq_col {
        cells.push("序号".into());
    }
    for &i in &f.cols {
        let spec = &CASE_FIELDS[i];
        let h = match r.headers {
            HeaderStyle::Canonical => spec.header.to_string(),
            HeaderStyle::Alias => ALIAS_HEADERS[i].to_string(),
            HeaderStyle::English => spec.id.to_string(),
            HeaderStyle::Spaced => {
                format!(" {} ", spec.header.replace('(', "（").replace(')', "）"))
            }
        };
        let h = match (r.money, i) {
            (Money::WanHeader, col::FINE) => "罚款金额(万元)".to_string(),
            (Money::WanHeader, col::CONFISCATED) => "没收金额（万元）".to_string(),
            _ => h,
        };
        cells.push(h);
    }
    f.out.record(cells.iter().map(|s| s.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::names::Resolver;
    use crate::config::Config;

    #[test]
    fn names_resolve_through_the_default_config() {
        let cfg = Config::embedded();
        let r = Resolver::new(&cfg);
        for (i, u) in UNITS.iter().enumerate() {
            for n in [u.name, u.old_name, u.full_name] {
                assert_eq!(r.unit(n).map(usize::from), Some(i), "{n}");
            }
            assert_eq!(cfg.units[i].name, u.name);
        }
        for (i, reg) in REGIONS.iter().enumerate() {
            assert_eq!(r.region(reg.name).map(usize::from), Some(i));
            assert_eq!(r.region(reg.short).map(usize::from), Some(i));
        }
        for (i, (n, a)) in TYPES.iter().enumerate() {
            assert_eq!(r.violation_type(n).map(usize::from), Some(i), "{n}");
            assert_eq!(r.violation_type(a).map(usize::from), Some(i), "{a}");
        }
        for (i, (n, a)) in SOURCES.iter().enumerate() {
            assert_eq!(r.source(n).map(usize::from), Some(i), "{n}");
            assert_eq!(r.source(a).map(usize::from), Some(i), "{a}");
        }
        assert_eq!(r.region("瑞按市"), None);
        assert_eq!(r.region("乐请市"), None);
        assert_eq!(r.violation_type("盗采稀土"), None);
        assert_eq!(r.violation_type("非法采煤"), None);
    }

    #[test]
    fn alias_headers_match_their_fields() {
        use crate::ingest::headers::match_header;
        use crate::model::FileKind;
        for (i, h) in ALIAS_HEADERS.iter().enumerate() {
            let m = match_header(FileKind::Cases, h).map(|m| m.field);
            assert_eq!(m, Some(i), "{h}");
        }
    }

    #[test]
    fn number_formats() {
        let f = |v: i64, s: u32, p: u32| {
            let mut o = String::new();
            push_fixed(&mut o, v, s, p);
            o
        };
        assert_eq!(f(120_123_456, 6, 6), "120.123456");
        assert_eq!(f(12_345, 2, 2), "123.45");
        assert_eq!(f(5, 1, 1), "0.5");
        let t = |v: i64, s: u32| {
            let mut o = String::new();
            push_trimmed(&mut o, v, s);
            o
        };
        assert_eq!(t(12_300, 4), "1.23");
        assert_eq!(t(10_000, 4), "1");
        assert_eq!(t(0, 4), "0");
        assert_eq!(t(500, 0), "500");
        let mut o = String::new();
        push_grouped_cents(&mut o, 123_450);
        assert_eq!(o, "1,234.50");
        o.clear();
        push_grouped_cents(&mut o, 12_345_678_900);
        assert_eq!(o, "123,456,789.00");
    }
}
