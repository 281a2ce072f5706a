//! Command-line interface: argument parsing only; each command lives in `cmd/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;

#[derive(Debug, Parser)]
#[command(
    name = "minebrief",
    version,
    about = "打击非法采矿联席会议通报、县市区报告与考核通报生成工具\nQuarterly briefings, local reports and assessments from case exports"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 生成报告 / build the reports of a quarter
    Build(BuildArgs),
    /// 校验数据 / check the data folder and list rejected rows
    Validate(ValidateArgs),
    /// 生成示例数据 / generate realistic sample data
    Sample(SampleArgs),
    /// 写出默认配置 / write the default minebrief.toml to edit
    Init(InitArgs),
    /// 命令行补全脚本 / shell completion script (bash, zsh, fish, powershell, elvish)
    Completions(CompletionsArgs),
    /// 手册页 / the manual page (roff): minebrief man > minebrief.1
    Man,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// 终端类型 / shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

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
    /// 输出格式 / formats, any of html,pdf,docx,xlsx, comma separated
    #[arg(long, default_value = "html,pdf,xlsx")]
    pub format: String,
    /// 配置文件 / configuration file (default: DATA/minebrief.toml, else embedded)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// 成文日期 / issue date YYYY-MM-DD
    #[arg(long)]
    pub issue_date: Option<String>,
}

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

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// 写到该文件 / write to this file (default: print to standard output)
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Run the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Build(a) => cmd::build::run(a),
        Command::Validate(a) => cmd::validate::run(a),
        Command::Sample(a) => cmd::sample::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Completions(a) => cmd::completions::run(a),
        Command::Man => cmd::man::run(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 / error: {e}");
            2
        }
    }
}
