//! 说明: which file, the verdict, and how to read the colors.

use super::*;

/// One line saying what the clerk must do, by what the check found.
pub(super) fn verdict_line(report: &FileReport) -> String {
    if report.is_unreadable() {
        return "文件无法读取：请按“问题清单”中的说明处理后，重新报送".to_string();
    }
    match (report.errors(), report.warnings()) {
        (0, 0) => "未发现问题，可以报送".to_string(),
        (0, w) => format!("没有错误，有 {w} 个警告：请逐条核对，确认无误后即可报送"),
        (e, w) => format!("有 {e} 个错误、{w} 个警告：错误必须修改，请修改后重新报送"),
    }
}

pub(super) fn file_facts(report: &FileReport, checked_at: &str) -> Vec<(&'static str, String)> {
    let name = report.path.file_name().map_or_else(
        || report.path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let form = report.form.as_ref();
    let unit = |value: Option<&str>| value.unwrap_or("（未能读取）").to_string();
    vec![
        ("检查的文件", name),
        ("填报单位", unit(form.and_then(Form::unit_name))),
        ("单位代码", unit(form.and_then(Form::unit_code))),
        ("检查时间", checked_at.to_string()),
        ("党组织数", report.organizations().to_string()),
        ("错误", format!("{} 个", report.errors())),
        ("警告", format!("{} 个", report.warnings())),
        ("检查结论", verdict_line(report)),
    ]
}

/// What each part of the workbook is and what to do with it: (label, explanation).
pub(super) fn how_to_read(report: &FileReport) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    if let (None, Some(failure)) = (&report.form, &report.failure) {
        lines.push(("无法读取的原因", failure.message.clone()));
    }
    lines.push((
        SHEET_ISSUES,
        "列出了全部问题。“原单元格”是您报送的原文件中的位置，例如“党组织情况”表的 F7，就是原文件该表第 7 行 F 列。".to_string(),
    ));
    if report.form.is_some() {
        lines.push((
            "填报内容",
            format!("“单位信息”“党组织情况”“两新组织覆盖”是从原文件中读出的填报内容，列的顺序与下发的调查表相同（可能与原文件不同）；第一列“{ROW_NUMBER_HEADER}”是该行在原文件中的行号。"),
        ));
        lines.push((
            "批注",
            "标了颜色的单元格带有批注：鼠标移到单元格上（或右键“显示批注”）即可看到问题说明。"
                .to_string(),
        ));
    }
    lines.push((
        "怎样修改",
        "请在您报送的原文件中逐条修改（不要修改本反馈文件），改完后重新报送原文件。".to_string(),
    ));
    lines
}

pub(super) const README_WIDTHS: [f64; 2] = [16.0, 80.0];

pub(super) fn readme_sheet(
    report: &FileReport,
    checked_at: &str,
    styles: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(SHEET_README)?;
    sheet.set_column_width(0, README_WIDTHS[0])?;
    sheet.set_column_width(1, README_WIDTHS[1])?;
    sheet.merge_range(0, 0, 0, 1, "报送检查反馈", &styles.title)?;
    sheet.set_row_height(0, 30)?;
    let mut row = 2;
    for (label, value) in file_facts(report, checked_at) {
        let severity = (label == "检查结论").then(|| worst_of(report)).flatten();
        let format = match severity {
            Some(_) => cell_format(severity).set_text_wrap().set_bold(),
            None => styles.paragraph.clone(),
        };
        row = labelled_row(&mut sheet, row, (label, &value), (&styles.label, &format))?;
    }
    sheet.write_with_format(row + 1, 0, "怎样看这份反馈", &styles.heading)?;
    row = legend(&mut sheet, row + 2, styles)?;
    for (label, text) in how_to_read(report) {
        row = labelled_row(
            &mut sheet,
            row,
            (label, &text),
            (&styles.label, &styles.paragraph),
        )?;
    }
    page_setup(&mut sheet, styles, false, 0)?;
    Ok(sheet)
}

/// A label and its (wrapped) text; returns the next row.
pub(super) fn labelled_row(
    sheet: &mut Worksheet,
    row: u32,
    (label, text): (&str, &str),
    (label_format, text_format): (&Format, &Format),
) -> Result<u32, XlsxError> {
    sheet.write_with_format(row, 0, label, label_format)?;
    sheet.write_with_format(row, 1, text, text_format)?;
    sheet.set_row_height(row, wrapped_height(&[(text, README_WIDTHS[1])]))?;
    Ok(row + 1)
}

pub(super) fn worst_of(report: &FileReport) -> Option<Severity> {
    report.issues().iter().map(|i| i.severity).min()
}

/// The two colors, shown as the cells they explain.
pub(super) fn legend(
    sheet: &mut Worksheet,
    mut row: u32,
    styles: &Styles,
) -> Result<u32, XlsxError> {
    let entries = [
        (Severity::Error, "红色", "错误：必须修改，否则无法汇总"),
        (
            Severity::Warning,
            "黄色",
            "警告：请核对，确认无误的可以不改",
        ),
    ];
    for (severity, color, meaning) in entries {
        let color_format = cell_format(Some(severity)).set_bold();
        row = labelled_row(
            sheet,
            row,
            (color, meaning),
            (&color_format, &styles.paragraph),
        )?;
    }
    Ok(row)
}

// ---------------------------------------------------------------------------------------------
// 问题清单
