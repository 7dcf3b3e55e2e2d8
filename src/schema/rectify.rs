//! 整改进展表, the rectification progress form: the plan columns pre-filled from the ledger
//! (locked) and the progress columns a unit fills, defined once for the form writer
//! ([`crate::rectify::form`]) and the reader of returns ([`crate::rectify::returned`]).

use super::column::{col, Kind, Need, SheetSchema};
use super::unit_info::{FILLED_ON, FILLER, PHONE};
use super::Choices;

/// 完成状态: where a plan stands.
pub static RECTIFY_STATUSES: Choices = Choices {
    values: &["未启动", "推进中", "已完成"],
    synonyms: &[
        ("未开始", "未启动"),
        ("尚未启动", "未启动"),
        ("进行中", "推进中"),
        ("整改中", "推进中"),
        ("正在推进", "推进中"),
        ("完成", "已完成"),
        ("已整改", "已完成"),
        ("已销号", "已完成"),
    ],
};

/// The progress list: one row per organization of the unit's plan.
pub static RECTIFY: SheetSchema = SheetSchema {
    name: "整改进展",
    aliases: &["整改进展表", "整改进展情况"],
    columns: &[
        col(
            "org_code",
            "党组织编码",
            &["组织编码", "编码"],
            Kind::Code,
            Need::Optional,
            "",
            16.0,
        ),
        col(
            "org_name",
            "党组织名称",
            &["组织名称", "党组织"],
            Kind::Text,
            Need::Optional,
            "",
            28.0,
        ),
        col(
            "tier",
            "最终等次",
            &["等次", "核定等次"],
            Kind::Text,
            Need::Optional,
            "",
            9.0,
        ),
        col(
            "reason",
            "扣分说明",
            &["后进原因"],
            Kind::Text,
            Need::Optional,
            "",
            30.0,
        ),
        col(
            "problems",
            "主要问题",
            &["存在问题"],
            Kind::Text,
            Need::Optional,
            "",
            28.0,
        ),
        col(
            "measures",
            "整改措施",
            &["整改举措"],
            Kind::Text,
            Need::Optional,
            "",
            28.0,
        ),
        col(
            "deadline",
            "整改时限",
            &["完成时限"],
            Kind::Date,
            Need::Optional,
            "",
            12.0,
        ),
        col(
            "progress",
            "进展情况",
            &["整改进展", "进展"],
            Kind::Text,
            Need::WhenEquals("status", "推进中"),
            "写明已做了哪些工作、取得什么成效",
            36.0,
        ),
        col(
            "status",
            "完成状态",
            &["整改状态", "状态"],
            Kind::Choice(&RECTIFY_STATUSES),
            Need::Required,
            "从下拉列表选择：未启动、推进中、已完成",
            10.0,
        ),
        col(
            "done_on",
            "完成日期",
            &["销号日期", "完成时间"],
            Kind::Date,
            Need::WhenEquals("status", "已完成"),
            "已完成的填写完成日期，如 2026-09-30",
            12.0,
        ),
        col(
            "responsible",
            "责任人",
            &["整改责任人"],
            Kind::Text,
            Need::Optional,
            "填写整改责任人姓名",
            10.0,
        ),
        col(
            "leader",
            "包联领导",
            &["联系领导", "包联县领导"],
            Kind::Text,
            Need::Optional,
            "填写包联领导姓名",
            10.0,
        ),
        col(
            "evidence",
            "佐证材料",
            &["佐证资料", "佐证"],
            Kind::Text,
            Need::Optional,
            "列出佐证材料名称（会议记录、照片等），材料另附",
            24.0,
        ),
    ],
    references: &[],
};

/// The header block above the list: the unit (pre-filled, locked) and who filled it in when
/// (the same fields as 单位信息's).
pub static RECTIFY_INFO: SheetSchema = SheetSchema {
    name: "整改进展",
    aliases: &[],
    columns: &[
        col(
            "unit_name",
            "单位名称",
            &["填报单位"],
            Kind::Text,
            Need::Required,
            "",
            20.0,
        ),
        col(
            "unit_code",
            "单位代码",
            &[],
            Kind::Code,
            Need::Required,
            "",
            14.0,
        ),
        FILLED_ON,
        FILLER,
        PHONE,
    ],
    references: &[],
};

/// Column indexes of [`RECTIFY`].
pub mod rect {
    use super::RECTIFY as S;
    pub const CODE: usize = S.index_of("org_code");
    pub const NAME: usize = S.index_of("org_name");
    pub const TIER: usize = S.index_of("tier");
    pub const REASON: usize = S.index_of("reason");
    pub const PROBLEMS: usize = S.index_of("problems");
    pub const MEASURES: usize = S.index_of("measures");
    pub const DEADLINE: usize = S.index_of("deadline");
    pub const PROGRESS: usize = S.index_of("progress");
    pub const STATUS: usize = S.index_of("status");
    pub const DONE_ON: usize = S.index_of("done_on");
    pub const RESPONSIBLE: usize = S.index_of("responsible");
    pub const LEADER: usize = S.index_of("leader");
    pub const EVIDENCE: usize = S.index_of("evidence");
    /// The columns pre-filled from the ledger and locked: the plan.
    pub const PLAN: std::ops::Range<usize> = CODE..PROGRESS;
    /// The plan's columns a unit fills when the ledger has them empty.
    pub const UNIT_PLAN: [usize; 3] = [PROBLEMS, MEASURES, DEADLINE];
    /// The `_meta` key of how many [`UNIT_PLAN`] cells a form was issued with empty, so that
    /// a form whose unit wrote one is never taken for an unfilled one.
    pub const OPEN_PLAN_KEY: &str = "open_plan_cells";
}

/// Column indexes of [`RECTIFY_INFO`].
pub mod rect_info {
    use super::RECTIFY_INFO as S;
    pub const UNIT_NAME: usize = S.index_of("unit_name");
    pub const UNIT_CODE: usize = S.index_of("unit_code");
    pub const FILLED_ON: usize = S.index_of("filled_on");
    pub const FILLER: usize = S.index_of("filler");
    pub const PHONE: usize = S.index_of("phone");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::fold_header;

    #[test]
    fn every_header_and_alias_names_one_column_only() {
        for schema in [&RECTIFY, &RECTIFY_INFO] {
            for (i, c) in schema.columns.iter().enumerate() {
                for h in std::iter::once(&c.header).chain(c.aliases) {
                    assert_eq!(schema.match_header(&fold_header(h)), Some(i), "{h}");
                }
            }
        }
    }
}
