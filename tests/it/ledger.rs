//! The county ledger: sheets and columns read back with calamine, hand-computed rows, the JSON
//! contract, determinism, other tier schemes, ignored files.

use crate::support::{root, temp_dir};
use assert_cmd::Command;
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::{Path, PathBuf};
use taizhang::ledger::{self, LedgerOptions, RunOptions};
use taizhang::rules::Rules;
use taizhang::status::Expectation;

fn samples() -> PathBuf {
    root().join("samples/摸底")
}

fn options(out: &Path, rules: &Rules, sheet_rows: u32) -> LedgerOptions {
    LedgerOptions {
        check: taizhang::check::CheckOptions {
            rules: rules.clone(),
            ..Default::default()
        },
        exclude: vec![out.to_path_buf()],
        sheet_rows,
        ..LedgerOptions::default()
    }
}

/// Stream a ledger of `inbox` with `rules` (as `taizhang ledger` does), on a pool of
/// `threads` threads, at most `sheet_rows` rows a sheet.
fn stream_ledger(
    inbox: &Path,
    out: &Path,
    rules: &Rules,
    threads: usize,
    sheet_rows: u32,
    expect: &Expectation,
) {
    let options = options(out, rules, sheet_rows);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let stream = RunOptions {
        expect,
        feedback: None,
        progress: &|_| {},
    };
    pool.install(|| ledger::write(inbox, out, &options, &stream))
        .unwrap();
}

fn write_ledger(inbox: &Path, out: &Path, rules: &Rules, threads: usize) {
    let expect = Expectation::new(None, None, None);
    stream_ledger(inbox, out, rules, threads, u32::MAX, &expect);
}

fn sheet_names(path: &Path) -> Vec<String> {
    open_workbook::<Xlsx<_>, _>(path).unwrap().sheet_names()
}

/// Every data row of a list and its continuation sheets, after one header.
fn list_rows(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut rows = Vec::new();
    for (part, sheet_name) in sheet_names(path)
        .iter()
        .filter(|n| *n == name || n.starts_with(&format!("{name}(")))
        .enumerate()
    {
        let range = sheet(path, sheet_name);
        let skip = if part == 0 { 0 } else { 1 };
        rows.extend(range.rows().skip(skip).map(<[Data]>::to_vec));
    }
    rows
}

#[test]
fn the_ledger_is_the_same_on_one_thread_and_on_four_with_and_without_a_roster() {
    let dir = temp_dir();
    let roster = taizhang::roster::Roster::load(&root().join("samples/roster.xlsx")).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2023, 4, 10);
    for expect in [
        Expectation::new(None, None, day),
        Expectation::new(Some(roster), None, day),
    ] {
        let (four, one) = (dir.path().join("4.xlsx"), dir.path().join("1.xlsx"));
        let rules = Rules::embedded();
        stream_ledger(&samples(), &four, &rules, 4, u32::MAX, &expect);
        stream_ledger(&samples(), &one, &rules, 1, u32::MAX, &expect);
        assert_eq!(sheet_names(&four), sheet_names(&one));
        for name in sheet_names(&one) {
            assert_eq!(sheet(&four, &name), sheet(&one, &name), "sheet {name}");
        }
    }
}

/// A copy of the samples in `dir`/inbox, with 白马镇（初稿）.xlsx: an older copy of 白马镇.xlsx,
/// otherwise the same, so superseded by its modification time.
fn samples_with_a_resubmission(dir: &Path) -> PathBuf {
    let inbox = dir.join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    for entry in std::fs::read_dir(samples()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, inbox.join(path.file_name().unwrap())).unwrap();
    }
    let older = inbox.join("白马镇（初稿）.xlsx");
    std::fs::copy(inbox.join("白马镇.xlsx"), &older).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&older)
        .unwrap()
        .set_modified(std::time::SystemTime::UNIX_EPOCH)
        .unwrap();
    inbox
}

