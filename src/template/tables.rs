//! 单位信息, 党组织情况 and 两新组织覆盖: headers, formats, protection and validations.

use super::*;
use crate::layout::{self, HeaderText};

/// Label/value pairs: labels in column A, values in column B (unlocked unless pre-filled).
pub(super) fn unit_info_sheet(
    options: &TemplateOptions,
    styles: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(UNIT_INFO.name)?;
    sheet.write_with_format(0, 0, "填报单位信息", &styles.header_text)?;
    sheet.set_column_width(0, 14)?;
    let value_width = UNIT_INFO
        .columns
        .iter()
        .map(|c| c.width)
        .fold(0.0, f64::max);
    sheet.set_column_width(1, value_width)?;
    for (i, column) in UNIT_INFO.columns.iter().enumerate() {
        let row = 1 + i as u32;
        sheet.write_with_format(row, 0, column.header, &styles.label)?;
        sheet.set_row_height(row, 22)?;
        // A pre-filled value is fixed: locked, and without an input hint asking to fill it.
        if let Some(value) = prefilled(options, column) {
            sheet.write_with_format(row, 1, value, &styles.fixed_value)?;
            continue;
        }
        sheet.write_blank(row, 1, &styles.data(column.kind))?;
        if let Some(validation) = validation(column)? {
            sheet.add_data_validation(row, 1, row, 1, &validation)?;
        }
    }
    sheet.protect();
    styles.print.set_up(&mut sheet, Paper::A4, false, None)?;
    Ok(sheet)
}

/// The value a pre-filled form carries for this 单位信息 field: the unit's name and code, and
/// the round the form is issued for.
pub(super) fn prefilled<'a>(options: &'a TemplateOptions, column: &Column) -> Option<&'a str> {
    match column.key {
        "unit_name" => options.unit_name.as_deref(),
        "unit_code" => options.unit_code.as_deref(),
        "stage" => options.stage().map(SurveyStage::label),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// 党组织情况, 两新组织覆盖, 填写示例

pub(super) fn organizations_sheet(
    options: &TemplateOptions,
    styles: &Styles,
) -> Result<Worksheet, XlsxError> {
    let unit = options.unit_name.as_deref().unwrap_or("");
    let title = format!("{unit}{}", styles.form_title);
    let mut sheet = table_sheet(&ORGANIZATIONS, &title, styles)?;
    add_validations(&mut sheet, &ORGANIZATIONS, ORG_LAST_ROW)?;
    super::baseline::write_prefilled(&mut sheet, &options.organizations, styles)?;
    let frozen_cols = schema::org::NAME as u16 + 1;
    sheet.set_freeze_panes(layout::schema_header_rows(&ORGANIZATIONS) + 1, frozen_cols)?;
    Ok(sheet)
}

pub(super) fn coverage_sheet(styles: &Styles) -> Result<Worksheet, XlsxError> {
    let title = format!("{}情况", COVERAGE.name);
    let mut sheet = table_sheet(&COVERAGE, &title, styles)?;
    add_validations(&mut sheet, &COVERAGE, COVERAGE_LAST_ROW)?;
    sheet.set_freeze_panes(layout::schema_header_rows(&COVERAGE) + 1, 1)?;
    Ok(sheet)
}

/// A sheet with the title row, the header and column formats of `schema`, protected so that
/// the header cannot be changed while rows can still be added, sorted and filtered.
pub(super) fn table_sheet(
    schema: &'static SheetSchema,
    title: &str,
    styles: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(schema.name)?;
    let last_col = schema.columns.len() as u16 - 1;
    sheet.merge_range(0, 0, 0, last_col, title, &styles.title)?;
    sheet.set_row_height(0, 32)?;
    write_header(&mut sheet, schema, styles)?;
    for (i, column) in schema.columns.iter().enumerate() {
        sheet.set_column_width(i as u16, layout::column_width(column))?;
        sheet.set_column_format(i as u16, &styles.data(column.kind))?;
    }
    let header_last = layout::schema_header_rows(schema);
    sheet.autofilter(header_last, 0, header_last, last_col)?;
    sheet.protect_with_options(&ProtectionOptions {
        insert_rows: true,
        delete_rows: true,
        format_columns: true,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::default()
    });
    // A3: one page wide, the table is too small to read on A4.
    styles
        .print
        .set_up(&mut sheet, Paper::A3, true, Some((1, header_last)))?;
    Ok(sheet)
}

/// The header from row 2 (index 1), laid out by [`layout::header_cells`].
pub(super) fn write_header(
    sheet: &mut Worksheet,
    schema: &SheetSchema,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let (top, bottom) = (1, layout::schema_header_rows(schema));
    for row in top..=bottom {
        sheet.set_row_height(row, if bottom == top { 36 } else { 24 })?;
    }
    for cell in layout::header_cells(schema, &layout::schema_order(schema), top, 0) {
        if cell.is_merged() {
            sheet.merge_range(
                cell.first_row,
                cell.first_col,
                cell.last_row,
                cell.last_col,
                "",
                &styles.header,
            )?;
        }
        match cell.text {
            HeaderText::Group(group) => {
                sheet.write_with_format(cell.first_row, cell.first_col, group, &styles.header)?;
            }
            HeaderText::Column(i) => {
                write_header_cell(
                    sheet,
                    cell.first_row,
                    cell.first_col,
                    &schema.columns[i],
                    styles,
                )?;
            }
            HeaderText::Other(_) => {}
        }
    }
    Ok(())
}

/// A header cell; required columns get a red "*" in front, which the header matcher ignores.
pub(super) fn write_header_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    column: &Column,
    styles: &Styles,
) -> Result<(), XlsxError> {
    if column.need == Need::Required {
        let parts = [(&styles.star, "*"), (&styles.header_text, column.header)];
        sheet.write_rich_string_with_format(row, col, &parts, &styles.header)?;
    } else {
        sheet.write_with_format(row, col, column.header, &styles.header)?;
    }
    Ok(())
}

