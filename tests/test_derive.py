"""netmedia.validate.derive: the rule-ready columns, on small hand-made frames with pandas 3 dtypes."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from netmedia.config import load_config
from netmedia.transform.returns import typed_frame
from netmedia.validate import derive


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A clean-table frame: every output column, typed by the ingest's own ``typed_frame``."""
    return typed_frame(table, rows)


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.fixture(scope="module")
def units():
    return frame(
        "units",
        [
            {"unit": "水利学院", "aliases": "水院、水利学院团委", "kind": "学院", "party_head": "张三", "admin_head": "李四"},
            {"unit": "电力学院", "aliases": None, "kind": "学院", "party_head": "王 五", "admin_head": None},
        ],
    )


@pytest.fixture(scope="module")
def staff():
    return frame(
        "staff",
        [
            {"name": "张三", "staff_id": "1", "unit": "水利学院", "status": "在职"},
            {"name": "赵六", "staff_id": "2", "unit": "水利学院", "status": "退休"},
            {"name": "钱七", "staff_id": "3", "unit": "电力学院", "status": "离职"},
            {"name": "孙八", "staff_id": "4", "unit": "电力学院", "status": "在职"},
        ],
    )


def test_norm_name_nfkc_and_whitespace():
    s = pd.Series(["张  三", "Ｚｈａｎｇ", None, " "], dtype="str")
    out = derive.norm_name(s)
    assert out.tolist()[:2] == ["张三", "Zhang"]
    assert out.isna().tolist() == [False, False, True, True]


def test_leader_and_operator(config, units, staff):
    p = frame(
        "platforms",
        [
            {"unit": "水利学院", "supervisor": "李 四", "operator": "孙八"},  # admin head, whitespace
            {"unit": "水利学院", "supervisor": "张三", "operator": "张三"},  # head who is also operator (在职)
            {"unit": "电力学院", "supervisor": "王五", "operator": "王五"},  # head, not on the staff roster
            {"unit": "电力学院", "supervisor": "孙八", "operator": "赵六"},  # not a head; operator retired
            {"unit": "水院", "supervisor": "张三", "operator": "钱七"},  # alias of the unit; operator departed
            {"unit": "不存在学院", "supervisor": "张三", "operator": None},
        ],
    )
    d = derive.derive_platforms(p, units, staff, config)
    assert d["supervisor_is_unit_head"].tolist() == [True, True, True, False, True, False]
    assert d["operator_is_current_staff"].tolist()[:5] == [True, True, False, False, False]
    assert d["operator_is_current_staff"].isna().tolist()[5]
    assert d["operator_roster_status"].tolist()[:5] == ["在职", "在职", derive.NOT_ON_ROSTER, "退休", "离职"]
    assert d["unit_party_head"].tolist()[:2] == ["张三", "张三"]
    assert d["unit_heads_known"].tolist() == [True, True, True, True, True, False]


def test_category_and_url_class(config, units, staff):
    p = frame(
        "platforms",
        [
            {"platform_type_raw": "网站", "category": "website_campus", "platform_class": 1, "url": "https://www.ncwu.edu.cn/"},
            {"platform_type_raw": "网站", "category": "website_external", "platform_class": 2, "url": "http://sl.NCWU.edu.cn/a"},
            {"platform_type_raw": "网站", "category": "website_campus", "platform_class": 1, "url": "ncwu.edu.cn.evil.com"},
            {"platform_type_raw": "网站", "category": "website_external", "platform_class": 2, "url": "notncwu.edu.cn"},
            {"platform_type_raw": "微博", "category": "weibo", "platform_class": 4},
            {"platform_type_raw": "飞书", "category": None},
            {"platform_type_raw": None, "category": None},
            {"platform_type_raw": "网站", "category": "website", "platform_class": 0},
        ],
    )
    d = derive.derive_platforms(p, units, staff, config)
    assert d["url_domain_class"].tolist()[:4] == [1, 1, 2, 2]
    assert d["url_domain_class"].isna().tolist()[4]
    assert d["url_class_consistent"].tolist()[:4] == [True, False, False, True]
    assert d["url_class_consistent"].isna().tolist()[4:] == [True] * 4
    ok = d["category_class_ok"]
    assert ok.tolist()[:5] == [True, True, True, True, False]  # weibo is class 3, filed as 4
    assert ok.iloc[5] is False or ok.iloc[5] == False  # noqa: E712  unrecognised type
    assert pd.isna(ok.iloc[6])  # missing type: R-required's row, not R-category's
    assert ok.iloc[7] == False  # noqa: E712  ambiguous 'website' is not a code


