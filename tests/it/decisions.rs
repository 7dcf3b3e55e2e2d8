//! The department's decisions (审定意见): kept in their own workbook, shown beside the
//! standard's tier, and used by every count and by the year-end comparison.

use crate::support::{root, temp_dir};
use assert_cmd::Command;
use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;
use std::path::Path;

/// Two organizations of 城关街道 in samples/摸底 (no 党组织编码 there: found by name).
const SECOND: &str = "城关街道机关第二党支部";
const TIANLIN: &str = "城关街道田林社区党支部";
/// One of 白马镇's, with a 党组织编码.
const MAYA: &str = "白马镇马垭村党支部";
const MAYA_CODE: &str = "0511101003006";
/// Of 东城街道: rated 后进 with no plan, its unit said 一般 (W202 in the samples).
const ZHOUWAN: &str = "东城街道周湾社区党委";

/// The decisions workbook's columns, as `template --decisions` writes them.
const HEADER: [&str; 7] = [
    "单位名称",
    "党组织编码",
    "党组织名称",
    "审定等次",
    "依据",
    "审定人",
    "审定日期",
];

/// A decisions workbook as a department would fill it: the header on the first row (no title),
/// a date typed as a date and one as text.
fn decisions_workbook(path: &Path, rows: &[[&str; 7]]) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, text) in row.iter().enumerate() {
            match (c, text.split('-').collect::<Vec<_>>().as_slice()) {
                (6, [y, m, d]) => {
                    let (y, m, d) = (y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap());
                    let at = ExcelDateTime::from_ymd(y, m, d).unwrap();
                    sheet.write_datetime_with_format(r, 6, &at, &date).unwrap();
                }
                _ if text.is_empty() => {}
                _ => {
                    sheet.write_string(r, c as u16, *text).unwrap();
                }
            }
        }
    }
    book.save(path).unwrap();
}

fn ledger_json(out: &Path, decisions: Option<&Path>) -> Value {
    let mut cmd = Command::cargo_bin("taizhang").unwrap();
    cmd.args(["ledger", "--as-of", "2026-04-16", "--format", "json", "-o"])
        .arg(out)
        .arg(root().join("samples/摸底"))
        .arg("--roster")
        .arg(root().join("samples/roster.xlsx"));
    if let Some(d) = decisions {
        cmd.arg("--decisions").arg(d);
    }
    let output = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&output).expect("json")
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    range.rows().map(<[Data]>::to_vec).collect()
}

/// The row of `org` in a sheet whose first row is the header, as header → cell text.
fn row_of(rows: &[Vec<Data>], org: &str) -> Option<std::collections::HashMap<String, String>> {
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    let name = header.iter().position(|h| h == "党组织名称")?;
    let row = rows[1..].iter().find(|r| r[name] == org)?;
    Some(
        header
            .into_iter()
            .zip(row.iter().map(ToString::to_string))
            .collect(),
    )
}

fn tier_count(json: &Value, tier: &str) -> i64 {
    json["tiers"][tier].as_i64().unwrap()
}

