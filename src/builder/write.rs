//! Writing the planned form with rust_xlsxwriter.

use super::*;

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// Rows above which a sheet is written in constant-memory mode (row by row, to a temp file).
pub(super) const CONSTANT_MEMORY_ROWS: usize = 2000;

pub(super) struct Formats {
    pub(super) title: Format,
    pub(super) header: Format,
    pub(super) date: Format,
}

impl Formats {
    pub(super) fn new() -> Formats {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            header,
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

impl FormBuilder {
    /// Writes the form to `path` and returns the path.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<PathBuf, XlsxError> {
        let path = path.as_ref();
        self.workbook()?.save(path)?;
        Ok(path.to_path_buf())
    }

    /// The form as .xlsx bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, XlsxError> {
        self.workbook()?.save_to_buffer()
    }

    pub(super) fn workbook(&self) -> Result<Workbook, XlsxError> {
        let mut workbook = Workbook::new();
        let formats = Formats::new();
        // A fixed creation time keeps generated files byte-for-byte reproducible.
        let created = ExcelDateTime::from_ymd(2026, 1, 1)?;
        let mut properties = DocProperties::new().set_creation_datetime(&created);
        if self.layout.meta {
            properties =
                properties.set_custom_property("template_version", schema::TEMPLATE_VERSION);
        }
        workbook.set_properties(&properties);
        let big = self.orgs.len().max(self.coverage.len()) > CONSTANT_MEMORY_ROWS;
        let constant = self.layout.constant_memory.unwrap_or(big);

        if self.layout.instructions {
            self.write_instructions(workbook.add_worksheet(), &formats)?;
        }
        self.write_unit(workbook.add_worksheet(), &formats)?;
        let sheet = new_sheet(&mut workbook, constant)?;
        self.write_orgs(sheet, &formats)?;
        let sheet = new_sheet(&mut workbook, constant)?;
        self.write_coverage(sheet, &formats)?;
        for further in &self.layout.further {
            let sheet = new_sheet(&mut workbook, constant)?;
            write_further(sheet, further, &formats)?;
        }
        if self.layout.example {
            self.write_example(workbook.add_worksheet(), &formats)?;
        }
        if self.layout.meta {
            let meta = workbook.add_worksheet();
            meta.set_name(self.sheet_name_of(Sheet::Meta))?;
            meta.write_string(0, 0, "template_version")?;
            meta.write_string(0, 1, schema::TEMPLATE_VERSION)?;
            meta.set_hidden(true);
        }
        for name in &self.layout.hidden {
            workbook.worksheet_from_name(name)?.set_hidden(true);
        }
        Ok(workbook)
    }

    pub(super) fn write_instructions(
        &self,
        sheet: &mut Worksheet,
        f: &Formats,
    ) -> Result<(), XlsxError> {
        sheet.set_name(self.sheet_name_of(Sheet::Instructions))?;
        sheet.set_column_width(0, 90)?;
        sheet.write_string_with_format(0, 0, schema::FORM_TITLE, &f.title)?;
        let lines = [
            "一、本表由各乡镇（街道）、县级部门填报，每个基层党组织填一行。",
            "二、“单位信息”表填写填报单位、单位代码、调查阶段、填报人、联系电话和填报日期。",
            "三、“填写示例”表仅供参考，不要在其中填报。",
        ];
        for (i, line) in lines.iter().enumerate() {
            sheet.write_string(i as u32 + 1, 0, *line)?;
        }
        Ok(())
    }

    pub(super) fn write_unit(&self, sheet: &mut Worksheet, f: &Formats) -> Result<(), XlsxError> {
        sheet.set_name(self.sheet_name_of(Sheet::Unit))?;
        sheet.set_column_width(0, 16)?;
        sheet.set_column_width(1, 30)?;
        if self.layout.unit_title {
            sheet.write_string_with_format(0, 0, "填报单位信息", &f.title)?;
        }
        let first = self.unit_first_row();
        for (field, value) in self.unit.iter().enumerate() {
            let label = self.label(field);
            let (row, col) = self.unit_value_pos(field);
            match self.layout.unit_values {
                UnitValues::InLabel => {
                    let sep = if self.layout.label_suffix.is_empty() {
                        "："
                    } else {
                        ""
                    };
                    let text = format!("{label}{sep}{}", value.display());
                    sheet.write_string(row, col, &text)?;
                }
                UnitValues::Beside => {
                    sheet.write_string(row, 0, &label)?;
                    write_cell(sheet, row, col, value, f)?;
                }
                UnitValues::Below => {
                    sheet.write_string(first + 2 * field as u32, 0, &label)?;
                    write_cell(sheet, row, col, value, f)?;
                }
            }
        }
        Ok(())
    }