/// The pipeline reads each file once and keeps its report on disk until pass 2: a
/// resubmission (the older copy superseded), an organization code two units both claim, an
/// unreadable file and the rules' warnings on a superseded file's 文件清单 line come out
/// right, and the same whatever the number of threads.
#[test]
fn resubmissions_and_shared_codes_come_out_the_same_on_one_thread_and_on_four() {
    use taizhang::builder::FormBuilder;
    let dir = temp_dir();
    let inbox = samples_with_a_resubmission(dir.path());
    // Two units claiming one organization code (E404 on both), each with a self-assessment
    // the rules disagree with (W201); 甲镇 also sent a first draft, superseded by date.
    let unit = |name: &str, code: &str, filled_on: &str| {
        FormBuilder::new()
            .unit(name)
            .code(code)
            .filled_on(filled_on)
            .orgs(2)
            .org(|o| o.set("org_code", "O0000000099").self_tier("后进"))
    };
    for (file, form) in [
        ("甲镇.xlsx", unit("甲镇", "511199001", "2023-04-06")),
        (
            "甲镇（初稿）.xlsx",
            unit("甲镇", "511199001", "2023-04-01").orgs(1),
        ),
        ("乙镇.xlsx", unit("乙镇", "511199002", "2023-04-06")),
    ] {
        form.write(inbox.join(file)).unwrap();
    }
    std::fs::write(
        inbox.join("坏文件.xlsx"),
        b"PK\x03\x04 not really a workbook",
    )
    .unwrap();
    // Ignored files, listed between the others in path order.
    std::fs::write(inbox.join("乙镇.docx"), b"not a form").unwrap();
    std::fs::write(inbox.join("~$甲镇.xlsx"), b"lock").unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2023, 4, 10);
    let expect = Expectation::new(None, None, day);
    let (four, kept) = (dir.path().join("4.xlsx"), dir.path().join("1.xlsx"));
    let rules = Rules::embedded();
    stream_ledger(&inbox, &four, &rules, 4, u32::MAX, &expect);
    stream_ledger(&inbox, &kept, &rules, 1, u32::MAX, &expect);
    let files = list_rows(&kept, "文件清单");
    let joined = |row: &[Data]| {
        row.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("|")
    };
    let line = |name: &str| joined(files.iter().find(|r| joined(r).contains(name)).unwrap());
    assert!(line("白马镇（初稿）.xlsx").contains("已被替代"));
    // The draft's line counts the rules' warning too (W201): read back and classified.
    let draft = line("甲镇（初稿）.xlsx");
    assert!(draft.contains("已被替代"), "{draft}");
    let header = joined(&files[0]);
    let warnings_at = header.split('|').position(|h| h == "警告").unwrap();
    assert_eq!(
        draft.split('|').nth(warnings_at),
        Some("1"),
        "{header}\n{draft}"
    );
    let issues = list_rows(&kept, "校验问题");
    let shared = issues.iter().filter(|r| joined(r).contains("E404")).count();
    assert_eq!(shared, 2, "the shared code is an error in both units");
    assert_eq!(sheet_names(&four), sheet_names(&kept));
    for name in sheet_names(&kept) {
        assert_eq!(sheet(&four, &name), sheet(&kept, &name), "sheet {name}");
    }
}

/// Progress comes in stages, each announced with its number of files and then ticked once
/// per file: every file found is read, every attributed file (superseded ones too) is written
/// or listed; then the workbook is saved.
#[test]
fn progress_counts_every_file_in_both_stages() {
    use taizhang::ledger::{Progress, Stage};
    let dir = temp_dir();
    let inbox = samples_with_a_resubmission(dir.path());
    let out = dir.path().join("台账.xlsx");
    let options = options(&out, &Rules::embedded(), u32::MAX);
    let events = std::sync::Mutex::new(Vec::new());
    let expect = Expectation::new(None, None, None);
    let stream = RunOptions {
        expect: &expect,
        feedback: None,
        progress: &|p| events.lock().unwrap().push(p),
    };
    ledger::write(&inbox, &out, &options, &stream).unwrap();
    let events = events.into_inner().unwrap();
    let files = std::fs::read_dir(&inbox).unwrap().count();
    assert_eq!(files, 15);
    let done = |from: usize, to: usize| events[from..to].iter().all(|e| *e == Progress::Done);
    assert_eq!(events[0], Progress::Start(Stage::Reading, files));
    assert!(done(1, 1 + files));
    assert_eq!(events[1 + files], Progress::Start(Stage::Writing, files));
    assert!(done(2 + files, 2 + 2 * files));
    assert_eq!(events[2 + 2 * files..], [Progress::Start(Stage::Saving, 0)]);
}

#[test]
fn long_lists_continue_on_numbered_sheets_with_the_same_header() {
    let dir = temp_dir();
    let (whole, split) = (dir.path().join("whole.xlsx"), dir.path().join("split.xlsx"));
    let rules = Rules::embedded();
    let expect = Expectation::new(None, None, None);
    stream_ledger(&samples(), &whole, &rules, 2, u32::MAX, &expect);
    stream_ledger(&samples(), &split, &rules, 2, 10, &expect);
    let names = sheet_names(&split);
    // 321 organizations at 9 a sheet: 台账明细 and 台账明细(2) … 台账明细(36).
    assert!(names.contains(&"台账明细(36)".to_string()), "{names:?}");
    assert!(!names.contains(&"台账明细(37)".to_string()), "{names:?}");
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    assert!(
        at("台账明细(36)") < at("后进整改"),
        "continuations follow their sheet"
    );
    // The long lists are split; 汇总 and 文件清单 hold one row per unit or file.
    for name in names.iter().filter(|n| {
        ["台账明细", "后进整改", "两新明细", "校验问题"]
            .iter()
            .any(|l| n.starts_with(l))
    }) {
        assert!(sheet(&split, name).height() <= 10, "{name} over the limit");
    }
    let header = header(&sheet(&whole, "台账明细"), 0);
    assert_eq!(self::header(&sheet(&split, "台账明细(7)"), 0), header);
    for list in ["台账明细", "后进整改", "两新明细", "校验问题"] {
        assert_eq!(list_rows(&split, list), list_rows(&whole, list), "{list}");
    }
    assert_eq!(list_rows(&split, "台账明细").len() - 1, 321);
    assert_eq!(
        sheet(&split, "汇总"),
        sheet(&whole, "汇总"),
        "counts stay exact"
    );
}

