//! The issued form writer.
//!
//! Every header, dropdown list, hint and width comes from [`crate::schema`], so a column added
//! there appears in the issued form, the header matcher and the validator alike. The workbook is
//! deterministic (fixed creation time) so the committed copy under `templates/` can be checked
//! for staleness by regenerating it.

mod baseline;
mod example;
mod instructions;
mod options;
mod rectify;
mod tables;

pub use baseline::{Baseline, PrefilledOrg};
use example::example_sheet;
use instructions::instructions_sheet;
pub use options::TemplateOptions;
pub use rectify::{
    build_rectify_form, file_name_clash, rectify_file_name, write_rectify_form, RECTIFY_FORM_NAME,
    RECTIFY_HEADER_ROW,
};
use tables::{coverage_sheet, organizations_sheet, unit_info_sheet};

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use crate::print::{Paper, Print};
use crate::rules::Rules;
use crate::schema::{
    self, Column, Kind, Need, SheetSchema, COVERAGE, COVERAGE_MODES, ORGANIZATIONS, UNIT_INFO,
};
use crate::stage::SurveyStage;

/// Name of the custom document property holding [`schema::TEMPLATE_VERSION`].
pub const VERSION_PROPERTY: &str = "taizhang_template_version";
/// Last data row (0-based) prepared with validations on 党组织情况 (row 1003 in Excel).
pub const ORG_LAST_ROW: u32 = 1002;
/// Last data row (0-based) prepared with validations on 两新组织覆盖 (row 502 in Excel).
pub const COVERAGE_LAST_ROW: u32 = 501;
/// Dates a clerk may enter: anything outside is a typo.
const DATE_RANGE: ((u16, u8, u8), (u16, u8, u8)) = ((2000, 1, 1), (2100, 12, 31));

/// Why the form could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The workbook could not be laid out (a text over an Excel limit, a bad range): a bug in
    /// the schema or this module, not in the user's input.
    #[error("生成调查表失败")]
    Build(#[source] XlsxError),
    /// The form could not be saved (missing folder, no right to write there, disk full).
    #[error("无法保存调查表")]
    Save(#[from] crate::save::SaveError),
    /// The deadline falls outside the months of the round the form is issued for
    /// ([`SurveyStage::due_by`]): such a form would be collected as the other round.
    #[error(
        "截止日期 {deadline} 在 {month} 月，不是{round}的截止时间：摸底调查的截止日期在 1–6 月，\
         年终复评的在 7–12 月（汇总台账、报送情况也按截止日期的月份认定调查阶段）；\
         请改正 --deadline 或 --stage",
        month = deadline.month(),
        round = stage.round()
    )]
    DeadlineOutsideStage {
        deadline: NaiveDate,
        stage: SurveyStage,
    },
    /// The year asked for the title is not the deadline's year.
    #[error(
        "--year {year} 与截止日期 {deadline} 不在同一年：标题中的年份应为截止日期的年份\
         （不写 --year 时即按截止日期的年份）"
    )]
    YearNotDeadline { year: i32, deadline: NaiveDate },
    /// Organizations pre-filled into a form that is not for the 年终 round: the baseline's
    /// organizations and tiers are what the year end is compared with, nothing else.
    #[error(
        "按摸底台账预填党组织（--baseline）只用于年终复评表，请同时写上 --stage 年终\
         （或给出 7–12 月的 --deadline）"
    )]
    PrefilledNotYearEnd,
    /// The baseline ledger could not be read back, or is not a ledger of ours.
    #[error(transparent)]
    Baseline(#[from] crate::upgrade::readback::ReadbackError),
}

impl From<XlsxError> for TemplateError {
    fn from(source: XlsxError) -> Self {
        TemplateError::Build(source)
    }
}

/// Write the form into `dir` as [`TemplateOptions::file_name`] and return its path.
///
/// The file is written to a temporary file in the same folder and renamed into place, so a
/// reader never sees half a workbook and a failed run leaves any older form intact.
pub fn write_template(dir: &Path, options: &TemplateOptions) -> Result<PathBuf, TemplateError> {
    let path = dir.join(options.file_name());
    let mut workbook = build_template(options)?;
    let kind = crate::output::Kind::Template;
    crate::save::save_output(&mut workbook, &path, kind, options.force)?;
    Ok(path)
}

