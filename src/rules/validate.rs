//! Consistency checks of a parsed rules file: what serde cannot see (bands out of order,
//! points above a maximum, a tier referenced but not defined). The first fault found is
//! reported with the path of the setting at fault, which the loader turns into a line.

use super::config::{Band, Life, RulesFile, Setup, TierScheme};
use crate::schema::{Kind, ORGANIZATIONS, ORG_TYPES, TIERS};

/// One step of the path to a setting: a key, or an index into an array.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Seg {
    Key(&'static str),
    Index(usize),
}

/// A setting at fault and why, in Chinese.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fault {
    pub path: Vec<Seg>,
    pub message: String,
}

type Checked = Result<(), Fault>;

fn fault(path: &[Seg], message: String) -> Checked {
    Err(Fault {
        path: path.to_vec(),
        message,
    })
}

use Seg::{Index, Key};

/// Check the whole file; the first fault wins.
pub(crate) fn check(file: &RulesFile) -> Checked {
    check_total(file)?;
    check_setup(&file.setup)?;
    check_leadership(file)?;
    check_life(&file.life)?;
    check_support(file)?;
    check_role(file)?;
    check_tiers(&file.tiers, file.total)?;
    check_targets(file)?;
    check_deadlines(file)?;
    check_weights(file)
}

fn check_weights(f: &RulesFile) -> Checked {
    let e = &f.evaluation;
    let weights = [
        ("excellent_share", e.excellent_share),
        ("laggard_conversion", e.laggard_conversion),
        ("targets_met", e.targets_met),
        ("coverage", e.coverage),
        ("on_time", e.on_time),
        ("clean_returns", e.clean_returns),
        ("rectified_on_time", e.rectified_on_time),
    ];
    for (key, weight) in weights {
        if !weight.is_finite() || weight < 0.0 {
            let message = format!(
                "{key} 是单位考评的权重，应为不小于 0 的数（0 表示不考评该项），现为 {weight}"
            );
            return fault(&[Key("evaluation"), Key(key)], message);
        }
    }
    Ok(())
}

