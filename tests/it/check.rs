//! The pre-submission check: every FORM.md tolerance item reads cleanly, every code is raised
//! where it should be, with the real A1 cell.

use crate::support::temp_dir;
use taizhang::builder::{Cell, FormBuilder, Sheet, UnitValues};
use taizhang::check::{check_file, CheckOptions, FileReport};
use taizhang::schema::org;
use taizhang::Code;

/// Write `form` to a temp dir and check it.
fn check(form: &FormBuilder) -> FileReport {
    let dir = temp_dir();
    let path = form
        .write(dir.path().join("白马镇.xlsx"))
        .expect("form written");
    check_file(&path, &CheckOptions::default())
}

fn base() -> FormBuilder {
    FormBuilder::new()
        .unit("白马镇")
        .code("511101001")
        .org(|o| o.name("白马村党支部"))
        .org(|o| o.name("石桥村党支部"))
        .org(|o| o.name("白马社区党支部"))
        .coverage(|c| c)
}

/// (code, cell) of every issue.
fn found(report: &FileReport) -> Vec<(String, String)> {
    report
        .issues()
        .iter()
        .map(|i| (i.code.to_string(), i.cell.clone().unwrap_or_default()))
        .collect()
}

fn assert_clean(form: FormBuilder) -> FileReport {
    let report = check(&form);
    assert!(
        report.issues().is_empty(),
        "expected no issue, got {:#?}",
        report.issues()
    );
    assert_eq!(report.organizations(), form.org_rows().len());
    report
}

fn assert_only(form: &FormBuilder, code: Code, cell: &str) -> FileReport {
    let report = check(form);
    assert_eq!(
        found(&report),
        [(code.to_string(), cell.to_string())],
        "{:#?}",
        report.issues()
    );
    report
}

// ---- tolerance: layout ----

#[test]
fn the_issued_layout_reads_cleanly() {
    let report = assert_clean(base());
    let form = report.form.unwrap();
    assert_eq!(form.unit_name(), Some("白马镇"));
    assert_eq!(form.unit_code(), Some("511101001"));
    assert_eq!(form.coverage.len(), 1);
    assert_eq!(
        form.template_version.as_deref(),
        Some(taizhang::schema::TEMPLATE_VERSION)
    );
}

#[test]
fn title_rows_above_the_header_are_skipped() {
    for rows in [0, 1, 3, 8] {
        let form = base().title_rows(rows);
        let report = assert_clean(form.clone());
        let table = report.form.unwrap().org_table.unwrap();
        assert_eq!(
            table.header_row + 1,
            form.org_header_row(),
            "{rows} title rows"
        );
    }
}

#[test]
fn a_one_row_header_without_the_group_row_is_read() {
    assert_clean(base().one_row_header());
}

#[test]
fn columns_in_another_order_are_read() {
    let mut keys: Vec<&str> = taizhang::schema::ORGANIZATIONS
        .columns
        .iter()
        .map(|c| c.key)
        .collect();
    keys.reverse();
    let form = base()
        .org_columns(&keys)
        .org(|o| o.name("新村党支部").members(Cell::text("若干")));
    let cell = form.org_cell(3, "full_members");
    assert_only(&form, Code::WrongType, &cell);
}

#[test]
fn header_spellings_with_breaks_brackets_and_units_are_read() {
    let form = base()
        .header("full_members", "正式\n党员数")
        .header("probationary", "预备党员数（人）")
        .header("funding", "年度工作经费(万元)")
        .header("venue_area", "活动场所面积")
        .header("satisfaction", " 群众满意度 ");
    assert_clean(form);
}

#[test]
fn extra_columns_are_a_warning_and_ignored() {
    let form = base().extra_column(
        Sheet::Org,
        Some("secretary"),
        "联系人",
        vec![Cell::text("张三")],
    );
    let cell = form.header_cell(Sheet::Org, "联系人");
    let report = assert_only(&form, Code::ExtraColumn, &cell);
    assert_eq!(report.organizations(), 3);
}

#[test]
fn blank_rows_total_rows_and_prenumbered_rows_are_skipped_and_counted() {
    let form = base()
        .blank_rows_after(0, 2)
        .total_row("合计")
        .numbered_empty_rows(5);
    let report = assert_clean(form);
    let form = report.form.unwrap();
    let totals = form
        .skipped
        .iter()
        .filter(|s| s.reason == taizhang::form::SkipReason::Total)
        .count();
    let blanks = form
        .skipped
        .iter()
        .filter(|s| s.reason == taizhang::form::SkipReason::Blank)
        .count();
    assert_eq!((totals, blanks), (1, 7));
}

