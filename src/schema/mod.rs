//! The issued form, defined once.
//!
//! Every column of every sheet of FORM.md lives in the tables below. The template writer lays
//! them out, the header matcher recognizes them, the normalizer reads them and the validator
//! checks them, all from these tables, so adding a column is one edit here.

/// What a cell of a column holds, and so how it is normalized and validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Free text, trimmed.
    Text,
    /// An identifier (党组织编码, 单位代码): text, width-folded; numeric cells as whole digits.
    Code,
    /// A whole number >= 0; `units` are the suffixes a clerk may type after it ("12人").
    Int { units: &'static [&'static str] },
    /// A decimal number >= 0 with optional unit suffixes matching the column ("3.5万元").
    Decimal { units: &'static [&'static str] },
    /// A percentage 0..=100; fractions 0 < v <= 1 are read as v * 100.
    Percent,
    /// Yes or no.
    Bool,
    /// A calendar date.
    Date,
    /// A mobile number: 1[3-9] and nine digits.
    Mobile,
    /// A mobile number or a landline with its area code.
    Phone,
    /// A unified social credit code (统一社会信用代码, GB 32100-2015).
    Uscc,
    /// One of a fixed list of choices, with synonyms.
    Choice(&'static Choices),
}

/// A closed list of values and the synonyms clerks type for them.
#[derive(Debug, PartialEq)]
pub struct Choices {
    pub values: &'static [&'static str],
    /// (what the clerk typed, the canonical value).
    pub synonyms: &'static [(&'static str, &'static str)],
}

impl Choices {
    /// The canonical value for `text` (already trimmed), if it is one of the choices or a synonym.
    pub fn resolve(&self, text: &str) -> Option<&'static str> {
        self.values
            .iter()
            .copied()
            .find(|v| *v == text)
            .or_else(|| {
                self.synonyms
                    .iter()
                    .find(|(s, _)| *s == text)
                    .map(|(_, v)| *v)
            })
    }
}

/// When a value is required.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Need {
    Required,
    Optional,
    /// Empty means zero (预备党员数).
    ZeroIfEmpty,
    /// Empty is meaningful and not an error (书记姓名: the post is vacant).
    EmptyMeans(&'static str),
    /// Required when the column with this key is filled.
    WhenFilled(&'static str),
    /// Required when the column with this key holds this choice.
    WhenEquals(&'static str, &'static str),
}

/// One column of a sheet (or one label of 单位信息).
#[derive(Debug)]
pub struct Column {
    /// Stable key, used in JSON and in code.
    pub key: &'static str,
    /// The header as issued.
    pub header: &'static str,
    /// Other headers clerks use for the same column (compared after header folding).
    pub aliases: &'static [&'static str],
    pub kind: Kind,
    pub need: Need,
    /// A one-line Chinese hint: what to fill in.
    pub hint: &'static str,
    /// Column width in the issued form, in characters.
    pub width: f64,
    /// The merged group header above this column, if any.
    pub group: Option<&'static str>,
}

/// A sheet of the form: its name, other names it goes by, and its columns.
#[derive(Debug)]
pub struct SheetSchema {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub columns: &'static [Column],
}

impl SheetSchema {
    /// Index of the column with this key; panics at compile time when used in a const.
    pub const fn index_of(&self, key: &str) -> usize {
        let mut i = 0;
        while i < self.columns.len() {
            if str_eq(self.columns[i].key, key) {
                return i;
            }
            i += 1;
        }
        panic!("no such column key")
    }

