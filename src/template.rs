//! The issued form writer.
//!
//! Every header, dropdown list, hint and width comes from [`crate::schema`], so a column added
//! there appears in the issued form, the header matcher and the validator alike. The workbook is
//! deterministic (fixed creation time) so the committed copy under `templates/` can be checked
//! for staleness by regenerating it.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use crate::layout::{self, HeaderText};
use crate::rules::Rules;
use crate::schema::{
    self, Column, Kind, Need, SheetSchema, COVERAGE, COVERAGE_MODES, FORM_TITLE, ORGANIZATIONS,
    UNIT_INFO,
};

/// Name of the custom document property holding [`schema::TEMPLATE_VERSION`].
pub const VERSION_PROPERTY: &str = "taizhang_template_version";
/// Last data row (0-based) prepared with validations on 党组织情况 (row 1003 in Excel).
pub const ORG_LAST_ROW: u32 = 1002;
/// Last data row (0-based) prepared with validations on 两新组织覆盖 (row 502 in Excel).
pub const COVERAGE_LAST_ROW: u32 = 501;
/// Dates a clerk may enter: anything outside is a typo.
const DATE_RANGE: ((u16, u8, u8), (u16, u8, u8)) = ((2000, 1, 1), (2100, 12, 31));
/// Deadline of the baseline survey, as told to the units.
const BASELINE_DEADLINE: &str = "4月15日";

/// What to put into the form beyond the blank layout.
///
/// A blank form leaves both fields empty. A pre-filled form (one per roster unit) carries the
/// unit's name and code in 单位信息, locked, so a township cannot mistype who it is.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// 填报单位, written into 单位信息 and the title of 党组织情况.
    pub unit_name: Option<String>,
    /// 单位代码, written into 单位信息.
    pub unit_code: Option<String>,
    /// The county's own standard for 填报说明; `None` describes [`Rules::embedded`].
    pub rules: Option<Rules>,
}

impl TemplateOptions {
    /// Options for one roster unit's pre-filled form.
    pub fn for_unit(code: impl Into<String>, name: impl Into<String>) -> Self {
        TemplateOptions {
            unit_name: Some(name.into()),
            unit_code: Some(code.into()),
            rules: None,
        }
    }

    /// The file name: [`schema::TEMPLATE_FILE`] for the blank form, else
    /// `<单位代码>_<单位名称>_摸底调查表.xlsx` with characters unsafe in file names replaced.
    pub fn file_name(&self) -> String {
        match (&self.unit_code, &self.unit_name) {
            (None, None) => schema::TEMPLATE_FILE.to_string(),
            (code, name) => {
                let parts: Vec<&str> = [code, name].iter().filter_map(|p| p.as_deref()).collect();
                sanitize_file_name(&format!("{}_摸底调查表.xlsx", parts.join("_")))
            }
        }
    }
}

fn sanitize_file_name(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect()
}

/// Why the form could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The workbook could not be laid out (a text over an Excel limit, a bad range): a bug in
    /// the schema or this module, not in the user's input.
    #[error("生成调查表失败")]
    Build(#[source] XlsxError),
    /// The temporary file next to the target could not be created (missing folder, no right
    /// to write there).
    #[error("无法在 {dir} 中创建文件")]
    CreateTemp {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing the workbook into the temporary file failed (disk full).
    #[error("写入调查表 {path} 失败")]
    Save {
        path: PathBuf,
        #[source]
        source: XlsxError,
    },
    /// The finished file could not be moved into place (the target is open in Excel on
    /// Windows, or is a folder).
    #[error("无法保存调查表 {path}")]
    Persist {
        path: PathBuf,
        #[source]
        source: tempfile::PersistError,
    },
}

impl From<XlsxError> for TemplateError {
    fn from(source: XlsxError) -> Self {
        TemplateError::Build(source)
    }
}

/// Write the form into `dir` as [`TemplateOptions::file_name`] and return its path.
///
/// The file is written to a temporary file in the same folder and renamed into place, so a
/// reader never sees half a workbook and a failed run leaves any older form intact.
pub fn write_template(dir: &Path, options: &TemplateOptions) -> Result<PathBuf, TemplateError> {
    let path = dir.join(options.file_name());
    let mut workbook = build_template(options)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".taizhang-template-")
        .suffix(".xlsx.tmp")
        .tempfile_in(dir)
        .map_err(|source| TemplateError::CreateTemp {
            dir: dir.to_path_buf(),
            source,
        })?;
    workbook
        .save_to_writer(temp.as_file_mut())
        .map_err(|source| TemplateError::Save {
            path: path.clone(),
            source,
        })?;
    temp.persist(&path)
        .map_err(|source| TemplateError::Persist {
            path: path.clone(),
            source,
        })?;
    Ok(path)
}

