//! Lists continued on further sheets (issue item 4), and files that are not plain files or lie
//! outside the inbox (item 8): nothing a clerk sent is dropped without a word, and nothing
//! outside the inbox is read as if it were in it. Every input's bytes are checked unchanged.

use crate::support::temp_dir;
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::{Path, PathBuf};
use taizhang::builder::{Cell, FormBuilder};
use taizhang::check::{check_file, CheckOptions, FileReport};
use taizhang::feedback::write_feedback;
use taizhang::ledger::model::{FileEntry, FileStatus};
use taizhang::ledger::LedgerOptions;
use taizhang::read::hostile::{write_zip, zip_parts};
use taizhang::read::Limits;
use taizhang::status::Expectation;
use taizhang::{Code, Issue};

/// A file's bytes, to check that reading it changed nothing.
fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read the input")
}

/// A form of 白马镇 with two organizations on its own sheet.
fn main_form() -> FormBuilder {
    FormBuilder::new()
        .org(|o| o.name("白马村党支部"))
        .org(|o| o.name("石桥村党支部"))
        .coverage(|c| c)
}

/// What continues the list: a copied sheet's layout with two more organizations, the second
/// with a wrong member count and the name of the main sheet's first row.
fn rest() -> FormBuilder {
    FormBuilder::new()
        .org(|o| {
            o.name("柳溪村党支部")
                .set("full_members", Cell::text("若干"))
        })
        .org(|o| o.name("白马村党支部"))
}

/// What a ledger run of `inbox` made: its file list, reports and the written 台账明细's
/// (来源文件, 来源行, 党组织名称) rows.
struct Run {
    files: Vec<FileEntry>,
    reports: Vec<FileReport>,
    detail: Vec<(String, String, String)>,
    reconciliation: Vec<String>,
}

fn run(inbox: &Path) -> Run {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    let options = LedgerOptions::default();
    let expect = Expectation::new(None, None, None);
    let (ledger, files) = crate::support::ledger_run(inbox, Some(&out), &options, &expect);
    let mut book: Xlsx<_> = open_workbook(&out).expect("ledger");
    let range = book.worksheet_range("台账明细").expect("台账明细");
    let rows: Vec<&[Data]> = range.rows().collect();
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| *c == Data::String("来源文件".into())))
        .expect("header");
    let col = |name: &str| {
        rows[header]
            .iter()
            .position(|c| *c == Data::String(name.into()))
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (file, row, name) = (col("来源文件"), col("来源行"), col("党组织名称"));
    let detail = rows[header + 1..]
        .iter()
        .map(|r| (r[file].to_string(), r[row].to_string(), r[name].to_string()))
        .collect();
    let files_sheet = book.worksheet_range("文件清单").expect("文件清单");
    let reconciliation = files_sheet
        .rows()
        .filter_map(|r| match r.first() {
            Some(Data::String(s)) if s.contains(" = ") => Some(s.clone()),
            _ => None,
        })
        .collect();
    Run {
        files: ledger.files.lines().to_vec(),
        reports: files.into_iter().map(|(r, _)| r).collect(),
        detail,
        reconciliation,
    }
}

/// The inbox holding one form built by `form`, the form's path, and its bytes.
fn inbox_with(form: &FormBuilder) -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let dir = temp_dir();
    let path = form.write(dir.path().join("白马镇.xlsx")).expect("write");
    let before = bytes(&path);
    (dir, path, before)
}

fn find<'a>(issues: &'a [Issue], code: Code, sheet: &str) -> Vec<&'a Issue> {
    issues
        .iter()
        .filter(|i| i.code == code && i.sheet == sheet)
        .collect()
}

