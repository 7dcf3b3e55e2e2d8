//! Header matching: folding a header as clerks vary it, and finding the column or sheet it
//! names.

use super::{Column, SheetSchema};

/// Fold a header for matching: drop whitespace and line breaks, width-fold brackets, and drop
/// a trailing unit in brackets, so "正式\n党员数（人）" and "正式党员数" compare equal.
pub fn fold_header(text: &str) -> String {
    let mut folded: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200b}' && *c != '\u{feff}')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' | ':' => '\0',
            other => other,
        })
        .filter(|c| *c != '\0')
        .collect();
    while folded.ends_with(')') {
        match folded.rfind('(') {
            Some(open) if open > 0 => folded.truncate(open),
            _ => break,
        }
    }
    folded.trim_start_matches('*').to_string()
}

impl Column {
    /// Whether `folded` (from [`fold_header`]) names this column.
    pub fn matches(&self, folded: &str) -> bool {
        fold_header(self.header) == folded || self.aliases.iter().any(|a| fold_header(a) == folded)
    }
}

impl SheetSchema {
    /// The index of the column a folded header names, if any.
    pub fn match_header(&self, folded: &str) -> Option<usize> {
        if folded.is_empty() {
            return None;
        }
        self.columns.iter().position(|c| c.matches(folded))
    }

    /// Whether a folded header is one of the reference columns taizhang writes beside this
    /// sheet's table ([`SheetSchema::references`]).
    pub fn is_reference(&self, folded: &str) -> bool {
        !folded.is_empty() && self.references.iter().any(|r| fold_header(r) == folded)
    }

    /// Whether a sheet name (as found in a workbook) is this sheet's.
    pub fn matches_name(&self, sheet_name: &str) -> bool {
        let folded = fold_header(sheet_name);
        folded == self.name || self.aliases.iter().any(|a| *a == folded)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{COVERAGE, ORGANIZATIONS, UNIT_INFO};
    use super::*;

    #[test]
    fn header_folding_accepts_breaks_brackets_and_units() {
        let full = ORGANIZATIONS.column("full_members");
        for h in [
            "正式党员数",
            "正式\n党员数",
            "正式党员数（人）",
            "正式党员数(人)",
            " 正式 党员数 ",
        ] {
            assert!(full.matches(&fold_header(h)), "{h}");
        }
        let funding = ORGANIZATIONS.column("funding");
        for h in ["年度工作经费(万元)", "年度工作经费", "年度工作经费（万元）"]
        {
            assert!(funding.matches(&fold_header(h)), "{h}");
        }
        assert!(!funding.matches(&fold_header("活动场所面积")));
    }

    #[test]
    fn every_header_and_alias_names_one_column_only() {
        for schema in [&UNIT_INFO, &ORGANIZATIONS, &COVERAGE] {
            for (i, c) in schema.columns.iter().enumerate() {
                for h in std::iter::once(&c.header).chain(c.aliases) {
                    assert_eq!(schema.match_header(&fold_header(h)), Some(i), "{h}");
                }
            }
        }
    }
}
