//! The roster (花名册): reading .xlsx and CSV in every encoding Excel writes, refusing a bad
//! roster with the row named; attributing returned files to its units; choosing among
//! resubmissions; organizations two units both claim.

use crate::support::{root, temp_dir};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use taizhang::attribution::Placement;
use taizhang::attribution::{self, Owner, Via};
use taizhang::builder::FormBuilder;
use taizhang::check::{check_file, CheckOptions, FileReport};
use taizhang::ledger::model::FileStatus;
use taizhang::ledger::{Ledger, LedgerOptions};
use taizhang::roster::{Roster, RosterError, UnitKind};
use taizhang::status::Expectation;
use taizhang::Code;

const CSV: &str = "单位代码,单位名称,单位类别,联系人,联系电话\n\
511101001,白马镇,乡镇,张丽,13808310003\n\
511101004,龙泉镇,镇,刘洋,\n\
511101002,城关街道,街道,,\n\
511101101,青山县教育局,县级部门,胡军,0831-2345101\n";

/// A four-unit roster as CSV in `dir`; 白马镇 has [`FormBuilder`]'s default code.
pub fn small_roster(dir: &Path) -> Roster {
    let path = dir.join("花名册.csv");
    std::fs::write(&path, CSV).unwrap();
    Roster::load(&path).unwrap()
}

fn codes(roster: &Roster) -> Vec<&str> {
    roster.units.iter().map(|u| u.code.as_str()).collect()
}

fn load_csv(dir: &Path, bytes: &[u8]) -> Result<Roster, RosterError> {
    let path = dir.join("roster.csv");
    std::fs::write(&path, bytes).unwrap();
    Roster::load(&path)
}

#[test]
fn sample_roster_reads_every_column() {
    let roster = Roster::load(&root().join("samples/roster.xlsx")).unwrap();
    assert_eq!(roster.units.len(), 14);
    let first = &roster.units[0];
    assert_eq!(
        (first.code.as_str(), first.name.as_str(), first.kind),
        ("511101001", "城关街道", UnitKind::Street)
    );
    assert_eq!(first.contact.as_deref(), Some("李娜"));
    assert_eq!(first.row, 2);
    assert_eq!(roster.units[13].kind, UnitKind::Department);
}

#[test]
fn sample_roster_matches_the_samples() {
    let roster = Roster::load(&root().join("samples/roster.xlsx")).unwrap();
    let mut reports: Vec<FileReport> = crate::samples::sample_files()
        .iter()
        .map(|p| check_file(p, &CheckOptions::default()))
        .collect();
    let placements = attribution::attribute(&mut reports, Some(&roster));
    let mut owned: Vec<u32> = placements
        .iter()
        .map(|p| match p.owner {
            Owner::Roster(i) => i,
            ref other => panic!("unattributed: {other:?}"),
        })
        .collect();
    assert!(placements.iter().all(|p| p.via == Some(Via::Code)));
    owned.sort();
    assert_eq!(owned, (0..14).collect::<Vec<_>>());
}

#[test]
fn csv_in_utf8_with_bom_and_gbk_reads_alike() {
    let dir = temp_dir();
    let plain = load_csv(dir.path(), CSV.as_bytes()).unwrap();
    let bom = load_csv(dir.path(), &[b"\xEF\xBB\xBF", CSV.as_bytes()].concat()).unwrap();
    let (gbk, _, lossy) = encoding_rs::GBK.encode(CSV);
    assert!(!lossy);
    let gbk = load_csv(dir.path(), &gbk).unwrap();
    assert_eq!(plain.units, bom.units);
    assert_eq!(plain.units, gbk.units);
    assert_eq!(
        codes(&plain),
        ["511101001", "511101004", "511101002", "511101101"]
    );
    assert_eq!(plain.units[1].kind, UnitKind::Township, "镇 means 乡镇");
    assert_eq!(plain.units[1].phone, None);
}

#[test]
fn csv_columns_found_by_header_under_a_title_row() {
    let dir = temp_dir();
    let text = "青山县报送单位花名册,,\n\
                单位名称,单位类别,单位代码（9位）\n\
                白马镇 , 乡镇 ,５１１１０１００３\n\
                ,,\n\
                城关街道,街道,511101001\n";
    let roster = load_csv(dir.path(), text.as_bytes()).unwrap();
    assert_eq!(codes(&roster), ["511101003", "511101001"]);
    assert_eq!(roster.units[0].name, "白马镇");
    assert_eq!(roster.units[1].row, 5);
}

