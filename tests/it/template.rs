//! The issued form: current with the code, laid out from the schema, validated, versioned.
//!
//! Regenerate the committed form with `TAIZHANG_BLESS=1 cargo test --test it template::`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Dimensions, Reader, SheetVisible, Xlsx};
use rust_xlsxwriter::utility::column_number_to_name;
use taizhang::check::{check_file, CheckOptions};
use taizhang::rules::{Rules, FOUR_GRADE_TOML};
use taizhang::schema::{self, fold_header, Column, Kind, Need, SheetSchema};
use taizhang::schema::{COVERAGE, ORGANIZATIONS, UNIT_INFO};
use taizhang::template::{write_template, TemplateOptions, VERSION_PROPERTY};
use taizhang::Code;

use crate::support::{root, temp_dir};

/// What the county decided: `--rules`, `--deadline`, `--stage`, `--year`.
mod options;
/// The year-end form pre-filled from the April ledger: `--baseline`.
mod year_end;

const BLESS_HINT: &str = "TAIZHANG_BLESS=1 cargo test --test it template::";

fn committed_path() -> PathBuf {
    root().join("templates").join(schema::TEMPLATE_FILE)
}

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A text form of a whole sheet: every non-empty cell as "A1=value", then its merged ranges.
fn sheet_lines(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Vec<String> {
    let range = book.worksheet_range(name).expect("sheet");
    let mut lines: Vec<String> = range
        .used_cells()
        .filter(|(_, _, v)| !matches!(v, Data::Empty))
        .map(|(r, c, v)| {
            let (row, col) = (r as u32 + range.start().unwrap().0, c as u32);
            let col = col + range.start().unwrap().1;
            format!("{}{}={v:?}", column_number_to_name(col as u16), row + 1)
        })
        .collect();
    let merged = book.merge_cells_by_sheet_name(name).expect("merges");
    lines.extend(merged.iter().map(|d| format!("merged {d:?}")));
    lines
}

/// Everything a clerk can see or be stopped by, per part: cells and merges of every sheet
/// (read with calamine), the data validations of every sheet and the custom properties.
fn contents(path: &Path) -> BTreeMap<String, Vec<String>> {
    let mut book = open(path);
    let mut parts = BTreeMap::new();
    for (i, name) in book.sheet_names().into_iter().enumerate() {
        let mut lines = sheet_lines(&mut book, &name);
        lines.extend(validations(path, &name).iter().map(|v| format!("{v:?}")));
        parts.insert(format!("{i} {name}"), lines);
    }
    parts.insert(
        "custom.xml".into(),
        vec![zip_entry(path, "docProps/custom.xml")],
    );
    parts
}

#[test]
fn committed_template_is_current() {
    if std::env::var_os("TAIZHANG_BLESS").is_some() {
        write_template(&root().join("templates"), &TemplateOptions::default()).expect("bless");
    }
    let dir = temp_dir();
    let fresh = write_template(dir.path(), &TemplateOptions::default()).expect("write");
    let committed = committed_path();
    assert!(
        committed.exists(),
        "{} is missing; generate it with `{BLESS_HINT}`",
        committed.display()
    );
    let (want, have) = (contents(&fresh), contents(&committed));
    for (part, lines) in &want {
        let old = have.get(part).cloned().unwrap_or_default();
        let diff = lines.iter().zip(&old).find(|(a, b)| a != b);
        assert!(
            *lines == old,
            "templates/{} is stale in {part}: first difference {diff:?} ({} vs {} entries); \
             regenerate it with `{BLESS_HINT}` and commit it",
            schema::TEMPLATE_FILE,
            lines.len(),
            old.len()
        );
    }
    assert_eq!(
        want.len(),
        have.len(),
        "sheets differ; regenerate with `{BLESS_HINT}`"
    );
}

fn text(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => panic!("({row}, {col}) is not text: {other:?}"),
    }
}

/// The header as written: the schema header, with a "*" in front of required columns only.
fn assert_header(written: &str, schema: &SheetSchema, index: usize) {
    let column = &schema.columns[index];
    let star = if column.need == Need::Required {
        "*"
    } else {
        ""
    };
    assert_eq!(written, format!("{star}{}", column.header));
    assert_eq!(
        schema.match_header(&fold_header(written)),
        Some(index),
        "{written}"
    );
}

