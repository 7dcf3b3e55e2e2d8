//! 党组织情况: the organization list's columns, and their indexes checked at compile time.

use super::column::{col, Column, Kind, Need, SheetSchema, PEOPLE};
use super::{DEVELOPMENT, DOMAINS, ORG_TYPES, TIERS};

const COUNT: Kind = Kind::Int {
    units: &["次", "个", "人", "名", "场"],
};
const MEETINGS: Option<&str> = Some("三会一课及主题党日开展次数");

const fn grouped(column: Column) -> Column {
    Column {
        group: MEETINGS,
        ..column
    }
}

/// The year-end form's reference column, right of 备注: the April baseline's final tier (the
/// department's decision, else the standard's), shown to the clerk and never read back (the
/// bracket folds away, so a header shortened to 摸底等次 is still known, and so is the
/// 摸底核定等次 of forms issued before decisions).
pub const BASELINE_TIER: &str = "摸底等次（仅供参考，不汇总）";
/// What [`BASELINE_TIER`] was called before decisions.
const BASELINE_TIER_BEFORE: &str = "摸底核定等次";

/// 党组织情况: one row per grassroots Party organization.
pub static ORGANIZATIONS: SheetSchema = SheetSchema {
    name: "党组织情况",
    aliases: &["党组织基本情况", "基层党组织情况"],
    columns: &[
        col(
            "seq",
            "序号",
            &["编号"],
            Kind::Int { units: &[] },
            Need::Optional,
            "可不填",
            6.0,
        ),
        col(
            "org_name",
            "党组织名称",
            &["组织名称", "党组织全称"],
            Kind::Text,
            Need::Required,
            "填写党组织全称，本表内不得重复",
            32.0,
        ),
        col(
            "org_code",
            "党组织编码",
            &["组织编码", "党组织代码"],
            Kind::Code,
            Need::Optional,
            "全国党员信息系统中的党组织编码，可不填",
            20.0,
        ),
        col(
            "org_type",
            "组织类型",
            &["党组织类型", "类型"],
            Kind::Choice(&ORG_TYPES),
            Need::Required,
            "从下拉列表选择：党委、党总支、党支部、联合党支部",
            12.0,
        ),
        col(
            "domain",
            "所属领域",
            &["领域"],
            Kind::Choice(&DOMAINS),
            Need::Required,
            "从下拉列表选择所属领域",
            14.0,
        ),
        col(
            "full_members",
            "正式党员数",
            &["正式党员"],
            PEOPLE,
            Need::Required,
            "填写不小于 0 的整数",
            10.0,
        ),
        col(
            "probationary",
            "预备党员数",
            &["预备党员"],
            PEOPLE,
            Need::ZeroIfEmpty,
            "没有预备党员可不填",
            10.0,
        ),
        col(
            "secretary",
            "书记姓名",
            &["党组织书记", "书记"],
            Kind::Text,
            Need::EmptyMeans("书记空缺"),
            "书记空缺的不填",
            10.0,
        ),
        col(
            "secretary_phone",
            "书记手机号",
            &["书记手机", "书记电话", "书记联系电话"],
            Kind::Mobile,
            Need::WhenFilled("secretary"),
            "11 位手机号",
            14.0,
        ),
        col(
            "committee_size",
            "班子成员数",
            &["班子成员", "支委成员数", "委员数"],
            PEOPLE,
            Need::Required,
            "填写不小于 0 的整数",
            10.0,
        ),
        col(
            "on_time_election",
            "是否按期换届",
            &["按期换届"],
            Kind::Bool,
            Need::Required,
            "从下拉列表选择：是 或 否",
            10.0,
        ),
        grouped(col(
            "general_meetings",
            "党员大会次数",
            &["党员大会"],
            COUNT,
            Need::Required,
            "本年度召开次数",
            10.0,
        )),
        grouped(col(
            "committee_meetings",
            "支委会次数",
            &["支委会"],
            COUNT,
            Need::Required,
            "本年度召开次数",
            10.0,
        )),
        grouped(col(
            "party_lectures",
            "党课次数",
            &["党课"],
            COUNT,
            Need::Required,
            "本年度开展次数",
            10.0,
        )),
        grouped(col(
            "theme_days",
            "主题党日次数",
            &["主题党日"],
            COUNT,
            Need::Required,
            "本年度开展次数",
            10.0,
        )),
        col(
            "funding",
            "年度工作经费（万元）",
            &["工作经费"],
            Kind::Decimal { units: &["万元"] },
            Need::Required,
            "单位：万元，可有小数",
            12.0,
        ),
        col(
            "venue_area",
            "活动场所面积（平方米）",
            &["活动场所", "场所面积"],
            Kind::Decimal {
                units: &["平方米", "m2", "平米"],
            },
            Need::Required,
            "单位：平方米",
            12.0,
        ),
        col(
            "satisfaction",
            "群众满意度（%）",
            &["满意度", "群众测评满意度"],
            Kind::Percent,
            Need::Required,
            "填写 0 到 100 之间的数，如 95",
            10.0,
        ),
        col(
            "development",
            "发展等次",
            &["经济社会发展等次"],
            Kind::Choice(&DEVELOPMENT),
            Need::Optional,
            "好、中、差，可不填",
            10.0,
        ),
        col(
            "self_tier",
            "自评等次",
            &["自评"],
            Kind::Choice(&TIERS),
            Need::Required,
            "从下拉列表选择：优秀、一般、后进",
            10.0,
        ),
        col(
            "target_tier",
            "争创目标",
            &["争创等次", "年终争创目标"],
            Kind::Choice(&TIERS),
            Need::Optional,
            "年底争取达到的等次，可不填",
            10.0,
        ),
        col(
            "problems",
            "主要问题",
            &["存在问题", "存在的主要问题"],
            Kind::Text,
            Need::WhenEquals("self_tier", "后进"),
            "自评后进的必须填写",
            30.0,
        ),
        col(
            "measures",
            "整改措施",
            &["整改举措"],
            Kind::Text,
            Need::WhenEquals("self_tier", "后进"),
            "自评后进的必须填写",
            30.0,
        ),
        col(
            "deadline",
            "整改时限",
            &["整改期限", "整改完成时限"],
            Kind::Date,
            Need::WhenEquals("self_tier", "后进"),
            "自评后进的必须填写，不早于填报日期",
            12.0,
        ),
        col(
            "remarks",
            "备注",
            &["说明"],
            Kind::Text,
            Need::Optional,
            "",
            20.0,
        ),
    ],
    references: &[BASELINE_TIER, BASELINE_TIER_BEFORE],
};

