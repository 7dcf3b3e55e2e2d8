//! The upgrade workbook: 升级汇总 here, the row sheets in `sheets`, written atomically.

use super::outcome::{self, transitions, Double, Figures, Outcome};
use super::{sheets, Upgrade, UpgradeError};
use crate::evaluation::{share, Indicator, Ranking};
use crate::ledger::style::{col, header_row, tier_chart_color, write_rate, Col, Styles};
use crate::print::Print;
use crate::rules::{Tier, PENDING};
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartSolidFill, ChartType, Color, Format, FormatAlign, Workbook, Worksheet,
    XlsxError,
};
use std::path::Path;

pub const SHEET: &str = "升级汇总";
/// The kind written into the hidden `_meta` sheet, so the workbook is never read as a form.
pub const OUTPUT_KIND: &str = crate::marker::UPGRADE;
const HEADER_ROW: u32 = 2;

/// Write the workbook to `output` through a temporary file in the same folder; an existing
/// file there is replaced only under [`crate::output`]'s rule (or `force`).
pub fn write(up: &Upgrade, output: &Path, force: bool) -> Result<(), UpgradeError> {
    let mut workbook = build(up).map_err(|source| UpgradeError::Build { source })?;
    crate::save::save_output(&mut workbook, output, crate::output::Kind::Upgrade, force)?;
    Ok(())
}

fn build(up: &Upgrade) -> Result<Workbook, XlsxError> {
    let styles = Styles::new(Print::now("基层党组织晋位升级", "数据截至"));
    let mut workbook = Workbook::new();
    summary(workbook.add_worksheet(), up, &styles)?;
    sheets::detail(workbook.add_worksheet(), up, &styles)?;
    sheets::follow_up(workbook.add_worksheet(), up, &styles)?;
    let note = "晋位升级按年终的最终等次、后进转化和争创目标考评；两新建党率、按时报送、报表无错误在台账（taizhang ledger）中考评。";
    crate::ledger::ranking::write(workbook.add_worksheet(), &ranking(up), &styles, note)?;
    sheets::issues(workbook.add_worksheet(), up, &styles)?;
    workbook.push_worksheet(crate::marker::meta_sheet(OUTPUT_KIND)?);
    Ok(workbook)
}

/// The units scored on the year end: 优秀占比 (final tiers), 后进转化率, 争创目标达成率.
fn ranking(up: &Upgrade) -> Ranking {
    let known = [
        Indicator::Excellent,
        Indicator::Conversion,
        Indicator::Targets,
    ];
    let units = (up.matching.units.iter().zip(&up.evaluation.units))
        .map(|(unit, f)| {
            let excellent = share(
                f.year_end.rated.first().copied().unwrap_or(0),
                f.year_end.total(),
            );
            let values = vec![excellent, f.laggard_conversion(), f.target_rate()];
            (unit.code.clone(), unit.name.clone(), values)
        })
        .collect();
    Ranking::new(&up.rules.config().evaluation, &known, units)
}

fn columns(up: &Upgrade) -> Vec<Col> {
    let mut cols = vec![
        col("单位代码", 11.0).identifies(),
        col("单位名称", 15.0).identifies(),
    ];
    for side in ["基线", "年终"] {
        cols.push(col(format!("{side}党组织数"), 8.0));
        for name in up.rules.tier_names() {
            cols.push(col(format!("{side}{name}"), 6.5));
        }
        cols.push(col(format!("{side}{PENDING}"), 6.5));
    }
    cols.extend(Outcome::ALL.iter().map(|o| col(o.label(), 6.5)));
    for (h, w) in [
        ("基线后进", 7.0),
        ("已转化", 7.0),
        ("后进转化率", 9.0),
        ("争创目标数", 8.0),
        ("已实现", 7.0),
        ("争创目标达成率", 10.0),
        ("目标完成情况", 32.0),
    ] {
        cols.push(col(h, w));
    }
    let development = outcome::MOVES.map(|o| format!("发展等次{}", o.label()));
    cols.extend(development.into_iter().map(|h| col(h, 8.0)));
    cols.extend(Double::ALL.iter().map(|d| col(d.label(), 7.0)));
    cols
}