#[test]
fn decisions_change_the_counts_and_the_ledger_shows_all_three_tiers() {
    let dir = temp_dir();
    let (plain, decided) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
    let before = ledger_json(&plain, None);
    let detail = sheet(&plain, "台账明细");
    let rated = |org| row_of(&detail, org).unwrap()["核定等次"].clone();
    // What the standard gives the three, in the committed samples.
    let rated = [rated(SECOND), rated(TIANLIN), rated(MAYA)];
    assert_eq!(rated, ["优秀", "一般", "后进"]);
    assert_eq!(row_of(&detail, MAYA).unwrap()["党组织编码"], MAYA_CODE);

    let workbook = dir.path().join("审定意见.xlsx");
    let cg = "城关街道";
    decisions_workbook(
        &workbook,
        &[
            [
                cg,
                "",
                SECOND,
                "后进",
                "督查发现书记长期不在岗",
                "张三",
                "2026-05-10",
            ],
            [cg, "", TIANLIN, "一般", "初审意见", "", ""],
            [cg, "", "城关街道松嘴社区党支部", "很好", "理由", "", ""],
            [cg, "", "城关街道茶林社区党支部", "后进", "", "", ""],
            [cg, "", "不存在的党支部", "一般", "理由", "", "明天"],
            // Lower in the sheet: replaces row 3's decision on 田林.
            [
                cg,
                "",
                TIANLIN,
                "优秀",
                "县委常委会决定",
                "",
                "2026年5月12日",
            ],
            // Another unit's: not this organization.
            [
                "白马镇",
                "",
                "城关街道茶林社区党支部",
                "优秀",
                "理由",
                "",
                "",
            ],
            // No unit: not used.
            ["", "", "城关街道茶林社区党支部", "优秀", "理由", "", ""],
            // 马垭村 by name, then by its code lower down: the lower row counts.
            ["白马镇", "", MAYA, "一般", "初审", "", ""],
            ["白马镇", MAYA_CODE, MAYA, "优秀", "复审", "", ""],
            // 马垭村's code in another unit: a code is the unit's own.
            ["青林乡", MAYA_CODE, "", "优秀", "理由", "", ""],
            // Rated 后进 without a plan (W202), decided 一般: no plan owed any more.
            ["东城街道", "", ZHOUWAN, "一般", "复核后改定", "", ""],
        ],
    );
    let after = ledger_json(&decided, Some(&workbook));

    // 优秀 → 后进, 一般 → 优秀, 后进 → 优秀 (by row 12, not 一般 by row 11), 后进 → 一般.
    assert_eq!(tier_count(&after, "优秀"), tier_count(&before, "优秀") + 1);
    assert_eq!(tier_count(&after, "一般"), tier_count(&before, "一般"));
    assert_eq!(tier_count(&after, "后进"), tier_count(&before, "后进") - 1);
    assert_eq!(after["organizations"], before["organizations"]);
    // Decided 后进 with no plan (the standard said 优秀): W607 on its 主要问题 cell; decided
    // out of 后进, 周湾's W202 is gone.
    let warnings = |j: &Value| j["issues"]["warning"].as_i64().unwrap();
    assert_eq!(warnings(&after), warnings(&before));

    let d = &after["decisions"];
    assert_eq!(
        (d["decisions"].as_i64(), d["applied"].as_i64()),
        (Some(9), Some(4))
    );
    let problems: Vec<(String, String)> = (d["issues"].as_array().unwrap().iter())
        .map(|i| {
            let at = |k: &str| i[k].as_str().unwrap().to_string();
            (at("code"), at("cell"))
        })
        .collect();
    let expected = [
        ("W603", "C3"),  // 田林, replaced by row 7
        ("E601", "D4"),  // 很好
        ("E602", "E5"),  // no 依据
        ("W606", "G6"),  // 明天
        ("E604", "C6"),  // not in any return
        ("E604", "C8"),  // 茶林 is not 白马镇's
        ("E602", "A9"),  // no 单位名称
        ("W603", "C10"), // 马垭村 by name, replaced by row 11 by code
        ("E604", "B12"), // the code in 青林乡: no such organization there
    ];
    let expected: Vec<(String, String)> = (expected.iter())
        .map(|(c, a)| (c.to_string(), a.to_string()))
        .collect();
    assert_eq!(problems, expected);
    let issues = sheet(&decided, "校验问题");
    let w607: Vec<&Vec<Data>> = issues.iter().filter(|r| r[7] == "W607").collect();
    assert_eq!(w607.len(), 1, "{w607:?}");
    assert!(!issues.iter().any(|r| r[7] == "W202"), "周湾 owes no plan");
    let plain_issues = sheet(&plain, "校验问题");
    assert_eq!(plain_issues.iter().filter(|r| r[7] == "W202").count(), 1);
    assert!(
        w607[0][8].to_string().contains("组织部审定为“后进”"),
        "{w607:?}"
    );
    let maya = row_of(&sheet(&decided, "台账明细"), MAYA).unwrap();
    assert_eq!(
        (maya["审定等次"].as_str(), maya["依据"].as_str()),
        ("优秀", "复审")
    );

    let detail = sheet(&decided, "台账明细");
    let second = row_of(&detail, SECOND).unwrap();
    assert_eq!(second["核定等次"], "优秀");
    assert_eq!(second["审定等次"], "后进");
    assert_eq!(second["依据"], "督查发现书记长期不在岗（张三 2026-05-10）");
    assert_eq!(second["最终等次"], "后进");
    let tianlin = row_of(&detail, TIANLIN).unwrap();
    assert_eq!(
        (tianlin["核定等次"].as_str(), tianlin["最终等次"].as_str()),
        ("一般", "优秀")
    );
    assert_eq!(tianlin["依据"], "县委常委会决定（2026-05-12）");
    let undecided = row_of(&detail, "城关街道茶林社区党支部").unwrap();
    assert_eq!(
        (undecided["审定等次"].as_str(), undecided["依据"].as_str()),
        ("", "")
    );
    assert_eq!(undecided["最终等次"], undecided["核定等次"]);

    // Decided 后进, it needs its rectification followed: the reason comes first.
    let laggards = sheet(&decided, "后进整改");
    let row = row_of(&laggards, SECOND).expect("decided 后进 in 后进整改");
    assert!(
        row["后进原因"].starts_with("审定：督查发现书记长期不在岗"),
        "{row:?}"
    );
    assert_eq!(row["最终等次"], "后进");
    assert!(row_of(&sheet(&plain, "后进整改"), SECOND).is_none());

    // The sheet that says what became of every row.
    let listed = sheet(&decided, "审定意见");
    let row = row_of(&listed, SECOND).unwrap();
    assert_eq!(
        row["采用情况"],
        format!("已采用：城关街道 {SECOND}（核定等次 优秀）")
    );
    let missing = row_of(&listed, "不存在的党支部").unwrap();
    assert!(missing["采用情况"].starts_with("未采用"), "{missing:?}");
    let summary = sheet(&decided, "汇总");
    let note = summary[1][0].to_string();
    assert!(note.contains("其中 4 个党组织按组织部审定等次"), "{note}");
}