def test_zombie_column_exempts_closed(config, units, staff):
    assert config.zombie_cutoff.isoformat() == "2023-01-25"
    p = frame(
        "platforms",
        [
            {"last_updated_on": "2023-01-24", "status": "closed"},
            {"last_updated_on": "2023-01-24", "status": "stopped"},
            {"last_updated_on": "2023-01-25", "status": "running"},  # on the cutoff: passes
            {"last_updated_on": "2022-01-01", "status": None},
            {"last_updated_on": None, "status": "running"},  # no date: R-required's row
        ],
    )
    d = derive.derive_platforms(p, units, staff, config)
    assert d["is_zombie"].tolist() == [False, True, False, True, False]
    # history asks with an archived round's own cutoff
    assert derive.is_zombie(p, pd.Timestamp("2023-01-26")).tolist() == [False, True, True, True, False]


def test_duplicate_key(config, units, staff):
    p = frame(
        "platforms",
        [
            {"unit": "水利学院", "category": "weibo", "account_id": " SLXY ", "platform_name": "a"},
            {"unit": "电力学院", "category": "weibo", "account_id": "slxy", "platform_name": "b"},  # across units
            {"unit": "水利学院", "category": "douyin", "account_id": "slxy", "platform_name": "c"},  # other category
            {"unit": "水利学院", "category": "website_campus", "url": "http://www.sl.ncwu.edu.cn/", "platform_name": "d"},
            {"unit": "水利学院", "category": "website_campus", "url": "https://sl.ncwu.edu.cn", "platform_name": "e"},
            {"unit": "电力学院", "category": "wechat_official", "platform_name": "电力 之声"},
            {"unit": "电力学院", "category": "wechat_official", "platform_name": "电力之声"},  # within a unit, by name
            {"unit": "电力学院", "category": "wechat_official", "platform_name": "电力青年"},
        ],
    )
    d = derive.derive_platforms(p, units, staff, config)
    assert d["duplicate_others"].tolist() == [1, 1, 0, 1, 1, 1, 1, 0]
    assert d["duplicate_key"].tolist() == [
        "weibo|slxy", "weibo|slxy", "douyin|slxy", "website_campus|sl.ncwu.edu.cn",
        "website_campus|sl.ncwu.edu.cn", "wechat_official|电力之声", "wechat_official|电力之声",
        "wechat_official|电力青年",
    ]
    assert d["platform_identity"].iloc[3] == "sl.ncwu.edu.cn"
    assert d["category_zh"].iloc[0] == "微博"


def test_category_problem_says_why_the_category_fails(config, units, staff):
    p = frame(
        "platforms",
        [
            {"platform_type_raw": "微博", "category": "weibo", "platform_class": 3},
            {"platform_type_raw": "飞书", "category": None},
            {"platform_type_raw": "网站", "category": "website", "platform_class": 1},
            {"platform_type_raw": "微博", "category": "weibo", "platform_class": 6},
            {"platform_type_raw": None, "category": None},
        ],
    )
    d = derive.derive_platforms(p, units, staff, config)
    assert d["category_problem"].tolist()[1:4] == ["unmapped", "not_a_code", "class_mismatch"]
    assert d["category_problem"].isna().tolist() == [True, False, False, False, True]
    assert d["category_class"].tolist()[3] == 3


def test_phone_ok():
    # Beijing (010) numbers have 8 digits after the area code: 010-1234567 is one short.
    s = pd.Series(["13812345678", "0371-69127000", "010-62751234", "12345678901", "0371-691", "010-1234567", "", None],
                  dtype="str")
    out = derive.phone_ok(s)
    assert out.tolist()[:6] == [True, True, True, False, False, False]
    assert out.isna().tolist()[6:] == [True, True]


