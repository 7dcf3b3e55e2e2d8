//! 晋位升级: outcomes, matching, ledgers read back, the four-grade scheme, the JSON contract.

use crate::support::temp_dir;
use assert_cmd::Command;
use std::path::{Path, PathBuf};
use taizhang::builder::{Cell, FormBuilder, OrgRow};
use taizhang::check::CheckOptions;
use taizhang::ledger::LedgerOptions;
use taizhang::read::Limits;
use taizhang::rules::{Rules, FOUR_GRADE_TOML};
use taizhang::schema::org;
use taizhang::upgrade::readback::read_ledger;
use taizhang::upgrade::{self, Outcome, Upgrade, UpgradeOptions};
use taizhang::Code;

// ---- building forms ----

fn unit(stage: &str) -> FormBuilder {
    FormBuilder::new()
        .unit("白马镇")
        .code("511101001")
        .stage(stage)
        .filled_on(Cell::date(2026, if stage == "年终" { 12 } else { 4 }, 10))
}

/// 优秀 under the embedded rules (100 points); 好 under the four-grade scheme.
fn excellent(o: OrgRow) -> OrgRow {
    o
}

/// 78 points: 一般 (four-grade: 一般).
fn average(o: OrgRow) -> OrgRow {
    o.satisfaction(75).on_time_election("否").self_tier("一般")
}

/// 88 points: 优秀 (four-grade: 较好).
fn good(o: OrgRow) -> OrgRow {
    o.satisfaction(75)
}

/// Secretary vacant: a veto, 后进.
fn lagging(o: OrgRow) -> OrgRow {
    o.vacant_secretary()
        .self_tier("后进")
        .target_tier("一般")
        .plan("书记空缺", "选派书记", Cell::date(2026, 12, 31))
}

fn named(
    name: &str,
    code: Option<&str>,
    tier: fn(OrgRow) -> OrgRow,
) -> impl FnOnce(OrgRow) -> OrgRow {
    let name = name.to_string();
    let code = code.map(str::to_string);
    move |o| {
        let o = tier(o.name(name));
        match code {
            Some(c) => o.code(c),
            None => o,
        }
    }
}

/// A folder holding the forms.
fn folder(forms: &[(&str, &FormBuilder)]) -> tempfile::TempDir {
    let dir = temp_dir();
    for (file, form) in forms {
        form.write(dir.path().join(file)).expect("form written");
    }
    dir
}

fn options(rules: Rules) -> UpgradeOptions {
    UpgradeOptions {
        check: CheckOptions {
            rules,
            ..CheckOptions::default()
        },
        roster: None,
        ..UpgradeOptions::default()
    }
}

fn compare_with(base: &Path, fin: &Path, rules: Rules) -> Upgrade {
    upgrade::compare(base, fin, &options(rules), &[]).expect("compared")
}

fn compare(base: &FormBuilder, fin: &FormBuilder) -> Upgrade {
    let b = folder(&[("白马镇.xlsx", base)]);
    let f = folder(&[("白马镇.xlsx", fin)]);
    compare_with(b.path(), f.path(), Rules::embedded())
}

/// The outcome of the organization called `name` (its year-end name when it has one).
fn outcome_of(up: &Upgrade, name: &str) -> Outcome {
    let rows: Vec<_> = up
        .evaluation
        .rows
        .iter()
        .filter(|r| {
            let side =
                |i: Option<usize>, orgs: &[upgrade::RatedOrg]| i.map(|i| orgs[i].name.clone());
            side(r.link.year_end, &up.year_end.orgs).or(side(r.link.baseline, &up.baseline.orgs))
                == Some(name.to_string())
        })
        .collect();
    assert_eq!(rows.len(), 1, "one row for {name}");
    rows[0].outcome
}

fn codes(up: &Upgrade) -> Vec<Code> {
    up.issues().map(|i| i.issue.code).collect()
}

/// Write a ledger of `inbox` to `out`, as `taizhang ledger` does.
fn write_ledger(inbox: &Path, out: &Path, rules: &Rules) -> Vec<taizhang::check::FileReport> {
    let options = LedgerOptions {
        check: CheckOptions {
            rules: rules.clone(),
            ..CheckOptions::default()
        },
        exclude: vec![out.to_path_buf()],
        ..LedgerOptions::default()
    };
    let expect = taizhang::status::Expectation::new(None, None, None);
    let (_, files) = crate::support::ledger_run(inbox, Some(out), &options, &expect);
    files.into_iter().map(|(r, _)| r).collect()
}

