//! What the county decided for the form it issues: for whom, which round, by when, which year
//! and which standard.

use chrono::{Datelike, NaiveDate};

use super::TemplateError;
use crate::rules::Rules;
use crate::schema::FORM_SUBJECT;
use crate::stage::SurveyStage;

/// What to put into the form beyond the blank layout.
///
/// The default is the form as committed under `templates/`: the 摸底 title without a year,
/// the deadline of the 摸底 round (4月15日), the 调查阶段 left to the clerk, the embedded
/// standard. A pre-filled form (one per roster unit) carries the unit's name and code in
/// 单位信息, locked, so a township cannot mistype who it is.
///
/// ```
/// use taizhang::stage::SurveyStage;
/// use taizhang::template::TemplateOptions;
///
/// let options = TemplateOptions {
///     stage: Some(SurveyStage::YearEnd),
///     year: Some(2026),
///     ..TemplateOptions::default()
/// };
/// assert_eq!(options.title(), "2026年基层党组织分类定级年终复评表");
/// assert_eq!(options.file_name(), "基层党组织分类定级年终复评表.xlsx");
/// ```
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// 填报单位, written into 单位信息 and the title of 党组织情况.
    pub unit_name: Option<String>,
    /// 单位代码, written into 单位信息.
    pub unit_code: Option<String>,
    /// The county's own standard for 填报说明; `None` describes [`Rules::embedded`].
    pub rules: Option<Rules>,
    /// The round the form is issued for: its 调查阶段 written and locked, its title and file
    /// name saying 摸底调查表 or 年终复评表. `None` takes the round due by the deadline, or,
    /// with no deadline either, leaves 调查阶段 to the clerk under the 摸底 title.
    pub stage: Option<SurveyStage>,
    /// The day the form is due, said in 填报说明; `None` says the rules file's day for the
    /// round (`[deadlines]`: 4月15日 for 摸底, 12月31日 for 年终 by default).
    pub deadline: Option<NaiveDate>,
    /// The year in front of every title ("2026年基层党组织分类定级摸底调查表"); `None` leaves
    /// it out, so the form serves any year.
    pub year: Option<i32>,
    /// The unit's organizations in the April ledger, listed in 党组织情况 of its 年终复评表
    /// with name and code locked and the April tier beside them (`template --baseline`);
    /// empty for a form with no rows.
    pub organizations: Vec<super::PrefilledOrg>,
    /// Replace a file of the form's name even when it is not an unfilled form of ours
    /// (`template --force`; see [`crate::output`]).
    pub force: bool,
}

impl TemplateOptions {
    /// Options for one roster unit's pre-filled form.
    pub fn for_unit(code: impl Into<String>, name: impl Into<String>) -> Self {
        TemplateOptions {
            unit_name: Some(name.into()),
            unit_code: Some(code.into()),
            ..TemplateOptions::default()
        }
    }

    /// The round the form is for: [`TemplateOptions::stage`], else the round due by the
    /// deadline ([`SurveyStage::due_by`], the rule `ledger` and `status` collect by).
    pub fn stage(&self) -> Option<SurveyStage> {
        self.stage.or(self.deadline.map(SurveyStage::due_by))
    }

