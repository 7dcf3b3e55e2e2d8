//! `template --stage 年终 --baseline 台账 --roster 花名册`: each unit's year-end form lists its
//! organizations of the April ledger, name and code locked, the April tier beside them for
//! reference; filled in, every organization is matched to April by its code.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use taizhang::builder::{Cell, FormBuilder, OrgRow, Sheet};
use taizhang::check::{check_file, CheckOptions};
use taizhang::ledger::LedgerOptions;
use taizhang::schema::{self, org, BASELINE_TIER, ORGANIZATIONS};
use taizhang::upgrade::{self, UpgradeOptions};
use taizhang::Code;

use super::{open, zip_entry};
use crate::support::{file_names, ledger_run, temp_dir};

const ROSTER: &str = "单位代码,单位名称,单位类别\n\
511101001,白马镇,乡镇\n\
511101004,龙泉镇,乡镇\n\
511101002,城关街道,街道\n";

/// First data row (0-based) of 党组织情况: under the two-row header and the title.
const FIRST_ROW: u32 = 3;

fn april(unit: &str, code: &str) -> FormBuilder {
    FormBuilder::new().unit(unit).code(code)
}

fn org(name: &'static str, code: Option<&'static str>) -> impl FnOnce(OrgRow) -> OrgRow {
    move |o| {
        let o = o.name(name);
        match code {
            Some(c) => o.code(c),
            None => o.code(Cell::Empty),
        }
    }
}

/// The April inbox (白马镇 three organizations, one of them 后进 and one without a code;
/// 龙泉镇 two; 城关街道 none), its ledger, and the roster, in one folder.
struct County {
    dir: tempfile::TempDir,
}

