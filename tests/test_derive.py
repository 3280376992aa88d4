"""netmedia.validate.derive: the rule-ready columns, on small hand-made frames with pandas 3 dtypes."""

from __future__ import annotations

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
    p = frame(
        "platforms",
        [
            {"last_updated_on": "2023-01-24", "status": "closed"},
            {"last_updated_on": "2023-01-24", "status": "stopped"},
            {"last_updated_on": "2023-01-25", "status": "running"},
        ],
    )
    d = derive.derive_platforms(p, units, staff, config)
    col = d["last_updated_unless_closed"]
    assert str(col.dtype) == "datetime64[ns]"
    assert pd.isna(col.iloc[0]) and col.iloc[1] == pd.Timestamp("2023-01-24")


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
    assert d["duplicate_count"].tolist() == [2, 2, 1, 2, 2, 2, 2, 1]
    assert d["duplicate_key"].iloc[0] == "weibo|slxy"
    assert d["duplicate_key"].iloc[3] == "website_campus|sl.ncwu.edu.cn"


def test_phone_ok():
    s = pd.Series(["13812345678", "0371-69127000", "010-1234567", "12345678901", "0371-691", "", None], dtype="str")
    out = derive.phone_ok(s)
    assert out.tolist()[:5] == [True, True, True, False, False]
    assert out.isna().tolist()[5:] == [True, True]


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
            {"source_file": "a.xlsx", "unit": "水院", "received_at": "2023-04-25 23:59"},
            {"source_file": "b.xlsx", "unit": None, "received_at": "2023-04-26 00:01"},
            {"source_file": "c.xlsx", "unit": "水利学院", "received_at": None},
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


def _scan_homophone(targets: tuple[str, ...], name: str):
    """The plain scan the matcher must agree with: every target tried at every position."""
    from pypinyin import Style, lazy_pinyin

    by_first: dict[str, list] = {}
    for t in targets:
        syl = tuple(s.lower() for s in lazy_pinyin(t, style=Style.NORMAL))
        if len(syl) == len(t):
            by_first.setdefault(syl[0], []).append((t, syl))
    reads = [derive._readings(c) for c in name]
    for i in range(len(name)):
        for r in reads[i]:
            for t, syl in by_first.get(r, ()):
                k = len(syl)
                window = name[i : i + k]
                if i + k > len(name) or window == t or window in targets:
                    continue
                if all(syl[j] in reads[i + j] for j in range(1, k)):
                    return t, window
    return None


def test_homophone_matcher_agrees_with_plain_scan(config, units):
    extra = ("华水", "水利", "重庆大学", "长江学院", "行政楼", "电力学院", "画院", "学院·1", "A水", "中心")
    targets = tuple(sorted(set(derive.homophone_targets(config, units)) | set(extra), key=lambda x: (-len(x), x)))
    m = derive.HomophoneMatcher(targets)
    names = _random_names(3000, 1) + ["滑水之家", "花北水利青年", "种庆大学", "常江学院", "航政楼", "店力学院"]
    got = [m.find(x) for x in names]
    assert got == [_scan_homophone(targets, x) for x in names]
    assert sum(g is not None for g in got) > 300  # the random names do hit homophones


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

    for t in ("学院·12", "学院·1", "a学b", "ab学", "学院 A", "学〇院", "重庆大学", "MBA中心", "华水", "A水"):
        syl = tuple(s.lower() for s in lazy_pinyin(t, style=Style.NORMAL))
        assert derive._syllables(t) == (syl if len(syl) == len(t) else None), t