#[test]
fn renamed_sheets_are_found_by_their_headers() {
    let form = base()
        .sheet_name(Sheet::Org, "Sheet1")
        .sheet_name(Sheet::Coverage, "Sheet2");
    let report = assert_clean(form);
    assert_eq!(report.form.unwrap().coverage.len(), 1);
}

#[test]
fn unit_info_labels_with_colons_values_below_or_inline_are_read() {
    for form in [
        base().label_suffix("："),
        base().label_suffix(":"),
        base().unit_values(UnitValues::Below),
        base().unit_values(UnitValues::InLabel),
    ] {
        let report = assert_clean(form);
        assert_eq!(report.form.unwrap().unit_code(), Some("511101001"));
    }
}

#[test]
fn a_form_without_version_sheet_is_still_read() {
    let report = assert_clean(base().no_meta());
    assert_eq!(report.form.unwrap().template_version, None);
}

// ---- tolerance: values ----

#[test]
fn values_typed_as_text_with_units_and_full_width_digits_are_normalized() {
    let form = base().org(|o| {
        o.name("新村党支部")
            .members(Cell::text("１２人"))
            .probationary(Cell::Empty)
            .committee(Cell::text("3 人"))
            .meetings(
                Cell::text("4次"),
                Cell::text("12 次"),
                Cell::text("４"),
                Cell::text("1,2"),
            )
            .funding(Cell::text("2.5万元"))
            .venue(Cell::text("120㎡"))
            .satisfaction(Cell::text("95％"))
            .on_time_election(Cell::text("√"))
            .org_type(Cell::text("支部"))
            .domain(Cell::text("行政村"))
            .self_tier(Cell::text("优"))
            .secretary_phone(Cell::text("+86 138 0000 1111"))
    });
    let cell = form.org_cell(3, "theme_days");
    let report = assert_only(&form, Code::WrongType, &cell); // "1,2" is not a grouped number
    let record = &report.form.unwrap().organizations[3];
    assert_eq!(record.int(org::FULL_MEMBERS), Some(12));
    assert_eq!(record.int(org::PROBATIONARY), None);
    assert_eq!(record.number(org::VENUE_AREA), Some(120.0));
    assert_eq!(record.number(org::SATISFACTION), Some(95.0));
    assert_eq!(record.choice(org::TYPE), Some("党支部"));
    assert_eq!(record.text(org::SECRETARY_PHONE), Some("13800001111"));
}

#[test]
fn numbers_that_are_codes_or_phones_never_show_float_artifacts() {
    let form = base().code(Cell::Number(511101001.0)).org(|o| {
        o.name("新村党支部")
            .code(Cell::Number(1234567890.0))
            .secretary_phone(Cell::Number(13812345678.0))
    });
    let report = assert_clean(form);
    let form = report.form.unwrap();
    assert_eq!(form.unit_code(), Some("511101001"));
    assert_eq!(form.organizations[3].text(org::CODE), Some("1234567890"));
    assert_eq!(
        form.organizations[3].text(org::SECRETARY_PHONE),
        Some("13812345678")
    );
}

#[test]
fn dates_as_cells_serials_and_text_are_read() {
    for deadline in [
        Cell::date(2026, 10, 31),
        Cell::Number(46326.0),
        Cell::text("2026年10月31日"),
        Cell::text("2026.10.31"),
        Cell::text("20261031"),
    ] {
        let form = base().org(|o| {
            o.name("后进村党支部")
                .satisfaction(50)
                .self_tier("后进")
                .plan("班子软弱", "调整班子", deadline.clone())
        });
        let report = assert_clean(form);
        let date = report.form.unwrap().organizations[3].date(org::DEADLINE);
        assert_eq!(
            date,
            chrono::NaiveDate::from_ymd_opt(2026, 10, 31),
            "{deadline:?}"
        );
    }
}

// ---- codes ----

#[test]
fn e101_missing_required_value() {
    let form = base().edit_org(1, |o| o.domain(Cell::Empty));
    assert_only(&form, Code::MissingValue, &form.org_cell(1, "domain"));
}

#[test]
fn e101_missing_unit_info_value_points_at_the_value_cell() {
    let form = base().filler(Cell::Empty);
    assert_only(&form, Code::MissingValue, &form.unit_cell("filler"));
}