#[test]
fn a_ledger_split_over_several_detail_sheets_reads_back_equal() {
    let dir = temp_dir();
    let (whole, split) = (dir.path().join("whole.xlsx"), dir.path().join("split.xlsx"));
    let rules = Rules::embedded();
    let expect = Expectation::new(None, None, None);
    stream_ledger(&samples(), &whole, &rules, 2, u32::MAX, &expect);
    stream_ledger(&samples(), &split, &rules, 2, 50, &expect);
    let limits = taizhang::read::Limits::default();
    let read = |p: &Path| {
        let mut back = taizhang::upgrade::readback::read_ledger(p, &rules, &limits).unwrap();
        for org in &mut back.organizations {
            org.ledger_row = 0; // the row within its own sheet
        }
        (back.organizations, back.issues)
    };
    let (orgs, issues) = read(&split);
    assert_eq!(orgs.len(), 321);
    assert_eq!((orgs, issues), read(&whole));
}

fn sheet(path: &Path, name: &str) -> calamine::Range<Data> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    book.worksheet_range(name).unwrap()
}

fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => taizhang::normalize::format_number(*f),
        Some(Data::Int(i)) => i.to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn header(range: &calamine::Range<Data>, row: usize) -> Vec<String> {
    (0..range.width())
        .map(|c| text(range.get((row, c))))
        .collect()
}

#[test]
fn the_sheets_are_there_in_order_with_their_columns() {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    write_ledger(&samples(), &out, &Rules::embedded(), 2);
    let book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "汇总",
            "台账明细",
            "后进整改",
            "两新覆盖",
            "两新明细",
            "问题类型",
            "双分类",
            "单位考评",
            "校验问题",
            "文件清单",
            "_meta"
        ]
    );
    let detail = sheet(&out, "台账明细");
    let cols = header(&detail, 0);
    for expected in [
        "单位代码",
        "单位名称",
        "党组织名称",
        "党组织编码",
        "组织类型",
        "所属领域",
        "正式党员数",
        "组织设置（10分）",
        "作用发挥（30分）",
        "总分",
        "核定等次",
        "审定等次",
        "依据",
        "最终等次",
        "自评等次",
        "争创目标",
        "扣分说明",
        "校验状态",
        "来源文件",
        "来源行",
    ] {
        assert!(
            cols.iter().any(|c| c == expected),
            "台账明细 lacks {expected}: {cols:?}"
        );
    }
    assert_eq!(detail.height() - 1, 321, "one row per organization");
    let issues = sheet(&out, "校验问题");
    assert_eq!(
        header(&issues, 0),
        [
            "来源文件",
            "单位名称",
            "工作表",
            "单元格",
            "列",
            "填写内容",
            "级别",
            "代码",
            "问题说明"
        ]
    );
    assert_eq!(issues.height() - 1, 21, "every planted issue");
}

/// Find a 台账明细 row by source file and row; return the cells by header.
fn detail_row(
    detail: &calamine::Range<Data>,
    file: &str,
    row: u32,
) -> std::collections::HashMap<String, String> {
    let cols = header(detail, 0);
    let at = |name: &str| cols.iter().position(|c| c == name).unwrap();
    let found = (1..detail.height())
        .find(|r| {
            text(detail.get((*r, at("来源文件")))) == file
                && text(detail.get((*r, at("来源行")))) == row.to_string()
        })
        .unwrap_or_else(|| panic!("{file} row {row} not in 台账明细"));
    cols.iter()
        .enumerate()
        .map(|(c, h)| (h.clone(), text(detail.get((found, c)))))
        .collect()
}

