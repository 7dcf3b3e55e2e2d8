//! The standard in plain Chinese, written from the settings themselves, so what `taizhang
//! rules` prints and what the issued form's 填报说明 says are what the classifier applies.

use super::config::{LifeItem, RulesFile};
use super::Rules;
use crate::normalize::format_number;
use crate::schema::ORGANIZATIONS;

const NUMERALS: [&str; 5] = ["一", "二", "三", "四", "五"];

impl Rules {
    /// The standard as readable lines: the survey points with what earns and loses points,
    /// the vetoes, the tier cut-offs and the targets.
    pub fn describe(&self) -> Vec<String> {
        let f = &self.file;
        let mut lines = vec![format!("评分标准：{}", f.name), self.overview()];
        let sections = [setup(f), leadership(f), life(f), support(f), role(f)];
        let names = self.survey_point_names();
        let maxima = self.survey_point_maxima();
        for (i, section) in sections.into_iter().enumerate() {
            lines.push(format!("{}、{}（{} 分）", NUMERALS[i], names[i], maxima[i]));
            lines.extend(section.into_iter().map(|l| format!("  · {l}")));
        }
        lines.push("等次".into());
        lines.extend(self.tier_lines().into_iter().map(|l| format!("  · {l}")));
        lines.push("目标".into());
        lines.extend(targets(f).into_iter().map(|l| format!("  · {l}")));
        lines
    }

    /// When each round is due, as `taizhang rules` shows it (not part of the standard the
    /// issued form describes: the form says its own deadline).
    pub fn describe_deadlines(&self) -> String {
        let deadlines = &self.file.deadlines;
        let due = super::config::Deadlines::in_words;
        format!(
            "报送截止：摸底 {}，年终 {}（命令行 --deadline 可另行指定）",
            due(&deadlines.baseline),
            due(&deadlines.year_end)
        )
    }

    /// The weights of the 单位考评, as `taizhang rules` shows them.
    pub fn describe_evaluation(&self) -> String {
        use crate::evaluation::Indicator::*;
        let e = &self.file.evaluation;
        let weights: Vec<String> = [
            Excellent, Conversion, Targets, Coverage, OnTime, Clean, Rectified,
        ]
        .iter()
        .map(|i| format!("{} {}", i.label(), format_number(i.weight(e))))
        .collect();
        format!(
            "单位考评权重：{}（按各单位适用的指标折算为百分制）",
            weights.join("，")
        )
    }

    fn overview(&self) -> String {
        let parts: Vec<String> = self
            .survey_point_names()
            .iter()
            .zip(self.survey_point_maxima())
            .map(|(n, m)| format!("{n} {m} 分"))
            .collect();
        format!(
            "满分 {} 分，分五个调查点：{}。均按整数计分。",
            self.file.total,
            parts.join("、")
        )
    }

    fn tier_lines(&self) -> Vec<String> {
        let t = &self.file.tiers;
        let mut lines = vec![format!("有一票否决情形的，定为“{}”。", t.veto)];
        let mapped = t.levels.iter().any(|l| l.name != l.form_tier);
        for (i, level) in t.levels.iter().enumerate() {
            let reach = match (i + 1 == t.levels.len(), i.checked_sub(1)) {
                (false, _) => format!("{} 分及以上", level.min),
                (true, Some(p)) => format!("{} 分以下", t.levels[p].min),
                (true, None) => "不论多少".to_string(),
            };
            let form = if mapped {
                format!("（对应调查表等次“{}”）", level.form_tier)
            } else {
                String::new()
            };
            lines.push(format!("总分 {reach}为“{}”{form}。", level.name));
        }
        lines.push(format!(
            "评分所需的项目未填或填写有误的，等次为“{}”，不作推测；改正后重新汇总即可定级。",
            super::PENDING
        ));
        lines
    }
}

fn joined(types: &[String]) -> String {
    types.join("或")
}

