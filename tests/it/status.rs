//! 报送情况 at a given date (on time, overdue, missing), the ledger's 报送情况 sheet and 汇总 with
//! every roster unit, and feedback written only for units whose file has issues.

use crate::roster::{ledger_at, small_roster};
use crate::support::{file_names, root, temp_dir};
use assert_cmd::Command;
use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use taizhang::builder::FormBuilder;
use taizhang::status::{Expectation, State, StatusReport};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// An inbox where 白马镇 sent a clean file, 龙泉镇 one with errors, 城关街道 one with only
/// a warning, and 青山县教育局 nothing; all filled in on 2026-04-10.
fn inbox(dir: &Path) -> PathBuf {
    inbox_filled(dir, ["2026-04-10"; 3])
}

/// [`inbox`] with the 填报日期 of 白马镇, 龙泉镇 and 城关街道.
fn inbox_filled(dir: &Path, filled: [&str; 3]) -> PathBuf {
    let inbox = dir.join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    let on = |day: &str| {
        use chrono::Datelike;
        let d = date(day);
        taizhang::builder::Cell::date(d.year(), d.month(), d.day())
    };
    FormBuilder::new()
        .filled_on(on(filled[0]))
        .orgs(2)
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    FormBuilder::new()
        .unit("龙泉镇")
        .code("511101004")
        .phone("12345")
        .filled_on(on(filled[1]))
        .orgs(2)
        .write(inbox.join("龙泉镇.xlsx"))
        .unwrap();
    FormBuilder::new()
        .unit("城关街道")
        .code("511101002")
        .filled_on(on(filled[2]))
        .orgs(1)
        .edit_org(0, |o| o.self_tier("一般"))
        .write(inbox.join("城关街道.xlsx"))
        .unwrap();
    inbox
}

/// Midday of `day`, local time, as a file modification time.
fn at_noon(day: &str) -> SystemTime {
    let local = date(day)
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_local_timezone(chrono::Local)
        .unwrap();
    SystemTime::UNIX_EPOCH + Duration::from_secs(local.timestamp() as u64)
}

fn touch(path: &Path, day: &str) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(at_noon(day)).unwrap();
}

fn status_at(inbox: &Path, dir: &Path, as_of: &str) -> StatusReport {
    let expect = Expectation::new(
        Some(small_roster(dir)),
        Some(date("2026-04-15")),
        Some(date(as_of)),
    );
    ledger_at(inbox, expect)
        .status
        .expect("a roster gives a status")
}

#[test]
fn before_the_deadline_each_unit_has_its_state_and_days_left() {
    let dir = temp_dir();
    let inbox = inbox(dir.path());
    for name in ["白马镇.xlsx", "龙泉镇.xlsx", "城关街道.xlsx"] {
        touch(&inbox.join(name), "2026-04-11");
    }
    let status = status_at(&inbox, dir.path(), "2026-04-12");
    let states: Vec<(&str, State)> = status
        .units
        .iter()
        .map(|u| (u.name.as_str(), u.state))
        .collect();
    assert_eq!(
        states,
        [
            ("白马镇", State::Passed),
            ("龙泉镇", State::Errors),
            ("城关街道", State::WarningsOnly),
            ("青山县教育局", State::Missing),
        ]
    );
    assert_eq!(status.days_left, 3);
    let deadlines: Vec<String> = status
        .units
        .iter()
        .map(|u| status.unit_deadline(u))
        .collect();
    assert_eq!(deadlines, ["", "还剩 3 天", "", "还剩 3 天"]);
    assert_eq!(status.totals.submitted, 3);
    assert_eq!(status.totals.missing, 1);
    assert_eq!(status.totals.late, 0);
    let text = status.to_text();
    assert!(
        text.starts_with(
            "报送情况（摸底，按截止日期）：截至 2026-04-12，截止日期 2026-04-15（还剩 3 天）\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "应报 4 个单位：已报送 3（通过 1，仅警告 1，有错误 1），未报送 1，逾期报送 0（按填报日期）\n"
        ),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("511101101") && l.contains("未报送") && l.contains("还剩 3 天")),
        "{text}"
    );
}

