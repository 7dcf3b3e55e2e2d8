//! 整改进展表: one workbook per unit with organizations to rectify, its plan pre-filled from
//! the ledger and locked, the progress columns to fill with dropdowns and date checks, and a
//! header block with the unit locked and who filled it in when to fill. Its hidden `_meta`
//! marks it [`crate::marker::RECTIFY_FORM`], so `rectify` knows it and `ledger` never reads it
//! as a survey form.

use super::tables::{validation, write_header_cell};
use super::*;
use crate::ledger::style::fit_height;
use crate::rectify::plan::{PlanOrg, PlanUnit};
use crate::schema::{rect, rect_info, RECTIFY, RECTIFY_INFO};
use std::collections::HashMap;

/// What the workbook is called, after the unit's code and name in its file name.
pub const RECTIFY_FORM_NAME: &str = "整改进展表";
/// 0-based row of the list's header; the header block stands above it.
pub const RECTIFY_HEADER_ROW: u32 = 5;
/// Where each [`RECTIFY_INFO`] label stands (row, column); its value is in the next column.
const INFO_CELLS: [(u32, u16); 5] = [(2, 0), (2, 2), (2, 4), (3, 0), (3, 2)];
const _: () = assert!(INFO_CELLS.len() == RECTIFY_INFO.columns.len());

/// `<单位代码>_<单位名称>_整改进展表.xlsx`, safe for every file system.
pub fn rectify_file_name(unit: &PlanUnit) -> String {
    let parts: Vec<&str> = [unit.code.as_str(), unit.name.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    let stem = crate::save::safe_file_name(&parts.join("_"));
    crate::output::fit_name(&stem, &format!("_{RECTIFY_FORM_NAME}.xlsx"))
}

/// The Chinese reason to refuse when two units' forms would have the same file name (as a
/// case-insensitive file system sees it): names that differ only in characters a file name
/// cannot hold, or only past where the name is cut.
pub fn file_name_clash(units: &[PlanUnit]) -> Option<String> {
    let mut seen: HashMap<String, &PlanUnit> = HashMap::new();
    for unit in units {
        let name = rectify_file_name(unit);
        if let Some(first) = seen.insert(name.to_lowercase(), unit) {
            return Some(format!(
                "{}和{}的整改进展表文件名都是“{name}”，后一份会覆盖前一份，未生成任何整改进展表；\
                 请在台账中为这两个单位填写单位代码，或使其单位名称有所区别",
                unit_label(first),
                unit_label(unit)
            ));
        }
    }
    None
}

fn unit_label(unit: &PlanUnit) -> String {
    match unit.code.as_str() {
        "" => format!("“{}”（无单位代码）", unit.name),
        code => format!("“{}”（单位代码 {code}）", unit.name),
    }
}

/// Write `unit`'s form into `dir` and return its path: atomically, and over nothing but an
/// unfilled form of ours unless `force` ([`crate::output`]).
pub fn write_rectify_form(
    dir: &Path,
    unit: &PlanUnit,
    force: bool,
) -> Result<PathBuf, TemplateError> {
    let path = dir.join(rectify_file_name(unit));
    let mut workbook = build_rectify_form(unit)?;
    crate::save::save_output(
        &mut workbook,
        &path,
        crate::output::Kind::RectifyForm,
        force,
    )?;
    Ok(path)
}

/// The whole workbook in memory: 整改进展, 填报说明, `_meta`.
pub fn build_rectify_form(unit: &PlanUnit) -> Result<Workbook, TemplateError> {
    let title = format!("{}基层党组织{RECTIFY_FORM_NAME}", unit.name);
    let styles = Styles::new(&title);
    let mut workbook = Workbook::new();
    workbook.set_properties(&properties(&title)?);
    workbook.push_worksheet(progress_sheet(unit, &styles)?);
    let sections = rectify_instructions(unit);
    workbook.push_worksheet(super::instructions::paragraphs_sheet(
        &title, &sections, &styles,
    )?);
    let mut meta = crate::marker::meta_sheet(crate::marker::RECTIFY_FORM)?;
    meta.write_string(2, 0, rect::OPEN_PLAN_KEY)?;
    meta.write_string(2, 1, open_plan_cells(unit).to_string())?;
    workbook.push_worksheet(meta);
    Ok(workbook)
}

/// How many plan cells the form leaves open for the unit ([`rect::UNIT_PLAN`]).
fn open_plan_cells(unit: &PlanUnit) -> usize {
    let open = |o: &PlanOrg| {
        [
            o.problems.is_empty(),
            o.measures.is_empty(),
            o.deadline.is_none(),
        ]
        .into_iter()
        .filter(|&e| e)
        .count()
    };
    unit.organizations.iter().map(open).sum()
}

fn progress_sheet(unit: &PlanUnit, styles: &Styles) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(RECTIFY.name)?;
    let last_col = RECTIFY.columns.len() as u16 - 1;
    sheet.merge_range(0, 0, 0, last_col, &styles.form_title, &styles.title)?;
    sheet.set_row_height(0, 32)?;
    let note = "灰底各列是县委组织部按分类定级台账预填的整改计划，已锁定；请填写白底各列（台账中没有的整改计划也由本单位填写）和上方的填报日期、填报人、联系电话（见“填报说明”）";
    sheet.merge_range(1, 0, 1, last_col, note, &styles.note)?;
    write_info(&mut sheet, unit, styles)?;
    for (i, column) in RECTIFY.columns.iter().enumerate() {
        sheet.set_column_width(i as u16, column.width)?;
        write_header_cell(&mut sheet, RECTIFY_HEADER_ROW, i as u16, column, styles)?;
    }
    sheet.set_row_height(RECTIFY_HEADER_ROW, 30)?;
    let first = RECTIFY_HEADER_ROW + 1;
    for (k, planned) in unit.organizations.iter().enumerate() {
        write_plan_row(&mut sheet, first + k as u32, planned, styles)?;
    }
    if let Some(last) = (unit.organizations.len() as u32).checked_sub(1) {
        for (i, column) in RECTIFY.columns.iter().enumerate().skip(rect::PROGRESS) {
            let col = i as u16;
            if let Some(validation) = validation(column)? {
                sheet.add_data_validation(first, col, first + last, col, &validation)?;
            }
        }
    }
    sheet.set_freeze_panes(first, rect::NAME as u16 + 1)?;
    sheet.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    });
    let header = Some((RECTIFY_HEADER_ROW, RECTIFY_HEADER_ROW));
    styles.print.set_up(&mut sheet, Paper::A3, true, header)?;
    Ok(sheet)
}