#[test]
fn tiers_and_totals_match_a_hand_computation() {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    write_ledger(&samples(), &out, &Rules::embedded(), 2);
    let detail = sheet(&out, "台账明细");
    // (file, row, [组织设置, 领导班子, 组织制度, 经费场所保障, 作用发挥], total, tier), each worked
    // out by hand from the row's values:
    let cases = [
        // 党支部 42 人, 班子 3, 未按期换届, 会议 2/4/0/4, 经费 0, 场所 2㎡, 满意度 60:
        // 10 | 20-10 | 4+0+0+0 | 0+0 | 12 = 36, 后进 (<65).
        ("双河镇.xlsx", 7, [10, 10, 4, 0, 12], 36, "后进"),
        // 联合党支部 6 人 (no 3-member rule), 班子 1 (<7 members: no committee deduction; 支委会
        // not assessed: full 8), 未换届, 会议 3/5/0/2, 经费 0, 场所 9, 满意度 72:
        // 10 | 10 | 4+8+0+0 | 0 | 18 = 50, 后进.
        ("金竹乡.xlsx", 26, [10, 10, 12, 0, 18], 50, "后进"),
        // 党员大会 0 次 vetoes whatever the total: 10 | 20 | 0+8+7+7 | 10 | 30 = 92, 后进.
        ("双河镇.xlsx", 8, [10, 20, 22, 10, 30], 92, "后进"),
        // 社区党支部 17 人, 班子 6, 未换届, 会议 6/10/4/8, 满意度 83:
        // 10 | 10 | 8+4+7+3 | 10 | 24 = 76, 一般.
        ("城关街道.xlsx", 6, [10, 10, 22, 10, 24], 76, "一般"),
        // 书记空缺: 领导班子 0 and a veto: 10 | 0 | 30 | 10 | 30 = 80, 后进.
        ("双河镇.xlsx", 14, [10, 0, 30, 10, 30], 80, "后进"),
    ];
    let points = [
        "组织设置（10分）",
        "领导班子（20分）",
        "组织制度（30分）",
        "经费场所保障（10分）",
        "作用发挥（30分）",
    ];
    for (file, row, expected_points, total, tier) in cases {
        let got = detail_row(&detail, file, row);
        let got_points: Vec<String> = points.iter().map(|p| got[*p].clone()).collect();
        let want: Vec<String> = expected_points.iter().map(u32::to_string).collect();
        assert_eq!(got_points, want, "{file} row {row}");
        assert_eq!(got["总分"], total.to_string(), "{file} row {row}");
        assert_eq!(got["核定等次"], tier, "{file} row {row}");
    }
    let vacant = detail_row(&detail, "双河镇.xlsx", 14);
    assert_eq!(vacant["扣分说明"], "书记空缺（一票否决）");
}

#[test]
fn the_same_inputs_give_the_same_cells_whatever_the_thread_count() {
    let dir = temp_dir();
    let (one, two) = (dir.path().join("1.xlsx"), dir.path().join("2.xlsx"));
    write_ledger(&samples(), &one, &Rules::embedded(), 1);
    write_ledger(&samples(), &two, &Rules::embedded(), 2);
    let names: Vec<String> = open_workbook::<Xlsx<_>, _>(&one).unwrap().sheet_names();
    for name in names {
        assert_eq!(sheet(&one, &name), sheet(&two, &name), "sheet {name}");
    }
}

#[test]
fn ledger_json_matches_the_contract() {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    let output = Command::cargo_bin("taizhang")
        .unwrap()
        .arg("ledger")
        .arg(samples())
        .arg("-o")
        .arg(&out)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let keys = crate::support::json_keys(&doc);
    assert_eq!(
        keys,
        [
            "output",
            "stage",
            "files",
            "organizations",
            "tiers",
            "issues"
        ]
    );
    assert_eq!(doc["stage"]["stage"], "摸底");
    assert_eq!(doc["files"]["found"], 14);
    assert_eq!(doc["files"]["read"], 14);
    assert_eq!(doc["organizations"], 321);
    let tiers = crate::support::json_keys(&doc["tiers"]);
    assert_eq!(tiers, ["优秀", "一般", "后进", "待定"]);
    let sum: u64 = doc["tiers"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(sum, 321);
    assert_eq!(doc["issues"]["error"], 15);
    assert_eq!(doc["issues"]["warning"], 6);
    assert!(out.is_file());
}

#[test]
fn the_four_grade_scheme_runs_through_the_whole_pipeline() {
    let dir = temp_dir();
    let rules_file = dir.path().join("rules-4grade.toml");
    std::fs::copy(root().join("templates/rules-4grade.toml"), &rules_file).unwrap();
    let out = dir.path().join("台账.xlsx");
    let output = Command::cargo_bin("taizhang")
        .unwrap()
        .arg("ledger")
        .arg(samples())
        .arg("-o")
        .arg(&out)
        .arg("--rules")
        .arg(&rules_file)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let tiers = crate::support::json_keys(&doc["tiers"]);
    assert_eq!(tiers, ["好", "较好", "一般", "较差", "待定"]);
    let summary = sheet(&out, "汇总");
    let cols = header(&summary, 2);
    assert!(cols.contains(&"较好占比".to_string()), "{cols:?}");
    let detail = sheet(&out, "台账明细");
    // 92 points but 党员大会 0 次: vetoed to the lowest grade of this scheme.
    assert_eq!(detail_row(&detail, "双河镇.xlsx", 8)["核定等次"], "较差");
}

#[test]
fn a_bad_rules_file_is_refused_once_with_its_line() {
    let dir = temp_dir();
    let rules_file = dir.path().join("rules.toml");
    let text = std::fs::read_to_string(root().join("templates/rules.toml")).unwrap();
    std::fs::write(
        &rules_file,
        text.replacen("[coverage]", "[coverage]\nunknown_setting = 1", 1),
    )
    .unwrap();
    let output = Command::cargo_bin("taizhang")
        .unwrap()
        .arg("ledger")
        .arg(samples())
        .arg("-o")
        .arg(dir.path().join("x.xlsx"))
        .arg("--rules")
        .arg(&rules_file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("行") && stderr.contains("rules.toml"),
        "{stderr}"
    );
    assert!(!dir.path().join("x.xlsx").exists());
}

#[test]
fn lock_files_and_stray_documents_are_listed_as_ignored_and_outputs_never_read_back() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件箱");
    std::fs::create_dir_all(inbox.join("白马镇")).unwrap();
    std::fs::copy(
        samples().join("白马镇.xlsx"),
        inbox.join("白马镇/白马镇.xlsx"),
    )
    .unwrap();
    std::fs::copy(samples().join("龙泉镇.xlsx"), inbox.join("龙泉镇.xlsx")).unwrap();
    std::fs::write(inbox.join("~$龙泉镇.xlsx"), b"lock").unwrap();
    std::fs::write(inbox.join("Thumbs.db"), b"x").unwrap();
    std::fs::write(inbox.join("说明.txt"), "请查收").unwrap();
    let out = inbox.join("台账.xlsx");
    for _ in 0..2 {
        write_ledger(&inbox, &out, &Rules::embedded(), 2);
    }
    // A copy of the ledger under another name is recognized as ours too.
    std::fs::copy(&out, inbox.join("旧台账.xlsx")).unwrap();
    write_ledger(&inbox, &out, &Rules::embedded(), 2);
    let files = sheet(&out, "文件清单");
    let status: Vec<(String, String)> = (1..files.height())
        .map(|r| (text(files.get((r, 0))), text(files.get((r, 1)))))
        .filter(|(p, _)| !p.is_empty() && !p.starts_with("共") && !p.starts_with("表头"))
        .collect();
    let read = status.iter().filter(|(_, s)| s == "已读取").count();
    let ignored = status.iter().filter(|(_, s)| s == "已忽略").count();
    assert_eq!((read, ignored), (2, 5), "{status:#?}");
    let detail = sheet(&out, "台账明细");
    let orgs_in = |file: &str| {
        (1..detail.height())
            .filter(|r| text(detail.get((*r, detail.width() - 2))) == file)
            .count()
    };
    assert_eq!(orgs_in("白马镇/白马镇.xlsx"), 28);
    assert_eq!(
        detail.height() - 1,
        28 + 21,
        "the old ledger's rows are not read again"
    );
}

