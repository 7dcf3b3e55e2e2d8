//! Generates the fictional county 青山县's returned baseline (摸底) forms into samples/摸底/,
//! and its year-end (年终) returns into samples/年终/ (see `gen_samples/year_end.rs`).
//!
//! ```text
//! cargo run --example gen_samples                 # samples/摸底/*.xlsx, samples/年终/*.xlsx,
//!                                                 # tests/data/planted.json
//! cargo run --example gen_samples -- --convert    # also re-saves the office units via LibreOffice
//! ```
//!
//! Deterministic: a fixed seed and a tiny PRNG, so the same code writes the same files. Two
//! units are returned "through an office suite": their .xlsx goes to target/samples-office/
//! and is converted by LibreOffice (`soffice --headless --convert-to xls|ods`) into samples/摸底/.
//! `--convert` runs that when soffice is installed; otherwise the commands are printed.
//!
//! Most rows are clean. The mistakes clerks make are planted on purpose and listed with their
//! cells in tests/data/planted.json (kept out of samples/ so samples/* holds only forms), computed from where the builder put them; the tolerated
//! layout variations (title rows, one-row header, column order, blank rows, 合计 rows, "１２人",
//! "95%", 是 as "√", dates as text, renamed sheets) must produce no issue at all.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use taizhang::builder::{
    with_wrong_check, Cell, CoverageRow, FormBuilder, OrgRow, Rng, Sheet, UnitValues,
};
use taizhang::cellref::parse_a1;
use taizhang::form::Record;
use taizhang::normalize::normalize;
use taizhang::schema::ORGANIZATIONS;

const SEED: u64 = 0x5148_5348_414E_2026; // "QSHAN" 2026

#[path = "gen_samples/year_end.rs"]
mod year_end;

// ---------------------------------------------------------------------------------------------
// PRNG (splitmix64): enough for sample data, no crate needed.
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// The county
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Street,
    Town,
    Education,
    Health,
}

#[derive(Clone, Copy, PartialEq)]
enum Saved {
    Xlsx,
    Xls,
    Ods,
}

struct UnitSpec {
    name: &'static str,
    code: &'static str,
    kind: Kind,
    saved: Saved,
    filled_day: u32,
}

const UNITS: &[UnitSpec] = &[
    unit("城关街道", "511101001", Kind::Street, 8),
    unit("东城街道", "511101002", Kind::Street, 9),
    unit("白马镇", "511101003", Kind::Town, 10),
    unit("龙泉镇", "511101004", Kind::Town, 10),
    unit("西河镇", "511101005", Kind::Town, 11),
    unit("柳溪镇", "511101006", Kind::Town, 12),
    unit("双河镇", "511101007", Kind::Town, 12),
    unit("凤凰镇", "511101008", Kind::Town, 13),
    UnitSpec {
        saved: Saved::Xls,
        ..unit("石门乡", "511101009", Kind::Town, 13)
    },
    unit("桃源乡", "511101010", Kind::Town, 14),
    unit("金竹乡", "511101011", Kind::Town, 14),
    unit("青林乡", "511101012", Kind::Town, 15),
    unit("青山县教育局", "511101101", Kind::Education, 9),
    UnitSpec {
        saved: Saved::Ods,
        ..unit("青山县卫生健康局", "511101102", Kind::Health, 15)
    },
];

