//! Every sheet of every workbook prints: one page wide on A4 (the issued form's tables A3),
//! landscape where wide, the header rows on every page, the title, the sheet's name and the
//! time of the data at the top, 第 N 页 共 M 页 at the bottom, and the list sheets frozen right
//! of their identifying columns. Read from each sheet's XML.

use crate::support::{root, temp_dir};
use assert_cmd::Command;
use std::io::Read;
use std::path::Path;

/// Each visible sheet of a workbook: (name, its worksheet XML), and workbook.xml.
fn parts(path: &Path) -> (Vec<(String, String)>, String) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let workbook = part("xl/workbook.xml");
    let sheet =
        regex::Regex::new(r#"<sheet name="([^"]+)" sheetId="\d+"( state="hidden")?"#).unwrap();
    let sheets = (sheet.captures_iter(&workbook).enumerate())
        .filter(|(_, c)| c.get(2).is_none())
        .map(|(i, c)| {
            let xml = part(&format!("xl/worksheets/sheet{}.xml", i + 1));
            (c[1].to_string(), xml)
        })
        .collect();
    (sheets, workbook)
}

/// What every visible sheet must say about its printing.
fn assert_prints(path: &Path, title: &str, dated: bool) -> Vec<(String, String)> {
    let (sheets, _) = parts(path);
    assert!(!sheets.is_empty(), "{}", path.display());
    for (name, xml) in &sheets {
        let at = format!("{} / {name}", path.display());
        assert!(
            xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
            "fit to page: {at}"
        );
        assert!(
            xml.contains(r#"fitToHeight="0""#),
            "one page wide, any number long: {at}"
        );
        assert!(
            xml.contains(r#"paperSize="9""#) || xml.contains(r#"paperSize="8""#),
            "A4 or A3: {at}"
        );
        let header = format!("<oddHeader>&amp;L{title}　&amp;A");
        assert!(xml.contains(&header), "title and sheet name on top: {at}");
        assert_eq!(
            xml.contains("&amp;R数据截至 ") || xml.contains("&amp;R检查于 "),
            dated,
            "{at}"
        );
        assert!(
            xml.contains("<oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>"),
            "page numbers: {at}"
        );
        // More than one page wide only with the identifying columns on each page.
        if xml.contains("fitToWidth=") {
            assert!(repeats_columns(path, name), "{at}");
        }
    }
    sheets
}

/// Whether a sheet's header rows are repeated on every printed page (workbook.xml).
fn repeats_rows(path: &Path, sheet: &str) -> bool {
    let (_, workbook) = parts(path);
    let sheet = format!("'?{}'?!", regex::escape(sheet));
    let titles = format!(
        r#"name="_xlnm.Print_Titles" localSheetId="\d+">({sheet}\$[A-Z]+:\$[A-Z]+,)?{sheet}\$\d+:\$\d+<"#
    );
    regex::Regex::new(&titles).unwrap().is_match(&workbook)
}

/// Whether a sheet's first columns are repeated on every printed page (workbook.xml).
fn repeats_columns(path: &Path, sheet: &str) -> bool {
    let (_, workbook) = parts(path);
    let sheet = format!("'?{}'?!", regex::escape(sheet));
    let titles = format!(r#"name="_xlnm.Print_Titles" localSheetId="\d+">{sheet}\$A:\$[A-Z]+,"#);
    regex::Regex::new(&titles).unwrap().is_match(&workbook)
}

fn frozen_columns(xml: &str) -> u32 {
    let pane = regex::Regex::new(r#"<pane (xSplit="(\d+)" )?ySplit"#).unwrap();
    pane.captures(xml)
        .and_then(|c| c.get(2))
        .map_or(0, |m| m.as_str().parse().unwrap())
}

fn taizhang() -> Command {
    Command::cargo_bin("taizhang").unwrap()
}

#[test]
fn the_ledger_prints_every_sheet_with_its_title_header_rows_and_page_numbers() {
    let dir = temp_dir();
    let ledger = dir.path().join("台账.xlsx");
    taizhang()
        .args(["ledger"])
        .arg(root().join("samples/摸底"))
        .arg("-o")
        .arg(&ledger)
        .assert()
        .success();
    let sheets = assert_prints(&ledger, "基层党组织分类管理台账", true);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    for name in [
        "汇总",
        "台账明细",
        "后进整改",
        "两新覆盖",
        "两新明细",
        "校验问题",
        "文件清单",
    ] {
        assert!(names.contains(&name), "{names:?}");
        assert!(repeats_rows(&ledger, name), "{name}: header on every page");
    }
    for (name, xml) in &sheets {
        assert!(
            xml.contains(r#"orientation="landscape""#),
            "{name}: landscape"
        );
    }
    let xml = |name: &str| &sheets.iter().find(|(n, _)| n == name).unwrap().1;
    assert_eq!(
        frozen_columns(xml("台账明细")),
        3,
        "单位代码, 单位名称, 党组织名称"
    );
    assert_eq!(frozen_columns(xml("后进整改")), 2, "单位名称, 党组织名称");
    // 台账明细 is too wide for one readable page: a few pages wide, each with the
    // identifying columns.
    assert!(
        xml("台账明细").contains(r#"fitToWidth="3""#),
        "{}",
        xml("台账明细")
    );
    assert!(
        !xml("汇总").contains("fitToWidth="),
        "汇总 one page wide (the default)"
    );
    let (_, workbook) = parts(&ledger);
    assert!(
        workbook.contains("台账明细!$A:$C,台账明细!$1:$1"),
        "{workbook}"
    );
    // Long reasons wrap, and their rows are made tall enough to show them (a spreadsheet
    // program does not grow rows for text it did not type).
    let tall = regex::Regex::new(r#"<row r="([2-9]|\d\d+)" ht="\d+" customHeight="1""#).unwrap();
    for name in ["台账明细", "后进整改"] {
        assert!(
            tall.is_match(xml(name)),
            "{name}: rows grown for wrapped text"
        );
    }
}

#[test]
fn the_template_the_feedback_and_the_upgrade_workbook_print_alike() {
    let dir = temp_dir();
    taizhang()
        .args(["template", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let template = dir.path().join("基层党组织分类定级摸底调查表.xlsx");
    // The form's title names the year (this year, when neither --year nor --deadline is given).
    let year = chrono::Datelike::year(&chrono::Local::now());
    let title = format!("{year}年基层党组织分类定级摸底调查表");
    let sheets = assert_prints(&template, &title, false);
    let table = &sheets.iter().find(|(n, _)| n == "党组织情况").unwrap().1;
    assert!(table.contains(r#"paperSize="8""#), "the wide table on A3");
    assert!(repeats_rows(&template, "党组织情况"));

    let feedback = dir.path().join("反馈");
    taizhang()
        .arg("check")
        .arg(root().join("samples/摸底/白马镇.xlsx"))
        .arg("--feedback")
        .arg(&feedback)
        .assert()
        .code(1);
    assert_prints(&feedback.join("白马镇_反馈.xlsx"), "报送检查反馈", true);

    let upgrade = dir.path().join("晋位升级.xlsx");
    taizhang()
        .args(["upgrade", "--baseline"])
        .arg(root().join("samples/摸底"))
        .arg("--final")
        .arg(root().join("samples/年终"))
        .arg("-o")
        .arg(&upgrade)
        .assert()
        .success();
    assert_prints(&upgrade, "基层党组织晋位升级", true);
}