/// Lay out the whole form in memory (the sheets of FORM.md in order, then the hidden `_meta`).
pub fn build_template(options: &TemplateOptions) -> Result<Workbook, TemplateError> {
    let styles = Styles::new();
    let embedded;
    let rules = match &options.rules {
        Some(rules) => rules,
        None => {
            embedded = Rules::embedded();
            &embedded
        }
    };
    let mut workbook = Workbook::new();
    workbook.set_properties(&properties()?);
    workbook.push_worksheet(instructions_sheet(rules, &styles)?);
    workbook.push_worksheet(unit_info_sheet(options, &styles)?);
    workbook.push_worksheet(organizations_sheet(options, &styles)?);
    workbook.push_worksheet(coverage_sheet(&styles)?);
    workbook.push_worksheet(example_sheet(&styles)?);
    workbook.push_worksheet(meta_sheet()?);
    Ok(workbook)
}

/// Fixed creation time so that regenerating gives the same workbook; the version property lets
/// a reader tell which layout a returned file was issued with.
fn properties() -> Result<DocProperties, XlsxError> {
    let created = ExcelDateTime::from_ymd(2026, 1, 1)?;
    Ok(DocProperties::new()
        .set_title(FORM_TITLE)
        .set_author("县委组织部")
        .set_creation_datetime(&created)
        .set_custom_property(VERSION_PROPERTY, schema::TEMPLATE_VERSION))
}

/// The cell formats, made once.
struct Styles {
    title: Format,
    header: Format,
    star: Format,
    header_text: Format,
    heading: Format,
    paragraph: Format,
    label: Format,
    fixed_value: Format,
    note: Format,
}

impl Styles {
    fn new() -> Self {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border(FormatBorder::Thin);
        Styles {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header,
            star: Format::new().set_bold().set_font_color(Color::Red),
            header_text: Format::new().set_bold(),
            heading: Format::new().set_bold().set_font_size(12),
            paragraph: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            label: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin),
            fixed_value: Format::new()
                .set_num_format("@")
                .set_background_color(Color::RGB(0xF2F2F2))
                .set_border(FormatBorder::Thin),
            note: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0xC00000)),
        }
    }

    /// The format of a data cell of this column: unlocked, and text ("@") for identifiers
    /// and phone numbers so that Excel keeps leading zeros and long digit strings.
    fn data(&self, kind: Kind) -> Format {
        let format = Format::new().set_unlocked().set_border(FormatBorder::Thin);
        match kind {
            Kind::Code | Kind::Mobile | Kind::Phone | Kind::Text | Kind::Uscc => {
                format.set_num_format("@")
            }
            Kind::Date => format.set_num_format("yyyy-mm-dd"),
            _ => format,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 填报说明

/// The instructions: one paragraph per row in a wide wrapped column.
fn instructions_sheet(rules: &Rules, styles: &Styles) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(schema::SHEET_INSTRUCTIONS)?;
    sheet.set_column_width(0, INSTRUCTIONS_WIDTH)?;
    sheet.write_with_format(0, 0, format!("{FORM_TITLE}填报说明"), &styles.title)?;
    sheet.set_row_height(0, 30)?;
    let mut row = 2;
    for (heading, lines) in instruction_sections(rules) {
        sheet.write_with_format(row, 0, heading, &styles.heading)?;
        row += 1;
        for line in lines {
            // Wrapped rows are not re-measured by every office suite: size them here.
            let height =
                16.0 * layout::display_width(&line).div_ceil(INSTRUCTIONS_WIDTH as usize) as f64;
            sheet.set_row_height(row, height.max(16.0))?;
            sheet.write_with_format(row, 0, line, &styles.paragraph)?;
            row += 1;
        }
        row += 1;
    }
    sheet.set_landscape().set_print_fit_to_pages(1, 0);
    sheet.protect();
    Ok(sheet)
}

/// Width of the one text column of 填报说明, in characters.
const INSTRUCTIONS_WIDTH: u32 = 110;

/// The sections of 填报说明: (heading, paragraphs).
fn instruction_sections(rules: &Rules) -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("【填报对象和时限】", who_and_when()),
        ("【填报要求】", how_to_fill()),
        ("【调查要点】", survey_points(rules)),
        // The standard in the rules' own words, so the form says what the ledger applies.
        ("【评分标准】", rules.describe()),
    ]
}