// ---- outcomes ----

fn every_outcome() -> (FormBuilder, FormBuilder) {
    let base = unit("摸底")
        .org(named("甲村党支部", Some("A1"), excellent))
        .org(named("乙村党支部", Some("A2"), average))
        .org(named("丙村党支部", Some("A3"), lagging))
        .org(named("丁村党支部", Some("A4"), excellent))
        .org(named("戊村党支部", Some("A5"), average));
    let fin = unit("年终")
        .org(named("甲村党支部", Some("A1"), excellent))
        .org(named("乙村党支部", Some("A2"), excellent))
        .org(named("丙村党支部", Some("A3"), average))
        .org(named("丁村党支部", Some("A4"), average))
        .org(named("己村党支部", Some("A6"), excellent));
    (base, fin)
}

#[test]
fn each_outcome_is_recognized() {
    let (base, fin) = every_outcome();
    let up = compare(&base, &fin);
    assert_eq!(outcome_of(&up, "甲村党支部"), Outcome::Kept);
    assert_eq!(outcome_of(&up, "乙村党支部"), Outcome::Promoted);
    assert_eq!(outcome_of(&up, "丙村党支部"), Outcome::Promoted);
    assert_eq!(outcome_of(&up, "丁村党支部"), Outcome::Demoted);
    assert_eq!(outcome_of(&up, "戊村党支部"), Outcome::Unrated);
    assert_eq!(outcome_of(&up, "己村党支部"), Outcome::New);
    assert!(codes(&up).contains(&Code::NotReRated));
    let county = &up.evaluation.county;
    assert_eq!(county.matched(), 4);
    assert_eq!(county.laggard_conversion(), Some(1.0));
    // 争创目标: 甲 优秀 met, 乙 优秀 met, 丙 一般 met, 丁 优秀 not, 戊 未复评 not.
    assert_eq!((county.targets_met, county.targets), (3, 5));
}

#[test]
fn a_pending_tier_on_either_side_is_its_own_case() {
    let base = unit("摸底")
        .org(named("甲村党支部", None, lagging))
        .org(named("乙村党支部", None, |o| {
            o.members(Cell::text("若干"))
        }));
    let fin = unit("年终")
        .org(named("甲村党支部", None, |o| {
            o.satisfaction(Cell::Empty)
        }))
        .org(named("乙村党支部", None, excellent));
    let up = compare(&base, &fin);
    assert_eq!(outcome_of(&up, "甲村党支部"), Outcome::Pending);
    assert_eq!(outcome_of(&up, "乙村党支部"), Outcome::Pending);
    let summary = upgrade::summarize(&up);
    assert_eq!(summary.matched, 2);
    // Counted as 待定, in none of RULES.md's five; the JSON says so as the text does.
    let count = |label: &str| summary.outcomes[label].as_u64();
    assert_eq!(count("待定"), Some(2));
    let others = ["晋位", "保持", "降位", "新增", "未复评", "无法匹配"];
    assert!(
        others.iter().all(|o| count(o) == Some(0)),
        "{:?}",
        summary.outcomes
    );
    // A 后进 whose year-end tier is pending is not converted.
    assert_eq!(summary.laggard_conversion, Some(0.0));
}

#[test]
fn a_unit_without_a_year_end_return_is_one_error_and_all_unrated() {
    let base = unit("摸底").org(named("甲村党支部", None, excellent));
    let other =
        unit("年终")
            .unit("龙泉镇")
            .code("511101004")
            .org(named("龙泉村党支部", None, excellent));
    let up = compare(&base, &other);
    assert_eq!(outcome_of(&up, "甲村党支部"), Outcome::Unrated);
    assert_eq!(outcome_of(&up, "龙泉村党支部"), Outcome::New);
    let c = codes(&up);
    assert!(c.contains(&Code::UnitNotReturned));
    assert!(!c.contains(&Code::NotReRated), "{c:?}");
}

// ---- matching ----

