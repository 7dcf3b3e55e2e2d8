//! Rows of the two tables, starting clean, and USCC helpers.

use super::*;
use crate::normalize::{uscc_check_char, USCC_CHARS};

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

/// Setters named after what they set, each taking anything that becomes a [`Cell`].
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident => $index:expr;)*) => {
        $($(#[$doc])* pub fn $name(mut self, value: impl Into<Cell>) -> Self {
            self.cells[$index] = value.into();
            self
        })*
    };
}

/// One row of 党组织情况, indexed like [`schema::ORGANIZATIONS`].
#[derive(Debug, Clone, PartialEq)]
pub struct OrgRow {
    pub cells: Vec<Cell>,
}

impl OrgRow {
    /// A clean 党支部 of 10 members scoring 100 (优秀) under the embedded rules. `n` (1-based)
    /// makes the name, 序号 and secretary's mobile distinct.
    pub fn clean(n: usize) -> OrgRow {
        let mut cells = vec![Cell::Empty; ORGANIZATIONS.columns.len()];
        let values: [(usize, Cell); 21] = [
            (org::SEQ, Cell::from(n as u32)),
            (org::NAME, Cell::text(format!("第{n}党支部"))),
            (org::TYPE, "党支部".into()),
            (org::DOMAIN, "农村".into()),
            (org::FULL_MEMBERS, 10.into()),
            (org::PROBATIONARY, 1.into()),
            (org::SECRETARY, "王强".into()),
            (
                org::SECRETARY_PHONE,
                Cell::text(format!("138{:08}", n % 100_000_000)),
            ),
            (org::COMMITTEE_SIZE, 3.into()),
            (org::ON_TIME_ELECTION, "是".into()),
            (org::GENERAL_MEETINGS, 4.into()),
            (org::COMMITTEE_MEETINGS, 12.into()),
            (org::PARTY_LECTURES, 4.into()),
            (org::THEME_DAYS, 12.into()),
            (org::FUNDING, 2.into()),
            (org::VENUE_AREA, 60.into()),
            (org::SATISFACTION, 95.into()),
            (org::DEVELOPMENT, "好".into()),
            (org::SELF_TIER, "优秀".into()),
            (org::TARGET_TIER, "优秀".into()),
            (org::REMARKS, Cell::Empty),
        ];
        for (i, v) in values {
            cells[i] = v;
        }
        OrgRow { cells }
    }

    /// Any cell by schema key ("full_members"); panics on an unknown key.
    pub fn set(mut self, key: &str, value: impl Into<Cell>) -> Self {
        self.cells[ORGANIZATIONS.index_of(key)] = value.into();
        self
    }

    pub fn get(&self, key: &str) -> &Cell {
        &self.cells[ORGANIZATIONS.index_of(key)]
    }

    setters! {
        seq => org::SEQ;
        /// 党组织名称.
        name => org::NAME;
        /// 党组织编码.
        code => org::CODE;
        org_type => org::TYPE;
        domain => org::DOMAIN;
        /// 正式党员数.
        members => org::FULL_MEMBERS;
        probationary => org::PROBATIONARY;
        secretary => org::SECRETARY;
        secretary_phone => org::SECRETARY_PHONE;
        /// 班子成员数.
        committee => org::COMMITTEE_SIZE;
        on_time_election => org::ON_TIME_ELECTION;
        general_meetings => org::GENERAL_MEETINGS;
        committee_meetings => org::COMMITTEE_MEETINGS;
        party_lectures => org::PARTY_LECTURES;
        theme_days => org::THEME_DAYS;
        funding => org::FUNDING;
        /// 活动场所面积.
        venue => org::VENUE_AREA;
        satisfaction => org::SATISFACTION;
        development => org::DEVELOPMENT;
        self_tier => org::SELF_TIER;
        target_tier => org::TARGET_TIER;
        problems => org::PROBLEMS;
        measures => org::MEASURES;
        deadline => org::DEADLINE;
        remarks => org::REMARKS;
    }