/// The year end compared by final tier: a decision on the year end turns a 保持 or 晋位 into a
/// 降位, and an April ledger's decisions come back with it as the baseline.
#[test]
fn the_year_end_comparison_uses_the_final_tiers() {
    let dir = temp_dir();
    let upgrade =
        |baseline: &Path, decisions: Option<&Path>, out: &str| -> (Value, Vec<Vec<Data>>) {
            let out = dir.path().join(out);
            let mut cmd = Command::cargo_bin("taizhang").unwrap();
            cmd.args(["upgrade", "--format", "json", "--baseline"])
                .arg(baseline)
                .arg("--final")
                .arg(root().join("samples/年终"))
                .arg("--roster")
                .arg(root().join("samples/roster.xlsx"))
                .arg("-o")
                .arg(&out);
            if let Some(d) = decisions {
                cmd.arg("--decisions").arg(d);
            }
            let json = cmd.assert().success().get_output().stdout.clone();
            (
                serde_json::from_slice(&json).unwrap(),
                sheet(&out, "升级明细"),
            )
        };
    let outcome = |json: &Value, label: &str| json["outcomes"][label].as_i64().unwrap();
    let base = root().join("samples/摸底");
    let (plain, rows) = upgrade(&base, None, "plain.xlsx");
    let first = row_of(&rows, SECOND).unwrap();
    assert_eq!(first["基线等次"], "优秀");
    assert_ne!(first["结果"], "降位");
    let was = first["结果"].clone();

    let workbook = dir.path().join("年终审定.xlsx");
    decisions_workbook(
        &workbook,
        &[["城关街道", "", SECOND, "后进", "年终督查发现问题", "", ""]],
    );
    let (decided, rows) = upgrade(&base, Some(&workbook), "decided.xlsx");
    let row = row_of(&rows, SECOND).unwrap();
    assert_eq!(
        (row["年终等次"].as_str(), row["结果"].as_str()),
        ("后进", "降位")
    );
    assert_eq!(outcome(&decided, "降位"), outcome(&plain, "降位") + 1);
    assert_eq!(outcome(&decided, &was), outcome(&plain, &was) - 1);
    assert_eq!(decided["decisions"]["年终"]["applied"], 1);

    // The April ledger made with a decision: its 审定等次 is the baseline's tier.
    let april = dir.path().join("四月台账.xlsx");
    let april_decisions = dir.path().join("四月审定.xlsx");
    decisions_workbook(
        &april_decisions,
        &[["城关街道", "", SECOND, "后进", "督查", "", ""]],
    );
    ledger_json(&april, Some(&april_decisions));
    let (_, rows) = upgrade(&april, None, "from-ledger.xlsx");
    assert_eq!(row_of(&rows, SECOND).unwrap()["基线等次"], "后进");
}

