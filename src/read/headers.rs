//! The schema's headers and aliases, folded once per run.
//!
//! [`SheetSchema::match_header`] folds every header and alias of the schema on each call; the
//! locator asks it for every cell of the first rows of every sheet, so folding them once and
//! looking a cell up in a map removes most of the per-file work of finding a table.

use crate::schema::{fold_header, SheetSchema, COVERAGE, ORGANIZATIONS, UNIT_INFO};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A schema's folded headers, aliases and group headers.
#[derive(Debug)]
pub struct HeaderIndex {
    /// Folded header or alias → the first column it names, as `match_header` finds it.
    columns: HashMap<String, usize>,
    /// Folded merged group headers ("三会一课"), which name no column of their own.
    groups: Vec<String>,
    /// Folded headers of the reference columns taizhang writes ([`SheetSchema::references`]).
    references: Vec<String>,
}

impl HeaderIndex {
    fn new(schema: &SheetSchema) -> HeaderIndex {
        let mut columns = HashMap::new();
        for (i, column) in schema.columns.iter().enumerate() {
            let names = std::iter::once(column.header).chain(column.aliases.iter().copied());
            for name in names {
                columns.entry(fold_header(name)).or_insert(i);
            }
        }
        let groups = schema
            .columns
            .iter()
            .filter_map(|c| c.group)
            .map(fold_header)
            .collect();
        let references = schema.references.iter().map(|r| fold_header(r)).collect();
        HeaderIndex {
            columns,
            groups,
            references,
        }
    }

    /// The column a folded header names; the same answer as [`SheetSchema::match_header`].
    pub fn column(&self, folded: &str) -> Option<usize> {
        if folded.is_empty() {
            return None;
        }
        self.columns.get(folded).copied()
    }

    /// Whether a folded header is a group header.
    pub fn is_group(&self, folded: &str) -> bool {
        self.groups.iter().any(|g| g == folded)
    }

    /// Whether a folded header is a reference column's.
    pub fn is_reference(&self, folded: &str) -> bool {
        !folded.is_empty() && self.references.iter().any(|r| r == folded)
    }
}

/// Header lookups for a schema: through its prebuilt index when it is one of the form's sheets.
#[derive(Clone, Copy)]
pub struct Headers<'s> {
    schema: &'s SheetSchema,
    index: Option<&'static HeaderIndex>,
}

impl<'s> Headers<'s> {
    pub fn of(schema: &'s SheetSchema) -> Headers<'s> {
        Headers {
            schema,
            index: index(schema),
        }
    }

    /// The column a folded header names (as [`SheetSchema::match_header`]).
    pub fn column(&self, folded: &str) -> Option<usize> {
        match self.index {
            Some(index) => index.column(folded),
            None => self.schema.match_header(folded),
        }
    }

    /// Whether a folded header is one of the schema's merged group headers.
    pub fn is_group(&self, folded: &str) -> bool {
        match self.index {
            Some(index) => index.is_group(folded),
            None => self
                .schema
                .columns
                .iter()
                .filter_map(|c| c.group)
                .any(|g| fold_header(g) == folded),
        }
    }

    /// Whether a folded header names no column yet is the form's own: a merged group header,
    /// or a reference column taizhang wrote (never an extra column).
    pub fn is_known_other(&self, folded: &str) -> bool {
        let reference = match self.index {
            Some(index) => index.is_reference(folded),
            None => self.schema.is_reference(folded),
        };
        reference || self.is_group(folded)
    }
}

/// The index of one of the form's schemas, built on first use; `None` for any other schema.
fn index(schema: &SheetSchema) -> Option<&'static HeaderIndex> {
    static INDEXES: OnceLock<[HeaderIndex; 3]> = OnceLock::new();
    let known: [&'static SheetSchema; 3] = [&ORGANIZATIONS, &COVERAGE, &UNIT_INFO];
    let i = known.iter().position(|s| std::ptr::eq(*s, schema))?;
    Some(&INDEXES.get_or_init(|| known.map(HeaderIndex::new))[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index must answer exactly as the schema's own (slow) matcher, for every header,
    /// alias and group header, and for text that names nothing.
    #[test]
    fn index_answers_as_the_schema_does() {
        for schema in [&ORGANIZATIONS, &COVERAGE, &UNIT_INFO] {
            let idx = index(schema).expect("one of the form's schemas");
            let mut probes: Vec<String> = vec![String::new(), "不是表头".into(), "序号".into()];
            for c in schema.columns {
                probes.push(fold_header(c.header));
                probes.extend(c.aliases.iter().map(|a| fold_header(a)));
                probes.extend(c.group.map(fold_header));
            }
            probes.extend(schema.references.iter().map(|r| fold_header(r)));
            for probe in &probes {
                assert_eq!(idx.column(probe), schema.match_header(probe), "{probe}");
                let group = schema.columns.iter().filter_map(|c| c.group);
                assert_eq!(
                    idx.is_group(probe),
                    group.map(fold_header).any(|g| g == *probe)
                );
                assert_eq!(idx.is_reference(probe), schema.is_reference(probe));
            }
        }
    }
}
