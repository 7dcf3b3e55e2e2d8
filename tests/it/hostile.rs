//! Hostile and broken files (issue 6): each kind is put into an inbox beside two good forms and
//! run through the ledger pipeline (`ledger::collect`). The bad file must end as exactly one
//! file-level issue with the expected code and a Chinese message; the good forms' organizations
//! must still reach the ledger. Every file is generated in code.

use crate::support::temp_dir;
use std::io::Write;
use std::path::Path;
use taizhang::builder::FormBuilder;
use taizhang::check::FileReport;
use taizhang::ledger::model::{FileEntry, FileStatus};
use taizhang::ledger::LedgerOptions;
use taizhang::read::hostile::{biff, filepass, number, ole, write_zip, zip_parts};
use taizhang::status::Expectation;
use taizhang::Code;
use zip::write::SimpleFileOptions;

/// The good forms of every inbox: (file, unit, code, organizations).
const GOOD: [(&str, &str, &str, [&str; 2]); 2] = [
    (
        "白马镇.xlsx",
        "白马镇",
        "511101001",
        ["白马村党支部", "石桥村党支部"],
    ),
    (
        "青山镇.xlsx",
        "青山镇",
        "511101002",
        ["青山村党支部", "青山社区党支部"],
    ),
];

/// A clean return of a unit with two organizations.
fn good_form(unit: &str, code: &str, orgs: [&str; 2]) -> FormBuilder {
    FormBuilder::new()
        .unit(unit)
        .code(code)
        .org(|o| o.name(orgs[0]))
        .org(|o| o.name(orgs[1]))
        .coverage(|c| c)
}

/// A form whose organizations are not those of [`GOOD`]: the raw material of bad files.
fn victim() -> FormBuilder {
    good_form("柳溪镇", "511101003", ["柳溪村党支部", "柳溪社区党支部"])
}

/// What a ledger run made of an inbox.
struct Run {
    files: Vec<FileEntry>,
    reports: Vec<FileReport>,
    organizations: Vec<String>,
}

impl Run {
    fn entry(&self, name: &str) -> &FileEntry {
        self.files
            .iter()
            .find(|f| f.path == name)
            .unwrap_or_else(|| panic!("{name} not in 文件清单: {:#?}", self.files))
    }
    fn report(&self, name: &str) -> &FileReport {
        self.reports
            .iter()
            .find(|r| r.path.file_name().is_some_and(|f| f == name))
            .unwrap_or_else(|| panic!("{name} has no report"))
    }
}

fn run(inbox: &Path) -> Run {
    let options = LedgerOptions::default();
    let expect = Expectation::new(None, None, None);
    let (ledger, files) = crate::support::ledger_run(inbox, None, &options, &expect);
    let reports: Vec<FileReport> = files.into_iter().map(|(r, _)| r).collect();
    let organizations = reports
        .iter()
        .filter_map(|r| r.form.as_ref())
        .flat_map(|f| f.organizations.iter())
        .filter_map(|o| o.org_name().map(str::to_string))
        .collect();
    Run {
        files: ledger.files.lines().to_vec(),
        reports,
        organizations,
    }
}

