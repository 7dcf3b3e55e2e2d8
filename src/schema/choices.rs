//! The closed lists of choices (dropdowns) and the synonyms clerks type for them.

use super::Choices;

pub static ORG_TYPES: Choices = Choices {
    values: &["党委", "党总支", "党支部", "联合党支部"],
    synonyms: &[
        ("总支", "党总支"),
        ("支部", "党支部"),
        ("联合支部", "联合党支部"),
    ],
};

pub static DOMAINS: Choices = Choices {
    values: &[
        "农村",
        "社区",
        "机关",
        "事业单位",
        "国有企业",
        "非公有制企业",
        "社会组织",
        "学校",
        "其他",
    ],
    synonyms: &[
        ("村", "农村"),
        ("行政村", "农村"),
        ("居委会", "社区"),
        ("非公企业", "非公有制企业"),
        ("民营企业", "非公有制企业"),
        ("私营企业", "非公有制企业"),
        ("国企", "国有企业"),
        ("协会", "社会组织"),
        ("社团", "社会组织"),
        ("中小学", "学校"),
    ],
};

pub static TIERS: Choices = Choices {
    values: &["优秀", "一般", "后进"],
    synonyms: &[
        ("优", "优秀"),
        ("好", "优秀"),
        ("中", "一般"),
        ("较好", "一般"),
        ("差", "后进"),
        ("较差", "后进"),
        ("软弱涣散", "后进"),
    ],
};

pub static DEVELOPMENT: Choices = Choices {
    values: &["好", "中", "差"],
    synonyms: &[],
};

pub static STAGES: Choices = Choices {
    values: &["摸底", "年终"],
    synonyms: &[
        ("摸底调查", "摸底"),
        ("年初", "摸底"),
        ("年终复评", "年终"),
        ("年底", "年终"),
    ],
};

pub static ENTERPRISE_KINDS: Choices = Choices {
    values: &["非公有制企业", "社会组织"],
    synonyms: &[
        ("非公企业", "非公有制企业"),
        ("民营企业", "非公有制企业"),
        ("私营企业", "非公有制企业"),
        ("协会", "社会组织"),
        ("社团", "社会组织"),
    ],
};

pub static COVERAGE_MODES: Choices = Choices {
    values: &["单独组建", "联合组建", "派驻党建指导员", "未覆盖"],
    synonyms: &[("选派党建指导员", "派驻党建指导员")],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_resolve_to_choices() {
        assert_eq!(ORG_TYPES.resolve("总支"), Some("党总支"));
        assert_eq!(DOMAINS.resolve("居委会"), Some("社区"));
        assert_eq!(TIERS.resolve("软弱涣散"), Some("后进"));
        assert_eq!(TIERS.resolve("良好"), None);
        for c in [
            &ORG_TYPES,
            &DOMAINS,
            &TIERS,
            &STAGES,
            &ENTERPRISE_KINDS,
            &COVERAGE_MODES,
        ] {
            for (_, canonical) in c.synonyms {
                assert!(c.values.contains(canonical));
            }
        }
    }
}