/// Lateness is judged by the 填报日期 the form gives, never by the file's modification time,
/// which copying a file from mail changes.
#[test]
fn after_the_deadline_late_files_and_missing_units_are_overdue() {
    let dir = temp_dir();
    let inbox = inbox_filled(dir.path(), ["2026-04-15", "2026-04-16", "2026-04-14"]);
    for (name, modified) in [
        ("白马镇.xlsx", "2026-04-19"),
        ("龙泉镇.xlsx", "2026-04-01"),
        ("城关街道.xlsx", "2026-04-18"),
    ] {
        touch(&inbox.join(name), modified);
    }
    let status = status_at(&inbox, dir.path(), "2026-04-20");
    let filled: Vec<Option<&str>> = (status.units.iter())
        .map(|u| u.filled_on.as_deref())
        .collect();
    assert_eq!(
        filled,
        [
            Some("2026-04-15"),
            Some("2026-04-16"),
            Some("2026-04-14"),
            None
        ]
    );
    let late: Vec<bool> = status.units.iter().map(|u| u.late).collect();
    assert_eq!(
        late,
        [false, true, false, false],
        "the deadline day itself is on time"
    );
    let deadlines: Vec<String> = status
        .units
        .iter()
        .map(|u| status.unit_deadline(u))
        .collect();
    assert_eq!(deadlines, ["", "逾期报送", "", "已逾期 5 天"]);
    assert_eq!(status.totals.late, 1);
}

#[test]
fn a_text_status_fits_one_screen_for_thirty_units() {
    let dir = temp_dir();
    let mut csv = String::from("单位代码,单位名称,单位类别\n");
    for i in 1..=30 {
        csv.push_str(&format!("5111010{i:02},第{i}镇,乡镇\n"));
    }
    std::fs::write(dir.path().join("r.csv"), csv).unwrap();
    let inbox = dir.path().join("in");
    std::fs::create_dir(&inbox).unwrap();
    let roster = taizhang::roster::Roster::load(&dir.path().join("r.csv")).unwrap();
    let status = ledger_at(&inbox, Expectation::new(Some(roster), None, None))
        .status
        .unwrap();
    let text = status.to_text();
    assert!(text.lines().count() <= 34, "{text}");
    assert!(text.lines().all(|l| unicode_width(l) <= 100), "{text}");
}

