//! taizhang (台账): the county organization department's classification ledger.
//!
//! # Glossary
//!
//! The domain is Chinese, the identifiers English:
//!
//! - 单位, unit: a township or department that returns one form ([`roster::RosterUnit`],
//!   [`form::Form::unit`], [`ledger::model::UnitSummary`]).
//! - 调查表, the issued form ([`template`], [`schema`]); 报表, a return: one unit's filled-in
//!   form, one file ([`form::Form`], [`check::FileReport`]).
//! - 党组织, organization: one row of 党组织情况 (`org_*`, [`form::Form::organizations`],
//!   [`schema::ORGANIZATIONS`]).
//! - 两新组织覆盖, coverage: party coverage of non-public enterprises and social organizations
//!   (`coverage`, [`schema::COVERAGE`]).
//! - 核定等次, rated tier: the tier the rules compute ([`rules::Tier`],
//!   [`rules::Classification`]); 优秀 / 一般 / 后进 are [`rules::Tier::Rated`], 待定 (a field
//!   the score needs is missing) is [`rules::Tier::Pending`].
//! - 自评等次, self-rated tier, as the unit filled it in (`self_tier`); 争创目标, the target
//!   tier for the year end (`target_tier`).
//! - 评分标准, the rules file ([`rules::Rules`]).
//! - 调查阶段, survey stage: 摸底 (baseline, April) or 年终 (year end)
//!   ([`stage::SurveyStage`]).
//! - 花名册, roster: the units expected to report ([`roster::Roster`]); 收件文件夹, the inbox
//!   folder of returns (`inbox`).
//! - 台账, ledger: the consolidated workbook ([`ledger`], [`ledger::Ledger`]).
//! - 文件清单, file list: one line per file found ([`ledger::model::FileEntry`],
//!   [`ledger::file_list`]).
//! - 反馈, feedback: the workbook sent back to a unit ([`feedback`]).
//! - 校验问题, issues: 错误 (errors) and 警告 (warnings) ([`Issue`], [`Code`], [`Severity`]).
//! - 报送情况, submission status: who has reported, who has not ([`status`]).
//! - 晋位升级, upgrade: the year end against the baseline ([`upgrade`]).
//! - 网上报送, the web intake ([`serve`]); 报送口令, a unit's access code ([`serve::codes`]);
//!   报送记录, its log of submissions and reviews ([`intake_log`]); 通过 / 退回, accepted /
//!   returned.
//! - 整改, rectification: the plan of every 后进 organization (主要问题, 整改措施, 整改时限);
//!   整改进展表, the progress form a unit returns; 整改跟踪, the follow-up workbook; 销号, a plan
//!   reported 已完成; 逾期, past its 整改时限 and not 已完成 ([`rectify`]).
//!
//! Data flows one way: discover → read → locate → normalize → validate → classify →
//! consolidate → write. Each stage is a module with a function from typed input to typed
//! output; none prints, and findings are returned as [`Issue`] values.

pub mod cellref;
pub mod check;
pub mod dates;
pub mod decisions;
pub mod discover;
pub mod evaluation;
pub mod form;
pub mod issue;
pub(crate) mod layout;
pub mod ledger;
pub(crate) mod marker;
pub mod normalize;
pub mod os_error;
pub mod output;
pub mod print;
pub mod schema;

pub use issue::{Code, Issue, Severity};
pub mod arrivals;
pub mod attribution;
// The test-form generator: tests, examples and benches only (`builder` feature, which the
// crate's dev-dependency on itself turns on; never in the released binary).
#[cfg(feature = "builder")]
pub mod builder;
pub mod feedback;
pub mod intake_log;
pub mod read;
pub mod rectify;
pub mod report;
pub mod roster;
pub mod rules;
pub mod save;
pub mod serve;
pub mod stage;
pub mod status;
pub mod template;
pub mod upgrade;
pub mod validate;
pub mod watch;
