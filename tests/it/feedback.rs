//! The feedback workbook: every issue listed with the original cell, problem cells holding what
//! the clerk typed, colored by severity, with a note carrying the message.

use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use regex::Regex;
use taizhang::builder::{Cell, FormBuilder};
use taizhang::check::{check_file, CheckOptions, FileReport};
use taizhang::feedback::{
    feedback_file_name, write_feedback, write_feedback_as, FeedbackError, ROW_NUMBER_HEADER,
    SHEET_ISSUES, SHEET_README,
};
use taizhang::read::Limits;
use taizhang::schema::{ORGANIZATIONS, UNIT_INFO};
use taizhang::{Code, Severity};

use crate::support::{file_names, temp_dir};

/// Excel's "bad" fill, used for 错误 cells.
const ERROR_FILL: &str = "FFFFC7CE";
const WARNING_FILL: &str = "FFFFEB9C";
/// Rows above the first record on 党组织情况: title and the two-row header.
const ORG_FIRST_ROW: u32 = 3;

/// 白马镇 with three organizations: a word for a count, a short mobile, and a bad unit phone.
fn mistakes() -> FormBuilder {
    FormBuilder::new()
        .phone("12345")
        .orgs(3)
        .edit_org(1, |o| o.members(Cell::text("若干")))
        .edit_org(2, |o| o.secretary_phone(Cell::text("1381234")))
}

fn checked(form: &FormBuilder, dir: &Path) -> FileReport {
    let path = form.write(dir.join("白马镇.xlsx")).expect("form written");
    check_file(&path, &CheckOptions::default())
}

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// A sheet's cells as (absolute row, column) -> value.
fn sheet(path: &Path, name: &str) -> calamine::Range<Data> {
    open(path).worksheet_range(name).expect("sheet present")
}

fn zip_entries(path: &Path, prefix: &str) -> Vec<(String, String)> {
    let file = std::fs::File::open(path).expect("feedback file");
    let mut archive = zip::ZipArchive::new(file).expect("an xlsx is a zip");
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let name = entry.name().expect("utf-8 name").to_string();
        if name.starts_with(prefix) {
            let mut xml = String::new();
            entry.read_to_string(&mut xml).expect("utf-8 xml");
            entries.push((name, xml));
        }
    }
    entries
}

fn zip_entry(path: &Path, name: &str) -> String {
    zip_entries(path, name)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .1
}