#[test]
fn organization_header_is_the_schema_with_merged_groups() {
    let dir = temp_dir();
    let path = write_template(dir.path(), &TemplateOptions::default()).expect("write");
    let mut book = open(&path);
    let range = book.worksheet_range(ORGANIZATIONS.name).expect("sheet");
    let merged = book.merge_cells_by_sheet_name(ORGANIZATIONS.name).unwrap();
    let is_merged = |from: (u32, u32), to: (u32, u32)| merged.contains(&Dimensions::new(from, to));
    let last = ORGANIZATIONS.columns.len() as u32 - 1;
    assert_eq!(text(&range, 0, 0), schema::FORM_TITLE);
    assert!(
        is_merged((0, 0), (0, last)),
        "title merged across the table"
    );
    let mut col = 0;
    while col < ORGANIZATIONS.columns.len() {
        let c = col as u32;
        match ORGANIZATIONS.columns[col].group {
            None => {
                assert_header(&text(&range, 1, c), &ORGANIZATIONS, col);
                assert_eq!(text(&range, 2, c), "");
                assert!(is_merged((1, c), (2, c)), "column {c} merged over rows 2-3");
                col += 1;
            }
            Some(group) => {
                let span = ORGANIZATIONS.columns[col..]
                    .iter()
                    .take_while(|x| x.group == Some(group))
                    .count();
                assert_eq!(text(&range, 1, c), group);
                assert!(is_merged((1, c), (1, c + span as u32 - 1)), "group {group}");
                for i in col..col + span {
                    assert_header(&text(&range, 2, i as u32), &ORGANIZATIONS, i);
                }
                col += span;
            }
        }
    }
    assert!(ORGANIZATIONS.columns.iter().any(|c| c.group.is_some()));
}

#[test]
fn coverage_and_unit_info_follow_the_schema() {
    let dir = temp_dir();
    let path = write_template(dir.path(), &TemplateOptions::default()).expect("write");
    let mut book = open(&path);
    let coverage = book.worksheet_range(COVERAGE.name).expect("sheet");
    for i in 0..COVERAGE.columns.len() {
        assert_header(&text(&coverage, 1, i as u32), &COVERAGE, i);
    }
    let unit = book.worksheet_range(UNIT_INFO.name).expect("sheet");
    assert_eq!(text(&unit, 0, 0), "填报单位信息");
    for (i, column) in UNIT_INFO.columns.iter().enumerate() {
        assert_eq!(text(&unit, 1 + i as u32, 0), column.header);
        assert_eq!(
            text(&unit, 1 + i as u32, 1),
            "",
            "blank form leaves values empty"
        );
    }
    let names = book.sheet_names();
    let expected = [
        schema::SHEET_INSTRUCTIONS,
        UNIT_INFO.name,
        ORGANIZATIONS.name,
        COVERAGE.name,
        schema::SHEET_EXAMPLE,
        schema::SHEET_META,
    ];
    assert_eq!(names, expected);
}

/// One `<dataValidation>` of a sheet: its type, range and list formula.
#[derive(Debug, PartialEq)]
struct Validation {
    kind: String,
    sqref: String,
    formula: String,
    prompt: String,
    error: String,
}

fn zip_entry(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).expect("open");
    let mut archive = zip::ZipArchive::new(file).expect("zip");
    let mut xml = String::new();
    let mut entry = archive.by_name(name).unwrap_or_else(|_| panic!("{name}"));
    entry.read_to_string(&mut xml).expect("utf-8");
    xml
}

fn attribute(element: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    element
        .split_once(key.as_str())
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(value, _)| value.to_string())
        .unwrap_or_default()
}

/// The data validations of a sheet, from its XML (the worksheets are numbered in tab order).
fn validations(path: &Path, sheet: &str) -> Vec<Validation> {
    let position = open(path)
        .sheet_names()
        .iter()
        .position(|n| n == sheet)
        .expect("sheet");
    let xml = zip_entry(path, &format!("xl/worksheets/sheet{}.xml", position + 1));
    xml.split("<dataValidation ")
        .skip(1)
        .map(|element| {
            let element = format!(" {}", element.split("</dataValidation>").next().unwrap());
            let element = element.as_str();
            let formula = element
                .split_once("<formula1>")
                .and_then(|(_, rest)| rest.split_once("</formula1>"))
                .map(|(f, _)| f.to_string())
                .unwrap_or_default();
            Validation {
                kind: attribute(element, "type"),
                sqref: attribute(element, "sqref"),
                formula,
                prompt: attribute(element, "prompt"),
                error: attribute(element, "error"),
            }
        })
        .collect()
}

