//! Command-line arguments (clap derive), with every word a person reads in Chinese: clap's own
//! help template, headings, flags and error kinds, given Chinese words ([`command`],
//! [`error_text`]).

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, CommandFactory, Parser, Subcommand, ValueEnum};
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
    Template(TemplateArgs),
    /// 报送前检查：逐个单元格指出需要修改的地方
    Check {
        /// 要检查的调查表文件（.xlsx .xlsm .xls .ods），或存放调查表的文件夹（含子文件夹）
        #[arg(required = true, value_name = "文件或文件夹")]
        files: Vec<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Text, value_name = "格式")]
        format: Format,
        /// 为每个文件生成反馈工作簿（问题单元格标红并附批注）到此目录
        #[arg(long, value_name = "文件夹")]
        feedback: Option<PathBuf>,
        /// 评分标准文件（默认使用内置标准）
        #[arg(long, value_name = "标准文件")]
        rules: Option<PathBuf>,
        /// 调查阶段（摸底 或 年终）：调查阶段不同的报表报错误 E406（默认不检查）
        #[arg(long, value_parser = parse_stage, value_name = "阶段")]
        stage: Option<SurveyStage>,
    },
    /// 汇总收件文件夹中的全部报表，生成全县分类管理台账
    Ledger(LedgerArgs),
    /// 报送情况：花名册中每个单位是否已报送、能否通过、距截止日期还有几天
    Status {
        /// 收件文件夹（含子文件夹）
        #[arg(value_name = "收件文件夹")]
        inbox: PathBuf,
        #[command(flatten)]
        submissions: SubmissionArgs,
        /// 评分标准文件（默认使用内置标准）
        #[arg(long, value_name = "标准文件")]
        rules: Option<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Text, value_name = "格式")]
        format: Format,
    },
    /// 监视收件文件夹：有文件放入或更新时自动重新生成台账和反馈（Ctrl-C 停止）
    Watch {
        /// 收件文件夹（含子文件夹）
        #[arg(value_name = "收件文件夹")]
        inbox: PathBuf,
        /// 台账文件
        #[arg(short = 'o', long = "out", value_name = "台账文件")]
        out: PathBuf,
        #[command(flatten)]
        submissions: SubmissionArgs,
        /// 花名册以外单位的报表也计入合计（默认在汇总表下方单列，不计入）
        #[arg(long)]
        count_unlisted: bool,
        /// 为每个报表有问题的单位生成反馈工作簿（以单位命名）到此目录
        #[arg(long, value_name = "文件夹")]
        feedback: Option<PathBuf>,
        /// 评分标准文件（默认使用内置标准）
        #[arg(long, value_name = "标准文件")]
        rules: Option<PathBuf>,
        /// 审定意见表（taizhang template --decisions 生成）：同 ledger --decisions，每次重算台账时重新读取，改动后也会重算
        #[arg(long, value_name = "审定意见表")]
        decisions: Option<PathBuf>,
    },
    /// 网上报送：在本机开启报送网页，各单位上传即检查、提交，组织部审核并查看报送情况
    Serve(ServeArgs),
    /// 年终晋位升级：把年终复评与摸底基线逐个党组织比较，生成升级工作簿
    Upgrade(UpgradeArgs),
    /// 整改跟踪：读取各单位报送的整改进展表，对照台账中的整改计划，统计完成、逾期和未报送
    Rectify(RectifyArgs),
    /// 用中文列出将要使用的评分标准
    Rules {
        /// 评分标准文件（默认使用内置标准）
        #[arg(long, value_name = "标准文件")]
        rules: Option<PathBuf>,
    },
    /// 列出全部问题代码
    Codes {
        /// 输出格式：text 对齐的表格，markdown 表格（同 README），json
        #[arg(long, value_enum, default_value_t = CodesFormat::Text, value_name = "格式")]
        format: CodesFormat,
    },
}

