//! 汇总: per unit and county figures, the tier-mix chart, and the county's breakdowns of the
//! tiers (双分类, 所属领域, 单位类别).

use super::model::{ratio, Ledger, UnitSummary};
use super::style::{col, header_row, write_rate, Col, Styles};
use crate::roster::UnitKind;
use crate::rules::{Tier, PENDING};
use crate::schema::{DEVELOPMENT, DOMAINS};
use rust_xlsxwriter::{Chart, ChartFormat, ChartSolidFill, ChartType, Worksheet, XlsxError};

pub const SHEET: &str = "汇总";
const HEADER_ROW: u32 = 2;

fn columns(ledger: &Ledger) -> Vec<Col> {
    let mut cols = vec![
        col("单位代码", 12.0).identifies(),
        col("单位名称", 16.0).identifies(),
        col("党组织数", 9.0),
    ];
    for name in ledger.rules.tier_names() {
        cols.push(col(name, 7.0));
        cols.push(col(format!("{name}占比"), 9.0));
    }
    for (h, w) in [
        (PENDING, 7.0),
        ("错误", 7.0),
        ("警告", 7.0),
        ("两新建党率", 10.0),
        ("规模以上建党率", 12.0),
    ] {
        cols.push(col(h, w));
    }
    if ledger.roster.is_some() {
        cols.push(col("报送情况", 16.0));
    }
    cols
}

pub fn write(sheet: &mut Worksheet, ledger: &Ledger, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(SHEET)?;
    sheet.write_string_with_format(0, 0, "基层党组织分类定级汇总", &styles.title)?;
    sheet.write_string(
        1,
        0,
        format!(
            "评分标准：{}；{}{}、{} 个党组织{}{}；两新建党率目标 {}%、规模以上 {}%，低于目标的标红",
            ledger.rules.name(),
            ledger
                .stage
                .map_or(String::new(), |s| format!("{}；", s.line())),
            unit_count(ledger),
            ledger.county.organizations(),
            outside_note(ledger),
            decisions_note(ledger),
            ledger.rules.config().coverage.party_org_rate_percent,
            ledger.rules.config().coverage.above_scale_rate_percent
        ),
    )?;
    let cols = columns(ledger);
    header_row(sheet, HEADER_ROW, &cols, styles)?;
    let mut row = HEADER_ROW + 1;
    let counted = ledger.units.counted();
    let mut units = ledger.units.iter();
    for unit in units.by_ref().take(counted) {
        if unit.submission == Some(crate::status::State::Missing.label()) {
            missing_row(sheet, row, &unit, ledger, styles)?;
        } else {
            unit_row(sheet, row, &unit, ledger, styles, false)?;
        }
        row += 1;
    }
    let last_unit_row = row - 1;
    unit_row(sheet, row, &ledger.county, ledger, styles, true)?;
    let why = "对应不到花名册中的单位，或单位代码与填报单位指向花名册中不同的单位（原因见“报送情况”和“校验问题”）；请核对后改正报表或把单位补入花名册，确需计入合计时加 --count-unlisted";
    row = outside_rows(sheet, (row, why), units, ledger, styles, unit_row)?;
    let chart_row = row + 2;
    match counted {
        0 => {}
        n if n <= CHART_UNITS => tier_chart(sheet, chart_row, last_unit_row, ledger)?,
        n => {
            let note = format!("单位较多（{n} 个），不绘制各单位等次分布图；各单位的等次见上表");
            sheet.write_string(chart_row, 0, note)?;
        }
    }
    breakdowns(sheet, chart_row + 22, ledger, styles)?;
    Ok(())
}

fn unit_row(
    sheet: &mut Worksheet,
    row: u32,
    unit: &UnitSummary,
    ledger: &Ledger,
    styles: &Styles,
    total: bool,
) -> Result<(), XlsxError> {
    let formats = styles.row(total);
    let (plain, percent, number) = (formats.plain, formats.percent, formats.number);
    sheet.write_string_with_format(row, 0, &unit.code, plain)?;
    sheet.write_string_with_format(row, 1, &unit.name, plain)?;
    let orgs = unit.organizations();
    sheet.write_number_with_format(row, 2, orgs as f64, number)?;
    let mut col = 3;
    for count in &unit.tiers.rated {
        sheet.write_number_with_format(row, col, *count as f64, number)?;
        write_rate(sheet, row, col + 1, ratio(*count, orgs), percent)?;
        col += 2;
    }
    for n in [unit.tiers.pending, unit.errors, unit.warnings] {
        sheet.write_number_with_format(row, col, n as f64, number)?;
        col += 1;
    }
    let targets = &ledger.rules.config().coverage;
    for (rate, target) in [
        (unit.coverage.rate(), targets.party_org_rate_percent),
        (
            unit.coverage.above_scale_rate(),
            targets.above_scale_rate_percent,
        ),
    ] {
        write_rate(sheet, row, col, rate, styles.rate(rate, target, &formats))?;
        col += 1;
    }
    if let Some(label) = unit.submission {
        let format = match label {
            l if l == crate::status::State::Errors.label() => &styles.warning,
            l if l.starts_with("已报送") => plain,
            _ => &styles.error,
        };
        sheet.write_string_with_format(row, col, label, format)?;
    }
    Ok(())
}