def test_personal_account_names(config, units):
    names = [
        "華水小助手",  # 0 traditional script school short name: in scope, not a homophone
        "NcWu Daily",  # 1 English short name, mixed case
        "north china university of water resources and electric power 校友",  # 2 English full name
        "滑水之家",  # 3 homophone of 华水 (same tone)
        "画水日常",  # 4 tone-only difference (huà vs huá)
        "花北水利青年",  # 5 homophone of the full name's leading part 华北水利
        "华水野鸡大学",  # 6 defamatory
        "我的日常",  # 7 out of scope
        "水院学生会",  # 8 unit alias
        "华水",  # 9 the name itself
    ]
    a = frame("personal_accounts", [{"platform_name": n, "category": "weibo", "platform_type_raw": "微博"} for n in names])
    d = derive.derive_personal_accounts(a, units, config)
    assert d["name_has_school_or_unit"].tolist() == [True, True, True, False, False, False, True, False, True, True]
    assert d["name_homophone_of"].tolist()[3:6] == ["华水", "华水", "华北水利"]
    assert d["name_homophone_text"].tolist()[3:6] == ["滑水", "画水", "花北水利"]
    assert d["name_homophone_of"].isna().tolist() == [True, True, True, False, False, False, True, True, True, True]
    assert d["name_defamatory_word"].tolist()[6] == "野鸡"
    assert d["name_defamatory_word"].isna().sum() == len(names) - 1
    assert d["name_in_scope"].tolist() == [True, True, True, True, True, True, True, False, True, True]


def test_traditional_defamatory_word(config, units):
    a = frame("personal_accounts", [{"platform_name": "華水垃圾", "category": "weibo"}])
    d = derive.derive_personal_accounts(a, units, config)
    assert d["name_defamatory_word"].iloc[0] == "垃圾"


def test_units_and_submissions(config, units):
    subs = frame(
        "submissions",
        [
            {"source_file": "a.xlsx", "unit": "水院", "annex": "2", "received_at": "2023-04-25 23:59"},
            {"source_file": "b.xlsx", "unit": None, "annex": "2", "received_at": "2023-04-26 00:01"},
            {"source_file": "c.xlsx", "unit": "水利学院", "annex": "3", "received_at": None},
        ],
    )
    u = derive.derive_units(units, subs)
    assert u["has_submission"].tolist() == [True, False]
    s = derive.derive_submissions(subs, config)
    assert s["received_date"].iloc[0] == pd.Timestamp("2023-04-25")
    assert s["is_late"].tolist()[:2] == [False, True] and pd.isna(s["is_late"].iloc[2])


def test_derive_is_per_distinct_and_keeps_rows(config, units, staff):
    base = frame("platforms", [{"unit": "水利学院", "supervisor": "张三", "operator": "孙八", "operator_phone": "13812345678"}])
    big = pd.concat([base] * 5000, ignore_index=True)
    big.index = pd.RangeIndex(10, 10 + len(big))  # a non-default index is replaced by positions
    d = derive.derive_platforms(big, units, staff, config)
    assert len(d) == 5000 and d.index.equals(pd.RangeIndex(5000))
    assert d["supervisor_is_unit_head"].all() and d["phone_ok"].all()


# ----------------------------------------------------------------- name matchers against plain scans

_POOL = "华花滑画化水税睡北背被利力理学雪院远愿电店点重种中长常行航政正院团委大野鸡·0123 A"


def _random_names(n: int, seed: int) -> list[str]:
    import random

    rnd = random.Random(seed)
    return ["".join(rnd.choice(_POOL) for _ in range(rnd.randint(1, 12))) for _ in range(n)]


# Targets and names with the answer written out by hand (toneless pinyin: 华 hua, 花 hua, 滑 hua, 画 hua,
# 水 shui, 税 shui, 睡 shui, 重 zhong/chong, 种 zhong, 庆 qing, 长 chang/zhang, 常 chang, 行 xing/hang,
# 航 hang, 型 xing, 政 zheng, 电 dian, 店 dian, 力 li, 利 li, 院 yuan, 远 yuan).
HOMOPHONE_TARGETS = ("重庆大学", "电力学院", "长江学院", "华水", "行政楼", "水利")
HOMOPHONES = [
    ("滑水之家", ("华水", "滑水")),
    ("花税日常", ("华水", "花税")),
    ("华水之家", None),  # the name itself is not a homophone
    ("种庆大学", ("重庆大学", "种庆大学")),  # 重 read zhong
    ("常江学院", ("长江学院", "常江学院")),  # 长 read chang
    ("型政楼", ("行政楼", "型政楼")),  # the target is read as a phrase: 行政 xing zheng
    ("航政楼", None),  # 航 hang is not 行政楼's reading
    ("店力学院团委", ("电力学院", "店力学院")),
    ("我的水力", ("水利", "水力")),
    ("睡利华睡", ("水利", "睡利")),  # the first position wins
    ("电力学院", None),
    ("水", None),
    ("ABC", None),
    ("华·水", None),
]