/// `taizhang upgrade`'s arguments.
#[derive(clap::Args, Debug)]
pub struct UpgradeArgs {
    /// 基线（摸底）：收件文件夹，或 taizhang ledger 生成的台账
    #[arg(long, value_name = "基线")]
    pub baseline: PathBuf,
    /// 年终：收件文件夹，或 taizhang ledger 生成的台账
    #[arg(long = "final", value_name = "年终")]
    pub year_end: PathBuf,
    /// 升级工作簿
    #[arg(short = 'o', long = "out", value_name = "升级工作簿")]
    pub out: PathBuf,
    /// 评分标准文件（默认使用内置标准）
    #[arg(long, value_name = "标准文件")]
    pub rules: Option<PathBuf>,
    /// 单位花名册（.xlsx 或 .csv），用于认定每份报表属于哪个单位
    #[arg(long, value_name = "花名册")]
    pub roster: Option<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "格式")]
    pub format: Format,
    /// 审定意见表（taizhang template --decisions 生成）：年终复评中组织部审定的等次，各项比较按最终等次
    #[arg(long, value_name = "审定意见表")]
    pub decisions: Option<PathBuf>,
    /// 摸底时的审定意见表：基线为收件文件夹时使用（基线为摸底台账时，台账中已记有审定等次）
    #[arg(long, value_name = "审定意见表")]
    pub baseline_decisions: Option<PathBuf>,
    /// 输出文件已存在且不是本程序生成的同类文件时，仍然覆盖（收件文件夹中的文件、花名册、评分标准文件等输入永不覆盖）
    #[arg(long)]
    pub force: bool,
}

/// What the issued form says (`template`): for whom, which round, by when, which year, which
/// standard.
#[derive(clap::Args, Debug, Clone)]
pub struct TemplateArgs {
    /// 输出目录
    #[arg(short = 'o', long = "out", default_value = ".", value_name = "文件夹")]
    pub out: PathBuf,
    /// 单位花名册（.xlsx 或 .csv）：为每个单位生成一份预填并锁定单位名称、代码的调查表
    #[arg(long, value_name = "花名册")]
    pub roster: Option<PathBuf>,
    /// 摸底台账（taizhang ledger 生成）：与 --roster、--stage 年终 同用，每个单位的年终复评表预填并锁定本单位摸底时的党组织名称、编码，并列出摸底等次供参考
    #[arg(long, value_name = "台账文件")]
    pub baseline: Option<PathBuf>,
    /// 评分标准文件：填报说明中的调查要点和评分标准按此文件写（默认使用内置标准）
    #[arg(long, value_name = "标准文件")]
    pub rules: Option<PathBuf>,
    /// 调查阶段（摸底 或 年终）：标题和文件名为摸底调查表或年终复评表，“单位信息”中的调查阶段预填并锁定；默认按截止日期（1–6 月为摸底，7–12 月为年终），也未给截止日期时为摸底调查表、调查阶段由填报单位选择
    #[arg(long, value_parser = parse_stage, value_name = "阶段")]
    pub stage: Option<SurveyStage>,
    /// 报送截止日期，如 2026-04-15，写入填报说明；须在调查阶段的月份内（默认按评分标准中的日期：摸底 4 月 15 日，年终 12 月 31 日）
    #[arg(long, value_parser = parse_date, value_name = "日期")]
    pub deadline: Option<chrono::NaiveDate>,
    /// 标题中的年份，如 2026（默认为截止日期的年份，未给截止日期时为今年）
    #[arg(long, value_parser = parse_year, value_name = "年份")]
    pub year: Option<i32>,
    /// 生成空白审定意见表（组织部审定个别党组织等次用，供 ledger/upgrade --decisions 读取），不生成调查表；-o 为文件夹时写入其中的“审定意见.xlsx”，也可直接给 .xlsx 文件名
    #[arg(long, conflicts_with_all = ["roster", "baseline", "rectify", "stage", "deadline", "year"])]
    pub decisions: bool,
    /// 生成整改进展表而不是调查表：按 --ledger 台账为每个有后进党组织的单位生成一份，预填并锁定整改计划
    #[arg(long, requires = "ledger", conflicts_with_all = ["baseline", "stage", "deadline", "year"])]
    pub rectify: bool,
    /// 分类管理台账（taizhang ledger 生成），与 --rectify 同用：整改计划按此台账
    #[arg(long, value_name = "台账文件", requires = "rectify")]
    pub ledger: Option<PathBuf>,
    /// 与 --rectify 同用：除后进外，这些等次的党组织也列入整改，用逗号分隔，如 待定,一般
    #[arg(long, value_delimiter = ',', value_name = "等次", requires = "rectify")]
    pub include: Vec<String>,
    /// 输出目录中同名文件不是未填写的本程序调查表（或整改进展表）时，仍然覆盖（花名册、台账，以及已填写的整改进展表、审定意见表永不覆盖）
    #[arg(long)]
    pub force: bool,
}

