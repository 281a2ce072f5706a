//! `minebrief build`: reads its arguments into a [`pipeline::Plan`], runs
//! the pipeline with a progress bar on a terminal, and prints the warnings
//! and where the reports went.

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::error::Result;
use crate::pipeline::{self, Plan, Progress};

/// The arguments of `minebrief build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// 数据目录 / data folder (DATA/2026Q3/*.csv)
    #[arg(long)]
    pub data: PathBuf,
    /// 报告季度 / report quarter: 2026Q3, 2026-Q3, 2026q3, 2026年第三季度
    #[arg(long)]
    pub quarter: String,
    /// 输出目录 / output folder
    #[arg(long)]
    pub out: PathBuf,
    /// 仅某县市区 / restrict to one region (its report, by township)
    #[arg(long)]
    pub scope: Option<String>,
    /// 输出格式 / formats, any of html,pdf,docx,xlsx,parquet, comma separated
    #[arg(long, default_value = "html,pdf,xlsx")]
    pub format: String,
    /// 配置文件 / configuration file (default: DATA/minebrief.toml, else embedded)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// 成文日期 / issue date YYYY-MM-DD
    #[arg(long)]
    pub issue_date: Option<String>,
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn message(&self, msg: &str) {
        self.0.set_message(msg.to_string());
    }
    fn advance(&self) {
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
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

pub fn run(args: BuildArgs) -> Result<i32> {
    let plan = Plan {
        quarter: super::parse_quarter(&args.quarter)?,
        formats: pipeline::parse_formats(&args.format)?,
        data: args.data,
        out: args.out,
        scope: args.scope,
        config: args.config,
        issue_date: args.issue_date,
    };
    let out = pipeline::build(&plan, &Bar(progress(5)))?;
    for w in &out.warnings {
        eprintln!("{}", crate::text::escape_controls(w));
    }
    let _ = writeln!(
        std::io::stdout().lock(),
        "已写入 / written: {}（{} 个文件 / files；被拒行 / rejected rows: {}）",
        crate::text::term(&out.dest.display().to_string()),
        out.files,
        out.rejected
    );
    Ok(0)
}
