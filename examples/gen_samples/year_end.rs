//! The year-end (年终) returns of the same county, for `taizhang upgrade`.
//!
//! Each unit's clean baseline rows are re-rated at year end with their own PRNG (so the
//! baseline files do not change): most organizations stay as they were, some baseline 后进 are
//! turned round (书记配齐, 党员大会开起来, 群众满意度上升), a few 一般 reach 优秀, a few slip back.
//! Three cases are planted so every outcome appears: 白马镇 dissolved one organization (未复评),
//! 龙泉镇 set up a new one (新增), and in 凤凰镇 a village became a community (撤村建居), so one
//! organization was renamed under the same 党组织编码. 桃源乡 has no codes: matched by name.
//! 发展等次 moves on a PRNG of its own ([`develop`]), so adding it moved no other figure.

use super::*;
use taizhang::rules::Rules;

const YEAR_END_SEED: u64 = SEED ^ 0x4E49_414E_5A48_4F4E; // "NIANZHON"
/// (unit, 0-based row) of the organization dissolved during the year.
const DISSOLVED: (&str, usize) = ("白马镇", 2);
const NEW_ORG_UNIT: &str = "龙泉镇";
/// The 发展等次 steps, lowest first.
const DEVELOPMENT: [&str; 3] = ["差", "中", "好"];
const RENAMED_UNIT: &str = "凤凰镇";

/// Write every unit's year-end return into `out`, saying how many organizations moved.
pub(super) fn write_all(units: &[(&UnitSpec, FormBuilder)], rules: &Rules, out: &Path) {
    std::fs::create_dir_all(out).expect("create year-end samples dir");
    let mut rng = Rng::new(YEAR_END_SEED);
    let mut moves = Rng::new(YEAR_END_SEED ^ 0xD5D5);
    let mut names = Names {
        rng: Rng::new(YEAR_END_SEED ^ 0xA5A5),
        villages: HashSet::new(),
        firms: HashSet::new(),
    };
    let (mut up, mut down) = (0, 0);
    for (spec, clean) in units {
        let form = year_end_form(spec, clean, (&mut rng, &mut moves), &mut names, rules);
        let rank =
            |r: &OrgRow| crate_tier(rules, r).and_then(|t| TIERS.iter().position(|x| *x == t));
        for after in form.org_rows() {
            let name = after.get("org_name");
            let before = clean.org_rows().iter().find(|b| b.get("org_name") == name);
            match (before.and_then(rank), rank(after)) {
                (Some(a), Some(b)) if b < a => up += 1,
                (Some(a), Some(b)) if b > a => down += 1,
                _ => {}
            }
        }
        let form = layout(spec.name, form);
        let file = format!("{}.xlsx", spec.name);
        form.write(out.join(&file)).expect("write year-end sample");
        println!(
            "年终 {:<10} {:>3} 个党组织  {file}",
            spec.name,
            form.org_rows().len()
        );
    }
    println!("年终：{up} 个党组织晋位、{down} 个降位（按未埋设错误的基线计；另有撤销 1 个、新建 1 个、更名 1 个）");
}

const TIERS: [&str; 3] = ["优秀", "一般", "后进"];

fn year_end_form(
    spec: &UnitSpec,
    clean: &FormBuilder,
    (rng, moves): (&mut Rng, &mut Rng),
    names: &mut Names,
    rules: &Rules,
) -> FormBuilder {
    let style = style_for(spec.name);
    let mut form = FormBuilder::new()
        .unit(spec.name)
        .code(spec.code)
        .stage("年终")
        .filler(clean.unit_value("filler").clone())
        .phone(clean.unit_value("phone").clone())
        .filled_on(date(style, 2026, 12, spec.filled_day));
    let rows = clean.org_rows();
    let renamed = (spec.name == RENAMED_UNIT)
        .then(|| {
            rows.iter()
                .position(|r| r.get("org_name").display().contains('村'))
        })
        .flatten();
    for (i, row) in rows.iter().enumerate() {
        if (spec.name, i) == DISSOLVED {
            continue;
        }
        let mut row = rerate(row.clone(), rng, names, style, rules);
        row = develop(&rows[i], row, moves, rules);
        if Some(i) == renamed {
            let name = row.get("org_name").display().replacen('村', "社区", 1);
            row = row.name(name).domain("社区");
        }
        form = form.org_row(row);
    }
    if spec.name == NEW_ORG_UNIT {
        form = form.org_row(new_org(rows.len() + 1, spec, names, clean, rules));
    }
    for c in clean.coverage_rows() {
        form = form.coverage_row(c.clone());
    }
    form
}

