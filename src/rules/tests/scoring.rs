//! Each scoring rule, each veto, the tier cut-offs and 待定, on the default standard.

use super::*;

// ── 组织设置 ──

#[test]
fn branch_below_three_members_scores_zero_for_setup() {
    let c = classify(&[(org::FULL_MEMBERS, int(2))]);
    assert_eq!(point(&c, 0), Some(0));
    assert_eq!(c.trail, ["党支部正式党员 2 人，不足 3 人，得 0 分"]);
}

#[test]
fn joint_branch_below_three_members_keeps_setup_points() {
    let c = classify(&[
        (org::TYPE, choice("联合党支部")),
        (org::FULL_MEMBERS, int(2)),
    ]);
    assert_eq!(point(&c, 0), Some(10));
    assert_eq!(c.total, Some(100));
}

#[test]
fn branch_of_fifty_loses_five_for_setup() {
    let c = classify(&[(org::FULL_MEMBERS, int(52))]);
    assert_eq!(point(&c, 0), Some(5));
    assert_eq!(c.trail, ["正式党员 52 人仍为党支部，扣 5 分（应设党总支）"]);
    let c = classify(&[(org::FULL_MEMBERS, int(49))]);
    assert_eq!(point(&c, 0), Some(10));
}

#[test]
fn branch_of_a_hundred_loses_both_deductions() {
    let c = classify(&[(org::FULL_MEMBERS, int(100))]);
    assert_eq!(point(&c, 0), Some(0));
    assert_eq!(
        c.trail,
        [
            "正式党员 100 人仍为党支部，扣 5 分（应设党总支）",
            "正式党员 100 人仍为党支部，扣 5 分（应设党委）",
        ]
    );
}

#[test]
fn general_branch_of_a_hundred_loses_five_and_a_committee_none() {
    let c = classify(&[(org::TYPE, choice("党总支")), (org::FULL_MEMBERS, int(120))]);
    assert_eq!(point(&c, 0), Some(5));
    assert_eq!(c.trail, ["正式党员 120 人仍为党总支，扣 5 分（应设党委）"]);
    let c = classify(&[(org::TYPE, choice("党委")), (org::FULL_MEMBERS, int(300))]);
    assert_eq!(point(&c, 0), Some(10));
}

// ── 领导班子 ──

#[test]
fn vacant_secretary_scores_zero_and_vetoes() {
    let c = classify(&[(org::SECRETARY, None)]);
    assert_eq!(point(&c, 1), Some(0));
    assert_eq!(c.total, Some(80));
    assert_eq!(tier_name(&c), "后进");
    assert_eq!(c.trail, ["书记空缺（一票否决）"]);
    assert_eq!(c.vetoes[0].field, "secretary");
    assert!(
        c.blocking.is_empty(),
        "an empty 书记姓名 is not missing data"
    );
}

#[test]
fn seven_members_with_a_committee_of_two_lose_ten() {
    let c = classify(&[(org::FULL_MEMBERS, int(9)), (org::COMMITTEE_SIZE, int(2))]);
    assert_eq!(point(&c, 1), Some(10));
    assert_eq!(
        c.trail,
        ["正式党员 9 人，班子成员 2 人（应不少于 3 人），扣 10 分"]
    );
    let c = classify(&[(org::FULL_MEMBERS, int(6)), (org::COMMITTEE_SIZE, int(2))]);
    assert_eq!(point(&c, 1), Some(20));
}

#[test]
fn late_election_loses_ten_and_deductions_floor_at_zero() {
    let c = classify(&[(org::ON_TIME_ELECTION, Some(Value::Bool(false)))]);
    assert_eq!(point(&c, 1), Some(10));
    assert_eq!(c.trail, ["未按期换届，扣 10 分"]);
    let c = classify(&[
        (org::ON_TIME_ELECTION, Some(Value::Bool(false))),
        (org::FULL_MEMBERS, int(9)),
        (org::COMMITTEE_SIZE, int(0)),
    ]);
    assert_eq!(point(&c, 1), Some(0));
}

// ── 组织制度 ──