fn summary(sheet: &mut Worksheet, up: &Upgrade, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(SHEET)?;
    sheet.write_string_with_format(0, 0, "基层党组织晋位升级汇总", &styles.title)?;
    sheet.write_string(1, 0, note(up))?;
    let cols = columns(up);
    header_row(sheet, HEADER_ROW, &cols, styles)?;
    sheet.set_row_height(HEADER_ROW, 45)?;
    let mut row = HEADER_ROW + 1;
    for (unit, figures) in up.matching.units.iter().zip(&up.evaluation.units) {
        let names = [unit.code.as_str(), unit.name.as_str()];
        unit_row(sheet, row, names, figures, up, styles, false)?;
        row += 1;
    }
    unit_row(
        sheet,
        row,
        ["", "全县合计"],
        &up.evaluation.county,
        up,
        styles,
        true,
    )?;
    let matrix_at = row + 3;
    let chart_row = matrix(sheet, matrix_at, up, styles)?;
    // Beside the tiers' matrix, two columns to its right: the chart stays where it was.
    let (_, col_labels) = matrix_labels(up);
    let beside = 2 + col_labels.len() as u16 + 2;
    development_matrix(sheet, (matrix_at, beside), up, styles)?;
    transition_chart(sheet, matrix_at, chart_row, up)
}

/// The county's 发展等次 transitions (双分类; the last row and column: 未填), green above the
/// diagonal, red below, with its top left corner at `(at, left)`.
fn development_matrix(
    sheet: &mut Worksheet,
    (at, left): (u32, u16),
    up: &Upgrade,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let title = "全县发展等次变化（行：基线，列：年终；两边都填了的才比较）";
    sheet.write_string_with_format(at, left, title, &styles.title)?;
    let header = at + 1;
    let labels = outcome::development_labels();
    sheet.write_string_with_format(header, left, "基线", &styles.header)?;
    for (j, label) in (1..).zip(&labels) {
        sheet.write_string_with_format(header, left + j, *label, &styles.header)?;
    }
    let graded = labels.len() - 1;
    let matrix = outcome::development_transitions(&up.evaluation.rows);
    for (i, (label, counts)) in labels.iter().zip(&matrix).enumerate() {
        let row = header + 1 + i as u32;
        sheet.write_string_with_format(row, left, *label, &styles.header)?;
        for (j, n) in counts.iter().enumerate() {
            let format = cell_format(i, j, graded);
            sheet.write_number_with_format(row, left + 1 + j as u16, *n as f64, &format)?;
        }
    }
    Ok(())
}

/// What the sheet compares, by which standard, and what the targets are.
fn note(up: &Upgrade) -> String {
    let t = &up.rules.config().upgrade;
    let source = |i: &super::Input| {
        let kind = if i.from_ledger {
            "台账"
        } else {
            "收件文件夹"
        };
        // Its name alone: a printed workbook shows no folder of the machine it was made on.
        let name = i.path.file_name().unwrap_or(i.path.as_os_str());
        format!("{kind} {}", name.to_string_lossy())
    };
    let targets = if t.targets_met {
        "争创目标全部实现"
    } else {
        "争创目标不作要求"
    };
    format!(
        "评分标准：{}；基线：{}；年终：{}。目标：后进转化率不低于 {}%，降位不超过 {} 个，{targets}；未达到的标红",
        up.rules.name(),
        source(&up.baseline),
        source(&up.year_end),
        t.laggard_conversion_percent,
        t.max_demotions
    )
}

fn unit_row(
    sheet: &mut Worksheet,
    row: u32,
    names: [&str; 2],
    f: &Figures,
    up: &Upgrade,
    styles: &Styles,
    total: bool,
) -> Result<(), XlsxError> {
    let formats = styles.row(total);
    let (plain, percent, number) = (formats.plain, formats.percent, formats.number);
    sheet.write_string_with_format(row, 0, names[0], plain)?;
    sheet.write_string_with_format(row, 1, names[1], plain)?;
    let mut counts = Vec::new();
    for tiers in [&f.baseline, &f.year_end] {
        counts.push(tiers.total());
        counts.extend(&tiers.rated);
        counts.push(tiers.pending);
    }
    counts.extend(&f.outcomes);
    counts.extend([f.laggards, f.converted]);
    let mut c: u16 = 2;
    for n in counts {
        sheet.write_number_with_format(row, c, n as f64, number)?;
        c += 1;
    }
    let checks = f.checks(&up.rules);
    let rate_format = |met: Option<bool>| match met {
        Some(false) => &styles.below_target,
        _ => percent,
    };
    write_rate(
        sheet,
        row,
        c,
        f.laggard_conversion(),
        rate_format(checks[0].met),
    )?;
    sheet.write_number_with_format(row, c + 1, f.targets as f64, number)?;
    sheet.write_number_with_format(row, c + 2, f.targets_met as f64, number)?;
    write_rate(
        sheet,
        row,
        c + 3,
        f.target_rate(),
        rate_format(checks[2].met),
    )?;
    verdict(sheet, row, c + 4, f, up, total)?;
    for (k, n) in f.development.iter().chain(&f.double).enumerate() {
        sheet.write_number_with_format(row, c + 5 + k as u16, *n as f64, number)?;
    }
    Ok(())
}

