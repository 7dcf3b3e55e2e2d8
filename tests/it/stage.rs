//! 调查阶段 as part of a return's identity (a 年终 form in the 摸底 inbox never replaces the
//! April return: E406), and replacements that drop most organizations (W407), in both ledger
//! pipelines, `status` and `check`.

use crate::roster::{collected_at, small_roster};
use crate::support::{root, temp_dir};
use assert_cmd::Command;
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::{Path, PathBuf};
use taizhang::attribution::Placement;
use taizhang::builder::FormBuilder;
use taizhang::check::FileReport;
use taizhang::ledger::model::FileStatus;
use taizhang::ledger::Ledger;
use taizhang::stage::SurveyStage;
use taizhang::status::Expectation;

fn date(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A return of 白马镇 (or the unit named) of `stage`, filled on `filled_on`, with `orgs`
/// organizations named after the file.
fn form(unit: (&str, &str), stage: &str, filled_on: &str, orgs: usize, tag: &str) -> FormBuilder {
    let mut form = FormBuilder::new()
        .unit(unit.0)
        .code(unit.1)
        .stage(stage)
        .filled_on(filled_on);
    for k in 1..=orgs {
        form = form.org(|o| o.name(format!("{}{tag}第{k}支部", unit.0)));
    }
    form
}

const BAIMA: (&str, &str) = ("白马镇", "511101001");
const LONGQUAN: (&str, &str) = ("龙泉镇", "511101004");
const CHENGGUAN: (&str, &str) = ("城关街道", "511101002");

/// Every file of `inbox` with its bytes, to show none was changed.
fn snapshot(inbox: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(inbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// A ledger's figures and the reports handed over (every file but the superseded ones).
struct Collected {
    ledger: Ledger<'static>,
    reports: Vec<FileReport>,
    placements: Vec<Placement>,
}

impl std::ops::Deref for Collected {
    type Target = Ledger<'static>;
    fn deref(&self) -> &Ledger<'static> {
        &self.ledger
    }
}

fn ledger_at(inbox: &Path, expect: Expectation) -> Collected {
    let (ledger, files) = collected_at(inbox, expect);
    let (reports, placements) = files.into_iter().unzip();
    Collected {
        ledger,
        reports,
        placements,
    }
}

/// The organizations the ledger counts, by name.
fn counted_orgs(ledger: &Collected) -> Vec<String> {
    let mut names: Vec<String> = (ledger.reports.iter().zip(ledger.placements.iter()))
        .filter(|(_, p)| p.counts())
        .filter_map(|(r, _)| r.form.as_ref())
        .flat_map(|f| {
            f.organizations
                .iter()
                .map(|o| o.org_name().unwrap().to_string())
        })
        .collect();
    names.sort();
    names
}

fn taizhang() -> Command {
    Command::cargo_bin("taizhang").unwrap()
}

/// `taizhang ledger inbox -o out --roster … args`: its stdout.
fn run_ledger(dir: &Path, inbox: &Path, out: &Path, args: &[&str]) -> String {
    let output = taizhang()
        .arg("ledger")
        .arg(inbox)
        .arg("-o")
        .arg(out)
        .arg("--roster")
        .arg(dir.join("花名册.csv"))
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// 白马镇's April return (28 organizations) and, filled later, a 年终 return of 3.
fn april_and_year_end(inbox: &Path) {
    form(BAIMA, "摸底", "2026-04-10", 28, "四月")
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    form(BAIMA, "年终", "2026-12-10", 3, "年终")
        .write(inbox.join("白马镇年终.xlsx"))
        .unwrap();
}

#[test]
fn a_year_end_form_in_the_baseline_inbox_never_replaces_the_april_return() {
    let dir = temp_dir();
    let roster = small_roster(dir.path());
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    april_and_year_end(&inbox);
    let before = snapshot(&inbox);

    // The reports kept in memory, and the status as `status` gives it (ledger_at compares).
    let expect = Expectation::new(
        Some(roster),
        Some(date("2026-04-15")),
        Some(date("2026-04-12")),
    );
    let ledger = ledger_at(&inbox, expect);
    let orgs = counted_orgs(&ledger);
    assert_eq!(orgs.len(), 28, "{orgs:?}");
    assert!(orgs.iter().all(|n| n.contains("四月")), "{orgs:?}");
    assert_eq!(ledger.county.organizations(), 28);
    assert_eq!(ledger.stage.unwrap().stage, SurveyStage::Baseline);
    let lines = ledger.files.lines().to_vec();
    let year_end = lines.iter().find(|l| l.path == "白马镇年终.xlsx").unwrap();
    assert_eq!(
        year_end.status,
        FileStatus::OtherStage(SurveyStage::YearEnd)
    );
    assert!(
        year_end.detail.contains("调查阶段为“年终”"),
        "{}",
        year_end.detail
    );
    let april = lines.iter().find(|l| l.path == "白马镇.xlsx").unwrap();
    assert_eq!(april.status, FileStatus::Read);
    let status = ledger.status.as_ref().unwrap();
    let baima = &status.units[0];
    assert_eq!(baima.file.as_deref(), Some("白马镇.xlsx"));
    assert_eq!(baima.organizations, 28);
    assert!(baima.superseded.is_empty());

    // Streamed (`ledger`): 28 rows in 台账明细, E406 on the 年终 file in 校验问题.
    let out = dir.path().join("台账.xlsx");
    let text = run_ledger(dir.path(), &inbox, &out, &["--deadline", "2026-04-15"]);
    assert!(
        text.contains("调查阶段：摸底（按截止日期 2026-04-15"),
        "{text}"
    );
    assert!(text.contains("阶段不符 1"), "{text}");
    assert!(text.contains("错误 1 个"), "{text}");
    let detail = sheet(&out, "台账明细");
    let rows: Vec<&Vec<String>> = detail
        .iter()
        .filter(|r| r.iter().any(|c| c.contains("支部")))
        .collect();
    assert_eq!(rows.len(), 28);
    assert!(rows.iter().all(|r| !r.iter().any(|c| c.contains("年终第"))));
    let issues = sheet(&out, "校验问题");
    let e406: Vec<&Vec<String>> = issues
        .iter()
        .filter(|r| r.contains(&"E406".to_string()))
        .collect();
    assert_eq!(e406.len(), 1, "{issues:?}");
    assert_eq!(e406[0][0], "白马镇年终.xlsx");
    let message = e406[0].last().unwrap();
    assert!(message.contains("调查阶段填的是“年终”"), "{message}");
    assert!(message.contains("本次收集的是摸底报表"), "{message}");
    assert!(message.contains("请放入年终收件文件夹"), "{message}");
    let files = sheet(&out, "文件清单");
    let listed = files.iter().find(|r| r[0] == "白马镇年终.xlsx").unwrap();
    assert_eq!(listed[1], "阶段不符");
    let reconciliation: Vec<&String> = files.iter().map(|r| &r[0]).collect();
    assert!(
        reconciliation
            .iter()
            .any(|l| l.contains("调查阶段不符的 1 个文件中的 3 个党组织未列入台账")),
        "{reconciliation:?}"
    );

    // `status` counts 白马镇 by its April return.
    let output = taizhang()
        .arg("status")
        .arg(&inbox)
        .arg("--roster")
        .arg(dir.path().join("花名册.csv"))
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
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["units"][0]["file"], "白马镇.xlsx");
    assert_eq!(json["units"][0]["organizations"], 28);
    assert_eq!(json["stage"]["stage"], "摸底");
    assert_eq!(snapshot(&inbox), before, "the inbox is never written to");
}

#[test]
fn with_stage_year_end_the_april_return_is_the_one_set_aside() {
    let dir = temp_dir();
    let roster = small_roster(dir.path());
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    // The 年终 return filled earlier than the April one (a wrong date): the stage decides.
    form(BAIMA, "摸底", "2026-12-20", 28, "四月")
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    form(BAIMA, "年终", "2026-12-10", 3, "年终")
        .write(inbox.join("白马镇年终.xlsx"))
        .unwrap();
    let before = snapshot(&inbox);
    let expect = Expectation::new(Some(roster), None, Some(date("2026-12-12")))
        .with_stage(Some(SurveyStage::YearEnd));
    let ledger = ledger_at(&inbox, expect);
    let orgs = counted_orgs(&ledger);
    assert_eq!(orgs.len(), 3, "{orgs:?}");
    assert!(orgs.iter().all(|n| n.contains("年终")), "{orgs:?}");
    let april = ledger
        .reports
        .iter()
        .find(|r| r.path.ends_with("白马镇.xlsx"))
        .unwrap();
    let e406 = april
        .issues()
        .iter()
        .find(|i| i.code.id() == "E406")
        .unwrap();
    assert!(
        e406.message
            .contains("本次收集的是年终报表（按 --stage 指定）"),
        "{}",
        e406.message
    );
    assert_eq!(
        ledger.status.as_ref().unwrap().units[0].file.as_deref(),
        Some("白马镇年终.xlsx")
    );

    let out = dir.path().join("台账.xlsx");
    let text = run_ledger(dir.path(), &inbox, &out, &["--stage", "年终"]);
    assert!(text.contains("调查阶段：年终（按 --stage 指定）"), "{text}");
    let issues = sheet(&out, "校验问题");
    assert!(issues
        .iter()
        .any(|r| r[0] == "白马镇.xlsx" && r.contains(&"E406".to_string())));
    assert_eq!(snapshot(&inbox), before);
}

#[test]
fn without_stage_or_deadline_the_majority_decides_and_a_tie_is_baseline() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    form(BAIMA, "年终", "2026-12-10", 2, "年终")
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    form(LONGQUAN, "年终", "2026-12-10", 2, "年终")
        .write(inbox.join("龙泉镇.xlsx"))
        .unwrap();
    form(CHENGGUAN, "摸底", "2026-04-10", 4, "四月")
        .write(inbox.join("城关街道.xlsx"))
        .unwrap();
    let before = snapshot(&inbox);
    let ledger = ledger_at(&inbox, Expectation::new(None, None, None));
    let stage = ledger.stage.unwrap();
    assert_eq!(stage.stage, SurveyStage::YearEnd);
    assert!(stage.line().contains("按多数报表所填"), "{}", stage.line());
    assert_eq!(counted_orgs(&ledger).len(), 4);
    let chengguan = ledger
        .reports
        .iter()
        .find(|r| r.path.ends_with("城关街道.xlsx"))
        .unwrap();
    assert!(chengguan.issues().iter().any(|i| i.code.id() == "E406"));
    assert_eq!(ledger.county.errors, 1);
    // The April organizations are named: the file's line says why they are not counted.
    let lines = ledger.files.lines().to_vec();
    let line = lines.iter().find(|l| l.path == "城关街道.xlsx").unwrap();
    assert_eq!(
        (line.organizations, &line.status),
        (4, &FileStatus::OtherStage(SurveyStage::Baseline))
    );

    // One more 摸底 return: a tie, so 摸底.
    form(CHENGGUAN, "摸底", "2026-04-10", 1, "四月")
        .write(inbox.join("城关街道2.xlsx"))
        .unwrap();
    std::fs::remove_file(inbox.join("城关街道.xlsx")).unwrap();
    form(
        ("青山县教育局", "511101101"),
        "摸底",
        "2026-04-10",
        1,
        "四月",
    )
    .write(inbox.join("教育局.xlsx"))
    .unwrap();
    let ledger = ledger_at(&inbox, Expectation::new(None, None, None));
    assert_eq!(ledger.stage.unwrap().stage, SurveyStage::Baseline);
    assert_eq!(counted_orgs(&ledger).len(), 2);
    assert_eq!(ledger.files.tally().other_stage, 2);
    // A deadline in December collects 年终.
    let expect = Expectation::new(None, Some(date("2026-12-20")), None);
    assert_eq!(
        ledger_at(&inbox, expect).stage.unwrap().stage,
        SurveyStage::YearEnd
    );
    let mut kept = before.iter().filter(|(p, _)| !p.ends_with("城关街道.xlsx"));
    assert!(kept.all(|file| snapshot(&inbox).contains(file)));
}

#[test]
fn a_return_stating_no_stage_counts_as_the_stage_collected() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    form(BAIMA, "", "2026-12-10", 2, "未填")
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    form(LONGQUAN, "年终", "2026-12-10", 1, "年终")
        .write(inbox.join("龙泉镇.xlsx"))
        .unwrap();
    let before = snapshot(&inbox);
    for stage in [None, Some(SurveyStage::Baseline)] {
        let expect = Expectation::new(None, None, None).with_stage(stage);
        let ledger = ledger_at(&inbox, expect);
        let baima = ledger
            .reports
            .iter()
            .find(|r| r.path.ends_with("白马镇.xlsx"))
            .unwrap();
        assert!(baima.issues().iter().all(|i| i.code.id() != "E406"));
        assert!(
            counted_orgs(&ledger)
                .iter()
                .filter(|n| n.contains("未填"))
                .count()
                == 2
        );
    }
    assert_eq!(snapshot(&inbox), before);
}

