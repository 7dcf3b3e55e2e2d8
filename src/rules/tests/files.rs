//! Rules files with mistakes: refused once, with the file's name and the line.

use super::*;

// ── 规则文件有误 ──

/// The default file with one line replaced, loaded; the error and the line replaced.
fn broken(from: &str, to: &str) -> (RulesError, usize) {
    let at = EMBEDDED_TOML.find(from).expect("text to replace");
    let line = EMBEDDED_TOML[..at].matches('\n').count() + 1;
    let text = EMBEDDED_TOML.replacen(from, to, 1);
    let err = Rules::from_toml_str(&text, "县标准.toml").expect_err("refused");
    (err, line)
}

fn assert_refused(from: &str, to: &str, words: &str) {
    let (err, line) = broken(from, to);
    let shown = err.to_string();
    assert_eq!(err.line(), Some(line), "{shown}");
    assert!(
        shown.starts_with(&format!("规则文件 县标准.toml 第 {line} 行：")),
        "{shown}"
    );
    assert!(shown.contains(words), "{shown}");
}

#[test]
fn unknown_key_is_refused_with_its_line() {
    assert_refused(
        "election_deduct = 10",
        "election_dedcut = 10",
        "未知的设置项“election_dedcut”",
    );
    let (err, _) = broken("election_deduct = 10", "election_dedcut = 10");
    assert!(matches!(err, RulesError::Syntax { .. }));
    assert!(
        std::error::Error::source(&err).is_some(),
        "the toml error is kept"
    );
}

#[test]
fn tier_cut_offs_out_of_order_are_refused() {
    assert_refused("min = 65", "min = 90", "从高到低");
}

#[test]
fn undefined_veto_tier_is_refused() {
    assert_refused(
        "veto = \"后进\"",
        "veto = \"落后\"",
        "一票否决等次“落后”没有定义",
    );
}

#[test]
fn satisfaction_bands_out_of_order_are_refused() {
    assert_refused(
        "{ min = 70, points = 18 }",
        "{ min = 85, points = 18 }",
        "从高到低",
    );
    assert_refused(
        "{ min = 70, points = 18 }",
        "{ min = 70, points = 25 }",
        "高于上一档",
    );
}

#[test]
fn points_above_the_maximum_are_refused() {
    assert_refused(
        "election_deduct = 10",
        "election_deduct = 25",
        "超过“领导班子”的满分 20 分",
    );
    assert_refused(
        "{ min = 90, points = 30 }",
        "{ min = 90, points = 35 }",
        "超过",
    );
}

#[test]
fn maxima_not_summing_to_the_total_are_refused() {
    assert_refused("total = 100", "total = 90", "五个调查点满分之和为 100 分");
}

#[test]
fn other_mistakes_are_refused_with_their_line() {
    assert_refused(
        "form_tier = \"一般\"",
        "form_tier = \"中等\"",
        "不是调查表的等次",
    );
    assert_refused(
        "types = [\"党支部\"]",
        "types = [\"支部\"]",
        "组织类型“支部”",
    );
    assert_refused(
        "field = \"theme_days\"",
        "field = \"themes\"",
        "不是调查表中的次数列",
    );
    assert_refused(
        "party_org_rate_percent = 60",
        "party_org_rate_percent = 600",
        "百分数",
    );
    assert_refused("funding_points = 5", "funding_points = -5", "取值类型不对");
    assert_refused("min = 0", "min = 10", "最低等次“后进”的 min 应为 0");
}

#[test]
fn a_missing_file_is_reported_with_its_path() {
    let err = Rules::load(Path::new("/nonexistent/县标准.toml")).expect_err("missing");
    assert_eq!(
        err.to_string(),
        "无法读取规则文件 /nonexistent/县标准.toml：文件不存在"
    );
}

#[test]
fn a_file_is_loaded_and_named_by_its_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("县标准.toml");
    let text = EMBEDDED_TOML.replacen("veto = \"后进\"", "veto = \"后近\"", 1);
    std::fs::write(&path, text).expect("write");
    let shown = Rules::load(&path).expect_err("refused").to_string();
    assert!(shown.contains(&path.display().to_string()), "{shown}");
    std::fs::write(&path, FOUR_GRADE_TOML).expect("write");
    assert_eq!(
        Rules::load(&path).expect("valid").origin(),
        path.display().to_string()
    );
}
