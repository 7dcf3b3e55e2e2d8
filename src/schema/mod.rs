//! The issued form, defined once.
//!
//! Every column of every sheet of FORM.md lives in the tables of this module: the types a
//! column is made of ([`Column`], [`Kind`], [`Need`]), the closed lists of choices, one table per
//! sheet (单位信息, 党组织情况, 两新组织覆盖) with its compile-time column indexes, header
//! matching, and serde for the schema's own strings ([`key`]). The template writer lays them
//! out, the header matcher recognizes them, the normalizer reads them and the validator checks
//! them, all from these tables, so adding a column is one edit here.

mod choices;
mod column;
mod coverage;
mod header;
pub mod key;
mod organizations;
mod rectify;
mod unit_info;

pub use choices::{
    COVERAGE_MODES, DEVELOPMENT, DOMAINS, ENTERPRISE_KINDS, ORG_TYPES, STAGES, TIERS,
};
pub use column::{Choices, Column, Kind, Need, SheetSchema};
pub use coverage::{cov, COVERAGE};
pub use header::fold_header;
pub use organizations::{org, BASELINE_TIER, ORGANIZATIONS};
pub use rectify::{rect, rect_info, RECTIFY, RECTIFY_INFO, RECTIFY_STATUSES};
pub use unit_info::{unit, UNIT_INFO};

/// The version written into every issued form (custom property and hidden `_meta` sheet).
pub const TEMPLATE_VERSION: &str = "2026.1";

/// The `_meta` key of how many organizations a form was issued with (`template --baseline`).
pub const PREFILLED_KEY: &str = "prefilled_organizations";
/// File name of the issued form (the 摸底 round's, no year: [`FORM_TITLE`] and `.xlsx`).
pub const TEMPLATE_FILE: &str = "基层党组织分类定级摸底调查表.xlsx";
/// What every issued form is about: its title is this, then the round's form name
/// ([`crate::stage::SurveyStage::form_name`]), with the year in front when one is given.
pub const FORM_SUBJECT: &str = "基层党组织分类定级";
/// The title of the 摸底 round's form, the form issued when no round is named.
pub const FORM_TITLE: &str = "基层党组织分类定级摸底调查表";

pub const SHEET_INSTRUCTIONS: &str = "填报说明";
pub const SHEET_EXAMPLE: &str = "填写示例";
pub const SHEET_META: &str = "_meta";

/// Words that mark a total row rather than an organization.
pub const TOTAL_MARKERS: &[&str] = &["合计", "总计", "小计"];

/// A string of the schema's own (a column key, a choice), held by reference. Through serde it
/// goes with [`key`]; its name also keeps serde's derive from taking it for a string borrowed
/// from the input.
pub type Key = &'static str;
