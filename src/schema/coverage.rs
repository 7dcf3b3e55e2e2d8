//! 两新组织覆盖: the coverage list's columns, and their indexes.

use super::column::{col, Kind, Need, SheetSchema, PEOPLE};
use super::{COVERAGE_MODES, ENTERPRISE_KINDS};

/// 两新组织覆盖: one row per non-public enterprise or social organization.
pub static COVERAGE: SheetSchema = SheetSchema {
    name: "两新组织覆盖",
    aliases: &["两新组织", "两新组织党建覆盖", "两新覆盖"],
    columns: &[
        col(
            "name",
            "组织名称",
            &["企业名称", "单位名称", "企业（组织）名称"],
            Kind::Text,
            Need::Required,
            "企业或社会组织全称",
            32.0,
        ),
        col(
            "uscc",
            "统一社会信用代码",
            &["信用代码", "社会信用代码"],
            Kind::Uscc,
            Need::Required,
            "18 位统一社会信用代码",
            22.0,
        ),
        col(
            "kind",
            "组织类别",
            &["类别"],
            Kind::Choice(&ENTERPRISE_KINDS),
            Need::Required,
            "非公有制企业 或 社会组织",
            14.0,
        ),
        col(
            "above_scale",
            "是否规模以上",
            &["规模以上"],
            Kind::Bool,
            Need::Required,
            "是 或 否",
            10.0,
        ),
        col(
            "employees",
            "从业人员数",
            &["从业人员", "职工人数"],
            PEOPLE,
            Need::Required,
            "填写不小于 0 的整数",
            10.0,
        ),
        col(
            "members",
            "党员人数",
            &["党员数"],
            PEOPLE,
            Need::Required,
            "填写不小于 0 的整数",
            10.0,
        ),
        col(
            "has_party_org",
            "是否建立党组织",
            &["建立党组织", "是否已建立党组织"],
            Kind::Bool,
            Need::Required,
            "是 或 否",
            12.0,
        ),
        col(
            "coverage",
            "覆盖方式",
            &["党组织覆盖方式"],
            Kind::Choice(&COVERAGE_MODES),
            Need::Required,
            "单独组建、联合组建、派驻党建指导员 或 未覆盖",
            16.0,
        ),
    ],
    references: &[],
};

/// Column indexes of 两新组织覆盖.
pub mod cov {
    use super::COVERAGE as S;
    pub const NAME: usize = S.index_of("name");
    pub const USCC: usize = S.index_of("uscc");
    pub const KIND: usize = S.index_of("kind");
    pub const ABOVE_SCALE: usize = S.index_of("above_scale");
    pub const EMPLOYEES: usize = S.index_of("employees");
    pub const MEMBERS: usize = S.index_of("members");
    pub const HAS_PARTY_ORG: usize = S.index_of("has_party_org");
    pub const COVERAGE: usize = S.index_of("coverage");
}