#[test]
fn a_unit_that_sent_only_a_return_of_the_other_stage_has_not_reported() {
    let dir = temp_dir();
    let roster = small_roster(dir.path());
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    form(BAIMA, "摸底", "2026-04-10", 2, "四月")
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    form(CHENGGUAN, "年终", "2026-04-11", 2, "年终")
        .write(inbox.join("城关街道.xlsx"))
        .unwrap();
    let before = snapshot(&inbox);
    let expect = Expectation::new(
        Some(roster),
        Some(date("2026-04-15")),
        Some(date("2026-04-12")),
    );
    let status = ledger_at(&inbox, expect).ledger.status.unwrap();
    let chengguan = status.units.iter().find(|u| u.name == "城关街道").unwrap();
    assert_eq!(chengguan.state, taizhang::status::State::Missing);
    assert_eq!(chengguan.file, None);
    assert_eq!(status.totals.submitted, 1);
    assert!(status.to_text().starts_with("报送情况（摸底，按截止日期）"));
    assert_eq!(snapshot(&inbox), before);
}

#[test]
fn check_with_stage_flags_a_form_of_the_other_stage_and_without_it_does_not() {
    let dir = temp_dir();
    let path = form(BAIMA, "年终", "2026-12-10", 2, "年终")
        .write(dir.path().join("白马镇.xlsx"))
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let flagged = taizhang()
        .arg("check")
        .arg(&path)
        .args(["--stage", "摸底"])
        .output()
        .unwrap();
    let text = String::from_utf8(flagged.stdout).unwrap();
    assert!(text.contains("E406"), "{text}");
    assert!(text.contains("年终复评表请放入年终收件文件夹"), "{text}");
    assert_eq!(flagged.status.code(), Some(1), "{text}");
    let plain = taizhang().arg("check").arg(&path).output().unwrap();
    let text = String::from_utf8(plain.stdout).unwrap();
    assert!(!text.contains("E406"), "{text}");
    let same = taizhang()
        .arg("check")
        .arg(&path)
        .args(["--stage", "年终"])
        .output()
        .unwrap();
    assert!(!String::from_utf8(same.stdout).unwrap().contains("E406"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_one_organization_resubmission_replacing_28_is_warned_and_named() {
    let dir = temp_dir();
    let roster = small_roster(dir.path());
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    form(BAIMA, "摸底", "2026-04-08", 28, "四月")
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    form(BAIMA, "摸底", "2026-04-11", 1, "补报")
        .write(inbox.join("白马镇（补报）.xlsx"))
        .unwrap();
    // A resubmission that keeps most organizations is not warned.
    form(LONGQUAN, "摸底", "2026-04-08", 4, "四月")
        .write(inbox.join("龙泉镇.xlsx"))
        .unwrap();
    form(LONGQUAN, "摸底", "2026-04-11", 3, "更正")
        .write(inbox.join("龙泉镇2.xlsx"))
        .unwrap();
    let before = snapshot(&inbox);

    let expect = Expectation::new(Some(roster), None, Some(date("2026-04-12")));
    let ledger = ledger_at(&inbox, expect);
    let late = ledger
        .reports
        .iter()
        .find(|r| r.path.ends_with("白马镇（补报）.xlsx"))
        .unwrap();
    let w407: Vec<_> = late
        .issues()
        .iter()
        .filter(|i| i.code.id() == "W407")
        .collect();
    assert_eq!(w407.len(), 1);
    let message = &w407[0].message;
    for part in [
        "白马镇（补报）.xlsx",
        "只有 1 个党组织",
        "白马镇.xlsx（28 个党组织）",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    let longquan = ledger
        .reports
        .iter()
        .find(|r| r.path.ends_with("龙泉镇2.xlsx"))
        .unwrap();
    assert!(longquan.issues().iter().all(|i| i.code.id() != "W407"));

    let out = dir.path().join("台账.xlsx");
    let text = run_ledger(dir.path(), &inbox, &out, &[]);
    assert!(text.contains("已被替代 2 个：\n"), "{text}");
    assert!(
        text.contains("  白马镇.xlsx → 白马镇（补报）.xlsx\n"),
        "{text}"
    );
    assert!(text.contains("  龙泉镇.xlsx → 龙泉镇2.xlsx\n"), "{text}");
    let issues = sheet(&out, "校验问题");
    let row = issues
        .iter()
        .find(|r| r.contains(&"W407".to_string()))
        .unwrap();
    assert_eq!(row[0], "白马镇（补报）.xlsx");
    assert!(row.last().unwrap().contains("白马镇.xlsx（28 个党组织）"));
    // The 28 organizations are named: the replaced file's line counts them.
    let files = sheet(&out, "文件清单");
    let old = files.iter().find(|r| r[0] == "白马镇.xlsx").unwrap();
    assert_eq!((old[1].as_str(), old[4].as_str()), ("已被替代", "28"));
    assert_eq!(snapshot(&inbox), before);
}

#[test]
fn the_replaced_files_in_the_summary_are_capped_for_a_large_run() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    for u in 1..=7 {
        let unit = (format!("第{u}镇"), format!("5111019{u:02}"));
        let unit = (unit.0.as_str(), unit.1.as_str());
        form(unit, "摸底", "2026-04-08", 2, "旧")
            .write(inbox.join(format!("{u}a.xlsx")))
            .unwrap();
        form(unit, "摸底", "2026-04-09", 2, "新")
            .write(inbox.join(format!("{u}b.xlsx")))
            .unwrap();
    }
    let ledger = ledger_at(&inbox, Expectation::new(None, None, None));
    let text = taizhang::ledger::summarize(&ledger, Path::new("台账.xlsx")).to_text();
    assert!(
        text.contains("已被替代 7 个：\n  1a.xlsx → 1b.xlsx\n"),
        "{text}"
    );
    assert_eq!(text.matches(" → ").count(), 5, "{text}");
    assert!(text.contains("……等 7 个"), "{text}");
}

/// The workbook and the reports kept in memory (the two sinks) agree on the other-stage
/// returns set aside and the shrinking replacement warned on.
#[test]
fn the_workbook_and_the_collected_reports_agree_on_other_stages_and_shrinking_replacements() {
    use taizhang::ledger::{LedgerOptions, RunOptions};
    let dir = temp_dir();
    let roster = small_roster(dir.path());
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    april_and_year_end(&inbox);
    form(LONGQUAN, "摸底", "2026-04-08", 6, "四月")
        .write(inbox.join("龙泉镇.xlsx"))
        .unwrap();
    form(LONGQUAN, "摸底", "2026-04-11", 2, "补报")
        .write(inbox.join("龙泉镇（补报）.xlsx"))
        .unwrap();
    form(CHENGGUAN, "年终", "2026-12-01", 2, "年终")
        .write(inbox.join("城关街道.xlsx"))
        .unwrap();
    std::fs::write(inbox.join("坏文件.xlsx"), b"PK\x03\x04 not a workbook").unwrap();
    let before = snapshot(&inbox);
    let day = Some(date("2026-04-12"));
    for expect in [
        Expectation::new(None, None, day),
        Expectation::new(Some(roster), Some(date("2026-04-15")), day),
    ] {
        let out = dir.path().join("台账.xlsx");
        let options = LedgerOptions {
            exclude: vec![out.clone()],
            force: true,
            ..LedgerOptions::default()
        };
        let run = RunOptions {
            expect: &expect,
            feedback: None,
            progress: &|_| {},
        };
        taizhang::ledger::write(&inbox, &out, &options, &run).unwrap();
        let issues = sheet(&out, "校验问题");
        let code = |c: &str| issues.iter().filter(|r| r.contains(&c.to_string())).count();
        assert_eq!((code("E406"), code("W407")), (2, 1), "{issues:?}");
        let detail = sheet(&out, "台账明细");
        let counted = detail
            .iter()
            .filter(|r| r.iter().any(|c| c.contains("支部")))
            .count();
        assert_eq!(counted, 28 + 2);
        let collected = taizhang::ledger::collect(&inbox, &options, &expect).unwrap();
        let kept = |c: &str| {
            (collected.done.iter())
                .flat_map(|(r, _)| r.issues())
                .filter(|i| i.code.id() == c)
                .count()
        };
        assert_eq!((kept("E406"), kept("W407")), (2, 1));
        let counts = collected.done.iter().filter(|(_, p)| p.counts());
        let orgs: usize = counts.map(|(r, _)| r.organizations()).sum();
        assert_eq!(orgs, counted);
    }
    assert_eq!(snapshot(&inbox), before);
}

mod model {
    //! Random drops, resubmissions, other-stage returns, deletions and renames: the ledger
    //! holds exactly the organizations of each unit's latest 摸底 return, and lists every file.

    use super::*;
    use proptest::prelude::*;

    const UNITS: [(&str, &str); 3] = [BAIMA, LONGQUAN, CHENGGUAN];

    #[derive(Debug, Clone)]
    enum Op {
        /// A return (or a resubmission, when the unit has one) of `orgs` organizations; of
        /// the other stage (年终) when `other_stage`.
        Drop {
            unit: usize,
            orgs: usize,
            other_stage: bool,
        },
        /// The file at this position (modulo the count) removed.
        Delete(usize),
        /// The file at this position renamed (its date and modification time kept).
        Rename(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0..3usize, 1..4usize).prop_map(|(unit, orgs)| Op::Drop { unit, orgs, other_stage: false }),
            1 => (0..3usize, 1..4usize).prop_map(|(unit, orgs)| Op::Drop { unit, orgs, other_stage: true }),
            1 => any::<usize>().prop_map(Op::Delete),
            1 => any::<usize>().prop_map(Op::Rename),
        ]
    }

    /// A file as the model knows it: whose, which stage, when filled (strictly increasing).
    struct File {
        name: String,
        unit: usize,
        baseline: bool,
        filled: u32,
        orgs: Vec<String>,
    }

    fn apply(inbox: &Path, files: &mut Vec<File>, seq: &mut u32, op: &Op) {
        *seq += 1;
        match *op {
            Op::Drop {
                unit,
                orgs,
                other_stage,
            } => {
                let name = format!("f{seq}.xlsx");
                let filled = format!("2026-03-{:02}", *seq);
                let stage = if other_stage { "年终" } else { "摸底" };
                let tag = format!("{seq}号");
                form(UNITS[unit], stage, &filled, orgs, &tag)
                    .write(inbox.join(&name))
                    .unwrap();
                let orgs = (1..=orgs)
                    .map(|k| format!("{}{tag}第{k}支部", UNITS[unit].0))
                    .collect();
                files.push(File {
                    name,
                    unit,
                    baseline: !other_stage,
                    filled: *seq,
                    orgs,
                });
            }
            Op::Delete(_) | Op::Rename(_) if files.is_empty() => {}
            Op::Delete(at) => {
                let file = files.remove(at % files.len());
                std::fs::remove_file(inbox.join(file.name)).unwrap();
            }
            Op::Rename(at) => {
                let n = files.len();
                let file = &mut files[at % n];
                let name = format!("r{seq}.xlsx");
                std::fs::rename(inbox.join(&file.name), inbox.join(&name)).unwrap();
                file.name = name;
            }
        }
    }

    /// Per unit, the organizations of its latest 摸底 return.
    fn expected(files: &[File]) -> Vec<String> {
        let mut orgs: Vec<String> = (0..UNITS.len())
            .filter_map(|u| {
                let own = files.iter().filter(|f| f.unit == u && f.baseline);
                own.max_by_key(|f| f.filled)
            })
            .flat_map(|f| f.orgs.clone())
            .collect();
        orgs.sort();
        orgs
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn the_ledger_holds_each_units_latest_return_of_the_stage_and_lists_every_file(
            ops in prop::collection::vec(op(), 1..8)
        ) {
            let dir = temp_dir();
            let inbox = dir.path().join("收件");
            std::fs::create_dir(&inbox).unwrap();
            let (mut files, mut seq) = (Vec::new(), 0);
            for op in &ops {
                apply(&inbox, &mut files, &mut seq, op);
            }
            let expect = Expectation::new(None, None, None).with_stage(Some(SurveyStage::Baseline));
            let ledger = ledger_at(&inbox, expect);
            prop_assert_eq!(counted_orgs(&ledger), expected(&files));
            let mut listed: Vec<String> =
                ledger.files.lines().to_vec().into_iter().map(|l| l.path).collect();
            listed.sort();
            let mut names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
            names.sort();
            prop_assert_eq!(listed, names);
            for line in ledger.files.lines().to_vec() {
                let file = files.iter().find(|f| f.name == line.path).unwrap();
                let other = matches!(line.status, FileStatus::OtherStage(SurveyStage::YearEnd));
                prop_assert_eq!(other, !file.baseline, "{}", line.path);
            }
        }
    }
}

/// A return of the other stage takes no feedback name: the unit's return of the collected stage
/// gets the plain `<代码>_<单位>_反馈.xlsx` even when the other file comes first in file order.
#[test]
fn a_return_of_the_other_stage_never_takes_its_units_feedback_name() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件箱");
    std::fs::create_dir_all(&inbox).unwrap();
    let roster = small_roster(dir.path());
    let with_error = |f: FormBuilder| f.org(|o| o.name("白马镇错号支部").secretary_phone("123"));
    with_error(form(BAIMA, "年终", "2026-12-01", 2, "年终"))
        .write(inbox.join("0_白马镇年终.xlsx"))
        .unwrap();
    with_error(form(BAIMA, "摸底", "2026-04-01", 2, "摸底"))
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    let before = snapshot(&inbox);
    let feedback = dir.path().join("反馈");
    let out = dir.path().join("台账.xlsx");
    let run = Command::cargo_bin("taizhang")
        .unwrap()
        .arg("ledger")
        .arg(&inbox)
        .arg("-o")
        .arg(&out)
        .arg("--roster")
        .arg(&roster.path)
        .arg("--stage")
        .arg("摸底")
        .arg("--feedback")
        .arg(&feedback)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let mut names: Vec<String> = std::fs::read_dir(&feedback)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["511101001_白马镇_反馈.xlsx"]);
    assert_eq!(snapshot(&inbox), before);
}