@pytest.mark.parametrize(("name", "expected"), HOMOPHONES)
def test_homophone_matcher_on_a_hand_written_table(name, expected):
    assert derive.HomophoneMatcher(HOMOPHONE_TARGETS).find(name) == expected


def test_homophone_targets_are_the_school_names_prefixes_and_units(config, units):
    targets = derive.homophone_targets(config, units)
    assert {"华北水利水电大学", "华水", "华北水利", "水利学院", "水院", "电力学院"} <= set(targets)
    assert list(targets) == sorted(targets, key=lambda x: (-len(x), x))  # longest first


def test_substring_set_agrees_with_regex_alternation():
    import re

    targets = ["华水", "水利学院", "学院·1", "电力", "A", "重庆大学", "院团委"]
    ss = derive.SubstringSet(targets)
    pat = re.compile("|".join(re.escape(t) for t in sorted(targets, key=len, reverse=True)))
    names = _random_names(3000, 2)
    got = [ss.search(x) for x in names]
    assert got == [pat.search(x) is not None for x in names]
    assert 0 < sum(got) < len(names)
    assert not derive.SubstringSet([]).search("华水")


def test_scope_with_a_province_sized_roster_is_per_name_not_per_roster(config):
    rows = [{"unit": f"第{k}研究所", "aliases": None, "kind": "学院"} for k in range(10_000)]
    rows.append({"unit": "水利学院", "aliases": "水院", "kind": "学院"})
    big_units = frame("units", rows)
    names = ["水院学生会", "第9999研究所之声", "我的日常", "华水小助手", "第10000研究所"] * 2000
    a = frame("personal_accounts", [{"platform_name": n, "category": "weibo"} for n in names])
    d = derive.derive_personal_accounts(a, big_units, config)
    assert d["name_has_school_or_unit"].tolist()[:5] == [True, True, False, True, False]
    assert d["name_in_scope"].tolist()[:5] == [True, True, False, True, False]


def test_whitespace_removal_is_the_regex_one():
    import re
    import sys

    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000]
    text = "a" + "a".join(chars) + "a"
    assert derive._strip_ws(pd.Series([text, "张 三"], dtype="str")).tolist() == [
        re.sub(r"\s+", "", text), "张三"]


def test_syllables_skip_only_what_pypinyin_would_not_give_per_character():
    from pypinyin import Style, lazy_pinyin

    names = ("学院·12", "学院·1", "a学b", "ab学", "学院 A", "学〇院", "重庆大学", "MBA中心", "华水", "A水",
             "\U00020000学", "\uf900\ufa18学", "学\u3007\u3007", "ＡＢ学")  # ext. B, compatibility, 〇, full width
    for t in names:
        syl = tuple(s.lower() for s in lazy_pinyin(t, style=Style.NORMAL))
        assert derive._syllables(t) == (syl if len(syl) == len(t) else None), t


def test_url_platform_says_what_the_address_names(config, units, staff):
    """R-category's address columns on a hand-made frame: what the url (else the account) names, and whether the
    filed category agrees."""
    p = frame(
        "platforms",
        [
            {"category": "weibo", "platform_type_raw": "微博", "url": "https://v.douyin.com/iRNBqxyz/"},
            {"category": "weibo", "platform_type_raw": "微博", "url": "https://weibo.com/u/2093491257"},
            {"category": "weibo", "platform_type_raw": "微博", "account_id": "gh_3f2a9c0d7e1b"},
            {"category": "wechat_official", "platform_type_raw": "公众号", "account_id": "gh_3f2a9c0d7e1b"},
            {"category": "website_external", "platform_type_raw": "网站", "url": "https://space.bilibili.com/3493118"},
            {"category": "website_external", "platform_type_raw": "网站", "url": "http://www.hnsl.com.cn/"},
            {"category": "kuaishou", "platform_type_raw": "快手", "url": "无", "account_id": "https://v.kuaishou.com/Jx8Yz"},
            {"category": None, "platform_type_raw": None, "url": "https://weibo.com/u/1"},
            {"category": "douyin", "platform_type_raw": "抖音", "account_id": "ncwu_xw"},
        ],
    )
    d = derive.derive_platforms(p, units, staff, config)
    got = d[["url_category", "url_category_source", "url_platform_consistent"]].astype(object)
    got = [tuple(None if pd.isna(v) else v for v in row) for row in got.itertuples(index=False)]
    assert got == [
        ("douyin", "url", False),
        ("weibo", "url", True),
        ("wechat_official", "account_id", False),
        ("wechat_official", "account_id", True),
        ("bilibili", "url", False),
        (None, None, None),
        ("kuaishou", "url", True),
        ("weibo", "url", None),  # no category: R-required's row
        (None, None, None),
    ]
    assert d["url_category_text"].tolist()[2] == "gh_3f2a9c0d7e1b"
    assert d["url_category_text"].tolist()[6] == "https://v.kuaishou.com/Jx8Yz"
    assert d["url_category_zh"].tolist()[0] == "抖音"


