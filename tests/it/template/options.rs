//! The form says what the county decided: its standard (`--rules`), its deadline
//! (`--deadline`), its round (`--stage`) and its year (`--year`); and what it says is read back.

use std::path::Path;

use calamine::{Data, Reader};
use taizhang::check::{check_file, CheckOptions};
use taizhang::rules::Rules;
use taizhang::schema::{self, ORGANIZATIONS, UNIT_INFO};
use taizhang::stage::{flag_other_stage, SurveyStage};
use taizhang::Code;

use super::{open, text, validations, zip_entry};
use crate::support::{file_names, root, temp_dir};

/// `taizhang template <args>` into a fresh folder: the folder and the files written in it.
fn issue_with(args: &[&str]) -> (tempfile::TempDir, Vec<String>) {
    let dir = temp_dir();
    let output = assert_cmd::Command::cargo_bin("taizhang")
        .unwrap()
        .arg("template")
        .args(args)
        .arg("-o")
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    let names = file_names(dir.path());
    (dir, names)
}

/// Every text of a sheet, one string per cell.
fn sheet_texts(path: &Path, sheet: &str) -> Vec<String> {
    let range = open(path).worksheet_range(sheet).expect("sheet");
    range.cells().map(|(_, _, v)| v.to_string()).collect()
}

/// The value of a 单位信息 field as written in column B.
fn unit_value(path: &Path, key: &str) -> String {
    let range = open(path).worksheet_range(UNIT_INFO.name).expect("sheet");
    text(&range, 1 + UNIT_INFO.index_of(key) as u32, 1)
}

#[test]
fn the_countys_own_standard_is_the_one_the_form_describes() {
    let dir = temp_dir();
    let rules_path = dir.path().join("县标准.toml");
    // A different tier name and threshold than the embedded standard's.
    let county = std::fs::read_to_string(root().join("templates/rules.toml"))
        .unwrap()
        .replace("name = \"优秀\"\nmin = 85", "name = \"先进\"\nmin = 88");
    assert!(county.contains("先进"), "the rules file changed");
    std::fs::write(&rules_path, &county).unwrap();
    let (out, names) = issue_with(&["--rules", rules_path.to_str().unwrap()]);
    let lines = sheet_texts(&out.path().join(&names[0]), schema::SHEET_INSTRUCTIONS);
    let described = Rules::load(&rules_path).unwrap().describe();
    let tier = described.iter().find(|l| l.contains("先进")).expect("tier");
    assert!(tier.contains("88"), "{tier}");
    for line in &described {
        assert!(lines.contains(line), "填报说明 lacks {line}");
    }
    let embedded = Rules::embedded().describe();
    let default_tier = embedded.iter().find(|l| l.contains("85 分")).unwrap();
    assert!(
        !lines.contains(default_tier),
        "the embedded standard is gone"
    );
    // The four-grade standard too, with its own tier names.
    let four = root().join("templates/rules-4grade.toml");
    let (out, names) = issue_with(&["--rules", four.to_str().unwrap()]);
    let lines = sheet_texts(&out.path().join(&names[0]), schema::SHEET_INSTRUCTIONS);
    assert!(lines.iter().any(|l| l.contains("“较好”")), "{lines:?}");
}

#[test]
fn the_deadline_given_is_the_one_the_form_says() {
    let (dir, names) = issue_with(&["--deadline", "2027-05-20"]);
    assert_eq!(names, [schema::TEMPLATE_FILE]);
    let path = dir.path().join(&names[0]);
    let all = sheet_texts(&path, schema::SHEET_INSTRUCTIONS).join("\n");
    assert!(
        all.contains("摸底调查请于2027年5月20日前报送县委组织部"),
        "{all}"
    );
    assert!(!all.contains("4月15日"), "no second deadline: {all}");
    // The deadline's round is the form's, its year the title's.
    assert_eq!(unit_value(&path, "stage"), "摸底");
    assert!(
        all.starts_with("2027年基层党组织分类定级摸底调查表填报说明"),
        "{all}"
    );
}