#[test]
fn an_output_path_that_is_a_returned_form_is_refused() {
    let dir = temp_dir();
    let form = dir.path().join("白马镇.xlsx");
    std::fs::copy(samples().join("白马镇.xlsx"), &form).unwrap();
    let before = std::fs::read(&form).unwrap();
    let output = Command::cargo_bin("taizhang")
        .unwrap()
        .arg("ledger")
        .arg(dir.path())
        .arg("-o")
        .arg(&form)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr)
        .unwrap()
        .contains("不能覆盖"));
    assert_eq!(std::fs::read(&form).unwrap(), before);
}

/// (header, cell, number format, whether a text cell) of every data cell of sheet `name`,
/// stored as `part` in the ledger at `out`.
fn number_formats(out: &Path, part: &str, name: &str) -> Vec<(String, String, String, bool)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(out).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let (styles, sheet_xml) = (read("xl/styles.xml"), read(part));
    let num_fmts: std::collections::HashMap<String, String> =
        regex::Regex::new(r#"<numFmt numFmtId="(\d+)" formatCode="([^"]*)""#)
            .unwrap()
            .captures_iter(&styles)
            .map(|c| (c[1].to_string(), c[2].to_string()))
            .collect();
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    let xf_format: Vec<String> = regex::Regex::new(r#"<xf numFmtId="(\d+)""#)
        .unwrap()
        .captures_iter(xfs)
        .map(|c| num_fmts.get(&c[1]).cloned().unwrap_or_default())
        .collect();
    let cell =
        regex::Regex::new(r#"<c r="([A-Z]+)(\d+)"(?: s="(\d+)")?( t="inlineStr")?>"#).unwrap();
    let header: std::collections::HashMap<String, String> = list_rows(out, name)[0]
        .iter()
        .enumerate()
        .map(|(i, h)| (column_letters(i), h.to_string()))
        .collect();
    cell.captures_iter(&sheet_xml)
        .filter(|c| &c[2] != "1")
        .map(|c| {
            let style = c.get(3).map_or(0, |s| s.as_str().parse::<usize>().unwrap());
            (
                header[&c[1]].clone(),
                format!("{}{}", &c[1], &c[2]),
                xf_format[style].clone(),
                c.get(4).is_some(),
            )
        })
        .collect()
}

/// The number format of every data cell of 台账明细, by header: cells carry their column's
/// format (text "@" for names, codes and phones; "0.##" for decimals; "yyyy-mm-dd" for dates)
/// from the column, not from a format of their own, and must still end up with it.
#[test]
fn detail_cells_keep_their_columns_number_formats() {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    write_ledger(&samples(), &out, &Rules::embedded(), 2);
    let expected = |name: &str, is_text: bool| match name {
        "党组织名称" | "党组织编码" | "单位代码" | "书记姓名" | "书记手机号" => {
            Some("@")
        }
        "年度工作经费（万元）" | "活动场所面积（平方米）" | "群众满意度（%）" if !is_text => {
            Some("0.##")
        }
        "整改时限" if !is_text => Some("yyyy-mm-dd"),
        _ => None,
    };
    let mut checked = std::collections::HashSet::new();
    for (name, cell, format, is_text) in
        number_formats(&out, "xl/worksheets/sheet2.xml", "台账明细")
    {
        let Some(want) = expected(&name, is_text) else {
            continue;
        };
        assert_eq!(format, want, "{name} cell {cell}");
        checked.insert(name);
    }
    assert_eq!(
        checked.len(),
        9,
        "every listed column was seen: {checked:?}"
    );
}

/// 核定等次 (台账明细 and 后进整改) and 校验状态 are filled by conditional formatting over the
/// column, not per cell: every tier of the scheme and both problem states have a rule, over
/// every data row of each sheet of the list.
#[test]
fn tier_and_status_cells_are_filled_by_the_column() {
    use std::io::Read;
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    let expect = Expectation::new(None, None, None);
    let four = Rules::load(&root().join("templates/rules-4grade.toml")).unwrap();
    stream_ledger(&samples(), &out, &four, 2, 200, &expect);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let names = sheet_names(&out);
    let block = regex::Regex::new(
        r#"<conditionalFormatting sqref="([A-Z]+)2:[A-Z]+(\d+)">(.*?)</conditionalFormatting>"#,
    )
    .unwrap();
    let rule = regex::Regex::new(
        r#"<cfRule type="cellIs" [^>]*operator="equal"><formula>"([^"]*)"</formula>"#,
    )
    .unwrap();
    let detail_tiers = &["核定等次", "审定等次", "最终等次"][..];
    for (name, list, with_status, tier_columns) in [
        ("台账明细", "台账明细", true, detail_tiers),
        ("台账明细(2)", "台账明细", true, detail_tiers),
        ("后进整改", "后进整改", false, &["最终等次"][..]),
    ] {
        let rows = sheet(&out, name).height() as u32;
        let index = 1 + names.iter().position(|n| n == name).unwrap();
        let mut xml = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{index}.xml"))
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        let header: Vec<String> = list_rows(&out, list)[0]
            .iter()
            .map(ToString::to_string)
            .collect();
        let letter = |h: &str| column_letters(header.iter().position(|x| x == h).unwrap());
        let mut found: Vec<(String, String)> = Vec::new();
        for b in block.captures_iter(&xml) {
            assert_eq!(
                b[2].parse::<u32>().unwrap(),
                rows,
                "{name}: to the last row"
            );
            found.extend(
                rule.captures_iter(&b[3])
                    .map(|r| (b[1].to_string(), r[1].to_string())),
            );
        }
        found.sort();
        let tiers = ["好", "较好", "一般", "较差", "待定"];
        let mut want: Vec<(String, String)> = (tier_columns.iter())
            .flat_map(|c| tiers.iter().map(move |t| (letter(c), t.to_string())))
            .chain(
                ["有警告", "有错误"]
                    .into_iter()
                    .filter(|_| with_status)
                    .map(|s| (letter("校验状态"), s.to_string())),
            )
            .collect();
        want.sort();
        assert_eq!(found, want, "{name}");
    }
}

/// The other lists written row by row keep text as text the same way: 后进整改's names,
/// 两新明细's names and credit codes, 校验问题's 填写内容 ("0012" stays as typed).
#[test]
fn list_sheets_keep_text_columns_as_text() {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    write_ledger(&samples(), &out, &Rules::embedded(), 2);
    let names = sheet_names(&out);
    for (name, columns) in [
        ("后进整改", &["党组织名称", "主要问题"][..]),
        ("两新明细", &["组织名称", "统一社会信用代码"][..]),
        ("校验问题", &["填写内容"][..]),
    ] {
        let part = format!(
            "xl/worksheets/sheet{}.xml",
            1 + names.iter().position(|n| n == name).unwrap()
        );
        let mut seen = std::collections::HashSet::new();
        for (header, cell, format, is_text) in number_formats(&out, &part, name) {
            if is_text && columns.contains(&header.as_str()) {
                assert_eq!(format, "@", "{name} {header} cell {cell}");
                seen.insert(header);
            }
        }
        assert_eq!(seen.len(), columns.len(), "{name}: {seen:?}");
    }
}

fn column_letters(mut i: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (i % 26) as u8) as char);
        if i < 26 {
            return s;
        }
        i = i / 26 - 1;
    }
}

