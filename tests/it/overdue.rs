//! 后进整改 marks the plans whose 整改时限 is before the ledger's day (`--as-of`, else today).

use crate::support::{root, temp_dir};
use assert_cmd::Command;
use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::NaiveDate;
use std::path::Path;
use taizhang::builder::{Cell, FormBuilder};
use taizhang::ledger::LedgerOptions;
use taizhang::status::Expectation;

/// 后进整改's rows under its header, as text, by column name.
fn laggard_rows(ledger: &Path) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(ledger).unwrap();
    let range = book.worksheet_range("后进整改").unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn column(rows: &[Vec<Data>], name: &str) -> usize {
    let at = rows[0].iter().position(|h| *h == name);
    at.unwrap_or_else(|| panic!("no column {name}: {:?}", rows[0]))
}

fn on(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// `taizhang ledger --as-of`: every plan due before that day says by how many days, the others
/// say nothing; read against each row's own 整改时限.
#[test]
fn the_ledger_marks_the_plans_past_their_deadline_on_its_day() {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    let day = on(2026, 7, 1);
    Command::cargo_bin("taizhang")
        .unwrap()
        .args(["ledger", "--as-of", "2026-07-01", "-o"])
        .arg(&out)
        .arg(root().join("samples/摸底"))
        .assert()
        .success();
    let rows = laggard_rows(&out);
    let (deadline, overdue) = (column(&rows, "整改时限"), column(&rows, "是否逾期"));
    let (mut late, mut not_late) = (0, 0);
    for row in &rows[1..] {
        let due = match &row[deadline] {
            Data::DateTime(serial) => {
                Some(on(1899, 12, 30) + chrono::Days::new(serial.as_f64() as u64))
            }
            Data::Empty => None,
            other => panic!("整改时限 {other:?}"),
        };
        let expected = match due.filter(|&due| due < day) {
            Some(due) => format!("已逾期 {} 天", (day - due).num_days()),
            None => String::new(),
        };
        assert_eq!(row[overdue].to_string(), expected, "{row:?}");
        match expected.is_empty() {
            true => not_late += 1,
            false => late += 1,
        }
    }
    assert!(late > 0 && not_late > 0, "{late} overdue, {not_late} not");
}

/// A plan due the day before is one day late; due on the day, or with no 整改时限, it is not;
/// a library run with no day marks nothing.
#[test]
fn a_plan_due_on_the_day_is_not_late() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件箱");
    std::fs::create_dir(&inbox).unwrap();
    let lagging = |name: &'static str, deadline: Cell| {
        move |o: taizhang::builder::OrgRow| {
            o.name(name)
                .vacant_secretary()
                .self_tier("后进")
                .plan("书记空缺", "选配书记", deadline)
        }
    };
    FormBuilder::new()
        .org(lagging("甲村党支部", Cell::date(2026, 6, 30)))
        .org(lagging("乙村党支部", Cell::date(2026, 7, 1)))
        .org(lagging("丙村党支部", Cell::Empty))
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    let marks = |today: Option<NaiveDate>| {
        let out = dir.path().join("台账.xlsx");
        let mut options = LedgerOptions {
            force: true,
            ..LedgerOptions::default()
        };
        options.check.today = today;
        let expect = Expectation::new(None, None, today);
        crate::support::ledger_run(&inbox, Some(&out), &options, &expect);
        let rows = laggard_rows(&out);
        let (name, overdue) = (column(&rows, "党组织名称"), column(&rows, "是否逾期"));
        let marks: Vec<(String, String)> = (rows[1..].iter())
            .map(|r| (r[name].to_string(), r[overdue].to_string()))
            .collect();
        marks
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        marks(Some(on(2026, 7, 1))),
        [
            pair("甲村党支部", "已逾期 1 天"),
            pair("乙村党支部", ""),
            pair("丙村党支部", "")
        ]
    );
    let none = marks(None);
    assert_eq!(none.len(), 3);
    assert!(none.iter().all(|(_, mark)| mark.is_empty()), "{none:?}");
}
