//! 单位考评 (验收评比): each unit scored from weighted indicators and ranked, so that the
//! department can rank and commend units without a sheet made by hand.
//!
//! Every indicator is a number from 0 to 1 ([`Indicator`]); its weight is a setting of the
//! rules file (`[evaluation]`, [`crate::rules::config::Evaluation`]). A workbook scores what it
//! knows: the ledger the April indicators, the year-end comparison its own. A unit's score is
//! its weighted sum over the indicators it can be judged on, on a scale of 100 (the sum of
//! those weights), so a unit without 两新 organizations is neither helped nor hurt by them.

use crate::rules::config::Evaluation;

/// One indicator of the evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicator {
    /// 优秀占比: organizations of the highest final tier over all.
    Excellent,
    /// 后进转化率.
    Conversion,
    /// 争创目标达成率.
    Targets,
    /// 两新建党率 over its target, at most 1.
    Coverage,
    /// The return in by the deadline.
    OnTime,
    /// The unit's returns without an error.
    Clean,
    /// Rectification plans done by their 整改时限.
    Rectified,
}

impl Indicator {
    pub fn label(self) -> &'static str {
        match self {
            Indicator::Excellent => "优秀占比",
            Indicator::Conversion => "后进转化率",
            Indicator::Targets => "争创目标达成率",
            Indicator::Coverage => "两新建党率达标",
            Indicator::OnTime => "按时报送",
            Indicator::Clean => "报表无错误",
            Indicator::Rectified => "整改按期完成",
        }
    }

    pub fn weight(self, e: &Evaluation) -> f64 {
        match self {
            Indicator::Excellent => e.excellent_share,
            Indicator::Conversion => e.laggard_conversion,
            Indicator::Targets => e.targets_met,
            Indicator::Coverage => e.coverage,
            Indicator::OnTime => e.on_time,
            Indicator::Clean => e.clean_returns,
            Indicator::Rectified => e.rectified_on_time,
        }
    }
}

/// One unit, scored.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub code: String,
    pub name: String,
    /// Parallel to [`Ranking::indicators`]; `None` where the unit cannot be judged on it.
    pub values: Vec<Option<f64>>,
    /// Out of 100; `None` when no weighted indicator applies.
    pub score: Option<f64>,
    /// 1 for the best; units with equal scores share a rank (1, 2, 2, 4).
    pub rank: Option<usize>,
}

/// Every unit of a workbook scored on the same indicators, in the units' order.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// The indicators this workbook knows, with weight above 0.
    pub indicators: Vec<Indicator>,
    pub weights: Vec<f64>,
    pub units: Vec<Scored>,
}

impl Ranking {
    /// Score `units` (code, name, one value per indicator of `known`) with the weights of `e`;
    /// indicators weighted 0 are left out.
    pub fn new(
        e: &Evaluation,
        known: &[Indicator],
        units: Vec<(String, String, Vec<Option<f64>>)>,
    ) -> Ranking {
        let kept: Vec<usize> = (0..known.len())
            .filter(|&i| known[i].weight(e) > 0.0)
            .collect();
        let indicators: Vec<Indicator> = kept.iter().map(|&i| known[i]).collect();
        let weights: Vec<f64> = indicators.iter().map(|i| i.weight(e)).collect();
        let mut scored: Vec<Scored> = (units.into_iter())
            .map(|(code, name, values)| {
                let values: Vec<Option<f64>> = kept.iter().map(|&i| values[i]).collect();
                Scored {
                    score: score(&values, &weights),
                    code,
                    name,
                    values,
                    rank: None,
                }
            })
            .collect();
        rank(&mut scored);
        Ranking {
            indicators,
            weights,
            units: scored,
        }
    }
}

/// The weighted mean of the values present, out of 100.
fn score(values: &[Option<f64>], weights: &[f64]) -> Option<f64> {
    let (sum, weight) = (values.iter().zip(weights))
        .filter_map(|(v, w)| Some((v.as_ref()? * w, *w)))
        .fold((0.0, 0.0), |(s, t), (v, w)| (s + v, t + w));
    (weight > 0.0).then(|| sum / weight * 100.0)
}

/// Competition ranking by score, rounded to the 0.01 the workbook shows (so what looks equal
/// ranks equal); unscored units get none.
fn rank(units: &mut [Scored]) {
    let shown = |s: f64| (s * 100.0).round() as i64;
    let scores: Vec<i64> = units.iter().filter_map(|u| u.score.map(shown)).collect();
    for unit in units.iter_mut() {
        unit.rank = unit
            .score
            .map(|s| 1 + scores.iter().filter(|&&other| other > shown(s)).count());
    }
}

/// A ratio as an indicator value: `None` when there is nothing to measure.
pub fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, values: Vec<Option<f64>>) -> (String, String, Vec<Option<f64>>) {
        (name.to_string(), name.to_string(), values)
    }

    #[test]
    fn a_score_is_out_of_the_weights_a_unit_is_judged_on_and_ties_share_a_rank() {
        let e = Evaluation {
            excellent_share: 30.0,
            coverage: 10.0,
            on_time: 0.0,
            ..Evaluation::default()
        };
        let known = [Indicator::Excellent, Indicator::Coverage, Indicator::OnTime];
        let ranking = Ranking::new(
            &e,
            &known,
            vec![
                // (0.5 × 30 + 1 × 10) / 40 = 62.5
                unit("甲", vec![Some(0.5), Some(1.0), Some(0.0)]),
                // No 两新: judged on 优秀占比 alone, 0.5 → 50.
                unit("乙", vec![Some(0.5), None, Some(1.0)]),
                // (0.75 × 30 + 0.25 × 10) / 40 = 62.5: equal to 甲.
                unit("丙", vec![Some(0.75), Some(0.25), None]),
                unit("丁", vec![None, None, Some(1.0)]),
            ],
        );
        assert_eq!(
            ranking.indicators,
            [Indicator::Excellent, Indicator::Coverage]
        );
        let scores: Vec<Option<f64>> = ranking.units.iter().map(|u| u.score).collect();
        assert_eq!(scores, [Some(62.5), Some(50.0), Some(62.5), None]);
        let ranks: Vec<Option<usize>> = ranking.units.iter().map(|u| u.rank).collect();
        assert_eq!(ranks, [Some(1), Some(3), Some(1), None]);
    }
}