/// 汇总's 双分类 table counts 台账明细's rows by 最终等次 × 发展等次, county-wide.
#[test]
fn the_cross_table_counts_the_detail_rows() {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    write_ledger(&samples(), &out, &Rules::embedded(), 2);
    let detail = list_rows(&out, "台账明细");
    let at = |name: &str| detail[0].iter().position(|h| *h == name).unwrap();
    let (tier, development) = (at("最终等次"), at("发展等次"));
    let mut expected = std::collections::BTreeMap::new();
    for row in &detail[1..] {
        let dev = match row[development].to_string() {
            d if d.is_empty() => "未填".to_string(),
            d => d,
        };
        *expected.entry((row[tier].to_string(), dev)).or_insert(0.0) += 1.0;
    }
    let summary = sheet(&out, "汇总");
    let title = (0..summary.height())
        .find(|&r| text(summary.get((r, 0))).starts_with("双分类"))
        .expect("a 双分类 table");
    let heads: Vec<String> = (1..6).map(|c| text(summary.get((title + 1, c)))).collect();
    assert_eq!(heads, ["好", "中", "差", "未填", "合计"]);
    let mut found = std::collections::BTreeMap::new();
    for r in title + 2..title + 6 {
        let tier = text(summary.get((r, 0)));
        for (c, dev) in heads[..4].iter().enumerate() {
            let Some(Data::Float(n)) = summary.get((r, c + 1)).cloned() else {
                panic!("a count at row {r}")
            };
            if n > 0.0 {
                found.insert((tier.clone(), dev.clone()), n);
            }
        }
    }
    assert_eq!(found, expected);
    assert!(
        expected.len() > 4,
        "the samples spread over the table: {expected:?}"
    );
}

