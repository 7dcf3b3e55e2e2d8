//! A 整改跟踪 written earlier by `rectify`, read back: each organization's 完成状态 then, by
//! unit (code and name) and organization, to say what moved ([`super::Tracking::compare`]).

use super::plan::OrgKey;
use super::writer::{ORG_CODE, ORG_NAME, SHEET_DETAIL, STATUS, UNIT_CODE, UNIT_NAME};
use super::RectifyError;
use crate::marker;
use crate::normalize;
use crate::read::{Limits, Workbook};
use crate::upgrade::matching::name_key;
use std::collections::HashMap;
use std::path::Path;

/// 完成状态 (or 未报送进展) by (单位代码, 单位名称 folded, organization).
pub type Previous = HashMap<(String, String, OrgKey), String>;

/// Read the previous tracking at `path`; a file that is not one of ours is refused.
pub fn read_previous(path: &Path, limits: &Limits) -> Result<Previous, RectifyError> {
    let refuse = |reason: String| RectifyError::Previous {
        path: path.to_path_buf(),
        reason,
    };
    let mut book = Workbook::open(path, limits).map_err(|e| refuse(e.message()))?;
    if book.meta_value(marker::OUTPUT_KEY).as_deref() != Some(marker::RECTIFY) {
        return Err(refuse(
            "不是本程序 taizhang rectify 生成的整改跟踪表".to_string(),
        ));
    }
    let grid = book.load(SHEET_DETAIL).map_err(|e| refuse(e.message()))?;
    let Some((first, last)) = grid.rows() else {
        return Ok(Previous::new());
    };
    let (c0, c1) = grid.cols().unwrap_or_default();
    let text = |r, c| normalize::text(grid.get(r, c));
    let col = |header: &str| (c0..=c1).find(|&c| text(first, c) == header);
    let missing = |h: &str| refuse(format!("“{SHEET_DETAIL}”表中找不到“{h}”列"));
    let [unit, unit_name, code, name, status] = [UNIT_CODE, UNIT_NAME, ORG_CODE, ORG_NAME, STATUS]
        .map(|h| col(h).ok_or_else(|| missing(h)));
    let (unit, unit_name, code, name, status) = (unit?, unit_name?, code?, name?, status?);
    let mut previous = Previous::new();
    for row in first + 1..=last {
        let key = OrgKey::of(&text(row, code), &text(row, name));
        let unit = (text(row, unit), name_key(&text(row, unit_name)));
        previous.insert((unit.0, unit.1, key), text(row, status));
    }
    Ok(previous)
}
