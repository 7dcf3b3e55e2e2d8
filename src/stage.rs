//! 调查阶段 (survey stage): which round of the survey a return belongs to, and which round a
//! run collects.
//!
//! The same form serves the 摸底 (April) and the 年终 (year-end) round; a unit sends one return
//! per round. So the stage is part of a return's identity: a 年终 return dropped into the 摸底
//! inbox is not a newer version of the unit's April return and must never replace it. A run
//! collects one stage ([`StageRule::decide`]); a return of the other stage is excluded from its
//! unit's version choice and named with E406. A return that states no stage counts as one of
//! the collected stage (older forms had no such cell).

use crate::check::FileReport;
use crate::issue::{Code, Issue};
use crate::schema::UNIT_INFO;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// One round of the survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SurveyStage {
    /// 摸底: the start-of-year survey (due in April).
    #[serde(rename = "摸底")]
    Baseline,
    /// 年终: the year-end re-rating.
    #[serde(rename = "年终")]
    YearEnd,
}

impl SurveyStage {
    /// As the form's 调查阶段 cell and the `--stage` option write it.
    pub fn label(self) -> &'static str {
        match self {
            SurveyStage::Baseline => "摸底",
            SurveyStage::YearEnd => "年终",
        }
    }

    /// The stage a normalized 调查阶段 value ("摸底", "年终") names.
    pub fn parse(text: &str) -> Option<SurveyStage> {
        match text {
            "摸底" => Some(SurveyStage::Baseline),
            "年终" => Some(SurveyStage::YearEnd),
            _ => None,
        }
    }

    /// The round in a sentence: 摸底调查请于…前报送.
    pub fn round(self) -> &'static str {
        match self {
            SurveyStage::Baseline => "摸底调查",
            SurveyStage::YearEnd => "年终复评",
        }
    }

    /// The name of the form issued for the round, in its title and file names.
    pub fn form_name(self) -> &'static str {
        match self {
            SurveyStage::Baseline => "摸底调查表",
            SurveyStage::YearEnd => "年终复评表",
        }
    }

    /// The round due by `deadline`: January to June is 摸底, July to December 年终.
    pub fn due_by(deadline: NaiveDate) -> SurveyStage {
        if deadline.month() <= 6 {
            SurveyStage::Baseline
        } else {
            SurveyStage::YearEnd
        }
    }

    /// The folder a return of this stage belongs in, for messages.
    fn inbox(self) -> &'static str {
        match self {
            SurveyStage::Baseline => "摸底调查表请放入摸底收件文件夹",
            SurveyStage::YearEnd => "年终复评表请放入年终收件文件夹",
        }
    }
}

/// How a run chooses the stage it collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StageRule {
    /// `--stage`.
    Given(SurveyStage),
    /// `--deadline` given: the round due by it ([`SurveyStage::due_by`]).
    Deadline(NaiveDate),
    /// Neither: the stage most returns state, 摸底 on a tie or when none states one.
    #[default]
    Majority,
}

/// The stage a run collects, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectedStage {
    pub stage: SurveyStage,
    pub rule: StageRule,
}

/// In JSON: `{"stage": "摸底", "reason": "…"}`.
impl Serialize for CollectedStage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("CollectedStage", 2)?;
        out.serialize_field("stage", &self.stage)?;
        out.serialize_field("reason", &self.reason())?;
        out.end()
    }
}

impl CollectedStage {
    /// Why this stage, in a few words for the summary ("按截止日期 2026-04-15").
    pub fn reason(&self) -> String {
        match self.rule {
            StageRule::Given(_) => "按 --stage 指定".to_string(),
            StageRule::Deadline(d) => format!("按截止日期 {d}：1–6 月为摸底，7–12 月为年终"),
            StageRule::Majority => "按多数报表所填，持平或未填时为摸底".to_string(),
        }
    }

    /// The stage and a word of why, for a heading: "摸底，按截止日期".
    pub fn short(&self) -> String {
        let why = match self.rule {
            StageRule::Given(_) => "按 --stage",
            StageRule::Deadline(_) => "按截止日期",
            StageRule::Majority => "按多数报表",
        };
        format!("{}，{why}", self.stage.label())
    }

