//! 单位信息: the fields of the filling unit, as label/value pairs, and their indexes.

use super::column::{col, Column, Kind, Need, SheetSchema};
use super::STAGES;

/// 填报人: who filled the form in (单位信息, and the 整改进展表's header block).
pub(super) const FILLER: Column = col(
    "filler",
    "填报人",
    &["填表人"],
    Kind::Text,
    Need::Required,
    "填写经办人姓名",
    30.0,
);

/// 联系电话 of who filled it in.
pub(super) const PHONE: Column = col(
    "phone",
    "联系电话",
    &["电话", "联系方式"],
    Kind::Phone,
    Need::Required,
    "手机号，或带区号的座机，如 0831-1234567",
    30.0,
);

/// 填报日期: which of a unit's several returns counts.
pub(super) const FILLED_ON: Column = col(
    "filled_on",
    "填报日期",
    &["填表日期", "日期"],
    Kind::Date,
    Need::Required,
    "如 2026-04-10",
    30.0,
);

/// 单位信息: label/value pairs.
pub static UNIT_INFO: SheetSchema = SheetSchema {
    name: "单位信息",
    aliases: &["填报单位信息", "基本信息"],
    columns: &[
        col(
            "unit_name",
            "填报单位",
            &["单位名称", "填报单位名称"],
            Kind::Text,
            Need::Required,
            "填写乡镇（街道）或县级部门全称",
            30.0,
        ),
        col(
            "unit_code",
            "单位代码",
            &["填报单位代码"],
            Kind::Code,
            Need::Required,
            "填写县委组织部下发的单位代码",
            30.0,
        ),
        col(
            "stage",
            "调查阶段",
            &["阶段"],
            Kind::Choice(&STAGES),
            Need::Required,
            "摸底（年初摸底调查）或 年终（年终复评）",
            30.0,
        ),
        FILLER,
        PHONE,
        FILLED_ON,
    ],
    references: &[],
};

/// Field indexes of 单位信息.
pub mod unit {
    use super::UNIT_INFO as S;
    pub const NAME: usize = S.index_of("unit_name");
    pub const CODE: usize = S.index_of("unit_code");
    pub const STAGE: usize = S.index_of("stage");
    pub const FILLER: usize = S.index_of("filler");
    pub const PHONE: usize = S.index_of("phone");
    pub const FILLED_ON: usize = S.index_of("filled_on");
}