#[test]
fn e103_negative_and_percent_out_of_range() {
    let form = base().edit_org(0, |o| o.members(-2));
    assert_only(&form, Code::OutOfRange, &form.org_cell(0, "full_members"));
    let form = base().edit_org(2, |o| o.satisfaction(120));
    assert_only(&form, Code::OutOfRange, &form.org_cell(2, "satisfaction"));
}

#[test]
fn e104_value_not_in_choice_list() {
    let form = base().edit_org(1, |o| o.org_type("党小组"));
    let report = assert_only(&form, Code::NotAChoice, &form.org_cell(1, "org_type"));
    assert!(report.issues()[0].message.contains("党总支"));
}

#[test]
fn e105_invalid_mobile() {
    let form = base().edit_org(0, |o| o.secretary_phone(Cell::text("1381234567")));
    assert_only(
        &form,
        Code::InvalidMobile,
        &form.org_cell(0, "secretary_phone"),
    );
}

#[test]
fn e106_invalid_unit_phone() {
    let form = base().phone("1234567");
    assert_only(&form, Code::InvalidPhone, &form.unit_cell("phone"));
}

#[test]
fn e107_and_w108_uscc_format_and_check_character() {
    let form = base().edit_coverage(0, |c| c.set("uscc", Cell::text("91510000MA6CG")));
    assert_only(&form, Code::InvalidUscc, &form.coverage_cell(0, "uscc"));
    let good = taizhang::builder::sample_uscc(7);
    let bad = taizhang::builder::with_wrong_check(&good);
    let form = base().edit_coverage(0, |c| c.set("uscc", Cell::text(bad)));
    assert_only(&form, Code::UsccCheckDigit, &form.coverage_cell(0, "uscc"));
}

#[test]
fn e109_e110_duplicate_names_and_codes() {
    let form = base().edit_org(2, |o| o.name("白马村党支部"));
    let report = assert_only(&form, Code::DuplicateName, &form.org_cell(2, "org_name"));
    assert!(report.issues()[0]
        .message
        .contains(&format!("第 {} 行", form.org_row_number(0))));
    let form = base()
        .edit_org(0, |o| o.code("A1"))
        .edit_org(1, |o| o.code(Cell::text("Ａ1")));
    assert_only(&form, Code::DuplicateCode, &form.org_cell(1, "org_code"));
}

#[test]
fn e111_laggard_needs_a_plan_and_e112_deadline_not_before_filing() {
    let form = base().edit_org(1, |o| {
        o.satisfaction(50)
            .self_tier("后进")
            .plan("问题", Cell::Empty, Cell::date(2026, 12, 31))
    });
    assert_only(
        &form,
        Code::LaggardPlanMissing,
        &form.org_cell(1, "measures"),
    );
    let form = base().filled_on(Cell::date(2026, 4, 10)).edit_org(1, |o| {
        o.satisfaction(50)
            .self_tier("后进")
            .plan("问题", "措施", Cell::date(2026, 3, 1))
    });
    assert_only(
        &form,
        Code::DeadlineBeforeFiled,
        &form.org_cell(1, "deadline"),
    );
}

#[test]
fn e113_e114_coverage_consistency() {
    let form = base().edit_coverage(0, |c| {
        c.set("has_party_org", "是").set("coverage", "未覆盖")
    });
    assert_only(
        &form,
        Code::CoverageMismatch,
        &form.coverage_cell(0, "coverage"),
    );
    let form = base().edit_coverage(0, |c| c.set("members", 2).set("coverage", "单独组建"));
    assert_only(
        &form,
        Code::SoloTooFewMembers,
        &form.coverage_cell(0, "members"),
    );
}

#[test]
fn e115_secretary_named_without_mobile() {
    let form = base().edit_org(2, |o| o.secretary_phone(Cell::Empty));
    assert_only(
        &form,
        Code::SecretaryPhoneMissing,
        &form.org_cell(2, "secretary_phone"),
    );
}

#[test]
fn a_vacant_secretary_is_not_a_missing_value() {
    let form = base().edit_org(2, |o| {
        o.vacant_secretary()
            .satisfaction(95)
            .self_tier("后进")
            .plan("书记空缺", "尽快选配", Cell::date(2026, 12, 31))
    });
    assert_clean(form);
}

#[test]
fn e007_missing_required_column_is_reported_once() {
    let form = base().omit("committee_size");
    let report = check(&form);
    let codes: Vec<_> = report.issues().iter().map(|i| i.code).collect();
    assert_eq!(codes, [Code::MissingColumn]);
    assert!(report.issues()[0].message.contains("班子成员数"));
}

