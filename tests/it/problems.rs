//! 问题类型: organizations counted per item they lost points for and per veto, hand-checked on
//! five organizations.

use crate::support::temp_dir;
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::collections::BTreeMap;
use taizhang::builder::FormBuilder;
use taizhang::ledger::LedgerOptions;
use taizhang::status::Expectation;

/// The 问题类型 row of the unit named `unit`: column → count, zeros left out.
fn problem_row(ledger: &std::path::Path, unit: &str) -> BTreeMap<String, f64> {
    let mut book: Xlsx<_> = open_workbook(ledger).unwrap();
    let range = book.worksheet_range("问题类型").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    let row = (rows.iter())
        .find(|r| r[1] == unit)
        .unwrap_or_else(|| panic!("{unit}"));
    let heads = &rows[0];
    (3..heads.len())
        .filter_map(|c| match row[c] {
            Data::Float(n) if n > 0.0 => Some((heads[c].to_string(), n)),
            _ => None,
        })
        .collect()
}

#[test]
fn problem_types_count_each_organization_once_per_item_and_veto() {
    let dir = temp_dir();
    let inbox = dir.path().join("收件箱");
    std::fs::create_dir(&inbox).unwrap();
    FormBuilder::new()
        // Full marks: no problem.
        .org(|o| o.name("甲村党支部"))
        // Secretary vacant: vetoed, nothing else scored.
        .org(|o| o.name("乙村党支部").vacant_secretary())
        // 满意度 75 (18/30) and no election on time.
        .org(|o| o.name("丙村党支部").satisfaction(75).on_time_election("否"))
        // No 党员大会: vetoed.
        .org(|o| o.name("丁村党支部").general_meetings(0))
        // No funding, and 满意度 75.
        .org(|o| o.name("戊村党支部").funding(0).satisfaction(75))
        .write(inbox.join("白马镇.xlsx"))
        .unwrap();
    let out = dir.path().join("台账.xlsx");
    let options = LedgerOptions::default();
    let expect = Expectation::new(None, None, None);
    crate::support::ledger_run(&inbox, Some(&out), &options, &expect);
    let expected: BTreeMap<String, f64> = [
        ("书记空缺（一票否决）", 1.0),
        ("党员大会次数为 0（一票否决）", 1.0),
        ("未按期换届", 1.0),
        ("工作经费不足", 1.0),
        ("群众满意度偏低", 2.0),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(problem_row(&out, "白马镇"), expected);
    assert_eq!(problem_row(&out, "合计"), expected);
}
