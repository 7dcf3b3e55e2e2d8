//! The submitted content re-read from the original file: 单位信息 and the two tables in the
//! issued layout, problem cells colored with notes.

use super::*;

/// What the clerk typed, re-read from the original file: the table sheets and the cells the
/// 单位信息 issues point at.
pub(super) struct Original {
    pub(super) sheets: HashMap<String, Grid>,
    /// Per 单位信息 field, the cell an issue points at.
    unit: Vec<Option<Data>>,
}

pub(super) fn reread(form: &Form, limits: &Limits) -> Result<Original, ReadError> {
    let mut workbook = Workbook::open(&form.path, limits)?;
    let mut sheets = HashMap::new();
    for name in form.tables().map(|t| t.sheet.clone()) {
        let grid = workbook.load(&name)?;
        sheets.insert(name, grid);
    }
    let mut unit = Vec::new();
    for column in UNIT_INFO.columns {
        let at = form
            .issues
            .iter()
            .filter(|i| i.field == Some(column.key))
            .find_map(|i| Some((i.sheet.as_str(), parse_a1(i.cell.as_deref()?)?)));
        let Some((sheet, (row, col))) = at else {
            unit.push(None);
            continue;
        };
        if !sheets.contains_key(sheet) {
            let grid = workbook.load(sheet)?;
            sheets.insert(sheet.to_string(), grid);
        }
        unit.push(Some(sheets[sheet].get(row, col).clone()));
    }
    Ok(Original { sheets, unit })
}

/// What one table sheet shows: the records of the original `grid`, in `schema` order.
pub(super) struct Table<'a> {
    pub(super) schema: &'static SheetSchema,
    pub(super) location: &'a TableLocation,
    pub(super) records: &'a [Record],
    pub(super) grid: &'a Grid,
    pub(super) cells: CellIssues<'a>,
}

/// Issues about a 单位信息 field, wherever the clerk put it (its own sheet, or above the table).
pub(super) fn unit_issues<'a>(form: &'a Form, key: &str) -> Vec<&'a Issue> {
    form.issues
        .iter()
        .filter(|i| i.field == Some(key))
        .collect()
}

/// A 单位信息 value as submitted: the original cell when an issue points at it, else the
/// value as read (the form does not record where a clean value sat).
pub(super) fn unit_value(form: &Form, index: usize, original: &Original) -> Data {
    if let Some(Some(cell)) = original.unit.get(index) {
        return cell.clone();
    }
    match form.unit.get(index).and_then(Option::as_ref) {
        Some(value) => Data::String(value.to_string()),
        None => Data::Empty,
    }
}

pub(super) fn unit_sheet(
    form: &Form,
    original: &Original,
    styles: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(UNIT_INFO.name)?;
    write_unit_header(&mut sheet, styles)?;
    for (i, column) in UNIT_INFO.columns.iter().enumerate() {
        let issues = unit_issues(form, column.key);
        let value = unit_value(form, i, original);
        write_unit_row(&mut sheet, i as u32 + 2, column, &value, &issues, styles)?;
    }
    Ok(sheet)
}

pub(super) const UNIT_WIDTHS: [f64; 3] = [14.0, 34.0, 70.0];

