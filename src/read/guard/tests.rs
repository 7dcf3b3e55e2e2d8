use super::*;
use crate::read::hostile::{biff, dimensions, number, ole, record, write_zip};
use std::path::PathBuf;

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

const SHEET: &[u8] = br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:Y300"/><sheetData/></worksheet>"#;

/// A minimal xlsx whose `part` is replaced by `bytes`.
fn xlsx_with(dir: &Path, part: &str, bytes: &[u8]) -> PathBuf {
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/worksheets/sheet1.xml", SHEET),
        (
            "xl/sharedStrings.xml",
            br#"<sst count="3" uniqueCount="2"/>"#,
        ),
    ];
    parts.retain(|(name, _)| *name != part);
    parts.push((part, bytes));
    write_zip(dir, "form.xlsx", &parts)
}

fn rejected(path: &Path, limits: &Limits) -> Rejection {
    let rejection = inspect(path, limits).expect_err("must be rejected");
    let message = rejection.message();
    assert!(message
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    rejection
}

fn code(path: &Path) -> Code {
    rejected(path, &Limits::default()).code()
}

fn real_xlsx(dir: &Path) -> PathBuf {
    let path = dir.join("real.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("党组织情况").expect("name");
    sheet.write_string(0, 0, "党组织名称").expect("write");
    sheet.write_number(1, 5, 12.0).expect("write");
    book.save(&path).expect("save");
    path
}

#[test]
fn a_normal_xlsx_written_by_rust_xlsxwriter_passes() {
    let dir = temp();
    let path = real_xlsx(dir.path());
    assert_eq!(inspect(&path, &Limits::default()).ok(), Some(Format::Xlsx));
}

#[test]
fn a_minimal_hand_built_xlsx_passes() {
    let dir = temp();
    let path = xlsx_with(dir.path(), "xl/styles.xml", b"<styleSheet/>");
    assert_eq!(inspect(&path, &Limits::default()).ok(), Some(Format::Xlsx));
}

#[test]
fn empty_random_and_truncated_files_are_unreadable() {
    let dir = temp();
    let empty = dir.path().join("empty.xlsx");
    File::create(&empty).expect("create");
    assert!(matches!(
        rejected(&empty, &Limits::default()),
        Rejection::Empty
    ));

    let random = dir.path().join("random.xlsx");
    let bytes: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&random, bytes).expect("write");
    assert!(matches!(
        rejected(&random, &Limits::default()),
        Rejection::NotSpreadsheet(NotSheet::Binary)
    ));

    let real = std::fs::read(real_xlsx(dir.path())).expect("read");
    let cut = dir.path().join("cut.xlsx");
    std::fs::write(&cut, &real[..real.len() / 2]).expect("write");
    assert!(matches!(
        rejected(&cut, &Limits::default()),
        Rejection::BrokenZip(_)
    ));
    assert_eq!(code(&cut), Code::FileUnreadable);
}

#[test]
fn a_pdf_and_a_zip_of_forms_are_not_spreadsheets() {
    let dir = temp();
    let pdf = dir.path().join("scan.xlsx");
    std::fs::write(&pdf, b"%PDF-1.7\n...").expect("write");
    assert!(matches!(
        rejected(&pdf, &Limits::default()),
        Rejection::NotSpreadsheet(NotSheet::Pdf)
    ));
    let zip = write_zip(dir.path(), "forms.zip", &[("a.txt", b"x")]);
    assert!(matches!(
        rejected(&zip, &Limits::default()),
        Rejection::NoWorkbook
    ));
}

#[test]
fn shared_strings_claiming_10_to_the_11_entries_are_refused() {
    let dir = temp();
    let sst = br#"<?xml version="1.0"?><sst xmlns="x" count="1" uniqueCount="100000000000"><si><t>a</t></si></sst>"#;
    let path = xlsx_with(dir.path(), "xl/sharedStrings.xml", sst);
    let rejection = rejected(&path, &Limits::default());
    assert!(matches!(
        rejection,
        Rejection::SharedStrings {
            count: 100_000_000_000,
            ..
        }
    ));
    assert_eq!(rejection.code(), Code::FileTooLarge);
}

#[test]
fn a_dimension_claim_alone_is_not_refused() {
    // Real files claim the whole grid after formatting whole rows; calamine does not
    // allocate from the claim, and the reader bounds the cells actually present.
    let dir = temp();
    let sheet = br#"<worksheet><sheetPr/><dimension ref="A1:XFD1048576"/><sheetData><row r="1"/></sheetData></worksheet>"#;
    let path = xlsx_with(dir.path(), "xl/worksheets/sheet1.xml", sheet);
    assert_eq!(inspect(&path, &Limits::default()).ok(), Some(Format::Xlsx));
}

#[test]
fn a_huge_count_with_a_small_unique_count_passes() {
    let dir = temp();
    let sst = br#"<sst count="8876876876876" uniqueCount="8"/>"#;
    let path = xlsx_with(dir.path(), "xl/sharedStrings.xml", sst);
    assert_eq!(inspect(&path, &Limits::default()).ok(), Some(Format::Xlsx));
}

#[test]
fn workbooks_at_the_root_or_with_backslashes_are_xlsx() {
    let dir = temp();
    for name in ["workbook.xml", "xl\\workbook.xml"] {
        let path = write_zip(
            dir.path(),
            "odd.xlsx",
            &[("[content_types].xml", b"<Types/>"), (name, b"<workbook/>")],
        );
        assert_eq!(
            inspect(&path, &Limits::default()).ok(),
            Some(Format::Xlsx),
            "{name}"
        );
    }
}

#[test]
fn an_entity_bomb_is_refused() {
    let dir = temp();
    let bomb = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><workbook>&lol2;</workbook>"#;
    let path = xlsx_with(dir.path(), "xl/workbook.xml", bomb);
    assert!(matches!(
        rejected(&path, &Limits::default()),
        Rejection::XmlDeclarations { .. }
    ));
}

#[test]
fn a_zip_bomb_is_refused_by_ratio_and_by_size() {
    let dir = temp();
    let zeros = vec![b' '; 8 * MIB as usize];
    let path = xlsx_with(dir.path(), "xl/worksheets/sheet1.xml", &zeros);
    let rejection = rejected(&path, &Limits::default());
    assert!(
        matches!(rejection, Rejection::CompressionRatio { .. }),
        "{rejection:?}"
    );
    assert_eq!(rejection.code(), Code::FileTooLarge);
    let small = Limits {
        max_uncompressed_bytes: MIB,
        ..Limits::default()
    };
    assert!(matches!(
        rejected(&path, &small),
        Rejection::Uncompressed { size, .. } if size == 8 * MIB
    ));
}

#[test]
fn too_many_entries_and_too_big_files_are_refused() {
    let dir = temp();
    let path = real_xlsx(dir.path());
    let tight = Limits {
        max_zip_entries: 3,
        ..Limits::default()
    };
    assert!(matches!(
        rejected(&path, &tight),
        Rejection::TooManyEntries { .. }
    ));
    let tiny = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    assert!(matches!(
        rejected(&path, &tiny),
        Rejection::FileTooBig { .. }
    ));
}

#[test]
fn an_encrypted_xlsx_is_encrypted() {
    let dir = temp();
    let path = ole(
        dir.path(),
        "secret.xlsx",
        &[
            ("EncryptionInfo", vec![4, 0, 4, 0]),
            ("EncryptedPackage", vec![0; 64]),
        ],
    );
    let rejection = rejected(&path, &Limits::default());
    assert!(matches!(rejection, Rejection::EncryptedPackage));
    assert_eq!(rejection.code(), Code::FileEncrypted);
    assert_eq!(
        rejection.message(),
        "文件设有打开密码，请取消密码后重新报送"
    );
}

#[test]
fn an_xls_with_filepass_is_encrypted() {
    let dir = temp();
    let stream = biff(&[record(0x002F, &[1, 0, 1, 0])], &[]);
    let path = ole(dir.path(), "secret.xls", &[("Workbook", stream)]);
    assert_eq!(code(&path), Code::FileEncrypted);
}

#[test]
fn a_plain_xls_passes_even_named_et() {
    let dir = temp();
    let stream = biff(&[], &[dimensions(300, 25), number(0, 0), number(299, 24)]);
    for name in ["form.xls", "form.et"] {
        let path = ole(dir.path(), name, &[("Workbook", stream.clone())]);
        assert_eq!(inspect(&path, &Limits::default()).ok(), Some(Format::Xls));
    }
}

#[test]
fn xls_dimensions_and_far_apart_cells_are_refused() {
    let dir = temp();
    let claim = biff(&[], &[dimensions(1_000_000_000, 255)]);
    let path = ole(dir.path(), "claim.xls", &[("Workbook", claim)]);
    assert_eq!(code(&path), Code::FileTooLarge);
    let far = biff(&[], &[number(0, 0), number(65_535, 60_000)]);
    let path = ole(dir.path(), "far.xls", &[("Workbook", far)]);
    assert!(matches!(
        rejected(&path, &Limits::default()),
        Rejection::SheetTooLarge {
            rows: 65_536,
            cols: 60_001,
            ..
        }
    ));
    let mut inverted = 10u32.to_le_bytes().to_vec();
    inverted.extend(5u32.to_le_bytes());
    inverted.extend([0, 0, 3, 0, 0, 0]);
    let bad = biff(&[], &[record(0x0200, &inverted)]);
    let path = ole(dir.path(), "inverted.xls", &[("Workbook", bad)]);
    assert!(matches!(
        rejected(&path, &Limits::default()),
        Rejection::BadDimensions { sheet: 1 }
    ));
}

#[test]
fn wps_word_numbers_csv_and_html_are_unsupported() {
    let dir = temp();
    let et = ole(dir.path(), "wps.et", &[("WpsContent", vec![1, 2, 3])]);
    let wps = ole(dir.path(), "doc.wps", &[("WordDocument", vec![1, 2, 3])]);
    let numbers = write_zip(dir.path(), "form.numbers", &[("Index/Document.iwa", b"x")]);
    let csv = dir.path().join("form.csv");
    std::fs::write(&csv, "党组织名称,正式党员数\n白马村党支部,12\n").expect("write");
    let html = dir.path().join("export.xls");
    std::fs::write(
        &html,
        "<html><body><table><tr><td>1</td></tr></table></body></html>",
    )
    .expect("write");
    let cases = [
        (et, Unsupported::WpsSheet),
        (wps, Unsupported::WordDocument),
        (numbers, Unsupported::Numbers),
        (csv, Unsupported::Text),
        (html, Unsupported::Html),
    ];
    for (path, kind) in cases {
        let rejection = rejected(&path, &Limits::default());
        assert!(
            matches!(rejection, Rejection::Unsupported(k) if k == kind),
            "{path:?}"
        );
        assert_eq!(rejection.code(), Code::FileUnsupported);
        assert!(rejection.message().contains("请另存为 .xlsx 后重新报送"));
    }
}

fn ods(dir: &Path, table_body: &str) -> PathBuf {
    let content = format!(
        r#"<?xml version="1.0"?><office:document-content><office:body><office:spreadsheet><table:table table:name="党组织情况">{table_body}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    write_zip(
        dir,
        "form.ods",
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", content.as_bytes()),
        ],
    )
}

#[test]
fn an_ods_with_trailing_empty_repeats_passes() {
    let dir = temp();
    let body = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
    let path = ods(dir.path(), body);
    assert_eq!(inspect(&path, &Limits::default()).ok(), Some(Format::Ods));
}

#[test]
fn an_ods_with_an_open_password_is_encrypted() {
    let dir = temp();
    let manifest = br#"<manifest:manifest><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1"/></manifest:file-entry></manifest:manifest>"#;
    let path = write_zip(
        dir.path(),
        "secret.ods",
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("META-INF/manifest.xml", manifest),
            ("content.xml", b"\x00\x01binary"),
        ],
    );
    assert_eq!(code(&path), Code::FileEncrypted);
}

#[test]
fn an_ods_repeating_a_filled_row_a_million_times_is_refused() {
    let dir = temp();
    let body = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string" table:number-columns-repeated="1000"><text:p>x</text:p></table:table-cell></table:table-row>"#;
    let path = ods(dir.path(), body);
    assert!(matches!(
        rejected(&path, &Limits::default()),
        Rejection::SheetTooLarge {
            rows: 1_000_000,
            cols: 1_000,
            ..
        }
    ));
}