/// Column indexes of 党组织情况, checked at compile time.
pub mod org {
    use super::ORGANIZATIONS as S;
    pub const SEQ: usize = S.index_of("seq");
    pub const NAME: usize = S.index_of("org_name");
    pub const CODE: usize = S.index_of("org_code");
    pub const TYPE: usize = S.index_of("org_type");
    pub const DOMAIN: usize = S.index_of("domain");
    pub const FULL_MEMBERS: usize = S.index_of("full_members");
    pub const PROBATIONARY: usize = S.index_of("probationary");
    pub const SECRETARY: usize = S.index_of("secretary");
    pub const SECRETARY_PHONE: usize = S.index_of("secretary_phone");
    pub const COMMITTEE_SIZE: usize = S.index_of("committee_size");
    pub const ON_TIME_ELECTION: usize = S.index_of("on_time_election");
    pub const GENERAL_MEETINGS: usize = S.index_of("general_meetings");
    pub const COMMITTEE_MEETINGS: usize = S.index_of("committee_meetings");
    pub const PARTY_LECTURES: usize = S.index_of("party_lectures");
    pub const THEME_DAYS: usize = S.index_of("theme_days");
    pub const FUNDING: usize = S.index_of("funding");
    pub const VENUE_AREA: usize = S.index_of("venue_area");
    pub const SATISFACTION: usize = S.index_of("satisfaction");
    pub const DEVELOPMENT: usize = S.index_of("development");
    pub const SELF_TIER: usize = S.index_of("self_tier");
    pub const TARGET_TIER: usize = S.index_of("target_tier");
    pub const PROBLEMS: usize = S.index_of("problems");
    pub const MEASURES: usize = S.index_of("measures");
    pub const DEADLINE: usize = S.index_of("deadline");
    pub const REMARKS: usize = S.index_of("remarks");
}
