//! The bundled sample county: `check` reports exactly the planted mistakes, and nothing else.

use crate::support::root;
use std::collections::BTreeSet;
use taizhang::check::{check_files, CheckOptions};

type Finding = (String, String, String, String); // file, sheet, cell, code

fn planted() -> BTreeSet<Finding> {
    let text = std::fs::read_to_string(root().join("tests/data/planted.json")).unwrap();
    let items: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    items
        .iter()
        .map(|i| {
            let s = |k: &str| i[k].as_str().unwrap().to_string();
            (s("file"), s("sheet"), s("cell"), s("code"))
        })
        .collect()
}

pub fn sample_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("samples/摸底"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn check_reports_exactly_the_planted_mistakes() {
    let reports = check_files(&sample_files(), &CheckOptions::default());
    let mut found = BTreeSet::new();
    for report in &reports {
        let file = report
            .path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        assert!(!report.is_unreadable(), "{file}");
        for issue in report.issues() {
            let cell = issue.cell.clone().unwrap_or_default();
            found.insert((
                file.clone(),
                issue.sheet.clone(),
                cell,
                issue.code.to_string(),
            ));
        }
    }
    let planted = planted();
    let missed: Vec<_> = planted.difference(&found).collect();
    let extra: Vec<_> = found.difference(&planted).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed {missed:#?}\nextra {extra:#?}"
    );
    assert!(planted.len() >= 15);
}

#[test]
fn the_county_is_big_enough_and_office_suite_files_are_read() {
    let reports = check_files(&sample_files(), &CheckOptions::default());
    let organizations: usize = reports.iter().map(|r| r.organizations()).sum();
    assert!(
        reports.len() >= 12 && organizations >= 300,
        "{} files, {organizations} orgs",
        reports.len()
    );
    for ext in ["xls", "ods"] {
        let report = reports
            .iter()
            .find(|r| r.path.extension().unwrap() == ext)
            .unwrap();
        assert!(report.organizations() > 10, "{ext}");
        assert!(report.form.as_ref().unwrap().unit_code().is_some(), "{ext}");
    }
}