/// From `row` down, a row per unit counted in the 合计, the 合计, and the units outside the
/// roster apart ([`outside_rows`], as in 汇总); the last row written.
pub(super) fn unit_rows(
    sheet: &mut Worksheet,
    mut row: u32,
    ledger: &Ledger,
    styles: &Styles,
    unit_row: UnitRow,
) -> Result<u32, XlsxError> {
    let mut units = ledger.units.iter();
    for unit in units.by_ref().take(ledger.units.counted()) {
        unit_row(sheet, row, &unit, ledger, styles, false)?;
        row += 1;
    }
    unit_row(sheet, row, &ledger.county, ledger, styles, true)?;
    outside_rows(sheet, (row, ""), units, ledger, styles, unit_row)
}

/// How a sheet writes one unit's row (`total`: a 合计 row).
pub(super) type UnitRow =
    fn(&mut Worksheet, u32, &UnitSummary, &Ledger, &Styles, bool) -> Result<(), XlsxError>;

/// Below a sheet's 合计 at `row`, the units outside the roster (`units`, the rest of the
/// list) when they are left out of it: a heading saying so (and `why`), their rows, their
/// subtotal. The last row written.
pub(super) fn outside_rows(
    sheet: &mut Worksheet,
    (mut row, why): (u32, &str),
    units: impl Iterator<Item = UnitSummary>,
    ledger: &Ledger,
    styles: &Styles,
    unit_row: UnitRow,
) -> Result<u32, XlsxError> {
    let Some(outside) = &ledger.outside else {
        return Ok(row);
    };
    row += 2;
    let count = ledger.units.outside();
    let heading = format!("{}，未计入合计：{why}", outside_words(count, outside));
    sheet.write_string_with_format(row, 0, heading.trim_end_matches('：'), &styles.warning)?;
    for unit in units {
        row += 1;
        unit_row(sheet, row, &unit, ledger, styles, false)?;
    }
    row += 1;
    unit_row(sheet, row, outside, ledger, styles, true)?;
    Ok(row)
}

/// Whether the tiers counted include the department's decisions.
fn decisions_note(ledger: &Ledger) -> String {
    let Some(outcome) = &ledger.decisions else {
        return String::new();
    };
    let decided: usize = outcome.found.iter().map(Vec::len).sum();
    format!(
        "；等次按最终等次统计，其中 {decided} 个党组织按组织部审定等次（见“{}”表）",
        crate::decisions::SHEET
    )
}

/// How the units outside the roster stand in the 合计, for the note above the table.
fn outside_note(ledger: &Ledger) -> String {
    let units = &ledger.units;
    match &ledger.outside {
        Some(outside) => format!(
            "；另有{}，未计入合计，见表下方",
            outside_words(units.outside(), outside)
        ),
        None if ledger.roster.is_some() && units.len() > units.listed() => format!(
            "（含花名册以外的单位 {} 个，按 --count-unlisted 计入）",
            units.len() - units.listed()
        ),
        None => String::new(),
    }
}

/// "花名册以外的单位 1 个（1 份报表、21 个党组织）".
pub fn outside_words(units: usize, outside: &UnitSummary) -> String {
    format!(
        "花名册以外的单位 {units} 个（{} 份报表、{} 个党组织）",
        outside.files,
        outside.organizations()
    )
}

/// "共 14 个单位", or with a roster "花名册 15 个单位，已报送 14 个".
fn unit_count(ledger: &Ledger) -> String {
    match &ledger.status {
        Some(status) => format!(
            "花名册 {} 个单位，已报送 {} 个",
            status.totals.expected, status.totals.submitted
        ),
        None => format!("共 {} 个单位", ledger.units.len()),
    }
}

/// A roster unit that sent nothing: its name and 未报送, figures left empty rather than 0.
fn missing_row(
    sheet: &mut Worksheet,
    row: u32,
    unit: &UnitSummary,
    ledger: &Ledger,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(row, 0, &unit.code, &styles.text)?;
    sheet.write_string(row, 1, &unit.name)?;
    let last = columns(ledger).len() as u16 - 1;
    sheet.write_string_with_format(
        row,
        last,
        unit.submission.unwrap_or_default(),
        &styles.error,
    )?;
    Ok(())
}

/// The most units the tier chart shows: past this a column is a few pixels wide, and the
/// chart's data (a copy of every category and value, made when the workbook is saved) grows
/// with the units — 14 MB for the 50,000 units of a national run.
const CHART_UNITS: usize = 100;