/// Without --deadline, the deadline is the rules file's for the 调查阶段 collected: 12月31日
/// for 年终 by default, or the county's own; lateness is judged by 填报日期.
#[test]
fn the_deadline_fits_the_stage_collected_from_the_rules_file() {
    let dir = temp_dir();
    let roster = small_roster(dir.path()).path;
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    form(BAIMA, "年终", "2026-12-21", 2, "年终")
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    form(LONGQUAN, "年终", "2026-12-18", 2, "年终")
        .write(inbox.join("龙泉镇.xlsx"))
        .unwrap();
    let status = |rules: Option<&Path>| {
        let mut cmd = Command::cargo_bin("taizhang").unwrap();
        cmd.arg("status").arg(&inbox).arg("--roster").arg(&roster);
        cmd.args(["--as-of", "2026-12-22", "--format", "json"]);
        if let Some(rules) = rules {
            cmd.arg("--rules").arg(rules);
        }
        let output = cmd.output().unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|_| panic!("{text}"))
    };
    let late = |doc: &serde_json::Value| -> Vec<String> {
        let units = doc["units"].as_array().unwrap();
        (units.iter())
            .filter(|u| u["late"] == true)
            .map(|u| u["name"].as_str().unwrap().to_string())
            .collect()
    };
    let default = status(None);
    assert_eq!(default["deadline"], "2026-12-31", "{default}");
    assert_eq!(default["deadline_from_rules"], true);
    assert!(late(&default).is_empty(), "{default}");
    let text = std::fs::read_to_string(root().join("templates/rules.toml")).unwrap();
    let county = dir.path().join("本县标准.toml");
    std::fs::write(
        &county,
        text.replace(r#"year_end = "12-31""#, r#"year_end = "12-20""#),
    )
    .unwrap();
    let own = status(Some(&county));
    assert_eq!(own["deadline"], "2026-12-20", "{own}");
    assert_eq!(
        late(&own),
        ["白马镇"],
        "filled on 12-21, after 12-20: {own}"
    );
    assert!(own["late_by"].as_str().unwrap().contains("填报日期"));
    let shown = Command::cargo_bin("taizhang")
        .unwrap()
        .args(["rules", "--rules"])
        .arg(&county)
        .output()
        .unwrap();
    let shown = String::from_utf8(shown.stdout).unwrap();
    assert!(
        shown.contains("报送截止：摸底 4月15日，年终 12月20日"),
        "{shown}"
    );

    std::fs::write(
        &county,
        text.replace(r#"year_end = "12-31""#, r#"year_end = "13-01""#),
    )
    .unwrap();
    let output = Command::cargo_bin("taizhang")
        .unwrap()
        .arg("rules")
        .arg("--rules")
        .arg(&county)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("截止日期“13-01”不是有效的月-日"),
        "{stderr}"
    );
    assert!(stderr.contains("行"), "names the line: {stderr}");
}