fn who_and_when() -> Vec<String> {
    vec![
        "各乡镇（街道）党（工）委、县级各部门党组织，填报本辖区（本系统）全部基层党组织的情况，\
         以及辖区内非公有制企业和社会组织的党建覆盖情况。"
            .to_string(),
        format!(
            "摸底调查请于{BASELINE_DEADLINE}前报送县委组织部；年终复评按通知要求的时间报送。\
             报送前可用 taizhang check 检查，或请县委组织部代为检查。"
        ),
    ]
}

fn how_to_fill() -> Vec<String> {
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
fn conditional_rules() -> Vec<String> {
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
fn need_rules(schema: &'static SheetSchema) -> Vec<String> {
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

fn need_sentence(schema: &'static SheetSchema, need: Need, headers: &str) -> String {
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

fn quoted(headers: &[&str]) -> String {
    headers
        .iter()
        .map(|h| format!("“{h}”"))
        .collect::<Vec<_>>()
        .join("")
}

fn headers(columns: &[Column]) -> Vec<&'static str> {
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
fn survey_points(rules: &Rules) -> Vec<String> {
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

/// Label/value pairs: labels in column A, values in column B (unlocked unless pre-filled).
fn unit_info_sheet(options: &TemplateOptions, styles: &Styles) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(UNIT_INFO.name)?;
    sheet.write_with_format(0, 0, "填报单位信息", &styles.header_text)?;
    sheet.set_column_width(0, 14)?;
    let value_width = UNIT_INFO
        .columns
        .iter()
        .map(|c| c.width)
        .fold(0.0, f64::max);
    sheet.set_column_width(1, value_width)?;
    for (i, column) in UNIT_INFO.columns.iter().enumerate() {
        let row = 1 + i as u32;
        sheet.write_with_format(row, 0, column.header, &styles.label)?;
        sheet.set_row_height(row, 22)?;
        // A pre-filled value is fixed: locked, and without an input hint asking to fill it.
        if let Some(value) = prefilled(options, column) {
            sheet.write_with_format(row, 1, value, &styles.fixed_value)?;
            continue;
        }
        sheet.write_blank(row, 1, &styles.data(column.kind))?;
        if let Some(validation) = validation(column)? {
            sheet.add_data_validation(row, 1, row, 1, &validation)?;
        }
    }
    sheet.protect();
    Ok(sheet)
}

/// The value a pre-filled form carries for this 单位信息 field.
fn prefilled<'a>(options: &'a TemplateOptions, column: &Column) -> Option<&'a str> {
    match column.key {
        "unit_name" => options.unit_name.as_deref(),
        "unit_code" => options.unit_code.as_deref(),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// 党组织情况, 两新组织覆盖, 填写示例

fn organizations_sheet(options: &TemplateOptions, styles: &Styles) -> Result<Worksheet, XlsxError> {
    let title = format!("{}{FORM_TITLE}", options.unit_name.as_deref().unwrap_or(""));
    let mut sheet = table_sheet(&ORGANIZATIONS, &title, styles)?;
    add_validations(&mut sheet, &ORGANIZATIONS, ORG_LAST_ROW)?;
    let frozen_cols = schema::org::NAME as u16 + 1;
    sheet.set_freeze_panes(layout::schema_header_rows(&ORGANIZATIONS) + 1, frozen_cols)?;
    Ok(sheet)
}

fn coverage_sheet(styles: &Styles) -> Result<Worksheet, XlsxError> {
    let title = format!("{}情况", COVERAGE.name);
    let mut sheet = table_sheet(&COVERAGE, &title, styles)?;
    add_validations(&mut sheet, &COVERAGE, COVERAGE_LAST_ROW)?;
    sheet.set_freeze_panes(layout::schema_header_rows(&COVERAGE) + 1, 1)?;
    Ok(sheet)
}

/// A sheet with the title row, the header and column formats of `schema`, protected so that
/// the header cannot be changed while rows can still be added, sorted and filtered.
fn table_sheet(
    schema: &'static SheetSchema,
    title: &str,
    styles: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(schema.name)?;
    let last_col = schema.columns.len() as u16 - 1;
    sheet.merge_range(0, 0, 0, last_col, title, &styles.title)?;
    sheet.set_row_height(0, 32)?;
    write_header(&mut sheet, schema, styles)?;
    for (i, column) in schema.columns.iter().enumerate() {
        sheet.set_column_width(i as u16, layout::column_width(column))?;
        sheet.set_column_format(i as u16, &styles.data(column.kind))?;
    }
    let header_last = layout::schema_header_rows(schema);
    sheet.autofilter(header_last, 0, header_last, last_col)?;
    sheet.protect_with_options(&ProtectionOptions {
        insert_rows: true,
        delete_rows: true,
        format_columns: true,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::default()
    });
    // A3 landscape, one page wide: the table is too wide for A4.
    sheet
        .set_paper_size(8)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(1, header_last)?;
    Ok(sheet)
}

/// The header from row 2 (index 1), laid out by [`layout::header_cells`].
fn write_header(
    sheet: &mut Worksheet,
    schema: &SheetSchema,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let (top, bottom) = (1, layout::schema_header_rows(schema));
    for row in top..=bottom {
        sheet.set_row_height(row, if bottom == top { 36 } else { 24 })?;
    }
    for cell in layout::header_cells(schema, &layout::schema_order(schema), top, 0) {
        if cell.is_merged() {
            sheet.merge_range(
                cell.first_row,
                cell.first_col,
                cell.last_row,
                cell.last_col,
                "",
                &styles.header,
            )?;
        }
        match cell.text {
            HeaderText::Group(group) => {
                sheet.write_with_format(cell.first_row, cell.first_col, group, &styles.header)?;
            }
            HeaderText::Column(i) => {
                write_header_cell(
                    sheet,
                    cell.first_row,
                    cell.first_col,
                    &schema.columns[i],
                    styles,
                )?;
            }
            HeaderText::Other(_) => {}
        }
    }
    Ok(())
}

/// A header cell; required columns get a red "*" in front, which the header matcher ignores.
fn write_header_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    column: &Column,
    styles: &Styles,
) -> Result<(), XlsxError> {
    if column.need == Need::Required {
        let parts = [(&styles.star, "*"), (&styles.header_text, column.header)];
        sheet.write_rich_string_with_format(row, col, &parts, &styles.header)?;
    } else {
        sheet.write_with_format(row, col, column.header, &styles.header)?;
    }
    Ok(())
}

/// One data validation per column that has a rule or a hint, over the data rows.
fn add_validations(
    sheet: &mut Worksheet,
    schema: &SheetSchema,
    last_row: u32,
) -> Result<(), XlsxError> {
    let first_row = layout::schema_header_rows(schema) + 1;
    for (i, column) in schema.columns.iter().enumerate() {
        if let Some(validation) = validation(column)? {
            let col = i as u16;
            sheet.add_data_validation(first_row, col, last_row, col, &validation)?;
        }
    }
    Ok(())
}

/// The validation of a column: the rule its [`Kind`] implies, with the hint as input message
/// and a Chinese error saying what is expected. `None` when there is neither rule nor hint.
pub(crate) fn validation(column: &Column) -> Result<Option<DataValidation>, XlsxError> {
    let rule = rule(column.kind)?;
    if rule.is_none() && column.hint.is_empty() {
        return Ok(None);
    }
    let mut validation = rule.unwrap_or_else(|| DataValidation::new().allow_any_value());
    let message = match column.need {
        Need::Required => format!("{}（必填）", column.hint),
        _ => column.hint.to_string(),
    };
    if !message.is_empty() {
        validation = validation
            .set_input_title(column.header)?
            .set_input_message(message)?;
    }
    if let Some(expected) = expectation(column.kind) {
        validation = validation
            .set_error_title(format!("{}填写有误", column.header))?
            .set_error_message(expected)?;
    }
    Ok(Some(validation))
}

/// The Excel rule a kind of value implies.
fn rule(kind: Kind) -> Result<Option<DataValidation>, XlsxError> {
    let validation = DataValidation::new();
    Ok(Some(match kind {
        Kind::Choice(choices) => validation.allow_list_strings(choices.values)?,
        Kind::Bool => validation.allow_list_strings(&["是", "否"])?,
        Kind::Int { .. } => {
            validation.allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
        }
        Kind::Decimal { .. } => {
            validation.allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        }
        Kind::Percent => validation.allow_decimal_number(DataValidationRule::Between(0.0, 100.0)),
        Kind::Date => {
            let ((y1, m1, d1), (y2, m2, d2)) = DATE_RANGE;
            validation.allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(y1, m1, d1)?,
                ExcelDateTime::from_ymd(y2, m2, d2)?,
            ))
        }
        Kind::Mobile => validation.allow_text_length(DataValidationRule::EqualTo(11)),
        Kind::Uscc => validation.allow_text_length(DataValidationRule::EqualTo(18)),
        Kind::Text | Kind::Code | Kind::Phone => return Ok(None),
    }))
}

/// What a kind of value must look like, for the error dialog ("应填写……").
fn expectation(kind: Kind) -> Option<String> {
    Some(match kind {
        Kind::Choice(choices) => format!("应从下拉列表中选择：{}", choices.values.join("、")),
        Kind::Bool => "应填写“是”或“否”".to_string(),
        Kind::Int { .. } => "应填写不小于 0 的整数，不带单位，如 12".to_string(),
        Kind::Decimal { .. } => "应填写不小于 0 的数，可有小数，不带单位，如 2.5".to_string(),
        Kind::Percent => "应填写 0 到 100 之间的数，如 95 表示 95%".to_string(),
        Kind::Date => {
            let ((y1, m1, d1), (y2, m2, d2)) = DATE_RANGE;
            format!("应填写 {y1}-{m1:02}-{d1:02} 至 {y2}-{m2:02}-{d2:02} 之间的日期，如 2026-04-10")
        }
        Kind::Mobile => "应填写 11 位手机号，如 13812345678".to_string(),
        Kind::Uscc => "应填写 18 位统一社会信用代码".to_string(),
        Kind::Text | Kind::Code | Kind::Phone => return None,
    })
}

/// Example rows of 填写示例, by schema key: a clean 优秀 党支部 and a 后进 one with its
/// rectification plan. Keys missing here are left empty.
#[rustfmt::skip]
const EXAMPLES: &[&[(&str, &str)]] = &[
    &[
        ("seq", "1"), ("org_name", "中共白云村支部委员会"), ("org_code", "051132100012"),
        ("org_type", "党支部"), ("domain", "农村"), ("full_members", "28"), ("probationary", "2"),
        ("secretary", "张建国"), ("secretary_phone", "13800000001"), ("committee_size", "5"),
        ("on_time_election", "是"), ("general_meetings", "4"), ("committee_meetings", "12"),
        ("party_lectures", "4"), ("theme_days", "12"), ("funding", "2.5"), ("venue_area", "120"),
        ("satisfaction", "96"), ("development", "好"), ("self_tier", "优秀"),
        ("target_tier", "优秀"),
    ],
    &[
        ("seq", "2"), ("org_name", "中共青石社区支部委员会"), ("org_code", "051132100013"),
        ("org_type", "党支部"), ("domain", "社区"), ("full_members", "9"),
        ("secretary", "李明"), ("secretary_phone", "13900000002"), ("committee_size", "1"),
        ("on_time_election", "否"), ("general_meetings", "1"), ("committee_meetings", "3"),
        ("party_lectures", "1"), ("theme_days", "4"), ("funding", "0"), ("venue_area", "30"),
        ("satisfaction", "72"), ("development", "中"), ("self_tier", "后进"),
        ("target_tier", "一般"),
        ("problems", "支委会委员配备不齐，未按期换届；组织生活不经常，党课、主题党日开展少"),
        ("measures", "6月底前完成换届、补齐委员；按月召开支委会、开展主题党日，每季度上一次党课"),
        ("deadline", "2026-06-30"), ("remarks", "没有预备党员的，预备党员数可不填"),
    ],
];

/// The 党组织情况 layout with filled example rows; never ingested.
fn example_sheet(styles: &Styles) -> Result<Worksheet, XlsxError> {
    let title = format!("示例镇{FORM_TITLE}（填写示例）");
    let mut sheet = table_sheet(&ORGANIZATIONS, &title, styles)?;
    sheet.set_name(schema::SHEET_EXAMPLE)?;
    let first_row = layout::schema_header_rows(&ORGANIZATIONS) + 1;
    for (i, example) in EXAMPLES.iter().enumerate() {
        let row = first_row + i as u32;
        sheet.set_row_height(row, 48)?;
        write_example_row(&mut sheet, row, example, styles)?;
    }
    let note_row = first_row + EXAMPLES.len() as u32 + 1;
    let note = format!(
        "说明：本表只是填写示例，汇总时不读取。请在“{}”表中填报本单位的党组织。",
        ORGANIZATIONS.name
    );
    sheet.write_with_format(note_row, 0, note, &styles.note)?;
    sheet.protect();
    Ok(sheet)
}

fn write_example_row(
    sheet: &mut Worksheet,
    row: u32,
    example: &[(&str, &str)],
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (i, column) in ORGANIZATIONS.columns.iter().enumerate() {
        let col = i as u16;
        let format = styles
            .data(column.kind)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        let Some((_, value)) = example.iter().find(|(key, _)| *key == column.key) else {
            sheet.write_blank(row, col, &format)?;
            continue;
        };
        match column.kind {
            Kind::Int { .. } | Kind::Decimal { .. } | Kind::Percent => {
                let number: f64 = value.parse().expect("example numbers are numbers");
                sheet.write_number_with_format(row, col, number, &format)?
            }
            Kind::Date => {
                let date = ExcelDateTime::parse_from_str(value)?;
                sheet.write_datetime_with_format(row, col, &date, &format)?
            }
            _ => sheet.write_string_with_format(row, col, *value, &format)?,
        };
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// _meta

/// The hidden sheet carrying the template version, for readers that cannot see custom
/// document properties (calamine, LibreOffice round trips).
fn meta_sheet() -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(schema::SHEET_META)?;
    sheet.write(0, 0, "template_version")?;
    sheet.write(0, 1, schema::TEMPLATE_VERSION)?;
    sheet.set_hidden(true);
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_validation_fits_excel_limits() {
        for schema in [&UNIT_INFO, &ORGANIZATIONS, &COVERAGE] {
            for column in schema.columns {
                validation(column).unwrap_or_else(|e| panic!("{}: {e}", column.header));
            }
        }
    }

    #[test]
    fn examples_name_real_columns_and_valid_choices() {
        for example in EXAMPLES {
            for (key, value) in *example {
                let column = ORGANIZATIONS.column(key);
                if let Kind::Choice(choices) = column.kind {
                    assert!(choices.values.contains(value), "{key}: {value}");
                }
                if column.kind == Kind::Bool {
                    assert!(["是", "否"].contains(value), "{key}: {value}");
                }
            }
        }
    }

    #[test]
    fn examples_cover_every_required_column() {
        for example in EXAMPLES {
            for column in ORGANIZATIONS.columns {
                if column.need == Need::Required {
                    assert!(
                        example.iter().any(|(k, _)| *k == column.key),
                        "{}",
                        column.key
                    );
                }
            }
        }
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
    fn instructions_name_conditional_requirements() {
        let rules = conditional_rules().join("\n");
        assert!(rules.contains("“自评等次”为“后进”的，必须填写“主要问题”“整改措施”“整改时限”"));
        assert!(rules.contains("填写了“书记姓名”的，必须填写“书记手机号”"));
    }
}