    /// The column with this key.
    pub fn column(&self, key: &str) -> &'static Column
    where
        Self: 'static,
    {
        let columns: &'static [Column] = self.columns;
        columns
            .iter()
            .find(|c| c.key == key)
            .expect("column key defined in schema")
    }
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The version written into every issued form (custom property and hidden `_meta` sheet).
pub const TEMPLATE_VERSION: &str = "2026.1";
/// File name of the issued form.
pub const TEMPLATE_FILE: &str = "基层党组织分类定级摸底调查表.xlsx";
/// The title of the form.
pub const FORM_TITLE: &str = "基层党组织分类定级摸底调查表";

pub const SHEET_INSTRUCTIONS: &str = "填报说明";
pub const SHEET_EXAMPLE: &str = "填写示例";
pub const SHEET_META: &str = "_meta";

/// Words that mark a total row rather than an organization.
pub const TOTAL_MARKERS: &[&str] = &["合计", "总计", "小计"];

pub static ORG_TYPES: Choices = Choices {
    values: &["党委", "党总支", "党支部", "联合党支部"],
    synonyms: &[
        ("总支", "党总支"),
        ("支部", "党支部"),
        ("联合支部", "联合党支部"),
    ],
};

pub static DOMAINS: Choices = Choices {
    values: &[
        "农村",
        "社区",
        "机关",
        "事业单位",
        "国有企业",
        "非公有制企业",
        "社会组织",
        "学校",
        "其他",
    ],
    synonyms: &[
        ("村", "农村"),
        ("行政村", "农村"),
        ("居委会", "社区"),
        ("非公企业", "非公有制企业"),
        ("民营企业", "非公有制企业"),
        ("私营企业", "非公有制企业"),
        ("国企", "国有企业"),
        ("协会", "社会组织"),
        ("社团", "社会组织"),
        ("中小学", "学校"),
    ],
};

pub static TIERS: Choices = Choices {
    values: &["优秀", "一般", "后进"],
    synonyms: &[
        ("优", "优秀"),
        ("好", "优秀"),
        ("中", "一般"),
        ("较好", "一般"),
        ("差", "后进"),
        ("较差", "后进"),
        ("软弱涣散", "后进"),
    ],
};

pub static DEVELOPMENT: Choices = Choices {
    values: &["好", "中", "差"],
    synonyms: &[],
};

pub static STAGES: Choices = Choices {
    values: &["摸底", "年终"],
    synonyms: &[
        ("摸底调查", "摸底"),
        ("年初", "摸底"),
        ("年终复评", "年终"),
        ("年底", "年终"),
    ],
};

pub static ENTERPRISE_KINDS: Choices = Choices {
    values: &["非公有制企业", "社会组织"],
    synonyms: &[
        ("非公企业", "非公有制企业"),
        ("民营企业", "非公有制企业"),
        ("私营企业", "非公有制企业"),
        ("协会", "社会组织"),
        ("社团", "社会组织"),
    ],
};

pub static COVERAGE_MODES: Choices = Choices {
    values: &["单独组建", "联合组建", "派驻党建指导员", "未覆盖"],
    synonyms: &[("选派党建指导员", "派驻党建指导员")],
};

const COUNT: Kind = Kind::Int {
    units: &["次", "个", "人", "名", "场"],
};
const PEOPLE: Kind = Kind::Int {
    units: &["人", "名", "个"],
};
const MEETINGS: Option<&str> = Some("三会一课及主题党日开展次数");

const fn col(
    key: &'static str,
    header: &'static str,
    aliases: &'static [&'static str],
    kind: Kind,
    need: Need,
    hint: &'static str,
    width: f64,
) -> Column {
    Column {
        key,
        header,
        aliases,
        kind,
        need,
        hint,
        width,
        group: None,
    }
}

const fn grouped(column: Column) -> Column {
    Column {
        group: MEETINGS,
        ..column
    }
}

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
        col(
            "filler",
            "填报人",
            &["填表人"],
            Kind::Text,
            Need::Required,
            "填写经办人姓名",
            30.0,
        ),
        col(
            "phone",
            "联系电话",
            &["电话", "联系方式"],
            Kind::Phone,
            Need::Required,
            "手机号，或带区号的座机，如 0831-1234567",
            30.0,
        ),
        col(
            "filled_on",
            "填报日期",
            &["填表日期", "日期"],
            Kind::Date,
            Need::Required,
            "如 2026-04-10",
            30.0,
        ),
    ],
};

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
};

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

/// Fold a header for matching: drop whitespace and line breaks, width-fold brackets, and drop
/// a trailing unit in brackets, so "正式\n党员数（人）" and "正式党员数" compare equal.
pub fn fold_header(text: &str) -> String {
    let mut folded: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200b}' && *c != '\u{feff}')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' | ':' => '\0',
            other => other,
        })
        .filter(|c| *c != '\0')
        .collect();
    while folded.ends_with(')') {
        match folded.rfind('(') {
            Some(open) if open > 0 => folded.truncate(open),
            _ => break,
        }
    }
    folded.trim_start_matches('*').to_string()
}

impl Column {
    /// Whether `folded` (from [`fold_header`]) names this column.
    pub fn matches(&self, folded: &str) -> bool {
        fold_header(self.header) == folded || self.aliases.iter().any(|a| fold_header(a) == folded)
    }
}

impl SheetSchema {
    /// The index of the column a folded header names, if any.
    pub fn match_header(&self, folded: &str) -> Option<usize> {
        if folded.is_empty() {
            return None;
        }
        self.columns.iter().position(|c| c.matches(folded))
    }

    /// Whether a sheet name (as found in a workbook) is this sheet's.
    pub fn matches_name(&self, sheet_name: &str) -> bool {
        let folded = fold_header(sheet_name);
        folded == self.name || self.aliases.iter().any(|a| *a == folded)
    }
}

/// A string of the schema's own (a column key, a choice), held by reference. Through serde it
/// goes with [`key`]; its name also keeps serde's derive from taking it for a string borrowed
/// from the input.
pub type Key = &'static str;