#[test]
fn matching_by_code_ignores_order() {
    let base = unit("摸底")
        .org(named("甲村党支部", Some("A1"), lagging))
        .org(named("乙村党支部", Some("A2"), excellent));
    let fin = unit("年终")
        .org(named("乙村党支部", Some("A2"), excellent))
        .org(named("甲村党支部", Some("A1"), excellent));
    let up = compare(&base, &fin);
    assert_eq!(outcome_of(&up, "甲村党支部"), Outcome::Promoted);
    assert_eq!(outcome_of(&up, "乙村党支部"), Outcome::Kept);
    assert!(up.matching.issues.is_empty());
}

#[test]
fn matching_by_normalized_name_when_a_side_has_no_code() {
    let base = unit("摸底").org(named("甲村 党支部", Some("A1"), lagging));
    let fin = unit("年终").org(named("甲村党支部", None, excellent));
    let up = compare(&base, &fin);
    assert_eq!(up.evaluation.county.count(Outcome::Promoted), 1);
    assert_eq!(up.evaluation.county.matched(), 1);
}

#[test]
fn a_rename_with_the_same_code_is_one_organization() {
    let base = unit("摸底").org(named("甲村党支部", Some("A1"), lagging));
    let fin = unit("年终").org(named("甲社区党支部", Some("A1"), excellent));
    let up = compare(&base, &fin);
    assert_eq!(outcome_of(&up, "甲社区党支部"), Outcome::Promoted);
    assert!(up.evaluation.rows[0].link.renamed);
    let renamed: Vec<_> = up
        .issues()
        .filter(|i| i.issue.code == Code::OrgRenamed)
        .collect();
    assert_eq!(renamed.len(), 1);
    assert!(renamed[0].issue.message.contains("甲村党支部"));
    assert!(renamed[0].issue.message.contains("甲社区党支部"));
}

#[test]
fn same_name_with_different_codes_is_two_organizations() {
    let base = unit("摸底").org(named("甲村党支部", Some("A1"), excellent));
    let fin = unit("年终").org(named("甲村党支部", Some("B1"), excellent));
    let up = compare(&base, &fin);
    assert_eq!(up.evaluation.county.count(Outcome::Unrated), 1);
    assert_eq!(up.evaluation.county.count(Outcome::New), 1);
    assert!(codes(&up).contains(&Code::CodeDiffersSameName));
}

#[test]
fn two_candidates_are_an_issue_not_a_guess() {
    let base = unit("摸底").org(named("甲村党支部", None, lagging));
    let fin = unit("年终")
        .org(named("甲村党支部", None, excellent))
        .org(named("甲村党支部", None, average));
    let up = compare(&base, &fin);
    let county = &up.evaluation.county;
    assert_eq!(county.count(Outcome::Ambiguous), 3);
    assert_eq!(county.matched(), 0);
    assert_eq!(upgrade::summarize(&up).outcomes["无法匹配"], 3);
    let ambiguous: Vec<_> = up
        .issues()
        .filter(|i| i.issue.code == Code::AmbiguousMatch)
        .collect();
    assert_eq!(ambiguous.len(), 1);
    assert!(
        ambiguous[0].issue.message.contains("年终 白马镇.xlsx"),
        "{}",
        ambiguous[0].issue.message
    );
}

#[test]
fn a_stage_mismatch_is_a_warning_naming_the_file() {
    let (base, fin) = every_outcome();
    let b = folder(&[("白马镇摸底.xlsx", &base.stage("年终"))]);
    let f = folder(&[("白马镇年终.xlsx", &fin.stage("摸底"))]);
    let up = compare_with(b.path(), f.path(), Rules::embedded());
    let stage: Vec<String> = up
        .issues()
        .filter(|i| i.issue.code == Code::StageMismatch)
        .map(|i| i.issue.message.clone())
        .collect();
    assert_eq!(stage.len(), 2, "{stage:?}");
    assert!(stage[0].contains("白马镇摸底.xlsx"));
    assert!(stage[1].contains("白马镇年终.xlsx"));
}

// ---- ledgers ----

