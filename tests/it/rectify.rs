//! 整改跟踪: `template --rectify` on the sample ledger, returns written in code with the
//! liberties clerks take (the list moved right and down, columns reordered, plan columns
//! dropped, dates as text), and `rectify` on them: counts, overdue days, 销号, versions,
//! JSON, cell-precise issues, a hostile file, the overwrite rule, and `--previous`.

use crate::support::{json_keys, root, temp_dir};
use assert_cmd::Command;
use calamine::{open_workbook_auto, Data, Reader};
use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};
use std::process::Output;

const AS_OF: &str = "2026-10-15";

fn taizhang(args: &[&str], dir: &Path) -> Output {
    let output = Command::cargo_bin("taizhang")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The ledger of samples/摸底 as of [`AS_OF`], as `台账.xlsx` in `dir`.
fn sample_ledger(dir: &Path) -> PathBuf {
    let samples = root().join("samples/摸底");
    let samples = samples.to_str().unwrap();
    let out = taizhang(
        &["ledger", samples, "-o", "台账.xlsx", "--as-of", AS_OF],
        dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir.join("台账.xlsx")
}

/// A temporary folder with the sample ledger in it.
fn with_ledger() -> tempfile::TempDir {
    let dir = temp_dir();
    sample_ledger(dir.path());
    dir
}

/// `template --rectify` on the ledger of [`with_ledger`], into 下发.
fn issue_forms(dir: &Path) -> Output {
    taizhang(
        &[
            "template",
            "--rectify",
            "--ledger",
            "台账.xlsx",
            "-o",
            "下发",
        ],
        dir,
    )
}

/// One row of a return: 党组织编码, 党组织名称, 完成状态, 完成日期 (as typed), 进展情况.
type Row<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

/// A returned 整改进展表 as a clerk might rebuild it: the list starts in column B under a
/// title and a header block (labels with a colon), its columns in another order, the plan
/// columns left out, 填报日期 as text.
fn write_return(path: &Path, unit: (&str, &str), filled_on: &str, rows: &[Row]) {
    return_book(unit, filled_on, rows).save(path).unwrap();
}

fn return_book(unit: (&str, &str), filled_on: &str, rows: &[Row]) -> Workbook {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("整改进展").unwrap();
    sheet.write(0, 1, format!("{}整改进展表", unit.0)).unwrap();
    let info = [
        ("单位名称：", unit.0),
        ("单位代码：", unit.1),
        ("填报日期：", filled_on),
    ];
    for (k, (label, value)) in info.into_iter().enumerate() {
        sheet.write(1, 1 + 2 * k as u16, label).unwrap();
        sheet.write(1, 2 + 2 * k as u16, value).unwrap();
    }
    let headers = [
        "党组织编码",
        "党组织名称",
        "完成状态",
        "完成日期",
        "进展情况",
        "责任人",
    ];
    for (c, h) in headers.into_iter().enumerate() {
        sheet.write(3, 1 + c as u16, h).unwrap();
    }
    for (r, (code, name, status, done, progress)) in rows.iter().enumerate() {
        let row = 4 + r as u32;
        for (c, text) in [code, name, status, done, progress, &"张三"]
            .into_iter()
            .enumerate()
        {
            if !text.is_empty() {
                sheet.write(row, 1 + c as u16, *text).unwrap();
            }
        }
    }
    book
}

const BAIMA: (&str, &str) = ("白马镇", "511101003");
const LIUXI: (&str, &str) = ("柳溪镇", "511101006");
const QINGLIN: (&str, &str) = ("青林乡", "511101012");

/// The returns: 白马镇 all done (one after its 时限), 柳溪镇 推进中 / 未启动 both past their
/// 时限 and a row not in its plan, 青林乡 twice (the later 填报日期 counts).
fn write_returns(inbox: &Path) {
    write_qinglin_older(inbox);
    write_return(
        &inbox.join("白马镇整改.xlsx"),
        BAIMA,
        "2026-10-12",
        &[
            (
                "0511101003006",
                "白马镇马垭村党支部",
                "已完成",
                "2026-08-20",
                "已选派书记",
            ),
            (
                "0511101003009",
                "白马镇上河村党支部",
                "完成",
                "2026年10月10日",
                "已召开党员大会",
            ),
        ],
    );
    write_return(
        &inbox.join("柳溪镇整改.xlsx"),
        LIUXI,
        "2026.10.8",
        &[
            (
                "0511101006007",
                "柳溪镇周坪村党总支",
                "推进中",
                "",
                "已召开院坝会 3 次",
            ),
            ("0511101006017", "柳溪镇柳口村党总支", "未启动", "", ""),
            ("0511101006999", "柳溪镇新建村党支部", "推进中", "", "新建"),
        ],
    );
    write_return(
        &inbox.join("青林乡/青林乡整改（更新）.xlsx"),
        QINGLIN,
        "2026.9.20",
        &[
            (
                "0511101012009",
                "青林乡杨坝村党支部",
                "已完成",
                "2026-09-01",
                "已按期召开党员大会",
            ),
            (
                "0511101012022",
                "青林乡茶桥村党支部",
                "推进中",
                "",
                "建立流动党员台账",
            ),
        ],
    );
}

fn write_qinglin_older(inbox: &Path) {
    std::fs::create_dir_all(inbox.join("青林乡")).unwrap();
    write_return(
        &inbox.join("青林乡/青林乡整改.xlsx"),
        QINGLIN,
        "2026-08-01",
        &[
            ("0511101012009", "青林乡杨坝村党支部", "未启动", "", ""),
            ("0511101012022", "青林乡茶桥村党支部", "未启动", "", ""),
        ],
    );
}

fn rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut book = open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::DateTime(d) => taizhang::dates::from_excel(d).unwrap().to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The 整改明细 row of an organization, by name, as header → value.
fn detail_of(path: &Path, name: &str) -> std::collections::HashMap<String, String> {
    let all = rows(path, "整改明细");
    let row = all
        .iter()
        .find(|r| r[3] == name)
        .unwrap_or_else(|| panic!("{name}"));
    all[0].iter().cloned().zip(row.iter().cloned()).collect()
}

/// The organizations the ledger's 后进整改 marks 已逾期 as of [`AS_OF`] (its own count, by
/// deadline alone).
fn ledger_overdue(ledger: &Path) -> usize {
    let all = rows(ledger, "后进整改");
    let col = all[0].iter().position(|h| h == "是否逾期").unwrap();
    all.iter().filter(|r| r[col].starts_with("已逾期")).count()
}

fn rectify_json(dir: &Path, inbox: &str, out: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "rectify",
        "--ledger",
        "台账.xlsx",
        inbox,
        "-o",
        out,
        "--as-of",
        AS_OF,
    ];
    args.extend(extra);
    args.extend(["--format", "json"]);
    let output = taizhang(&args, dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn unit<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    let units = json["units"].as_array().unwrap();
    units.iter().find(|u| u["name"] == name).unwrap()
}

#[test]
fn a_full_cycle_on_the_samples_counts_progress_overdue_and_closed_plans() {
    let dir = with_ledger();
    let ledger = dir.path().join("台账.xlsx");
    let issued = issue_forms(dir.path());
    assert_eq!(issued.status.code(), Some(0), "{}", stderr(&issued));
    // 后进 in 11 of the 14 sample units (凤凰镇 and the two departments have none).
    assert_eq!(
        std::fs::read_dir(dir.path().join("下发")).unwrap().count(),
        11
    );
    let form = dir.path().join("下发/511101003_白马镇_整改进展表.xlsx");
    let form_rows = rows(&form, "整改进展");
    assert_eq!(
        form_rows[2][..4],
        ["单位名称", "白马镇", "单位代码", "511101003"]
    );
    assert_eq!(
        form_rows[6][..3],
        ["0511101003006", "白马镇马垭村党支部", "后进"]
    );

    let inbox = dir.path().join("整改收件");
    write_returns(&inbox);
    let json = rectify_json(dir.path(), "整改收件", "整改跟踪.xlsx", &[]);
    let keys = [
        "organizations",
        "done",
        "in_progress",
        "not_started",
        "overdue",
        "no_report",
        "units",
    ];
    let top = json_keys(&json);
    assert!(keys.iter().all(|k| top.contains(k)), "{top:?}");
    assert_eq!(
        json_keys(unit(&json, "白马镇"))[..3],
        ["code", "name", "organizations"]
    );
    // 37 planned; done: 白马镇 2 + 杨坝村; in progress: 周坪村, 茶桥村; not started: 柳口村;
    // the other 8 units (37 - 6 = 31 organizations) sent nothing.
    let counts = |j: &serde_json::Value| {
        [
            "organizations",
            "done",
            "in_progress",
            "not_started",
            "overdue",
            "no_report",
        ]
        .map(|k| j[k].as_u64().unwrap())
    };
    let out = dir.path().join("整改跟踪.xlsx");
    // Overdue: every plan past its 时限 (the ledger's own count) but the 3 done ones, all
    // three of them past 时限 by 10-15 (9-30, 9-30, 6-30).
    let overdue = ledger_overdue(&ledger) as u64 - 3;
    assert_eq!(counts(&json), [37, 3, 2, 1, overdue, 31]);
    assert_eq!(counts(unit(&json, "白马镇")), [2, 2, 0, 0, 0, 0]);
    assert_eq!(counts(unit(&json, "柳溪镇")), [2, 0, 1, 1, 2, 0]);
    assert_eq!(counts(unit(&json, "青林乡")), [2, 1, 1, 0, 0, 0]);
    assert_eq!(unit(&json, "金竹乡")["no_report"], 7);
    let no_report = rows(&out, "整改明细")
        .into_iter()
        .filter(|r| r[1] == "金竹乡");
    assert!(no_report.map(|r| r[9].clone()).all(|s| s == "未报送进展"));

    // 周坪村: 时限 2026-03-31, 推进中 on 10-15: 30 + 31 + 30 + 31 + 31 + 30 + 15 days.
    let zhouping = detail_of(&out, "柳溪镇周坪村党总支");
    assert_eq!(zhouping["是否逾期"], "已逾期 198 天");
    assert_eq!(zhouping["完成状态"], "推进中");
    assert_eq!(zhouping["销号日期"], "");
    // 上河村: 时限 09-30, done 10-10 (typed as 2026年10月10日).
    let shanghe = detail_of(&out, "白马镇上河村党支部");
    assert_eq!(shanghe["完成状态"], "已完成");
    assert_eq!(shanghe["销号日期"], "2026-10-10");
    assert_eq!(shanghe["是否逾期"], "逾期 10 天完成");
    assert_eq!(detail_of(&out, "白马镇马垭村党支部")["是否逾期"], "");
    // 杨坝村: from the newer 青林乡 return; 时限 06-30, done 09-01.
    let yangba = detail_of(&out, "青林乡杨坝村党支部");
    assert_eq!(yangba["是否逾期"], "逾期 63 天完成");
    assert_eq!(yangba["来源文件"], "青林乡/青林乡整改（更新）.xlsx");

    // 单位考评 on 整改按期完成: 白马镇 closed 马垭村 in time and 上河村 late (1 of 2); every
    // other unit closed none in time (杨坝村 late, the rest open or not reported).
    let ranked = rows(&out, "单位考评");
    assert_eq!(ranked[0][3..], ["整改按期完成（权重 10）", "得分"]);
    let scored: Vec<(&str, f64, f64)> = (ranked[1..].iter())
        .take_while(|r| !r[1].is_empty())
        .map(|r| (r[2].as_str(), r[0].parse().unwrap(), r[4].parse().unwrap()))
        .collect();
    assert_eq!(scored.len(), 11);
    assert_eq!(scored[0], ("白马镇", 1.0, 50.0));
    assert!(
        scored[1..]
            .iter()
            .all(|&(_, rank, score)| rank == 2.0 && score == 0.0),
        "{scored:?}"
    );

    // The older 青林乡 return is listed as replaced, in the summary and in 文件清单.
    let replaced = &json["files"]["replaced"];
    assert_eq!(replaced.as_array().unwrap().len(), 1, "{replaced}");
    assert_eq!(replaced[0]["file"], "青林乡/青林乡整改.xlsx");
    let files = rows(&out, "文件清单");
    let older = files
        .iter()
        .find(|r| r[0] == "青林乡/青林乡整改.xlsx")
        .unwrap();
    assert_eq!(older[1], "已被替代");
    assert!(
        older[3].contains("青林乡/青林乡整改（更新）.xlsx"),
        "{older:?}"
    );

    // The row not in 柳溪镇's plan: its code cell, B7 in the file (list from column B, the
    // header in row 4, the third organization in row 7).
    let issues = rows(&out, "校验问题");
    let foreign = issues.iter().find(|r| r[5] == "E506").expect("E506");
    assert_eq!(
        foreign[..4],
        ["柳溪镇整改.xlsx", "柳溪镇", "整改进展", "B7"]
    );
    assert_eq!(
        foreign[6],
        "党组织编码“0511101006999”（柳溪镇新建村党支部）不是台账中柳溪镇需整改的党组织，该行未计入；请用下发的整改进展表填报，不要增加或改动预填的行"
    );
}

/// A return filled in from one of our forms, at a form's name, stops the run before any
/// form is written, `--force` or not; our own unfilled forms are replaced.
#[test]
fn template_rectify_refuses_to_overwrite_a_file_it_did_not_write() {
    let dir = with_ledger();
    let out = dir.path().join("下发");
    std::fs::create_dir_all(&out).unwrap();
    let foreign = out.join("511101003_白马镇_整改进展表.xlsx");
    // A unit's filled-in return, still carrying the issued form's hidden mark.
    let done = (
        "0511101003006",
        "白马镇马垭村党支部",
        "已完成",
        "2026-08-20",
        "",
    );
    let mut book = return_book(BAIMA, "2026-10-12", &[done]);
    let meta = book.add_worksheet().set_name("_meta").unwrap();
    meta.write(0, 0, "taizhang_output").unwrap();
    meta.write(0, 1, "rectify_form").unwrap();
    meta.set_hidden(true);
    book.save(&foreign).unwrap();
    let before = std::fs::read(&foreign).unwrap();
    let output = issue_forms(dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("是已填写的整改进展表，不能覆盖"),
        "{}",
        stderr(&output)
    );
    // Not even with --force: it is the unit's report.
    let args = [
        "template",
        "--rectify",
        "--ledger",
        "台账.xlsx",
        "-o",
        "下发",
        "--force",
    ];
    let forced = taizhang(&args, dir.path());
    assert_eq!(forced.status.code(), Some(2), "{}", stderr(&forced));
    assert_eq!(std::fs::read(&foreign).unwrap(), before);
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        1,
        "nothing else written"
    );
    // Our own unfilled forms are replaced on a second run.
    std::fs::remove_file(&foreign).unwrap();
    for _ in 0..2 {
        let output = issue_forms(dir.path());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
}

/// A file calamine panics on (tests/data/fuzz) and a PDF named .xlsx: each a Chinese
/// file-level issue and 读取失败, the other returns counted.
#[test]
fn a_hostile_file_in_the_inbox_is_reported_and_the_others_go_through() {
    let dir = with_ledger();
    let inbox = dir.path().join("收件");
    write_returns(&inbox);
    let fuzz = root().join("tests/data/fuzz/xls-short-mergedcells.xls");
    std::fs::copy(fuzz, inbox.join("坏文件.xls")).unwrap();
    std::fs::write(inbox.join("扫描件.xlsx"), b"%PDF-1.4 not a workbook").unwrap();
    let json = rectify_json(dir.path(), "收件", "跟踪.xlsx", &[]);
    assert_eq!(json["files"]["failed"], 2, "{json}");
    assert_eq!(json["files"]["read"], 3);
    assert_eq!(json["done"], 3);
    let issues = rows(&dir.path().join("跟踪.xlsx"), "校验问题");
    for name in ["坏文件.xls", "扫描件.xlsx"] {
        let found = issues
            .iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(found[5], "E001", "{found:?}");
        assert!(
            found[6]
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{found:?}"
        );
    }
}

/// With --previous, each organization says what moved and each unit how many did.
#[test]
fn previous_tracking_shows_what_moved() {
    let dir = with_ledger();
    let inbox = dir.path().join("收件");
    write_qinglin_older(&inbox);
    let first = rectify_json(dir.path(), "收件", "上次.xlsx", &[]);
    assert_eq!(unit(&first, "青林乡")["not_started"], 2);
    write_returns(&inbox);
    let json = rectify_json(
        dir.path(),
        "收件",
        "本次.xlsx",
        &["--previous", "上次.xlsx"],
    );
    let out = dir.path().join("本次.xlsx");
    assert_eq!(
        detail_of(&out, "青林乡杨坝村党支部")["较上次变化"],
        "新销号"
    );
    assert_eq!(
        detail_of(&out, "青林乡茶桥村党支部")["较上次变化"],
        "未启动→推进中"
    );
    assert_eq!(
        detail_of(&out, "柳溪镇柳口村党总支")["较上次变化"],
        "未报送进展→未启动"
    );
    let jinzhu: Vec<_> = rows(&out, "整改明细")
        .into_iter()
        .filter(|r| r[1] == "金竹乡")
        .collect();
    assert!(
        jinzhu.len() == 7 && jinzhu.iter().all(|r| r[16].is_empty()),
        "{jinzhu:?}"
    );
    assert_eq!(unit(&json, "青林乡")["changed"], 2);
    assert_eq!(unit(&json, "金竹乡")["changed"], 0);
    // 白马镇 2 + 柳溪镇 2 + 青林乡 2.
    assert_eq!(json["changed"], 6);
}

/// 已完成 without a date, a date after --as-of, a planned organization missing: each an
/// issue on its cell (or sheet), in Chinese; the missing one counts as 未报送进展.
#[test]
fn row_checks_name_the_cell_and_a_missing_row_counts_as_not_reported() {
    let dir = with_ledger();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    let undated = ("0511101003006", "白马镇马垭村党支部", "已完成", "", "");
    write_return(&inbox.join("白马镇.xlsx"), BAIMA, "2026-10-12", &[undated]);
    let future = (
        "0511101006007",
        "柳溪镇周坪村党总支",
        "已完成",
        "2026-11-01",
        "",
    );
    let started = ("0511101006017", "柳溪镇柳口村党总支", "推进中", "", "");
    write_return(
        &inbox.join("柳溪镇.xlsx"),
        LIUXI,
        "2026-10-12",
        &[future, started],
    );
    let json = rectify_json(dir.path(), "收件", "跟踪.xlsx", &[]);
    assert_eq!(unit(&json, "白马镇")["no_report"], 1, "{json}");
    let issues = rows(&dir.path().join("跟踪.xlsx"), "校验问题");
    let find = |code: &str| {
        issues
            .iter()
            .find(|r| r[5] == code)
            .unwrap_or_else(|| panic!("{code}"))
    };
    assert_eq!(
        find("E503")[..4],
        ["白马镇.xlsx", "白马镇", "整改进展", "E5"]
    );
    assert!(
        find("E503")[6].contains("完成日期未填写"),
        "{:?}",
        find("E503")
    );
    assert_eq!(
        find("E504")[..4],
        ["柳溪镇.xlsx", "柳溪镇", "整改进展", "E5"]
    );
    assert!(find("E504")[6].contains("2026-11-01 晚于统计日期 2026-10-15"));
    assert_eq!(find("E507")[3], "", "a sheet-level issue");
    assert!(
        find("E507")[6].contains("白马镇上河村党支部"),
        "{:?}",
        find("E507")
    );
}

/// The same organization on two rows: the lower row counts, the upper one gets W509 on its
/// code cell naming the row that counts; a return without 填报日期 gets W510 on that cell.
#[test]
fn of_two_rows_for_one_organization_the_lower_counts_and_the_other_is_named() {
    let dir = with_ledger();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    let mayan = |status, done, progress| {
        (
            "0511101003006",
            "白马镇马垭村党支部",
            status,
            done,
            progress,
        )
    };
    let shanghe = (
        "0511101003009",
        "白马镇上河村党支部",
        "推进中",
        "",
        "已召开党员大会",
    );
    write_return(
        &inbox.join("白马镇.xlsx"),
        BAIMA,
        "",
        &[
            mayan("推进中", "", "已谈话"),
            shanghe,
            mayan("已完成", "2026-08-20", "已选派书记"),
        ],
    );
    let json = rectify_json(dir.path(), "收件", "跟踪.xlsx", &[]);
    assert_eq!(unit(&json, "白马镇")["done"], 1, "{json}");
    let out = dir.path().join("跟踪.xlsx");
    let mayan = detail_of(&out, "白马镇马垭村党支部");
    assert_eq!(mayan["完成状态"], "已完成");
    assert_eq!(mayan["进展情况"], "已选派书记");
    let issues = rows(&out, "校验问题");
    let twice: Vec<_> = issues.iter().filter(|r| r[5] == "W509").collect();
    assert_eq!(twice.len(), 1, "{issues:?}");
    assert_eq!(
        twice[0][..5],
        ["白马镇.xlsx", "白马镇", "整改进展", "B5", "警告"]
    );
    assert!(
        twice[0][6].contains("以下面的第 7 行为准，第 5 行未计入"),
        "{:?}",
        twice[0]
    );
    let undated = issues.iter().find(|r| r[5] == "W510").expect("W510");
    assert_eq!(undated[3], "G2");
    assert!(
        undated[6].contains("以修改时间最新的文件为准"),
        "{undated:?}"
    );
}

/// One row of a return with the plan columns: 党组织名称, 主要问题, 整改措施, 整改时限,
/// 完成状态, 进展情况.
type PlanRow<'a> = [&'a str; 6];

/// A return on the issued layout's columns (plan columns included), its header block with
/// 单位名称 and 单位代码 and `filled_on`, and, when `open_plan` is given, the hidden mark of
/// an issued form with that many plan cells left open.
fn plan_book(
    unit: (&str, &str),
    filled_on: &str,
    rows: &[PlanRow],
    open_plan: Option<&str>,
) -> Workbook {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("整改进展").unwrap();
    let info = [
        ("单位名称", unit.0),
        ("单位代码", unit.1),
        ("填报日期", filled_on),
    ];
    for (k, (label, value)) in info.into_iter().enumerate() {
        sheet.write(2, 2 * k as u16, label).unwrap();
        if !value.is_empty() {
            sheet.write(2, 1 + 2 * k as u16, value).unwrap();
        }
    }
    let headers = [
        "党组织名称",
        "主要问题",
        "整改措施",
        "整改时限",
        "完成状态",
        "进展情况",
    ];
    for (c, h) in headers.into_iter().enumerate() {
        sheet.write(5, c as u16, h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
            sheet.write(6 + r as u32, c as u16, *text).unwrap();
        }
    }
    if let Some(n) = open_plan {
        let meta = book.add_worksheet().set_name("_meta").unwrap();
        meta.write(0, 0, "taizhang_output").unwrap();
        meta.write(0, 1, "rectify_form").unwrap();
        meta.write(2, 0, "open_plan_cells").unwrap();
        meta.write(2, 1, n).unwrap();
        meta.set_hidden(true);
    }
    book
}

const CHENGGUAN: (&str, &str) = ("城关街道", "511101001");
/// An organization of 城关街道 the standard rates 优秀 (no plan, no 党组织编码 in the samples).
const SECOND: &str = "城关街道机关第二党支部";

/// The sample ledger with the department's decision that [`SECOND`] is 后进.
fn with_decided_laggard() -> tempfile::TempDir {
    let dir = temp_dir();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let header = ["单位名称", "党组织编码", "党组织名称", "审定等次", "依据"];
    let row = ["城关街道", "", SECOND, "后进", "督查发现书记长期不在岗"];
    for (c, (h, v)) in header.iter().zip(row).enumerate() {
        sheet.write(0, c as u16, *h).unwrap();
        if !v.is_empty() {
            sheet.write(1, c as u16, v).unwrap();
        }
    }
    book.save(dir.path().join("审定意见.xlsx")).unwrap();
    let samples = root().join("samples/摸底");
    let args = [
        "ledger",
        samples.to_str().unwrap(),
        "-o",
        "台账.xlsx",
        "--as-of",
        AS_OF,
    ];
    let out = taizhang(
        &[&args[..], &["--decisions", "审定意见.xlsx"]].concat(),
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

/// A decided 后进 has no plan in the ledger: its form says why (the decision first) and
/// leaves the plan to the unit; the 整改时限 the unit writes makes it overdue.
#[test]
fn a_decided_laggard_without_a_plan_takes_the_units_and_can_become_overdue() {
    let dir = with_decided_laggard();
    let issued = issue_forms(dir.path());
    assert_eq!(issued.status.code(), Some(0), "{}", stderr(&issued));
    let form = dir.path().join("下发/511101001_城关街道_整改进展表.xlsx");
    let listed = rows(&form, "整改进展");
    let row = listed.iter().find(|r| r[1] == SECOND).expect("planned");
    assert_eq!(row[2], "后进");
    assert!(
        row[3].starts_with("审定：督查发现书记长期不在岗"),
        "{row:?}"
    );
    assert_eq!(row[4..7], ["", "", ""], "no plan in the ledger");
    // Row 7: 主要问题, 整改措施, 整改时限 open for the unit, the 时限 date-checked; the plan of
    // the row below (from the ledger) locked.
    assert!(["E7", "F7", "G7"].iter().all(|a1| unlocked(&form, a1)));
    assert!(!unlocked(&form, "E8") && !unlocked(&form, "G8"));
    let xml = zip_entry(&form, "xl/worksheets/sheet1.xml");
    let checks = xml
        .split("<dataValidation ")
        .map(|v| v.split('>').next().unwrap());
    let g7 = checks
        .clone()
        .find(|v| v.contains("sqref=\"G7\""))
        .expect("G7 checked");
    assert!(g7.starts_with("type=\"date\""), "{g7}");

    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    let planned = [
        SECOND,
        "书记长期不在岗",
        "调整书记",
        "2026-09-30",
        "推进中",
        "已谈话",
    ];
    plan_book(CHENGGUAN, "2026-10-12", &[planned], None)
        .save(inbox.join("城关街道.xlsx"))
        .unwrap();
    rectify_json(dir.path(), "收件", "跟踪.xlsx", &[]);
    let second = detail_of(&dir.path().join("跟踪.xlsx"), SECOND);
    assert_eq!(second["整改时限"], "2026-09-30");
    assert_eq!(second["主要问题"], "书记长期不在岗");
    assert_eq!(second["是否逾期"], "已逾期 15 天");
    assert_eq!(
        second["来源文件"],
        "城关街道.xlsx（主要问题、整改措施、整改时限由单位填报）"
    );
    // A return that leaves the plan it owes unwritten: W511 on the first such cell.
    let unwritten = [SECOND, "书记长期不在岗", "", "", "推进中", "已谈话"];
    plan_book(CHENGGUAN, "2026-10-13", &[unwritten], None)
        .save(inbox.join("城关街道.xlsx"))
        .unwrap();
    rectify_json(dir.path(), "收件", "跟踪2.xlsx", &[]);
    let issues = rows(&dir.path().join("跟踪2.xlsx"), "校验问题");
    let open: Vec<&Vec<String>> = issues.iter().filter(|r| r[5] == "W511").collect();
    assert_eq!(open.len(), 1, "{issues:?}");
    assert!(
        open[0][6].contains("整改措施、整改时限仍未填写"),
        "{open:?}"
    );
    assert_eq!(
        detail_of(&dir.path().join("跟踪2.xlsx"), SECOND)["是否逾期"],
        ""
    );
}

/// An issued form whose unit wrote only the plan the ledger lacked is the unit's work: not
/// replaced; the same form untouched is.
#[test]
fn a_form_with_the_units_plan_written_in_is_not_overwritten() {
    let dir = with_decided_laggard();
    let out = dir.path().join("下发");
    std::fs::create_dir_all(&out).unwrap();
    let form = out.join("511101001_城关街道_整改进展表.xlsx");
    let written = [SECOND, "书记长期不在岗", "", "", "", ""];
    plan_book(CHENGGUAN, "", &[written], Some("3"))
        .save(&form)
        .unwrap();
    let before = std::fs::read(&form).unwrap();
    let output = issue_forms(dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("不能覆盖"), "{}", stderr(&output));
    assert_eq!(std::fs::read(&form).unwrap(), before);
    let untouched = [SECOND, "", "", "", "", ""];
    plan_book(CHENGGUAN, "", &[untouched], Some("3"))
        .save(&form)
        .unwrap();
    let output = issue_forms(dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// 单位考评 on 整改按期完成 as of 9-15, only plans done or due by then judged: 白马镇
/// 马垭村 done 8-20 by its 9-30 (上河村 推进中, due 9-30, not yet judged): 1 of 1; 青林乡
/// 杨坝村 done 6-20 by 6-30 and 茶桥村 done 9-10 by 12-30: 2 of 2; 柳溪镇 周坪村 done 9-01
/// after 3-31 (柳口村 未启动, due 9-30): 0 of 1; 金竹乡, nothing reported, 非公企业联合党支部
/// due 6-30: 0 of 1; 龙泉镇, all due 9-30, and nothing done: no value.
#[test]
fn rectified_on_time_counts_only_plans_done_or_due() {
    let dir = with_ledger();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    let returns: [(&str, (&str, &str), Vec<Row>); 3] = [
        (
            "白马镇.xlsx",
            BAIMA,
            vec![
                (
                    "0511101003006",
                    "白马镇马垭村党支部",
                    "已完成",
                    "2026-08-20",
                    "",
                ),
                ("0511101003009", "白马镇上河村党支部", "推进中", "", "谈话"),
            ],
        ),
        (
            "青林乡.xlsx",
            QINGLIN,
            vec![
                (
                    "0511101012009",
                    "青林乡杨坝村党支部",
                    "已完成",
                    "2026-06-20",
                    "",
                ),
                (
                    "0511101012022",
                    "青林乡茶桥村党支部",
                    "已完成",
                    "2026-09-10",
                    "",
                ),
            ],
        ),
        (
            "柳溪镇.xlsx",
            LIUXI,
            vec![
                (
                    "0511101006007",
                    "柳溪镇周坪村党总支",
                    "已完成",
                    "2026-09-01",
                    "",
                ),
                ("0511101006017", "柳溪镇柳口村党总支", "未启动", "", ""),
            ],
        ),
    ];
    for (file, unit, rows) in &returns {
        write_return(&inbox.join(file), *unit, "2026-09-14", rows);
    }
    let out = taizhang(
        &[
            "rectify",
            "--ledger",
            "台账.xlsx",
            "收件",
            "-o",
            "跟踪.xlsx",
            "--as-of",
            "2026-09-15",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ranked = rows(&dir.path().join("跟踪.xlsx"), "单位考评");
    // 排名, 整改按期完成, 得分.
    let of = |name: &str| {
        let row = ranked.iter().find(|r| r[2] == name).unwrap();
        [0, 3, 4].map(|c| row[c].clone())
    };
    assert_eq!(of("白马镇"), ["1", "1", "100"]);
    assert_eq!(of("青林乡"), ["1", "1", "100"]);
    assert_eq!(of("柳溪镇")[1..], ["0", "0"]);
    assert_eq!(of("金竹乡")[1..], ["0", "0"]);
    assert_eq!(of("龙泉镇"), ["", "—", "—"]);
}

fn zip_entry(path: &Path, name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// Whether cell `a1` of the first sheet has an unlocked format.
fn unlocked(path: &Path, a1: &str) -> bool {
    let sheet = zip_entry(path, "xl/worksheets/sheet1.xml");
    let cell = sheet.split(&format!("<c r=\"{a1}\"")).nth(1).expect(a1);
    let tag = cell.split('>').next().unwrap();
    let style: usize = tag
        .split_once(" s=\"")
        .map_or(0, |(_, s)| s.split_once('"').unwrap().0.parse().unwrap());
    let styles = zip_entry(path, "xl/styles.xml");
    let xfs = styles.split_once("<cellXfs").unwrap().1;
    let xf = xfs.split("<xf ").nth(style + 1).unwrap();
    xf.split("</xf>").next().unwrap().contains("locked=\"0\"")
}
