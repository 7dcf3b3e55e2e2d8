//! Command-line arguments (clap derive).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
    },
    /// 报送前检查：逐个单元格指出需要修改的地方
    Check {
        /// 要检查的调查表文件（.xlsx .xlsm .xls .ods）
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
    },
    /// 用中文列出将要使用的评分标准
    Rules {
        /// 评分标准文件（默认使用内置标准）
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// 列出全部问题代码
    Codes,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}
