//! Formats shared by the ledger's sheets, and helpers that write typed values.

use crate::normalize::Value;
use crate::print::{Paper, Print, A4_LANDSCAPE_WIDTH};
use crate::rules::{Rules, Tier};
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Worksheet, XlsxError,
};

pub const GREEN: u32 = 0xC6EFCE;
pub const YELLOW: u32 = 0xFFEB9C;
pub const RED: u32 = 0xFFC7CE;
pub const GRAY: u32 = 0xD9D9D9;
pub const BLUE: u32 = 0xDDEBF7;

/// The formats of one ledger, built once.
pub struct Styles {
    /// No format at all (the workbook's default, index 0).
    pub plain: Format,
    pub header: Format,
    pub title: Format,
    pub text: Format,
    pub wrap: Format,
    pub date: Format,
    pub percent: Format,
    pub decimal: Format,
    pub centered: Format,
    pub total: Format,
    pub total_percent: Format,
    pub below_target: Format,
    pub error: Format,
    pub warning: Format,
    /// What the workbook prints at the top of its pages.
    pub print: Print,
}

impl Styles {
    pub fn new(print: Print) -> Styles {
        let border = |f: Format| f.set_border(FormatBorder::Thin);
        Styles {
            print,
            plain: Format::new(),
            header: border(
                Format::new()
                    .set_bold()
                    .set_text_wrap()
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::VerticalCenter)
                    .set_background_color(Color::RGB(BLUE)),
            ),
            title: Format::new().set_bold().set_font_size(16),
            text: Format::new().set_num_format("@"),
            wrap: Format::new()
                .set_num_format("@")
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            percent: Format::new().set_num_format("0.0%"),
            decimal: Format::new().set_num_format("0.##"),
            centered: Format::new().set_align(FormatAlign::Center),
            total: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(GRAY)),
            total_percent: Format::new()
                .set_bold()
                .set_num_format("0.0%")
                .set_background_color(Color::RGB(GRAY)),
            below_target: Format::new()
                .set_num_format("0.0%")
                .set_background_color(Color::RGB(RED))
                .set_font_color(Color::RGB(0x9C0006)),
            error: fill(RED),
            warning: fill(YELLOW),
        }
    }

    /// A tier cell: filled as [`tier_fill`], centered.
    pub fn tier(&self, rules: &Rules, tier: Tier) -> Format {
        tier_fill(rules, tier).set_align(FormatAlign::Center)
    }
}

/// The fill of a tier: the highest tier green, the lowest red, 待定 gray.
pub fn tier_fill(rules: &Rules, tier: Tier) -> Format {
    let color = match tier {
        Tier::Pending => GRAY,
        Tier::Rated(0) => GREEN,
        Tier::Rated(i) if i + 1 == rules.tier_names().len() => RED,
        Tier::Rated(_) => YELLOW,
    };
    fill(color)
}

/// The 核定等次 column of a list: centered, each tier filled as [`tier_fill`] by a highlight
/// (conditional format), so its cells need no format of their own.
pub fn tier_col(header: &str, width: f64, rules: &Rules) -> Col {
    let highlights = rules
        .tiers()
        .chain([Tier::Pending])
        .map(|t| Highlight {
            value: rules.tier_name(t).to_string(),
            fill: tier_fill(rules, t),
        })
        .collect();
    col(header, width)
        .formatted(ColFormat::Centered)
        .highlighted(highlights)
}

/// A plain fill of `color`.
pub fn fill(color: u32) -> Format {
    Format::new().set_background_color(Color::RGB(color))
}

/// The formats of one table row: a total row is bold on gray.
pub struct RowFormats<'a> {
    pub plain: &'a Format,
    pub number: &'a Format,
    pub percent: &'a Format,
}

impl Styles {
    /// The formats of a unit row, or of the county total row when `total`.
    pub fn row(&self, total: bool) -> RowFormats<'_> {
        match total {
            true => RowFormats {
                plain: &self.total,
                number: &self.total,
                percent: &self.total_percent,
            },
            false => RowFormats {
                plain: &self.text,
                number: &self.decimal,
                percent: &self.percent,
            },
        }
    }

    /// The format of a rate against its target (in percent): red below the target.
    pub fn rate<'a>(
        &'a self,
        rate: Option<f64>,
        target_percent: f64,
        row: &RowFormats<'a>,
    ) -> &'a Format {
        match rate {
            Some(r) if r * 100.0 + 1e-9 < target_percent => &self.below_target,
            _ => row.percent,
        }
    }
}

/// A saturated color per tier for charts: green for the highest, red for the lowest.
pub fn tier_chart_color(rules: &Rules, tier: Tier) -> Color {
    let last = rules.tier_names().len().saturating_sub(1);
    Color::RGB(match tier {
        Tier::Pending => 0x808080,
        Tier::Rated(0) => 0x4CAF50,
        Tier::Rated(i) if i == last => 0xE53935,
        Tier::Rated(i) if i * 2 < last => 0x8BC34A,
        Tier::Rated(_) => 0xFFB300,
    })
}

