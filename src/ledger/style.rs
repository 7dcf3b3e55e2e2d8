//! Formats shared by the ledger's sheets, and helpers that write typed values.

use crate::normalize::Value;
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
    pub header: Format,
    pub title: Format,
    pub text: Format,
    pub wrap: Format,
    pub date: Format,
    pub percent: Format,
    pub decimal: Format,
    pub total: Format,
    pub total_percent: Format,
    pub below_target: Format,
    pub error: Format,
    pub warning: Format,
}

impl Styles {
    pub fn new() -> Styles {
        let border = |f: Format| f.set_border(FormatBorder::Thin);
        Styles {
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
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            percent: Format::new().set_num_format("0.0%"),
            decimal: Format::new().set_num_format("0.##"),
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
            error: Format::new().set_background_color(Color::RGB(RED)),
            warning: Format::new().set_background_color(Color::RGB(YELLOW)),
        }
    }

    /// The fill of a tier cell: the highest tier green, the lowest red, 待定 gray.
    pub fn tier(&self, rules: &Rules, tier: Tier) -> Format {
        let color = match tier {
            Tier::Pending => GRAY,
            Tier::Rated(0) => GREEN,
            Tier::Rated(i) if i + 1 == rules.tier_names().len() => RED,
            Tier::Rated(_) => YELLOW,
        };
        Format::new()
            .set_background_color(Color::RGB(color))
            .set_align(FormatAlign::Center)
    }
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

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}

/// A column of a ledger sheet: its header and width in characters.
pub struct Col {
    pub header: String,
    pub width: f64,
}

pub fn col(header: impl Into<String>, width: f64) -> Col {
    Col {
        header: header.into(),
        width,
    }
}

/// Header row at `row`, widths, frozen below it, autofilter over `last_row`.
pub fn header_row(
    sheet: &mut Worksheet,
    row: u32,
    cols: &[Col],
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (i, c) in cols.iter().enumerate() {
        let i = i as u16;
        sheet.set_column_width(i, c.width)?;
        sheet.write_string_with_format(row, i, &c.header, &styles.header)?;
    }
    sheet.set_row_height(row, 30)?;
    sheet.set_freeze_panes(row + 1, 0)?;
    sheet.set_landscape();
    sheet.set_repeat_rows(row, row)?;
    Ok(())
}

/// Write a normalized value as what it is: numbers as numbers, text as text (never a formula).
pub fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<&Value>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match value {
        None => Ok(()),
        Some(Value::Int(i)) => sheet.write_number(row, col, *i as f64).map(drop),
        Some(Value::Number(n)) => sheet
            .write_number_with_format(row, col, *n, &styles.decimal)
            .map(drop),
        Some(Value::Bool(b)) => sheet
            .write_string(row, col, if *b { "是" } else { "否" })
            .map(drop),
        Some(Value::Date(d)) => write_date(sheet, row, col, *d, styles),
        Some(Value::Text(t)) => sheet
            .write_string_with_format(row, col, t, &styles.text)
            .map(drop),
        Some(Value::Choice(c)) => sheet.write_string(row, col, *c).map(drop),
    }
}

pub fn write_date(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    d: chrono::NaiveDate,
    styles: &Styles,
) -> Result<(), XlsxError> {
    use chrono::Datelike;
    let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
    sheet
        .write_datetime_with_format(row, col, &date, &styles.date)
        .map(drop)
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
/// case) is written as it is; more are joined in `buf`, reused from row to row.
pub fn write_trail(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    trail: &[String],
    buf: &mut String,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
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
    }
    .map(drop)
}