/// `template --decisions` writes a blank workbook that reads back as no decision, replaces a
/// blank one of its own, and never a filled one, `--force` or not.
#[test]
fn the_blank_decisions_workbook_is_replaced_only_while_blank() {
    let dir = temp_dir();
    let path = dir.path().join("审定意见.xlsx");
    let template = || {
        Command::cargo_bin("taizhang")
            .unwrap()
            .args(["template", "--decisions", "-o"])
            .arg(dir.path())
            .assert()
    };
    template().success();
    let rules = taizhang::rules::Rules::embedded();
    let limits = taizhang::read::Limits::default();
    let blank = taizhang::decisions::Decisions::read(&path, &rules, &limits).unwrap();
    assert!(
        blank.list.is_empty() && blank.issues.is_empty(),
        "{blank:?}"
    );
    template().success();

    // Filled in (as Excel saves it: the same workbook with a row typed under the header).
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let header = book.worksheet_range("审定意见").unwrap();
    let header_row = (header.rows())
        .position(|r| r.iter().any(|c| *c == "审定等次"))
        .unwrap();
    assert_eq!(header_row, 2, "title, note, header");
    filled_copy(&path);
    let before = std::fs::read(&path).unwrap();
    let refused = template().failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("已填写的审定意见表，不能覆盖"), "{stderr}");
    // Not even with --force: it is the department's only record of its decisions.
    let forced = Command::cargo_bin("taizhang")
        .unwrap()
        .args(["template", "--decisions", "--force", "-o"])
        .arg(dir.path())
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&forced.get_output().stderr).into_owned();
    assert!(stderr.contains("--force 也不行"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // Nor by any other output written there.
    let ledger = Command::cargo_bin("taizhang")
        .unwrap()
        .arg("ledger")
        .arg(root().join("samples/摸底"))
        .args(["--force", "-o"])
        .arg(&path)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&ledger.get_output().stderr).into_owned();
    assert!(stderr.contains("已填写的审定意见表"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let filled = taizhang::decisions::Decisions::read(&path, &rules, &limits).unwrap();
    assert_eq!(filled.list.len(), 1);
}

/// The blank workbook with one decision typed in, saved over it: its `_meta` kept, as a
/// clerk's Excel keeps it.
fn filled_copy(path: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("审定意见").unwrap();
    sheet
        .write_string(0, 0, "基层党组织分类定级审定意见表")
        .unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    for (c, v) in ["城关街道", "", SECOND, "后进", "督查", "", ""]
        .iter()
        .enumerate()
    {
        if !v.is_empty() {
            sheet.write_string(3, c as u16, *v).unwrap();
        }
    }
    let meta = book
        .add_worksheet()
        .set_name(taizhang::schema::SHEET_META)
        .unwrap();
    meta.write_string(0, 0, "taizhang_output").unwrap();
    meta.write_string(0, 1, "decisions").unwrap();
    meta.set_hidden(true);
    book.save(path).unwrap();
}

/// An organization the department decided 后进 is planned for rectification like one the
/// standard rated 后进: its unit's 整改进展表 lists it.
#[test]
fn a_decided_laggard_gets_its_rectification_form() {
    let dir = temp_dir();
    let ledger = dir.path().join("台账.xlsx");
    let workbook = dir.path().join("审定意见.xlsx");
    decisions_workbook(
        &workbook,
        &[["城关街道", "", SECOND, "后进", "督查", "", ""]],
    );
    ledger_json(&ledger, Some(&workbook));
    let forms = dir.path().join("下发");
    Command::cargo_bin("taizhang")
        .unwrap()
        .args(["template", "--rectify", "--ledger"])
        .arg(&ledger)
        .arg("-o")
        .arg(&forms)
        .assert()
        .success();
    let form = forms.join("511101001_城关街道_整改进展表.xlsx");
    let listed = sheet(&form, "整改进展");
    let row = (listed.iter())
        .find(|r| r.iter().any(|c| *c == SECOND))
        .unwrap_or_else(|| panic!("{SECOND} not planned"));
    assert!(row.iter().any(|c| *c == "后进"), "{row:?}");
}