/// Every organization of the main sheet and of the continuation sheet `name` is read: issues
/// name the continuation sheet and its real cells, a name repeated across the sheets is caught,
/// and 台账明细 lists every row with its sheet in 来源文件.
fn assert_continuation_read(name: &str, rest: FormBuilder) {
    let form = main_form().continued_orgs(name, rest.clone());
    let (dir, path, before) = inbox_with(&form);

    let report = check_file(&path, &CheckOptions::default());
    let form_read = report.form.as_ref().expect("read");
    let names: Vec<&str> = form_read
        .organizations
        .iter()
        .filter_map(|o| o.org_name())
        .collect();
    assert_eq!(
        names,
        [
            "白马村党支部",
            "石桥村党支部",
            "柳溪村党支部",
            "白马村党支部"
        ]
    );
    let wrong = find(report.issues(), Code::WrongType, name);
    assert_eq!(wrong.len(), 1, "{:#?}", report.issues());
    assert_eq!(
        wrong[0].cell.as_deref(),
        Some(rest.org_cell(0, "full_members").as_str())
    );
    assert_eq!(wrong[0].row, Some(rest.org_row_number(0)));
    let duplicate = find(report.issues(), Code::DuplicateName, name);
    assert_eq!(duplicate.len(), 1, "{:#?}", report.issues());
    assert_eq!(
        duplicate[0].cell.as_deref(),
        Some(rest.org_cell(1, "org_name").as_str())
    );
    assert!(
        duplicate[0].message.contains("“党组织情况”表第"),
        "{}",
        duplicate[0].message
    );

    assert_feedback_lays_out(&report, name);
    let run = run(dir.path());
    let source = format!("白马镇.xlsx（“{name}”表）");
    let detail: Vec<(&str, &str, &str)> = run
        .detail
        .iter()
        .map(|(f, r, n)| (f.as_str(), r.as_str(), n.as_str()))
        .collect();
    let main_row = |i| form.org_row_number(i).to_string();
    let rest_row = |i| rest.org_row_number(i).to_string();
    assert_eq!(
        detail,
        [
            ("白马镇.xlsx", main_row(0).as_str(), "白马村党支部"),
            ("白马镇.xlsx", main_row(1).as_str(), "石桥村党支部"),
            (source.as_str(), rest_row(0).as_str(), "柳溪村党支部"),
            (source.as_str(), rest_row(1).as_str(), "白马村党支部"),
        ]
    );
    assert_eq!(run.files[0].organizations, 4);
    assert!(
        run.reconciliation[1].contains("党组织 4 "),
        "{:?}",
        run.reconciliation
    );
    assert_eq!(bytes(&path), before);
}

/// The feedback workbook shows each sheet's own rows: the continuation's on a sheet of its name.
fn assert_feedback_lays_out(report: &FileReport, name: &str) {
    let dir = temp_dir();
    let path = write_feedback(report, &Limits::default(), dir.path())
        .expect("feedback")
        .expect("written");
    let mut book: Xlsx<_> = open_workbook(&path).expect("feedback");
    let count = |book: &mut Xlsx<_>, sheet: &str, org: &str| {
        let range = book.worksheet_range(sheet).expect(sheet);
        range
            .used_cells()
            .filter(|(_, _, c)| **c == Data::String(org.into()))
            .count()
    };
    assert_eq!(count(&mut book, "党组织情况", "石桥村党支部"), 1);
    assert_eq!(count(&mut book, "党组织情况", "柳溪村党支部"), 0);
    assert_eq!(count(&mut book, name, "柳溪村党支部"), 1);
    assert_eq!(count(&mut book, name, "白马村党支部"), 1);
}

#[test]
fn a_list_continued_on_an_excel_copy_of_its_sheet_is_read() {
    assert_continuation_read("党组织情况 (2)", rest());
}

#[test]
fn a_list_continued_on_a_sheet_named_xu_is_read() {
    // A sheet of the clerk's own layout: its cells are where that sheet has them.
    let own = rest().title_rows(3).one_row_header();
    assert_ne!(
        own.org_cell(0, "full_members"),
        rest().org_cell(0, "full_members")
    );
    assert_continuation_read("党组织情况（续）", own);
}