/// An inbox holding the good forms and whatever `make` writes into it; the ledger run of it.
fn run_with(make: impl FnOnce(&Path)) -> Run {
    let dir = temp_dir();
    for (file, unit, code, orgs) in GOOD {
        good_form(unit, code, orgs)
            .write(dir.path().join(file))
            .expect("good form");
    }
    make(dir.path());
    let run = run(dir.path());
    for (file, _, _, orgs) in GOOD {
        assert_eq!(run.entry(file).status, FileStatus::Read, "{file}");
        assert_eq!(run.entry(file).errors, 0, "{file}");
        for org in orgs {
            assert!(
                run.organizations.iter().any(|o| o == org),
                "{org} of {file} missing from the ledger: {:?}",
                run.organizations
            );
        }
    }
    run
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The bad file `name` failed with exactly one file-level issue of `code`; its message.
fn assert_failed(run: &Run, name: &str, code: Code) -> String {
    let entry = run.entry(name);
    assert_eq!(entry.status, FileStatus::Failed, "{entry:#?}");
    let report = run.report(name);
    let issues = report.issues();
    assert_eq!(issues.len(), 1, "{issues:#?}");
    let issue = &issues[0];
    assert_eq!(issue.code, code, "{issue:#?}");
    assert!(issue.sheet.is_empty() && issue.cell.is_none(), "{issue:#?}");
    assert!(has_chinese(&issue.message), "{}", issue.message);
    assert_eq!(entry.detail, issue.message);
    assert_eq!(entry.organizations, 0);
    issue.message.clone()
}

/// Write `bytes` as `inbox/name`.
fn put(inbox: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(inbox.join(name), bytes).expect("write bad file");
}

// ---- rewriting a real form's parts --------------------------------------------------------

/// The zip part holding the sheet `sheet` of a workbook written by rust_xlsxwriter (which
/// numbers its sheet parts in workbook order).
fn sheet_part(parts: &[(String, Vec<u8>)], sheet: &str) -> String {
    let workbook = parts
        .iter()
        .find(|(n, _)| n == "xl/workbook.xml")
        .map(|(_, b)| String::from_utf8_lossy(b).to_string())
        .expect("workbook.xml");
    let index = workbook
        .split("<sheet ")
        .skip(1)
        .position(|s| s.contains(&format!("name=\"{sheet}\"")))
        .expect("sheet in workbook.xml");
    format!("xl/worksheets/sheet{}.xml", index + 1)
}

/// The victim form with the 党组织情况 sheet's XML rewritten by `edit`.
fn with_org_sheet(edit: impl FnOnce(String) -> String) -> Vec<(String, Vec<u8>)> {
    let mut parts = zip_parts(&victim().to_bytes().expect("form bytes"));
    let name = sheet_part(&parts, "党组织情况");
    let part = parts.iter_mut().find(|(n, _)| *n == name).expect("part");
    part.1 = edit(String::from_utf8(part.1.clone()).expect("utf-8")).into_bytes();
    parts
}

fn zip_bytes(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), SimpleFileOptions::default())
            .expect("start");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

/// Append rows after the last one of a sheet's XML.
fn append_rows(xml: String, rows: &str) -> String {
    xml.replacen("</sheetData>", &format!("{rows}</sheetData>"), 1)
}

// ---- not a spreadsheet, broken -------------------------------------------------------------

