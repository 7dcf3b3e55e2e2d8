//! 双升级 on the committed samples: the counts `upgrade` gives, worked out again from the two
//! ledgers' 台账明细 alone (最终等次 and 发展等次 of each organization, matched by unit and
//! code, else name), without the comparison's own code.

use crate::support::{root, temp_dir};
use assert_cmd::Command;
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::collections::HashMap;
use std::path::Path;

/// (unit, code or name) → (最终等次, 发展等次) of every organization in a ledger; a key two
/// rows share is left out (no comparison can tell them apart: 无法匹配).
fn organizations(ledger: &Path) -> HashMap<(String, String), (String, String)> {
    let mut book: Xlsx<_> = open_workbook(ledger).unwrap();
    let rows: Vec<Vec<Data>> = (book.worksheet_range("台账明细").unwrap().rows())
        .map(<[Data]>::to_vec)
        .collect();
    let at = |h: &str| rows[0].iter().position(|c| *c == h).unwrap();
    let (unit, name, code) = (at("单位名称"), at("党组织名称"), at("党组织编码"));
    let (tier, development) = (at("最终等次"), at("发展等次"));
    let mut found: HashMap<(String, String), Vec<(String, String)>> = HashMap::new();
    for r in &rows[1..] {
        let key = match r[code].to_string() {
            c if c.is_empty() => r[name].to_string(),
            c => c,
        };
        let value = (r[tier].to_string(), r[development].to_string());
        found
            .entry((r[unit].to_string(), key))
            .or_default()
            .push(value);
    }
    (found.into_iter())
        .filter(|(_, v)| v.len() == 1)
        .map(|(k, mut v)| (k, v.remove(0)))
        .collect()
}

fn ledger(inbox: &str, out: &Path) {
    Command::cargo_bin("taizhang")
        .unwrap()
        .args(["ledger", "--as-of", "2026-12-31", "-o"])
        .arg(out)
        .arg(root().join(inbox))
        .arg("--roster")
        .arg(root().join("samples/roster.xlsx"))
        .assert()
        .success();
}

/// Higher is better; `None` for 待定 or a blank.
fn rank(step: &str, scale: &[&str]) -> Option<usize> {
    scale.iter().position(|s| *s == step)
}

#[test]
fn double_upgrades_on_the_samples_are_the_ones_both_ledgers_show() {
    let dir = temp_dir();
    let (april, december) = (dir.path().join("摸底.xlsx"), dir.path().join("年终.xlsx"));
    ledger("samples/摸底", &april);
    ledger("samples/年终", &december);
    let (before, after) = (organizations(&april), organizations(&december));
    let tiers = ["后进", "一般", "优秀"];
    let steps = ["差", "中", "好"];
    let (mut moves, mut double) = ([0; 3], [0; 3]);
    for (key, (tier0, dev0)) in &before {
        let Some((tier1, dev1)) = after.get(key) else {
            continue;
        };
        let dev = rank(dev0, &steps).zip(rank(dev1, &steps));
        let Some((d0, d1)) = dev else { continue };
        moves[match d1.cmp(&d0) {
            std::cmp::Ordering::Greater => 0,
            std::cmp::Ordering::Equal => 1,
            std::cmp::Ordering::Less => 2,
        }] += 1;
        if let Some((t0, t1)) = rank(tier0, &tiers).zip(rank(tier1, &tiers)) {
            let rose = usize::from(t1 > t0) + usize::from(d1 > d0);
            double[2 - rose] += 1;
        }
    }
    assert!(double[0] > 0, "the samples have 双升级: {double:?}");

    let out = dir.path().join("升级.xlsx");
    let json = Command::cargo_bin("taizhang")
        .unwrap()
        .args(["upgrade", "--format", "json", "--baseline"])
        .arg(&april)
        .arg("--final")
        .arg(&december)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let counted =
        |key: &str, labels: [&str; 3]| labels.map(|l| json[key][l].as_u64().unwrap() as usize);
    assert_eq!(counted("development", ["晋位", "保持", "降位"]), moves);
    assert_eq!(
        counted("double_upgrade", ["双升级", "单项晋位", "均未晋位"]),
        double
    );
}