def test_personal_accounts_get_the_address_columns(config, units):
    a = frame("personal_accounts", [
        {"platform_name": "华水小王", "category": "weibo", "platform_type_raw": "微博", "url": "https://www.zhihu.com/people/x"},
        {"platform_name": "华水小李", "category": "zhihu", "platform_type_raw": "知乎", "url": "https://www.zhihu.com/people/x"},
    ])
    d = derive.derive_personal_accounts(a, units, config)
    assert d["url_platform_consistent"].tolist() == [False, True]
    assert d["category_zh"].tolist() == ["微博", "知乎"]


# --------------------------------------------------------------------------- which units returned something
# One hand-written round: the units an analyst counts as having submitted, and every place that says so.
# deadline 2023-04-25 (config/institution.toml)
ROUND_ROSTER = [  # unit, aliases, kind
    ("水利学院", None, "学院"), ("电力学院", "电院", "学院"), ("土木与交通学院", None, "学院"), ("机械学院", None, "学院"),
    ("工会", None, "群团"), ("档案馆", None, "直属单位"), ("图书馆", None, "直属单位"), ("校团委", None, "群团"),
    ("党委宣传部", None, "党群部门"), ("学生工作部", None, "党群部门"),
]  # fmt: skip
SUBMITTED = {"水利学院", "电力学院", "土木与交通学院", "机械学院", "工会", "学生工作部"}
STATE = {  # the 报送状态 a person reads for each roster unit
    "水利学院": "按时报送",  # its own Annex 2, before the deadline
    "电力学院": "逾期报送",  # its Annex 3 under its alias 电院, after the deadline
    "土木与交通学院": "见汇总台账",  # named only by the rows of a consolidated registry
    "机械学院": "已报送（时间不详）",  # an Annex 3 sheet every row of which was rejected, no date
    "工会": "按时报送",  # an Annex 4 (groups) only
    "档案馆": "未报送",  # its only sheet was no annex table, its other file unreadable
    "图书馆": "未报送",  # only a reply to its rectification list
    "校团委": "未报送",  # only netmedia's own instruction sheet of the template, skipped
    "党委宣传部": "未报送",  # nothing
    "学生工作部": "见汇总台账",  # named only by a group row of a consolidated Annex 4
}


def round_tables() -> dict[str, pd.DataFrame]:
    def sub(file, sheet, unit, annex, at, status="ok", clean=1, rejected=0, message=None):
        return {"source_file": file, "source_sheet": sheet, "unit": unit, "annex": annex, "received_at": at,
                "rows_read": clean + rejected, "rows_clean": clean, "rows_rejected": rejected, "status": status,
                "message": message}

    subs = [
        sub("水利学院.xlsx", "附件2", "水利学院", "2", "2023-04-20 09:00"),
        sub("电院报送.xlsx", "附件3", "电院", "3", "2023-04-27 10:00"),
        sub("全校汇总台账.xlsx", "台账", None, "2", "2023-04-22 08:00", clean=2),
        sub("机械学院.xlsx", "附件3", "机械学院", "3", None, clean=0, rejected=2),
        sub("工会.xlsx", "附件4", "工会", "4", "2023-04-24 17:00"),
        sub("全校群组汇总.xlsx", "群组", None, "4", "2023-04-22 08:00"),
        sub("档案馆.xlsx", "Sheet1", "档案馆", None, "2023-04-21 08:00", status="rejected", clean=0, rejected=3,
            message="not an Annex 2/3/4 table (header found: 序号 | 姓名)"),
        sub("档案馆(1).xls", None, None, None, None, status="rejected", clean=0, message="unreadable workbook"),
        sub("整改清单_图书馆.xlsx", None, None, None, None, message="整改清单回复（图书馆）：1 条"),
        sub("校团委.xlsx", "填报说明", "校团委", None, "2023-04-23 08:00", status="skipped", clean=0),
        sub("reference/staff.xlsx", None, None, None, None, status="skipped", clean=0),
    ]
    platforms = [{"unit": "土木与交通学院", "platform_name": "土木交通青年", "source_file": "全校汇总台账.xlsx"},
                 {"unit": "水利学院", "platform_name": "水利青年", "source_file": "全校汇总台账.xlsx"},
                 {"unit": "水利学院", "platform_name": "水利学院官微", "source_file": "水利学院.xlsx"}]
    return {
        "units": frame("units", [dict(zip(("unit", "aliases", "kind"), r, strict=True)) for r in ROUND_ROSTER]),
        "submissions": frame("submissions", subs),
        "platforms": frame("platforms", platforms),
        "personal_accounts": frame("personal_accounts", []),
        "groups": frame("groups", [{"unit": "工会", "group_name": "工会会员群", "source_file": "工会.xlsx"},
                                   {"unit": "学生工作部", "group_name": "辅导员群", "source_file": "全校群组汇总.xlsx"}]),
        "replies": frame("replies", [{"finding_id": "F1", "unit": "图书馆", "reply": "已整改",
                                      "source_file": "整改清单_图书馆.xlsx"}]),
        "rejects": frame("rejects", []),
    }


