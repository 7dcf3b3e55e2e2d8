//! What a column is made of: its kind, its need, its header and hint, and the sheet that
//! holds it; the builder the sheet tables are written with.

/// What a cell of a column holds, and so how it is normalized and validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Free text, trimmed.
    Text,
    /// An identifier (党组织编码, 单位代码): text, width-folded; numeric cells as whole digits.
    Code,
    /// A whole number >= 0; `units` are the suffixes a clerk may type after it ("12人").
    Int { units: &'static [&'static str] },
    /// A decimal number >= 0 with optional unit suffixes matching the column ("3.5万元").
    Decimal { units: &'static [&'static str] },
    /// A percentage 0..=100; fractions 0 < v <= 1 are read as v * 100.
    Percent,
    /// Yes or no.
    Bool,
    /// A calendar date.
    Date,
    /// A mobile number: 1[3-9] and nine digits.
    Mobile,
    /// A mobile number or a landline with its area code.
    Phone,
    /// A unified social credit code (统一社会信用代码, GB 32100-2015).
    Uscc,
    /// One of a fixed list of choices, with synonyms.
    Choice(&'static Choices),
}

/// A closed list of values and the synonyms clerks type for them.
#[derive(Debug, PartialEq)]
pub struct Choices {
    pub values: &'static [&'static str],
    /// (what the clerk typed, the canonical value).
    pub synonyms: &'static [(&'static str, &'static str)],
}

impl Choices {
    /// The canonical value for `text` (already trimmed), if it is one of the choices or a synonym.
    pub fn resolve(&self, text: &str) -> Option<&'static str> {
        self.values
            .iter()
            .copied()
            .find(|v| *v == text)
            .or_else(|| {
                self.synonyms
                    .iter()
                    .find(|(s, _)| *s == text)
                    .map(|(_, v)| *v)
            })
    }
}

/// When a value is required.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Need {
    Required,
    Optional,
    /// Empty means zero (预备党员数).
    ZeroIfEmpty,
    /// Empty is meaningful and not an error (书记姓名: the post is vacant).
    EmptyMeans(&'static str),
    /// Required when the column with this key is filled.
    WhenFilled(&'static str),
    /// Required when the column with this key holds this choice.
    WhenEquals(&'static str, &'static str),
}

/// One column of a sheet (or one label of 单位信息).
#[derive(Debug)]
pub struct Column {
    /// Stable key, used in JSON and in code.
    pub key: &'static str,
    /// The header as issued.
    pub header: &'static str,
    /// Other headers clerks use for the same column (compared after header folding).
    pub aliases: &'static [&'static str],
    pub kind: Kind,
    pub need: Need,
    /// A one-line Chinese hint: what to fill in.
    pub hint: &'static str,
    /// Column width in the issued form, in characters.
    pub width: f64,
    /// The merged group header above this column, if any.
    pub group: Option<&'static str>,
}

/// A sheet of the form: its name, other names it goes by, and its columns.
#[derive(Debug)]
pub struct SheetSchema {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub columns: &'static [Column],
    /// Headers of columns taizhang itself writes beside the table for the clerk to read (the
    /// year-end form's 摸底核定等次): never read as data and never an extra column (W009).
    pub references: &'static [&'static str],
}

impl SheetSchema {
    /// Index of the column with this key; panics at compile time when used in a const.
    pub const fn index_of(&self, key: &str) -> usize {
        let mut i = 0;
        while i < self.columns.len() {
            if str_eq(self.columns[i].key, key) {
                return i;
            }
            i += 1;
        }
        panic!("no such column key")
    }

    /// The column with this key.
    pub fn column(&self, key: &str) -> &'static Column
    where
        Self: 'static,
    {
        let columns: &'static [Column] = self.columns;
        columns
            .iter()
            .find(|c| c.key == key)
            .expect("column key defined in schema")
    }
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

pub(super) const PEOPLE: Kind = Kind::Int {
    units: &["人", "名", "个"],
};

pub(super) const fn col(
    key: &'static str,
    header: &'static str,
    aliases: &'static [&'static str],
    kind: Kind,
    need: Need,
    hint: &'static str,
    width: f64,
) -> Column {
    Column {
        key,
        header,
        aliases,
        kind,
        need,
        hint,
        width,
        group: None,
    }
}
