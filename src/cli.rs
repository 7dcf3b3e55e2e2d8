//! Command-line arguments (clap derive).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use taizhang::stage::SurveyStage;

#[derive(Parser, Debug)]
#[command(
    name = "taizhang",
    version,
    about = "基层党组织分类定级台账：下发调查表、报送前检查、汇总分类台账"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 生成下发的空白调查表
    Template {
        /// 输出目录
        #[arg(short = 'o', long = "out", default_value = ".")]
        out: PathBuf,
        /// 单位花名册（.xlsx 或 .csv）：为每个单位生成一份预填并锁定单位名称、代码的调查表
        #[arg(long)]
        roster: Option<PathBuf>,
        /// 输出目录中同名文件不是未填写的本程序调查表时，仍然覆盖（花名册永不覆盖）
        #[arg(long)]
        force: bool,
    },
    /// 报送前检查：逐个单元格指出需要修改的地方
    Check {
        /// 要检查的调查表文件（.xlsx .xlsm .xls .ods），或存放调查表的文件夹（含子文件夹）
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// 为每个文件生成反馈工作簿（问题单元格标红并附批注）到此目录
        #[arg(long)]
        feedback: Option<PathBuf>,
        /// 评分标准文件（默认使用内置标准）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 调查阶段（摸底 或 年终）：调查阶段不同的报表报错误 E406（默认不检查）
        #[arg(long, value_parser = parse_stage)]
        stage: Option<SurveyStage>,
    },
    /// 汇总收件文件夹中的全部报表，生成全县分类管理台账
    Ledger {
        /// 收件文件夹（含子文件夹）
        inbox: PathBuf,
        /// 台账文件
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
        /// 评分标准文件（默认使用内置标准）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        submissions: SubmissionArgs,
        /// 为每个报表有问题的单位生成反馈工作簿（以单位命名）到此目录
        #[arg(long)]
        feedback: Option<PathBuf>,
        /// 输出文件已存在且不是本程序生成的同类文件时，仍然覆盖（收件文件夹中的文件、花名册、评分标准文件等输入永不覆盖）
        #[arg(long)]
        force: bool,
    },
    /// 报送情况：花名册中每个单位是否已报送、能否通过、距截止日期还有几天
    Status {
        /// 收件文件夹（含子文件夹）
        inbox: PathBuf,
        #[command(flatten)]
        submissions: SubmissionArgs,
        /// 评分标准文件（默认使用内置标准）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// 监视收件文件夹：有文件放入或更新时自动重新生成台账和反馈（Ctrl-C 停止）
    Watch {
        /// 收件文件夹（含子文件夹）
        inbox: PathBuf,
        /// 台账文件
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
        #[command(flatten)]
        submissions: SubmissionArgs,
        /// 为每个报表有问题的单位生成反馈工作簿（以单位命名）到此目录
        #[arg(long)]
        feedback: Option<PathBuf>,
        /// 评分标准文件（默认使用内置标准）
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// 年终晋位升级：把年终复评与摸底基线逐个党组织比较，生成升级工作簿
    Upgrade {
        /// 基线（摸底）：收件文件夹，或 taizhang ledger 生成的台账
        #[arg(long)]
        baseline: PathBuf,
        /// 年终：收件文件夹，或 taizhang ledger 生成的台账
        #[arg(long = "final")]
        year_end: PathBuf,
        /// 升级工作簿
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
        /// 评分标准文件（默认使用内置标准）
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 单位花名册（.xlsx 或 .csv），用于认定每份报表属于哪个单位
        #[arg(long)]
        roster: Option<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// 输出文件已存在且不是本程序生成的同类文件时，仍然覆盖（收件文件夹中的文件、花名册、评分标准文件等输入永不覆盖）
        #[arg(long)]
        force: bool,
    },
    /// 用中文列出将要使用的评分标准
    Rules {
        /// 评分标准文件（默认使用内置标准）
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// 列出全部问题代码
    Codes {
        /// 输出格式：text 对齐的表格，markdown 表格（同 README），json
        #[arg(long, value_enum, default_value_t = CodesFormat::Text)]
        format: CodesFormat,
    },
}

/// Who must report and by when (`ledger`, `status`, `watch`).
#[derive(clap::Args, Debug, Clone)]
pub struct SubmissionArgs {
    /// 单位花名册（.xlsx 或 .csv，列：单位代码、单位名称、单位类别，可选联系人、联系电话）
    #[arg(long)]
    pub roster: Option<PathBuf>,
    /// 报送截止日期，如 2026-04-15（默认为当年 4 月 15 日）
    #[arg(long, value_parser = parse_date)]
    pub deadline: Option<chrono::NaiveDate>,
    /// 按哪一天统计剩余天数，如 2026-04-12（默认为今天）
    #[arg(long = "as-of", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// 收集的调查阶段（摸底 或 年终）；默认按截止日期（1–6 月为摸底，7–12 月为年终），未给截止日期时按多数报表所填，持平时为摸底
    #[arg(long, value_parser = parse_stage)]
    pub stage: Option<SurveyStage>,
}

fn parse_stage(text: &str) -> Result<SurveyStage, String> {
    SurveyStage::parse(text).ok_or_else(|| format!("“{text}”不是调查阶段，应为 摸底 或 年终"))
}

fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    taizhang::dates::parse_text(text).ok_or_else(|| format!("“{text}”不是日期，应写成 2026-04-15"))
}

/// How `codes` prints the table.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodesFormat {
    Text,
    Markdown,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}