    /// One line for the summary: "调查阶段：摸底（按 --stage 指定）".
    pub fn line(&self) -> String {
        format!("调查阶段：{}（{}）", self.stage.label(), self.reason())
    }

    /// Whether a return stating `stated` belongs to this run: the same stage, or none stated.
    pub fn admits(&self, stated: Option<SurveyStage>) -> bool {
        stated.is_none_or(|s| s == self.stage)
    }
}

impl StageRule {
    /// The stage to collect, `stated` being the stage each readable return states.
    pub fn decide(self, stated: impl IntoIterator<Item = Option<SurveyStage>>) -> CollectedStage {
        let stage = match self {
            StageRule::Given(stage) => stage,
            StageRule::Deadline(deadline) => SurveyStage::due_by(deadline),
            StageRule::Majority => {
                let (mut baseline, mut year_end) = (0usize, 0usize);
                for stage in stated.into_iter().flatten() {
                    match stage {
                        SurveyStage::Baseline => baseline += 1,
                        SurveyStage::YearEnd => year_end += 1,
                    }
                }
                if year_end > baseline {
                    SurveyStage::YearEnd
                } else {
                    SurveyStage::Baseline
                }
            }
        };
        CollectedStage { stage, rule: self }
    }
}

/// E406 on a return of `stated` stage when `collected` is collected.
pub fn other_stage_issue(stated: SurveyStage, collected: &CollectedStage) -> Issue {
    let mut issue = Issue::sheet(
        Code::StageNotCollected,
        UNIT_INFO.name,
        format!(
            "调查阶段填的是“{}”，本次收集的是{}报表（{}）：本文件不计入{}台账，也不替代该单位的{}报表；{}",
            stated.label(),
            collected.stage.label(),
            collected.reason(),
            collected.stage.label(),
            collected.stage.label(),
            stated.inbox(),
        ),
    );
    issue.field = Some("stage");
    issue.value = Some(stated.label().to_string());
    issue
}

/// `check --stage`: E406 on a return that states another stage than `stage`.
pub fn flag_other_stage(report: &mut FileReport, stage: SurveyStage) {
    flag_not_collected(report, &StageRule::Given(stage).decide([]));
}

/// [`flag_other_stage`] for the round `collected` names, and why (the web intake's, chosen by
/// `--stage` or by its deadline).
pub fn flag_not_collected(report: &mut FileReport, collected: &CollectedStage) {
    let Some(form) = report.form.as_mut() else {
        return;
    };
    let stated = form.stage().and_then(SurveyStage::parse);
    if let Some(stated) = stated.filter(|&s| !collected.admits(Some(s))) {
        form.issues.push(other_stage_issue(stated, collected));
        form.sort_issues();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SurveyStage::*;

    #[test]
    fn the_deadline_month_decides_the_round() {
        let on = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(due_by_label(on(4, 15)), "摸底");
        assert_eq!(due_by_label(on(6, 30)), "摸底");
        assert_eq!(due_by_label(on(7, 1)), "年终");
        assert_eq!(due_by_label(on(12, 20)), "年终");
    }

    #[test]
    fn the_baseline_form_is_the_form_of_the_schema() {
        let title = format!("{}{}", crate::schema::FORM_SUBJECT, Baseline.form_name());
        assert_eq!(title, crate::schema::FORM_TITLE);
        assert_eq!(format!("{title}.xlsx"), crate::schema::TEMPLATE_FILE);
        assert_eq!(YearEnd.form_name(), "年终复评表");
    }

    fn due_by_label(d: NaiveDate) -> &'static str {
        SurveyStage::due_by(d).label()
    }

    #[test]
    fn the_majority_decides_and_a_tie_or_silence_is_baseline() {
        let decide = |s: &[Option<SurveyStage>]| StageRule::Majority.decide(s.to_vec()).stage;
        assert_eq!(
            decide(&[Some(YearEnd), Some(YearEnd), Some(Baseline)]),
            YearEnd
        );
        assert_eq!(decide(&[Some(YearEnd), Some(Baseline)]), Baseline);
        assert_eq!(decide(&[None, None]), Baseline);
        assert_eq!(decide(&[Some(YearEnd), None, None]), YearEnd);
        let given = StageRule::Given(YearEnd).decide([Some(Baseline)]);
        assert_eq!(given.stage, YearEnd);
    }
}