#[test]
fn csv_in_no_known_encoding_is_refused_with_a_hint() {
    let dir = temp_dir();
    let err = load_csv(dir.path(), b"\xc4\xe3\xff\xff,\xfe\n").unwrap_err();
    assert!(matches!(err, RosterError::Encoding { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("编码") && message.contains("CSV UTF-8"),
        "{message}"
    );
}

/// A roster with several bad rows says every one, with its row, in row order: the clerk fixes
/// them in one go instead of one run per mistake.
#[test]
fn a_roster_with_several_bad_rows_lists_every_problem() {
    let dir = temp_dir();
    let body = "单位代码,单位名称,单位类别\n\
                511101001,白马镇,乡镇\n\
                ,龙泉镇,乡镇\n\
                511101003,白马镇,乡镇\n\
                511101004,青山镇,村\n\
                511101001,金竹乡,乡镇\n";
    let err = load_csv(dir.path(), body.as_bytes()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("有 4 处问题"), "{text}");
    let expected = [
        "第 3 行：单位代码为空（单位名称“龙泉镇”）",
        "第 4 行：单位名称“白马镇”与第 2 行重复",
        "第 5 行：单位类别“村”不正确",
        "第 6 行：单位代码“511101001”与第 2 行重复",
    ];
    let at: Vec<usize> = expected
        .iter()
        .map(|e| text.find(e).unwrap_or_else(|| panic!("{e} not in {text}")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "in row order: {text}");
    assert_eq!(text.lines().count(), 5, "{text}");
}

#[test]
fn bad_rosters_name_the_row() {
    let dir = temp_dir();
    let head = "单位代码,单位名称,单位类别\n";
    let cases = [
        (
            "511101003,白马镇,乡镇\n511101003,龙泉镇,乡镇\n",
            "第 3 行：单位代码“511101003”与第 2 行重复",
        ),
        (
            "511101003,白马镇,乡镇\n511101004,白马镇,乡镇\n",
            "第 3 行：单位名称“白马镇”与第 2 行重复",
        ),
        (
            "511101003,白马镇,乡镇\n,龙泉镇,乡镇\n",
            "第 3 行：单位代码为空（单位名称“龙泉镇”）",
        ),
        ("511101003,白马镇,村\n", "第 2 行：单位类别“村”不正确"),
    ];
    for (body, expected) in cases {
        let err = load_csv(dir.path(), format!("{head}{body}").as_bytes()).unwrap_err();
        assert!(err.to_string().contains(expected), "{err} / {expected}");
    }
    let err = load_csv(dir.path(), "代码,名称\n1,2\n".as_bytes()).unwrap_err();
    assert!(matches!(err, RosterError::NoHeader { .. }), "{err:?}");
    let docx = dir.path().join("花名册.docx");
    std::fs::write(&docx, b"PK").unwrap();
    let err = Roster::load(&docx).unwrap_err();
    assert!(err.to_string().contains(".xlsx 或 .csv"), "{err}");
    let err = Roster::load(&dir.path().join("没有.xlsx")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("找不到花名册 {}", dir.path().join("没有.xlsx").display())
    );
}

// ---- attribution ----

fn write(dir: &Path, name: &str, form: FormBuilder) -> PathBuf {
    form.write(dir.join(name)).unwrap()
}

fn attribute(roster: &Roster, paths: &[PathBuf]) -> (Vec<FileReport>, attribution::Placements) {
    let mut reports: Vec<FileReport> = paths
        .iter()
        .map(|p| check_file(p, &CheckOptions::default()))
        .collect();
    let placements = attribution::attribute(&mut reports, Some(roster));
    (reports, placements)
}

fn codes_of(report: &FileReport) -> Vec<Code> {
    report.issues().iter().map(|i| i.code).collect()
}

#[test]
fn a_file_is_tied_by_code_then_name_then_file_name() {
    let dir = temp_dir();
    let roster = small_roster(dir.path());
    let by_code = write(
        dir.path(),
        "a.xlsx",
        FormBuilder::new().code("511101001").unit("随便").orgs(1),
    );
    let by_name = write(
        dir.path(),
        "b.xlsx",
        FormBuilder::new().code("").unit("龙泉镇").orgs(1),
    );
    let by_party_name = write(
        dir.path(),
        "c.xlsx",
        FormBuilder::new()
            .code("")
            .unit("中共城关街道工作委员会")
            .orgs(1),
    );
    let by_file = write(
        dir.path(),
        "511101101_青山县教育局_摸底调查表.xlsx",
        FormBuilder::new().code("").unit("").orgs(1),
    );
    let (reports, placements) = attribute(&roster, &[by_code, by_name, by_party_name, by_file]);
    let got: Vec<(Owner, Option<Via>)> = placements.iter().map(|p| (p.owner, p.via)).collect();
    assert_eq!(
        got,
        [
            (Owner::Roster(0), Some(Via::Code)),
            (Owner::Roster(1), Some(Via::Name)),
            (Owner::Roster(2), Some(Via::Name)),
            (Owner::Roster(3), Some(Via::FileName)),
        ]
    );
    assert!(!codes_of(&reports[0]).contains(&Code::UnitCodeNotInRoster));
}

#[test]
fn a_wrong_code_with_a_known_name_is_tied_by_name_with_a_warning() {
    let dir = temp_dir();
    let roster = small_roster(dir.path());
    let path = write(
        dir.path(),
        "x.xlsx",
        FormBuilder::new().code("511101999").unit("白马镇").orgs(1),
    );
    let (reports, placements) = attribute(&roster, &[path]);
    assert_eq!(placements[0].owner, Owner::Roster(0));
    let issue = reports[0]
        .issues()
        .iter()
        .find(|i| i.code == Code::UnitCodeNotInRoster)
        .unwrap();
    assert!(
        issue.message.contains("511101999") && issue.message.contains("511101001"),
        "{}",
        issue.message
    );
}

#[test]
fn a_file_of_no_unit_or_of_two_units_is_reported_not_assigned() {
    let dir = temp_dir();
    let roster = small_roster(dir.path());
    let stranger = write(
        dir.path(),
        "x.xlsx",
        FormBuilder::new().code("511101099").unit("白云镇").orgs(1),
    );
    let torn = write(
        dir.path(),
        "y.xlsx",
        FormBuilder::new().code("511101001").unit("龙泉镇").orgs(1),
    );
    let (reports, placements) = attribute(&roster, &[stranger, torn]);
    assert!(placements
        .iter()
        .all(|p| matches!(p.owner, Owner::Unlisted(_))));
    assert!(codes_of(&reports[0]).contains(&Code::UnitNotInRoster));
    let conflict = reports[1]
        .issues()
        .iter()
        .find(|i| i.code == Code::UnitConflict)
        .unwrap();
    assert!(
        conflict.message.contains("白马镇（511101001）")
            && conflict.message.contains("龙泉镇（511101004）")
    );
    assert_eq!(conflict.sheet, "单位信息");
}

fn set_mtime(path: &Path, secs_after_epoch: u64) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(secs_after_epoch))
        .unwrap();
}

#[test]
fn the_latest_filled_date_wins_then_the_latest_modification() {
    let dir = temp_dir();
    let roster = small_roster(dir.path());
    let newer = write(
        dir.path(),
        "a白马镇.xlsx",
        FormBuilder::new().filled_on("2026-04-12").orgs(2),
    );
    let older = write(
        dir.path(),
        "b白马镇.xlsx",
        FormBuilder::new().filled_on("2026-04-10").orgs(3),
    );
    set_mtime(&newer, 1_000);
    set_mtime(&older, 2_000);
    let (_, placements) = attribute(&roster, &[newer.clone(), older.clone()]);
    assert_eq!(placements[0].superseded_by(), None);
    assert_eq!(placements[1].superseded_by(), Some(0));

    let same_day = write(
        dir.path(),
        "c白马镇.xlsx",
        FormBuilder::new().filled_on("2026-04-12").orgs(1),
    );
    set_mtime(&same_day, 3_000);
    let (_, placements) = attribute(&roster, &[newer, older, same_day]);
    let superseded: Vec<Option<u32>> = placements.iter().map(|p| p.superseded_by()).collect();
    assert_eq!(superseded, [Some(2), Some(2), None]);
}

#[test]
fn superseded_files_are_listed_and_never_merged_into_the_ledger() {
    let dir = temp_dir();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    let roster = small_roster(dir.path());
    write(
        &inbox,
        "白马镇.xlsx",
        FormBuilder::new().filled_on("2026-04-10").orgs(3),
    );
    write(
        &inbox,
        "白马镇（修改后）.xlsx",
        FormBuilder::new().filled_on("2026-04-13").orgs(2),
    );
    let (ledger, files) = collected_at(&inbox, Expectation::new(Some(roster), None, None));
    assert_eq!(ledger.county.organizations(), 2);
    assert_eq!(files.len(), 1);
    let lines = ledger.files.lines().to_vec();
    let old = lines.iter().find(|f| f.path == "白马镇.xlsx").unwrap();
    assert_eq!(
        old.status,
        FileStatus::Superseded("白马镇（修改后）.xlsx".into())
    );
    assert_eq!(old.status.label(), "已被替代");
    assert!(
        old.detail.contains("已被 白马镇（修改后）.xlsx 替代"),
        "{}",
        old.detail
    );
    let summary = taizhang::ledger::summarize(&ledger, Path::new("台账.xlsx"));
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(json["files"]["superseded"], 1);
    assert_eq!(json["files"]["read"], 1);
}

#[test]
fn without_a_roster_resubmissions_are_chosen_per_unit_code() {
    let dir = temp_dir();
    write(
        dir.path(),
        "1.xlsx",
        FormBuilder::new().filled_on("2026-04-10").orgs(3),
    );
    write(
        dir.path(),
        "2.xlsx",
        FormBuilder::new().code("").filled_on("2026-04-11").orgs(1),
    );
    write(
        dir.path(),
        "3.xlsx",
        FormBuilder::new().unit("龙泉镇").code("511101004").orgs(4),
    );
    let ledger = ledger_of(dir.path(), None);
    let names: Vec<String> = ledger.units.iter().map(|u| u.name).collect();
    assert_eq!(names, ["白马镇", "龙泉镇"]);
    assert_eq!(ledger.county.organizations(), 5);
    assert_eq!(ledger.superseded_files(), 1);
}

pub fn ledger_of(inbox: &Path, roster: Option<Roster>) -> Ledger<'static> {
    ledger_at(inbox, Expectation::new(roster, None, None))
}