#[test]
fn w010_duplicate_column_keeps_the_first() {
    let form = base().extra_column(Sheet::Org, None, "正式党员数", vec![Cell::text("若干")]);
    let report = check(&form);
    let dup: Vec<_> = found(&report)
        .into_iter()
        .filter(|(c, _)| c == "W010")
        .collect();
    assert_eq!(dup.len(), 1, "{:#?}", report.issues());
    let first = form.org_cell(0, "full_members");
    let letters = |a1: &str| {
        a1.trim_end_matches(|c: char| c.is_ascii_digit())
            .to_string()
    };
    assert_ne!(
        letters(&dup[0].1),
        letters(&first),
        "the duplicate is the second occurrence"
    );
    assert_eq!(
        report.errors(),
        0,
        "the ignored duplicate's 若干 is not read"
    );
}

#[test]
fn e008_no_organizations() {
    let form = FormBuilder::new()
        .unit("白马镇")
        .code("511101001")
        .coverage(|c| c);
    let report = check(&form);
    assert_eq!(found(&report), [("E008".to_string(), String::new())]);
}

#[test]
fn e006_missing_unit_information() {
    let form = base().sheet_name(Sheet::Unit, "备用");
    let report = check(&form);
    let codes: Vec<Code> = report.issues().iter().map(|i| i.code).collect();
    assert_eq!(codes, [Code::MissingUnitInfo], "{:#?}", report.issues());
    assert!(report.issues()[0].message.contains("单位信息"));
}

#[test]
fn formula_cells_are_read_by_their_cached_values() {
    let form = base().org(|o| {
        o.name("新村党支部")
            .members(Cell::Formula {
                formula: "=5+7".into(),
                cached: 12.0,
            })
            .satisfaction(Cell::Formula {
                formula: "=190/2".into(),
                cached: 95.0,
            })
    });
    let report = assert_clean(form);
    let record = &report.form.unwrap().organizations[3];
    assert_eq!(record.int(org::FULL_MEMBERS), Some(12));
    assert_eq!(record.number(org::SATISFACTION), Some(95.0));
}

#[test]
fn an_xlsm_file_is_read_like_an_xlsx() {
    let dir = temp_dir();
    let path = dir.path().join("白马镇.xlsm");
    std::fs::write(&path, base().to_bytes().unwrap()).unwrap();
    let report = check_file(&path, &CheckOptions::default());
    assert!(report.issues().is_empty(), "{:#?}", report.issues());
    assert_eq!(report.organizations(), 3);
}

#[test]
fn e005_a_workbook_that_is_not_the_form() {
    let dir = temp_dir();
    let path = dir.path().join("工资表.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "姓名").unwrap();
    sheet.write(0, 1, "工资").unwrap();
    book.save(&path).unwrap();
    let report = check_file(&path, &CheckOptions::default());
    assert_eq!(report.issues().len(), 2, "{:#?}", report.issues()); // not the form, no unit info
    assert_eq!(report.issues()[0].code, Code::NotTheForm);
    assert!(report.issues()[0].message.contains("党组织名称"));
}

#[test]
fn e001_unreadable_files_are_one_file_level_issue() {
    let dir = temp_dir();
    let good = base().to_bytes().unwrap();
    let cases: [(&str, Vec<u8>); 3] = [
        (
            "random.xlsx",
            (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(),
        ),
        ("empty.xlsx", Vec::new()),
        ("truncated.xlsx", good[..good.len() / 2].to_vec()),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let report = check_file(&path, &CheckOptions::default());
        assert!(report.is_unreadable(), "{name}");
        assert_eq!(report.issues().len(), 1, "{name}");
        assert_eq!(
            report.issues()[0].code,
            Code::FileUnreadable,
            "{name}: {:?}",
            report.issues()
        );
    }
}

#[test]
fn cell_references_are_those_of_the_original_sheet_even_with_empty_leading_columns() {
    // Title rows and a value far down: calamine's range starts at the first used cell, the
    // report must still say the real A1 cell.
    let form = base()
        .title_rows(4)
        .edit_org(2, |o| o.committee(Cell::text("三")));
    let cell = form.org_cell(2, "committee_size");
    let report = assert_only(&form, Code::WrongType, &cell);
    assert_eq!(report.issues()[0].row, Some(form.org_row_number(2)));
}