    /// 党员大会, 支委会, 党课 and 主题党日 counts at once.
    pub fn meetings(
        self,
        general: impl Into<Cell>,
        committee: impl Into<Cell>,
        lectures: impl Into<Cell>,
        theme_days: impl Into<Cell>,
    ) -> Self {
        self.general_meetings(general)
            .committee_meetings(committee)
            .party_lectures(lectures)
            .theme_days(theme_days)
    }

    /// The secretary post is vacant: name and mobile empty.
    pub fn vacant_secretary(self) -> Self {
        self.secretary(Cell::Empty).secretary_phone(Cell::Empty)
    }

    /// 主要问题, 整改措施 and 整改时限 at once (a 后进 organization's plan).
    pub fn plan(
        self,
        problems: impl Into<Cell>,
        measures: impl Into<Cell>,
        deadline: impl Into<Cell>,
    ) -> Self {
        self.problems(problems)
            .measures(measures)
            .deadline(deadline)
    }
}

/// One row of 两新组织覆盖, indexed like [`schema::COVERAGE`].
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRow {
    pub cells: Vec<Cell>,
}

impl CoverageRow {
    /// A clean non-public enterprise with its own Party branch and a valid USCC.
    pub fn clean(n: usize) -> CoverageRow {
        let mut cells = vec![Cell::Empty; COVERAGE.columns.len()];
        cells[cov::NAME] = Cell::text(format!("青山县第{n}科技有限公司"));
        cells[cov::USCC] = Cell::text(sample_uscc(n as u64));
        cells[cov::KIND] = "非公有制企业".into();
        cells[cov::ABOVE_SCALE] = "是".into();
        cells[cov::EMPLOYEES] = 60.into();
        cells[cov::MEMBERS] = 5.into();
        cells[cov::HAS_PARTY_ORG] = "是".into();
        cells[cov::COVERAGE] = "单独组建".into();
        CoverageRow { cells }
    }

    /// Any cell by schema key ("uscc"); panics on an unknown key.
    pub fn set(mut self, key: &str, value: impl Into<Cell>) -> Self {
        self.cells[COVERAGE.index_of(key)] = value.into();
        self
    }

    pub fn get(&self, key: &str) -> &Cell {
        &self.cells[COVERAGE.index_of(key)]
    }

    setters! {
        name => cov::NAME;
        uscc => cov::USCC;
        kind => cov::KIND;
        above_scale => cov::ABOVE_SCALE;
        employees => cov::EMPLOYEES;
        /// 党员人数.
        members => cov::MEMBERS;
        has_party_org => cov::HAS_PARTY_ORG;
        /// 覆盖方式.
        coverage => cov::COVERAGE;
    }
}

// ---------------------------------------------------------------------------------------------
// USCC helpers
// ---------------------------------------------------------------------------------------------

/// A well-formed USCC with a correct check character, distinct for each `n`: a company
/// registered (9, 1) in 青山县 (511101) with a 9-character organization code from `n`.
pub fn sample_uscc(n: u64) -> String {
    let mut body = String::from("91511101");
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66;
    for i in 0..9 {
        // Letters only in the middle, the way organization codes mostly look.
        let alphabet: &[u8] = if (2..6).contains(&i) {
            USCC_CHARS
        } else {
            &USCC_CHARS[..10]
        };
        body.push(alphabet[(x % alphabet.len() as u64) as usize] as char);
        x /= alphabet.len() as u64;
        x ^= n.rotate_left(7 * i as u32 + 3);
    }
    let check = uscc_check_char(&body).expect("built from the USCC alphabet");
    body.push(check);
    body
}

/// The same code with a wrong (but still well-formed) check character (a W108 case).
pub fn with_wrong_check(uscc: &str) -> String {
    let (body, check) = uscc.split_at(17);
    let pos = USCC_CHARS
        .iter()
        .position(|c| *c as char == check.chars().next().unwrap_or('0'));
    let wrong = USCC_CHARS[(pos.unwrap_or(0) + 1) % USCC_CHARS.len()] as char;
    format!("{body}{wrong}")
}