/// Whether the workbook at `path` holds a chart.
fn has_chart(path: &Path) -> bool {
    let zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let has = zip
        .file_names()
        .any(|n| n.is_ok_and(|n| n.starts_with("xl/charts/")));
    has
}

/// 汇总 draws the tier chart for a county's units; past 100 units (a column would be a few
/// pixels wide) it says so in one line instead.
#[test]
fn the_tier_chart_is_drawn_for_up_to_a_hundred_units() {
    let rules = Rules::embedded();
    let dir = temp_dir();
    let county = dir.path().join("县.xlsx");
    write_ledger(&samples(), &county, &rules, 2);
    assert!(has_chart(&county));

    let inbox = dir.path().join("省");
    std::fs::create_dir(&inbox).unwrap();
    for i in 0..101 {
        taizhang::builder::FormBuilder::new()
            .unit(format!("第{i}镇"))
            .code(format!("5111{i:05}"))
            .orgs(1)
            .write(inbox.join(format!("{i:03}.xlsx")))
            .unwrap();
    }
    let province = dir.path().join("省.xlsx");
    write_ledger(&inbox, &province, &rules, 2);
    assert!(!has_chart(&province));
    let summary = sheet(&province, "汇总");
    let notes: Vec<String> = summary
        .rows()
        .flat_map(|r| r.iter().map(|c| text(Some(c))))
        .filter(|t| t.contains("不绘制各单位等次分布图"))
        .collect();
    assert_eq!(
        notes,
        ["单位较多（101 个），不绘制各单位等次分布图；各单位的等次见上表"]
    );
}

/// 台账明细 lists the organizations unit by unit in 汇总's order (the roster's, or without
/// one the units' own), not in the order the files happen to sort in; 文件清单 keeps file
/// order.
#[test]
fn detail_rows_follow_the_summary_unit_order() {
    let dir = temp_dir();
    for roster in [Some(root().join("samples/roster.xlsx")), None] {
        let out = dir.path().join("台账.xlsx");
        let mut cmd = Command::cargo_bin("taizhang").unwrap();
        cmd.arg("ledger")
            .arg(root().join("samples/摸底"))
            .arg("-o")
            .arg(&out);
        cmd.arg("--force");
        if let Some(roster) = &roster {
            cmd.arg("--roster").arg(roster);
        }
        cmd.assert().success();
        let mut book: Xlsx<_> = open_workbook(&out).unwrap();
        let column = |book: &mut Xlsx<_>, sheet: &str, header: &str| -> Vec<String> {
            let range = book.worksheet_range(sheet).unwrap();
            let rows: Vec<Vec<String>> = (range.rows())
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            let (at, col) = (rows.iter().enumerate())
                .find_map(|(i, r)| Some((i, r.iter().position(|c| c == header)?)))
                .unwrap_or_else(|| panic!("{sheet} has {header}"));
            (rows[at + 1..].iter())
                .map(|r| r[col].clone())
                .take_while(|c| !c.is_empty())
                .collect()
        };
        let summary: Vec<String> = column(&mut book, "汇总", "单位名称")
            .into_iter()
            .filter(|n| n != "合计")
            .collect();
        let mut detail = column(&mut book, "台账明细", "单位名称");
        detail.dedup();
        let in_summary: Vec<&String> = summary.iter().filter(|n| detail.contains(n)).collect();
        assert_eq!(
            detail.iter().collect::<Vec<_>>(),
            in_summary,
            "one block a unit, in 汇总's order (roster {roster:?})"
        );
        assert!(detail.len() >= 10, "{detail:?}");
        let files = column(&mut book, "文件清单", "文件");
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files, sorted, "文件清单 in file order");
    }
}