/// "全部达标" in green, or the unmet targets in red.
fn verdict(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    f: &Figures,
    up: &Upgrade,
    total: bool,
) -> Result<(), XlsxError> {
    let unmet: Vec<&str> = f
        .checks(&up.rules)
        .iter()
        .filter(|c| c.met == Some(false))
        .map(|c| c.name)
        .collect();
    let (text, fill, font) = if unmet.is_empty() {
        ("全部达标".to_string(), 0xC6EFCE, 0x006100)
    } else {
        (format!("未达标：{}", unmet.join("、")), 0xFFC7CE, 0x9C0006)
    };
    let mut format = Format::new()
        .set_background_color(Color::RGB(fill))
        .set_font_color(Color::RGB(font));
    if total {
        format = format.set_bold();
    }
    sheet.write_string_with_format(row, col, text, &format)?;
    Ok(())
}

/// Row and column labels of the transition matrix.
fn matrix_labels(up: &Upgrade) -> (Vec<String>, Vec<String>) {
    let tiers: Vec<String> = up
        .rules
        .tier_names()
        .iter()
        .map(|s| s.to_string())
        .chain([PENDING.to_string()])
        .collect();
    let mut rows = tiers.clone();
    rows.push("新增".into());
    let mut cols = tiers;
    cols.push("未复评".into());
    (rows, cols)
}

/// The county's tier transitions (the last row is 新增, the last column 未复评); returns the
/// row the chart goes below.
fn matrix(sheet: &mut Worksheet, at: u32, up: &Upgrade, styles: &Styles) -> Result<u32, XlsxError> {
    let title = "全县等次变化（行：基线等次，列：年终等次；绿色为晋位，红色为降位）";
    sheet.write_string_with_format(at, 0, title, &styles.title)?;
    let header = at + 1;
    let (row_labels, col_labels) = matrix_labels(up);
    sheet.write_string_with_format(header, 1, "基线＼年终", &styles.header)?;
    for (j, label) in col_labels.iter().enumerate() {
        sheet.write_string_with_format(header, 2 + j as u16, label, &styles.header)?;
    }
    sheet.write_string_with_format(header, 2 + col_labels.len() as u16, "合计", &styles.header)?;
    let matrix = transitions(&up.evaluation.rows, &up.rules);
    let rated = up.rules.tier_names().len();
    for (i, (label, counts)) in row_labels.iter().zip(&matrix).enumerate() {
        let row = header + 1 + i as u32;
        let tier = (i < rated).then_some(Tier::Rated(i));
        let label_format = match tier {
            Some(t) => styles.tier(&up.rules, t),
            None => styles.tier(&up.rules, Tier::Pending),
        };
        sheet.write_string_with_format(row, 1, label, &label_format)?;
        for (j, n) in counts.iter().enumerate() {
            let format = cell_format(i, j, rated);
            sheet.write_number_with_format(row, 2 + j as u16, *n as f64, &format)?;
        }
        let sum = counts.iter().sum::<usize>() as f64;
        sheet.write_number_with_format(row, 2 + counts.len() as u16, sum, &styles.total)?;
    }
    Ok(header + 2 + row_labels.len() as u32)
}

/// Green above the diagonal (晋位), red below (降位), among rated tiers only.
fn cell_format(from: usize, to: usize, rated: usize) -> Format {
    let format = Format::new().set_align(FormatAlign::Center);
    if from >= rated || to >= rated || from == to {
        return format;
    }
    let color = if to < from { 0xC6EFCE } else { 0xFFC7CE };
    format.set_background_color(Color::RGB(color))
}

/// Per baseline tier, a stacked column of where its organizations stand at year end.
fn transition_chart(
    sheet: &mut Worksheet,
    matrix_at: u32,
    at: u32,
    up: &Upgrade,
) -> Result<(), XlsxError> {
    let (row_labels, col_labels) = matrix_labels(up);
    let first = matrix_at + 2;
    let last = first + row_labels.len() as u32 - 1;
    let mut chart = Chart::new(ChartType::ColumnStacked);
    chart.title().set_name("基线各等次的年终去向（全县）");
    let rated = up.rules.tier_names().len();
    for (j, name) in col_labels.iter().enumerate() {
        let color = match j {
            j if j < rated => tier_chart_color(&up.rules, Tier::Rated(j)),
            j if j == rated => tier_chart_color(&up.rules, Tier::Pending),
            _ => Color::RGB(0x404040),
        };
        let col = 2 + j as u16;
        chart
            .add_series()
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(color)))
            .set_name(name.as_str())
            .set_categories((SHEET, first, 1, last, 1))
            .set_values((SHEET, first, col, last, col));
    }
    chart.x_axis().set_name("基线等次");
    chart.y_axis().set_name("党组织数");
    chart.set_width(720).set_height(360);
    sheet.insert_chart(at, 1, &chart)?;
    Ok(())
}