#[test]
fn meeting_counts_score_full_half_or_nothing() {
    let cases: &[(usize, i64, u32, &str)] = &[
        (org::COMMITTEE_MEETINGS, 6, 26, "支委会次数 6/12，得 4/8 分"),
        (org::COMMITTEE_MEETINGS, 5, 22, "支委会次数 5/12，得 0/8 分"),
        (org::GENERAL_MEETINGS, 2, 26, "党员大会次数 2/4，得 4/8 分"),
        (org::GENERAL_MEETINGS, 1, 22, "党员大会次数 1/4，得 0/8 分"),
        (org::PARTY_LECTURES, 3, 26, "党课次数 3/4，得 3/7 分"),
        (org::PARTY_LECTURES, 1, 23, "党课次数 1/4，得 0/7 分"),
        (org::THEME_DAYS, 6, 26, "主题党日次数 6/12，得 3/7 分"),
        (org::THEME_DAYS, 0, 23, "主题党日次数 0/12，得 0/7 分"),
    ];
    for (col, count, life, line) in cases {
        let c = classify(&[(*col, int(*count))]);
        assert_eq!(point(&c, 2), Some(*life), "{line}");
        assert_eq!(c.trail, [*line]);
    }
}

#[test]
fn counts_above_the_requirement_score_full() {
    let c = classify(&[(org::THEME_DAYS, int(20))]);
    assert_eq!(point(&c, 2), Some(30));
}

#[test]
fn no_general_meeting_vetoes() {
    let c = classify(&[(org::GENERAL_MEETINGS, int(0))]);
    assert_eq!(point(&c, 2), Some(22));
    assert_eq!(c.total, Some(92));
    assert_eq!(tier_name(&c), "后进");
    assert_eq!(c.trail, ["党员大会次数 0（一票否决）"]);
    assert_eq!(c.vetoes[0].field, "general_meetings");
}

#[test]
fn committee_meetings_are_not_assessed_without_a_committee_of_three() {
    let c = classify(&[
        (org::COMMITTEE_SIZE, int(2)),
        (org::COMMITTEE_MEETINGS, int(0)),
    ]);
    assert_eq!(point(&c, 2), Some(30));
    let c = classify(&[
        (org::COMMITTEE_SIZE, int(2)),
        (org::COMMITTEE_MEETINGS, None),
    ]);
    assert_eq!(point(&c, 2), Some(30));
    assert!(c.blocking.is_empty());
    assert_eq!(tier_name(&c), "优秀");
}

// ── 经费场所保障 ──

#[test]
fn no_funding_loses_five() {
    let c = classify(&[(org::FUNDING, num(0.0))]);
    assert_eq!(point(&c, 3), Some(5));
    assert_eq!(c.trail, ["年度工作经费 0 万元（应多于 0 万元），扣 5 分"]);
}

#[test]
fn small_venue_loses_five_and_twenty_square_metres_is_enough() {
    let c = classify(&[(org::VENUE_AREA, num(19.5))]);
    assert_eq!(point(&c, 3), Some(5));
    assert_eq!(
        c.trail,
        ["活动场所面积 19.5 平方米（应不少于 20 平方米），扣 5 分"]
    );
    let c = classify(&[(org::VENUE_AREA, int(20))]);
    assert_eq!(point(&c, 3), Some(10));
}

// ── 作用发挥 ──

#[test]
fn satisfaction_bands() {
    let cases: &[(f64, u32)] = &[
        (100.0, 30),
        (90.0, 30),
        (89.9, 24),
        (80.0, 24),
        (79.0, 18),
        (70.0, 18),
        (69.0, 12),
        (60.0, 12),
    ];
    for (s, points) in cases {
        let c = classify(&[(org::SATISFACTION, num(*s))]);
        assert_eq!(point(&c, 4), Some(*points), "{s}");
        assert!(c.vetoes.is_empty());
    }
    let c = classify(&[(org::SATISFACTION, num(85.0))]);
    assert_eq!(c.trail, ["群众满意度 85%，得 24/30 分"]);
}

#[test]
fn satisfaction_below_sixty_vetoes() {
    let c = classify(&[(org::SATISFACTION, num(55.0))]);
    assert_eq!(point(&c, 4), Some(0));
    assert_eq!(c.total, Some(70));
    assert_eq!(tier_name(&c), "后进");
    assert_eq!(c.trail, ["群众满意度 55%（低于 60%，一票否决）"]);
}

// ── 等次 ──