def test_returned_units_one_definition_every_consumer(config, tmp_path):
    from netmedia import season
    from netmedia.report import charts, circular, dashboard

    tables = round_tables()
    roster = [u for u, _, _ in ROUND_ROSTER]
    # each consumer's answer as the set of roster units that submitted, all compared at once (a failure shows
    # which consumers disagree)
    said = {"derive.returned_units": derive.returned_units_of(tables) & set(roster)}
    units = derive.derive_all(tables, config)["units"]  # R-complete's fact
    said["R-complete has_submission"] = set(units.loc[units["has_submission"].fillna(False).astype(bool), "unit"])
    said["ingest no-return list"] = set(roster) - set(season.units_without_return(tables))
    status = season.submission_status(tables, config)
    said["submission_status"] = set(status.loc[status["报送状态"] != "未报送", "单位"]) & set(roster)
    html = dashboard.build_dashboard(tables, None, config, tmp_path, images=False).html.read_text(encoding="utf-8")
    card = re.search(r"<b>([^<]*)</b>已报送单位", html)
    said["dashboard card"] = card[1] if card else None
    progress = charts.submission_progress(tables["submissions"], tables["units"], config,
                                          [tables["platforms"], tables["groups"]])
    said["progress chart units"] = set(charts.submitted_units(tables["submissions"], tables["units"],
                                                              [tables["platforms"], tables["groups"]]).index)
    said["progress chart"] = [int(m) for a in progress.layout.annotations for m in re.findall(r"已报送 (\d+) 个单位", a.text)]
    figures = circular.submission_figures(tables, config)
    said["circular missing_units"] = set(roster) - set(figures["missing_units"].split("、"))
    said["circular n_submitted"] = figures["n_submitted"]
    # the record history: a unit's previous record that no row of this round carries is ``missing`` only when
    # the unit returned something (one previous platform per roster unit, none listed again)
    from netmedia.validate import changes
    previous = {"platforms": frame("platforms", [{"unit": u, "category": "weibo", "platform_name": f"{u}旧微博",
                                                  "account_id": f"old-{i}"} for i, u in enumerate(roster)])}
    history = changes.record_history(changes.assign_record_ids(tables, previous), previous, "2024")
    said["record history missing"] = set(history.loc[history["change"] == "missing", "unit"])
    n = len(SUBMITTED)  # 6 of the 10 roster units
    assert said == {"derive.returned_units": SUBMITTED, "R-complete has_submission": SUBMITTED,
                    "ingest no-return list": SUBMITTED, "submission_status": SUBMITTED,
                    "dashboard card": f"{n}/{len(roster)}", "circular missing_units": SUBMITTED,
                    "circular n_submitted": n, "record history missing": SUBMITTED,
                    "progress chart units": SUBMITTED, "progress chart": [n]}
    # the person's view: one row per roster unit (the alias 电院 is 电力学院's row), each with its state
    assert dict(zip(status["单位"], status["报送状态"], strict=True)) == STATE
    assert season.units_without_return(tables) == [u for u in roster if u not in SUBMITTED]  # roster order
