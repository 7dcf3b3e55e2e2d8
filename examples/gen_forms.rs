//! Synthetic returned forms for benchmarks: N forms of M organizations in the issued layout.
//!
//! ```text
//! cargo run --release --example gen_forms -- --scale province --out /tmp/taizhang-bench/province
//! cargo run --release --example gen_forms -- --forms 10 --orgs 20 --seed 7 --out /tmp/x
//! cargo run --release --example gen_forms -- --scale varied --forms 40 --out /tmp/v
//! cargo run --release --example gen_forms -- --forms 10 --orgs 20 --varied --out /tmp/y
//! ```
//!
//! Scales: county (30 x 50), province (2,000 x 100), national (50,000 x 104), all in the issued
//! layout; varied (400 x 100) in the layouts townships return (`varied_form`: title rows, a one-
//! or two-row header, reordered, respelled and extra columns, blank and 合计 rows). Deterministic: the
//! values of form `i` come from `seed` and `i` alone, so files are the same whatever the thread
//! count. Values vary so that every tier (优秀, 一般, 后进, 待定) appears, and about one row in 150
//! carries a mistake a clerk makes (a word for a number, a short mobile, a duplicate name).
//! Forms are written in parallel with rayon; large folders are meant for /tmp, never the repo.
//!
//! The bench harness (`benches/ledger.rs`) includes this file as a module to generate its data.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use taizhang::builder::{Cell, CoverageRow, FormBuilder, OrgRow, Rng, Sheet};
use taizhang::form::Record;
use taizhang::normalize::normalize;
use taizhang::rules::Rules;
use taizhang::schema::ORGANIZATIONS;

/// A named data size: forms and organizations per form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub name: &'static str,
    pub forms: usize,
    pub orgs: usize,
    /// Forms in varied layouts ([`varied_form`]) rather than the issued one ([`form`]).
    pub varied: bool,
}

pub const SCALES: [Scale; 4] = [
    Scale {
        name: "county",
        forms: 30,
        orgs: 50,
        varied: false,
    },
    Scale {
        name: "province",
        forms: 2_000,
        orgs: 100,
        varied: false,
    },
    Scale {
        name: "national",
        forms: 50_000,
        orgs: 104,
        varied: false,
    },
    Scale {
        name: "varied",
        forms: 400,
        orgs: 100,
        varied: true,
    },
];

pub fn scale_named(name: &str) -> Option<Scale> {
    SCALES.iter().copied().find(|s| s.name == name)
}

pub const DEFAULT_SEED: u64 = 0x7A1_2026;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
];
const GIVEN: &[&str] = &[
    "强", "伟", "芳", "敏", "静", "丽", "军", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "华",
    "建国", "志强", "秀英", "海燕",
];
const PLACES: &[&str] = &[
    "白马", "青山", "柳溪", "石桥", "东风", "红旗", "新华", "桃源", "龙泉", "金沙", "平安", "和平",
];
const KINDS: &[&str] = &["村", "社区", "小学", "卫生院", "机关", "合作社", "公司"];
const DOMAINS: &[&str] = &["农村", "社区", "机关", "事业单位", "非公有制企业", "学校"];
const TIERS: &[&str] = &["优秀", "一般", "后进"];

/// The file name of form `index`.
pub fn file_name(index: usize) -> String {
    format!("{:05}_{}镇.xlsx", index + 1, PLACES[index % PLACES.len()])
}

/// Form `index` of a data set: its unit, `orgs` organizations and a few 两新 rows.
pub fn form(seed: u64, index: usize, orgs: usize) -> FormBuilder {
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let unit = format!("{}{}镇", PLACES[index % PLACES.len()], index + 1);
    let mut form = FormBuilder::new()
        .unit(unit.as_str())
        .code(format!("5{:08}", index + 1))
        .filler(person(&mut rng));
    for n in 1..=orgs {
        form = form.org_row(organization(&mut rng, &unit, n));
    }
    for n in 1..=3 {
        form = form.coverage_row(CoverageRow::clean(index * 3 + n));
    }
    form
}