#[test]
fn a_code_shared_with_another_unit_is_flagged_on_the_continuation_sheet() {
    let dir = temp_dir();
    let code = "5111010010001";
    let baima = FormBuilder::new().org(|o| o.name("白马村党支部").code(code));
    let baima = baima.write(dir.path().join("白马镇.xlsx")).expect("write");
    let rest = FormBuilder::new()
        .unit("青山镇")
        .org(|o| o.name("青山村党支部").code(code));
    let qingshan = FormBuilder::new()
        .unit("青山镇")
        .code("511101002")
        .org(|o| o.name("青山社区党支部"))
        .continued_orgs("党组织情况 (2)", rest.clone());
    let qingshan = qingshan
        .write(dir.path().join("青山镇.xlsx"))
        .expect("write");
    let before = (bytes(&baima), bytes(&qingshan));

    let run = run(dir.path());
    let report = run
        .reports
        .iter()
        .find(|r| r.path == qingshan)
        .expect("青山镇");
    let shared: Vec<&Issue> = report
        .issues()
        .iter()
        .filter(|i| i.code == Code::OrgCodeInOtherUnit)
        .collect();
    assert_eq!(shared.len(), 1, "{:#?}", report.issues());
    assert_eq!(shared[0].sheet, "党组织情况 (2)");
    assert_eq!(
        shared[0].cell.as_deref(),
        Some(rest.org_cell(0, "org_code").as_str())
    );
    assert_eq!((bytes(&baima), bytes(&qingshan)), before);
}

