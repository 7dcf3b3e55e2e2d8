//! 问题清单: every issue, with the original file's cell.

use super::*;

/// (header, width, maximum width): widths grow with the content up to the maximum.
pub(super) const ISSUE_COLUMNS: [(&str, f64, f64); 8] = [
    ("序号", 6.0, 6.0),
    ("级别", 6.0, 6.0),
    ("代码", 7.0, 7.0),
    ("工作表", 10.0, 16.0),
    ("原单元格", 10.0, 10.0),
    ("列", 10.0, 22.0),
    ("填写内容", 12.0, 24.0),
    ("问题说明", 40.0, 70.0),
];

/// The cells of one row of 问题清单.
pub(super) fn issue_cells(n: usize, issue: &Issue) -> [String; 8] {
    let sheet = if issue.sheet.is_empty() {
        "（整个文件）".to_string()
    } else {
        issue.sheet.clone()
    };
    [
        n.to_string(),
        issue.severity.label().to_string(),
        issue.code.to_string(),
        sheet,
        issue.cell.clone().unwrap_or_default(),
        field_header(issue.field).to_string(),
        issue.value.clone().unwrap_or_default(),
        issue.message.clone(),
    ]
}

pub(super) fn issue_widths(rows: &[[String; 8]]) -> Vec<f64> {
    ISSUE_COLUMNS
        .iter()
        .enumerate()
        .map(|(c, (header, min, max))| {
            let widest = rows
                .iter()
                .map(|r| layout::display_width(&r[c]))
                .chain([layout::display_width(header)])
                .max()
                .unwrap_or(0);
            ((widest + 2) as f64).clamp(*min, *max)
        })
        .collect()
}

pub(super) fn issues_sheet(issues: &[Issue], styles: &Styles) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(SHEET_ISSUES)?;
    if issues.iter().any(Issue::is_error) {
        sheet.set_tab_color(Color::RGB(ERROR_FONT));
    }
    let rows: Vec<[String; 8]> = issues
        .iter()
        .enumerate()
        .map(|(i, x)| issue_cells(i + 1, x))
        .collect();
    let widths = issue_widths(&rows);
    for (c, (header, ..)) in ISSUE_COLUMNS.iter().enumerate() {
        sheet.set_column_width(c as u16, widths[c])?;
        sheet.write_with_format(0, c as u16, *header, &styles.header)?;
    }
    sheet.set_row_height(0, 22)?;
    for (i, (cells, issue)) in rows.iter().zip(issues).enumerate() {
        write_issue_row(&mut sheet, i as u32 + 1, cells, issue.severity, &widths)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    page_setup(&mut sheet, styles, true, 1)?;
    sheet.autofilter(0, 0, rows.len() as u32, ISSUE_COLUMNS.len() as u16 - 1)?;
    Ok(sheet)
}

pub(super) fn write_issue_row(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[String; 8],
    severity: Severity,
    widths: &[f64],
) -> Result<(), XlsxError> {
    let format = cell_format(Some(severity))
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_num_format("@");
    for (c, text) in cells.iter().enumerate() {
        if c == 0 {
            let number = row as f64;
            sheet.write_number_with_format(row, 0, number, &format.clone().set_num_format("0"))?;
        } else {
            sheet.write_string_with_format(row, c as u16, text, &format)?;
        }
    }
    let texts: Vec<(&str, f64)> = cells
        .iter()
        .map(String::as_str)
        .zip(widths.iter().copied())
        .collect();
    sheet.set_row_height(row, wrapped_height(&texts))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 单位信息, 党组织情况, 两新组织覆盖
