//! `minebrief build`: reads its arguments into a [`pipeline::Plan`], runs
//! the pipeline with a progress bar on a terminal, and prints the warnings
//! and where the reports went.

use std::io::{IsTerminal, Write as _};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::BuildArgs;
use crate::error::Result;
use crate::pipeline::{self, Plan, Progress};

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