#[test]
fn a_pdf_named_xlsx_is_not_a_spreadsheet() {
    let run = run_with(|inbox| put(inbox, "柳溪镇.xlsx", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"));
    let message = assert_failed(&run, "柳溪镇.xlsx", Code::FileUnreadable);
    assert!(message.contains("PDF"), "{message}");
}

#[test]
fn random_bytes_named_xlsx_are_unreadable() {
    let bytes: Vec<u8> = (0u32..8192)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let run = run_with(|inbox| put(inbox, "柳溪镇.xlsx", &bytes));
    assert_failed(&run, "柳溪镇.xlsx", Code::FileUnreadable);
}

#[test]
fn an_empty_file_is_unreadable() {
    let run = run_with(|inbox| put(inbox, "柳溪镇.xlsx", b""));
    let message = assert_failed(&run, "柳溪镇.xlsx", Code::FileUnreadable);
    assert!(message.contains("空的"), "{message}");
}

#[test]
fn a_truncated_download_is_unreadable() {
    let bytes = victim().to_bytes().expect("bytes");
    for cut in [bytes.len() / 2, bytes.len() - 30, 100] {
        let run = run_with(|inbox| put(inbox, "柳溪镇.xlsx", &bytes[..cut]));
        let message = assert_failed(&run, "柳溪镇.xlsx", Code::FileUnreadable);
        assert!(message.contains("不完整"), "cut at {cut}: {message}");
    }
}

// ---- passwords -----------------------------------------------------------------------------

const PASSWORD: &str = "文件设有打开密码，请取消密码后重新报送";

#[test]
fn an_xlsx_with_an_open_password_is_encrypted() {
    // Excel saves a password-protected .xlsx as an OLE file with these two streams.
    let run = run_with(|inbox| {
        ole(
            inbox,
            "柳溪镇.xlsx",
            &[
                ("EncryptionInfo", vec![4, 0, 4, 0, 0x40, 0, 0, 0]),
                ("EncryptedPackage", vec![0x5a; 4096]),
            ],
        );
    });
    assert_eq!(
        assert_failed(&run, "柳溪镇.xlsx", Code::FileEncrypted),
        PASSWORD
    );
}

#[test]
fn an_xls_with_a_filepass_record_is_encrypted() {
    let stream = biff(&[filepass()], &[number(0, 0)]);
    let run = run_with(|inbox| {
        ole(inbox, "柳溪镇.xls", &[("Workbook", stream)]);
    });
    assert_eq!(
        assert_failed(&run, "柳溪镇.xls", Code::FileEncrypted),
        PASSWORD
    );
}

// ---- other formats -------------------------------------------------------------------------

const RESAVE: &str = "请另存为 .xlsx 后重新报送";

#[test]
fn wps_et_and_ett_files_are_unsupported() {
    for name in ["柳溪镇.et", "柳溪镇.ett"] {
        let run = run_with(|inbox| {
            ole(inbox, name, &[("WpsContent", vec![1, 2, 3, 4])]);
        });
        let message = assert_failed(&run, name, Code::FileUnsupported);
        assert!(
            message.contains(RESAVE) && message.contains("WPS"),
            "{message}"
        );
    }
}

#[test]
fn a_wps_word_document_is_unsupported() {
    let run = run_with(|inbox| {
        ole(
            inbox,
            "柳溪镇.wps",
            &[("WordDocument", vec![0xec, 0xa5, 0, 0])],
        );
    });
    let message = assert_failed(&run, "柳溪镇.wps", Code::FileUnsupported);
    assert!(message.contains(RESAVE), "{message}");
}

#[test]
fn an_apple_numbers_file_is_unsupported() {
    let run = run_with(|inbox| {
        write_zip(
            inbox,
            "柳溪镇.numbers",
            &[
                ("Index/Document.iwa", b"\x00\x01\x02"),
                ("Metadata/Properties.plist", b"<plist/>"),
            ],
        );
    });
    let message = assert_failed(&run, "柳溪镇.numbers", Code::FileUnsupported);
    assert!(
        message.contains(RESAVE) && message.contains("Numbers"),
        "{message}"
    );
}

#[test]
fn a_csv_is_unsupported() {
    let csv = "党组织名称,组织类型,正式党员数\n柳溪村党支部,党支部,12\n";
    let run = run_with(|inbox| put(inbox, "柳溪镇.csv", csv.as_bytes()));
    let message = assert_failed(&run, "柳溪镇.csv", Code::FileUnsupported);
    assert!(
        message.contains(RESAVE) && message.contains("CSV"),
        "{message}"
    );
}

// ---- bombs and oversized claims ------------------------------------------------------------

#[test]
fn a_zip_bomb_sheet_inflating_to_a_gigabyte_is_too_large() {
    // One sheet of 1 GiB of spaces (about 1 MB deflated), streamed into the zip.
    let parts = zip_parts(&victim().to_bytes().expect("bytes"));
    let bomb = sheet_part(&parts, "党组织情况");
    let run = run_with(|inbox| {
        let file = std::fs::File::create(inbox.join("柳溪镇.xlsx")).expect("create");
        let mut zip = zip::ZipWriter::new(file);
        for (name, bytes) in &parts {
            zip.start_file(name.as_str(), SimpleFileOptions::default())
                .expect("start");
            if *name == bomb {
                let chunk = vec![b' '; 1 << 20];
                (0..1024).for_each(|_| zip.write_all(&chunk).expect("write"));
            } else {
                zip.write_all(bytes).expect("write");
            }
        }
        zip.finish().expect("finish");
    });
    let message = assert_failed(&run, "柳溪镇.xlsx", Code::FileTooLarge);
    assert!(message.contains("压缩炸弹"), "{message}");
}

#[test]
fn an_xml_entity_bomb_is_refused() {
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>"#;
    let parts = with_org_sheet(|xml| {
        let body = xml.split_once("?>").map_or(xml.as_str(), |(_, b)| b);
        format!(
            "{laughs}{}",
            body.replacen("<sheetData>", "<sheetData>&lol3;", 1)
        )
    });
    let run = run_with(|inbox| put(inbox, "柳溪镇.xlsx", &zip_bytes(&parts)));
    let message = assert_failed(&run, "柳溪镇.xlsx", Code::FileUnreadable);
    assert!(message.contains("XML 炸弹"), "{message}");
}

#[test]
fn shared_strings_claiming_10_to_the_11_entries_are_too_large() {
    let mut parts = zip_parts(&victim().to_bytes().expect("bytes"));
    let sst = parts
        .iter_mut()
        .find(|(n, _)| n == "xl/sharedStrings.xml")
        .expect("shared strings");
    let xml = String::from_utf8(sst.1.clone()).expect("utf-8");
    let start = xml.find("uniqueCount=\"").expect("uniqueCount") + "uniqueCount=\"".len();
    let end = start + xml[start..].find('"').expect("quote");
    sst.1 = format!("{}100000000000{}", &xml[..start], &xml[end..]).into_bytes();
    let run = run_with(|inbox| put(inbox, "柳溪镇.xlsx", &zip_bytes(&parts)));
    let message = assert_failed(&run, "柳溪镇.xlsx", Code::FileTooLarge);
    assert!(message.contains("100000000000"), "{message}");
}

#[test]
fn a_cell_at_xfd1048576_is_too_large() {
    // A real form (A1 holds its title) with one stray cell in the very last cell of the grid.
    let parts = with_org_sheet(|xml| {
        append_rows(
            xml,
            r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        )
    });
    let run = run_with(|inbox| put(inbox, "柳溪镇.xlsx", &zip_bytes(&parts)));
    let message = assert_failed(&run, "柳溪镇.xlsx", Code::FileTooLarge);
    assert!(message.contains("XFD1048576"), "{message}");
}

#[test]
fn two_cells_far_apart_exceed_the_bounding_box() {
    // Each cell is within the row and column limits; the box between them is 200 000 × 1 000.
    let parts = with_org_sheet(|xml| {
        append_rows(
            xml,
            r#"<row r="200000"><c r="ALL200000"><v>1</v></c></row>"#,
        )
    });
    let run = run_with(|inbox| put(inbox, "柳溪镇.xlsx", &zip_bytes(&parts)));
    let message = assert_failed(&run, "柳溪镇.xlsx", Code::FileTooLarge);
    assert!(message.contains("ALL200000"), "{message}");
}

/// A `<dimension>` claiming the whole grid is only a claim: Excel writes such claims after a
/// clerk formats whole rows or columns, and calamine reserves memory from it only below 100 000
/// cells. The guard lets it through and the streaming reader bounds the cells really present,
/// so such a form is read as usual.
#[test]
fn a_dimension_claiming_the_whole_grid_is_read_without_harm() {
    let parts = with_org_sheet(|xml| {
        let start = xml.find("<dimension ref=\"").expect("dimension") + "<dimension ref=\"".len();
        let end = start + xml[start..].find('"').expect("quote");
        format!("{}A1:XFD1048576{}", &xml[..start], &xml[end..])
    });
    let run = run_with(|inbox| put(inbox, "柳溪镇.xlsx", &zip_bytes(&parts)));
    assert_eq!(run.entry("柳溪镇.xlsx").status, FileStatus::Read);
    assert_eq!(run.entry("柳溪镇.xlsx").errors, 0);
    assert_eq!(run.entry("柳溪镇.xlsx").organizations, 2);
    assert!(run.organizations.iter().any(|o| o == "柳溪村党支部"));
}

#[test]
fn a_million_rows_stop_at_the_row_limit() {
    // The 党组织情况 sheet's rows continued to row 1 048 576 in raw XML, streamed into the
    // zip: the reader stops at row 200 001 (the limit) without holding the rest.
    let parts = zip_parts(&victim().to_bytes().expect("bytes"));
    let sheet = sheet_part(&parts, "党组织情况");
    let run = run_with(|inbox| {
        let file = std::fs::File::create(inbox.join("柳溪镇.xlsx")).expect("create");
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        for (name, bytes) in &parts {
            zip.start_file(name.as_str(), SimpleFileOptions::default())
                .expect("start");
            if *name != sheet {
                zip.write_all(bytes).expect("write");
                continue;
            }
            let xml = std::str::from_utf8(bytes).expect("xml");
            let (head, tail) = xml.split_at(xml.find("</sheetData>").expect("sheetData"));
            zip.write_all(head.as_bytes()).expect("write");
            let mut rows = String::with_capacity(1 << 20);
            for r in 1_000..=1_048_576u32 {
                rows.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
                if rows.len() > (1 << 20) - 100 {
                    zip.write_all(rows.as_bytes()).expect("write");
                    rows.clear();
                }
            }
            rows.push_str(tail);
            zip.write_all(rows.as_bytes()).expect("write");
        }
        zip.finish().expect("finish");
    });
    let message = assert_failed(&run, "柳溪镇.xlsx", Code::FileTooLarge);
    assert!(message.contains("A200001"), "{message}");
}

// ---- not the form --------------------------------------------------------------------------

#[test]
fn a_workbook_that_is_not_the_form_says_what_is_missing() {
    let run = run_with(|inbox| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("工资表").expect("name");
        for (c, h) in ["姓名", "部门", "基本工资", "绩效"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).expect("write");
        }
        sheet.write_string(1, 0, "张三").expect("write");
        sheet.write_number(1, 2, 3500.0).expect("write");
        book.save(inbox.join("柳溪镇工资表.xlsx")).expect("save");
    });
    let entry = run.entry("柳溪镇工资表.xlsx");
    let report = run.report("柳溪镇工资表.xlsx");
    let file_level: Vec<_> = report
        .issues()
        .iter()
        .filter(|i| i.code == Code::NotTheForm)
        .collect();
    assert_eq!(file_level.len(), 1, "{:#?}", report.issues());
    let message = &file_level[0].message;
    assert!(message.contains("党组织情况"), "{message}");
    assert_eq!(entry.organizations, 0);
    assert!(entry.errors >= 1, "{entry:#?}");
}

