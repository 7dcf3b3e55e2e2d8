//! Nothing a clerk sent is ever overwritten, dropped or silently replaced: the one rule for
//! every output (src/output.rs), feedback names that never collide, the output folder checked
//! before the run, our stale temporary files, stale feedback, and exit codes that say what
//! was written.

use crate::support::{file_names, root, temp_dir};
use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, SystemTime};
use taizhang::builder::{Cell, FormBuilder};

/// Organizations in samples/摸底.
const SAMPLE_ORGS: u64 = 321;

fn taizhang() -> Command {
    Command::cargo_bin("taizhang").unwrap()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    taizhang().current_dir(dir).args(args).output().unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(output)
        )
    })
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

/// A copy of samples/摸底 as `dir/收件`.
fn sample_inbox(dir: &Path) -> PathBuf {
    let inbox = dir.join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    for entry in std::fs::read_dir(root().join("samples/摸底")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), inbox.join(entry.file_name())).unwrap();
    }
    inbox
}

/// A copy of samples/roster.xlsx in `dir`.
fn sample_roster(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(root().join("samples/roster.xlsx"), &path).unwrap();
    path
}

/// `taizhang ledger 收件 -o <out> <extra…> --format json` in `dir`.
fn ledger(dir: &Path, out: &str, extra: &[&str]) -> Output {
    let mut args = vec!["ledger", "收件", "-o", out, "--format", "json"];
    args.extend_from_slice(extra);
    run(dir, &args)
}

/// A refused run: exit 2, the message names the file, the file's bytes are unchanged.
fn assert_refused(output: &Output, path: &Path, before: &[u8], says: &str) {
    assert_eq!(code(output), 2, "{}", stderr(output));
    let message = stderr(output);
    let name = path.file_name().unwrap().to_string_lossy();
    assert!(message.contains(name.as_ref()), "{message}");
    assert!(message.contains(says), "{message}");
    assert_eq!(bytes(path), before, "{} was changed", path.display());
}

// ---- 1. ledger/upgrade -o: never an input, never a file not ours ---------------------------

#[test]
fn an_encrypted_return_in_the_inbox_is_never_the_ledger() {
    let dir = temp_dir();
    let inbox = sample_inbox(dir.path());
    let streams = [
        ("EncryptionInfo", vec![4, 0, 4, 0, 0x40, 0, 0, 0]),
        ("EncryptedPackage", vec![0x5a; 4096]),
    ];
    let path = taizhang::read::hostile::ole(&inbox, "青林乡加密.xlsx", &streams);
    let before = bytes(&path);
    for extra in [&[][..], &["--force"][..]] {
        let run = ledger(dir.path(), "收件/青林乡加密.xlsx", extra);
        assert_refused(&run, &path, &before, "收件文件夹中的文件");
    }
    // Read as the return it is, it is named in the ledger as unreadable.
    let run = ledger(dir.path(), "台账.xlsx", &[]);
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    assert_eq!(json(&run)["files"]["failed"], 1);
    assert_eq!(json(&run)["organizations"], SAMPLE_ORGS);
}

#[test]
fn a_damaged_return_in_the_inbox_is_never_the_ledger() {
    let dir = temp_dir();
    let inbox = sample_inbox(dir.path());
    let whole = bytes(&inbox.join("白马镇.xlsx"));
    let path = inbox.join("白马镇（补报）.xlsx");
    std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
    let before = bytes(&path);
    for extra in [&[][..], &["--force"][..]] {
        let run = ledger(dir.path(), "收件/白马镇（补报）.xlsx", extra);
        assert_refused(&run, &path, &before, "收件文件夹中的文件");
    }
}