/// The Excel validation type a column kind must get ("" for a hint without a rule).
fn expected_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Choice(_) | Kind::Bool => "list",
        Kind::Int { .. } => "whole",
        Kind::Decimal { .. } | Kind::Percent => "decimal",
        Kind::Date => "date",
        Kind::Mobile | Kind::Uscc => "textLength",
        Kind::Text | Kind::Code | Kind::Phone => "",
    }
}

fn assert_validations(path: &Path, schema: &SheetSchema, first_row: u32, last_row: u32) {
    let found = validations(path, schema.name);
    let validated: Vec<(usize, &Column)> = schema
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| !expected_type(c.kind).is_empty() || !c.hint.is_empty())
        .collect();
    assert_eq!(found.len(), validated.len(), "one validation per column");
    for (i, column) in validated {
        let col = column_number_to_name(i as u16);
        let sqref = format!("{col}{first_row}:{col}{last_row}");
        let v = found
            .iter()
            .find(|v| v.sqref == sqref)
            .unwrap_or_else(|| panic!("{}: no validation on {sqref}", column.header));
        assert_eq!(v.kind, expected_type(column.kind), "{}", column.header);
        assert!(
            v.prompt.contains(column.hint),
            "{}: {}",
            column.header,
            v.prompt
        );
        let choices: &[&str] = match column.kind {
            Kind::Choice(choices) => choices.values,
            Kind::Bool => &["是", "否"],
            _ => &[],
        };
        for choice in choices {
            assert!(v.formula.contains(choice), "{}: {choice}", column.header);
        }
        if !v.kind.is_empty() {
            assert!(v.error.starts_with("应"), "{}: {}", column.header, v.error);
        }
    }
}

#[test]
fn every_validated_column_has_one_data_validation() {
    let dir = temp_dir();
    let path = write_template(dir.path(), &TemplateOptions::default()).expect("write");
    assert_validations(&path, &ORGANIZATIONS, 4, 1003);
    assert_validations(&path, &COVERAGE, 3, 502);
    let unit = validations(&path, UNIT_INFO.name);
    assert_eq!(unit.len(), UNIT_INFO.columns.len());
    let stage = unit.iter().find(|v| v.sqref == "B4").expect("调查阶段");
    assert_eq!(stage.kind, "list");
    assert!(stage.formula.contains("摸底") && stage.formula.contains("年终"));
    assert!(unit.iter().any(|v| v.sqref == "B7" && v.kind == "date"));
}

#[test]
fn version_is_in_meta_sheet_and_custom_property() {
    let dir = temp_dir();
    let path = write_template(dir.path(), &TemplateOptions::default()).expect("write");
    let mut book = open(&path);
    let meta = book
        .sheets_metadata()
        .iter()
        .find(|s| s.name == schema::SHEET_META)
        .expect("_meta sheet")
        .visible;
    assert_eq!(meta, SheetVisible::Hidden);
    let range = book.worksheet_range(schema::SHEET_META).expect("sheet");
    assert_eq!(text(&range, 0, 0), "template_version");
    assert_eq!(text(&range, 0, 1), schema::TEMPLATE_VERSION);
    let custom = zip_entry(&path, "docProps/custom.xml");
    assert!(
        custom.contains(&format!("name=\"{VERSION_PROPERTY}\"")),
        "{custom}"
    );
    assert!(
        custom.contains(&format!(">{}<", schema::TEMPLATE_VERSION)),
        "{custom}"
    );
}