/// The fill color (ARGB) of cell `a1` of the `index`-th worksheet (1-based), via styles.xml.
fn fill_of(path: &Path, index: usize, a1: &str) -> Option<String> {
    let sheet_xml = zip_entry(path, &format!("xl/worksheets/sheet{index}.xml"));
    let cell = Regex::new(&format!(r#"<c r="{a1}"[^>]*\bs="(\d+)""#)).unwrap();
    let style: usize = cell.captures(&sheet_xml)?[1].parse().unwrap();
    let styles = zip_entry(path, "xl/styles.xml");
    let xfs = &styles[styles.find("<cellXfs")?..];
    let xf = Regex::new(r"<xf [^>]*>")
        .unwrap()
        .find_iter(xfs)
        .nth(style)?;
    let fill_id: usize = Regex::new(r#"fillId="(\d+)""#)
        .unwrap()
        .captures(xf.as_str())?[1]
        .parse()
        .unwrap();
    let fills = &styles[styles.find("<fills")?..styles.find("</fills>")?];
    let fill = fills.split("<fill>").nth(fill_id + 1)?;
    let rgb = Regex::new(r#"fgColor rgb="([0-9A-F]{8})""#).unwrap();
    Some(rgb.captures(fill)?[1].to_string())
}

fn xml_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn a1(row: u32, col: u32) -> String {
    taizhang::cellref::a1(row, col)
}

#[test]
fn issue_list_equals_the_check_issues_with_original_cells() {
    let dir = temp_dir();
    let report = checked(&mistakes(), dir.path());
    assert!(report.errors() >= 3, "{:#?}", report.issues());
    let path = write_feedback(&report, &Limits::default(), dir.path())
        .expect("feedback written")
        .expect("a file with issues gets feedback");
    assert_eq!(path, dir.path().join("白马镇_反馈.xlsx"));

    let list = sheet(&path, SHEET_ISSUES);
    let rows: Vec<Vec<String>> = list.rows().map(|r| r.iter().map(text).collect()).collect();
    assert_eq!(rows[0][..5], ["序号", "级别", "代码", "工作表", "原单元格"]);
    assert_eq!(rows.len(), report.issues().len() + 1);
    for (n, (row, issue)) in rows[1..].iter().zip(report.issues()).enumerate() {
        assert_eq!(row[0], (n + 1).to_string());
        assert_eq!(row[1], issue.severity.label());
        assert_eq!(row[2], issue.code.to_string());
        assert_eq!(row[4], issue.cell.clone().unwrap_or_default());
        assert_eq!(row[7], issue.message);
    }
}

#[test]
fn problem_cell_shows_the_raw_value_in_red_with_a_note() {
    let dir = temp_dir();
    let form = mistakes();
    let report = checked(&form, dir.path());
    let path = write_feedback(&report, &Limits::default(), dir.path())
        .unwrap()
        .unwrap();
    let issue = report
        .issues()
        .iter()
        .find(|i| i.code == Code::WrongType && i.field == Some("full_members"))
        .expect("若干 is a wrong type");
    assert_eq!(
        issue.cell.as_deref(),
        Some(form.org_cell(1, "full_members").as_str())
    );

    let orgs = sheet(&path, ORGANIZATIONS.name);
    let col = ORGANIZATIONS.index_of("full_members") as u32 + 1;
    let row = ORG_FIRST_ROW + 1;
    assert_eq!(
        orgs.get_value((1, 0)),
        Some(&Data::String(ROW_NUMBER_HEADER.into()))
    );
    assert_eq!(
        orgs.get_value((row, 0)),
        Some(&Data::Float(form.org_row_number(1) as f64))
    );
    assert_eq!(
        orgs.get_value((row, col)),
        Some(&Data::String("若干".into()))
    );
    // Sheets: 说明, 问题清单, 单位信息, 党组织情况 -> sheet4.xml.
    assert_eq!(
        fill_of(&path, 4, &a1(row, col)).as_deref(),
        Some(ERROR_FILL)
    );
    assert_eq!(
        fill_of(&path, 4, &a1(ORG_FIRST_ROW, col)),
        None,
        "a clean cell is not filled"
    );
    let comments: String = zip_entries(&path, "xl/comments")
        .into_iter()
        .map(|(_, x)| x)
        .collect();
    assert!(
        comments.contains(&xml_escaped(&issue.message)),
        "{comments}"
    );
}

#[test]
fn clean_rows_keep_numbers_as_numbers_and_phones_as_text() {
    let dir = temp_dir();
    let form = mistakes().edit_org(0, |o| o.code(Cell::text("0511101001")));
    let report = checked(&form, dir.path());
    let path = write_feedback(&report, &Limits::default(), dir.path())
        .unwrap()
        .unwrap();
    let orgs = sheet(&path, ORGANIZATIONS.name);
    let at = |key: &str| orgs.get_value((ORG_FIRST_ROW, ORGANIZATIONS.index_of(key) as u32 + 1));
    assert_eq!(at("full_members"), Some(&Data::Float(10.0)));
    assert_eq!(
        at("secretary_phone"),
        Some(&Data::String("13800000001".into()))
    );
    assert_eq!(at("org_code"), Some(&Data::String("0511101001".into())));
    let rows = orgs.rows().count() as u32;
    assert_eq!(rows, ORG_FIRST_ROW + 3, "every submitted row is shown");
}

#[test]
fn unit_info_shows_the_submitted_value_colored_with_its_message() {
    let dir = temp_dir();
    let form = mistakes();
    let report = checked(&form, dir.path());
    let path = write_feedback(&report, &Limits::default(), dir.path())
        .unwrap()
        .unwrap();
    let issue = report
        .issues()
        .iter()
        .find(|i| i.field == Some("phone"))
        .expect("12345 is not a phone number");
    let unit = sheet(&path, UNIT_INFO.name);
    let row = 2 + UNIT_INFO.index_of("phone") as u32;
    assert_eq!(
        unit.get_value((row, 0)),
        Some(&Data::String("联系电话".into()))
    );
    assert_eq!(
        unit.get_value((row, 1)),
        Some(&Data::String("12345".into()))
    );
    assert!(text(unit.get_value((row, 2)).unwrap()).contains(&issue.message));
    assert_eq!(fill_of(&path, 3, &a1(row, 1)).as_deref(), Some(ERROR_FILL));
    let name_row = 2 + UNIT_INFO.index_of("unit_name") as u32;
    assert_eq!(
        unit.get_value((name_row, 1)),
        Some(&Data::String("白马镇".into()))
    );
}

#[test]
fn warnings_are_yellow() {
    let dir = temp_dir();
    let uscc = taizhang::builder::with_wrong_check(&taizhang::builder::sample_uscc(7));
    let form = FormBuilder::new()
        .orgs(1)
        .coverage(|c| c.set("uscc", Cell::text(uscc.clone())));
    let report = checked(&form, dir.path());
    let issue = report
        .issues()
        .iter()
        .find(|i| i.code == Code::UsccCheckDigit)
        .expect("a wrong check character is a warning");
    assert_eq!(issue.severity, Severity::Warning);
    let path = write_feedback(&report, &Limits::default(), dir.path())
        .unwrap()
        .unwrap();
    let col = taizhang::schema::COVERAGE.index_of("uscc") as u32 + 1;
    // 两新组织覆盖 has a one-row header: the first record is on row 3 (index 2).
    assert_eq!(
        fill_of(&path, 5, &a1(2, col)).as_deref(),
        Some(WARNING_FILL)
    );
    let cov = sheet(&path, taizhang::schema::COVERAGE.name);
    assert_eq!(cov.get_value((2, col)), Some(&Data::String(uscc)));
}

#[test]
fn unreadable_file_gets_the_reason_and_the_issue_list() {
    let dir = temp_dir();
    let bad = dir.path().join("坏文件.xlsx");
    std::fs::write(&bad, "这不是电子表格").unwrap();
    let report = check_file(&bad, &CheckOptions::default());
    assert!(report.is_unreadable());
    let path = write_feedback(&report, &Limits::default(), dir.path())
        .unwrap()
        .expect("an unreadable file still gets feedback");
    assert_eq!(
        open(&path).sheet_names(),
        [SHEET_README, SHEET_ISSUES, taizhang::schema::SHEET_META]
    );
    let failure = report.failure.as_ref().unwrap();
    let list = sheet(&path, SHEET_ISSUES);
    assert_eq!(
        text(list.get_value((1, 2)).unwrap()),
        failure.code.to_string()
    );
    assert_eq!(text(list.get_value((1, 7)).unwrap()), failure.message);
    let readme: Vec<String> = sheet(&path, SHEET_README)
        .cells()
        .map(|(_, _, v)| text(v))
        .collect();
    assert!(readme.contains(&"坏文件.xlsx".to_string()), "{readme:?}");
    assert!(readme.contains(&failure.message), "{readme:?}");
}

#[test]
fn clean_file_gets_no_feedback() {
    let dir = temp_dir();
    let report = checked(&FormBuilder::new().orgs(2), dir.path());
    assert_eq!(report.issues(), &[]);
    let written = write_feedback(&report, &Limits::default(), dir.path()).unwrap();
    assert_eq!(written, None);
    assert!(!dir.path().join("白马镇_反馈.xlsx").exists());
}

#[test]
fn explicit_name_is_used_and_must_stay_in_the_folder() {
    let dir = temp_dir();
    let report = checked(&mistakes(), dir.path());
    let limits = Limits::default();
    let name = "511101001_白马镇_反馈.xlsx";
    let path = write_feedback_as(&report, &limits, dir.path(), name).unwrap();
    assert_eq!(path, Some(dir.path().join(name)));
    let leftovers: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tmp"))
        .collect();
    assert_eq!(
        leftovers,
        Vec::<PathBuf>::new(),
        "no temporary file is left behind"
    );
    let escape = write_feedback_as(&report, &limits, dir.path(), "../白马镇_反馈.xlsx");
    assert!(matches!(escape, Err(FeedbackError::FileName { .. })));
    assert_eq!(
        feedback_file_name(Path::new("收件/白马镇.xls")),
        "白马镇_反馈.xlsx"
    );
}

#[test]
fn check_command_writes_feedback_for_files_with_issues() {
    let dir = temp_dir();
    let with_issues = mistakes().write(dir.path().join("白马镇.xlsx")).unwrap();
    let clean = FormBuilder::new()
        .unit("龙泉镇")
        .code("511101002")
        .orgs(1)
        .write(dir.path().join("龙泉镇.xlsx"))
        .unwrap();
    let out = dir.path().join("反馈");
    let assert = assert_cmd::Command::cargo_bin("taizhang")
        .unwrap()
        .arg("check")
        .args([&with_issues, &clean])
        .arg("--feedback")
        .arg(&out)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    let written = out.join("白马镇_反馈.xlsx");
    assert!(written.exists());
    assert!(!out.join("龙泉镇_反馈.xlsx").exists());
    assert_eq!(stderr.trim(), format!("已生成反馈：{}", written.display()));
}

#[test]
fn ledger_feedback_without_a_roster_is_named_by_each_unit_code_and_name() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    for (file, unit, code) in [
        ("a.xlsx", "白马镇", "511101001"),
        ("b.xlsx", "青山镇", "511101002"),
    ] {
        mistakes()
            .unit(unit)
            .code(code)
            .write(inbox.join(file))
            .unwrap();
    }
    let out = dir.path().join("反馈");
    assert_cmd::Command::cargo_bin("taizhang")
        .unwrap()
        .arg("ledger")
        .arg(&inbox)
        .arg("-o")
        .arg(dir.path().join("台账.xlsx"))
        .arg("--feedback")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        file_names(&out),
        ["511101001_白马镇_反馈.xlsx", "511101002_青山镇_反馈.xlsx"]
    );
}