/// The number format a column carries for all its cells, so that a cell of the column's own
/// kind is written without a format of its own (a per-cell format costs the writer a hash of
/// the whole [`Format`]: a fifth of 台账明细's write time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColFormat {
    #[default]
    Plain,
    /// Text ("@"): names, codes, phone numbers.
    Text,
    /// Decimal numbers and percentages ("0.##").
    Decimal,
    /// Dates ("yyyy-mm-dd").
    Date,
    /// Centered (a short label such as a tier).
    Centered,
    /// Long text, kept as text ("@") and wrapped within the column's width (扣分说明, 后进原因,
    /// 说明).
    Wrap,
}

impl Styles {
    /// The format behind a column format; `None` for [`ColFormat::Plain`].
    pub fn column(&self, format: ColFormat) -> Option<&Format> {
        match format {
            ColFormat::Plain => None,
            ColFormat::Text => Some(&self.text),
            ColFormat::Decimal => Some(&self.decimal),
            ColFormat::Date => Some(&self.date),
            ColFormat::Centered => Some(&self.centered),
            ColFormat::Wrap => Some(&self.wrap),
        }
    }

    /// The format a cell of natural format `value` needs in a column of format `column`:
    /// none when they agree, else the value's own (the default one for plain values).
    pub fn cell(&self, value: ColFormat, column: ColFormat) -> Option<&Format> {
        if value == column || (value, column) == (ColFormat::Text, ColFormat::Wrap) {
            None
        } else {
            Some(self.column(value).unwrap_or(&self.plain))
        }
    }
}

/// A column of a ledger sheet: its header, width in characters, column format and the
/// values it highlights.
pub struct Col {
    pub header: String,
    pub width: f64,
    pub format: ColFormat,
    pub highlights: Vec<Highlight>,
    /// Whether the column says which row it is (单位, 党组织名称): the leading such columns
    /// stay in view when the sheet scrolls sideways.
    pub identifying: bool,
}

/// A fill the cells of a column get by conditional formatting when they hold `value`: no
/// format of their own, so writing them costs no format lookup.
pub struct Highlight {
    pub value: String,
    pub fill: Format,
}

pub fn col(header: impl Into<String>, width: f64) -> Col {
    Col {
        header: header.into(),
        width,
        format: ColFormat::Plain,
        highlights: Vec::new(),
        identifying: false,
    }
}

impl Col {
    /// The same column carrying `format` for its cells.
    pub fn formatted(self, format: ColFormat) -> Col {
        Col { format, ..self }
    }

    /// The same column filling the cells that hold one of `highlights`' values.
    pub fn highlighted(self, highlights: Vec<Highlight>) -> Col {
        Col { highlights, ..self }
    }

    /// The same column marked as saying which row it is (see [`Col::identifying`]).
    pub fn identifies(self) -> Col {
        Col {
            identifying: true,
            ..self
        }
    }
}

impl ColFormat {
    /// The column format of a schema column: text for text-like kinds, decimal for numbers
    /// with fractions, dates as dates; whole numbers, choices and yes/no stay plain.
    pub fn of(kind: &crate::schema::Kind) -> ColFormat {
        use crate::schema::Kind;
        match kind {
            Kind::Text | Kind::Code | Kind::Mobile | Kind::Phone | Kind::Uscc => ColFormat::Text,
            Kind::Decimal { .. } | Kind::Percent => ColFormat::Decimal,
            Kind::Date => ColFormat::Date,
            Kind::Int { .. } | Kind::Bool | Kind::Choice(_) => ColFormat::Plain,
        }
    }
}

/// Header row at `row`, widths, frozen below it and right of the leading identifying columns,
/// printed on A4 landscape with the header on every page ([`Print`]): one page wide, or, for a
/// list too wide to read so, as many pages as keep it readable, each with the identifying
/// columns.
pub fn header_row(
    sheet: &mut Worksheet,
    row: u32,
    cols: &[Col],
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (i, c) in cols.iter().enumerate() {
        let i = i as u16;
        sheet.set_column_width(i, c.width)?;
        if let Some(format) = styles.column(c.format) {
            sheet.set_column_format(i, format)?;
        }
        sheet.write_string_with_format(row, i, &c.header, &styles.header)?;
    }
    sheet.set_row_height(row, 30)?;
    let identifying = cols.iter().take_while(|c| c.identifying).count() as u16;
    sheet.set_freeze_panes(row + 1, identifying)?;
    let width: f64 = cols.iter().map(|c| c.width).sum();
    let pages = (width / A4_LANDSCAPE_WIDTH).ceil().max(1.0) as u16;
    styles.print.set_up_wide(
        sheet,
        Paper::A4,
        true,
        Some((row, row)),
        (pages, identifying),
    )
}