/// Form `index` as a township returns it: [`form`]'s values in a layout FORM.md's tolerance
/// covers — 0 to 3 title rows, a one- or two-row header, columns reordered and respelled,
/// extra columns, blank rows between organizations and a trailing 合计/总计/小计 row. Each
/// variation is drawn on its own, so most forms carry several.
pub fn varied_form(seed: u64, index: usize, orgs: usize) -> FormBuilder {
    let mut rng = Rng::new(!seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut form = form(seed, index, orgs).title_rows(rng.range(0, 3));
    if rng.percent(40) {
        form = form.one_row_header();
    }
    if rng.percent(50) {
        form = form.org_columns(&reordered(&mut rng));
    }
    if rng.percent(50) {
        form = form
            .header("full_members", "正式\n党员数")
            .header("funding", "年度工作经费(万元)")
            .header("venue_area", "活动场所面积")
            .header("satisfaction", "群众满意度");
    }
    if rng.percent(50) {
        let contacts = (0..orgs).map(|_| Cell::text(person(&mut rng))).collect();
        form = form.extra_column(Sheet::Org, Some("secretary_phone"), "联系人", contacts);
    }
    if rng.percent(30) {
        let notes = (0..orgs).map(|n| Cell::text(format!("第{}片区", n % 5 + 1)));
        form = form.extra_column(Sheet::Org, None, "所在片区", notes.collect());
    }
    for _ in 0..rng.range(0, 3) {
        let after = rng.range(0, orgs.max(1) as u32 - 1) as usize;
        form = form.blank_rows_after(after, rng.range(1, 2));
    }
    if rng.percent(50) {
        form = form.total_row(*rng.pick(&["合计", "总计", "小计"]));
    }
    form
}

/// The 党组织情况 keys with a few blocks swapped: 序号 and 党组织名称 stay first, columns under
/// one merged group header (三会一课) move together.
fn reordered(rng: &mut Rng) -> Vec<&'static str> {
    let mut blocks: Vec<Vec<&'static str>> = Vec::new();
    let mut last_group = None;
    for column in ORGANIZATIONS.columns {
        match (column.group, blocks.last_mut()) {
            (Some(group), Some(block)) if last_group == Some(group) => block.push(column.key),
            _ => blocks.push(vec![column.key]),
        }
        last_group = column.group;
    }
    for _ in 0..3 {
        let top = blocks.len() as u32 - 1;
        let (a, b) = (rng.range(2, top) as usize, rng.range(2, top) as usize);
        blocks.swap(a, b);
    }
    blocks.concat()
}

fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// One organization with varied, mostly valid values; rarely a clerk's mistake.
fn organization(rng: &mut Rng, unit: &str, n: usize) -> OrgRow {
    let kind = rng.pick(KINDS);
    let (org_type, members) = match rng.range(1, 100) {
        1..=80 => ("党支部", rng.range(3, 45)),
        81..=90 => ("党总支", rng.range(30, 90)),
        91..=95 => ("党委", rng.range(60, 300)),
        _ => ("党支部", rng.range(1, 60)),
    };
    let small_committee = rng.per_mille(80);
    let mut row = OrgRow::clean(n)
        .name(format!("{unit}{}{kind}党支部{n}", rng.pick(PLACES)))
        .code(format!("O{:07}{n:03}", rng.range(0, 9_999_999)))
        .org_type(org_type)
        .domain(*rng.pick(DOMAINS))
        .members(members)
        .probationary(rng.range(0, 3))
        .secretary(person(rng))
        .secretary_phone(Cell::text(format!(
            "13{}{:08}",
            rng.range(3, 9),
            rng.next_u64() % 100_000_000
        )))
        .committee(if small_committee { 2 } else { rng.range(3, 7) })
        .on_time_election(if rng.per_mille(920) { "是" } else { "否" })
        .meetings(
            weighted(rng, &[(0, 15), (2, 60), (4, 925)]),
            rng.range(6, 12),
            rng.range(2, 4),
            rng.range(6, 12),
        )
        .funding(f64::from(rng.range(0, 50)) / 10.0)
        .venue(rng.range(10, 200))
        .satisfaction(weighted(
            rng,
            &[(55, 30), (68, 150), (78, 250), (86, 250), (95, 320)],
        ))
        .target_tier("优秀");
    if rng.per_mille(20) {
        row = row.vacant_secretary();
    }
    let computed = tier_of(&row);
    // Most clerks assess their own tier as the rules do; some do not (W201).
    let own = if rng.per_mille(850) {
        computed
    } else {
        *rng.pick(TIERS)
    };
    row = row.self_tier(own);
    let lagging = own == "后进" || computed == "后进";
    if lagging && rng.per_mille(900) {
        row = row.plan("组织生活不规范", "按月召开支委会", Cell::date(2026, 12, 31));
    }
    if rng.per_mille(7) {
        row = mistake(rng, row);
    }
    row
}