pub fn ledger_at(inbox: &Path, expect: Expectation) -> Ledger<'static> {
    collected_at(inbox, expect).0
}

/// The ledger of `inbox` and every report handed over, with its placement.
pub fn collected_at(
    inbox: &Path,
    expect: Expectation,
) -> (Ledger<'static>, Vec<(FileReport, Placement)>) {
    static OPTIONS: std::sync::OnceLock<LedgerOptions> = std::sync::OnceLock::new();
    let options = OPTIONS.get_or_init(LedgerOptions::default);
    let (ledger, files) = crate::support::ledger_run(inbox, None, options, &expect);
    // `status` runs the pipeline with nothing kept: the same 报送情况.
    let status = taizhang::ledger::status(inbox, options, &expect, &|_| {}).unwrap();
    assert_eq!(
        serde_json::to_value(&status).unwrap(),
        serde_json::to_value(&ledger.status).unwrap(),
        "`status` gives the ledger's 报送情况"
    );
    (ledger, files)
}

// ---- organizations claimed by two units ----

#[test]
fn the_same_org_code_in_two_units_is_an_error_on_both() {
    let dir = temp_dir();
    let roster = small_roster(dir.path());
    let a = write(
        dir.path(),
        "白马镇.xlsx",
        FormBuilder::new().org(|o| o.code("X0001")).orgs(1),
    );
    let b = write(
        dir.path(),
        "龙泉镇.xlsx",
        FormBuilder::new()
            .unit("龙泉镇")
            .code("511101004")
            .orgs(1)
            .org(|o| o.code("x0001")),
    );
    let (reports, _) = attribute(&roster, &[a, b]);
    let shared: Vec<_> = reports
        .iter()
        .map(|r| {
            r.issues()
                .iter()
                .filter(|i| i.code == Code::OrgCodeInOtherUnit)
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(shared[0].len(), 1);
    assert_eq!(shared[1].len(), 1);
    assert!(
        shared[0][0]
            .message
            .contains("龙泉镇（龙泉镇.xlsx 第 5 行）"),
        "{}",
        shared[0][0].message
    );
    assert_eq!(shared[1][0].cell.as_deref(), Some("C5"));
}

#[test]
fn the_same_org_name_in_two_units_is_a_warning_unless_codes_differ() {
    let dir = temp_dir();
    let roster = small_roster(dir.path());
    let a = write(
        dir.path(),
        "白马镇.xlsx",
        FormBuilder::new().org(|o| o.name("青山县联合党支部").code("")),
    );
    let b = write(
        dir.path(),
        "龙泉镇.xlsx",
        FormBuilder::new()
            .unit("龙泉镇")
            .code("511101004")
            .org(|o| o.name("青山县 联合党支部").code("")),
    );
    let (reports, _) = attribute(&roster, &[a.clone(), b.clone()]);
    for report in &reports {
        assert!(
            codes_of(report).contains(&Code::OrgNameInOtherUnit),
            "{:?}",
            codes_of(report)
        );
    }
    let a = write(
        dir.path(),
        "白马镇.xlsx",
        FormBuilder::new().org(|o| o.name("机关党支部").code("A1")),
    );
    let b = write(
        dir.path(),
        "龙泉镇.xlsx",
        FormBuilder::new()
            .unit("龙泉镇")
            .code("511101004")
            .org(|o| o.name("机关党支部").code("B1")),
    );
    let (reports, _) = attribute(&roster, &[a, b]);
    for report in &reports {
        assert!(!codes_of(report).contains(&Code::OrgNameInOtherUnit));
    }
}

/// A return of a unit the roster does not name is described one way: listed under its own
/// heading below 汇总's 合计, not added into it, and the terminal, the JSON and 报送情况 say
/// how many returns were left out and why; `--count-unlisted` counts it in.
#[test]
fn units_outside_the_roster_are_listed_apart_and_left_out_of_the_total() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件");
    std::fs::create_dir(&inbox).unwrap();
    small_roster(dir.path());
    let roster = dir.path().join("花名册.csv");
    FormBuilder::new()
        .orgs(3)
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    FormBuilder::new()
        .unit("桃源乡")
        .code("511101099")
        .orgs(2)
        .write(inbox.join("桃源乡.xlsx"))
        .unwrap();
    let run = |extra: &[&str]| {
        let out = dir.path().join("台账.xlsx");
        let output = assert_cmd::Command::cargo_bin("taizhang")
            .unwrap()
            .arg("ledger")
            .arg(&inbox)
            .arg("-o")
            .arg(&out)
            .arg("--roster")
            .arg(&roster)
            .args(["--force", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
        use calamine::Reader;
        let range = book.worksheet_range("汇总").unwrap();
        // 单位代码, or a heading; the 合计 rows' name stands in 单位名称.
        let rows: Vec<String> = (range.rows())
            .map(|r| match r[0].to_string() {
                code if code.is_empty() => r.get(1).map(ToString::to_string).unwrap_or_default(),
                code => code,
            })
            .collect();
        (json, rows[1].clone(), rows)
    };

    let (json, note, rows) = run(&[]);
    assert_eq!(json["organizations"], 3, "only the roster's units: {json}");
    assert_eq!(json["outside_roster"]["units"], 1, "{json}");
    assert_eq!(json["outside_roster"]["organizations"], 2, "{json}");
    assert!(note.contains("另有花名册以外的单位 1 个（1 份报表、2 个党组织），未计入合计"));
    let total = rows.iter().position(|r| r == "合计").unwrap();
    let outside = rows.iter().position(|r| r == "511101099").unwrap();
    assert!(outside > total, "below the 合计: {rows:?}");
    let heading = &rows[outside - 1];
    assert!(heading.starts_with("花名册以外的单位 1 个"), "{rows:?}");
    assert!(rows.contains(&"花名册以外合计".to_string()), "{rows:?}");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(dir.path().join("台账.xlsx")).unwrap();
    let coverage = calamine::Reader::worksheet_range(&mut book, "两新覆盖").unwrap();
    let names: Vec<String> = coverage.rows().map(|r| r[0].to_string()).collect();
    let (total, outside) = (
        names.iter().position(|n| n == "合计").unwrap(),
        names.iter().position(|n| n == "桃源乡").unwrap(),
    );
    assert!(outside > total, "两新覆盖 keeps them apart too: {names:?}");

    let (json, note, rows) = run(&["--count-unlisted"]);
    assert_eq!(json["organizations"], 5, "{json}");
    assert!(json.get("outside_roster").is_none(), "{json}");
    assert!(note.contains("含花名册以外的单位 1 个"), "{note}");
    let total = rows.iter().position(|r| r == "合计").unwrap();
    let outside = rows.iter().position(|r| r == "511101099").unwrap();
    assert!(outside < total, "counted above the 合计: {rows:?}");

    let status = assert_cmd::Command::cargo_bin("taizhang")
        .unwrap()
        .arg("status")
        .arg(&inbox)
        .arg("--roster")
        .arg(&roster)
        .output()
        .unwrap();
    let text = String::from_utf8(status.stdout).unwrap();
    assert!(
        text.contains("花名册以外的报表 1 份（未计入任何单位）"),
        "{text}"
    );
    assert!(text.contains("花名册以外：桃源乡.xlsx"), "{text}");
}