#[test]
fn cut_off_between_excellent_and_average_is_85() {
    let election = (org::ON_TIME_ELECTION, Some(Value::Bool(false)));
    let c = classify(&[election.clone(), (org::FUNDING, num(0.0))]);
    assert_eq!((c.total, tier_name(&c).as_str()), (Some(85), "优秀"));
    let c = classify(&[election, (org::SATISFACTION, num(85.0))]);
    assert_eq!((c.total, tier_name(&c).as_str()), (Some(84), "一般"));
}

#[test]
fn cut_off_between_average_and_lagging_is_65() {
    let common = [
        (org::FULL_MEMBERS, int(52)),
        (org::COMMITTEE_SIZE, int(2)),
        (org::ON_TIME_ELECTION, Some(Value::Bool(false))),
        (org::FUNDING, num(0.0)),
    ];
    let c = classify(&[&common[..], &[(org::VENUE_AREA, num(10.0))]].concat());
    assert_eq!((c.total, tier_name(&c).as_str()), (Some(65), "一般"));
    let c = classify(&[&common[..], &[(org::SATISFACTION, num(85.0))]].concat());
    assert_eq!((c.total, tier_name(&c).as_str()), (Some(64), "后进"));
    assert_eq!(
        c.trail,
        [
            "正式党员 52 人仍为党支部，扣 5 分（应设党总支）",
            "正式党员 52 人，班子成员 2 人（应不少于 3 人），扣 10 分",
            "未按期换届，扣 10 分",
            "年度工作经费 0 万元（应多于 0 万元），扣 5 分",
            "群众满意度 85%，得 24/30 分",
        ]
    );
}

#[test]
fn a_missing_field_makes_the_row_pending_and_names_it() {
    let c = classify(&[(org::FULL_MEMBERS, None)]);
    assert_eq!(c.tier, Tier::Pending);
    assert_eq!(tier_name(&c), "待定");
    assert_eq!(c.blocking, ["full_members"]);
    assert_eq!(c.total, None);
    assert_eq!((point(&c, 0), point(&c, 2)), (None, Some(30)));
    assert_eq!(c.trail, ["等次待定：正式党员数未填或填写有误"]);
}

#[test]
fn an_invalid_field_blocks_even_with_a_value() {
    let mut rec = clean();
    rec.mark_invalid(org::SATISFACTION);
    let c = Rules::embedded().classify(&rec);
    assert_eq!(c.tier, Tier::Pending);
    assert_eq!(c.blocking, ["satisfaction"]);
    assert_eq!(c.trail, ["等次待定：群众满意度未填或填写有误"]);
}

#[test]
fn a_pending_row_still_lists_its_vetoes_and_every_blocker() {
    let c = classify(&[
        (org::SECRETARY, None),
        (org::SATISFACTION, None),
        (org::TYPE, None),
        (org::THEME_DAYS, Some(Value::Text("多次".into()))),
    ]);
    assert_eq!(c.tier, Tier::Pending);
    assert_eq!(c.blocking, ["org_type", "theme_days", "satisfaction"]);
    assert_eq!(c.vetoes.len(), 1);
    assert_eq!(
        c.trail,
        [
            "书记空缺（一票否决）",
            "等次待定：组织类型、主题党日次数、群众满意度未填或填写有误",
        ]
    );
}

#[test]
fn tier_order_helpers() {
    let rules = Rules::embedded();
    let (excellent, average, lagging) = (Tier::Rated(0), Tier::Rated(1), Tier::Rated(2));
    assert_eq!(
        rules.compare_tiers(excellent, average),
        Some(Ordering::Greater)
    );
    assert_eq!(rules.compare_tiers(lagging, average), Some(Ordering::Less));
    assert_eq!(rules.compare_tiers(lagging, Tier::Pending), None);
    assert_eq!(rules.veto_tier(), lagging);
    assert_eq!(rules.tier_by_name("一般"), Some(average));
    assert_eq!(rules.tier_by_name("待定"), Some(Tier::Pending));
    assert!(rules.is_lagging(lagging) && !rules.is_lagging(average));
    assert_eq!(rules.meets_form_tier(excellent, "一般"), Some(true));
    assert_eq!(rules.meets_form_tier(average, "优秀"), Some(false));
    assert_eq!(rules.meets_form_tier(Tier::Pending, "一般"), None);
}