/// The schema's own strings (column keys, choices) through serde: as text for people (JSON),
/// as their index in one table in a compact encoding (the ledger's temporary files), so that
/// one read back is the `&'static str` the schema holds; a string outside the schema cannot be
/// encoded. Use it with `#[serde(with = "…")]` on a [`Key`]; [`key::option`] and [`key::list`]
/// for an `Option` and a `Vec` of them.
pub mod key {
    use super::{Kind, COVERAGE, ORGANIZATIONS, UNIT_INFO};
    use serde::{de, ser, Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::HashMap;
    use std::sync::OnceLock;

    /// Every column key and choice, numbered.
    struct Table {
        all: Vec<&'static str>,
        index: HashMap<&'static str, u32>,
    }

    fn table() -> &'static Table {
        static TABLE: OnceLock<Table> = OnceLock::new();
        TABLE.get_or_init(|| {
            let mut all = Vec::new();
            for sheet in [&UNIT_INFO, &ORGANIZATIONS, &COVERAGE] {
                for column in sheet.columns {
                    all.push(column.key);
                    if let Kind::Choice(choices) = column.kind {
                        all.extend(choices.values);
                    }
                }
            }
            let mut index = HashMap::new();
            for (i, s) in all.iter().enumerate() {
                index.entry(*s).or_insert(i as u32);
            }
            Table { all, index }
        })
    }

    /// One schema string.
    struct Key(&'static str);

    impl Serialize for Key {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            if s.is_human_readable() {
                return s.serialize_str(self.0);
            }
            match table().index.get(self.0) {
                Some(&i) => s.serialize_u32(i),
                None => Err(ser::Error::custom(format!(
                    "“{}”不是调查表的列或选项",
                    self.0
                ))),
            }
        }
    }

    impl<'de> Deserialize<'de> for Key {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
            let table = table();
            let found = if d.is_human_readable() {
                let text = String::deserialize(d)?;
                table
                    .index
                    .get(text.as_str())
                    .map(|&i| table.all[i as usize])
            } else {
                table.all.get(u32::deserialize(d)? as usize).copied()
            };
            found
                .map(Key)
                .ok_or_else(|| de::Error::custom("不是调查表的列或选项"))
        }
    }

    pub fn serialize<S: Serializer>(key: &&'static str, s: S) -> Result<S::Ok, S::Error> {
        Key(key).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
        Key::deserialize(d).map(|k| k.0)
    }

    /// For an `Option<&'static str>`.
    pub mod option {
        use super::Key;
        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        pub fn serialize<S: Serializer>(
            key: &Option<&'static str>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            key.map(Key).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<&'static str>, D::Error> {
            Option::<Key>::deserialize(d).map(|k| k.map(|k| k.0))
        }
    }

    /// For a `Vec<&'static str>`.
    pub mod list {
        use super::Key;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(keys: &[&'static str], s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(keys.iter().map(|k| Key(k)))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<&'static str>, D::Error> {
            let keys = Vec::<Key>::deserialize(d)?;
            Ok(keys.into_iter().map(|k| k.0).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_folding_accepts_breaks_brackets_and_units() {
        let full = ORGANIZATIONS.column("full_members");
        for h in [
            "正式党员数",
            "正式\n党员数",
            "正式党员数（人）",
            "正式党员数(人)",
            " 正式 党员数 ",
        ] {
            assert!(full.matches(&fold_header(h)), "{h}");
        }
        let funding = ORGANIZATIONS.column("funding");
        for h in ["年度工作经费(万元)", "年度工作经费", "年度工作经费（万元）"]
        {
            assert!(funding.matches(&fold_header(h)), "{h}");
        }
        assert!(!funding.matches(&fold_header("活动场所面积")));
    }

    #[test]
    fn every_header_and_alias_names_one_column_only() {
        for schema in [&UNIT_INFO, &ORGANIZATIONS, &COVERAGE] {
            for (i, c) in schema.columns.iter().enumerate() {
                for h in std::iter::once(&c.header).chain(c.aliases) {
                    assert_eq!(schema.match_header(&fold_header(h)), Some(i), "{h}");
                }
            }
        }
    }

    #[test]
    fn synonyms_resolve_to_choices() {
        assert_eq!(ORG_TYPES.resolve("总支"), Some("党总支"));
        assert_eq!(DOMAINS.resolve("居委会"), Some("社区"));
        assert_eq!(TIERS.resolve("软弱涣散"), Some("后进"));
        assert_eq!(TIERS.resolve("良好"), None);
        for c in [
            &ORG_TYPES,
            &DOMAINS,
            &TIERS,
            &STAGES,
            &ENTERPRISE_KINDS,
            &COVERAGE_MODES,
        ] {
            for (_, canonical) in c.synonyms {
                assert!(c.values.contains(canonical));
            }
        }
    }
}