/// The table of 汇总 titled `title` (with `heads` as its columns), as (row label, column) →
/// count, zeros left out.
fn count_table(
    summary: &calamine::Range<Data>,
    title: &str,
    heads: &[&str],
) -> std::collections::BTreeMap<(String, String), f64> {
    let at = (0..summary.height())
        .find(|&r| text(summary.get((r, 0))).starts_with(title))
        .unwrap_or_else(|| panic!("a table {title}"));
    let found: Vec<String> = (1..=heads.len())
        .map(|c| text(summary.get((at + 1, c))))
        .collect();
    assert_eq!(found, heads, "{title}");
    let mut table = std::collections::BTreeMap::new();
    for r in at + 2.. {
        let label = text(summary.get((r, 0)));
        if label.is_empty() {
            break;
        }
        for (c, head) in heads.iter().enumerate() {
            let Some(Data::Float(n)) = summary.get((r, c + 1)).cloned() else {
                panic!("a count at row {r}")
            };
            if n > 0.0 {
                table.insert((label.clone(), head.to_string()), n);
            }
        }
    }
    table
}

/// 汇总's 所属领域 and 单位类别 tables count 台账明细's rows by 所属领域 (or the roster's 单位类别
/// of the row's unit) × 最终等次.
#[test]
fn the_domain_and_unit_kind_tables_count_the_detail_rows() {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    let roster = taizhang::roster::Roster::load(&root().join("samples/roster.xlsx")).unwrap();
    let kinds: std::collections::HashMap<String, &str> = (roster.units.iter())
        .map(|u| (u.code.clone(), u.kind.label()))
        .collect();
    let expect = Expectation::new(Some(roster.clone()), None, None);
    stream_ledger(&samples(), &out, &Rules::embedded(), 2, u32::MAX, &expect);
    let detail = list_rows(&out, "台账明细");
    let at = |name: &str| detail[0].iter().position(|h| *h == name).unwrap();
    let (tier, domain, unit) = (at("最终等次"), at("所属领域"), at("单位代码"));
    let mut by_domain = std::collections::BTreeMap::new();
    let mut by_kind = std::collections::BTreeMap::new();
    for row in &detail[1..] {
        let domain = match row[domain].to_string() {
            d if d.is_empty() => "未填".to_string(),
            d => d,
        };
        *by_domain
            .entry((domain, row[tier].to_string()))
            .or_insert(0.0) += 1.0;
        if let Some(kind) = kinds.get(&row[unit].to_string()) {
            *by_kind
                .entry((kind.to_string(), row[tier].to_string()))
                .or_insert(0.0) += 1.0;
        }
    }
    assert!(by_domain.len() > 4, "{by_domain:?}");
    assert!(by_kind.len() >= 3, "{by_kind:?}");
    let summary = sheet(&out, "汇总");
    let tiers = ["优秀", "一般", "后进", "待定", "合计"];
    assert_eq!(count_table(&summary, "所属领域", &tiers[..4]), by_domain);
    assert_eq!(count_table(&summary, "单位类别", &tiers[..4]), by_kind);
}

/// 双分类 counts each unit's 台账明细 rows by 最终等次 × 发展等次.
#[test]
fn the_per_unit_cross_table_counts_each_units_detail_rows() {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    write_ledger(&samples(), &out, &Rules::embedded(), 2);
    let detail = list_rows(&out, "台账明细");
    let at = |name: &str| detail[0].iter().position(|h| *h == name).unwrap();
    let (unit, tier, development) = (at("单位名称"), at("最终等次"), at("发展等次"));
    let mut expected = std::collections::BTreeMap::new();
    for row in &detail[1..] {
        let dev = match row[development].to_string() {
            d if d.is_empty() => "未填".to_string(),
            d => d,
        };
        let column = format!("{}·{dev}", row[tier]);
        *expected
            .entry((row[unit].to_string(), column))
            .or_insert(0.0) += 1.0;
    }
    let table = sheet(&out, "双分类");
    let heads: Vec<String> = (2..18).map(|c| text(table.get((0, c)))).collect();
    assert_eq!(heads[..4], ["优秀·好", "优秀·中", "优秀·差", "优秀·未填"]);
    let mut found = std::collections::BTreeMap::new();
    for r in 1.. {
        let name = text(table.get((r, 1)));
        if name == "合计" || name.is_empty() {
            break;
        }
        for (c, head) in heads.iter().enumerate() {
            let Some(Data::Float(n)) = table.get((r, c + 2)).cloned() else {
                panic!("a count at row {r}")
            };
            if n > 0.0 {
                found.insert((name.clone(), head.clone()), n);
            }
        }
    }
    assert_eq!(found, expected);
}