#[test]
fn a_coverage_list_continued_on_a_copied_sheet_is_read() {
    let rest = FormBuilder::new()
        .coverage(|c| c.name("青山县白马建材有限公司二厂"))
        .coverage(|c| {
            c.name("白马镇个体劳动者协会")
                .set("members", Cell::text("很多"))
        });
    let form = main_form().continued_coverage("两新组织覆盖 (2)", rest.clone());
    let (dir, path, before) = inbox_with(&form);

    let report = check_file(&path, &CheckOptions::default());
    assert_eq!(report.form.as_ref().expect("read").coverage.len(), 3);
    let wrong = find(report.issues(), Code::WrongType, "两新组织覆盖 (2)");
    assert_eq!(wrong.len(), 1, "{:#?}", report.issues());
    assert_eq!(
        wrong[0].cell.as_deref(),
        Some(rest.coverage_cell(1, "members").as_str())
    );
    let run = run(dir.path());
    assert_eq!(run.files[0].coverage_rows, 3);
    assert!(
        run.reconciliation[1].contains("两新组织 3 "),
        "{:?}",
        run.reconciliation
    );
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_list_sheet_without_the_header_is_named_with_its_row_count_and_counted() {
    let rows = vec![
        vec![Cell::text("柳溪村"), Cell::Number(12.0)],
        vec![Cell::Empty, Cell::Empty],
        vec![Cell::text("青山村"), Cell::Number(8.0)],
        vec![Cell::text("柳溪社区"), Cell::Number(20.0)],
    ];
    let form = main_form().raw_sheet("党组织情况续", rows);
    let (dir, path, before) = inbox_with(&form);

    let report = check_file(&path, &CheckOptions::default());
    let unread = find(report.issues(), Code::ListSheetUnread, "党组织情况续");
    assert_eq!(unread.len(), 1, "{:#?}", report.issues());
    assert!(unread[0].is_error());
    let message = &unread[0].message;
    assert!(
        message.contains("“党组织情况续”表有 3 行内容")
            && message.contains("请把这些行移到“党组织情况”表中"),
        "{message}"
    );

    let run = run(dir.path());
    let entry = &run.files[0];
    assert_eq!((entry.organizations, entry.unread_rows), (2, 3));
    assert!(entry.detail.contains("未读取的行 3 行"), "{}", entry.detail);
    assert_rows_reconciled(&run.reconciliation[1], 3);
    assert_eq!(bytes(&path), before);
    assert_eq!(run.reports.len(), 1);
}

/// A hidden sheet that looks like a list (by name or by header) and holds rows is not read:
/// each is named in E013 with its row count, and its rows are counted in the reconciliation.
#[test]
fn hidden_list_sheets_with_rows_are_named_with_their_row_counts_and_counted() {
    let raw = vec![
        vec![Cell::text("柳溪村"), Cell::Number(12.0)],
        vec![Cell::Empty, Cell::Empty],
        vec![Cell::text("青山村"), Cell::Number(8.0)],
    ];
    let form = main_form()
        .continued_orgs("党组织情况 (2)", rest().total_row("合计"))
        .continued_orgs("备用", rest())
        .raw_sheet("党组织情况续", raw)
        .hide_sheet("党组织情况 (2)")
        .hide_sheet("备用")
        .hide_sheet("党组织情况续");
    let (dir, path, before) = inbox_with(&form);

    let report = check_file(&path, &CheckOptions::default());
    let form_read = report.form.as_ref().expect("read");
    let names: Vec<&str> = form_read
        .organizations
        .iter()
        .filter_map(|o| o.org_name())
        .collect();
    assert_eq!(names, ["白马村党支部", "石桥村党支部"]);
    for (sheet, rows) in [("党组织情况 (2)", 2), ("备用", 2), ("党组织情况续", 2)] {
        let hidden = find(report.issues(), Code::ListSheetHidden, sheet);
        assert_eq!(hidden.len(), 1, "{sheet}: {:#?}", report.issues());
        assert!(hidden[0].is_error());
        let message = &hidden[0].message;
        assert!(
            message.contains(&format!(
                "工作表“{sheet}”是隐藏的，其中有 {rows} 行数据未读取"
            )) && message.contains("请取消隐藏并把这些行移到“党组织情况”表中"),
            "{message}"
        );
        // Not read: no finding on its cells.
        assert_eq!(
            report.issues().iter().filter(|i| i.sheet == sheet).count(),
            1,
            "{:#?}",
            report.issues()
        );
    }

    let run = run(dir.path());
    let entry = &run.files[0];
    assert_eq!((entry.organizations, entry.unread_rows), (2, 6));
    assert!(
        entry
            .detail
            .contains("隐藏工作表中未读取的行 6 行（见问题清单 E013）"),
        "{}",
        entry.detail
    );
    let names: Vec<&str> = run.detail.iter().map(|(_, _, n)| n.as_str()).collect();
    assert_eq!(names, ["白马村党支部", "石桥村党支部"]);
    assert_rows_reconciled(&run.reconciliation[1], 6);
    assert_eq!(bytes(&path), before);
}

/// Hidden sheets without data rows, hidden sheets that look like no list, and the form's own
/// hidden `_meta` are left alone.
#[test]
fn hidden_sheets_without_list_rows_and_the_forms_own_are_left_alone() {
    let scratch = vec![vec![Cell::text("备注"), Cell::Number(3.0)]];
    let form = main_form()
        .continued_orgs("党组织情况 (2)", FormBuilder::new().numbered_empty_rows(5))
        .raw_sheet("两新组织覆盖（续）", Vec::new())
        .raw_sheet("草稿", scratch)
        .hide_sheet("党组织情况 (2)")
        .hide_sheet("两新组织覆盖（续）")
        .hide_sheet("草稿");
    let (dir, path, before) = inbox_with(&form);
    let report = check_file(&path, &CheckOptions::default());
    let quiet = |report: &FileReport| {
        !report
            .issues()
            .iter()
            .any(|i| matches!(i.code, Code::ListSheetHidden | Code::ListSheetUnread))
    };
    assert!(quiet(&report), "{:#?}", report.issues());
    assert_eq!(report.organizations(), 2);
    let run = run(dir.path());
    assert_eq!(run.files[0].unread_rows, 0);
    assert_eq!(bytes(&path), before);

    // The issued template: its hidden `_meta` is never named.
    let dir = temp_dir();
    let template = taizhang::template::write_template(
        dir.path(),
        &taizhang::template::TemplateOptions::default(),
    )
    .expect("template");
    let report = check_file(&template, &CheckOptions::default());
    assert!(report.form.is_some(), "{:?}", report.failure);
    assert!(quiet(&report), "{:#?}", report.issues());
}

/// Other sheets are read only to look for a continued list: one the form never needed, beyond
/// the limits (a clerk's scratch sheet), does not make the whole file unreadable.
#[test]
fn a_scratch_sheet_beyond_the_limits_does_not_stop_the_form_being_read() {
    let limits = Limits {
        max_rows: 40,
        ..Limits::default()
    };
    let far: Vec<Vec<Cell>> = (0..60).map(|i| vec![Cell::Number(i as f64)]).collect();
    let form = main_form().raw_sheet("草稿", far);
    let (_dir, path, before) = inbox_with(&form);
    let options = CheckOptions {
        limits,
        ..CheckOptions::default()
    };
    let report = check_file(&path, &options);
    assert!(report.failure.is_none(), "{:?}", report.failure);
    assert_eq!(report.organizations(), 2);
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_symlink_to_a_form_outside_the_inbox_is_ignored_with_a_reason() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    let elsewhere = dir.path().join("别处");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    main_form().write(inbox.join("白马镇.xlsx")).expect("write");
    let outside = FormBuilder::new()
        .unit("青山镇")
        .code("511101002")
        .org(|o| o.name("青山村党支部"))
        .write(elsewhere.join("青山镇.xlsx"))
        .expect("write");
    let before = bytes(&outside);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, inbox.join("青山镇.xlsx")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, inbox.join("别处的文件夹")).unwrap();
    }
    #[cfg(not(unix))]
    if std::os::windows::fs::symlink_file(&outside, inbox.join("青山镇.xlsx")).is_err() {
        return; // creating links needs a privilege Windows does not give every user
    }

    let run = run(&inbox);
    let entry = run
        .files
        .iter()
        .find(|e| e.path == "青山镇.xlsx")
        .expect("listed");
    match &entry.status {
        FileStatus::Ignored(reason) => assert!(reason.contains("符号链接"), "{reason}"),
        other => panic!("{other:?}"),
    }
    #[cfg(unix)]
    {
        let folder = run.files.iter().find(|e| e.path == "别处的文件夹");
        let status = &folder.expect("the linked folder is listed").status;
        assert!(
            matches!(status, FileStatus::Ignored(r) if r.contains("符号链接")),
            "{status:?}"
        );
    }
    assert!(run.reports.iter().all(|r| !r.path.ends_with("青山镇.xlsx")));
    assert!(run.detail.iter().all(|(_, _, name)| name != "青山村党支部"));
    assert_eq!(bytes(&outside), before);
}