const fn unit(name: &'static str, code: &'static str, kind: Kind, day: u32) -> UnitSpec {
    UnitSpec {
        name,
        code,
        kind,
        saved: Saved::Xlsx,
        filled_day: day,
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "胡", "朱", "郭",
    "何", "罗", "高", "林", "唐", "邓", "谢", "冯", "向", "田", "蒋", "杜", "彭", "曾", "袁", "苟",
];
const GIVEN: &[&str] = &[
    "强", "伟", "芳", "敏", "静", "丽", "军", "勇", "杰", "涛", "明", "超", "秀英", "华", "平",
    "刚", "桂英", "建国", "建华", "志强", "红梅", "晓燕", "海燕", "文", "斌", "磊", "洋", "艳",
    "玉兰", "德明", "永福", "春花", "国庆", "小红", "光辉", "俊", "雪梅", "大海",
];
const VILLAGE_FIRST: &[&str] = &[
    "桃", "石", "柳", "杨", "松", "竹", "梅", "龙", "凤", "金", "银", "双", "青", "白", "红", "新",
    "高", "大", "小", "东", "西", "南", "北", "上", "下", "马", "鹿", "黄", "李", "何", "罗", "唐",
    "向", "田", "周", "花", "玉", "狮", "水", "茶",
];
const VILLAGE_SECOND: &[&str] = &[
    "湾", "坝", "坪", "岭", "沟", "塘", "桥", "林", "山", "溪", "河", "庙", "垭", "坡", "园", "庄",
    "堰", "嘴", "口", "门",
];
const FIRM_WORDS: &[&str] = &[
    "恒达", "兴旺", "鑫源", "华瑞", "川北", "青云", "宏发", "永盛", "锦程", "顺通", "德润", "天禾",
    "众鑫", "嘉禾", "博远", "金穗", "蜀丰", "长城", "新华", "利民",
];
const FIRM_TRADES: &[&str] = &[
    "建材有限公司",
    "农业开发有限公司",
    "商贸有限公司",
    "食品有限公司",
    "物流有限公司",
    "机械制造有限公司",
    "电子科技有限公司",
    "纺织有限公司",
    "生态农业专业合作社",
    "建筑工程有限公司",
];
const SOCIAL_ORGS: &[&str] = &[
    "个体劳动者协会",
    "餐饮行业协会",
    "物业服务行业协会",
    "志愿者协会",
    "老年人协会",
    "青年创业促进会",
    "商会",
    "慈善会",
];

/// Names handed out so far, so no two organizations or villages share one by accident.
struct Names {
    rng: Rng,
    villages: HashSet<String>,
    firms: HashSet<String>,
}

impl Names {
    fn person(&mut self) -> String {
        format!("{}{}", self.rng.pick(SURNAMES), self.rng.pick(GIVEN))
    }
    fn mobile(&mut self) -> String {
        let prefix = self.rng.pick(&[
            "138", "139", "136", "158", "150", "183", "187", "177", "199",
        ]);
        format!("{prefix}{:08}", self.rng.next_u64() % 100_000_000)
    }
    fn village(&mut self) -> String {
        loop {
            let v = format!(
                "{}{}",
                self.rng.pick(VILLAGE_FIRST),
                self.rng.pick(VILLAGE_SECOND)
            );
            if self.villages.insert(v.clone()) {
                return v;
            }
        }
    }
    fn firm(&mut self, town: &str) -> String {
        loop {
            let word = self.rng.pick(FIRM_WORDS);
            let trade = self.rng.pick(FIRM_TRADES);
            let name = match self.rng.range(0, 2) {
                0 => format!("青山县{word}{trade}"),
                1 => format!("青山县{}{word}{trade}", town_short(town)),
                _ => format!("四川{word}{trade}"),
            };
            if self.firms.insert(name.clone()) {
                return name;
            }
        }
    }
}

fn town_short(town: &str) -> &str {
    town.trim_end_matches(['镇', '乡']).trim_end_matches("街道")
}

/// An organization to generate: its name, domain and size range.
struct Seed {
    name: String,
    domain: &'static str,
    members: (u32, u32),
    joint: bool,
}

fn seed(name: String, domain: &'static str, members: (u32, u32)) -> Seed {
    Seed {
        name,
        domain,
        members,
        joint: false,
    }
}

fn seeds_for(spec: &UnitSpec, names: &mut Names) -> Vec<Seed> {
    let u = spec.name;
    let mut out = Vec::new();
    match spec.kind {
        Kind::Street => {
            out.push(seed(format!("{u}机关第一"), "机关", (15, 30)));
            out.push(seed(format!("{u}机关第二"), "机关", (12, 25)));
            for _ in 0..names.rng.range(10, 13) {
                let village = names.village();
                let members = if names.rng.percent(30) {
                    (55, 130)
                } else {
                    (12, 45)
                };
                out.push(seed(format!("{u}{village}社区"), "社区", members));
            }
            for _ in 0..3 {
                let firm = names.firm(u);
                out.push(seed(firm, "非公有制企业", (3, 20)));
            }
            let assoc = names.rng.pick(SOCIAL_ORGS);
            out.push(seed(format!("{u}{assoc}"), "社会组织", (3, 9)));
            out.push(seed(
                format!("青山县{}自来水有限责任公司", town_short(u)),
                "国有企业",
                (8, 25),
            ));
            let mut joint = seed(format!("{u}商圈"), "非公有制企业", (3, 9));
            joint.joint = true;
            out.push(joint);
        }
        Kind::Town => {
            out.push(seed(format!("{u}机关"), "机关", (15, 40)));
            for _ in 0..names.rng.range(18, 24) {
                let village = names.village();
                let members = if names.rng.percent(15) {
                    (50, 90)
                } else {
                    (15, 48)
                };
                out.push(seed(format!("{u}{village}村"), "农村", members));
            }
            out.push(seed(format!("{u}场镇社区"), "社区", (10, 30)));
            let firm = names.firm(u);
            out.push(seed(firm, "非公有制企业", (3, 12)));
            if names.rng.percent(60) {
                let mut joint = seed(format!("{u}非公企业"), "非公有制企业", (3, 8));
                joint.joint = true;
                out.push(joint);
            }
        }
        Kind::Education => {
            out.push(seed(format!("{u}机关"), "机关", (15, 30)));
            out.push(seed("青山县第一中学".into(), "学校", (60, 95)));
            out.push(seed("青山县第二中学".into(), "学校", (30, 48)));
            out.push(seed("青山县职业高级中学".into(), "学校", (20, 40)));
            out.push(seed("青山县实验小学".into(), "学校", (25, 45)));
            out.push(seed("青山县城关第一小学".into(), "学校", (15, 35)));
            out.push(seed("青山县实验幼儿园".into(), "学校", (5, 12)));
            for town in UNITS.iter().filter(|s| s.kind == Kind::Town) {
                out.push(seed(format!("{}中心小学", town.name), "学校", (6, 20)));
            }
            out.push(seed("青山县教师进修学校".into(), "事业单位", (8, 15)));
        }
        Kind::Health => {
            out.push(seed(format!("{u}机关"), "机关", (12, 25)));
            out.push(seed("青山县人民医院".into(), "事业单位", (110, 160)));
            out.push(seed("青山县中医医院".into(), "事业单位", (55, 85)));
            out.push(seed("青山县妇幼保健院".into(), "事业单位", (12, 30)));
            out.push(seed("青山县疾病预防控制中心".into(), "事业单位", (10, 20)));
            out.push(seed("青山县精神卫生中心".into(), "事业单位", (6, 14)));
            out.push(seed(
                "青山县城关社区卫生服务中心".into(),
                "事业单位",
                (8, 16),
            ));
            for town in UNITS.iter().filter(|s| s.kind == Kind::Town) {
                out.push(seed(format!("{}卫生院", town.name), "事业单位", (5, 15)));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Profiles: the numbers of one organization, designed to land in a tier
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Debug)]
enum Target {
    Excellent,
    Average,
    Vacant,
    NoGeneralMeeting,
    Dissatisfied,
    LowScore,
}

struct Profile {
    org_type: &'static str,
    members: u32,
    committee: u32,
    on_time: bool,
    meetings: [u32; 4],
    funding: f64,
    venue: f64,
    satisfaction: u32,
    vacant: bool,
}

/// RULES.md's embedded standard, used to design profiles (checked against the crate's rules).
fn score(p: &Profile) -> (u32, bool) {
    let m = p.members;
    let setup = if p.org_type == "党支部" && m < 3 {
        0
    } else {
        let mut s: i32 = 10;
        if m >= 50 && p.org_type == "党支部" {
            s -= 5;
        }
        if m >= 100 && matches!(p.org_type, "党支部" | "党总支") {
            s -= 5;
        }
        s.max(0) as u32
    };
    let leadership = if p.vacant {
        0
    } else {
        let mut s: i32 = 20;
        if m >= 7 && p.committee < 3 {
            s -= 10;
        }
        if !p.on_time {
            s -= 10;
        }
        s.max(0) as u32
    };
    let item = |count: u32, required: u32, points: u32| {
        if count >= required {
            points
        } else if count >= required.div_ceil(2) {
            points / 2
        } else {
            0
        }
    };
    let [g, c, l, t] = p.meetings;
    let committee_item = if p.committee >= 3 { item(c, 12, 8) } else { 8 };
    let life = item(g, 4, 8) + committee_item + item(l, 4, 7) + item(t, 12, 7);
    let support = if p.funding > 0.0 { 5 } else { 0 } + if p.venue >= 20.0 { 5 } else { 0 };
    let s = p.satisfaction;
    let role = match s {
        90.. => 30,
        80..=89 => 24,
        70..=79 => 18,
        60..=69 => 12,
        _ => 0,
    };
    let veto = p.vacant || g == 0 || s < 60;
    (setup + leadership + life + support + role, veto)
}

fn tier(p: &Profile) -> &'static str {
    match score(p) {
        (_, true) => "后进",
        (t, _) if t >= 85 => "优秀",
        (t, _) if t >= 65 => "一般",
        _ => "后进",
    }
}

fn org_type_for(members: u32, joint: bool) -> &'static str {
    match members {
        _ if joint => "联合党支部",
        100.. => "党委",
        50..=99 => "党总支",
        _ => "党支部",
    }
}

fn draw_target(rng: &mut Rng) -> Target {
    match rng.range(1, 100) {
        1..=54 => Target::Excellent,
        55..=91 => Target::Average,
        92..=93 => Target::Vacant,
        94..=95 => Target::NoGeneralMeeting,
        96..=97 => Target::Dissatisfied,
        _ => Target::LowScore,
    }
}

fn profile(rng: &mut Rng, seed: &Seed, target: Target) -> Profile {
    let wanted = match target {
        Target::Excellent => "优秀",
        Target::Average => "一般",
        _ => "后进",
    };
    loop {
        let p = draw_profile(rng, seed, target);
        if tier(&p) == wanted {
            return p;
        }
    }
}

fn draw_profile(rng: &mut Rng, seed: &Seed, target: Target) -> Profile {
    let members = rng.range(seed.members.0, seed.members.1);
    let mut p = Profile {
        org_type: org_type_for(members, seed.joint),
        members,
        committee: if members < 7 {
            rng.range(1, 3)
        } else {
            rng.range(3, 7)
        },
        on_time: true,
        meetings: [rng.range(4, 6), rng.range(12, 14), rng.range(4, 6), 12],
        funding: f64::from(rng.range(5, 80)) / 10.0,
        venue: f64::from(rng.range(4, 60) * 10),
        satisfaction: rng.range(90, 99),
        vacant: false,
    };
    match target {
        Target::Excellent => {
            if rng.percent(30) {
                p.meetings[2] = rng.range(2, 3);
            }
        }
        Target::Average => {
            p.satisfaction = rng.range(72, 92);
            p.on_time = rng.percent(70);
            p.meetings[1] = rng.range(6, 12);
            p.meetings[2] = rng.range(2, 4);
            p.meetings[3] = rng.range(6, 12);
        }
        Target::Vacant => p.vacant = true,
        Target::NoGeneralMeeting => p.meetings[0] = 0,
        Target::Dissatisfied => p.satisfaction = rng.range(42, 59),
        Target::LowScore => {
            p.satisfaction = rng.range(60, 72);
            p.on_time = false;
            p.meetings = [
                rng.range(2, 3),
                rng.range(2, 5),
                rng.range(0, 1),
                rng.range(2, 5),
            ];
            p.funding = 0.0;
            p.venue = f64::from(rng.range(0, 15));
        }
    }
    p
}

const PROBLEMS: &[(Target, &str, &str)] = &[
    (
        Target::Vacant,
        "书记长期空缺，班子不健全，组织生活难以正常开展",
        "镇党委选派第一书记，两个月内选优配强书记",
    ),
    (
        Target::NoGeneralMeeting,
        "全年未召开党员大会，党员外出务工多，组织生活不规范",
        "建立流动党员台账，线上线下结合按期召开党员大会",
    ),
    (
        Target::Dissatisfied,
        "群众满意度低，为民办事不够主动",
        "开展“大走访”，建立群众诉求台账，逐项销号",
    ),
    (
        Target::LowScore,
        "三会一课落实不到位，活动阵地和经费保障不足",
        "制定组织生活计划并公示，争取专项经费改造活动阵地",
    ),
];

// ---------------------------------------------------------------------------------------------
// How each unit's clerk fills the form: cell styles that must still be read without an issue
// ---------------------------------------------------------------------------------------------

#[derive(Default, Clone, Copy)]
struct Style {
    /// 正式党员数 as "１２人" text.
    members_text: bool,
    /// 群众满意度 as "95%" text.
    percent_text: bool,
    /// 群众满意度 as a fraction (0.95).
    percent_fraction: bool,
    /// 是 written as "√".
    tick: bool,
    /// Dates as "2026年4月12日" text.
    date_text: bool,
    /// 支部 / 村 instead of 党支部 / 农村.
    synonyms: bool,
}

fn style_for(name: &str) -> Style {
    let mut s = Style::default();
    match name {
        "龙泉镇" => s.members_text = true,
        "双河镇" => {
            s.tick = true;
            s.date_text = true;
        }
        "青林乡" => {
            s.percent_text = true;
            s.synonyms = true;
        }
        "城关街道" => s.percent_fraction = true,
        _ => {}
    }
    s
}

fn date(style: Style, y: i32, m: u32, d: u32) -> Cell {
    if style.date_text {
        Cell::text(format!("{y}年{m}月{d}日"))
    } else {
        Cell::date(y, m, d)
    }
}

fn org_row(n: usize, rng: &mut Rng, names: &mut Names, seed: &Seed, spec: &UnitSpec) -> OrgRow {
    let style = style_for(spec.name);
    let target = draw_target(rng);
    let p = profile(rng, seed, target);
    let computed = tier(&p);
    let name = format!("{}{}", seed.name, p.org_type);
    let members: Cell = if style.members_text {
        Cell::text(format!("{}人", fullwidth(p.members)))
    } else {
        p.members.into()
    };
    let satisfaction = if style.percent_text {
        Cell::text(format!("{}%", p.satisfaction))
    } else if style.percent_fraction {
        Cell::Number(f64::from(p.satisfaction) / 100.0)
    } else {
        p.satisfaction.into()
    };
    let yes = if style.tick { "√" } else { "是" };
    let (org_type, domain) = match (style.synonyms, p.org_type, seed.domain) {
        (true, "党支部", d) => ("支部", if d == "农村" { "村" } else { d }),
        (true, t, "农村") => (t, "村"),
        (_, t, d) => (t, d),
    };
    let mut row = OrgRow::clean(n)
        .name(name)
        .org_type(org_type)
        .domain(domain)
        .members(members)
        .probationary(if rng.percent(25) {
            Cell::Empty
        } else {
            rng.range(0, 3).into()
        })
        .secretary(names.person())
        .secretary_phone(names.mobile())
        .committee(p.committee)
        .on_time_election(if p.on_time { yes } else { "否" })
        .meetings(p.meetings[0], p.meetings[1], p.meetings[2], p.meetings[3])
        .funding(p.funding)
        .venue(p.venue)
        .satisfaction(satisfaction)
        .development(match seed.domain {
            "农村" | "社区" => Cell::from(*rng.pick(&["好", "好", "中", "中", "差"])),
            _ => Cell::Empty,
        })
        .self_tier(computed)
        .target_tier(if computed == "后进" {
            "一般"
        } else {
            "优秀"
        });
    if spec.kind != Kind::Street && spec.name != "桃源乡" {
        row = row.code(format!("0{}{n:03}", spec.code));
    }
    if p.vacant {
        row = row.vacant_secretary();
    }
    if computed == "后进" {
        let (_, problems, measures) = PROBLEMS
            .iter()
            .find(|(t, ..)| *t == target)
            .or_else(|| PROBLEMS.last())
            .expect("problems listed");
        let month = *rng.pick(&[6, 9, 12]);
        row = row.plan(*problems, *measures, date(style, 2026, month, 30));
    }
    if rng.percent(6) {
        row = row.remarks(*rng.pick(&["2025年新成立", "2026年3月完成换届", "书记为驻村第一书记"]));
    }
    row
}

fn fullwidth(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
        .collect()
}

fn coverage_rows(
    rng: &mut Rng,
    names: &mut Names,
    spec: &UnitSpec,
    uscc_n: &mut u64,
) -> Vec<CoverageRow> {
    let count = match spec.kind {
        Kind::Street => rng.range(7, 10),
        Kind::Town => rng.range(3, 6),
        Kind::Education | Kind::Health => rng.range(2, 3),
    };
    let mut rows = Vec::new();
    while rows.len() < count as usize {
        *uscc_n += 1;
        let social = spec.kind == Kind::Education || rng.percent(25);
        let name = match (spec.kind, social) {
            (Kind::Education, _) => format!("青山县{}培训学校", rng.pick(FIRM_WORDS)),
            (Kind::Health, _) => format!("青山县{}医院有限公司", rng.pick(FIRM_WORDS)),
            (_, true) => format!("{}{}", spec.name, rng.pick(SOCIAL_ORGS)),
            _ => names.firm(spec.name),
        };
        let from_firm = !social && matches!(spec.kind, Kind::Street | Kind::Town);
        if !from_firm && !names.firms.insert(name.clone()) {
            continue; // a name already used: draw again rather than duplicate it
        }
        let kind = if social || spec.kind == Kind::Education {
            "社会组织"
        } else {
            "非公有制企业"
        };
        let uscc = if kind == "社会组织" {
            // Social organizations register with civil affairs: 5 (民政), 1 (社会团体).
            let base = taizhang::builder::sample_uscc(*uscc_n);
            let body = format!("51{}", &base[2..17]);
            let check = taizhang::builder::uscc_check_char(&body).expect("valid body");
            format!("{body}{check}")
        } else {
            taizhang::builder::sample_uscc(*uscc_n)
        };
        let above = kind == "非公有制企业" && rng.percent(35);
        let employees = if above {
            rng.range(80, 600)
        } else {
            rng.range(5, 60)
        };
        let members = rng.range(0, if above { 15 } else { 5 });
        let (has, mode) = match members {
            3.. if rng.percent(80) => ("是", "单独组建"),
            1.. if rng.percent(60) => ("是", "联合组建"),
            _ if rng.percent(50) => ("否", "派驻党建指导员"),
            _ => ("否", "未覆盖"),
        };
        let has = if above && has == "否" && members >= 3 {
            "是"
        } else {
            has
        };
        let mode = if has == "是" && members >= 3 {
            "单独组建"
        } else {
            mode
        };
        let mode = if has == "是" && members < 3 {
            "联合组建"
        } else {
            mode
        };
        rows.push(
            CoverageRow::clean(rows.len() + 1)
                .name(name)
                .uscc(uscc)
                .kind(kind)
                .above_scale(if above { "是" } else { "否" })
                .employees(employees)
                .members(members)
                .has_party_org(has)
                .coverage(mode),
        );
    }
    rows
}

// ---------------------------------------------------------------------------------------------
// Planted mistakes
// ---------------------------------------------------------------------------------------------

#[derive(Clone)]
struct Planted {
    file: String,
    sheet: String,
    cell: String,
    code: &'static str,
    field: String,
    what: &'static str,
}

/// Where a planted mistake lands, resolved after the layout is final.
enum Spot {
    Org(usize, &'static str),
    Coverage(usize, &'static str),
    Unit(&'static str),
    Header(Sheet, &'static str),
}

struct Plant {
    spot: Spot,
    code: &'static str,
    what: &'static str,
}

/// Index of the first row after `from` whose computed tier is `tier` and which has no plan.
fn find_org(form: &FormBuilder, from: usize, want: impl Fn(&OrgRow) -> bool) -> usize {
    (from..form.org_rows().len())
        .find(|i| want(&form.org_rows()[*i]))
        .expect("a row to plant on")
}

fn is_tier(row: &OrgRow, t: &str) -> bool {
    row.get("self_tier") == &Cell::from(t)
}

/// Plants this unit's mistakes into the form and says where they went.
fn plant(name: &str, mut form: FormBuilder, rng: &mut Rng) -> (FormBuilder, Vec<Plant>) {
    let mut plants = Vec::new();
    let mut put = |spot, code, what| plants.push(Plant { spot, code, what });
    match name {
        "白马镇" => {
            let i = find_org(&form, 3, |r| is_tier(r, "一般"));
            form = form.edit_org(i, |o| o.members("若干"));
            put(Spot::Org(i, "full_members"), "E102", "正式党员数填“若干”");
            let first = find_org(&form, 1, |r| r.get("domain") == &Cell::from("农村"));
            let dup = find_org(&form, first + 6, |r| r.get("domain") == &Cell::from("农村"));
            let name = form.org_rows()[first].get("org_name").clone();
            form = form.edit_org(dup, |o| o.name(name));
            put(
                Spot::Org(dup, "org_name"),
                "E109",
                "党组织名称与前面一行重复",
            );
        }
        "龙泉镇" => {
            let i = find_org(&form, 2, |r| !r.get("secretary").is_empty());
            let phone = form.org_rows()[i].get("secretary_phone").display();
            form = form.edit_org(i, |o| o.secretary_phone(phone[..10].to_string()));
            put(
                Spot::Org(i, "secretary_phone"),
                "E105",
                "书记手机号只有 10 位",
            );
            let j = find_org(&form, 9, |r| r.get("org_type") == &Cell::from("党支部"));
            form = form.edit_org(j, |o| o.org_type("党小组"));
            put(Spot::Org(j, "org_type"), "E104", "组织类型填“党小组”");
        }
        "西河镇" => {
            let i = form.org_rows().len() - 3;
            form = form.edit_org(i, |o| {
                o.satisfaction(55)
                    .self_tier("后进")
                    .target_tier("一般")
                    .problems("群众满意度低，为民办事不够主动")
                    .measures(Cell::Empty)
                    .deadline(Cell::date(2026, 9, 30))
            });
            put(Spot::Org(i, "measures"), "E111", "自评后进但未填整改措施");
            let j = find_org(&form, 4, |r| is_tier(r, "优秀"));
            form = form.edit_org(j, |o| o.satisfaction("很满意"));
            put(Spot::Org(j, "satisfaction"), "E102", "群众满意度填“很满意”");
        }
        "柳溪镇" => {
            let i = find_org(&form, 5, |r| is_tier(r, "一般"));
            form = form.edit_org(i, |o| {
                o.satisfaction(50)
                    .self_tier("后进")
                    .target_tier("一般")
                    .plan(
                        "群众满意度低，矛盾纠纷化解不及时",
                        "每月召开院坝会，建立诉求台账限期办结",
                        Cell::date(2026, 3, 31),
                    )
            });
            put(Spot::Org(i, "deadline"), "E112", "整改时限早于填报日期");
            let uscc = form.coverage_rows()[1].get("uscc").display();
            form = form.edit_coverage(1, |c| c.uscc(uscc[..17].to_string()));
            put(Spot::Coverage(1, "uscc"), "E107", "统一社会信用代码少一位");
        }
        "双河镇" => {
            let uscc = form.coverage_rows()[0].get("uscc").display();
            form = form.edit_coverage(0, |c| c.uscc(with_wrong_check(&uscc)));
            put(
                Spot::Coverage(0, "uscc"),
                "W108",
                "统一社会信用代码校验位不符",
            );
            form = form.edit_coverage(2, |c| c.members(0).has_party_org("是").coverage("未覆盖"));
            put(
                Spot::Coverage(2, "coverage"),
                "E113",
                "已建立党组织但覆盖方式为未覆盖",
            );
        }
        "凤凰镇" => {
            form = form.edit_coverage(1, |c| c.members(2).has_party_org("是").coverage("单独组建"));
            put(
                Spot::Coverage(1, "members"),
                "E114",
                "单独组建但党员只有 2 人",
            );
            let contacts: Vec<Cell> = (0..form.org_rows().len())
                .map(|_| Cell::text(format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))))
                .collect();
            form = form.extra_column(Sheet::Org, Some("secretary_phone"), "联系人", contacts);
            put(
                Spot::Header(Sheet::Org, "联系人"),
                "W009",
                "多了一列“联系人”",
            );
        }
        "城关街道" => {
            let i = find_org(&form, 4, |r| is_tier(r, "一般"));
            form = form.edit_org(i, |o| o.self_tier("优秀"));
            put(Spot::Org(i, "self_tier"), "W201", "核定一般，自评优秀");
        }
        "东城街道" => {
            let i = find_org(&form, 3, |r| {
                is_tier(r, "一般") && !r.get("development").is_empty()
            });
            form = form.edit_org(i, |o| o.vacant_secretary().remarks("原书记2026年2月调离"));
            put(
                Spot::Org(i, "self_tier"),
                "W201",
                "书记空缺应核定后进，自评一般",
            );
            put(Spot::Org(i, "problems"), "W202", "核定后进但未填整改计划");
        }
        "石门乡" => {
            let i = find_org(&form, 6, |r| !r.get("secretary").is_empty());
            form = form.edit_org(i, |o| o.secretary_phone(Cell::Empty));
            put(
                Spot::Org(i, "secretary_phone"),
                "E115",
                "填了书记姓名但没有手机号",
            );
        }
        "桃源乡" => {
            let i = find_org(&form, 8, |r| is_tier(r, "优秀"));
            form = form.edit_org(i, |o| o.domain(Cell::Empty));
            put(Spot::Org(i, "domain"), "E101", "所属领域未填");
        }
        "金竹乡" => {
            let code = form.org_rows()[4].get("org_code").clone();
            form = form.edit_org(11, |o| o.code(code));
            put(
                Spot::Org(11, "org_code"),
                "E110",
                "党组织编码与前面一行重复",
            );
        }
        "青林乡" => {
            let i = find_org(&form, 2, |r| is_tier(r, "优秀"));
            form = form.edit_org(i, |o| o.self_tier("一般").target_tier("优秀"));
            put(Spot::Org(i, "self_tier"), "W201", "核定优秀，自评一般");
        }
        "青山县教育局" => {
            form = form.phone("0831-22345");
            put(Spot::Unit("phone"), "E106", "联系电话位数不对");
        }
        "青山县卫生健康局" => {
            let i = find_org(&form, 3, |r| is_tier(r, "优秀"));
            form = form.edit_org(i, |o| o.satisfaction(960));
            put(
                Spot::Org(i, "satisfaction"),
                "E103",
                "群众满意度 960（多打了一个 0）",
            );
        }
        _ => {}
    }
    (form, plants)
}

/// The tolerated layout each unit's clerk used (no issue expected).
fn layout(name: &str, form: FormBuilder) -> FormBuilder {
    match name {
        "白马镇" => form.total_row("合计"),
        "龙泉镇" => form
            .title_rows(2)
            .header("full_members", "正式\n党员数")
            .header("funding", "年度工作经费(万元)")
            .header("venue_area", "活动场所面积（㎡）"),
        "西河镇" => form
            .one_row_header()
            .blank_rows_after(5, 1)
            .blank_rows_after(12, 2)
            .total_row("合计"),
        "柳溪镇" => form
            .org_columns(&[
                "seq",
                "org_name",
                "org_code",
                "secretary",
                "secretary_phone",
                "org_type",
                "domain",
                "full_members",
                "probationary",
                "committee_size",
                "on_time_election",
                "general_meetings",
                "committee_meetings",
                "party_lectures",
                "theme_days",
                "funding",
                "venue_area",
                "satisfaction",
                "self_tier",
                "target_tier",
                "development",
                "problems",
                "measures",
                "deadline",
                "remarks",
            ])
            .label_suffix("："),
        "双河镇" => form.numbered_empty_rows(20),
        "凤凰镇" => form
            .unit_values(UnitValues::Below)
            .header("satisfaction", "群众满意度(%)"),
        "桃源乡" => form
            .no_unit_title()
            .unit_values(UnitValues::InLabel)
            .omit("org_code")
            .omit("development"),
        "金竹乡" => form
            .no_meta()
            .sheet_name(Sheet::Org, "Sheet1")
            .header("committee_size", "班子\n成员数")
            .blank_rows_after(2, 1),
        "青林乡" => form.title_rows(0).coverage_title_rows(0).label_suffix(":"),
        "城关街道" => form
            .header("theme_days", "主题\n党日次数")
            .total_row("总计"),
        "青山县教育局" => form.header("org_name", "党组织名称（全称）"),
        _ => form,
    }
}

// ---------------------------------------------------------------------------------------------
// Checking the profiles against the crate's own rules
// ---------------------------------------------------------------------------------------------

fn record_of(row: &OrgRow) -> Record {
    let mut record = Record::new(0, ORGANIZATIONS.columns.len());
    for (i, (cell, column)) in row.cells.iter().zip(ORGANIZATIONS.columns).enumerate() {
        let data = match cell {
            Cell::Empty => calamine::Data::Empty,
            Cell::Text(t) => calamine::Data::String(t.clone()),
            Cell::Number(n) => calamine::Data::Float(*n),
            Cell::Bool(b) => calamine::Data::Bool(*b),
            Cell::Date(d) => calamine::Data::DateTimeIso(d.format("%Y-%m-%d").to_string()),
            Cell::Formula { cached, .. } => calamine::Data::Float(*cached),
        };
        match normalize(&column.kind, &data) {
            Ok(value) => record.values[i] = value,
            Err(_) => record.mark_invalid(i),
        }
    }
    record
}

/// The crate's tier (优秀 / 一般 / 后进) for a row; `None` when pending.
fn crate_tier(rules: &taizhang::rules::Rules, row: &OrgRow) -> Option<&'static str> {
    rules.form_tier(rules.classify(&record_of(row)).tier)
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

struct Args {
    out: PathBuf,
    year_end: PathBuf,
    planted: PathBuf,
    office: PathBuf,
    convert: bool,
}

fn args() -> Args {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut a = Args {
        out: root.join("samples").join("摸底"),
        year_end: root.join("samples").join("年终"),
        planted: root.join("tests").join("data").join("planted.json"),
        office: root.join("target").join("samples-office"),
        convert: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--convert" => a.convert = true,
            "--out" => a.out = it.next().expect("--out DIR").into(),
            "--year-end-out" => a.year_end = it.next().expect("--year-end-out DIR").into(),
            "--office-dir" => a.office = it.next().expect("--office-dir DIR").into(),
            other => panic!(
                "unknown argument {other}; use --out DIR, --year-end-out DIR, --office-dir DIR, --convert"
            ),
        }
    }
    a
}

fn file_name(spec: &UnitSpec) -> String {
    let ext = match spec.saved {
        Saved::Xlsx => "xlsx",
        Saved::Xls => "xls",
        Saved::Ods => "ods",
    };
    format!("{}.{ext}", spec.name)
}

fn build_unit(spec: &UnitSpec, rng: &mut Rng, names: &mut Names, uscc_n: &mut u64) -> FormBuilder {
    let style = style_for(spec.name);
    let filler = names.person();
    let phone = if rng.percent(70) {
        format!("0831-{}", rng.range(2_000_000, 8_999_999))
    } else {
        names.mobile()
    };
    let mut form = FormBuilder::new()
        .unit(spec.name)
        .code(spec.code)
        .stage("摸底")
        .filler(filler)
        .phone(phone)
        .filled_on(date(style, 2026, 4, spec.filled_day));
    for (n, seed) in seeds_for(spec, names).iter().enumerate() {
        form = form.org_row(org_row(n + 1, rng, names, seed, spec));
    }
    for row in coverage_rows(rng, names, spec, uscc_n) {
        form = form.coverage_row(row);
    }
    form
}

fn resolve(form: &FormBuilder, file: &str, plant: &Plant) -> Planted {
    let (sheet, cell, field) = match &plant.spot {
        Spot::Org(i, key) => (Sheet::Org, form.org_cell(*i, key), key.to_string()),
        Spot::Coverage(i, key) => (
            Sheet::Coverage,
            form.coverage_cell(*i, key),
            key.to_string(),
        ),
        Spot::Unit(key) => (Sheet::Unit, form.unit_cell(key), key.to_string()),
        Spot::Header(sheet, header) => (*sheet, form.header_cell(*sheet, header), String::new()),
    };
    Planted {
        file: file.to_string(),
        sheet: form.sheet_name_of(sheet).to_string(),
        cell,
        code: plant.code,
        field,
        what: plant.what,
    }
}

fn main() {
    let args = args();
    std::fs::create_dir_all(&args.out).expect("create samples dir");
    std::fs::create_dir_all(&args.office).expect("create office scratch dir");
    let rules = taizhang::rules::Rules::embedded();
    let mut rng = Rng::new(SEED);
    let mut names = Names {
        rng: Rng::new(SEED ^ 0xA5A5),
        villages: HashSet::new(),
        firms: HashSet::new(),
    };
    let mut uscc_n = 1000;
    let mut planted = Vec::new();
    let mut tiers = [0usize; 3];
    let mut total_orgs = 0;
    let mut conversions = Vec::new();
    let mut cleans = Vec::new();
    for spec in UNITS {
        let clean = build_unit(spec, &mut rng, &mut names, &mut uscc_n);
        cleans.push((spec, clean.clone()));
        for row in clean.org_rows() {
            let mine = row.get("self_tier").display();
            let theirs = crate_tier(&rules, row);
            assert_eq!(
                theirs,
                Some(mine.as_str()),
                "{}: profile tier differs from the crate's rules",
                row.get("org_name").display()
            );
            tiers[["优秀", "一般", "后进"]
                .iter()
                .position(|t| *t == mine)
                .expect("tier")] += 1;
        }
        total_orgs += clean.org_rows().len();
        let (form, plants) = plant(spec.name, clean, &mut rng);
        let form = layout(spec.name, form);
        let file = file_name(spec);
        planted.extend(plants.iter().map(|p| resolve(&form, &file, p)));
        let xlsx = format!("{}.xlsx", spec.name);
        let dir = if spec.saved == Saved::Xlsx {
            &args.out
        } else {
            &args.office
        };
        let path = form.write(dir.join(&xlsx)).expect("write sample");
        if spec.saved != Saved::Xlsx {
            conversions.push((path, spec.saved));
        }
        println!(
            "{:<10} {:>3} 个党组织 {:>2} 个两新组织  {file}",
            spec.name,
            form.org_rows().len(),
            form.coverage_rows().len()
        );
    }
    write_planted(&args.planted, &mut planted);
    year_end::write_all(&cleans, &rules, &args.year_end);
    println!(
        "共 {} 个单位、{total_orgs} 个党组织；按标准核定（未计埋设错误）：优秀 {}、一般 {}、后进 {}；埋设 {} 处问题",
        UNITS.len(),
        tiers[0],
        tiers[1],
        tiers[2],
        planted.len()
    );
    office(&conversions, &args);
}

fn write_planted(path: &Path, planted: &mut [Planted]) {
    let position = |p: &Planted| parse_a1(&p.cell).unwrap_or((0, 0));
    planted.sort_by(|a, b| {
        (&a.file, &a.sheet, position(a), a.code).cmp(&(&b.file, &b.sheet, position(b), b.code))
    });
    let items: Vec<serde_json::Value> = planted
        .iter()
        .map(|p| {
            serde_json::json!({
                "file": p.file, "sheet": p.sheet, "cell": p.cell, "code": p.code,
                "field": if p.field.is_empty() { serde_json::Value::Null } else { p.field.clone().into() },
                "what": p.what,
            })
        })
        .collect();
    let text = serde_json::to_string_pretty(&items).expect("json");
    std::fs::write(path, text + "\n").expect("write planted.json");
}

/// Converts the office units with LibreOffice, or says how.
fn office(conversions: &[(PathBuf, Saved)], args: &Args) {
    for (path, saved) in conversions {
        let format = if *saved == Saved::Xls { "xls" } else { "ods" };
        let cmd = format!(
            "soffice --headless --convert-to {format} --outdir {} {}",
            args.out.display(),
            path.display()
        );
        if !args.convert {
            println!("另存为 {format}：{cmd}");
            continue;
        }
        let status = Command::new("soffice")
            .args(["--headless", "--convert-to", format, "--outdir"])
            .arg(&args.out)
            .arg(path)
            .status();
        match status {
            Ok(s) if s.success() => println!("已转换：{}", path.display()),
            other => eprintln!("转换失败（{other:?}），请手动运行：{cmd}"),
        }
    }
}