/// Lay out the whole form in memory (the sheets of FORM.md in order, then the hidden `_meta`);
/// options that contradict each other are refused ([`TemplateOptions::validate`]).
pub fn build_template(options: &TemplateOptions) -> Result<Workbook, TemplateError> {
    options.validate()?;
    let title = options.title();
    let styles = Styles::new(&title);
    let embedded;
    let rules = match &options.rules {
        Some(rules) => rules,
        None => {
            embedded = Rules::embedded();
            &embedded
        }
    };
    let mut workbook = Workbook::new();
    workbook.set_properties(&properties(&title)?);
    workbook.push_worksheet(instructions_sheet(options, rules, &styles)?);
    workbook.push_worksheet(unit_info_sheet(options, &styles)?);
    workbook.push_worksheet(organizations_sheet(options, &styles)?);
    workbook.push_worksheet(coverage_sheet(&styles)?);
    workbook.push_worksheet(example_sheet(&styles)?);
    workbook.push_worksheet(meta_sheet(options.organizations.len())?);
    Ok(workbook)
}

/// Fixed creation time so that regenerating gives the same workbook; the version property lets
/// a reader tell which layout a returned file was issued with.
fn properties(title: &str) -> Result<DocProperties, XlsxError> {
    let created = ExcelDateTime::from_ymd(2026, 1, 1)?;
    Ok(DocProperties::new()
        .set_title(title)
        .set_author("县委组织部")
        .set_creation_datetime(&created)
        .set_custom_property(VERSION_PROPERTY, schema::TEMPLATE_VERSION))
}

/// The cell formats and what every sheet carries at its top, made once.
struct Styles {
    /// The form's title ([`TemplateOptions::title`]), at the top of its sheets.
    form_title: String,
    /// What every sheet prints at the top of its pages.
    print: Print,
    title: Format,
    header: Format,
    star: Format,
    header_text: Format,
    heading: Format,
    paragraph: Format,
    label: Format,
    fixed_value: Format,
    note: Format,
}

impl Styles {
    fn new(title: &str) -> Self {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border(FormatBorder::Thin);
        Styles {
            form_title: title.to_string(),
            print: Print::new(title, None),
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header,
            star: Format::new().set_bold().set_font_color(Color::Red),
            header_text: Format::new().set_bold(),
            heading: Format::new().set_bold().set_font_size(12),
            paragraph: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            label: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin),
            fixed_value: Format::new()
                .set_num_format("@")
                .set_background_color(Color::RGB(0xF2F2F2))
                .set_border(FormatBorder::Thin),
            note: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0xC00000)),
        }
    }

    /// The format of a data cell of this column: unlocked, and text ("@") for identifiers
    /// and phone numbers so that Excel keeps leading zeros and long digit strings.
    fn data(&self, kind: Kind) -> Format {
        let format = Format::new().set_unlocked().set_border(FormatBorder::Thin);
        match kind {
            Kind::Code | Kind::Mobile | Kind::Phone | Kind::Text | Kind::Uscc => {
                format.set_num_format("@")
            }
            Kind::Date => format.set_num_format("yyyy-mm-dd"),
            _ => format,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 填报说明

/// The hidden sheet carrying the template version, for readers that cannot see custom
/// document properties (calamine, LibreOffice round trips), and how many organizations the
/// form came with (`template --baseline`), so that only those rows count as ours
/// ([`crate::output`]).
fn meta_sheet(prefilled: usize) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(schema::SHEET_META)?;
    sheet.write(0, 0, "template_version")?;
    sheet.write(0, 1, schema::TEMPLATE_VERSION)?;
    if prefilled > 0 {
        sheet.write(1, 0, schema::PREFILLED_KEY)?;
        sheet.write(1, 1, prefilled.to_string())?;
    }
    sheet.set_hidden(true);
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::example::EXAMPLES;
    use super::instructions::conditional_rules;
    use super::tables::validation;
    use super::*;

    #[test]
    fn every_validation_fits_excel_limits() {
        for schema in [&UNIT_INFO, &ORGANIZATIONS, &COVERAGE] {
            for column in schema.columns {
                validation(column).unwrap_or_else(|e| panic!("{}: {e}", column.header));
            }
        }
    }

    #[test]
    fn examples_name_real_columns_and_valid_choices() {
        for example in EXAMPLES {
            for (key, value) in *example {
                let column = ORGANIZATIONS.column(key);
                if let Kind::Choice(choices) = column.kind {
                    assert!(choices.values.contains(value), "{key}: {value}");
                }
                if column.kind == Kind::Bool {
                    assert!(["是", "否"].contains(value), "{key}: {value}");
                }
            }
        }
    }

    #[test]
    fn examples_cover_every_required_column() {
        for example in EXAMPLES {
            for column in ORGANIZATIONS.columns {
                if column.need == Need::Required {
                    assert!(
                        example.iter().any(|(k, _)| *k == column.key),
                        "{}",
                        column.key
                    );
                }
            }
        }
    }

    #[test]
    fn instructions_name_conditional_requirements() {
        let rules = conditional_rules().join("\n");
        assert!(rules.contains("“自评等次”为“后进”的，必须填写“主要问题”“整改措施”“整改时限”"));
        assert!(rules.contains("填写了“书记姓名”的，必须填写“书记手机号”"));
    }
}