    pub(super) fn write_orgs(&self, sheet: &mut Worksheet, f: &Formats) -> Result<(), XlsxError> {
        sheet.set_name(self.sheet_name_of(Sheet::Org))?;
        let slots = &self.layout.org_slots;
        let extras = &self.layout.org_extras;
        set_widths(sheet, slots, &ORGANIZATIONS)?;
        let plan = self.org_plan();
        let title = format!("{}{}", self.unit[unit::NAME].display(), schema::FORM_TITLE);
        write_titles(sheet, plan.header_top, slots.len(), &title, f)?;
        self.write_header(sheet, &plan, slots, extras, &ORGANIZATIONS, f)?;
        for (i, record) in self.orgs.iter().enumerate() {
            write_record(sheet, plan.rows[i], slots, &record.cells, extras, i, f)?;
        }
        let seq_col = slots.iter().position(|s| *s == Slot::Key(org::SEQ));
        for (k, row) in plan.numbered.iter().enumerate() {
            if let Some(col) = seq_col {
                sheet.write_number(*row, col as u16, (self.orgs.len() + k + 1) as f64)?;
            }
        }
        if let (Some(row), Some(label)) = (plan.total, &self.layout.total) {
            self.write_total(sheet, row, label, slots)?;
        }
        Ok(())
    }

    pub(super) fn write_total(
        &self,
        sheet: &mut Worksheet,
        row: u32,
        label: &str,
        slots: &[Slot],
    ) -> Result<(), XlsxError> {
        let label_col = [org::SEQ, org::NAME]
            .iter()
            .find_map(|k| slots.iter().position(|s| *s == Slot::Key(*k)))
            .unwrap_or(0);
        sheet.write_string(row, label_col as u16, label)?;
        for (col, slot) in slots.iter().enumerate() {
            let Slot::Key(i) = *slot else { continue };
            let summable = matches!(
                ORGANIZATIONS.columns[i].kind,
                Kind::Int { .. } | Kind::Decimal { .. }
            );
            if !summable || i == org::SEQ || col == label_col {
                continue;
            }
            let sum: f64 = self
                .orgs
                .iter()
                .filter_map(|o| o.cells[i].as_number())
                .sum();
            sheet.write_number(row, col as u16, sum)?;
        }
        Ok(())
    }

    pub(super) fn write_coverage(
        &self,
        sheet: &mut Worksheet,
        f: &Formats,
    ) -> Result<(), XlsxError> {
        sheet.set_name(self.sheet_name_of(Sheet::Coverage))?;
        let slots = &self.layout.cov_slots;
        let extras = &self.layout.cov_extras;
        set_widths(sheet, slots, &COVERAGE)?;
        let plan = self.cov_plan();
        let title = format!("{}两新组织党建覆盖情况", self.unit[unit::NAME].display());
        write_titles(sheet, plan.header_top, slots.len(), &title, f)?;
        self.write_header(sheet, &plan, slots, extras, &COVERAGE, f)?;
        for (i, record) in self.coverage.iter().enumerate() {
            write_record(sheet, plan.rows[i], slots, &record.cells, extras, i, f)?;
        }
        Ok(())
    }

    pub(super) fn write_header(
        &self,
        sheet: &mut Worksheet,
        plan: &TablePlan,
        slots: &[Slot],
        extras: &[Extra],
        schema: &SheetSchema,
        f: &Formats,
    ) -> Result<(), XlsxError> {
        let top = plan.header_top;
        if !plan.two_rows {
            for (col, slot) in slots.iter().enumerate() {
                let text = self.header_text(*slot, schema, extras);
                sheet.write_string_with_format(top, col as u16, &text, &f.header)?;
            }
            return Ok(());
        }
        let keys: Vec<Option<usize>> = slots
            .iter()
            .map(|s| match s {
                Slot::Key(i) => Some(*i),
                Slot::Extra(_) => None,
            })
            .collect();
        for cell in layout::header_cells(schema, &keys, top, 0) {
            let text = match cell.text {
                HeaderText::Group(group) => group.to_string(),
                HeaderText::Column(_) | HeaderText::Other(_) => {
                    self.header_text(slots[cell.first_col as usize], schema, extras)
                }
            };
            if cell.is_merged() {
                let (r0, c0, r1, c1) =
                    (cell.first_row, cell.first_col, cell.last_row, cell.last_col);
                sheet.merge_range(r0, c0, r1, c1, &text, &f.header)?;
            } else {
                sheet.write_string_with_format(cell.first_row, cell.first_col, &text, &f.header)?;
            }
        }
        Ok(())
    }

