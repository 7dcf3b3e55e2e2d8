//! Findings: what a stage found wrong or suspicious, as data.
//!
//! Every finding has a stable code from [`CODES`], one static table holding each code's
//! severity and Chinese title. The README's code table and `taizhang codes` are generated from
//! it, so the documentation cannot drift from the code.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The value (or the file) cannot be used as it is.
    Error,
    /// Usable, but suspicious: worth a look.
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $sev:ident, $title:literal, $when:literal;)*) => {
        /// A finding's kind. The string form (`E101`) is stable across versions.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        /// The code table: every code, its severity, its Chinese title and when it is raised.
        pub static CODES: &[CodeInfo] = &[
            $(CodeInfo { code: Code::$variant, id: $code, severity: Severity::$sev, title: $title, when: $when },)*
        ];
    };
}

/// One entry of the code table.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: Code,
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub when: &'static str,
}

codes! {
    FileUnreadable = "E001", Error, "文件无法读取", "文件不是有效的电子表格，或已损坏、下载不完整";
    FileEncrypted = "E002", Error, "文件设有打开密码", "工作簿加密，无法读取";
    FileUnsupported = "E003", Error, "文件格式不支持", "WPS（.et/.ett/.wps）、Numbers、CSV 等格式，需另存为 .xlsx";
    FileTooLarge = "E004", Error, "文件超出调查表的合理规模", "压缩包条目、解压大小、共享字符串数或表格范围超出限制（可能是压缩炸弹）";
    NotTheForm = "E005", Error, "不是本调查表", "找不到“党组织情况”表及其表头";
    MissingUnitInfo = "E006", Error, "缺少单位信息", "找不到“单位信息”表或其中的填报单位、单位代码等项目";
    MissingColumn = "E007", Error, "缺少必填列", "表头中找不到必填列";
    NoData = "E008", Error, "没有填报数据", "“党组织情况”表中没有任何党组织";
    ExtraColumn = "W009", Warning, "多余的列", "表头中有调查表以外的列，该列已忽略";
    DuplicateColumn = "W010", Warning, "重复的列", "同一列出现两次，只读取第一次出现的列";
    ListSheetUnread = "E012", Error, "续表的表头无法识别", "名称像“党组织情况”或“两新组织覆盖”的工作表（如复制出的“党组织情况 (2)”）找不到相同的表头，其中的行未读取";
    ListSheetHidden = "E013", Error, "隐藏的工作表中有数据", "名称或表头像“党组织情况”或“两新组织覆盖”的工作表被隐藏且其中有数据行：这些行未读取，需取消隐藏并移到该表中";
    MissingValue = "E101", Error, "必填项为空", "必填的单元格为空";
    WrongType = "E102", Error, "填写格式不正确", "应填数字、日期或是/否的单元格填了无法识别的内容";
    OutOfRange = "E103", Error, "数值超出范围", "负数，或百分比超出 0–100";
    NotAChoice = "E104", Error, "不在可选范围内", "下拉选项列填了列表以外的内容";
    InvalidMobile = "E105", Error, "手机号不正确", "不是 11 位、以 13–19 开头的手机号";
    InvalidPhone = "E106", Error, "联系电话不正确", "既不是手机号，也不是带区号的座机号";
    InvalidUscc = "E107", Error, "统一社会信用代码格式错误", "不是 18 位，或含有不允许的字符（I、O、Z、S、V）";
    UsccCheckDigit = "W108", Warning, "统一社会信用代码校验位不符", "第 18 位校验码与 GB 32100-2015 计算结果不符（部分早期代码如此）";
    DuplicateName = "E109", Error, "党组织名称重复", "同一文件中两行党组织名称相同";
    DuplicateCode = "E110", Error, "党组织编码重复", "同一文件中两行党组织编码相同";
    LaggardPlanMissing = "E111", Error, "后进党组织缺少整改内容", "自评等次为后进，但主要问题、整改措施或整改时限为空";
    DeadlineBeforeFiled = "E112", Error, "整改时限早于填报日期", "整改时限应不早于填报日期";
    CoverageMismatch = "E113", Error, "党组织覆盖情况前后矛盾", "是否建立党组织与覆盖方式不一致";
    SoloTooFewMembers = "E114", Error, "单独组建党员不足 3 人", "覆盖方式为单独组建，但党员人数少于 3 人";
    SecretaryPhoneMissing = "E115", Error, "缺少书记手机号", "填了书记姓名，但书记手机号为空";
    FiledInFuture = "W116", Warning, "填报日期晚于今天", "单位信息中的填报日期晚于检查当天，多半是年份或月份填错了";
    SelfTierDiffers = "W201", Warning, "自评等次与核定等次不一致", "按评分标准核定的等次与单位自评不同";
    LaggardWithoutPlan = "W202", Warning, "核定为后进但无整改计划", "按标准核定为后进，但主要问题、整改措施、整改时限未填全";
    UnitNotInRoster = "E401", Error, "报表对应不到花名册中的单位", "单位代码、填报单位和文件名都对应不到花名册中的任何单位";
    UnitConflict = "E402", Error, "单位代码与填报单位指向不同单位", "单位代码是花名册中的一个单位，填报单位却是另一个单位";
    UnitCodeNotInRoster = "W403", Warning, "单位代码不在花名册中", "按填报单位或文件名对应到了花名册中的单位，但填写的单位代码与花名册不符";
    OrgCodeInOtherUnit = "E404", Error, "党组织编码与其他单位重复", "同一党组织编码出现在两个不同单位的报表中";
    OrgNameInOtherUnit = "W405", Warning, "党组织名称与其他单位重复", "同一党组织名称出现在两个不同单位的报表中，且编码不能区分";
    StageNotCollected = "E406", Error, "调查阶段不符", "报表的调查阶段与本次汇总的阶段不同（如年终复评表放进了摸底收件文件夹）：不计入台账，也不替代该单位本阶段的报表";
    ShrunkReplacement = "W407", Warning, "替代文件的党组织大幅减少", "同一单位较新的文件替代了旧文件，但党组织数不到旧文件的一半（如只含一个党组织的补报文件替代了全部报表）";
    StageMismatch = "W301", Warning, "调查阶段与比较的一方不符", "晋位升级比较时，基线一方的报表调查阶段为年终，或年终一方的报表为摸底";
    OrgRenamed = "W302", Warning, "党组织名称已变更", "基线与年终党组织编码相同、名称不同，按同一党组织比较";
    AmbiguousMatch = "E303", Error, "匹配到多个党组织", "同一单位中有两个以上党组织编码或名称相同，无法确定与哪一个比较";
    NotReRated = "E304", Error, "党组织年终未复评", "基线中有此党组织，年终报表中没有";
    CodeDiffersSameName = "W305", Warning, "同名党组织编码不同", "基线与年终党组织名称相同但编码不同，按不同党组织处理";
    LedgerColumnMissing = "E306", Error, "台账缺少列", "读回的台账“台账明细”表中找不到本程序写入的某一列";
    LedgerTierDiffers = "W307", Warning, "台账等次与本次评分标准不一致", "读回台账时，按本次评分标准核定的等次与台账中记录的不同，以本次标准为准";
    UnitNotReturned = "E308", Error, "单位未报送年终报表", "基线中有此单位，年终一方没有它的报表";
    DevelopmentNotFilled = "W309", Warning, "年终未填发展等次", "基线填了发展等次的党组织，年终报表中未填，无法比较发展等次（双升级）";
    NotRectifyForm = "E501", Error, "不是整改进展表", "整改收件文件夹中的文件找不到“整改进展”表及其表头（党组织名称、完成状态等列），或是调查表、台账等其他文件";
    RectifyUnitUnknown = "E502", Error, "单位不在整改计划中", "整改进展表的单位代码和单位名称都对应不到台账中有整改任务的单位";
    DoneWithoutDate = "E503", Error, "已完成但未填完成日期", "完成状态为“已完成”，完成日期为空";
    DoneInFuture = "E504", Error, "完成日期晚于统计日期", "完成日期晚于本次统计的日期（--as-of，默认今天），多半是年份或月份填错了";
    DateWithoutDone = "W505", Warning, "填了完成日期但未完成", "填写了完成日期，完成状态却不是“已完成”";
    OrgNotInPlan = "E506", Error, "党组织不在本单位的整改计划中", "整改进展表中的党组织编码（无编码时为名称）不是台账中本单位需整改的党组织";
    PlanRowMissing = "E507", Error, "整改计划中的党组织未报进展", "台账中本单位需整改的党组织在整改进展表中找不到";
    DoneLastYear = "W508", Warning, "完成日期早于本年度", "完成日期在统计日期的上一年或更早（整改在当年进行），多半是年份填错了";
    OrgTwice = "W509", Warning, "同一党组织填了两行", "整改进展表中同一党组织出现在两行或更多行：以最下面的一行为准，其余各行未计入";
    NoFilledOn = "W510", Warning, "整改进展表未填填报日期", "单位报送多份时无法按填报日期判断哪份最新：填了填报日期的优先，都未填的以修改时间最新的为准";
    PlanLeftOpen = "W511", Warning, "整改计划仍未填写", "台账中没有整改计划的党组织（如组织部审定为后进的），整改进展表中主要问题、整改措施或整改时限仍未填写";
    DecisionTierUnknown = "E601", Error, "审定等次不在评分标准中", "审定意见表中的审定等次为空，或不是评分标准的等次（待定不能审定）：该行未采用";
    DecisionIncomplete = "E602", Error, "审定意见不完整", "审定意见表中的一行没有单位名称、既无党组织名称也无编码，或没有依据：该行未采用";
    DecisionReplaced = "W603", Warning, "同一党组织有两条审定", "审定意见表中两行审定同一党组织，以下面一行为准";
    DecisionNotFound = "E604", Error, "审定的党组织找不到", "审定意见表中的党组织在所填单位的报表中没有（按编码，无编码时按名称）：该行未采用";
    DecisionAmbiguous = "W605", Warning, "审定对应到多个党组织", "所填单位的报表中编码或名称重复，审定对应到多个党组织，已全部采用";
    DecisionDateUnreadable = "W606", Warning, "审定日期无法识别", "审定意见表中的审定日期不是日期：审定照常采用";
    DecidedLaggardWithoutPlan = "W607", Warning, "审定为后进但无整改计划", "组织部审定为后进的党组织（按标准和自评都不是后进），主要问题、整改措施、整改时限未填全，需在整改进展表中补写";
}