#[test]
fn the_roster_is_never_the_ledger_nor_the_upgrade_workbook() {
    let dir = temp_dir();
    sample_inbox(dir.path());
    let roster = sample_roster(dir.path(), "花名册.xlsx");
    let before = bytes(&roster);
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["--roster", "花名册.xlsx"];
        args.extend_from_slice(extra);
        let refused = ledger(dir.path(), "花名册.xlsx", &args);
        assert_refused(&refused, &roster, &before, "花名册");
        let mut args = vec![
            "upgrade",
            "--baseline",
            "收件",
            "--final",
            "收件",
            "--roster",
            "花名册.xlsx",
            "-o",
            "花名册.xlsx",
        ];
        args.extend_from_slice(extra);
        let refused = run(dir.path(), &args);
        assert_refused(&refused, &roster, &before, "花名册");
    }
}

#[test]
fn a_document_is_never_replaced_and_someones_own_workbook_only_with_force() {
    let dir = temp_dir();
    sample_inbox(dir.path());
    let docx = dir.path().join("汇报材料.docx");
    std::fs::write(&docx, b"PK\x03\x04 a Word document").unwrap();
    let own = dir.path().join("我的统计.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write(0, 0, "各镇党员人数").unwrap();
    book.save(&own).unwrap();
    // A document is not even a workbook's name: refused with or without --force.
    let before = bytes(&docx);
    for extra in [&[][..], &["--force"][..]] {
        let run = ledger(dir.path(), "汇报材料.docx", extra);
        assert_refused(&run, &docx, &before, ".xlsx");
    }
    let before = bytes(&own);
    let run = ledger(dir.path(), "我的统计.xlsx", &[]);
    assert_refused(&run, &own, &before, "--force");
    let run = ledger(dir.path(), "我的统计.xlsx", &["--force"]);
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    assert_eq!(json(&run)["organizations"], SAMPLE_ORGS);
    assert!(bytes(&own) != before, "--force replaces 我的统计.xlsx");
}

#[test]
fn a_ledger_we_wrote_is_replaced_by_the_next_run() {
    let dir = temp_dir();
    let inbox = sample_inbox(dir.path());
    let late = inbox.join("金竹乡.xlsx");
    let late_bytes = bytes(&late);
    for out in ["台账.xlsx", "收件/台账.xlsx"] {
        std::fs::remove_file(&late).unwrap();
        let first = ledger(dir.path(), out, &[]);
        assert_eq!(code(&first), 0, "{}", stderr(&first));
        let written = bytes(&dir.path().join(out));
        std::fs::write(&late, &late_bytes).unwrap(); // 金竹乡 reports
        let again = ledger(dir.path(), out, &[]);
        assert_eq!(code(&again), 0, "{}", stderr(&again));
        assert_eq!(json(&again)["organizations"], SAMPLE_ORGS);
        assert_eq!(json(&again)["files"]["read"], 14, "the ledger is not read");
        assert!(bytes(&dir.path().join(out)) != written, "a new ledger");
    }
    // An upgrade workbook too, and never one kind of output for another.
    let args = [
        "upgrade",
        "--baseline",
        "收件",
        "--final",
        "收件",
        "-o",
        "升级.xlsx",
    ];
    for _ in 0..2 {
        let up = run(dir.path(), &args);
        assert_eq!(code(&up), 0, "{}", stderr(&up));
    }
    let upgrade = dir.path().join("升级.xlsx");
    let before = bytes(&upgrade);
    let refused = ledger(dir.path(), "升级.xlsx", &[]);
    assert_refused(&refused, &upgrade, &before, "不是本程序生成的台账");
    assert!(inbox.join("台账.xlsx").is_file());
}

// ---- 2. template -o: never over a filled return --------------------------------------------

#[test]
fn a_blank_form_never_replaces_a_filled_return_of_its_name() {
    let dir = temp_dir();
    let out = dir.path().join("下发");
    std::fs::create_dir_all(&out).unwrap();
    let path = out.join(taizhang::schema::TEMPLATE_FILE);
    std::fs::copy(root().join("samples/摸底/白马镇.xlsx"), &path).unwrap();
    let before = bytes(&path);
    let refused = run(dir.path(), &["template", "-o", "下发"]);
    assert_refused(&refused, &path, &before, "--force");
    // The filled return is still read as a form, whole.
    let check = taizhang::read::read_form(&path, &Default::default()).unwrap();
    assert!(!check.organizations.is_empty());

    let forced = taizhang()
        .current_dir(dir.path())
        .args(["template", "-o", "下发", "--force"])
        .output()
        .unwrap();
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert!(bytes(&path) != before);
    // An unfilled form of ours is replaced by the next run.
    let again = taizhang()
        .current_dir(dir.path())
        .args(["template", "-o", "下发"])
        .output()
        .unwrap();
    assert_eq!(code(&again), 0, "{}", stderr(&again));
}

#[test]
fn prefilled_forms_never_replace_a_filled_return_and_none_is_written_before_the_check() {
    let dir = temp_dir();
    sample_roster(dir.path(), "花名册.xlsx");
    let args = ["template", "--roster", "花名册.xlsx", "-o", "下发"];
    let first = run(dir.path(), &args);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let issued = file_names(&dir.path().join("下发"));
    assert_eq!(issued.len(), 14);
    let again = run(dir.path(), &args);
    assert_eq!(
        code(&again),
        0,
        "unfilled forms of ours are replaced: {}",
        stderr(&again)
    );

    let out = dir.path().join("下发2");
    std::fs::create_dir_all(&out).unwrap();
    let path = out.join("511101003_白马镇_摸底调查表.xlsx");
    std::fs::copy(root().join("samples/摸底/白马镇.xlsx"), &path).unwrap();
    let before = bytes(&path);
    let refused = run(
        dir.path(),
        &["template", "--roster", "花名册.xlsx", "-o", "下发2"],
    );
    assert_refused(&refused, &path, &before, "--force");
    assert_eq!(file_names(&out), ["511101003_白马镇_摸底调查表.xlsx"]);
}

// ---- 3. feedback names ---------------------------------------------------------------------

#[test]
fn ledger_feedback_never_replaces_a_return_of_the_feedback_name() {
    let dir = temp_dir();
    let inbox = sample_inbox(dir.path());
    // A clerk named the return after the feedback they were sent last time.
    let path = inbox.join("511101003_白马镇_反馈.xlsx");
    std::fs::rename(inbox.join("白马镇.xlsx"), &path).unwrap();
    let before = bytes(&path);
    for _ in 0..2 {
        let run = ledger(dir.path(), "台账.xlsx", &["--feedback", "收件"]);
        assert_eq!(code(&run), 0, "{}", stderr(&run));
        assert_eq!(bytes(&path), before, "the return was replaced");
        assert_eq!(json(&run)["organizations"], SAMPLE_ORGS, "白马镇's rows");
    }
    assert!(inbox.join("511101003_白马镇(2)_反馈.xlsx").is_file());
}

#[test]
fn check_feedback_never_replaces_a_clerks_file_of_the_same_name() {
    let dir = temp_dir();
    let inbox = sample_inbox(dir.path());
    let feedback = dir.path().join("反馈");
    std::fs::create_dir_all(&feedback).unwrap();
    let clerks = feedback.join("白马镇_反馈.xlsx");
    std::fs::copy(inbox.join("西河镇.xlsx"), &clerks).unwrap();
    let before = bytes(&clerks);
    let run = run(
        dir.path(),
        &["check", "收件/白马镇.xlsx", "--feedback", "反馈"],
    );
    assert!([0, 1].contains(&code(&run)), "{}", stderr(&run));
    assert_eq!(bytes(&clerks), before);
    assert_eq!(
        file_names(&feedback),
        ["白马镇(2)_反馈.xlsx", "白马镇_反馈.xlsx"]
    );
}

#[test]
fn two_inputs_of_one_name_get_two_feedback_files() {
    let dir = temp_dir();
    let inbox = sample_inbox(dir.path());
    std::fs::create_dir_all(inbox.join("二区")).unwrap();
    std::fs::copy(inbox.join("西河镇.xlsx"), inbox.join("二区/白马镇.xlsx")).unwrap();
    let run = run(
        dir.path(),
        &[
            "check",
            "收件/白马镇.xlsx",
            "收件/二区/白马镇.xlsx",
            "--feedback",
            "反馈",
        ],
    );
    assert!([0, 1].contains(&code(&run)), "{}", stderr(&run));
    let feedback = dir.path().join("反馈");
    assert_eq!(
        file_names(&feedback),
        ["白马镇(2)_反馈.xlsx", "白马镇_反馈.xlsx"]
    );
    let said = stderr(&run);
    assert_eq!(said.matches("已生成反馈").count(), 2, "{said}");
    assert!(said.contains("白马镇(2)_反馈.xlsx"), "{said}");
}

// ---- 8. temporary files, the output folder, long names, stale feedback, exit codes --------

fn set_age(path: &Path, age: Duration) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - age).unwrap();
}

