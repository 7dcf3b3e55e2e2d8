//! 填写示例: the 党组织情况 layout with filled example rows; never ingested.

use super::tables::table_sheet;
use super::*;
use crate::layout;

/// Example rows of 填写示例, by schema key: a clean 优秀 党支部 and a 后进 one with its
/// rectification plan. Keys missing here are left empty.
#[rustfmt::skip]
pub(super) const EXAMPLES: &[&[(&str, &str)]] = &[
    &[
        ("seq", "1"), ("org_name", "中共白云村支部委员会"), ("org_code", "051132100012"),
        ("org_type", "党支部"), ("domain", "农村"), ("full_members", "28"), ("probationary", "2"),
        ("secretary", "张建国"), ("secretary_phone", "13800000001"), ("committee_size", "5"),
        ("on_time_election", "是"), ("general_meetings", "4"), ("committee_meetings", "12"),
        ("party_lectures", "4"), ("theme_days", "12"), ("funding", "2.5"), ("venue_area", "120"),
        ("satisfaction", "96"), ("development", "好"), ("self_tier", "优秀"),
        ("target_tier", "优秀"),
    ],
    &[
        ("seq", "2"), ("org_name", "中共青石社区支部委员会"), ("org_code", "051132100013"),
        ("org_type", "党支部"), ("domain", "社区"), ("full_members", "9"),
        ("secretary", "李明"), ("secretary_phone", "13900000002"), ("committee_size", "1"),
        ("on_time_election", "否"), ("general_meetings", "1"), ("committee_meetings", "3"),
        ("party_lectures", "1"), ("theme_days", "4"), ("funding", "0"), ("venue_area", "30"),
        ("satisfaction", "72"), ("development", "中"), ("self_tier", "后进"),
        ("target_tier", "一般"),
        ("problems", "支委会委员配备不齐，未按期换届；组织生活不经常，党课、主题党日开展少"),
        ("measures", "6月底前完成换届、补齐委员；按月召开支委会、开展主题党日，每季度上一次党课"),
        ("deadline", "2026-06-30"), ("remarks", "没有预备党员的，预备党员数可不填"),
    ],
];

/// The 党组织情况 layout with filled example rows; never ingested.
pub(super) fn example_sheet(styles: &Styles) -> Result<Worksheet, XlsxError> {
    let title = format!("示例镇{}（填写示例）", styles.form_title);
    let mut sheet = table_sheet(&ORGANIZATIONS, &title, styles)?;
    sheet.set_name(schema::SHEET_EXAMPLE)?;
    let first_row = layout::schema_header_rows(&ORGANIZATIONS) + 1;
    for (i, example) in EXAMPLES.iter().enumerate() {
        let row = first_row + i as u32;
        sheet.set_row_height(row, 48)?;
        write_example_row(&mut sheet, row, example, styles)?;
    }
    let note_row = first_row + EXAMPLES.len() as u32 + 1;
    let note = format!(
        "说明：本表只是填写示例，汇总时不读取。请在“{}”表中填报本单位的党组织。",
        ORGANIZATIONS.name
    );
    sheet.write_with_format(note_row, 0, note, &styles.note)?;
    sheet.protect();
    Ok(sheet)
}

pub(super) fn write_example_row(
    sheet: &mut Worksheet,
    row: u32,
    example: &[(&str, &str)],
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (i, column) in ORGANIZATIONS.columns.iter().enumerate() {
        let col = i as u16;
        let format = styles
            .data(column.kind)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        let Some((_, value)) = example.iter().find(|(key, _)| *key == column.key) else {
            sheet.write_blank(row, col, &format)?;
            continue;
        };
        match column.kind {
            Kind::Int { .. } | Kind::Decimal { .. } | Kind::Percent => {
                let number: f64 = value.parse().expect("example numbers are numbers");
                sheet.write_number_with_format(row, col, number, &format)?
            }
            Kind::Date => {
                let date = ExcelDateTime::parse_from_str(value)?;
                sheet.write_datetime_with_format(row, col, &date, &format)?
            }
            _ => sheet.write_string_with_format(row, col, *value, &format)?,
        };
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// _meta