/// One data validation per column that has a rule or a hint, over the data rows.
pub(super) fn add_validations(
    sheet: &mut Worksheet,
    schema: &SheetSchema,
    last_row: u32,
) -> Result<(), XlsxError> {
    let first_row = layout::schema_header_rows(schema) + 1;
    for (i, column) in schema.columns.iter().enumerate() {
        if let Some(validation) = validation(column)? {
            let col = i as u16;
            sheet.add_data_validation(first_row, col, last_row, col, &validation)?;
        }
    }
    Ok(())
}

/// The validation of a column: the rule its [`Kind`] implies, with the hint as input message
/// and a Chinese error saying what is expected. `None` when there is neither rule nor hint.
pub(crate) fn validation(column: &Column) -> Result<Option<DataValidation>, XlsxError> {
    let rule = rule(column.kind)?;
    if rule.is_none() && column.hint.is_empty() {
        return Ok(None);
    }
    let mut validation = rule.unwrap_or_else(|| DataValidation::new().allow_any_value());
    let message = match column.need {
        Need::Required => format!("{}（必填）", column.hint),
        _ => column.hint.to_string(),
    };
    if !message.is_empty() {
        validation = validation
            .set_input_title(column.header)?
            .set_input_message(message)?;
    }
    if let Some(expected) = expectation(column.kind) {
        validation = validation
            .set_error_title(format!("{}填写有误", column.header))?
            .set_error_message(expected)?;
    }
    Ok(Some(validation))
}

/// The Excel rule a kind of value implies.
pub(super) fn rule(kind: Kind) -> Result<Option<DataValidation>, XlsxError> {
    let validation = DataValidation::new();
    Ok(Some(match kind {
        Kind::Choice(choices) => validation.allow_list_strings(choices.values)?,
        Kind::Bool => validation.allow_list_strings(&["是", "否"])?,
        Kind::Int { .. } => {
            validation.allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
        }
        Kind::Decimal { .. } => {
            validation.allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        }
        Kind::Percent => validation.allow_decimal_number(DataValidationRule::Between(0.0, 100.0)),
        Kind::Date => {
            let ((y1, m1, d1), (y2, m2, d2)) = DATE_RANGE;
            validation.allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(y1, m1, d1)?,
                ExcelDateTime::from_ymd(y2, m2, d2)?,
            ))
        }
        Kind::Mobile => validation.allow_text_length(DataValidationRule::EqualTo(11)),
        Kind::Uscc => validation.allow_text_length(DataValidationRule::EqualTo(18)),
        Kind::Text | Kind::Code | Kind::Phone => return Ok(None),
    }))
}

/// What a kind of value must look like, for the error dialog ("应填写……").
pub(super) fn expectation(kind: Kind) -> Option<String> {
    Some(match kind {
        Kind::Choice(choices) => format!("应从下拉列表中选择：{}", choices.values.join("、")),
        Kind::Bool => "应填写“是”或“否”".to_string(),
        Kind::Int { .. } => "应填写不小于 0 的整数，不带单位，如 12".to_string(),
        Kind::Decimal { .. } => "应填写不小于 0 的数，可有小数，不带单位，如 2.5".to_string(),
        Kind::Percent => "应填写 0 到 100 之间的数，如 95 表示 95%".to_string(),
        Kind::Date => {
            let ((y1, m1, d1), (y2, m2, d2)) = DATE_RANGE;
            format!("应填写 {y1}-{m1:02}-{d1:02} 至 {y2}-{m2:02}-{d2:02} 之间的日期，如 2026-04-10")
        }
        Kind::Mobile => "应填写 11 位手机号，如 13812345678".to_string(),
        Kind::Uscc => "应填写 18 位统一社会信用代码".to_string(),
        Kind::Text | Kind::Code | Kind::Phone => return None,
    })
}