#[test]
fn a_year_end_form_says_its_round_in_its_name_title_and_stage() {
    let (dir, names) = issue_with(&["--stage", "年终", "--year", "2026"]);
    assert_eq!(names, ["基层党组织分类定级年终复评表.xlsx"]);
    let path = dir.path().join(&names[0]);
    let title = "2026年基层党组织分类定级年终复评表";
    let orgs = open(&path).worksheet_range(ORGANIZATIONS.name).unwrap();
    assert_eq!(text(&orgs, 0, 0), title);
    assert_eq!(unit_value(&path, "stage"), "年终");
    let stage_cell = format!("B{}", 2 + UNIT_INFO.index_of("stage"));
    let hinted = validations(&path, UNIT_INFO.name);
    assert!(
        hinted.iter().all(|v| v.sqref != stage_cell),
        "{stage_cell} is fixed, no dropdown"
    );
    let all = sheet_texts(&path, schema::SHEET_INSTRUCTIONS).join("\n");
    assert!(
        all.contains("年终复评请于12月31日前报送县委组织部"),
        "{all}"
    );
    assert!(
        !all.contains("摸底调查"),
        "nothing of the other round: {all}"
    );
    let core = zip_entry(&path, "docProps/core.xml");
    assert!(
        core.contains(&format!("<dc:title>{title}</dc:title>")),
        "{core}"
    );
    let sheet1 = zip_entry(&path, "xl/worksheets/sheet1.xml");
    assert!(
        sheet1.contains(&format!("&amp;L{title}")),
        "printed on every page"
    );
}

#[test]
fn the_year_given_is_in_every_title_and_this_year_by_default() {
    let (dir, names) = issue_with(&["--year", "2031"]);
    let path = dir.path().join(&names[0]);
    let title = format!("2031{}", "年基层党组织分类定级摸底调查表");
    let mut book = open(&path);
    let instructions = book.worksheet_range(schema::SHEET_INSTRUCTIONS).unwrap();
    assert_eq!(text(&instructions, 0, 0), format!("{title}填报说明"));
    let orgs = book.worksheet_range(ORGANIZATIONS.name).unwrap();
    assert_eq!(text(&orgs, 0, 0), title);
    let example = book.worksheet_range(schema::SHEET_EXAMPLE).unwrap();
    assert_eq!(text(&example, 0, 0), format!("示例镇{title}（填写示例）"));
    // Without --year or --deadline: this year; the stage still left to the clerk.
    let (dir, names) = issue_with(&[]);
    let path = dir.path().join(&names[0]);
    let this_year = chrono::Datelike::year(&chrono::Local::now());
    let orgs = open(&path).worksheet_range(ORGANIZATIONS.name).unwrap();
    assert_eq!(
        text(&orgs, 0, 0),
        format!("{this_year}年{}", schema::FORM_TITLE)
    );
    assert_eq!(unit_value(&path, "stage"), "");
}

#[test]
fn roster_forms_of_the_year_end_carry_the_round_in_their_names() {
    let roster = root().join("samples/roster.xlsx");
    let args = ["--roster", roster.to_str().unwrap(), "--stage", "年终"];
    let (dir, names) = issue_with(&args);
    assert_eq!(names.len(), 14);
    assert!(names.contains(&"511101001_城关街道_年终复评表.xlsx".to_string()));
    assert!(
        names.iter().all(|n| n.ends_with("_年终复评表.xlsx")),
        "{names:?}"
    );
    let path = dir.path().join("511101001_城关街道_年终复评表.xlsx");
    assert_eq!(unit_value(&path, "stage"), "年终");
    assert_eq!(unit_value(&path, "unit_name"), "城关街道");
    // Unfilled forms of ours: the next run replaces them without --force.
    let again = assert_cmd::Command::cargo_bin("taizhang")
        .unwrap()
        .arg("template")
        .args(args)
        .arg("-o")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{again:?}");
}

#[test]
fn a_deadline_outside_its_rounds_months_is_refused_before_anything_is_written() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["--stage", "年终", "--deadline", "2026-04-15"],
            "截止日期 2026-04-15 在 4 月，不是年终复评的截止时间",
        ),
        (
            &["--stage", "摸底", "--deadline", "2026-10-15"],
            "不是摸底调查的截止时间",
        ),
        (
            &["--year", "2025", "--deadline", "2026-04-15"],
            "--year 2025 与截止日期 2026-04-15 不在同一年",
        ),
    ];
    for (args, expected) in cases {
        let dir = temp_dir();
        let output = assert_cmd::Command::cargo_bin("taizhang")
            .unwrap()
            .arg("template")
            .args(args)
            .arg("-o")
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(file_names(dir.path()).is_empty());
    }
}

/// The issued form as a clerk returns it: every cell of every sheet kept (titles, headers,
/// prefilled values, the hidden `_meta`), 单位信息 completed and the first row of 填写示例
/// typed into 党组织情况.
fn fill(template: &Path, to: &Path) {
    let example = open(template)
        .worksheet_range(schema::SHEET_EXAMPLE)
        .unwrap();
    let first_row = 3;
    copy_with(template, to, |name, sheet| {
        if name == UNIT_INFO.name {
            let filled = [
                ("unit_name", "白马镇"),
                ("unit_code", "511101001"),
                ("filler", "张丽"),
                ("phone", "0831-1234567"),
                ("filled_on", "2026-12-01"),
            ];
            for (key, value) in filled {
                let row = 1 + UNIT_INFO.index_of(key) as u32;
                sheet.write_string(row, 1, value).unwrap();
            }
        }
        if name == ORGANIZATIONS.name {
            for col in 0..ORGANIZATIONS.columns.len() as u32 {
                if let Some(value) = example.get_value((first_row, col)) {
                    write_data(sheet, first_row, col as u16, value);
                }
            }
        }
    });
}