impl Code {
    pub fn info(self) -> &'static CodeInfo {
        CODES
            .iter()
            .find(|i| i.code == self)
            .expect("every code is in the table")
    }
    pub fn id(self) -> &'static str {
        self.info().id
    }
    pub fn severity(self) -> Severity {
        self.info().severity
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A code is its id (`E101`) for people (JSON), its place in [`CODES`] in a compact encoding.
impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match s.is_human_readable() {
            true => s.serialize_str(self.id()),
            false => s.serialize_u16(*self as u16),
        }
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let info = match d.is_human_readable() {
            true => {
                let id = String::deserialize(d)?;
                CODES.iter().find(|info| info.id == id)
            }
            false => CODES.get(usize::from(u16::deserialize(d)?)),
        };
        info.map(|info| info.code)
            .ok_or_else(|| serde::de::Error::custom("没有这个问题代码"))
    }
}

/// One finding, located as precisely as it can be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    pub severity: Severity,
    pub code: Code,
    /// Sheet name as found in the file; empty for file-level issues (`null` in JSON).
    #[serde(with = "sheet_name")]
    pub sheet: String,
    /// Real A1 reference in the original sheet.
    pub cell: Option<String>,
    /// 1-based row number in the original sheet.
    pub row: Option<u32>,
    /// Schema key of the column, when the issue is about one.
    #[serde(with = "crate::schema::key::option")]
    pub field: Option<crate::schema::Key>,
    /// What the clerk wrote, as text.
    pub value: Option<String>,
    /// What is wrong and what is expected, in Chinese.
    pub message: String,
}