/// The header block: 单位名称 and 单位代码 locked, the others unlocked with their checks.
fn write_info(sheet: &mut Worksheet, unit: &PlanUnit, styles: &Styles) -> Result<(), XlsxError> {
    for (i, (column, &(row, col))) in RECTIFY_INFO.columns.iter().zip(&INFO_CELLS).enumerate() {
        sheet.write_with_format(row, col, column.header, &styles.label)?;
        sheet.set_row_height(row, 22)?;
        let fixed = match i {
            rect_info::UNIT_NAME => Some(&unit.name),
            rect_info::UNIT_CODE => Some(&unit.code),
            _ => None,
        };
        match fixed {
            Some(value) => sheet.write_with_format(row, col + 1, value, &styles.fixed_value)?,
            None => sheet.write_blank(row, col + 1, &styles.data(column.kind))?,
        };
        if let (None, Some(validation)) = (fixed, validation(column)?) {
            sheet.add_data_validation(row, col + 1, row, col + 1, &validation)?;
        }
    }
    Ok(())
}

/// One organization: its plan locked (wrapped, the row grown to fit), its progress cells open.
/// A plan cell the ledger has empty (a department decided the organization 后进, so the unit
/// never wrote a plan) is left open for the unit to fill, with its column's check.
fn write_plan_row(
    sheet: &mut Worksheet,
    row: u32,
    planned: &PlanOrg,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let wrapped = styles
        .fixed_value
        .clone()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let texts = [
        (rect::CODE, &planned.code),
        (rect::NAME, &planned.name),
        (rect::TIER, &planned.tier),
        (rect::REASON, &planned.reason),
        (rect::PROBLEMS, &planned.problems),
        (rect::MEASURES, &planned.measures),
    ];
    for (i, text) in texts {
        match (i, text.is_empty()) {
            (rect::PROBLEMS | rect::MEASURES, true) => open_cell(sheet, row, i, styles)?,
            _ => sheet
                .write_with_format(row, i as u16, text.as_str(), &wrapped)
                .map(|_| ())?,
        }
    }
    match planned.deadline {
        Some(d) => {
            let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            let format = wrapped.clone().set_num_format("yyyy-mm-dd");
            sheet.write_datetime_with_format(row, rect::DEADLINE as u16, date, &format)?;
        }
        None => open_cell(sheet, row, rect::DEADLINE, styles)?,
    };
    for i in rect::PROGRESS..RECTIFY.columns.len() {
        open_cell(sheet, row, i, styles)?;
    }
    let width = |i: usize| RECTIFY.columns[i].width;
    let sized =
        [rect::REASON, rect::PROBLEMS, rect::MEASURES].map(|i| (texts[i].1.as_str(), width(i)));
    fit_height(sheet, row, &sized)
}