#[test]
fn our_stale_temporary_files_are_removed_and_never_listed() {
    let dir = temp_dir();
    let inbox = sample_inbox(dir.path());
    let stale = inbox.join(".~taizhang-AbC123.tmp");
    let fresh = inbox.join(".~taizhang-XyZ789.tmp");
    std::fs::write(&stale, b"half a ledger").unwrap();
    std::fs::write(&fresh, b"a save in progress").unwrap();
    set_age(&stale, Duration::from_secs(2 * 60 * 60));
    let run = ledger(dir.path(), "收件/台账.xlsx", &[]);
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    assert!(
        !stale.exists(),
        "a temporary file left two hours ago is removed"
    );
    assert!(fresh.exists(), "a young one may be another run's");
    assert_eq!(json(&run)["files"]["found"], 14, "neither is listed");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(inbox.join("台账.xlsx")).unwrap();
    use calamine::Reader;
    let list = book.worksheet_range("文件清单").unwrap();
    let listed = list
        .cells()
        .any(|(_, _, v)| v.to_string().contains("taizhang-"));
    assert!(!listed, "文件清单 lists a temporary file");
}

#[test]
fn an_unwritable_output_folder_stops_the_run_before_any_work() {
    let dir = temp_dir();
    sample_inbox(dir.path());
    // A folder that cannot exist, even for root: its parent is a regular file.
    std::fs::write(dir.path().join("文件"), b"not a folder").unwrap();
    let run = ledger(dir.path(), "文件/台账.xlsx", &["--feedback", "反馈"]);
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert!(
        stderr(&run).contains("无法在输出文件夹"),
        "{}",
        stderr(&run)
    );
    let feedback = dir.path().join("反馈");
    assert!(
        !feedback.exists() || file_names(&feedback).is_empty(),
        "feedback was written before the ledger failed"
    );
    let run = ledger(dir.path(), "台账.xlsx", &["--feedback", "文件/反馈"]);
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert!(!dir.path().join("台账.xlsx").exists());
}