    /// The form's name: 摸底调查表 unless the form is for the 年终 round.
    fn form_name(&self) -> &'static str {
        self.stage().unwrap_or(SurveyStage::Baseline).form_name()
    }

    /// The title every sheet and printed page of the form carries, the year in front when
    /// given: 2026年基层党组织分类定级年终复评表.
    pub fn title(&self) -> String {
        let year = self.year.map(|y| format!("{y}年")).unwrap_or_default();
        format!("{year}{FORM_SUBJECT}{}", self.form_name())
    }

    /// The file name: the title without the year for the blank form ([`crate::schema::TEMPLATE_FILE`],
    /// or 基层党组织分类定级年终复评表.xlsx), else `<单位代码>_<单位名称>_摸底调查表.xlsx` with
    /// characters unsafe in file names replaced.
    pub fn file_name(&self) -> String {
        let form = self.form_name();
        match (&self.unit_code, &self.unit_name) {
            (None, None) => format!("{FORM_SUBJECT}{form}.xlsx"),
            (code, name) => {
                let parts: Vec<&str> = [code, name].iter().filter_map(|p| p.as_deref()).collect();
                let stem = crate::save::safe_file_name(&parts.join("_"));
                crate::output::fit_name(&stem, &format!("_{form}.xlsx"))
            }
        }
    }

    /// Refuse a form that would contradict itself: a deadline outside its round's months (a
    /// 年终复评表 due in April would be collected as 摸底 by `ledger --deadline`), a year in
    /// the title other than the deadline's, or organizations pre-filled into a form not for
    /// the 年终 round.
    pub fn validate(&self) -> Result<(), TemplateError> {
        if !self.organizations.is_empty() && self.stage() != Some(SurveyStage::YearEnd) {
            return Err(TemplateError::PrefilledNotYearEnd);
        }
        let Some(deadline) = self.deadline else {
            return Ok(());
        };
        if let Some(stage) = self.stage.filter(|&s| s != SurveyStage::due_by(deadline)) {
            return Err(TemplateError::DeadlineOutsideStage { deadline, stage });
        }
        match self.year {
            Some(year) if year != deadline.year() => {
                Err(TemplateError::YearNotDeadline { year, deadline })
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;
    use SurveyStage::*;

    fn on(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn file_name_of_blank_and_prefilled_forms() {
        assert_eq!(
            TemplateOptions::default().file_name(),
            schema::TEMPLATE_FILE
        );
        let unit = TemplateOptions::for_unit("510001", "白马镇/试点");
        assert_eq!(unit.file_name(), "510001_白马镇_试点_摸底调查表.xlsx");
    }

    #[test]
    fn the_round_names_the_file_and_the_year_only_the_title() {
        let year_end = TemplateOptions {
            stage: Some(YearEnd),
            year: Some(2026),
            ..TemplateOptions::for_unit("510001", "白马镇")
        };
        assert_eq!(year_end.file_name(), "510001_白马镇_年终复评表.xlsx");
        assert_eq!(year_end.title(), "2026年基层党组织分类定级年终复评表");
        let baseline = TemplateOptions {
            stage: Some(Baseline),
            ..TemplateOptions::default()
        };
        assert_eq!(baseline.file_name(), schema::TEMPLATE_FILE);
        assert_eq!(baseline.title(), schema::FORM_TITLE);
    }

    #[test]
    fn a_deadline_names_the_round_when_no_stage_is_given() {
        let options = |deadline| TemplateOptions {
            deadline,
            ..TemplateOptions::default()
        };
        assert_eq!(options(on(2026, 12, 10)).stage(), Some(YearEnd));
        assert_eq!(options(on(2026, 4, 15)).stage(), Some(Baseline));
        assert_eq!(options(None).stage(), None);
    }

    #[test]
    fn a_deadline_outside_the_rounds_months_or_year_is_refused() {
        let options = |stage, deadline, year| TemplateOptions {
            stage,
            deadline,
            year,
            ..TemplateOptions::default()
        };
        let ok = [
            options(Some(Baseline), on(2026, 6, 30), Some(2026)),
            options(Some(YearEnd), on(2026, 7, 1), None),
            options(None, on(2026, 12, 31), Some(2026)),
            options(Some(YearEnd), None, Some(2030)),
        ];
        for o in ok {
            assert!(o.validate().is_ok(), "{o:?}");
        }
        let late = options(Some(Baseline), on(2026, 7, 1), None).validate();
        let message = late.unwrap_err().to_string();
        assert!(
            message.contains("2026-07-01") && message.contains("1–6 月"),
            "{message}"
        );
        let early = options(Some(YearEnd), on(2026, 4, 15), None).validate();
        assert!(matches!(
            early,
            Err(TemplateError::DeadlineOutsideStage { .. })
        ));
        let year = options(None, on(2026, 4, 15), Some(2025)).validate();
        assert!(matches!(year, Err(TemplateError::YearNotDeadline { .. })));
    }
}
