//! Matching baseline and year-end organizations, per unit.
//!
//! RULES.md: by 党组织编码 when both sides have one, otherwise by the normalized 党组织名称.
//! A code match with another name is one organization renamed (W302). When a key names more
//! than one organization on either side the match is not guessed: every organization involved
//! is left unmatched and flagged (E303), for the department to settle.

use super::input::{Input, RatedOrg, Side, SideIssue};
use crate::issue::{Code, Issue};
use crate::normalize;
use std::collections::BTreeMap;

/// A unit as the comparison knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
}

/// One organization's fate: indexes into the baseline's and the year-end's `orgs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Index into [`Matching::units`].
    pub unit: usize,
    pub baseline: Option<usize>,
    pub year_end: Option<usize>,
    /// Left unmatched because its key named more than one organization.
    pub ambiguous: bool,
    /// Matched by code under another name.
    pub renamed: bool,
}

/// The result of matching: units in a stable order, one link per organization.
#[derive(Debug, Clone, Default)]
pub struct Matching {
    pub units: Vec<UnitRef>,
    pub links: Vec<Link>,
    pub issues: Vec<SideIssue>,
}

/// A name as compared: width-folded (NFKC), without any whitespace.
pub fn name_key(name: &str) -> String {
    normalize::fold(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Organizations of one unit on each side (indexes into the sides' `orgs`).
#[derive(Default)]
struct UnitOrgs {
    unit: Option<UnitRef>,
    baseline: Vec<usize>,
    year_end: Vec<usize>,
}

/// Match every organization of `baseline` and `year_end`.
pub fn match_sides(baseline: &Input, year_end: &Input) -> Matching {
    let groups = group_units(baseline, year_end);
    let mut matching = Matching::default();
    for group in groups {
        let unit = matching.units.len();
        let unit_ref = group.unit.clone().unwrap_or(UnitRef {
            code: String::new(),
            name: String::new(),
        });
        let mut m = UnitMatcher::new(unit, &unit_ref, baseline, year_end, &group);
        m.by_code();
        m.by_name();
        m.rest();
        matching.links.extend(m.links);
        matching.issues.extend(m.issues);
        matching.units.push(unit_ref);
    }
    matching
}

/// Units keyed by code (else name), baseline first; a year-end unit joins the baseline unit
/// with its code when both have one, else the one with its name.
fn group_units(baseline: &Input, year_end: &Input) -> Vec<UnitOrgs> {
    let mut groups: BTreeMap<(String, String), UnitOrgs> = BTreeMap::new();
    for (i, o) in baseline.orgs.iter().enumerate() {
        let g = groups
            .entry((o.unit_code.clone(), o.unit_name.clone()))
            .or_default();
        g.unit.get_or_insert_with(|| unit_of(o));
        g.baseline.push(i);
    }
    for (i, o) in year_end.orgs.iter().enumerate() {
        let key = groups
            .keys()
            .find(
                |(code, name)| match (code.is_empty(), o.unit_code.is_empty()) {
                    (false, false) => *code == o.unit_code,
                    _ => *name == o.unit_name,
                },
            )
            .cloned()
            .unwrap_or_else(|| (o.unit_code.clone(), o.unit_name.clone()));
        let g = groups.entry(key).or_default();
        g.unit.get_or_insert_with(|| unit_of(o));
        g.year_end.push(i);
    }
    groups.into_values().collect()
}

fn unit_of(o: &RatedOrg) -> UnitRef {
    UnitRef {
        code: o.unit_code.clone(),
        name: o.unit_name.clone(),
    }
}

struct UnitMatcher<'a> {
    unit: usize,
    unit_ref: &'a UnitRef,
    base: &'a Input,
    fin: &'a Input,
    /// Unsettled baseline and year-end organizations.
    open_base: Vec<usize>,
    open_fin: Vec<usize>,
    links: Vec<Link>,
    issues: Vec<SideIssue>,
}

impl<'a> UnitMatcher<'a> {
    fn new(
        unit: usize,
        unit_ref: &'a UnitRef,
        base: &'a Input,
        fin: &'a Input,
        group: &UnitOrgs,
    ) -> Self {
        UnitMatcher {
            unit,
            unit_ref,
            base,
            fin,
            open_base: group.baseline.clone(),
            open_fin: group.year_end.clone(),
            links: Vec::new(),
            issues: Vec::new(),
        }
    }

    fn link(&mut self, baseline: Option<usize>, year_end: Option<usize>) -> &mut Link {
        self.open_base.retain(|b| Some(*b) != baseline);
        self.open_fin.retain(|f| Some(*f) != year_end);
        self.links.push(Link {
            unit: self.unit,
            baseline,
            year_end,
            ambiguous: false,
            renamed: false,
        });
        self.links.last_mut().expect("just pushed")
    }

    /// Pass 1: organizations with a code on both sides.
    fn by_code(&mut self) {
        let code = |o: &RatedOrg| o.code.clone().filter(|c| !c.is_empty());
        let base_codes: Vec<String> = self
            .open_base
            .iter()
            .filter_map(|&b| code(&self.base.orgs[b]))
            .collect();
        let mut done = std::collections::BTreeSet::new();
        for key in base_codes {
            if !done.insert(key.clone()) {
                continue;
            }
            let bases = self.open_with(Side::Baseline, |o| code(o).as_ref() == Some(&key));
            let fins = self.open_with(Side::YearEnd, |o| code(o).as_ref() == Some(&key));
            self.settle(&bases, &fins, &format!("党组织编码“{key}”"));
        }
    }

    /// Pass 2: the rest by normalized name, unless both sides carry (different) codes.
    fn by_name(&mut self) {
        let keys: Vec<String> = self
            .open_base
            .iter()
            .map(|&b| name_key(&self.base.orgs[b].name))
            .collect();
        let mut done = std::collections::BTreeSet::new();
        for key in keys {
            if !done.insert(key.clone()) {
                continue;
            }
            let bases = self.open_with(Side::Baseline, |o| name_key(&o.name) == key);
            let mut fins = self.open_with(Side::YearEnd, |o| name_key(&o.name) == key);
            if let [b] = bases[..] {
                // Both coded but not matched by code: two organizations, said so once.
                let both_coded = |f: &usize| {
                    self.base.orgs[b].code.is_some() && self.fin.orgs[*f].code.is_some()
                };
                let (coded, rest): (Vec<usize>, Vec<usize>) =
                    fins.into_iter().partition(|f| both_coded(f));
                if let ([f], []) = (&coded[..], &rest[..]) {
                    self.code_differs(b, *f);
                }
                fins = rest;
            }
            self.settle(&bases, &fins, &format!("党组织名称“{key}”"));
        }
    }

    fn open_with(&self, side: Side, want: impl Fn(&RatedOrg) -> bool) -> Vec<usize> {
        let (open, input) = match side {
            Side::YearEnd => (&self.open_fin, self.fin),
            _ => (&self.open_base, self.base),
        };
        open.iter()
            .copied()
            .filter(|&i| want(&input.orgs[i]))
            .collect()
    }

    /// One on each side: a match. More than one on either side: E303, nobody matched.
    fn settle(&mut self, bases: &[usize], fins: &[usize], key: &str) {
        match (bases, fins) {
            (_, []) => {}
            ([b], [f]) => {
                let renamed =
                    name_key(&self.base.orgs[*b].name) != name_key(&self.fin.orgs[*f].name);
                self.link(Some(*b), Some(*f)).renamed = renamed;
                if renamed {
                    self.renamed(*b, *f);
                }
            }
            _ => self.ambiguous(bases, fins, key),
        }
    }

    fn ambiguous(&mut self, bases: &[usize], fins: &[usize], key: &str) {
        let places: Vec<String> = bases
            .iter()
            .map(|&b| format!("基线 {}", self.base.orgs[b].place()))
            .chain(
                fins.iter()
                    .map(|&f| format!("年终 {}", self.fin.orgs[f].place())),
            )
            .collect();
        let message = format!(
            "{}中{key}对应多个党组织（{}），无法确定如何比较，请核实后修改编码或名称",
            self.unit_ref.name,
            places.join("；")
        );
        self.issue(Code::AmbiguousMatch, message, None);
        for &b in bases {
            self.link(Some(b), None).ambiguous = true;
        }
        for &f in fins {
            self.link(None, Some(f)).ambiguous = true;
        }
    }

    fn renamed(&mut self, b: usize, f: usize) {
        let (old, new) = (&self.base.orgs[b], &self.fin.orgs[f]);
        let message = format!(
            "{}：编码“{}”的党组织基线名称为“{}”（{}），年终为“{}”（{}），按同一党组织比较",
            self.unit_ref.name,
            old.code.as_deref().unwrap_or_default(),
            old.name,
            old.place(),
            new.name,
            new.place()
        );
        self.issue(Code::OrgRenamed, message, Some(new.name.clone()));
    }

    fn code_differs(&mut self, b: usize, f: usize) {
        let (old, new) = (&self.base.orgs[b], &self.fin.orgs[f]);
        let message = format!(
            "{}：“{}”基线编码为“{}”（{}），年终编码为“{}”（{}），编码不同，按两个党组织处理（未复评与新增）；如是同一党组织，请更正编码",
            self.unit_ref.name,
            new.name,
            old.code.as_deref().unwrap_or_default(),
            old.place(),
            new.code.as_deref().unwrap_or_default(),
            new.place()
        );
        self.issue(Code::CodeDiffersSameName, message, new.code.clone());
    }

    /// Whatever is left: 未复评 on the baseline side, 新增 on the year-end side.
    fn rest(&mut self) {
        let unit_returned =
            !self.open_fin.is_empty() || self.links.iter().any(|l| l.year_end.is_some());
        if !unit_returned && !self.open_base.is_empty() {
            let message = format!(
                "{}（{}）基线有 {} 个党组织，年终一方没有该单位的报表",
                self.unit_ref.name,
                self.unit_ref.code,
                self.open_base.len()
            );
            self.issue(Code::UnitNotReturned, message, None);
        }
        for b in self.open_base.clone() {
            if unit_returned {
                let o = &self.base.orgs[b];
                let message = format!(
                    "{}：基线中的“{}”（{}）在年终报表中找不到，未复评",
                    self.unit_ref.name,
                    o.name,
                    o.place()
                );
                self.issue(Code::NotReRated, message, Some(o.name.clone()));
            }
            self.link(Some(b), None);
        }
        for f in self.open_fin.clone() {
            self.link(None, Some(f));
        }
    }

    fn issue(&mut self, code: Code, message: String, value: Option<String>) {
        let mut issue = Issue::file(code, message);
        issue.value = value;
        self.issues.push(SideIssue {
            side: Side::Matching,
            file: String::new(),
            unit: self.unit_ref.name.clone(),
            issue,
        });
    }
}
