//! Unit tests of the builder: positions, layouts and USCC helpers.

use super::*;
use crate::normalize::uscc_check_ok;
use calamine::{open_workbook_auto, Data, Reader};

fn read(path: &Path, sheet: &str) -> calamine::Range<Data> {
    let mut wb = open_workbook_auto(path).expect("opens");
    wb.worksheet_range(sheet).expect("sheet exists")
}

/// The cell at an A1 reference, counted from A1 whatever the range's start.
fn at(range: &calamine::Range<Data>, cell: &str) -> Data {
    let (row, col) = crate::cellref::parse_a1(cell).expect("A1 ref");
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

#[test]
fn uscc_check_char_matches_a_published_code_and_the_normalizer() {
    assert_eq!(uscc_check_char("91350100M000100Y4"), Some('3'));
    assert_eq!(uscc_check_char("91350100M000100Y"), None);
    assert_eq!(uscc_check_char("91350100M000100YI"), None);
    for n in 0..500 {
        let code = sample_uscc(n);
        assert_eq!(code.len(), 18);
        assert!(uscc_check_ok(&code), "{code}");
        assert!(!uscc_check_ok(&with_wrong_check(&code)), "{code}");
    }
    assert_ne!(sample_uscc(1), sample_uscc(2));
}

#[test]
fn default_layout_puts_cells_where_it_says() {
    let dir = tempfile::tempdir().unwrap();
    let form = FormBuilder::new()
        .org(|o| o.members(12))
        .org(|o| o.members("１２人").deadline(Cell::date(2026, 6, 30)))
        .coverage(|c| c);
    let path = form.write(dir.path().join("f.xlsx")).unwrap();
    assert_eq!(form.org_cell(0, "full_members"), "F4");
    assert_eq!(form.org_cell(1, "full_members"), "F5");
    assert_eq!(form.header_cell(Sheet::Org, "full_members"), "F2");
    assert_eq!(form.header_cell(Sheet::Org, "theme_days"), "O3");
    let orgs = read(&path, "党组织情况");
    assert_eq!(at(&orgs, "F4"), Data::Float(12.0));
    assert_eq!(at(&orgs, "F5"), Data::String("１２人".into()));
    assert_eq!(at(&orgs, "B4"), Data::String("白马镇第1党支部".into()));
    assert_eq!(at(&orgs, "F2"), Data::String("正式党员数".into()));
    assert_eq!(
        at(&orgs, "L2"),
        Data::String("三会一课及主题党日开展次数".into())
    );
    assert_eq!(at(&orgs, "L3"), Data::String("党员大会次数".into()));
    assert!(matches!(
        at(&orgs, &form.org_cell(1, "deadline")),
        Data::DateTime(_)
    ));
    let unit = read(&path, "单位信息");
    assert_eq!(at(&unit, "A2"), Data::String("填报单位".into()));
    assert_eq!(
        at(&unit, &form.unit_cell("unit_code")),
        Data::String("511101001".into())
    );
    assert!(matches!(at(&unit, "B7"), Data::DateTime(_)));
    let cov = read(&path, "两新组织覆盖");
    assert_eq!(form.coverage_cell(0, "uscc"), "B3");
    assert_eq!(at(&cov, "B3"), Data::String(sample_uscc(1)));
    assert_eq!(
        at(&read(&path, "_meta"), "B1"),
        Data::String(schema::TEMPLATE_VERSION.into())
    );
}

#[test]
fn variations_move_cells_and_the_helpers_follow() {
    let dir = tempfile::tempdir().unwrap();
    let form = FormBuilder::new()
        .title_rows(2)
        .one_row_header()
        .org_columns(&["org_name", "full_members", "org_type", "seq"])
        .header("full_members", "正式\n党员数")
        .extra_column(Sheet::Org, Some("org_name"), "联系人", vec!["李四".into()])
        .sheet_name(Sheet::Org, "Sheet1")
        .blank_rows_after(0, 2)
        .numbered_empty_rows(3)
        .total_row("合计")
        .label_suffix("：")
        .unit_values(UnitValues::Below)
        .no_meta()
        .orgs(2);
    let path = form.write(dir.path().join("v.xlsx")).unwrap();
    assert_eq!(form.org_cell(0, "full_members"), "C4");
    assert_eq!(form.org_cell(1, "full_members"), "C7");
    assert_eq!(form.header_cell(Sheet::Org, "联系人"), "B3");
    assert_eq!(form.total_row_number(), Some(11));
    let orgs = read(&path, "Sheet1");
    assert_eq!(at(&orgs, "C3"), Data::String("正式\n党员数".into()));
    assert_eq!(at(&orgs, "B4"), Data::String("李四".into()));
    assert_eq!(at(&orgs, "E10"), Data::Float(5.0));
    assert_eq!(at(&orgs, "E11"), Data::String("合计".into()));
    assert_eq!(at(&orgs, "C11"), Data::Float(20.0));
    let unit = read(&path, "单位信息");
    assert_eq!(at(&unit, "A4"), Data::String("单位代码：".into()));
    assert_eq!(form.unit_cell("unit_code"), "B5");
    assert_eq!(at(&unit, "B5"), Data::String("511101001".into()));
    let wb = open_workbook_auto(&path).unwrap();
    assert!(!wb.sheet_names().iter().any(|s| s == "_meta"));
}

#[test]
fn label_and_value_in_one_cell() {
    let form = FormBuilder::new()
        .no_unit_title()
        .unit_values(UnitValues::InLabel);
    let dir = tempfile::tempdir().unwrap();
    let path = form.write(dir.path().join("u.xlsx")).unwrap();
    let unit = read(&path, "单位信息");
    assert_eq!(form.unit_cell("unit_name"), "A1");
    assert_eq!(at(&unit, "A1"), Data::String("填报单位：白马镇".into()));
    assert_eq!(at(&unit, "A6"), Data::String("填报日期：2026-04-10".into()));
}

#[test]
fn constant_memory_writes_the_same_cells() {
    let form = FormBuilder::new()
        .constant_memory(true)
        .total_row("合计")
        .orgs(3);
    let dir = tempfile::tempdir().unwrap();
    let path = form.write(dir.path().join("c.xlsx")).unwrap();
    let orgs = read(&path, "党组织情况");
    assert_eq!(at(&orgs, "L3"), Data::String("党员大会次数".into()));
    assert_eq!(at(&orgs, "F2"), Data::String("正式党员数".into()));
    assert_eq!(
        at(&orgs, &form.org_cell(2, "org_name")),
        Data::String("白马镇第3党支部".into())
    );
    assert_eq!(at(&orgs, "F7"), Data::Float(30.0));
}
