//! Compare two ledgers cell by cell: every sheet, in order, every cell's value.
//!
//! ```text
//! cargo run --example compare_ledgers -- before/台账.xlsx after/台账.xlsx [--except-times]
//! ```
//!
//! `--except-times` counts two times of day (`2026-04-16 09:30`) as equal: for workbooks that
//! say when they were made (a feedback workbook's 检查时间).
//!
//! Prints each difference (at most 20 a sheet) and exits 1 when there is one. A ledger holds no
//! generation time in its cells (only the workbook's document properties do, which are not
//! compared), so every cell must be equal.

use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let except_times = args.iter().any(|a| a == "--except-times");
    args.retain(|a| a != "--except-times");
    let [before, after] = args.as_slice() else {
        eprintln!("用法：compare_ledgers <台账甲.xlsx> <台账乙.xlsx> [--except-times]");
        return ExitCode::from(2);
    };
    match differences(Path::new(before), Path::new(after), except_times) {
        Ok(0) => {
            println!("两份台账逐格相同");
            ExitCode::SUCCESS
        }
        Ok(n) => {
            println!("共 {n} 处不同");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

/// How many cells (or sheet names) differ, each printed.
fn differences(a: &Path, b: &Path, except_times: bool) -> Result<usize, calamine::XlsxError> {
    let mut a: Xlsx<_> = open_workbook(a)?;
    let mut b: Xlsx<_> = open_workbook(b)?;
    let (names_a, names_b) = (a.sheet_names(), b.sheet_names());
    if names_a != names_b {
        println!("工作表不同：{names_a:?} 与 {names_b:?}");
        return Ok(1);
    }
    let mut total = 0;
    for name in &names_a {
        let (ra, rb) = (a.worksheet_range(name)?, b.worksheet_range(name)?);
        let mut found = sheet_differences(&ra, &rb);
        if except_times {
            found.retain(|(_, _, x, y)| !(is_time(x) && is_time(y)));
        }
        for (row, col, x, y) in found.iter().take(20) {
            println!("{name}!R{}C{}：{x:?} 与 {y:?}", row + 1, col + 1);
        }
        total += found.len();
    }
    Ok(total)
}

/// Whether a cell is a time of day as taizhang writes one: `2026-04-16 09:30`.
fn is_time(cell: &Data) -> bool {
    let Data::String(text) = cell else {
        return false;
    };
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").is_ok()
}

/// The cells of two sheets that differ, as (row, column, one, other), over both extents.
fn sheet_differences(
    a: &calamine::Range<Data>,
    b: &calamine::Range<Data>,
) -> Vec<(u32, u32, Data, Data)> {
    let end = |r: &calamine::Range<Data>| r.end().map_or((0, 0), |(y, x)| (y + 1, x + 1));
    let ((ha, wa), (hb, wb)) = (end(a), end(b));
    let cell = |r: &calamine::Range<Data>, y, x| r.get_value((y, x)).cloned().unwrap_or_default();
    let mut found = Vec::new();
    for y in 0..ha.max(hb) {
        for x in 0..wa.max(wb) {
            let (p, q) = (cell(a, y, x), cell(b, y, x));
            if p != q {
                found.push((y, x, p, q));
            }
        }
    }
    found
}