/// 发展等次 at year end: an organization whose Party-building tier rose often developed too
/// (双升级), a few others moved a step up or down; blank stays blank.
fn develop(before: &OrgRow, after: OrgRow, moves: &mut Rng, rules: &Rules) -> OrgRow {
    let was = before.get("development").display();
    let Some(at) = DEVELOPMENT.iter().position(|d| was == *d) else {
        return after;
    };
    let rank = |r: &OrgRow| crate_tier(rules, r).and_then(|t| TIERS.iter().position(|x| *x == t));
    let rose = matches!((rank(before), rank(&after)), (Some(a), Some(b)) if b < a);
    let to = if moves.percent(if rose { 60 } else { 12 }) {
        (at + 1).min(DEVELOPMENT.len() - 1)
    } else if moves.percent(5) {
        at.saturating_sub(1)
    } else {
        at
    };
    after.development(DEVELOPMENT[to])
}

fn percent(style: Style, v: u32) -> Cell {
    if style.percent_text {
        Cell::text(format!("{v}%"))
    } else if style.percent_fraction {
        Cell::Number(f64::from(v) / 100.0)
    } else {
        v.into()
    }
}

/// A year of work: most rows unchanged, some better, a few worse; tiers set by the crate.
fn rerate(row: OrgRow, rng: &mut Rng, names: &mut Names, style: Style, rules: &Rules) -> OrgRow {
    let yes = if style.tick { "√" } else { "是" };
    let row = match crate_tier(rules, &row) {
        Some("后进") if rng.percent(65) => {
            let row = if row.get("secretary").is_empty() {
                row.secretary(names.person())
                    .secretary_phone(names.mobile())
            } else {
                row
            };
            // Half reach 优秀; the others are still short of meetings: 一般.
            let (lectures, satisfaction) = if rng.percent(50) {
                (4, rng.range(90, 96))
            } else {
                (2, rng.range(72, 85))
            };
            row.meetings(rng.range(4, 5), 12, lectures, rng.range(10, 12))
                .on_time_election(yes)
                .satisfaction(percent(style, satisfaction))
                .funding(2)
                .venue(40)
        }
        Some("一般") if rng.percent(30) => row
            .meetings(4, 12, 4, 12)
            .on_time_election(yes)
            .satisfaction(percent(style, rng.range(90, 97))),
        Some("一般") if rng.percent(8) => row.satisfaction(percent(style, rng.range(50, 58))),
        Some("优秀") if rng.percent(5) => row
            .on_time_election("否")
            .satisfaction(percent(style, rng.range(72, 78))),
        _ => row,
    };
    settle(row, style, rules)
}

/// Self-assessment as the standard rates it; a 后进 keeps a plan due after year end.
fn settle(row: OrgRow, style: Style, rules: &Rules) -> OrgRow {
    let tier = crate_tier(rules, &row).expect("year-end rows are complete");
    let row = row.self_tier(tier);
    if tier != "后进" {
        return row.plan(Cell::Empty, Cell::Empty, Cell::Empty);
    }
    let (_, problems, measures) = PROBLEMS.last().expect("problems listed");
    let problems = match row.get("problems") {
        Cell::Empty => Cell::from(*problems),
        kept => kept.clone(),
    };
    let measures = match row.get("measures") {
        Cell::Empty => Cell::from(*measures),
        kept => kept.clone(),
    };
    row.plan(problems, measures, date(style, 2027, 6, 30))
}

/// An organization set up during the year (新增), with its own new code.
fn new_org(
    n: usize,
    spec: &UnitSpec,
    names: &mut Names,
    clean: &FormBuilder,
    rules: &Rules,
) -> OrgRow {
    let taken = |v: &str| {
        clean
            .org_rows()
            .iter()
            .any(|r| r.get("org_name").display().starts_with(v))
    };
    let village = loop {
        let v = names.village();
        if !taken(&v) {
            break v;
        }
    };
    let row = OrgRow::clean(n)
        .name(format!("{village}村党支部"))
        .code(format!("0{}{n:03}", spec.code))
        .secretary(names.person())
        .secretary_phone(names.mobile())
        .remarks("2026年9月新成立");
    settle(row, style_for(spec.name), rules)
}