/// The tier the embedded rules give the row (its values as the reader would normalize them).
fn tier_of(row: &OrgRow) -> &'static str {
    thread_local! {
        static RULES: Rules = Rules::embedded();
    }
    let mut record = Record::new(0, ORGANIZATIONS.columns.len());
    for (i, (cell, column)) in row.cells.iter().zip(ORGANIZATIONS.columns).enumerate() {
        if let Ok(value) = normalize(&column.kind, &cell.to_data()) {
            record.values[i] = value;
        } else {
            record.mark_invalid(i);
        }
    }
    RULES.with(|rules| {
        let tier = rules.classify(&record).tier;
        TIERS
            .iter()
            .copied()
            .find(|t| *t == rules.tier_name(tier))
            .unwrap_or("一般")
    })
}

/// A value from (value, weight per mille) pairs, plus a small spread.
fn weighted(rng: &mut Rng, choices: &[(u32, u32)]) -> u32 {
    let mut roll = rng.range(1, 1000);
    for &(value, weight) in choices {
        if roll <= weight {
            return value + rng.range(0, 4);
        }
        roll -= weight;
    }
    choices.last().map_or(0, |c| c.0)
}

/// One of the mistakes clerks make, so the issue paths run too.
fn mistake(rng: &mut Rng, row: OrgRow) -> OrgRow {
    match rng.range(1, 5) {
        1 => row.members("若干"),
        2 => row.secretary_phone(Cell::text("1381234567")),
        3 => row.satisfaction("很满意"),
        4 => row.members(Cell::text("12人")),
        _ => row.org_type("党小组"),
    }
}

/// Write `forms` forms of `orgs` organizations into `dir` in parallel, in varied layouts or
/// the issued one; returns the paths.
pub fn generate(dir: &Path, forms: usize, orgs: usize, seed: u64, varied: bool) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("create the output folder");
    (0..forms)
        .into_par_iter()
        .map(|i| {
            let path = dir.join(file_name(i));
            let form = if varied {
                varied_form(seed, i, orgs)
            } else {
                form(seed, i, orgs)
            };
            form.write(&path)
                .unwrap_or_else(|e| panic!("write {}: {e}", path.display()))
        })
        .collect()
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let scale =
        value("--scale").map(|s| scale_named(&s).expect("county, province, national or varied"));
    let forms = value("--forms").map_or(scale.map_or(30, |s| s.forms), |v| v.parse().unwrap());
    let orgs = value("--orgs").map_or(scale.map_or(50, |s| s.orgs), |v| v.parse().unwrap());
    let seed = value("--seed").map_or(DEFAULT_SEED, |v| v.parse().unwrap());
    let out = PathBuf::from(value("--out").unwrap_or_else(|| "/tmp/taizhang-forms".into()));
    let start = std::time::Instant::now();
    let varied = scale.is_some_and(|s| s.varied) || args.iter().any(|a| a == "--varied");
    let paths = generate(&out, forms, orgs, seed, varied);
    eprintln!(
        "{} forms x {orgs} organizations in {} ({:.1} s)",
        paths.len(),
        out.display(),
        start.elapsed().as_secs_f64()
    );
}