#[test]
fn prefilled_form_carries_the_unit() {
    let dir = temp_dir();
    let options = TemplateOptions::for_unit("510001", "白马镇");
    let path = write_template(dir.path(), &options).expect("write");
    assert_eq!(path.file_name().unwrap(), "510001_白马镇_摸底调查表.xlsx");
    let mut book = open(&path);
    let unit = book.worksheet_range(UNIT_INFO.name).expect("sheet");
    let row_of =
        |key: &str| 1 + UNIT_INFO.columns.iter().position(|c| c.key == key).unwrap() as u32;
    assert_eq!(text(&unit, row_of("unit_name"), 1), "白马镇");
    assert_eq!(text(&unit, row_of("unit_code"), 1), "510001");
    let orgs = book.worksheet_range(ORGANIZATIONS.name).expect("sheet");
    assert_eq!(text(&orgs, 0, 0), format!("白马镇{}", schema::FORM_TITLE));
    let hinted: Vec<String> = validations(&path, UNIT_INFO.name)
        .into_iter()
        .map(|v| v.sqref)
        .collect();
    for key in ["unit_name", "unit_code"] {
        let cell = format!("B{}", row_of(key) + 1);
        assert!(!hinted.contains(&cell), "{cell} is fixed, no input hint");
    }
    let xml = zip_entry(&path, "xl/worksheets/sheet2.xml");
    assert!(
        xml.contains("<sheetProtection"),
        "locked cells need a protected sheet"
    );
}

#[test]
fn instructions_and_example_sheets_are_filled() {
    let dir = temp_dir();
    let path = write_template(dir.path(), &TemplateOptions::default()).expect("write");
    let mut book = open(&path);
    let instructions = book
        .worksheet_range(schema::SHEET_INSTRUCTIONS)
        .expect("sheet");
    let all: String = instructions
        .cells()
        .map(|(_, _, v)| v.to_string())
        .collect();
    for needle in [
        "4月15日",
        "组织设置",
        "作用发挥",
        "评分标准",
        ".xlsx",
        ORGANIZATIONS.name,
    ] {
        assert!(all.contains(needle), "填报说明 lacks {needle}");
    }
    let example = book.worksheet_range(schema::SHEET_EXAMPLE).expect("sheet");
    let tier = ORGANIZATIONS
        .columns
        .iter()
        .position(|c| c.key == "self_tier")
        .unwrap() as u32;
    assert_eq!(text(&example, 3, tier), "优秀");
    assert_eq!(text(&example, 4, tier), "后进");
}

#[test]
fn instructions_describe_the_scoring_standard_in_use() {
    let embedded = Rules::embedded();
    let county = Rules::from_toml_str(FOUR_GRADE_TOML, "县里的评分标准.toml").expect("rules");
    for rules in [None, Some(county)] {
        let dir = temp_dir();
        let described = rules.as_ref().unwrap_or(&embedded).describe();
        let options = TemplateOptions {
            rules,
            ..TemplateOptions::default()
        };
        let path = write_template(dir.path(), &options).expect("write");
        let mut book = open(&path);
        let sheet = book
            .worksheet_range(schema::SHEET_INSTRUCTIONS)
            .expect("sheet");
        let lines: Vec<String> = sheet.cells().map(|(_, _, v)| v.to_string()).collect();
        for line in described {
            assert!(lines.contains(&line), "填报说明 lacks {line}");
        }
    }
}

#[test]
fn the_reader_finds_every_column_of_the_issued_form() {
    let dir = temp_dir();
    let options = TemplateOptions::for_unit("510001", "白马镇");
    let path = write_template(dir.path(), &options).expect("write");
    let report = check_file(&path, &CheckOptions::default());
    let form = report.form.as_ref().expect("readable");
    assert_eq!(
        form.template_version.as_deref(),
        Some(schema::TEMPLATE_VERSION)
    );
    assert_eq!(
        (form.unit_code(), form.unit_name()),
        (Some("510001"), Some("白马镇"))
    );
    assert!(form.org_table.is_some() && form.coverage_table.is_some());
    for issue in report.issues() {
        let layout = [
            Code::MissingColumn,
            Code::ExtraColumn,
            Code::DuplicateColumn,
        ];
        assert!(!layout.contains(&issue.code), "{issue:?}");
    }
    assert!(report.issues().iter().any(|i| i.code == Code::NoData));
}

#[test]
fn writing_into_a_missing_folder_is_an_error_not_a_panic() {
    let dir = temp_dir();
    let missing = dir.path().join("no-such-folder");
    let err = write_template(&missing, &TemplateOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            taizhang::template::TemplateError::Save(taizhang::save::SaveError::CreateTemp { .. })
        ),
        "{err:?}"
    );
    assert!(
        std::error::Error::source(&err).is_some(),
        "keeps the io error"
    );
}
