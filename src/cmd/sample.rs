//! `minebrief sample`: write generated sample data.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use crate::error::Result;
use crate::sample::{generate, Options};

/// The arguments of `minebrief sample`.
#[derive(Debug, clap::Args)]
pub struct SampleArgs {
    /// 输出目录 / output folder
    #[arg(long)]
    pub out: PathBuf,
    /// 季度数 / number of quarters, ending with --last
    #[arg(long, default_value_t = 5)]
    pub quarters: u32,
    /// 案件行数（约）/ total case rows across all quarters (approximately)
    #[arg(long, default_value_t = 3000)]
    pub rows: u64,
    /// 随机种子 / random seed
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// 最后一个季度 / the last quarter
    #[arg(long, default_value = "2026Q3")]
    pub last: String,
    /// 干净数据（不制造格式问题和错误行）/ clean data: no messy formats, no bad rows
    #[arg(long)]
    pub clean: bool,
}

pub fn run(args: SampleArgs) -> Result<i32> {
    let last = super::parse_quarter(&args.last)?;
    let opts = Options {
        out: args.out,
        quarters: args.quarters,
        rows: args.rows,
        seed: args.seed,
        last,
        clean: args.clean,
    };
    let started = Instant::now();
    let report = generate(&opts)?;
    let secs = started.elapsed().as_secs_f64();
    let first = report.quarters.first().map(|q| q.to_string());
    let last = report.quarters.last().map(|q| q.to_string());
    let mb = report.bytes() as f64 / 1_000_000.0;
    // A closed standard output (`| head`) is not an error of the generator.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "已生成 / written: {} 个季度 quarters {}..{}, {} 个文件 files, {} 行案件 case rows ({} 起案件 cases), {:.1} MB, {:.2} s → {}",
        report.quarters.len(),
        first.unwrap_or_default(),
        last.unwrap_or_default(),
        report.files.len(),
        report.case_rows,
        report.cases,
        mb,
        secs,
        crate::text::term(&opts.out.display().to_string())
    );
    if opts.clean {
        let _ = writeln!(
            out,
            "干净数据 / clean data: UTF-8, comma, canonical headers, no bad rows"
        );
    } else {
        let total: u64 = report.planted.values().sum();
        let list: Vec<String> = report
            .planted
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "故意制造的错误行 / planted bad rows: {total} ({})",
            list.join(", ")
        );
    }
    if !report.other_quarter_folders.is_empty() {
        eprintln!(
            "注意 / note: {} 中还有本次未生成的季度文件夹 {}，会与新数据一起被读入 / also holds quarter folders this run did not write, which will be read with the new data",
            crate::text::term(&opts.out.display().to_string()),
            crate::text::term(&report.other_quarter_folders.join(" "))
        );
    }
    Ok(0)
}