impl County {
    fn new() -> County {
        let dir = temp_dir();
        let inbox = dir.path().join("摸底");
        std::fs::create_dir(&inbox).unwrap();
        let baima = april("白马镇", "511101001")
            .org(org("甲村党支部", Some("A1")))
            .org(|o| {
                org("乙村党支部", Some("A2"))(o)
                    .vacant_secretary()
                    .self_tier("后进")
            })
            .org(org("丙村党支部", None));
        let longquan = april("龙泉镇", "511101004")
            .org(org("丁村党支部", Some("B1")))
            .org(org("戊社区党支部", Some("B2")));
        baima.write(inbox.join("白马镇.xlsx")).unwrap();
        longquan.write(inbox.join("龙泉镇.xlsx")).unwrap();
        let ledger = dir.path().join("台账.xlsx");
        let options = LedgerOptions {
            exclude: vec![ledger.clone()],
            ..LedgerOptions::default()
        };
        let expect = taizhang::status::Expectation::new(None, None, None);
        ledger_run(&inbox, Some(&ledger), &options, &expect);
        std::fs::write(dir.path().join("花名册.csv"), ROSTER).unwrap();
        County { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `taizhang template` with the ledger and roster of the county and `args`, into `out`.
    fn template(&self, out: &Path, args: &[&str]) -> std::process::Output {
        assert_cmd::Command::cargo_bin("taizhang")
            .unwrap()
            .arg("template")
            .args(args)
            .arg("-o")
            .arg(out)
            .output()
            .unwrap()
    }

    /// The year-end forms, written into `out`.
    fn year_end_forms(&self, out: &Path) -> Vec<String> {
        let (ledger, roster) = (self.path("台账.xlsx"), self.path("花名册.csv"));
        let args = ["--stage", "年终", "--baseline", ledger.to_str().unwrap()];
        let output = self.template(
            out,
            &[&args[..], &["--roster", roster.to_str().unwrap()]].concat(),
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
        file_names(out)
    }
}

/// The pre-filled rows of 党组织情况: (name, code, reference tier).
fn prefilled_rows(path: &Path) -> Vec<(String, String, String)> {
    let range = open(path).worksheet_range(ORGANIZATIONS.name).unwrap();
    let reference = ORGANIZATIONS.columns.len() as u32;
    let text = |row, col| match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    };
    (FIRST_ROW..)
        .take_while(|&row| !text(row, org::NAME as u32).is_empty())
        .map(|row| {
            let cols = [org::NAME as u32, org::CODE as u32, reference];
            let [name, code, tier] = cols.map(|c| text(row, c));
            (name, code, tier)
        })
        .collect()
}

/// Whether the cell `a1` of the 党组织情况 sheet is written with a locked format.
fn is_locked(path: &Path, a1: &str) -> bool {
    let position = open(path)
        .sheet_names()
        .iter()
        .position(|n| n == ORGANIZATIONS.name)
        .unwrap();
    let sheet = zip_entry(path, &format!("xl/worksheets/sheet{}.xml", position + 1));
    let cell = sheet
        .split(&format!("<c r=\"{a1}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("{a1} is written"));
    let style: usize = cell
        .split_once(" s=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or(0, |(s, _)| s.parse().unwrap());
    let styles = zip_entry(path, "xl/styles.xml");
    let cell_xfs = styles.split("<cellXfs").nth(1).unwrap();
    let xf = cell_xfs.split("<xf ").nth(style + 1).unwrap();
    let xf = xf.split("</xf>").next().unwrap();
    !xf.contains("locked=\"0\"")
}

#[test]
fn each_units_year_end_form_lists_its_april_organizations_locked() {
    let county = County::new();
    let out = temp_dir();
    let names = county.year_end_forms(out.path());
    assert_eq!(
        names,
        [
            "511101001_白马镇_年终复评表.xlsx",
            "511101002_城关街道_年终复评表.xlsx",
            "511101004_龙泉镇_年终复评表.xlsx",
        ]
    );
    let baima = out.path().join(&names[0]);
    let rows = prefilled_rows(&baima);
    let row = |n: &str, c: &str, t: &str| (n.to_string(), c.to_string(), t.to_string());
    assert_eq!(
        rows,
        [
            row("甲村党支部", "A1", "优秀"),
            row("乙村党支部", "A2", "后进"),
            row("丙村党支部", "", "优秀"),
        ]
    );
    let range = open(&baima).worksheet_range(ORGANIZATIONS.name).unwrap();
    let header = range.get_value((1, ORGANIZATIONS.columns.len() as u32));
    assert_eq!(header, Some(&Data::String(BASELINE_TIER.to_string())));
    // Name and code locked, the rest of the row left to the clerk; a missing code too.
    let col = |i: usize| rust_xlsxwriter::utility::column_number_to_name(i as u16);
    let (name, code) = (col(org::NAME), col(org::CODE));
    assert!(is_locked(&baima, &format!("{name}4")));
    assert!(is_locked(&baima, &format!("{code}4")));
    assert!(
        !sheet_xml_has_cell(&baima, &format!("{code}6")),
        "C6 left to fill"
    );
    let xml = zip_entry(&baima, "xl/worksheets/sheet3.xml");
    assert!(
        xml.contains("<sheetProtection"),
        "locked cells need protection"
    );
    let longquan = prefilled_rows(&out.path().join(&names[2]));
    assert_eq!(longquan.len(), 2);
    // A roster unit with no April rows: a plain year-end form.
    assert!(prefilled_rows(&out.path().join(&names[1])).is_empty());
    let instructions = super::sheet_lines(&mut open(&baima), schema::SHEET_INSTRUCTIONS);
    assert!(
        instructions.iter().any(|l| l.contains("已撤销")),
        "填报说明 says what to do for a dissolved organization"
    );
}

fn sheet_xml_has_cell(path: &Path, a1: &str) -> bool {
    zip_entry(path, "xl/worksheets/sheet3.xml").contains(&format!("<c r=\"{a1}\""))
}

#[test]
fn a_prefilled_blank_form_is_checked_for_what_the_clerk_must_fill_and_nothing_else() {
    let county = County::new();
    let out = temp_dir();
    let names = county.year_end_forms(out.path());
    let report = check_file(&out.path().join(&names[0]), &CheckOptions::default());
    let form = report.form.as_ref().expect("read");
    assert_eq!(form.organizations.len(), 3, "the three pre-filled rows");
    let codes: Vec<Code> = report.issues().iter().map(|i| i.code).collect();
    assert!(!codes.contains(&Code::ExtraColumn), "{codes:?}");
    assert!(codes.contains(&Code::MissingValue), "{codes:?}");
    for issue in report.issues() {
        assert!(
            [Code::MissingValue, Code::MissingUnitInfo].contains(&issue.code),
            "spurious: {issue:?}"
        );
    }
    // Every pre-filled row is told what it lacks, and the names and codes are never in doubt.
    for found in &form.organizations {
        let row_issues = report
            .issues()
            .iter()
            .filter(|i| i.row == Some(found.row + 1));
        assert!(row_issues.count() > 0, "row {}", found.row + 1);
    }
}

/// The year-end form as a clerk returns it: the pre-filled names and codes, every other column
/// filled, and the reference column kept.
fn filled_in(unit: &str, code: &str, prefilled: &[(String, String, String)]) -> FormBuilder {
    let tiers = prefilled
        .iter()
        .map(|(_, _, t)| Cell::from(t.as_str()))
        .collect();
    let mut form = april(unit, code)
        .stage("年终")
        .filled_on(Cell::date(2026, 12, 10))
        .extra_column(Sheet::Org, None, BASELINE_TIER, tiers);
    for (name, code, _) in prefilled {
        let (name, code) = (name.clone(), code.clone());
        form = form.org(move |o| {
            o.name(name).code(if code.is_empty() {
                Cell::Empty
            } else {
                code.into()
            })
        });
    }
    form
}

#[test]
fn filled_year_end_forms_match_every_april_organization_by_code() {
    let county = County::new();
    let out = temp_dir();
    let names = county.year_end_forms(out.path());
    let inbox = county.path("年终");
    std::fs::create_dir(&inbox).unwrap();
    for (name, (unit, code)) in names.iter().zip([
        ("白马镇", "511101001"),
        ("城关街道", "511101002"),
        ("龙泉镇", "511101004"),
    ]) {
        let rows = prefilled_rows(&out.path().join(name));
        if !rows.is_empty() {
            filled_in(unit, code, &rows)
                .write(inbox.join(name))
                .unwrap();
        }
    }
    let options = UpgradeOptions::default();
    let up = upgrade::compare(&county.path("台账.xlsx"), &inbox, &options, &[]).unwrap();
    let links = &up.matching.links;
    assert_eq!(links.len(), 5, "five April organizations");
    for link in links {
        assert!(
            link.baseline.is_some() && link.year_end.is_some(),
            "{link:?}"
        );
        assert!(!link.renamed && !link.ambiguous, "{link:?}");
    }
    assert_eq!(upgrade::summarize(&up).matched, 5);
    let codes: Vec<Code> = up.issues().map(|i| i.issue.code).collect();
    assert!(!codes.contains(&Code::ExtraColumn), "{codes:?}");
}

#[test]
fn the_next_run_replaces_its_own_prefilled_forms() {
    let county = County::new();
    let out = temp_dir();
    let first = county.year_end_forms(out.path());
    assert_eq!(county.year_end_forms(out.path()), first);
}

#[test]
fn a_baseline_is_refused_without_a_roster_a_year_end_round_or_a_ledger() {
    let county = County::new();
    let (ledger, roster) = (county.path("台账.xlsx"), county.path("花名册.csv"));
    let (ledger, roster) = (ledger.to_str().unwrap(), roster.to_str().unwrap());
    let not_a_ledger = county.path("摸底/白马镇.xlsx");
    let cases: [(Vec<&str>, &str); 4] = [
        (vec!["--stage", "年终", "--baseline", ledger], "--roster"),
        (
            vec!["--baseline", ledger, "--roster", roster],
            "--stage 年终",
        ),
        (
            vec!["--stage", "摸底", "--baseline", ledger, "--roster", roster],
            "只用于年终复评表",
        ),
        (
            vec![
                "--stage",
                "年终",
                "--roster",
                roster,
                "--baseline",
                not_a_ledger.to_str().unwrap(),
            ],
            "不是本程序生成的分类管理台账",
        ),
    ];
    for (args, said) in cases {
        let out = temp_dir();
        let output = county.template(out.path(), &args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert!(
            file_names(out.path()).is_empty(),
            "{args:?}: nothing written"
        );
    }
}