/// `taizhang rectify`'s arguments.
#[derive(clap::Args, Debug)]
pub struct RectifyArgs {
    /// 整改收件文件夹（含子文件夹）：各单位报送的整改进展表
    #[arg(value_name = "整改收件文件夹")]
    pub inbox: PathBuf,
    /// 分类管理台账（taizhang ledger 生成）：整改计划按此台账
    #[arg(long, value_name = "台账文件", required = true)]
    pub ledger: PathBuf,
    /// 整改跟踪表
    #[arg(short = 'o', long = "out", value_name = "整改跟踪表")]
    pub out: PathBuf,
    /// 按哪一天统计逾期，如 2026-10-15（默认为今天）
    #[arg(long = "as-of", value_parser = parse_date, value_name = "日期")]
    pub as_of: Option<chrono::NaiveDate>,
    /// 上次生成的整改跟踪表：逐个党组织列出变化（如 未启动→推进中、新销号），各单位统计变化个数
    #[arg(long, value_name = "整改跟踪表")]
    pub previous: Option<PathBuf>,
    /// 除后进外，这些等次的党组织也列入整改，用逗号分隔，如 待定,一般（应与生成整改进展表时相同）
    #[arg(long, value_delimiter = ',', value_name = "等次")]
    pub include: Vec<String>,
    /// 评分标准文件（默认使用内置标准）
    #[arg(long, value_name = "标准文件")]
    pub rules: Option<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "格式")]
    pub format: Format,
    /// 输出文件已存在且不是本程序生成的整改跟踪表时，仍然覆盖（台账、收件文件夹中的文件永不覆盖）
    #[arg(long)]
    pub force: bool,
}

/// `taizhang serve`'s arguments.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// 收件文件夹：提交的报表按单位存放在其中，报送记录也写在其中
    #[arg(value_name = "收件文件夹")]
    pub inbox: PathBuf,
    /// 单位花名册（.xlsx 或 .csv）：每个单位一个报送口令
    #[arg(long, value_name = "花名册", required = true)]
    pub roster: PathBuf,
    /// 监听的地址和端口；只在本机试用时为 127.0.0.1:8080，供全县访问时如 0.0.0.0:8080
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "地址:端口")]
    pub listen: std::net::SocketAddr,
    /// 报送截止日期，如 2026-04-15（默认按调查阶段取评分标准中的日期）
    #[arg(long, value_parser = parse_date, value_name = "日期")]
    pub deadline: Option<chrono::NaiveDate>,
    /// 收集的调查阶段（摸底 或 年终）：调查阶段不同的报表报错误 E406
    #[arg(long, value_parser = parse_stage, value_name = "阶段")]
    pub stage: Option<SurveyStage>,
    /// 评分标准文件（默认使用内置标准）
    #[arg(long, value_name = "标准文件")]
    pub rules: Option<PathBuf>,
    /// 报送口令表（.xlsx）：首次启动时生成，交各单位；默认在收件文件夹旁（收件文件夹名_报送口令.xlsx）
    #[arg(long, value_name = "口令表")]
    pub codes: Option<PathBuf>,
    /// 上传文件的大小上限，单位 MB（1 至 100）
    #[arg(long = "max-upload", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100), value_name = "MB")]
    pub max_upload: u64,
    /// HTTPS 证书文件（PEM），与 --tls-key 同用
    #[arg(long = "tls-cert", value_name = "证书", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// HTTPS 私钥文件（PEM），与 --tls-cert 同用
    #[arg(long = "tls-key", value_name = "私钥", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// 审定意见表（taizhang template --decisions 生成）：下载的台账同 ledger --decisions，每次下载时重新读取
    #[arg(long, value_name = "审定意见表")]
    pub decisions: Option<PathBuf>,
}