#[cfg(unix)]
#[test]
fn a_fifo_is_not_a_regular_file_and_is_never_opened() {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::time::Duration;

    let dir = temp_dir();
    let inbox = dir.path().to_path_buf();
    let form = main_form().write(inbox.join("白马镇.xlsx")).expect("write");
    let before = bytes(&form);
    let fifo = inbox.join("管道.xlsx");
    let name = CString::new(fifo.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path and a mode.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);

    // Run in a thread: opening the pipe would block forever, which must fail the test instead.
    let (send, receive) = std::sync::mpsc::channel();
    let (fifo_for_check, inbox_for_run) = (fifo.clone(), inbox.clone());
    std::thread::spawn(move || {
        let report = check_file(&fifo_for_check, &CheckOptions::default());
        let run = run(&inbox_for_run);
        send.send((report, run)).unwrap();
    });
    let (report, run) = receive
        .recv_timeout(Duration::from_secs(60))
        .expect("a pipe must not block the run");
    let failure = report.failure.expect("not read");
    assert!(
        failure.message.contains("不是普通文件"),
        "{}",
        failure.message
    );
    let entry = run
        .files
        .iter()
        .find(|e| e.path == "管道.xlsx")
        .expect("listed");
    match &entry.status {
        FileStatus::Ignored(reason) => assert!(reason.contains("不是普通文件"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(bytes(&form), before);
}

/// calamine reads a reference's digits with unchecked arithmetic: a release build read
/// `r="B4294967297"` as B1. Overflow checks stay on for calamine in release builds (as in the
/// test build), so the file is refused as unreadable (E001) instead of being misread.
#[test]
fn a_cell_reference_past_the_last_row_is_refused_not_wrapped_to_row_1() {
    let manifest = std::fs::read_to_string(crate::support::root().join("Cargo.toml")).unwrap();
    let profile = "[profile.release.package.calamine]\noverflow-checks = true";
    assert!(
        manifest.contains(profile),
        "release builds must check calamine for overflow"
    );

    let form = main_form();
    let cell = form.org_cell(0, "org_name");
    assert!(cell.starts_with('B'), "{cell}");
    let mut parts = zip_parts(&form.to_bytes().expect("bytes"));
    let reference = format!(" r=\"{cell}\"");
    // The builder writes 填报说明, 单位信息, then 党组织情况: the third worksheet part.
    let (_, xml) = parts
        .iter_mut()
        .find(|(name, _)| name == "xl/worksheets/sheet3.xml")
        .expect("the organizations sheet");
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(text.contains(&reference), "{cell} not in the sheet");
    *xml = text.replace(&reference, " r=\"B4294967297\"").into_bytes();
    let dir = temp_dir();
    let parts: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let path = write_zip(dir.path(), "白马镇.xlsx", &parts);
    let before = bytes(&path);

    let report = check_file(&path, &CheckOptions::default());
    let failure = report.failure.as_ref().expect("refused");
    assert_eq!(failure.code, Code::FileUnreadable, "{}", failure.message);
    assert!(report.form.is_none());
    assert_eq!(bytes(&path), before);
}

/// The reconciliation line of rows counts `unread` rows not read, and its first number is the
/// sum of the others (rows in = rows accounted).
fn assert_rows_reconciled(line: &str, unread: usize) {
    assert!(
        line.contains(&format!("表头无法识别或工作表隐藏、未读取的行 {unread}")),
        "{line}"
    );
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|t| t.parse().ok())
        .collect();
    assert_eq!(numbers[0], numbers[1..].iter().sum::<usize>(), "{line}");
}

/// A list longer than the rows held in memory is read again row by row: the same records,
/// skipped rows and issues, at the same cells, as when the whole sheet is held.
#[test]
fn a_list_read_row_by_row_reads_as_when_held_whole() {
    let dir = temp_dir();
    let builder = FormBuilder::new()
        .orgs(150)
        .edit_org(120, |o| o.set("full_members", Cell::text("若干")))
        .blank_rows_after(100, 3)
        .total_row("合计");
    let path = builder
        .clone()
        .write(dir.path().join("白马镇.xlsx"))
        .unwrap();
    let read = |held_rows| {
        let limits = Limits {
            held_rows,
            ..Limits::default()
        };
        taizhang::read::read_form(&path, &limits).expect("read")
    };
    let (by_row, whole) = (read(41), read(100_000));
    assert_eq!(by_row, whole);
    assert_eq!(by_row.organizations.len(), 150);
    let reasons: Vec<_> = by_row.skipped.iter().map(|s| s.reason).collect();
    use taizhang::form::SkipReason::{Blank, Total};
    assert_eq!(reasons, [Blank, Blank, Blank, Total]);
    let cell = builder.org_cell(120, "full_members");
    assert!(
        by_row
            .issues
            .iter()
            .any(|i| i.cell.as_deref() == Some(cell.as_str())),
        "{cell}: {:#?}",
        by_row.issues
    );
}
