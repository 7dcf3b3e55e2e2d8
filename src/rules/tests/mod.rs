//! Tests of the rules: each scoring rule, each veto, the tier cut-offs, 待定, the four-grade
//! file, bad rules files, the trail texts and the two findings.

mod files;
mod findings;
mod scoring;

use super::*;
use crate::form::{Record, TableLocation};
use crate::issue::Code;
use crate::normalize::Value;
use crate::schema::{self, org};

/// An organization that meets every requirement of the default standard (100 points).
fn clean() -> Record {
    let mut r = Record::new(6, schema::ORGANIZATIONS.columns.len());
    let v = &mut r.values;
    v[org::NAME] = Some(Value::Text("白马村党支部".into()));
    v[org::TYPE] = Some(Value::Choice("党支部"));
    v[org::FULL_MEMBERS] = Some(Value::Int(20));
    v[org::SECRETARY] = Some(Value::Text("张三".into()));
    v[org::COMMITTEE_SIZE] = Some(Value::Int(5));
    v[org::ON_TIME_ELECTION] = Some(Value::Bool(true));
    v[org::GENERAL_MEETINGS] = Some(Value::Int(4));
    v[org::COMMITTEE_MEETINGS] = Some(Value::Int(12));
    v[org::PARTY_LECTURES] = Some(Value::Int(4));
    v[org::THEME_DAYS] = Some(Value::Int(12));
    v[org::FUNDING] = Some(Value::Number(2.5));
    v[org::VENUE_AREA] = Some(Value::Number(60.0));
    v[org::SATISFACTION] = Some(Value::Number(95.0));
    v[org::SELF_TIER] = Some(Value::Choice("优秀"));
    r
}

fn with(changes: &[(usize, Option<Value>)]) -> Record {
    let mut r = clean();
    for (col, value) in changes {
        r.values[*col] = value.clone();
    }
    r
}

fn int(n: i64) -> Option<Value> {
    Some(Value::Int(n))
}

fn num(n: f64) -> Option<Value> {
    Some(Value::Number(n))
}

fn choice(c: &'static str) -> Option<Value> {
    Some(Value::Choice(c))
}

fn classify(changes: &[(usize, Option<Value>)]) -> Classification {
    Rules::embedded().classify(&with(changes))
}

/// The points of the survey point at `i` (0 = 组织设置 .. 4 = 作用发挥).
fn point(c: &Classification, i: usize) -> Option<u32> {
    c.points[i].points
}

fn tier_name(c: &Classification) -> String {
    Rules::embedded().tier_name(c.tier).to_string()
}

#[test]
fn embedded_rules_load_and_a_clean_organization_scores_full_marks() {
    let c = classify(&[]);
    assert_eq!(c.total, Some(100));
    assert_eq!(tier_name(&c), "优秀");
    assert!(c.trail.is_empty() && c.vetoes.is_empty() && c.blocking.is_empty());
    let names: Vec<&str> = c.points.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "组织设置",
            "领导班子",
            "组织制度",
            "经费场所保障",
            "作用发挥"
        ]
    );
    let maxima: Vec<u32> = c.points.iter().map(|p| p.max).collect();
    assert_eq!(maxima, [10, 20, 30, 10, 30]);
}

#[test]
fn four_grade_file_is_embedded_too() {
    let rules = Rules::from_toml_str(FOUR_GRADE_TOML, "rules-4grade.toml").expect("valid");
    assert_eq!(rules.tier_names(), ["好", "较好", "一般", "较差"]);
}

// ── 四等次 ──

fn four_grade() -> Rules {
    Rules::from_toml_str(FOUR_GRADE_TOML, "rules-4grade.toml").expect("valid")
}

#[test]
fn four_grade_scheme_classifies_by_its_own_cut_offs() {
    let rules = four_grade();
    let name = |changes: &[(usize, Option<Value>)]| {
        let c = rules.classify(&with(changes));
        (c.total, rules.tier_name(c.tier).to_string())
    };
    let sat = |s| (org::SATISFACTION, num(s));
    let no_funding = (org::FUNDING, num(0.0));
    assert_eq!(name(&[]), (Some(100), "好".into()));
    assert_eq!(
        name(&[sat(85.0), no_funding.clone()]),
        (Some(89), "较好".into())
    );
    assert_eq!(name(&[sat(75.0)]), (Some(88), "较好".into()));
    assert_eq!(
        name(&[sat(65.0), no_funding.clone()]),
        (Some(77), "一般".into())
    );
    let late = (org::ON_TIME_ELECTION, Some(Value::Bool(false)));
    assert_eq!(
        name(&[sat(65.0), no_funding, late]),
        (Some(67), "一般".into())
    );
    assert_eq!(name(&[(org::SECRETARY, None)]), (Some(80), "较差".into()));
}

#[test]
fn four_grade_tiers_relate_to_form_tiers() {
    let rules = four_grade();
    let form: Vec<_> = rules.tiers().map(|t| rules.form_tier(t)).collect();
    assert_eq!(
        form,
        [Some("优秀"), Some("一般"), Some("一般"), Some("后进")]
    );
    assert!(rules.is_lagging(Tier::Rated(3)));
    assert_eq!(rules.tier_for_total(59), Tier::Rated(3));
    assert_eq!(rules.tier_for_total(60), Tier::Rated(2));
    assert_eq!(rules.tier_for_total(80), Tier::Rated(1));
    assert_eq!(rules.tier_for_total(90), Tier::Rated(0));
    assert_eq!(rules.meets_form_tier(Tier::Rated(1), "一般"), Some(true));
}

// ── 说明 ──

#[test]
fn describe_states_every_number_of_the_standard() {
    let text = Rules::embedded().describe().join("\n");
    insta::assert_snapshot!(text);
}

#[test]
fn describe_follows_the_file() {
    let lines = four_grade().describe();
    assert!(
        lines.contains(&"  · 总分 90 分及以上为“好”（对应调查表等次“优秀”）。".to_string()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"  · 总分 60 分以下为“较差”（对应调查表等次“后进”）。".to_string()),
        "{lines:#?}"
    );
}