fn varied() -> FormBuilder {
    unit("摸底")
        .org(named("甲村党支部", Some("00123"), |o| {
            o.funding(2.5).venue(35.5).satisfaction(Cell::text("88%"))
        }))
        .org(named("乙村党支部", None, lagging))
        .org(named("丙村党支部", Some("A3"), |o| {
            o.members(Cell::text("若干"))
        }))
        .org(named("丁村党支部", Some("A4"), |o| {
            average(o)
                .development("中")
                .remarks("2026年3月完成换届")
                .probationary(Cell::Empty)
        }))
}

#[test]
fn a_ledger_reads_back_exactly_what_went_into_it() {
    let rules = Rules::embedded();
    let inbox = folder(&[
        ("白马镇.xlsx", &varied()),
        ("龙泉镇.xlsx", &varied().unit("龙泉镇").code("511101004")),
    ]);
    let out = temp_dir();
    let path = out.path().join("台账.xlsx");
    let reports = write_ledger(inbox.path(), &path, &rules);
    let back = read_ledger(&path, &rules, &Limits::default()).expect("read back");
    assert!(back.issues.is_empty(), "{:#?}", back.issues);
    let mut i = 0;
    for report in &reports {
        let form = report.form.as_ref().expect("form");
        let file = report
            .path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        for (record, c) in form.organizations.iter().zip(&report.classifications) {
            let got = &back.organizations[i];
            i += 1;
            assert_eq!(got.unit_code, form.unit_code().unwrap());
            assert_eq!(got.unit_name, form.unit_name().unwrap());
            for col in (0..record.values.len()).filter(|c| *c != org::SEQ) {
                assert_eq!(
                    got.record.values[col], record.values[col],
                    "{file} column {col}"
                );
            }
            let points: Vec<_> = c.points.iter().map(|p| p.points).collect();
            assert_eq!(got.points, points);
            assert_eq!(got.total, c.total);
            assert_eq!(got.tier, Some(c.tier));
            assert_eq!(got.trail, c.trail_text());
            assert_eq!(got.source_file, file);
            assert_eq!(got.source_row, record.row + 1);
            assert_eq!(got.record.row, record.row);
            assert_eq!(rules.classify(&got.record), *c, "re-rating gives the same");
        }
    }
    assert_eq!(i, back.organizations.len());
    assert_eq!(i, 8);
}

#[test]
fn folders_and_ledgers_give_the_same_results() {
    let rules = Rules::embedded();
    let (base, fin) = every_outcome();
    let b = folder(&[("白马镇.xlsx", &base)]);
    let f = folder(&[("白马镇.xlsx", &fin)]);
    let out = temp_dir();
    let (bl, fl) = (
        out.path().join("摸底台账.xlsx"),
        out.path().join("年终台账.xlsx"),
    );
    write_ledger(b.path(), &bl, &rules);
    write_ledger(f.path(), &fl, &rules);
    let outcomes = |up: &Upgrade| -> Vec<(String, Outcome)> {
        up.evaluation
            .rows
            .iter()
            .map(|r| {
                let o = r.link.year_end.map(|i| &up.year_end.orgs[i]);
                let o = o.or(r.link.baseline.map(|i| &up.baseline.orgs[i])).unwrap();
                (format!("{} {}", o.name, o.place()), r.outcome)
            })
            .collect()
    };
    let from_folders = compare_with(b.path(), f.path(), rules.clone());
    for (base, fin) in [
        (&bl, &fl),
        (&bl, &f.path().to_path_buf()),
        (&b.path().to_path_buf(), &fl),
    ] {
        let up = compare_with(base, fin, rules.clone());
        assert_eq!(upgrade::summarize(&up), upgrade::summarize(&from_folders));
        assert_eq!(outcomes(&up), outcomes(&from_folders));
        assert!(up.baseline.from_ledger == (base == &bl));
    }
}

#[test]
fn a_file_that_is_not_a_ledger_is_refused() {
    let dir = temp_dir();
    let form = unit("摸底").org(named("甲村党支部", None, excellent));
    let path = form.write(dir.path().join("白马镇.xlsx")).unwrap();
    let err = upgrade::compare(&path, dir.path(), &options(Rules::embedded()), &[]);
    assert!(matches!(err, Err(upgrade::UpgradeError::NotAnInput { .. })));
}

// ---- the four-grade scheme ----

