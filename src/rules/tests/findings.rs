//! W201 and W202.

use super::*;

// ── 核查发现 ──

/// A table whose columns sit one to the right of the schema order (a 序号-less layout).
fn table() -> TableLocation {
    let columns = (0..schema::ORGANIZATIONS.columns.len() as u32)
        .map(|c| Some(c + 1))
        .collect();
    TableLocation {
        sheet: "党组织情况".into(),
        header_row: 3,
        columns,
    }
}

fn findings(rules: &Rules, rec: &Record) -> Vec<crate::Issue> {
    let c = rules.classify(rec);
    rules.findings(rec, &c, "党组织情况", &table())
}

#[test]
fn self_tier_differing_from_the_computed_tier_is_w201_on_the_self_tier_cell() {
    let late = (org::ON_TIME_ELECTION, Some(Value::Bool(false)));
    let rec = with(&[(org::SATISFACTION, num(85.0)), late]);
    let issues = findings(&Rules::embedded(), &rec);
    assert_eq!(issues.len(), 1);
    let w = &issues[0];
    assert_eq!(w.code, Code::SelfTierDiffers);
    let col = org::SELF_TIER as u32 + 1;
    assert_eq!(w.cell.as_deref(), Some(crate::cellref::a1(6, col).as_str()));
    assert_eq!(w.field, Some("self_tier"));
    assert_eq!(
        w.message,
        "自评等次为“优秀”，按评分标准核定为“一般”（总分 84 分；未按期换届，扣 10 分；\
         群众满意度 85%，得 24/30 分），请核实"
    );
}

#[test]
fn matching_self_tier_gives_no_finding() {
    assert!(findings(&Rules::embedded(), &clean()).is_empty());
    let rec = with(&[
        (org::SATISFACTION, num(75.0)),
        (org::SELF_TIER, choice("一般")),
    ]);
    assert!(
        findings(&four_grade(), &rec).is_empty(),
        "较好 stands for 一般"
    );
}

#[test]
fn computed_laggard_without_a_plan_is_w202() {
    let rec = with(&[(org::SECRETARY, None), (org::SELF_TIER, choice("一般"))]);
    let issues = findings(&Rules::embedded(), &rec);
    let codes: Vec<Code> = issues.iter().map(|i| i.code).collect();
    assert_eq!(codes, [Code::SelfTierDiffers, Code::LaggardWithoutPlan]);
    let w = &issues[1];
    assert_eq!(w.field, Some("problems"));
    assert_eq!(
        w.message,
        "按评分标准核定为“后进”（总分 80 分；书记空缺（一票否决）），\
         但主要问题、整改措施、整改时限未填写；后进党组织须填写主要问题、整改措施和整改时限"
    );
}

#[test]
fn a_complete_plan_or_a_self_assessed_laggard_gives_no_w202() {
    let mut rec = with(&[(org::SECRETARY, None), (org::SELF_TIER, choice("一般"))]);
    rec.values[org::PROBLEMS] = Some(Value::Text("书记空缺".into()));
    rec.values[org::MEASURES] = Some(Value::Text("尽快选配书记".into()));
    let date = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).expect("date");
    rec.values[org::DEADLINE] = Some(Value::Date(date));
    let codes: Vec<Code> = findings(&Rules::embedded(), &rec)
        .iter()
        .map(|i| i.code)
        .collect();
    assert_eq!(codes, [Code::SelfTierDiffers]);
    let rec = with(&[(org::SECRETARY, None), (org::SELF_TIER, choice("后进"))]);
    assert!(
        findings(&Rules::embedded(), &rec).is_empty(),
        "E111 covers it"
    );
}

#[test]
fn pending_rows_give_no_findings_and_a_missing_column_points_at_the_row() {
    let rec = with(&[(org::SATISFACTION, None), (org::SELF_TIER, choice("后进"))]);
    assert!(findings(&Rules::embedded(), &rec).is_empty());
    let rules = Rules::embedded();
    let rec = with(&[(org::SELF_TIER, choice("一般"))]);
    let mut t = table();
    t.columns[org::SELF_TIER] = None;
    let c = rules.classify(&rec);
    let issues = rules.findings(&rec, &c, "党组织情况", &t);
    assert_eq!((issues[0].cell.as_deref(), issues[0].row), (None, Some(7)));
}

#[test]
fn four_grade_w201_names_the_form_tier_it_stands_for() {
    let rec = with(&[(org::SATISFACTION, num(75.0))]);
    let issues = findings(&four_grade(), &rec);
    assert!(
        issues[0].message.starts_with(
            "自评等次为“优秀”，按评分标准核定为“较好”（对应调查表等次“一般”；总分 88 分；"
        ),
        "{}",
        issues[0].message
    );
}