/// The rules' deadline falls in the survey's year: a 年终 round looked at in January is the
/// December before; 02-29 is 02-28 out of leap years; a rules file's deadline outside its
/// round's months is refused.
#[test]
fn the_rules_deadline_falls_in_the_surveys_year() {
    use taizhang::rules::Rules;
    let rules = Rules::embedded();
    let on = |as_of: &str, stage| {
        Expectation::new(None, None, Some(date(as_of))).deadline_for(stage, &rules)
    };
    assert_eq!(on("2027-01-05", SurveyStage::YearEnd), date("2026-12-31"));
    assert_eq!(on("2026-12-20", SurveyStage::YearEnd), date("2026-12-31"));
    assert_eq!(on("2027-01-05", SurveyStage::Baseline), date("2027-04-15"));
    let given = Expectation::new(None, Some(date("2027-01-10")), Some(date("2027-01-05")));
    assert_eq!(
        given.deadline_for(SurveyStage::YearEnd, &rules),
        date("2027-01-10")
    );

    let dir = temp_dir();
    let text = std::fs::read_to_string(root().join("templates/rules.toml")).unwrap();
    let write = |from: &str, to: &str| {
        let path = dir.path().join("标准.toml");
        std::fs::write(&path, text.replace(from, to)).unwrap();
        Rules::load(&path)
    };
    let leap = write(r#"baseline = "04-15""#, r#"baseline = "02-29""#).unwrap();
    let due = Expectation::new(None, None, Some(date("2027-01-05")))
        .deadline_for(SurveyStage::Baseline, &leap);
    assert_eq!(due, date("2027-02-28"));
    let error = write(r#"year_end = "12-31""#, r#"year_end = "01-10""#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("年终的截止日期应在 7–12 月之间"), "{error}");
}