fn check_deadlines(f: &RulesFile) -> Checked {
    // 摸底 is due in January–June, 年终 in July–December (how a deadline tells the round).
    for (key, text, months, round) in [
        ("baseline", &f.deadlines.baseline, 1..=6, "摸底"),
        ("year_end", &f.deadlines.year_end, 7..=12, "年终"),
    ] {
        let path = [Key("deadlines"), Key(key)];
        match super::config::month_day(text) {
            None => {
                return fault(
                    &path,
                    format!("截止日期“{text}”不是有效的月-日，应写成 04-15 这样的格式"),
                )
            }
            Some((month, _)) if !months.contains(&month) => {
                return fault(
                    &path,
                    format!(
                        "{round}的截止日期应在 {}–{} 月之间，填写的是“{text}”",
                        months.start(),
                        months.end()
                    ),
                )
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn check_total(f: &RulesFile) -> Checked {
    let maxima = [
        (&f.setup.name, f.setup.max),
        (&f.leadership.name, f.leadership.max),
        (&f.life.name, f.life.max),
        (&f.support.name, f.support.max),
        (&f.role.name, f.role.max),
    ];
    let sum: u32 = maxima.iter().map(|(_, m)| m).sum();
    if sum == f.total {
        return Ok(());
    }
    let parts: Vec<String> = maxima.iter().map(|(n, m)| format!("{n} {m}")).collect();
    fault(
        &[Key("total")],
        format!(
            "五个调查点满分之和为 {sum} 分（{}），与总分 total = {} 不一致",
            parts.join("、"),
            f.total
        ),
    )
}

fn check_org_types(path: &[Seg], types: &[String]) -> Checked {
    match types
        .iter()
        .find(|t| !ORG_TYPES.values.contains(&t.as_str()))
    {
        None => Ok(()),
        Some(t) => fault(
            path,
            format!(
                "组织类型“{t}”不是调查表中的类型（应为 {}）",
                ORG_TYPES.values.join("、")
            ),
        ),
    }
}

fn check_deduct(path: &[Seg], deduct: u32, point: &str, max: u32) -> Checked {
    if deduct <= max {
        return Ok(());
    }
    fault(path, format!("扣分 {deduct} 超过“{point}”的满分 {max} 分"))
}

fn check_setup(s: &Setup) -> Checked {
    check_org_types(
        &[Key("setup"), Key("min_members"), Key("types")],
        &s.min_members.types,
    )?;
    for (i, rule) in s.oversize.iter().enumerate() {
        let at = |k| [Key("setup"), Key("oversize"), Index(i), Key(k)];
        check_org_types(&at("types"), &rule.types)?;
        check_org_types(&at("due"), std::slice::from_ref(&rule.due))?;
        check_deduct(&at("deduct"), rule.deduct, &s.name, s.max)?;
    }
    Ok(())
}

fn check_leadership(f: &RulesFile) -> Checked {
    let l = &f.leadership;
    check_deduct(
        &[Key("leadership"), Key("election_deduct")],
        l.election_deduct,
        &l.name,
        l.max,
    )?;
    check_deduct(
        &[Key("leadership"), Key("committee"), Key("deduct")],
        l.committee.deduct,
        &l.name,
        l.max,
    )
}

/// Whether `key` names a count column of 党组织情况 (the meetings of 三会一课).
fn is_count_column(key: &str) -> bool {
    ORGANIZATIONS
        .columns
        .iter()
        .any(|c| c.key == key && c.key != "seq" && matches!(c.kind, Kind::Int { .. }))
}

fn check_life(life: &Life) -> Checked {
    if life.items.is_empty() {
        return fault(
            &[Key("life")],
            "“组织制度”至少要有一个考核项（[[life.items]]）".into(),
        );
    }
    for (i, item) in life.items.iter().enumerate() {
        let at = |k| [Key("life"), Key("items"), Index(i), Key(k)];
        if !is_count_column(&item.field) {
            return fault(
                &at("field"),
                format!("“{}”不是调查表中的次数列", item.field),
            );
        }
        if life.items[..i].iter().any(|x| x.field == item.field) {
            return fault(&at("field"), format!("考核项“{}”重复", item.field));
        }
        if item.required == 0 {
            return fault(&at("required"), "要求次数 required 应至少为 1".into());
        }
        check_points(&at("points"), item.points, &life.name, life.max)?;
    }
    let sum: u32 = life.items.iter().map(|i| i.points).sum();
    check_sum(&[Key("life"), Key("max")], sum, &life.name, life.max)
}

fn check_points(path: &[Seg], points: u32, point: &str, max: u32) -> Checked {
    if points <= max {
        return Ok(());
    }
    fault(path, format!("得分 {points} 超过“{point}”的满分 {max} 分"))
}

fn check_sum(path: &[Seg], sum: u32, point: &str, max: u32) -> Checked {
    if sum == max {
        return Ok(());
    }
    fault(
        path,
        format!("“{point}”各项得分之和为 {sum} 分，与满分 max = {max} 不一致"),
    )
}

fn check_support(f: &RulesFile) -> Checked {
    let s = &f.support;
    for (key, value) in [
        ("funding_above", s.funding_above),
        ("venue_at_least", s.venue_at_least),
    ] {
        if !(value.is_finite() && value >= 0.0) {
            return fault(
                &[Key("support"), Key(key)],
                format!("{key} 应为不小于 0 的数"),
            );
        }
    }
    check_points(
        &[Key("support"), Key("funding_points")],
        s.funding_points,
        &s.name,
        s.max,
    )?;
    check_points(
        &[Key("support"), Key("venue_points")],
        s.venue_points,
        &s.name,
        s.max,
    )?;
    let sum = s.funding_points + s.venue_points;
    check_sum(&[Key("support"), Key("max")], sum, &s.name, s.max)
}

fn check_role(f: &RulesFile) -> Checked {
    let r = &f.role;
    let Some(first) = r.bands.first() else {
        return fault(
            &[Key("role"), Key("bands")],
            "满意度分档 bands 不能为空".into(),
        );
    };
    for (i, band) in r.bands.iter().enumerate() {
        let at = [Key("role"), Key("bands"), Index(i)];
        check_points(&at, band.points, &r.name, r.max)?;
        check_band(&at, band, i.checked_sub(1).map(|p| &r.bands[p]))?;
    }
    if first.points != r.max {
        let message = format!(
            "第一档得分 {} 应等于“{}”的满分 {} 分",
            first.points, r.name, r.max
        );
        return fault(&[Key("role"), Key("bands"), Index(0)], message);
    }
    Ok(())
}

fn check_band(at: &[Seg], band: &Band, previous: Option<&Band>) -> Checked {
    if !(0.0..=100.0).contains(&band.min) {
        return fault(at, format!("满意度 {} 应在 0 到 100 之间", band.min));
    }
    match previous {
        Some(p) if band.min >= p.min => fault(
            at,
            format!(
                "满意度分档应从高到低排列：{} 不应排在 {} 之后",
                band.min, p.min
            ),
        ),
        Some(p) if band.points > p.points => fault(
            at,
            format!(
                "满意度较低的一档得分 {} 高于上一档的 {}",
                band.points, p.points
            ),
        ),
        _ => Ok(()),
    }
}

/// Position of a form tier (优秀 0, 一般 1, 后进 2).
pub(crate) fn form_rank(form_tier: &str) -> Option<usize> {
    TIERS.values.iter().position(|v| *v == form_tier)
}

fn check_tiers(t: &TierScheme, total: u32) -> Checked {
    let Some(last) = t.levels.last() else {
        return fault(
            &[Key("tiers")],
            "至少要定义一个等次（[[tiers.levels]]）".into(),
        );
    };
    for i in 0..t.levels.len() {
        check_level(t, i, total)?;
    }
    if last.min != 0 {
        let at = [
            Key("tiers"),
            Key("levels"),
            Index(t.levels.len() - 1),
            Key("min"),
        ];
        return fault(
            &at,
            format!(
                "最低等次“{}”的 min 应为 0，否则低分的党组织没有等次",
                last.name
            ),
        );
    }
    if !t.levels.iter().any(|l| l.name == t.veto) {
        let names: Vec<&str> = t.levels.iter().map(|l| l.name.as_str()).collect();
        let message = format!(
            "一票否决等次“{}”没有定义（已定义：{}）",
            t.veto,
            names.join("、")
        );
        return fault(&[Key("tiers"), Key("veto")], message);
    }
    Ok(())
}

fn check_level(t: &TierScheme, i: usize, total: u32) -> Checked {
    let level = &t.levels[i];
    let at = |k| [Key("tiers"), Key("levels"), Index(i), Key(k)];
    let previous = i.checked_sub(1).map(|p| &t.levels[p]);
    if level.name == super::PENDING || t.levels[..i].iter().any(|l| l.name == level.name) {
        return fault(
            &at("name"),
            format!("等次名称“{}”重复或与“待定”相同", level.name),
        );
    }
    if level.min > total {
        return fault(&at("min"), format!("分数线 {} 超过总分 {total}", level.min));
    }
    if let Some(p) = previous.filter(|p| level.min >= p.min) {
        let message = format!(
            "等次应从高到低排列，分数线逐级递减：“{}”的 {} 不低于“{}”的 {}",
            level.name, level.min, p.name, p.min
        );
        return fault(&at("min"), message);
    }
    let Some(rank) = form_rank(&level.form_tier) else {
        let message = format!(
            "form_tier“{}”不是调查表的等次（应为 {}）",
            level.form_tier,
            TIERS.values.join("、")
        );
        return fault(&at("form_tier"), message);
    };
    match previous.and_then(|p| form_rank(&p.form_tier)) {
        Some(prev) if rank < prev => fault(
            &at("form_tier"),
            format!("“{}”对应的调查表等次高于上一级等次所对应的", level.name),
        ),
        _ => Ok(()),
    }
}

fn check_targets(f: &RulesFile) -> Checked {
    let targets = [
        (
            "coverage",
            "party_org_rate_percent",
            f.coverage.party_org_rate_percent,
        ),
        (
            "coverage",
            "above_scale_rate_percent",
            f.coverage.above_scale_rate_percent,
        ),
        (
            "upgrade",
            "laggard_conversion_percent",
            f.upgrade.laggard_conversion_percent,
        ),
    ];
    for (section, key, value) in targets {
        if !(0.0..=100.0).contains(&value) {
            let message =
                format!("{key} 是百分数，应在 0 到 100 之间（60 表示 60%），现为 {value}");
            return fault(&[Key(section), Key(key)], message);
        }
    }
    Ok(())
}
