//! The blank decisions workbook (`taizhang template --decisions`): a title, how to fill it in,
//! the header, and one validated row after another (审定等次 a list of the standard's tiers,
//! 审定日期 a date, 党组织编码 text so long codes stay whole).

use super::read::COLUMNS;
use super::SHEET;
use crate::marker::{DECISIONS, DECISIONS_FIRST_ROW};
use crate::print::{Paper, Print};
use crate::rules::Rules;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook,
    XlsxError,
};
use std::path::Path;

/// Rows prepared with validations.
const PREPARED_ROWS: u32 = 500;

/// Column widths, in [`COLUMNS`]' order.
const WIDTHS: [f64; 7] = [16.0, 20.0, 30.0, 10.0, 44.0, 12.0, 12.0];

/// Write the blank decisions workbook for `rules`' tiers to `path` (replacing only a blank one
/// of ours, or with `force`: [`crate::output`]).
pub fn write(path: &Path, rules: &Rules, force: bool) -> Result<(), crate::save::SaveError> {
    let mut workbook = build(rules).map_err(|source| crate::save::SaveError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    crate::save::save_output(&mut workbook, path, crate::output::Kind::Decisions, force)
}

fn build(rules: &Rules) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    let last = COLUMNS.len() as u16 - 1;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    sheet.merge_range(0, 0, 0, last, "基层党组织分类定级审定意见表", &title)?;
    let note = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let tiers = rules.tier_names().join("、");
    let text = format!(
        "组织部对个别党组织作出与评分标准核定结果不同的等次时，每个党组织填一行：单位名称（必填，也可填单位代码）、\
         党组织编码（有编码时在该单位内按编码对应，否则按党组织名称对应）、审定等次（{tiers}）、\
         依据（必填，如督查发现的问题、县委决定）、审定人、审定日期。汇总时加 --decisions 本表：\
         台账在核定等次旁列出审定等次和依据，各项统计按最终等次。同一党组织有多行时以最下面一行为准。"
    );
    sheet.merge_range(1, 0, 1, last, &text, &note)?;
    sheet.set_row_height(1, 62)?;
    let header = Format::new()
        .set_bold()
        .set_background_color("D9E1F2")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let header_row = DECISIONS_FIRST_ROW - 1;
    for (c, ((name, ..), width)) in COLUMNS.iter().zip(WIDTHS).enumerate() {
        sheet.write_string_with_format(header_row, c as u16, *name, &header)?;
        sheet.set_column_width(c as u16, width)?;
    }
    let rows = (DECISIONS_FIRST_ROW, DECISIONS_FIRST_ROW + PREPARED_ROWS - 1);
    let text_format = Format::new().set_num_format("@");
    sheet.set_column_format(1, &text_format)?;
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    sheet.set_column_format(6, &date_format)?;
    let tier_list = DataValidation::new()
        .allow_list_strings(&rules.tier_names())?
        .set_error_title("审定等次")?
        .set_error_message(format!("请从下拉列表中选择：{tiers}"))?;
    sheet.add_data_validation(rows.0, 3, rows.1, 3, &tier_list)?;
    let first = ExcelDateTime::from_ymd(2000, 1, 1)?;
    let last_date = ExcelDateTime::from_ymd(2100, 12, 31)?;
    let dates = DataValidation::new()
        .allow_date(DataValidationRule::Between(first, last_date))
        .set_error_title("审定日期")?
        .set_error_message("请填写日期，如 2026-05-10")?;
    sheet.add_data_validation(rows.0, 6, rows.1, 6, &dates)?;
    sheet.set_freeze_panes(DECISIONS_FIRST_ROW, 0)?;
    Print::new("基层党组织分类定级审定意见表", None).set_up(
        sheet,
        Paper::A4,
        true,
        Some((header_row, header_row)),
    )?;
    workbook.push_worksheet(crate::marker::meta_sheet(DECISIONS)?);
    Ok(workbook)
}