/// A cell the unit fills: unlocked, wrapped; a plan cell also gets its column's check (the
/// progress columns get theirs over the whole list).
fn open_cell(sheet: &mut Worksheet, row: u32, i: usize, styles: &Styles) -> Result<(), XlsxError> {
    let column = &RECTIFY.columns[i];
    let format = (styles.data(column.kind))
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    sheet.write_blank(row, i as u16, &format)?;
    if i < rect::PROGRESS {
        if let Some(validation) = validation(column)? {
            sheet.add_data_validation(row, i as u16, row, i as u16, &validation)?;
        }
    }
    Ok(())
}

/// 填报说明 of the form.
fn rectify_instructions(unit: &PlanUnit) -> Vec<(&'static str, Vec<String>)> {
    let n = unit.organizations.len();
    let who = vec![format!(
        "本表由{}填写：列出县委组织部分类定级台账中本单位需要整改的 {n} 个党组织及其整改计划。\
         整改期间按县委组织部通知的时间报送，每次报送填写新的填报日期。",
        unit.name
    )];
    let how = vec![
        "1. 灰底各列（党组织编码至整改时限）由县委组织部按台账预填，已锁定，不能修改；请勿增删行、调换行。台账中没有整改计划的党组织（如县委组织部审定为后进的），其“主要问题”“整改措施”“整改时限”为白底，请本单位填写，整改时限填日期（如 2026-09-30）。".to_string(),
        "2. 逐行填写“进展情况”“完成状态”“完成日期”“责任人”“包联领导”“佐证材料”。“完成状态”从下拉列表选择：未启动、推进中、已完成。".to_string(),
        "3. 已完成的，必须填写“完成日期”（如 2026-09-30），不能晚于县委组织部汇总统计的日期（不能填将来的日期），也不能早于本年度；推进中的，在“进展情况”中写明已做的工作和成效。".to_string(),
        "4. 表头上方填写“填报日期”“填报人”“联系电话”。同一单位报送多份的，以填报日期最新的一份为准，请每次填写当天的日期。".to_string(),
        "5. 佐证材料（会议记录、照片、制度文件等）另行报送，表中写明材料名称。".to_string(),
        "6. 整改时限已过仍未完成的，汇总时标为“已逾期”；逾期完成的，标明逾期天数。".to_string(),
    ];
    vec![("【填报对象和时间】", who), ("【填报要求】", how)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, name: &str) -> PlanUnit {
        PlanUnit {
            code: code.to_string(),
            name: name.to_string(),
            organizations: Vec::new(),
        }
    }

    /// Two units without a code whose names differ only in a character a file name cannot
    /// hold would share one file: refused, both named.
    #[test]
    fn two_units_on_one_file_name_are_refused_naming_both() {
        let units = [
            unit("", "城关街道/机关"),
            unit("511101003", "白马镇"),
            unit("", "城关街道:机关"),
        ];
        let clash = file_name_clash(&units).expect("a clash");
        assert!(
            clash.contains("“城关街道/机关”（无单位代码）和“城关街道:机关”（无单位代码）"),
            "{clash}"
        );
        assert!(clash.contains("城关街道_机关_整改进展表.xlsx"), "{clash}");
        assert_eq!(file_name_clash(&units[..2]), None);
    }
}