// ---- files that are not returns -------------------------------------------------------------

#[test]
fn lock_system_and_stray_files_are_ignored_with_a_reason() {
    let strays = [
        ("~$白马镇.xlsx", "锁定"),
        ("Thumbs.db", "系统文件"),
        (".DS_Store", "系统文件"),
        ("desktop.ini", "系统文件"),
        ("报送说明.txt", "不是电子表格"),
        ("通知.docx", "不是电子表格"),
        ("扫描件.pdf", "不是电子表格"),
    ];
    let run = run_with(|inbox| {
        for (name, _) in strays {
            put(inbox, name, b"\x00\x01 not a form");
        }
    });
    for (name, why) in strays {
        let entry = run.entry(name);
        match &entry.status {
            FileStatus::Ignored(reason) => assert!(reason.contains(why), "{name}: {reason}"),
            other => panic!("{name} is {other:?}, not ignored"),
        }
        assert!(!entry.detail.is_empty(), "{name} has no reason");
        assert_eq!(entry.errors, 0, "{name}");
    }
    assert_eq!(run.files.len(), GOOD.len() + strays.len());
    assert_eq!(
        run.reports.len(),
        GOOD.len(),
        "ignored files are never read"
    );
}

// ---- fuzzing regressions (inputs in tests/data/fuzz/) --------------------------------------