#[test]
fn the_four_grade_scheme_compares_four_tiers() {
    let rules = Rules::from_toml_str(FOUR_GRADE_TOML, "rules-4grade.toml").unwrap();
    assert!(rules.tier_names().len() > 3);
    let base = unit("摸底")
        .org(named("甲村党支部", Some("A1"), good)) // 较好
        .org(named("乙村党支部", Some("A2"), average)) // 一般
        .org(named("丙村党支部", Some("A3"), lagging)) // 较差
        .org(named("丁村党支部", Some("A4"), good));
    let fin = unit("年终")
        .org(named("甲村党支部", Some("A1"), excellent)) // 好: 晋位
        .org(named("乙村党支部", Some("A2"), good)) // 较好: 晋位 within form tier 一般
        .org(named("丙村党支部", Some("A3"), average)) // 一般: converted
        .org(named("丁村党支部", Some("A4"), average)); // 一般: 降位
    let b = folder(&[("白马镇.xlsx", &base)]);
    let f = folder(&[("白马镇.xlsx", &fin)]);
    let up = compare_with(b.path(), f.path(), rules.clone());
    assert_eq!(outcome_of(&up, "甲村党支部"), Outcome::Promoted);
    assert_eq!(outcome_of(&up, "乙村党支部"), Outcome::Promoted);
    assert_eq!(outcome_of(&up, "丙村党支部"), Outcome::Promoted);
    assert_eq!(outcome_of(&up, "丁村党支部"), Outcome::Demoted);
    assert_eq!(up.evaluation.county.laggard_conversion(), Some(1.0));
    let matrix = upgrade::outcome::transitions(&up.evaluation.rows, &rules);
    assert_eq!(matrix.len(), 6);
    assert_eq!(matrix[1][0], 1, "较好 -> 好");
    // The four-grade ledger reads back with its own tier names.
    let out = temp_dir();
    let path = out.path().join("台账.xlsx");
    write_ledger(b.path(), &path, &rules);
    let back = read_ledger(&path, &rules, &Limits::default()).unwrap();
    let names: Vec<&str> = back
        .organizations
        .iter()
        .map(|o| o.tier_name.as_str())
        .collect();
    assert_eq!(names, ["较好", "一般", "较差", "较好"]);
    // Read with the three-tier standard, the tiers are not its own: said, and re-rated.
    let up = compare_with(&path, f.path(), Rules::embedded());
    assert!(codes(&up).contains(&Code::LedgerTierDiffers));
}

// ---- the binary ----

fn taizhang() -> Command {
    Command::cargo_bin("taizhang").unwrap()
}

#[test]
fn the_json_summary_is_the_contract() {
    let (base, fin) = every_outcome();
    let b = folder(&[("白马镇.xlsx", &base)]);
    let f = folder(&[("白马镇.xlsx", &fin)]);
    let out = temp_dir();
    let workbook: PathBuf = out.path().join("升级.xlsx");
    let output = taizhang()
        .args(["upgrade", "--format", "json", "--baseline"])
        .arg(b.path())
        .arg("--final")
        .arg(f.path())
        .arg("-o")
        .arg(&workbook)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let keys = crate::support::json_keys(&json);
    assert_eq!(
        keys,
        [
            "matched",
            "outcomes",
            "laggard_conversion",
            "targets_met",
            "targets_total",
            "development",
            "double_upgrade"
        ]
    );
    assert_eq!(
        json["outcomes"],
        serde_json::json!({"晋位": 2, "保持": 1, "降位": 1, "新增": 1, "未复评": 1, "待定": 0, "无法匹配": 0})
    );
    assert_eq!(json["matched"], 4);
    assert_eq!(json["laggard_conversion"], 1.0);
    assert_eq!(
        (json["targets_met"].as_u64(), json["targets_total"].as_u64()),
        (Some(3), Some(5))
    );
    assert!(workbook.is_file());
    let sheets = calamine_sheets(&workbook);
    assert_eq!(
        sheets[..5],
        [
            "升级汇总",
            "升级明细",
            "降位与未复评",
            "单位考评",
            "校验问题"
        ]
    );
}