/// A workbook copied cell by cell, every sheet kept (the hidden `_meta` hidden), with `edit`
/// typing into each sheet after its cells are copied.
fn copy_with(from: &Path, to: &Path, mut edit: impl FnMut(&str, &mut rust_xlsxwriter::Worksheet)) {
    let mut book = open(from);
    let mut out = rust_xlsxwriter::Workbook::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let sheet = out.add_worksheet();
        sheet.set_name(&name).unwrap();
        sheet.set_hidden(name == schema::SHEET_META);
        for (row, col, value) in range.used_cells() {
            let (r0, c0) = range.start().unwrap();
            write_data(sheet, r0 + row as u32, (c0 + col as u32) as u16, value);
        }
        edit(&name, sheet);
    }
    out.save(to).unwrap();
}

fn write_data(sheet: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, value: &Data) {
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    match value {
        Data::Empty => Ok(sheet),
        Data::Float(f) => sheet.write_number(row, col, *f),
        Data::Int(i) => sheet.write_number(row, col, *i as f64),
        Data::Bool(b) => sheet.write_boolean(row, col, *b),
        Data::DateTime(d) => sheet.write_number_with_format(row, col, d.as_f64(), &date),
        other => sheet.write_string(row, col, other.to_string()),
    }
    .unwrap();
}

#[test]
fn a_year_end_form_filled_in_is_read_back_clean() {
    let args = ["--stage", "年终", "--deadline", "2026-12-10", "--rules"];
    let four = root().join("templates/rules-4grade.toml");
    let (dir, names) = issue_with(&[&args[..], &[four.to_str().unwrap()]].concat());
    let template = dir.path().join(&names[0]);
    // As issued: only what the clerk must still fill is asked for; the stage is there.
    let report = check_file(&template, &CheckOptions::default());
    let form = report.form.as_ref().expect("readable");
    assert_eq!(form.stage(), Some("年终"));
    assert_eq!(
        form.template_version.as_deref(),
        Some(schema::TEMPLATE_VERSION)
    );
    let open_fields: Vec<&str> = (report.issues().iter())
        .filter(|i| i.code == Code::MissingValue)
        .filter_map(|i| i.field)
        .collect();
    assert_eq!(
        open_fields,
        ["unit_name", "unit_code", "filler", "phone", "filled_on"]
    );
    // Filled in: nothing to say, under the standard it was issued with and its round.
    let returned = dir.path().join("白马镇.xlsx");
    fill(&template, &returned);
    let options = CheckOptions {
        rules: Rules::load(&four).unwrap(),
        ..CheckOptions::default()
    };
    let mut report = check_file(&returned, &options);
    flag_other_stage(&mut report, SurveyStage::YearEnd);
    let form = report.form.as_ref().expect("readable");
    assert_eq!(form.organizations.len(), 1);
    assert_eq!(form.unit_name(), Some("白马镇"));
    assert_eq!(report.issues(), [], "a clean return");
    // Put among the 摸底 returns, it is named as the other round's.
    let mut report = check_file(&returned, &options);
    flag_other_stage(&mut report, SurveyStage::Baseline);
    let codes: Vec<Code> = report.issues().iter().map(|i| i.code).collect();
    assert_eq!(codes, [Code::StageNotCollected]);
}

/// A blank form into which a clerk typed only names and codes is a clerk's work, not an
/// unfilled form of ours: the next `template` run refuses to replace it (only a form issued
/// with that many organizations, by `--baseline`, may hold such rows and still be ours).
#[test]
fn names_and_codes_a_clerk_typed_are_never_replaced() {
    let (dir, names) = issue_with(&[]);
    let path = dir.path().join(&names[0]);
    copy_with(&path, &path, |name, sheet| {
        if name == ORGANIZATIONS.name {
            let (name_col, code_col) = (
                ORGANIZATIONS.index_of("org_name") as u16,
                ORGANIZATIONS.index_of("org_code") as u16,
            );
            sheet.write_string(3, name_col, "白马村党支部").unwrap();
            sheet.write_string(3, code_col, "5111010010001").unwrap();
        }
    });
    let typed = std::fs::read(&path).unwrap();
    let output = assert_cmd::Command::cargo_bin("taizhang")
        .unwrap()
        .arg("template")
        .arg("-o")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_ne!(output.status.code(), Some(0), "refused");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        typed,
        "the clerk's file as it was"
    );
}
