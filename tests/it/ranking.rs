//! 单位考评: each unit scored from the weights of the rules file and ranked, in the ledger and
//! in the upgrade workbook.

use crate::support::{root, temp_dir};
use assert_cmd::Command;
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::Path;

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    range.rows().map(<[Data]>::to_vec).collect()
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn ledger(out: &Path, rules: Option<&Path>, deadline: &str) {
    let mut cmd = Command::cargo_bin("taizhang").unwrap();
    cmd.args([
        "ledger",
        "--as-of",
        "2026-04-16",
        "--deadline",
        deadline,
        "-o",
    ])
    .arg(out)
    .arg(root().join("samples/摸底"))
    .arg("--roster")
    .arg(root().join("samples/roster.xlsx"));
    if let Some(rules) = rules {
        cmd.arg("--rules").arg(rules);
    }
    cmd.assert().success();
}

/// The row of `unit` (by 单位名称) in a sheet whose header is its first row.
fn row<'a>(rows: &'a [Vec<Data>], unit: &str) -> &'a [Data] {
    let name = rows[0].iter().position(|h| *h == "单位名称").unwrap();
    rows.iter()
        .find(|r| r[name] == unit)
        .unwrap_or_else(|| panic!("{unit}"))
}

/// A sheet's rows from its header (the first row holding `first`) down.
fn table(path: &Path, name: &str, first: &str) -> Vec<Vec<Data>> {
    let rows = sheet(path, name);
    let top = rows.iter().position(|r| r[0] == first).unwrap();
    rows[top..].to_vec()
}

/// Each unit's score worked out from the other sheets, with the weights 25 / 15 / 10 / 10 of
/// 优秀占比, 两新建党率达标 (60% target), 按时报送 and 报表无错误, over what applies.
#[test]
fn the_ledger_scores_each_unit_from_its_figures_and_ranks_them() {
    let dir = temp_dir();
    let out = dir.path().join("台账.xlsx");
    // A deadline some units missed (their 填报日期 is after it).
    ledger(&out, None, "2026-04-08");
    let ranked = sheet(&out, "单位考评");
    let header: Vec<String> = ranked[0].iter().map(ToString::to_string).collect();
    assert_eq!(
        header,
        [
            "排名",
            "单位代码",
            "单位名称",
            "优秀占比（权重 25）",
            "两新建党率达标（权重 15）",
            "按时报送（权重 10）",
            "报表无错误（权重 10）",
            "得分"
        ]
    );
    let summary = table(&out, "汇总", "单位代码");
    let status = table(&out, "报送情况", "单位代码");
    let files = table(&out, "文件清单", "文件");
    let col = |rows: &[Vec<Data>], h: &str| rows[0].iter().position(|c| *c == h).unwrap();
    let (mut late, mut dirty) = (0, 0);
    let units: Vec<&Vec<Data>> = ranked[1..]
        .iter()
        .take_while(|r| r[1] != Data::Empty)
        .collect();
    assert_eq!(units.len(), 14);
    for line in &units {
        let name = line[2].to_string();
        let unit = row(&summary, &name);
        let excellent =
            number(&unit[col(&summary, "优秀")]) / number(&unit[col(&summary, "党组织数")]);
        let coverage = match &unit[col(&summary, "两新建党率")] {
            Data::Float(rate) => Some((rate / 0.6).min(1.0)),
            _ => None,
        };
        let said = row(&status, &name);
        let in_time = said[col(&status, "报送状态")] != "未报送"
            && !said[col(&status, "期限")].to_string().contains("逾期");
        late += usize::from(!in_time);
        let mine: Vec<&Vec<Data>> = (files[1..].iter())
            .filter(|f| {
                f[col(&files, "状态")] == "已读取" && f[col(&files, "单位名称")] == name.as_str()
            })
            .collect();
        let clean = mine
            .iter()
            .filter(|f| number(&f[col(&files, "错误")]) == 0.0)
            .count();
        dirty += usize::from(clean < mine.len());
        let clean = clean as f64 / mine.len() as f64;
        let parts = [
            Some((excellent, 25.0)),
            coverage.map(|c| (c, 15.0)),
            Some((f64::from(u8::from(in_time)), 10.0)),
            Some((clean, 10.0)),
        ];
        let (sum, weight) =
            (parts.iter().flatten()).fold((0.0, 0.0), |(s, t), (v, w)| (s + v * w, t + w));
        let expected = sum / weight * 100.0;
        assert!(
            (number(&line[7]) - expected).abs() < 1e-9,
            "{line:?} vs {expected}"
        );
    }
    assert!(
        late > 0 && late < 14,
        "{late} late: the deadline should split them"
    );
    assert!(dirty > 0 && dirty < 14, "{dirty} with errors");
    // Ranks follow the scores, best first; equal scores share a rank.
    for pair in units.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        assert!(number(&a[7]) >= number(&b[7]), "{a:?} before {b:?}");
        let tie = (number(&a[7]) * 100.0).round() == (number(&b[7]) * 100.0).round();
        assert_eq!(tie, number(&a[0]) == number(&b[0]), "{a:?} / {b:?}");
    }
}