/// `taizhang ledger`'s arguments.
#[derive(clap::Args, Debug)]
pub struct LedgerArgs {
    /// 收件文件夹（含子文件夹）
    #[arg(value_name = "收件文件夹")]
    pub inbox: PathBuf,
    /// 台账文件
    #[arg(short = 'o', long = "out", value_name = "台账文件")]
    pub out: PathBuf,
    /// 评分标准文件（默认使用内置标准）
    #[arg(long, value_name = "标准文件")]
    pub rules: Option<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "格式")]
    pub format: Format,
    #[command(flatten)]
    pub submissions: SubmissionArgs,
    /// 花名册以外单位的报表也计入合计（默认在汇总表下方单列，不计入）
    #[arg(long)]
    pub count_unlisted: bool,
    /// 为每个报表有问题的单位生成反馈工作簿（以单位命名）到此目录
    #[arg(long, value_name = "文件夹")]
    pub feedback: Option<PathBuf>,
    /// 审定意见表（taizhang template --decisions 生成）：组织部审定的等次列在核定等次旁，各项统计按最终等次
    #[arg(long, value_name = "审定意见表")]
    pub decisions: Option<PathBuf>,
    /// 输出文件已存在且不是本程序生成的同类文件时，仍然覆盖（收件文件夹中的文件、花名册、评分标准文件等输入永不覆盖）
    #[arg(long)]
    pub force: bool,
}

/// Who must report and by when (`ledger`, `status`, `watch`).
#[derive(clap::Args, Debug, Clone)]
pub struct SubmissionArgs {
    /// 单位花名册（.xlsx 或 .csv，列：单位代码、单位名称、单位类别，可选联系人、联系电话）
    #[arg(long, value_name = "花名册")]
    pub roster: Option<PathBuf>,
    /// 报送截止日期，如 2026-04-15（默认按调查阶段取评分标准中的日期：摸底 4 月 15 日，年终 12 月 31 日）
    #[arg(long, value_parser = parse_date, value_name = "日期")]
    pub deadline: Option<chrono::NaiveDate>,
    /// 按哪一天统计剩余天数，如 2026-04-12（默认为今天）
    #[arg(long = "as-of", value_parser = parse_date, value_name = "日期")]
    pub as_of: Option<chrono::NaiveDate>,
    /// 收件记录（.csv，taizhang watch 记下的各报表收到时间）：有记录的报表按收到时间判断是否逾期，其余按填报日期；watch 默认写在台账旁（台账名_收件记录.csv）
    #[arg(long, value_name = "收件记录")]
    pub arrivals: Option<PathBuf>,
    /// 收集的调查阶段（摸底 或 年终）；默认按截止日期（1–6 月为摸底，7–12 月为年终），未给截止日期时按多数报表所填，持平时为摸底
    #[arg(long, value_parser = parse_stage, value_name = "阶段")]
    pub stage: Option<SurveyStage>,
}

fn parse_stage(text: &str) -> Result<SurveyStage, String> {
    SurveyStage::parse(text).ok_or_else(|| format!("“{text}”不是调查阶段，应为 摸底 或 年终"))
}

fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    taizhang::dates::parse_text(text).ok_or_else(|| format!("“{text}”不是日期，应写成 2026-04-15"))
}