fn unicode_width(line: &str) -> usize {
    line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[test]
fn the_status_command_prints_text_and_json() {
    let dir = temp_dir();
    let inbox = inbox(dir.path());
    small_roster(dir.path());
    let roster = dir.path().join("花名册.csv");
    let output = Command::cargo_bin("taizhang")
        .unwrap()
        .args([
            "status",
            inbox.to_str().unwrap(),
            "--roster",
            roster.to_str().unwrap(),
        ])
        .args([
            "--deadline",
            "2026-04-15",
            "--as-of",
            "2026-04-12",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["days_left"], 3);
    assert_eq!(doc["totals"]["missing"], 1);
    assert_eq!(doc["units"][3]["state"], "missing");
    assert_eq!(doc["units"][1]["state_label"], "已报送（有错误）");
    let missing_roster = Command::cargo_bin("taizhang")
        .unwrap()
        .args(["status", inbox.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(missing_roster.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing_roster.stderr).contains("--roster"));
}

fn sheet(path: &Path, name: &str) -> calamine::Range<Data> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    book.worksheet_range(name).unwrap()
}

fn column(range: &calamine::Range<Data>, col: usize) -> Vec<String> {
    (0..range.height())
        .map(|r| {
            range
                .get((r, col))
                .map_or_else(String::new, |d| d.to_string())
        })
        .collect()
}

#[test]
fn ledger_with_a_roster_lists_every_unit_and_writes_feedback_only_where_needed() {
    let dir = temp_dir();
    let inbox = inbox(dir.path());
    let roster = dir.path().join("花名册.csv");
    small_roster(dir.path());
    let out = dir.path().join("台账.xlsx");
    let feedback = dir.path().join("反馈");
    std::fs::create_dir(&feedback).unwrap();
    // A feedback file from an earlier run, for a unit whose file is now clean.
    FormBuilder::new()
        .orgs(1)
        .phone("1")
        .write(inbox.join("旧.xlsx"))
        .unwrap();
    let old = taizhang::check::check_file(&inbox.join("旧.xlsx"), &Default::default());
    taizhang::feedback::write_feedback_as(
        &old,
        &Default::default(),
        &feedback,
        "511101001_白马镇_反馈.xlsx",
    )
    .unwrap();
    std::fs::remove_file(inbox.join("旧.xlsx")).unwrap();
    std::fs::write(feedback.join("说明.txt"), "not ours").unwrap();

    Command::cargo_bin("taizhang")
        .unwrap()
        .args([
            "ledger",
            inbox.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .args([
            "--roster",
            roster.to_str().unwrap(),
            "--deadline",
            "2026-04-15",
        ])
        .args(["--feedback", feedback.to_str().unwrap()])
        .assert()
        .success();

    assert_eq!(
        file_names(&feedback),
        [
            "511101002_城关街道_反馈.xlsx",
            "511101004_龙泉镇_反馈.xlsx",
            "说明.txt"
        ]
    );

    let summary = sheet(&out, "汇总");
    let names = column(&summary, 1);
    for unit in ["白马镇", "龙泉镇", "城关街道", "青山县教育局", "合计"] {
        assert!(names.contains(&unit.to_string()), "{names:?}");
    }
    let last = summary.width() - 1;
    assert_eq!(column(&summary, last)[2], "报送情况");
    assert!(column(&summary, last).contains(&"未报送".to_string()));

    let submissions = sheet(&out, "报送情况");
    let states = column(&submissions, 5);
    assert_eq!(
        &states[3..8],
        [
            "报送状态",
            "已报送（通过）",
            "已报送（有错误）",
            "已报送（仅警告）",
            "未报送"
        ]
    );
    let book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names()[..2], ["汇总", "报送情况"]);
}

#[test]
fn ledger_of_the_samples_with_the_sample_roster() {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    let output = Command::cargo_bin("taizhang")
        .unwrap()
        .args([
            "ledger",
            root().join("samples/摸底").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .args([
            "--roster",
            root().join("samples/roster.xlsx").to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["files"]["read"], 14);
    assert!(doc["files"].get("superseded").is_none());
    let states = column(&sheet(&out, "报送情况"), 5);
    assert_eq!(
        states.iter().filter(|s| s.starts_with("已报送")).count(),
        14
    );
}

/// An organization both 白马镇 and 龙泉镇 list is an error in both files: both units are
/// 有错误 (status_at also checks that the streamed `status` says the same).
#[test]
fn an_organization_two_units_both_list_counts_against_both() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir_all(&inbox).unwrap();
    FormBuilder::new()
        .org(|o| o.code("X0001"))
        .orgs(1)
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    FormBuilder::new()
        .unit("龙泉镇")
        .code("511101004")
        .orgs(1)
        .org(|o| o.code("x0001"))
        .write(inbox.join("龙泉镇.xlsx"))
        .unwrap();
    let status = status_at(&inbox, dir.path(), "2026-04-10");
    for name in ["白马镇", "龙泉镇"] {
        let unit = status.units.iter().find(|u| u.name == name).unwrap();
        assert_eq!(unit.state, State::Errors, "{name}");
    }
}

/// With a 收件记录, a return is late by when it arrived, whatever its 填报日期 says; a return
/// the record does not know is judged by its 填报日期, and 报送情况 says which.
#[test]
fn a_recorded_arrival_decides_lateness_before_the_filing_date() {
    let dir = temp_dir();
    let inbox = inbox_filled(dir.path(), ["2026-04-10", "2026-04-16", "2026-04-10"]);
    let mut arrivals = taizhang::arrivals::Arrivals::default();
    let at = |text: &str| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    let hash = |name: &str| taizhang::arrivals::hash_file(&inbox.join(name)).unwrap();
    // 白马镇 says 4月10日 but arrived on the 17th; 城关街道 arrived in time.
    arrivals.add("白马镇.xlsx", &hash("白马镇.xlsx"), at("2026-04-17 08:30"));
    arrivals.add(
        "城关街道.xlsx",
        &hash("城关街道.xlsx"),
        at("2026-04-15 17:00"),
    );
    // A record of another version of 龙泉镇's file does not count for this one.
    arrivals.add("龙泉镇.xlsx", &"0".repeat(64), at("2026-04-01 09:00"));
    let mut expect = Expectation::new(
        Some(crate::roster::small_roster(dir.path())),
        Some(date("2026-04-15")),
        Some(date("2026-04-20")),
    );
    expect.arrivals = Some(arrivals);
    let status = ledger_at(&inbox, expect).status.unwrap();
    let judged: Vec<(&str, bool, &str)> = (status.units.iter())
        .map(|u| (u.name.as_str(), u.late, u.late_by))
        .collect();
    assert_eq!(
        judged,
        [
            ("白马镇", true, "收到时间"),
            ("龙泉镇", true, "填报日期"),
            ("城关街道", false, "收到时间"),
            ("青山县教育局", false, ""),
        ]
    );
    assert_eq!(
        status.units[0].arrived_at.as_deref(),
        Some("2026-04-17 08:30")
    );
    let text = status.to_text();
    assert!(
        text.contains("逾期报送 2（按收到时间，无收件记录的按填报日期）"),
        "{text}"
    );
}

/// A 填报日期 after the day of the status is a mistyped date (W116): it decides nothing, and
/// 报送情况 says no basis was found rather than judging by it.
#[test]
fn a_filing_date_after_the_status_day_decides_no_lateness() {
    let dir = temp_dir();
    let inbox = inbox_filled(dir.path(), ["2026-04-10", "2026-05-30", "2026-04-10"]);
    let status = status_at(&inbox, dir.path(), "2026-04-20");
    let longquan = &status.units[1];
    assert_eq!(longquan.name, "龙泉镇");
    assert_eq!((longquan.late, longquan.late_by), (false, ""));
    assert_eq!(longquan.filled_on.as_deref(), Some("2026-05-30"));
}
