"""The 25 columns of 党组织情况 in the clean synthetic forms (examples/gen_forms.rs, the issued
layout): a title in row 1, the header in row 2 with 三会一课及主题党日开展次数 merged over four
sub-headers in row 3, data from row 4. The peers name their columns with these, the sub-headers
standing for the four merged ones."""

HEADER = [
    "序号", "党组织名称", "党组织编码", "组织类型", "所属领域", "正式党员数", "预备党员数", "书记姓名",
    "书记手机号", "班子成员数", "是否按期换届", "党员大会次数", "支委会次数", "党课次数", "主题党日次数",
    "年度工作经费（万元）", "活动场所面积（平方米）", "群众满意度（%）", "发展等次", "自评等次", "争创目标",
    "主要问题", "整改措施", "整改时限", "备注",
]
# 0-based rows above the data: title, header, sub-header.
SKIP_ROWS = 3
SHEET = "党组织情况"


def forms(inbox):
    import os

    return sorted(
        os.path.join(d, f)
        for d, _, fs in os.walk(inbox)
        for f in fs
        if f.lower().endswith(".xlsx") and not f.startswith("~$")
    )
