//! 填报说明: who fills what, how, and the scoring standard in words.

use super::*;
use crate::layout;

/// The instructions: one paragraph per row in a wide wrapped column.
pub(super) fn instructions_sheet(
    options: &TemplateOptions,
    rules: &Rules,
    styles: &Styles,
) -> Result<Worksheet, XlsxError> {
    let sections = instruction_sections(options, rules);
    paragraphs_sheet(&styles.form_title, &sections, styles)
}

/// A 填报说明 sheet for the form titled `title`: each section's heading, then its
/// paragraphs, one per row.
pub(super) fn paragraphs_sheet(
    title: &str,
    sections: &[(&'static str, Vec<String>)],
    styles: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(schema::SHEET_INSTRUCTIONS)?;
    sheet.set_column_width(0, INSTRUCTIONS_WIDTH)?;
    sheet.write_with_format(0, 0, format!("{title}填报说明"), &styles.title)?;
    sheet.set_row_height(0, 30)?;
    let mut row = 2;
    for (heading, lines) in sections {
        sheet.write_with_format(row, 0, *heading, &styles.heading)?;
        row += 1;
        for line in lines {
            // Wrapped rows are not re-measured by every office suite: size them here.
            let height =
                16.0 * layout::display_width(line).div_ceil(INSTRUCTIONS_WIDTH as usize) as f64;
            sheet.set_row_height(row, height.max(16.0))?;
            sheet.write_with_format(row, 0, line, &styles.paragraph)?;
            row += 1;
        }
        row += 1;
    }
    styles.print.set_up(&mut sheet, Paper::A4, true, None)?;
    sheet.protect();
    Ok(sheet)
}

/// Width of the one text column of 填报说明, in characters.
const INSTRUCTIONS_WIDTH: u32 = 110;

/// The sections of 填报说明: (heading, paragraphs).
pub(super) fn instruction_sections(
    options: &TemplateOptions,
    rules: &Rules,
) -> Vec<(&'static str, Vec<String>)> {
    let mut sections = vec![
        ("【填报对象和时限】", who_and_when(options, rules)),
        ("【填报要求】", how_to_fill()),
    ];
    if !options.organizations.is_empty() {
        let prefilled = super::baseline::prefilled_instructions(&options.organizations);
        sections.push(("【预填的党组织】", prefilled));
    }
    sections.push(("【调查要点】", survey_points(rules)));
    // The standard in the rules' own words, so the form says what the ledger applies.
    sections.push(("【评分标准】", rules.describe()));
    sections
}

pub(super) fn who_and_when(options: &TemplateOptions, rules: &Rules) -> Vec<String> {
    vec![
        "各乡镇（街道）党（工）委、县级各部门党组织，填报本辖区（本系统）全部基层党组织的情况，\
         以及辖区内非公有制企业和社会组织的党建覆盖情况。"
            .to_string(),
        format!(
            "{}报送前可用 taizhang check 检查，或请县委组织部代为检查。",
            when_due(options, rules)
        ),
    ]
}

/// When the form is due: the deadline given, else the rules file's day for the round
/// (`[deadlines]`: 4月15日 and 12月31日 by default); both rounds when the form is not for one.
pub(super) fn when_due(options: &TemplateOptions, rules: &Rules) -> String {
    let deadlines = &rules.config().deadlines;
    let day = crate::rules::config::Deadlines::in_words;
    let (baseline, year_end) = (day(&deadlines.baseline), day(&deadlines.year_end));
    match (options.stage(), options.deadline) {
        (Some(stage), Some(deadline)) => format!(
            "{}请于{}前报送县委组织部。",
            stage.round(),
            crate::dates::in_words(deadline)
        ),
        (Some(SurveyStage::Baseline), None) => format!("摸底调查请于{baseline}前报送县委组织部。"),
        (Some(SurveyStage::YearEnd), None) => format!("年终复评请于{year_end}前报送县委组织部。"),
        (None, _) => {
            format!("摸底调查请于{baseline}前、年终复评请于{year_end}前报送县委组织部。")
        }
    }
}

pub(super) fn how_to_fill() -> Vec<String> {
    let mut lines = vec![
        format!(
            "1. 先填“{}”表：{}。",
            UNIT_INFO.name,
            headers(UNIT_INFO.columns).join("、")
        ),
        format!(
            "2. 需要填写两张表：“{}”，每个基层党组织填一行；“{}”，辖区内每个非公有制企业、\
             社会组织填一行（没有的可不填）。",
            ORGANIZATIONS.name, COVERAGE.name
        ),
        "3. 不要修改、删除或移动表头，不要改工作表名称，不要合并单元格，不要插入小计、合计行。"
            .to_string(),
        "4. 表头带红色“*”的列必须填写；有下拉箭头的列请从下拉列表中选择；数字列只填数字，\
         不要带单位；日期填写为 2026-04-10 的形式；选中单元格可看到填写提示。"
            .to_string(),
    ];
    lines.extend(
        conditional_rules()
            .into_iter()
            .enumerate()
            .map(|(i, rule)| format!("{}. {rule}", i + 5)),
    );
    let n = lines.len() + 1;
    lines.push(format!(
        "{n}. “{}”表只是样例，汇总时不读取，请勿在该表填报。",
        schema::SHEET_EXAMPLE
    ));
    lines.push(format!(
        "{}. 填好后保存为 Excel 工作簿（.xlsx）报送，不要另存为 PDF、图片或 WPS 专用格式。",
        n + 1
    ));
    lines
}

/// The conditional requirements of the schema ([`Need`] and the 两新 coverage rule) in words.
pub(super) fn conditional_rules() -> Vec<String> {
    let mut rules = Vec::new();
    for schema in [&ORGANIZATIONS, &COVERAGE] {
        rules.extend(need_rules(schema));
    }
    let has_org = COVERAGE.column("has_party_org").header;
    let coverage = COVERAGE.column("coverage").header;
    let members = COVERAGE.column("members").header;
    // The first two coverage modes are the two ways of having one's own Party organization.
    let (alone, joint) = (COVERAGE_MODES.values[0], COVERAGE_MODES.values[1]);
    rules.push(format!(
        "“{has_org}”为“是”的，“{coverage}”应为“{alone}”或“{joint}”；\
         “{alone}”的，“{members}”应不少于 3 人。"
    ));
    rules
}

/// One sentence per distinct [`Need`] condition of a sheet, naming its columns together.
pub(super) fn need_rules(schema: &'static SheetSchema) -> Vec<String> {
    let mut rules: Vec<(Need, Vec<&str>)> = Vec::new();
    for column in schema.columns {
        if matches!(column.need, Need::Required | Need::Optional) {
            continue;
        }
        match rules.iter_mut().find(|(need, _)| *need == column.need) {
            Some((_, headers)) => headers.push(column.header),
            None => rules.push((column.need, vec![column.header])),
        }
    }
    rules
        .into_iter()
        .map(|(need, headers)| need_sentence(schema, need, &quoted(&headers)))
        .collect()
}

pub(super) fn need_sentence(schema: &'static SheetSchema, need: Need, headers: &str) -> String {
    match need {
        Need::ZeroIfEmpty => format!("{headers}不填的视为 0。"),
        Need::EmptyMeans(meaning) => format!("{headers}不填表示{meaning}。"),
        Need::WhenFilled(key) => {
            format!(
                "填写了“{}”的，必须填写{headers}。",
                schema.column(key).header
            )
        }
        Need::WhenEquals(key, value) => format!(
            "“{}”为“{value}”的，必须填写{headers}。",
            schema.column(key).header
        ),
        Need::Required | Need::Optional => String::new(),
    }
}

pub(super) fn quoted(headers: &[&str]) -> String {
    headers
        .iter()
        .map(|h| format!("“{h}”"))
        .collect::<Vec<_>>()
        .join("")
}

pub(super) fn headers(columns: &[Column]) -> Vec<&'static str> {
    columns.iter().map(|c| c.header).collect()
}

/// The columns each of the five survey points is judged from, in the rules' order.
const SURVEY_POINT_COLUMNS: [&[&str]; 5] = [
    &["org_type", "full_members"],
    &["secretary", "committee_size", "on_time_election"],
    &[
        "general_meetings",
        "committee_meetings",
        "party_lectures",
        "theme_days",
    ],
    &["funding", "venue_area"],
    &["satisfaction"],
];

/// The five survey points (names from the rules) and the columns that feed them.
pub(super) fn survey_points(rules: &Rules) -> Vec<String> {
    const NUMERALS: [&str; 5] = ["一", "二", "三", "四", "五"];
    rules
        .survey_point_names()
        .iter()
        .zip(SURVEY_POINT_COLUMNS)
        .zip(NUMERALS)
        .map(|((point, keys), numeral)| {
            let headers: Vec<&str> = keys
                .iter()
                .map(|k| ORGANIZATIONS.column(k).header)
                .collect();
            format!("（{numeral}）{point}：{}。", headers.join("、"))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 单位信息