/// Inputs found by `fuzz/fuzz_targets/read_form.rs` that once crashed the run.
fn fuzz_input(name: &str) -> Vec<u8> {
    std::fs::read(crate::support::root().join("tests/data/fuzz").join(name)).expect("fuzz input")
}

#[test]
fn an_xls_with_a_short_mergedcells_record_is_unreadable_not_a_panic() {
    // calamine 0.38 panics in parse_merge_cells (slice index out of range) on this file.
    let bytes = fuzz_input("xls-short-mergedcells.xls");
    let run = run_with(|inbox| put(inbox, "柳溪镇.xls", &bytes));
    let message = assert_failed(&run, "柳溪镇.xls", Code::FileUnreadable);
    assert!(message.contains("文件结构异常"), "{message}");
}

#[test]
fn xls_sheets_reached_only_by_their_boundsheet_offset_are_bounded() {
    // calamine reads each .xls sheet from its BOUNDSHEET offset; in these mutated files that
    // offset shows records (a DIMENSIONS of terabytes, cells millions of rows apart) which a
    // walk in stream order never sees, and calamine 0.38 aborted the process allocating them.
    for name in [
        "xls-boundsheet-huge-dimensions.xls",
        "xls-boundsheet-far-cells-1.xls",
        "xls-boundsheet-far-cells-2.xls",
        "xls-boundsheet-far-cells-3.xls",
    ] {
        let bytes = fuzz_input(name);
        let run = run_with(|inbox| put(inbox, "柳溪镇.xls", &bytes));
        let report = run.report("柳溪镇.xls");
        let code = report.failure.as_ref().map(|i| i.code);
        assert!(
            matches!(code, Some(Code::FileTooLarge | Code::FileUnreadable)),
            "{name}: {:#?}",
            report.issues()
        );
        assert_failed(&run, "柳溪镇.xls", code.unwrap());
    }
}