#[test]
fn no_baseline_laggard_is_null_and_a_missing_input_exits_2() {
    let base = unit("摸底").org(named("甲村党支部", None, excellent));
    let b = folder(&[("白马镇.xlsx", &base)]);
    let out = temp_dir();
    let workbook = out.path().join("升级.xlsx");
    let output = taizhang()
        .args(["upgrade", "--format", "json", "--baseline"])
        .arg(b.path())
        .arg("--final")
        .arg(b.path())
        .arg("-o")
        .arg(&workbook)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(json["laggard_conversion"].is_null());
    let missing = out.path().join("没有这个文件夹");
    taizhang()
        .args(["upgrade", "--baseline"])
        .arg(&missing)
        .arg("--final")
        .arg(b.path())
        .arg("-o")
        .arg(out.path().join("另一个.xlsx"))
        .assert()
        .code(2);
    assert!(!out.path().join("另一个.xlsx").exists());
}

fn calamine_sheets(path: &Path) -> Vec<String> {
    use calamine::Reader;
    calamine::open_workbook_auto(path)
        .unwrap()
        .sheet_names()
        .to_vec()
}

/// The workbook names its two sides by their folder or file name: a printed copy shows no
/// folder of the machine it was made on.
#[test]
fn the_workbook_names_its_sides_without_absolute_paths() {
    use calamine::{open_workbook, Reader, Xlsx};
    let dir = temp_dir();
    let samples = crate::support::root().join("samples");
    let out = dir.path().join("升级.xlsx");
    let output = Command::cargo_bin("taizhang")
        .unwrap()
        .args(["upgrade", "--baseline"])
        .arg(samples.join("摸底"))
        .arg("--final")
        .arg(samples.join("年终"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let range = book.worksheet_range("升级汇总").unwrap();
    let root = crate::support::root().display().to_string();
    let mut cells = range.cells().map(|(_, _, c)| c.to_string());
    let note = cells.find(|c| c.starts_with("评分标准")).unwrap();
    assert!(
        note.contains("基线：收件文件夹 摸底；年终：收件文件夹 年终"),
        "{note}"
    );
    assert!(range
        .cells()
        .all(|(_, _, c)| !c.to_string().contains(&root)));
}

// ---- 双升级 ----

/// Six organizations, each with its tier and 发展等次 chosen so that every case of 双升级 occurs
/// once: (name, code, baseline tier and 发展等次, year-end tier and 发展等次).
fn both_ways() -> (FormBuilder, FormBuilder) {
    type Tier = fn(OrgRow) -> OrgRow;
    let cases: [(&str, &str, Tier, &str, Tier, &str); 5] = [
        // 一般 → 优秀, 中 → 好: 双升级.
        ("甲村党支部", "A1", average, "中", excellent, "好"),
        // 一般 → 优秀, 中 → 中: 单项晋位.
        ("乙村党支部", "A2", average, "中", excellent, "中"),
        // 优秀 → 优秀, 差 → 中: 单项晋位.
        ("丙村党支部", "A3", excellent, "差", excellent, "中"),
        // 优秀 → 一般, 好 → 差: 均未晋位.
        ("丁村党支部", "A4", excellent, "好", average, "差"),
        // 发展等次 left blank at year end: not compared.
        ("戊村党支部", "A5", excellent, "好", excellent, ""),
    ];
    let dev = |d: &str| {
        if d.is_empty() {
            Cell::Empty
        } else {
            Cell::from(d)
        }
    };
    let (mut base, mut fin) = (unit("摸底"), unit("年终"));
    for (name, code, was, was_dev, is, is_dev) in cases {
        let was_dev = dev(was_dev);
        base = base.org(move |o| named(name, Some(code), was)(o).development(was_dev));
        let is_dev = dev(is_dev);
        fin = fin.org(move |o| named(name, Some(code), is)(o).development(is_dev));
    }
    // New at year end: compared with nothing.
    fin = fin.org(|o| named("己村党支部", Some("A6"), excellent)(o).development("好"));
    (base, fin)
}

#[test]
fn development_is_compared_and_double_upgrades_counted() {
    let (base, fin) = both_ways();
    let up = compare(&base, &fin);
    let row = |name: &str| {
        let at = |r: &&upgrade::Row| {
            let o = r.link.year_end.map(|i| &up.year_end.orgs[i]);
            o.is_some_and(|o| o.name == name)
        };
        up.evaluation.rows.iter().find(at).unwrap().clone()
    };
    let label = |o: Option<Outcome>| o.map(Outcome::label);
    let double = |d: Option<upgrade::Double>| d.map(upgrade::Double::label);
    let expected = [
        ("甲村党支部", Some("晋位"), Some("双升级")),
        ("乙村党支部", Some("保持"), Some("单项晋位")),
        ("丙村党支部", Some("晋位"), Some("单项晋位")),
        ("丁村党支部", Some("降位"), Some("均未晋位")),
        ("戊村党支部", None, None),
        ("己村党支部", None, None),
    ];
    for (name, moved, both) in expected {
        let r = row(name);
        assert_eq!(label(r.development_move), moved, "{name}");
        assert_eq!(double(r.double), both, "{name}");
    }
    assert_eq!(outcome_of(&up, "丁村党支部"), Outcome::Demoted);
    // 戊 had a 发展等次 at baseline and none at year end: W309 names it, nothing else does.
    let blank: Vec<&upgrade::SideIssue> = (up.issues())
        .filter(|i| i.issue.code == Code::DevelopmentNotFilled)
        .collect();
    assert_eq!(blank.len(), 1, "{:?}", codes(&up));
    assert!(
        blank[0].issue.message.contains("戊村党支部"),
        "{}",
        blank[0].issue.message
    );
    assert_eq!(blank[0].file, "白马镇.xlsx");
    let summary = upgrade::summarize(&up);
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(
        json["development"],
        serde_json::json!({"晋位": 2, "保持": 1, "降位": 1})
    );
    assert_eq!(
        json["double_upgrade"],
        serde_json::json!({"双升级": 1, "单项晋位": 2, "均未晋位": 1})
    );
    // Rows 好, 中, 差, 未填 at baseline; columns the same at year end. 己 is new: not counted.
    assert_eq!(
        upgrade::outcome::development_transitions(&up.evaluation.rows),
        [
            [0, 0, 1, 1], // 丁 好 → 差, 戊 好 → 未填
            [1, 1, 0, 0], // 甲 中 → 好, 乙 中 → 中
            [0, 1, 0, 0], // 丙 差 → 中
            [0, 0, 0, 0],
        ]
    );
}

/// The workbook shows the same: the unit's row of 升级汇总, and each row of 升级明细; a ledger
/// read back as the baseline keeps 发展等次.
#[test]
fn the_workbook_shows_double_upgrades_and_ledgers_keep_development() {
    let (base, fin) = both_ways();
    let b = folder(&[("白马镇.xlsx", &base)]);
    let f = folder(&[("白马镇.xlsx", &fin)]);
    let dir = temp_dir();
    let ledger = dir.path().join("摸底台账.xlsx");
    write_ledger(b.path(), &ledger, &Rules::embedded());
    let from_ledger = compare_with(&ledger, f.path(), Rules::embedded());
    let up = compare_with(b.path(), f.path(), Rules::embedded());
    assert_eq!(upgrade::summarize(&from_ledger), upgrade::summarize(&up));
    let out = dir.path().join("升级.xlsx");
    upgrade::write(&up, &out, false).unwrap();
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let summary = book.worksheet_range("升级汇总").unwrap();
    let rows: Vec<Vec<String>> = (summary.rows())
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    let header = rows
        .iter()
        .find(|r| r.contains(&"双升级".to_string()))
        .unwrap();
    let unit = rows
        .iter()
        .find(|r| r.contains(&"白马镇".to_string()))
        .unwrap();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let counts: Vec<&str> = [
        "发展等次晋位",
        "发展等次保持",
        "发展等次降位",
        "双升级",
        "单项晋位",
        "均未晋位",
    ]
    .iter()
    .map(|h| unit[at(h)].as_str())
    .collect();
    assert_eq!(counts, ["2", "1", "1", "1", "2", "1"]);
    let detail = book.worksheet_range("升级明细").unwrap();
    let detail: Vec<Vec<String>> = (detail.rows())
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    let at = |name: &str| detail[0].iter().position(|h| h == name).unwrap();
    let jia = detail
        .iter()
        .find(|r| r[at("党组织名称")] == "甲村党支部")
        .unwrap();
    let shown: Vec<&str> = ["基线发展等次", "年终发展等次", "发展等次变化", "双升级"]
        .iter()
        .map(|h| jia[at(h)].as_str())
        .collect();
    assert_eq!(shown, ["中", "好", "晋位", "双升级"]);
}