/// A year of the survey: 2026, or 2026年, within the dates the form accepts.
fn parse_year(text: &str) -> Result<i32, String> {
    let digits = text.trim().trim_end_matches('年');
    (digits.parse().ok())
        .filter(|year| (2000..=2100).contains(year))
        .ok_or_else(|| format!("“{text}”不是年份，应写成 2026 这样的四位数（2000 至 2100 年）"))
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

/// The help page: clap's template with Chinese headings.
const TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// The command line, its help in Chinese throughout.
pub fn command() -> clap::Command {
    let mut root = Cli::command().disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help("显示版本号"),
    );
    // `status` has nothing to tell without a roster: its help shows it as required.
    root = chinese(root).mut_subcommand("status", |status| {
        status.mut_arg("roster", |roster| roster.required(true))
    });
    // Usages are rendered once every command knows its full name.
    root.build();
    let usages: Vec<(String, String)> = root
        .get_subcommands_mut()
        .map(|sub| (sub.get_name().to_string(), usage(sub)))
        .collect();
    let root_usage = usage(&mut root);
    let mut root = root.override_usage(root_usage);
    for (name, text) in usages {
        root = root.mut_subcommand(name, |sub| sub.override_usage(text));
    }
    root
}

/// `cmd` and its subcommands with Chinese headings, flags and notes.
fn chinese(cmd: clap::Command) -> clap::Command {
    cmd.help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示本说明"),
        )
        .mut_args(chinese_arg)
        .mut_subcommands(chinese)
}

/// An argument under the heading 参数 or 选项, its default and possible values said in
/// Chinese in its help.
fn chinese_arg(arg: Arg) -> Arg {
    let heading = if arg.is_positional() {
        "参数"
    } else {
        "选项"
    };
    if !arg.get_action().takes_values() {
        return arg.help_heading(heading);
    }
    let mut notes = String::new();
    let defaults: Vec<String> = (arg.get_default_values().iter())
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() {
        notes.push_str(&format!("（默认：{}）", defaults.join("、")));
    }
    let choices: Vec<String> = (arg.get_possible_values().iter())
        .map(|v| v.get_name().to_string())
        .collect();
    if !choices.is_empty() {
        notes.push_str(&format!("（可选：{}）", choices.join("、")));
    }
    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    arg.help_heading(heading)
        .hide_default_value(true)
        .hide_possible_values(true)
        .help(format!("{help}{notes}"))
}

/// The usage line as clap renders it, its one English word in Chinese.
pub fn usage(cmd: &mut clap::Command) -> String {
    let rendered = cmd.render_usage().to_string();
    let rendered = rendered.strip_prefix("Usage: ").unwrap_or(&rendered);
    rendered.replace("[OPTIONS]", "[选项]")
}

/// Print a usage error: what is wrong, `cmd`'s usage and where to read more.
pub fn usage_error(text: &str, cmd: &clap::Command) {
    eprintln!("错误：{text}");
    eprintln!("用法：{}", usage(&mut cmd.clone()));
    eprintln!("（运行 taizhang --help 或 taizhang <命令> --help 查看说明）");
}

/// A usage error in Chinese, from clap's error kind and the context it gives.
pub fn error_text(e: &clap::Error) -> String {
    let text = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(list)) => (list.iter())
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let arg = text(ContextKind::InvalidArg);
    let value = text(ContextKind::InvalidValue);
    let suggestion = |kind: ContextKind| match text(kind) {
        s if s.is_empty() => String::new(),
        s => format!("；是不是想用 {s}？"),
    };
    match e.kind() {
        ErrorKind::UnknownArgument => format!(
            "不认识的参数“{arg}”{}",
            suggestion(ContextKind::SuggestedArg)
        ),
        ErrorKind::InvalidSubcommand => format!(
            "没有“{}”这个命令{}",
            text(ContextKind::InvalidSubcommand),
            suggestion(ContextKind::SuggestedSubcommand)
        ),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令".to_string()
        }
        ErrorKind::InvalidValue => format!(
            "{arg} 的值“{value}”不对，可选：{}",
            text(ContextKind::ValidValue)
        ),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map_or(String::new(), |s| format!("：{s}"));
            format!("{arg} 的值“{value}”不对{why}")
        }
        ErrorKind::ArgumentConflict => {
            format!("{arg} 不能与 {} 同时使用", text(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues if !value.is_empty() => {
            format!("{arg} 多给了一个值“{value}”")
        }
        ErrorKind::TooManyValues
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues
        | ErrorKind::NoEquals => format!("{arg} 的值的个数不对"),
        _ => "命令行参数有误".to_string(),
    }
}