fn setup(f: &RulesFile) -> Vec<String> {
    let s = &f.setup;
    let mut lines = vec![format!(
        "{}正式党员不足 {} 人的，本项得 0 分。",
        joined(&s.min_members.types),
        s.min_members.members
    )];
    for rule in &s.oversize {
        lines.push(format!(
            "正式党员 {} 人及以上仍为{}的，扣 {} 分（应设{}）。",
            rule.members,
            joined(&rule.types),
            rule.deduct,
            rule.due
        ));
    }
    lines
}

fn leadership(f: &RulesFile) -> Vec<String> {
    let l = &f.leadership;
    let veto = if l.vacant_veto {
        "，并一票否决"
    } else {
        ""
    };
    vec![
        format!("书记空缺（书记姓名未填）的，本项得 0 分{veto}。"),
        format!(
            "正式党员 {} 人及以上、班子成员少于 {} 人的，扣 {} 分。",
            l.committee.members, l.committee.min_size, l.committee.deduct
        ),
        format!("未按期换届的，扣 {} 分。", l.election_deduct),
    ]
}

fn life(f: &RulesFile) -> Vec<String> {
    let mut lines: Vec<String> = f.life.items.iter().map(life_item).collect();
    lines.push(
        "次数达到要求的得满分，达到要求次数的一半（向上取整）的得一半分（向下取整），否则不得分。"
            .into(),
    );
    lines
}

fn life_item(item: &LifeItem) -> String {
    let header = ORGANIZATIONS
        .columns
        .iter()
        .find(|c| c.key == item.field)
        .map_or(item.field.as_str(), |c| c.header);
    let mut line = format!(
        "{header}全年达到 {} 次得 {} 分，达到 {} 次得 {} 分",
        item.required,
        item.points,
        item.required.div_ceil(2),
        item.points / 2
    );
    if let Some(size) = item.only_with_committee {
        line.push_str(&format!("（班子成员不足 {size} 人的不考核此项，得满分）"));
    }
    if item.veto_when_zero {
        line.push_str(&format!("；{header}为 0 的，一票否决"));
    }
    line.push('。');
    line
}

fn support(f: &RulesFile) -> Vec<String> {
    let s = &f.support;
    vec![
        format!(
            "年度工作经费多于 {} 万元的，得 {} 分。",
            format_number(s.funding_above),
            s.funding_points
        ),
        format!(
            "活动场所面积不少于 {} 平方米的，得 {} 分。",
            format_number(s.venue_at_least),
            s.venue_points
        ),
    ]
}

fn role(f: &RulesFile) -> Vec<String> {
    let r = &f.role;
    let bands: Vec<String> = r
        .bands
        .iter()
        .map(|b| format!("{}% 及以上得 {} 分", format_number(b.min), b.points))
        .collect();
    let lowest = r.bands.last().map_or(0.0, |b| b.min);
    let veto = if r.veto_below {
        "，并一票否决"
    } else {
        ""
    };
    vec![
        format!("按群众满意度计分：{}。", bands.join("，")),
        format!(
            "群众满意度低于 {}% 的，得 0 分{veto}。",
            format_number(lowest)
        ),
    ]
}

fn targets(f: &RulesFile) -> Vec<String> {
    let (c, u) = (&f.coverage, &f.upgrade);
    let mut lines = vec![
        format!(
            "两新组织建党率不低于 {}%，规模以上两新组织建党率不低于 {}%。",
            format_number(c.party_org_rate_percent),
            format_number(c.above_scale_rate_percent)
        ),
        format!(
            "摸底时的后进党组织，年终转为一般及以上的比例（后进转化率）不低于 {}%。",
            format_number(u.laggard_conversion_percent)
        ),
        match u.max_demotions {
            0 => "年终等次不得低于摸底等次（不得降位）。".to_string(),
            n => format!("年终等次低于摸底等次（降位）的党组织不超过 {n} 个。"),
        },
    ];
    if u.targets_met {
        lines.push("每个党组织都应实现摸底时填写的争创目标。".into());
    }
    lines
}
