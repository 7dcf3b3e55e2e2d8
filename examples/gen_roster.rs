//! Writes `samples/roster.xlsx`: the roster (花名册) of the fictional 青山县, one row per unit
//! whose return is in `samples/摸底`. Run `cargo run --example gen_roster` after changing it;
//! the test `sample_roster_matches_the_samples` keeps the committed file in step.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

/// 单位代码, 单位名称, 单位类别, 联系人, 联系电话.
pub const UNITS: [(&str, &str, &str, &str, &str); 14] = [
    ("511101001", "城关街道", "街道", "李娜", "13808310001"),
    ("511101002", "东城街道", "街道", "王芳", "13808310002"),
    ("511101003", "白马镇", "乡镇", "张丽", "13808310003"),
    ("511101004", "龙泉镇", "乡镇", "刘洋", "13808310004"),
    ("511101005", "西河镇", "乡镇", "陈静", "13808310005"),
    ("511101006", "柳溪镇", "乡镇", "杨帆", "13808310006"),
    ("511101007", "双河镇", "乡镇", "赵敏", "13808310007"),
    ("511101008", "凤凰镇", "乡镇", "黄磊", "13808310008"),
    ("511101009", "石门乡", "乡镇", "周杰", "13808310009"),
    ("511101010", "桃源乡", "乡镇", "吴刚", "13808310010"),
    ("511101011", "金竹乡", "乡镇", "徐丽", "13808310011"),
    ("511101012", "青林乡", "乡镇", "孙悦", "13808310012"),
    (
        "511101101",
        "青山县教育局",
        "县级部门",
        "胡军",
        "0831-2345101",
    ),
    (
        "511101102",
        "青山县卫生健康局",
        "县级部门",
        "朱红",
        "0831-2345102",
    ),
];

fn main() -> Result<(), XlsxError> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/roster.xlsx");
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = workbook.add_worksheet();
    sheet.set_name("花名册")?;
    let header = Format::new().set_bold().set_border(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    for (col, (title, width)) in [
        ("单位代码", 12.0),
        ("单位名称", 18.0),
        ("单位类别", 10.0),
        ("联系人", 8.0),
        ("联系电话", 14.0),
    ]
    .into_iter()
    .enumerate()
    {
        sheet.set_column_width(col as u16, width)?;
        sheet.write_string_with_format(0, col as u16, title, &header)?;
    }
    for (row, unit) in UNITS.iter().enumerate() {
        let row = row as u32 + 1;
        let (code, name, kind, contact, phone) = *unit;
        for (col, value) in [code, name, kind, contact, phone].into_iter().enumerate() {
            sheet.write_string_with_format(row, col as u16, value, &text)?;
        }
    }
    workbook.save(&path)?;
    println!("已生成 {}", path.display());
    Ok(())
}