/// A workbook the guard lets through but the parser cannot read is refused in Chinese, by the
/// kind of damage, never in the parser's own English words.
#[test]
fn a_parser_failure_is_said_in_chinese() {
    let parts = with_org_sheet(|xml| xml[..xml.len() / 2].to_string());
    let run = run_with(|inbox| put(inbox, "柳溪镇.xlsx", &zip_bytes(&parts)));
    let message = assert_failed(&run, "柳溪镇.xlsx", Code::FileUnreadable);
    assert!(
        message.contains("内部的表格内容（XML）不完整或损坏"),
        "{message}"
    );
    let english: Vec<&str> = (message.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|w| w.len() > 1 && !["Excel", "WPS", "xlsx", "XML"].contains(w))
        .collect();
    assert!(english.is_empty(), "{english:?} in {message}");
}

/// A cell longer than Excel allows (32,767 characters: only a generator, not an office suite,
/// writes one) does not take the ledger or the feedback down: the cell is an error quoted in
/// short, and the other files are read with it.
#[test]
fn a_cell_longer_than_excel_allows_does_not_stop_the_ledger() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    let sample = std::fs::read(crate::support::root().join("samples/摸底/白马镇.xlsx")).unwrap();
    let mut parts = zip_parts(&sample);
    let strings = (parts.iter_mut())
        .find(|(n, _)| n == "xl/sharedStrings.xml")
        .expect("shared strings");
    let xml = String::from_utf8(strings.1.clone()).expect("utf-8");
    let name = regex::Regex::new(r"<t>([^<]*党支部)</t>").unwrap();
    let found = name.captures(&xml).expect("an organization's name")[0].to_string();
    let long = format!("<t>{}</t>", "长".repeat(40_000));
    strings.1 = xml.replacen(&found, &long, 1).into_bytes();
    put(&inbox, "白马镇.xlsx", &zip_bytes(&parts));
    std::fs::copy(
        crate::support::root().join("samples/摸底/龙泉镇.xlsx"),
        inbox.join("龙泉镇.xlsx"),
    )
    .unwrap();
    let output = assert_cmd::Command::cargo_bin("taizhang")
        .unwrap()
        .arg("ledger")
        .arg(&inbox)
        .arg("-o")
        .arg(dir.path().join("台账.xlsx"))
        .arg("--feedback")
        .arg(dir.path().join("反馈"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report = taizhang::check::check_file(&inbox.join("白马镇.xlsx"), &Default::default());
    let issue = (report.issues().iter())
        .find(|i| i.message.contains("内容超过 32767 个字符"))
        .expect("the long cell is an error");
    assert!(
        issue.message.contains("…（共 40000 个字符）"),
        "{}",
        issue.message
    );
    assert!(issue.message.chars().count() < 300, "quoted in short");
}