/// The weights are settings: with only 报表无错误 weighted, the score is 100 for a clean
/// return and 0 otherwise, and no other indicator is shown.
#[test]
fn the_weights_come_from_the_rules_file() {
    let dir = temp_dir();
    let text = std::fs::read_to_string(root().join("templates/rules.toml")).unwrap();
    let (head, _) = text.split_once("[evaluation]").unwrap();
    let only_clean = format!(
        "{head}[evaluation]\nexcellent_share = 0\nlaggard_conversion = 0\ntargets_met = 0\ncoverage = 0\non_time = 0\nclean_returns = 3\nrectified_on_time = 0\n"
    );
    let rules = dir.path().join("标准.toml");
    std::fs::write(&rules, only_clean).unwrap();
    let out = dir.path().join("台账.xlsx");
    ledger(&out, Some(&rules), "2026-04-15");
    let ranked = sheet(&out, "单位考评");
    assert_eq!(ranked[0][3], Data::String("报表无错误（权重 3）".into()));
    assert_eq!(ranked[0][4], Data::String("得分".into()));
    for line in ranked[1..].iter().take_while(|r| r[1] != Data::Empty) {
        let (clean, score) = (number(&line[3]), number(&line[4]));
        assert_eq!(score, clean * 100.0, "{line:?}");
        assert_eq!(
            number(&line[0]),
            if clean == 1.0 {
                1.0
            } else {
                1.0 + ranked[1..]
                    .iter()
                    .filter(|r| r[3] == Data::Float(1.0))
                    .count() as f64
            }
        );
    }

    let negative = text.replace("clean_returns = 10", "clean_returns = -1");
    std::fs::write(&rules, negative).unwrap();
    let refused = Command::cargo_bin("taizhang")
        .unwrap()
        .args(["rules", "--rules"])
        .arg(&rules)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(
        stderr.contains("clean_returns") && stderr.contains("不小于 0"),
        "{stderr}"
    );
}

/// The upgrade workbook ranks on the year end: 优秀占比, 后进转化率, 争创目标达成率.
#[test]
fn the_upgrade_workbook_ranks_on_the_year_end() {
    let dir = temp_dir();
    let out = dir.path().join("升级.xlsx");
    Command::cargo_bin("taizhang")
        .unwrap()
        .args(["upgrade", "--baseline"])
        .arg(root().join("samples/摸底"))
        .arg("--final")
        .arg(root().join("samples/年终"))
        .arg("--roster")
        .arg(root().join("samples/roster.xlsx"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let ranked = sheet(&out, "单位考评");
    let header: Vec<String> = ranked[0].iter().map(ToString::to_string).collect();
    assert_eq!(
        header,
        [
            "排名",
            "单位代码",
            "单位名称",
            "优秀占比（权重 25）",
            "后进转化率（权重 20）",
            "争创目标达成率（权重 10）",
            "得分"
        ]
    );
    // 升级汇总's figures of each unit give its score.
    let summary = sheet(&out, "升级汇总");
    let top = summary
        .iter()
        .position(|r| r.iter().any(|c| *c == "后进转化率"))
        .unwrap();
    let summary = &summary[top..];
    let at = |h: &str| summary[0].iter().position(|c| *c == h).unwrap();
    for line in ranked[1..].iter().take_while(|r| r[1] != Data::Empty) {
        let unit = row(summary, &line[2].to_string());
        let excellent = number(&unit[at("年终优秀")]) / number(&unit[at("年终党组织数")]);
        let mut parts = vec![(excellent, 25.0)];
        if let Data::Float(rate) = unit[at("后进转化率")] {
            parts.push((rate, 20.0));
        }
        if let Data::Float(rate) = unit[at("争创目标达成率")] {
            parts.push((rate, 10.0));
        }
        let weight: f64 = parts.iter().map(|(_, w)| w).sum();
        let expected = parts.iter().map(|(v, w)| v * w).sum::<f64>() / weight * 100.0;
        assert!(
            (number(&line[6]) - expected).abs() < 1e-9,
            "{line:?}: {expected}"
        );
    }
}