/// An issue's sheet in JSON: `null` for a file-level issue, as the other places are; stored
/// as it is elsewhere (the spill's compact encoding).
mod sheet_name {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(sheet: &str, s: S) -> Result<S::Ok, S::Error> {
        match s.is_human_readable() && sheet.is_empty() {
            true => s.serialize_none(),
            false => s.serialize_str(sheet),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        match d.is_human_readable() {
            true => Ok(Option::<String>::deserialize(d)?.unwrap_or_default()),
            false => String::deserialize(d),
        }
    }
}

impl Issue {
    /// A file-level issue (no sheet, no cell).
    pub fn file(code: Code, message: impl Into<String>) -> Issue {
        Issue {
            severity: code.severity(),
            code,
            sheet: String::new(),
            cell: None,
            row: None,
            field: None,
            value: None,
            message: message.into(),
        }
    }

    /// A sheet-level issue.
    pub fn sheet(code: Code, sheet: &str, message: impl Into<String>) -> Issue {
        Issue {
            sheet: sheet.to_string(),
            ..Issue::file(code, message)
        }
    }

    /// An issue on one cell (0-based absolute row and column).
    pub fn cell(
        code: Code,
        sheet: &str,
        (row, col): (u32, u32),
        field: &'static str,
        value: Option<String>,
        message: impl Into<String>,
    ) -> Issue {
        Issue {
            cell: Some(crate::cellref::a1(row, col)),
            row: Some(row + 1),
            field: Some(field),
            value,
            ..Issue::sheet(code, sheet, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The code table as a Markdown table (for README and `taizhang codes`).
pub fn code_table_markdown() -> String {
    let mut out = String::from("| 代码 | 级别 | 问题 | 何时出现 |\n|---|---|---|---|\n");
    for c in CODES {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            c.id,
            c.severity.label(),
            c.title,
            c.when
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_ids_are_unique_and_prefixed_by_severity() {
        let mut ids: Vec<_> = CODES.iter().map(|c| c.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), CODES.len());
        for c in CODES {
            let prefix = if c.severity == Severity::Error {
                'E'
            } else {
                'W'
            };
            assert!(c.id.starts_with(prefix), "{}", c.id);
        }
    }
}