pub(super) fn write_unit_header(sheet: &mut Worksheet, styles: &Styles) -> Result<(), XlsxError> {
    for (c, width) in UNIT_WIDTHS.iter().enumerate() {
        sheet.set_column_width(c as u16, *width)?;
    }
    let title = "单位信息（您填报的内容；标色的项目有问题）";
    sheet.merge_range(0, 0, 0, 2, title, &styles.title)?;
    sheet.set_row_height(0, 28)?;
    for (c, header) in ["项目", "填写内容", "问题说明"].iter().enumerate() {
        sheet.write_with_format(1, c as u16, *header, &styles.header)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    page_setup(sheet, styles, false, 2)?;
    Ok(())
}

pub(super) fn write_unit_row(
    sheet: &mut Worksheet,
    row: u32,
    column: &Column,
    value: &Data,
    issues: &[&Issue],
    styles: &Styles,
) -> Result<(), XlsxError> {
    let severity = worst(issues);
    sheet.write_with_format(row, 0, column.header, &styles.label)?;
    write_raw(sheet, (row, 1), value, column.kind, &cell_format(severity))?;
    add_note(sheet, row, 1, issues)?;
    let messages: Vec<String> = issues
        .iter()
        .map(|i| match &i.cell {
            Some(cell) => format!(
                "{}（原表“{}”{}）：{}",
                i.severity.label(),
                i.sheet,
                cell,
                i.message
            ),
            None => format!("{}：{}", i.severity.label(), i.message),
        })
        .collect();
    let text = messages.join("\n");
    let format = cell_format(severity).set_text_wrap();
    sheet.write_string_with_format(row, 2, &text, &format)?;
    sheet.set_row_height(row, wrapped_height(&[(&text, UNIT_WIDTHS[2])]))?;
    Ok(())
}

pub(super) fn table_sheet(
    table: &Table,
    form: &Form,
    styles: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(table.schema.name)?;
    write_table_title(&mut sheet, table, form, styles)?;
    write_table_header(&mut sheet, table, styles)?;
    let first = layout::schema_header_rows(table.schema) + 1;
    for (i, record) in table.records.iter().enumerate() {
        write_record(&mut sheet, first + i as u32, record, table)?;
    }
    let last_col = table.schema.columns.len() as u16;
    sheet.autofilter(
        first - 1,
        0,
        first - 1 + table.records.len() as u32,
        last_col,
    )?;
    let frozen = if std::ptr::eq(table.schema, &ORGANIZATIONS) {
        3
    } else {
        2
    };
    sheet.set_freeze_panes(first, frozen)?;
    page_setup(&mut sheet, styles, true, first)?;
    Ok(sheet)
}

pub(super) fn write_table_title(
    sheet: &mut Worksheet,
    table: &Table,
    form: &Form,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let unit = form.unit_name().unwrap_or("");
    let title = format!(
        "{unit}{}（原文件“{}”工作表的填报内容；红色为错误，黄色为警告，鼠标移到标色单元格上可查看问题说明）",
        table.schema.name, table.location.sheet
    );
    let last_col = table.schema.columns.len() as u16;
    sheet.merge_range(0, 0, 0, last_col, &title, &styles.title)?;
    sheet.set_row_height(0, 36)?;
    Ok(())
}

/// The header like the issued form's (laid out by [`layout::header_cells`]), after the extra
/// 原表行号 column; a column the original lacks is grey with a note saying so.
pub(super) fn write_table_header(
    sheet: &mut Worksheet,
    table: &Table,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let schema = table.schema;
    let slots: Vec<Option<usize>> = std::iter::once(None)
        .chain(layout::schema_order(schema))
        .collect();
    let (top, bottom) = (1, layout::header_rows(schema, &slots));
    for row in top..=bottom {
        sheet.set_row_height(row, if top == bottom { 36.0 } else { 24.0 })?;
    }
    sheet.set_column_width(0, 9)?;
    for cell in layout::header_cells(schema, &slots, top, 0) {
        let span = (cell.first_row, cell.last_row, cell.first_col, cell.last_col);
        match cell.text {
            HeaderText::Other(_) => header_cell(sheet, span, ROW_NUMBER_HEADER, &styles.header)?,
            HeaderText::Group(group) => header_cell(sheet, span, group, &styles.header)?,
            HeaderText::Column(i) => {
                let column = &schema.columns[i];
                sheet.set_column_width(cell.first_col, layout::column_width(column))?;
                let absent = table.location.columns.get(i).copied().flatten().is_none();
                let format = match absent {
                    true => styles
                        .header
                        .clone()
                        .set_background_color(Color::RGB(ABSENT_FILL)),
                    false => styles.header.clone(),
                };
                header_cell(sheet, span, column.header, &format)?;
                if absent {
                    let note =
                        Note::new("原文件中没有这一列，所以本列为空。").add_author_prefix(false);
                    sheet.insert_note(
                        cell.last_row,
                        cell.first_col,
                        &note.set_author("报送检查"),
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// A header cell over rows `first_row..=last_row` and columns `first_col..=last_col`.
pub(super) fn header_cell(
    sheet: &mut Worksheet,
    (first_row, last_row, first_col, last_col): (u32, u32, u16, u16),
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if first_row != last_row || first_col != last_col {
        sheet.merge_range(first_row, first_col, last_row, last_col, text, format)?;
    } else {
        sheet.write_with_format(first_row, first_col, text, format)?;
    }
    Ok(())
}

/// One submitted row: its original row number, then every schema column's raw cell.
pub(super) fn write_record(
    sheet: &mut Worksheet,
    row: u32,
    record: &Record,
    table: &Table,
) -> Result<(), XlsxError> {
    let original_row = record.row + 1;
    let row_issues = table.cells.at(original_row, None);
    let format = cell_format(worst(row_issues)).set_align(FormatAlign::Center);
    sheet.write_number_with_format(row, 0, original_row as f64, &format)?;
    add_note(sheet, row, 0, row_issues)?;
    for (i, column) in table.schema.columns.iter().enumerate() {
        let cell = match table.location.columns.get(i).copied().flatten() {
            Some(col) => table.grid.get(record.row, col),
            None => &Data::Empty,
        };
        let issues = table.cells.at(original_row, Some(column.key));
        let col = i as u16 + 1;
        write_raw(
            sheet,
            (row, col),
            cell,
            column.kind,
            &cell_format(worst(issues)),
        )?;
        add_note(sheet, row, col, issues)?;
    }
    Ok(())
}