/// Write a normalized value as what it is: numbers as numbers, text as text (never a formula),
/// in a column of format `column` (a cell of another kind gets its own format).
pub fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<&Value>,
    styles: &Styles,
    column: ColFormat,
) -> Result<(), XlsxError> {
    let number = |sheet: &mut Worksheet, n: f64, natural: ColFormat| {
        match styles.cell(natural, column) {
            None => sheet.write_number(row, col, n),
            Some(f) => sheet.write_number_with_format(row, col, n, f),
        }
        .map(drop)
    };
    let string = |sheet: &mut Worksheet, s: &str, natural: ColFormat| {
        match styles.cell(natural, column) {
            None => sheet.write_string(row, col, s),
            Some(f) => sheet.write_string_with_format(row, col, s, f),
        }
        .map(drop)
    };
    match value {
        None => Ok(()),
        Some(Value::Int(i)) => number(sheet, *i as f64, ColFormat::Plain),
        Some(Value::Number(n)) => number(sheet, *n, ColFormat::Decimal),
        Some(Value::Bool(b)) => string(sheet, if *b { "是" } else { "否" }, ColFormat::Plain),
        Some(Value::Date(d)) => {
            let date = excel_date(*d)?;
            match styles.cell(ColFormat::Date, column) {
                None => sheet.write_datetime(row, col, &date),
                Some(f) => sheet.write_datetime_with_format(row, col, &date, f),
            }
            .map(drop)
        }
        Some(Value::Text(t)) => string(sheet, t, ColFormat::Text),
        Some(Value::Choice(c)) => string(sheet, c, ColFormat::Plain),
    }
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// A fraction as a percentage cell, or "—" when there is nothing to divide.
pub fn write_rate(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    rate: Option<f64>,
    format: &Format,
) -> Result<(), XlsxError> {
    match rate {
        Some(r) => sheet
            .write_number_with_format(row, col, r, format)
            .map(drop),
        None => sheet.write_string(row, col, "—").map(drop),
    }
}

/// A classification's trail as one cell, its reasons joined with "；". One reason (the usual
/// case) is written as it is; more are joined in `buf`, reused from row to row. Gives back
/// the text written.
pub fn write_trail<'a>(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    trail: &'a [String],
    buf: &'a mut String,
    format: Option<&Format>,
) -> Result<&'a str, XlsxError> {
    let text: &str = match trail {
        [] => "",
        [one] => one,
        many => {
            buf.clear();
            for (i, reason) in many.iter().enumerate() {
                if i > 0 {
                    buf.push('；');
                }
                buf.push_str(reason);
            }
            buf
        }
    };
    match format {
        Some(f) => sheet.write_string_with_format(row, col, text, f),
        None => sheet.write_string(row, col, text),
    }?;
    Ok(text)
}

/// How many lines `text` takes wrapped in a column `width` characters wide (a CJK character
/// is two), at most 12.
pub fn wrapped_lines(text: &str, width: f64) -> u32 {
    // Each line a clerk typed (Alt-Enter) wraps on its own.
    let lines = text.split('\n').map(|line| {
        let units: usize = line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
        (units as f64 / (width - 1.0).max(1.0)).ceil().max(1.0) as u32
    });
    lines.sum::<u32>().clamp(1, 12)
}

/// Rows of a sheet [`fit_height`] grows: every row of a county's ledger. The writer keeps each
/// grown row's height until the sheet is saved (about 400 bytes a row); past this, rows keep
/// the default height, so that memory does not grow with a province's organizations.
pub const GROWN_ROWS: u32 = 10_000;

/// Make row `row` tall enough for the wrapped `texts` (text, column width): spreadsheet
/// programs do not grow a row for wrapped text they did not type themselves. Rows from
/// [`GROWN_ROWS`] on are left alone.
pub fn fit_height(sheet: &mut Worksheet, row: u32, texts: &[(&str, f64)]) -> Result<(), XlsxError> {
    if row >= GROWN_ROWS {
        return Ok(());
    }
    let lines = (texts.iter())
        .map(|(text, width)| wrapped_lines(text, *width))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        sheet.set_row_height(row, 15 * lines as u16)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::wrapped_lines;

    /// Lines a clerk typed wrap on their own; a long line wraps by its width.
    #[test]
    fn typed_line_breaks_count_as_lines() {
        assert_eq!(wrapped_lines("书记空缺", 48.0), 1);
        assert_eq!(wrapped_lines("一、整改\n二、培训\n三、验收", 48.0), 3);
        assert_eq!(wrapped_lines(&"长".repeat(47), 48.0), 2);
        assert_eq!(wrapped_lines(&"长\n".repeat(40), 48.0), 12, "at most 12");
    }
}
