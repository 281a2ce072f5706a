//! Command-line interface: argument parsing only; each command lives in `cmd/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

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

/// A clap usage error as one line in Chinese and in English (clap's own
/// text is several lines of English).
pub fn usage_message(e: &clap::Error) -> (String, String) {
    use clap::error::{ContextKind, ErrorKind};
    let ctx = |k: ContextKind| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let arg = ctx(ContextKind::InvalidArg);
    let suggest = e
        .get(ContextKind::SuggestedArg)
        .or_else(|| e.get(ContextKind::SuggestedSubcommand))
        .map(|v| v.to_string());
    let hint_zh = suggest
        .as_deref()
        .map(|s| format!("，是否为 {s}？"))
        .unwrap_or_default();
    let hint_en = suggest
        .as_deref()
        .map(|s| format!(" (did you mean {s}?)"))
        .unwrap_or_default();
    let (zh, en) = match e.kind() {
        ErrorKind::UnknownArgument => (
            format!("未知的参数 {arg}{hint_zh}"),
            format!("unknown argument {arg}{hint_en}"),
        ),
        ErrorKind::InvalidSubcommand => {
            let sub = ctx(ContextKind::InvalidSubcommand);
            (
                format!("未知的命令 {sub}{hint_zh}，可用 build、validate、sample、init、completions、man"),
                format!("unknown command {sub}{hint_en}; use build, validate, sample, init, completions or man"),
            )
        }
        ErrorKind::MissingRequiredArgument => (
            format!("缺少必需的参数 {arg}"),
            format!("missing required argument {arg}"),
        ),
        ErrorKind::MissingSubcommand => (
            "缺少命令：build、validate、sample 或 init".to_string(),
            "missing command: build, validate, sample or init".to_string(),
        ),
        ErrorKind::InvalidUtf8 => (
            "命令行参数不是有效的 UTF-8 文本（请检查终端编码）".to_string(),
            "a command-line argument is not valid UTF-8 text (check the terminal's encoding)"
                .to_string(),
        ),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let value = ctx(ContextKind::InvalidValue);
            (
                format!("参数 {arg} 的值“{value}”无效"),
                format!("invalid value “{value}” for {arg}"),
            )
        }
        ErrorKind::ArgumentConflict => (
            format!("参数 {arg} 重复或冲突"),
            format!("argument {arg} given twice or in conflict"),
        ),
        ErrorKind::NoEquals
        | ErrorKind::TooManyValues
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues => (
            format!("参数 {arg} 的值个数不对"),
            format!("wrong number of values for {arg}"),
        ),
        _ => {
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ")
                .to_string();
            ("命令行有误".to_string(), first)
        }
    };
    (
        format!("{zh}（用 --help 查看用法）"),
        format!("{en} (see --help)"),
    )
}