/// A stacked column per unit: how many organizations in each tier.
fn tier_chart(
    sheet: &mut Worksheet,
    at: u32,
    last_unit_row: u32,
    ledger: &Ledger,
) -> Result<(), XlsxError> {
    let mut chart = Chart::new(ChartType::ColumnStacked);
    chart.title().set_name("各单位党组织等次分布");
    let first = HEADER_ROW + 1;
    for (i, name) in ledger.rules.tier_names().iter().enumerate() {
        let col = 3 + 2 * i as u16;
        let color = super::style::tier_chart_color(ledger.rules, Tier::Rated(i));
        chart
            .add_series()
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(color)))
            .set_name(*name)
            .set_categories((SHEET, first, 1, last_unit_row, 1))
            .set_values((SHEET, first, col, last_unit_row, col));
    }
    chart.x_axis().set_name("单位");
    chart.y_axis().set_name("党组织数");
    let width = (ledger.units.len() as u32 * 60).clamp(640, 1600);
    chart.set_width(width).set_height(400);
    sheet.insert_chart(at, 0, &chart)?;
    Ok(())
}

/// The county's breakdowns below the chart: 双分类 (最终等次 × 发展等次), 所属领域 × 最终等次,
/// and with a roster 单位类别 × 最终等次. Gives back the row after them.
fn breakdowns(
    sheet: &mut Worksheet,
    first: u32,
    ledger: &Ledger,
    styles: &Styles,
) -> Result<u32, XlsxError> {
    let tiers: Vec<Tier> = ledger.rules.tiers().chain([Tier::Pending]).collect();
    let tier_names: Vec<&str> = tiers.iter().map(|t| ledger.rules.tier_name(*t)).collect();
    let development: Vec<&str> = DEVELOPMENT.values.iter().copied().chain(["未填"]).collect();
    let cross = (tier_names.iter().zip(&tiers).zip(&ledger.county.cross.rows))
        .map(|((name, tier), counts)| (*name, Some(*tier), counts.clone()))
        .collect();
    let next = count_table(
        sheet,
        first,
        ("双分类（最终等次 × 发展等次），全县", "最终等次"),
        (&development, cross),
        ledger,
        styles,
    )?;
    let domains = (DOMAINS.values.iter().copied().chain(["未填"]))
        .zip(&ledger.county.cross.domains)
        .map(|(domain, counts)| (domain, None, counts.clone()))
        .collect();
    let title = ("所属领域 × 最终等次，全县", "所属领域");
    let next = count_table(sheet, next, title, (&tier_names, domains), ledger, styles)?;
    let Some(roster) = &ledger.roster else {
        return Ok(next);
    };
    let kinds = [UnitKind::Township, UnitKind::Street, UnitKind::Department];
    let mut by_kind = vec![vec![0; tiers.len()]; kinds.len()];
    for (unit, listed) in ledger.units.iter().zip(&roster.units) {
        let k = kinds.iter().position(|k| *k == listed.kind).unwrap_or(0);
        let counts = unit.tiers.rated.iter().chain([&unit.tiers.pending]);
        for (sum, n) in by_kind[k].iter_mut().zip(counts) {
            *sum += n;
        }
    }
    let rows = kinds
        .iter()
        .zip(by_kind)
        .map(|(k, counts)| (k.label(), None, counts));
    let title = ("单位类别 × 最终等次，全县（花名册中的单位）", "单位类别");
    count_table(
        sheet,
        next,
        title,
        (&tier_names, rows.collect()),
        ledger,
        styles,
    )
}

/// A row of [`count_table`]: its label, its tier when it is one, its counts.
type TableRow<'a> = (&'a str, Option<Tier>, Vec<usize>);

/// One county-wide table at row `first`: its title, a header (`corner`, then `columns` and
/// 合计), and a row per label (in its tier's colours when it is a tier) with its counts and
/// their sum. Gives back the row the next table starts at.
fn count_table(
    sheet: &mut Worksheet,
    first: u32,
    (title, corner): (&str, &str),
    (columns, rows): (&[&str], Vec<TableRow>),
    ledger: &Ledger,
    styles: &Styles,
) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(first, 0, title, &styles.title)?;
    let header = first + 1;
    sheet.write_string_with_format(header, 0, corner, &styles.header)?;
    for (i, label) in columns.iter().chain(&["合计"]).enumerate() {
        sheet.write_string_with_format(header, 1 + i as u16, *label, &styles.header)?;
    }
    for (i, (label, tier, counts)) in rows.iter().enumerate() {
        let row = header + 1 + i as u32;
        match tier {
            Some(tier) => {
                let format = styles.tier(ledger.rules, *tier);
                sheet.write_string_with_format(row, 0, *label, &format)?
            }
            None => sheet.write_string(row, 0, *label)?,
        };
        for (j, n) in counts.iter().enumerate() {
            sheet.write_number(row, 1 + j as u16, *n as f64)?;
        }
        let sum = counts.iter().sum::<usize>() as f64;
        sheet.write_number_with_format(row, 1 + counts.len() as u16, sum, &styles.total)?;
    }
    Ok(header + rows.len() as u32 + 3)
}
