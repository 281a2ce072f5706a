//! The command line as clap sees it: the program, its commands and the
//! one-line usage messages. Each command's own arguments are declared in
//! its file beside the code that reads them (`build::BuildArgs` …).

use clap::{Parser, Subcommand};

use super::build::BuildArgs;
use super::completions::CompletionsArgs;
use super::init::InitArgs;
use super::sample::SampleArgs;
use super::validate::ValidateArgs;

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