#[test]
fn a_very_long_unit_name_gives_a_feedback_name_within_255_bytes() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    let name = format!("{}镇", "青山县白马".repeat(20));
    let form = FormBuilder::new()
        .unit(name.as_str())
        .org(|o| o.name("白马村党支部").members(Cell::text("若干")));
    let path = form.write(inbox.join("长.xlsx")).unwrap();
    let before = bytes(&path);
    let run = ledger(dir.path(), "台账.xlsx", &["--feedback", "反馈"]);
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    assert_eq!(json(&run)["organizations"], 1);
    let names = file_names(&dir.path().join("反馈"));
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].len() <= 255, "{} bytes", names[0].len());
    assert!(names[0].ends_with("_反馈.xlsx"), "{}", names[0]);
    assert_eq!(bytes(&path), before);
}

#[test]
fn feedback_of_a_deleted_form_is_removed_and_nothing_else() {
    let dir = temp_dir();
    let inbox = sample_inbox(dir.path());
    let first = ledger(dir.path(), "台账.xlsx", &["--feedback", "反馈"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let feedback = dir.path().join("反馈");
    let stale = feedback.join("511101003_白马镇_反馈.xlsx");
    assert!(stale.is_file());
    // Someone's own file in the feedback folder, with a feedback-like name.
    let theirs = feedback.join("白马镇_反馈.xlsx");
    std::fs::copy(inbox.join("白马镇.xlsx"), &theirs).unwrap();
    let before = bytes(&theirs);
    std::fs::remove_file(inbox.join("白马镇.xlsx")).unwrap();
    let again = ledger(dir.path(), "台账.xlsx", &["--feedback", "反馈"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(!stale.exists(), "the deleted form's feedback stays");
    assert!(
        stderr(&again).contains("已删除过时的反馈"),
        "{}",
        stderr(&again)
    );
    assert_eq!(bytes(&theirs), before);
    assert_eq!(
        file_names(&feedback).len(),
        14,
        "13 units' feedback and theirs"
    );
}

/// The text of sheet `sheet` of the workbook at `path`, cell by cell.
fn sheet_text(path: &Path, sheet: &str) -> String {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range.cells().map(|(_, _, v)| format!("{v}\n")).collect()
}

#[test]
fn colliding_feedback_names_go_in_file_order_whatever_finishes_first() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    // Four units whose names make one file name (`/ : * ?` become `_`). The first file is
    // by far the slowest to prepare, so on two threads the others claim names before it.
    let units = ["白马/镇", "白马:镇", "白马*镇", "白马?镇"];
    for (k, unit) in units.iter().enumerate() {
        let mut form = FormBuilder::new().unit(*unit);
        if k == 0 {
            form = form.orgs(4000);
        }
        let form = form.org(|o| o.name("白马村党支部").members(Cell::text("若干")));
        form.write(inbox.join(format!("{}.xlsx", k + 1))).unwrap();
    }
    let feedback = dir.path().join("反馈");
    // In file order (1.xlsx … 4.xlsx); the builder's forms all carry code 511101001.
    let in_order = [
        "511101001_白马_镇_反馈.xlsx",
        "511101001_白马_镇(2)_反馈.xlsx",
        "511101001_白马_镇(3)_反馈.xlsx",
        "511101001_白马_镇(4)_反馈.xlsx",
    ];
    let mut sorted = in_order.map(String::from).to_vec();
    sorted.sort();
    for _ in 0..2 {
        let run = ledger(dir.path(), "台账.xlsx", &["--feedback", "反馈"]);
        assert_eq!(code(&run), 0, "{}", stderr(&run));
        assert_eq!(file_names(&feedback), sorted);
        // The n-th file of the inbox has the n-th name.
        for (k, name) in in_order.iter().enumerate() {
            let said = sheet_text(&feedback.join(name), "说明");
            let file = format!("{}.xlsx", k + 1);
            assert!(
                said.contains(&file),
                "{name} is not the feedback of {file}: {said}"
            );
        }
    }
}

/// A folder under `base` whose path is exactly `len` bytes long, made of nested folders.
#[cfg(target_os = "linux")]
fn folder_of_length(base: &Path, len: usize) -> PathBuf {
    let mut path = base.to_path_buf();
    loop {
        let left = len - path.as_os_str().len() - 1; // the separator
        if left <= 200 {
            path.push("d".repeat(left));
            break;
        }
        path.push("d".repeat(150));
    }
    assert_eq!(path.as_os_str().len(), len);
    std::fs::create_dir_all(&path).unwrap();
    path
}

#[cfg(target_os = "linux")]
#[test]
fn a_feedback_file_that_cannot_be_saved_gives_exit_3_and_the_ledger_all_the_same() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    let long = "白马镇".repeat(10);
    let forms = [
        ("511101002", "东山乡", "1.xlsx"),
        ("511101003", &*long, "2.xlsx"),
    ];
    let mut before = Vec::new();
    for (code, unit, file) in forms {
        let form = FormBuilder::new()
            .unit(unit)
            .code(code)
            .orgs(3)
            .org(|o| o.name("一村党支部").members(Cell::text("若干")));
        let path = form.write(inbox.join(file)).unwrap();
        before.push((path.clone(), bytes(&path)));
    }
    // A feedback folder so deep that its path, with 东山乡's feedback name or our temporary
    // file's, stays under Linux's 4096-byte limit on a path, and with the other unit's longer
    // name goes over it: that one feedback file cannot be saved (even by root).
    let feedback = folder_of_length(dir.path(), 4060);
    let run = ledger(
        dir.path(),
        "台账.xlsx",
        &["--feedback", feedback.to_str().unwrap()],
    );
    let said = stderr(&run);
    assert_eq!(code(&run), 3, "{said}");
    assert!(
        said.contains(&format!("错误：{long} 的反馈未生成")),
        "{said}"
    );
    assert!(said.contains("已生成反馈"), "{said}");
    // The ledger is written whole, with both units' rows.
    assert!(dir.path().join("台账.xlsx").is_file());
    assert_eq!(json(&run)["organizations"], 8, "both units' organizations");
    // The other unit's feedback is there, nothing else (no temporary file left), and the
    // returns are as they were.
    assert_eq!(file_names(&feedback), ["511101002_东山乡_反馈.xlsx"]);
    for (path, bytes_before) in before {
        assert_eq!(bytes(&path), bytes_before, "{} was changed", path.display());
    }
}

// ---- an output name that is not a workbook's, an inbox that is a file --------------------

/// `-o 台账.csv` would write an Excel workbook under a name Excel opens as text: refused before
/// any work, with what to do; an existing file of that name is left as it is, even with --force.
#[test]
fn an_output_name_not_ending_in_xlsx_is_refused_before_any_work() {
    let dir = temp_dir();
    sample_inbox(dir.path());
    let csv = dir.path().join("台账.csv");
    std::fs::write(&csv, "单位,党组织数\n白马镇,28\n").unwrap();
    let before = bytes(&csv);
    for extra in [&[][..], &["--force"][..]] {
        let refused = ledger(dir.path(), "台账.csv", extra);
        assert_refused(&refused, &csv, &before, "请把文件名改为以 .xlsx 结尾");
    }
    for name in ["台账", "台账.xls"] {
        let refused = ledger(dir.path(), name, &[]);
        assert_eq!(code(&refused), 2, "{}", stderr(&refused));
        assert!(stderr(&refused).contains(".xlsx"), "{}", stderr(&refused));
        assert!(!dir.path().join(name).exists(), "{name} was written");
    }
    let upgrade = run(
        dir.path(),
        &[
            "upgrade",
            "--baseline",
            "收件",
            "--final",
            "收件",
            "-o",
            "升级.xls",
        ],
    );
    assert_eq!(code(&upgrade), 2, "{}", stderr(&upgrade));
    assert!(stderr(&upgrade).contains(".xlsx"), "{}", stderr(&upgrade));
    assert!(!dir.path().join("升级.xls").exists());
    // The same name with the extension in capitals is a workbook's name.
    assert_eq!(code(&ledger(dir.path(), "台账.XLSX", &[])), 0);
}

/// A return given where the inbox goes: said as it is, not "找不到收件文件夹".
#[test]
fn a_file_given_as_the_inbox_is_named_as_a_file() {
    let dir = temp_dir();
    let inbox = sample_inbox(dir.path());
    let form = inbox.join("白马镇.xlsx");
    let before = bytes(&form);
    for command in ["ledger", "status"] {
        let mut args = vec![command, "收件/白马镇.xlsx"];
        match command {
            "ledger" => args.extend(["-o", "台账.xlsx"]),
            _ => args.extend(["--roster", "花名册.xlsx"]),
        }
        sample_roster(dir.path(), "花名册.xlsx");
        let refused = run(dir.path(), &args);
        assert_eq!(code(&refused), 2, "{}", stderr(&refused));
        let message = stderr(&refused);
        assert!(
            message.contains("是一个文件，不是收件文件夹") && message.contains("taizhang check"),
            "{message}"
        );
    }
    assert_eq!(bytes(&form), before);
    assert!(!dir.path().join("台账.xlsx").exists());
}