    pub(super) fn write_example(
        &self,
        sheet: &mut Worksheet,
        f: &Formats,
    ) -> Result<(), XlsxError> {
        sheet.set_name(self.sheet_name_of(Sheet::Example))?;
        sheet.write_string_with_format(0, 0, "填写示例（仅供参考，本表不读取）", &f.title)?;
        let example = OrgRow::clean(1)
            .name("示例：XX镇XX村党支部")
            .secretary("张三")
            .secretary_phone("13800000000");
        for (col, column) in ORGANIZATIONS.columns.iter().enumerate() {
            sheet.write_string_with_format(1, col as u16, column.header, &f.header)?;
            write_cell(sheet, 2, col as u16, &example.cells[col], f)?;
        }
        Ok(())
    }
}

fn write_further(sheet: &mut Worksheet, further: &Further, f: &Formats) -> Result<(), XlsxError> {
    match further {
        Further::Orgs(name, rest) => {
            rest.write_orgs(sheet, f)?;
            sheet.set_name(name)?;
        }
        Further::Coverage(name, rest) => {
            rest.write_coverage(sheet, f)?;
            sheet.set_name(name)?;
        }
        Further::Raw(name, rows) => {
            sheet.set_name(name)?;
            for (row, cells) in (0..).zip(rows) {
                for (col, cell) in (0..).zip(cells) {
                    write_cell(sheet, row, col, cell, f)?;
                }
            }
        }
    }
    Ok(())
}

pub(super) fn new_sheet(
    workbook: &mut Workbook,
    constant: bool,
) -> Result<&mut Worksheet, XlsxError> {
    if constant {
        workbook.add_worksheet_with_constant_memory()
    } else {
        Ok(workbook.add_worksheet())
    }
}

pub(super) fn set_widths(
    sheet: &mut Worksheet,
    slots: &[Slot],
    schema: &SheetSchema,
) -> Result<(), XlsxError> {
    for (col, slot) in slots.iter().enumerate() {
        let width = match slot {
            Slot::Key(i) => schema.columns[*i].width,
            Slot::Extra(_) => 12.0,
        };
        sheet.set_column_width(col as u16, width)?;
    }
    Ok(())
}

/// The merged title in row 1, and a plain note in any further title rows.
pub(super) fn write_titles(
    sheet: &mut Worksheet,
    rows: u32,
    columns: usize,
    title: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    if rows == 0 {
        return Ok(());
    }
    if columns > 1 {
        sheet.merge_range(0, 0, 0, columns as u16 - 1, title, &f.title)?;
    } else {
        sheet.write_string_with_format(0, 0, title, &f.title)?;
    }
    for row in 1..rows {
        let note = if row == 1 {
            "（数据截至填报日期，次数为本年度累计）"
        } else {
            ""
        };
        if !note.is_empty() {
            sheet.write_string(row, 0, note)?;
        }
    }
    Ok(())
}

pub(super) fn write_record(
    sheet: &mut Worksheet,
    row: u32,
    slots: &[Slot],
    cells: &[Cell],
    extras: &[Extra],
    index: usize,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (col, slot) in slots.iter().enumerate() {
        let cell = match slot {
            Slot::Key(i) => &cells[*i],
            Slot::Extra(e) => extras[*e].values.get(index).unwrap_or(&Cell::Empty),
        };
        write_cell(sheet, row, col as u16, cell, f)?;
    }
    Ok(())
}

pub(super) fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    f: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(t) => {
            sheet.write_string(row, col, t)?;
        }
        Cell::Number(n) => {
            sheet.write_number(row, col, *n)?;
        }
        Cell::Bool(b) => {
            sheet.write_boolean(row, col, *b)?;
        }
        Cell::Date(d) => {
            let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            sheet.write_datetime_with_format(row, col, &date, &f.date)?;
        }
        Cell::Formula { formula, cached } => {
            let formula = rust_xlsxwriter::Formula::new(formula).set_result(format_number(*cached));
            sheet.write_formula(row, col, formula)?;
        }
    }
    Ok(())
}
