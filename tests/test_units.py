"""Unit names as units write them, matched to the roster — or refused, never guessed."""

import pandas as pd
import pytest

from netmedia.transform.units import UnitMatcher


@pytest.fixture
def matcher():
    roster = pd.DataFrame({
        "unit": ["水利学院", "土木与交通学院", "学生工作部（处）", "党委宣传部", "电力学院"],
        "aliases": ["水院、水利", "土木学院;交通学院", "学工部", "宣传部", "电力"],
        "kind": ["学院", "学院", "职能部门", "职能部门", "学院"],
    })
    return UnitMatcher(roster, score_cutoff=88)


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("水利学院", "水利学院"),
        ("水院", "水利学院"),  # alias
        (" 水利 学院 ", "水利学院"),  # stray spaces
        ("学生工作部(处)", "学生工作部（处）"),  # half-width brackets
        ("學生工作部（處）", "学生工作部（处）"),  # traditional script
        ("水利學院", "水利学院"),
        ("学生工作部：处", "学生工作部（处）"),  # punctuation is no part of a name
        ("学工部", "学生工作部（处）"),
        ("土木与交通学", "土木与交通学院"),  # a character dropped: fuzzy
        ("信息工程学院", None),  # not on the roster: refused
        ("", None),
    ],
)
def test_match(matcher, written, unit):
    assert matcher.match(written) == unit


@pytest.mark.parametrize(
    ("label", "unit"),
    [
        ("备案信息汇总+水利学院.xlsx", "水利学院"),
        ("附件2-备案信息汇总+学工部（终版）.xlsx", "学生工作部（处）"),
        ("附件3 备案信息汇总+土木学院 2023.xlsx", "土木与交通学院"),
        ("备案信息汇总+宣传部", "党委宣传部"),
        ("附件2.xlsx", None),
    ],
)
def test_find_in_file_names(matcher, label, unit):
    assert matcher.find_in(label) == unit


def test_no_name_no_unit(matcher):
    """Blank, numeric and unknown names match nothing; file names without a unit neither."""
    assert matcher.match("不存在的单位") is None and matcher.match(None) is None and matcher.match(12) is None
    assert matcher.find_in("备案信息汇总+电力学院（终版）.xlsx") == "电力学院"
    assert matcher.find_in("汇总表.xlsx") is None


@pytest.mark.parametrize(
    ("label", "unit"),
    [
        ("华北水利水电大学水利学院团委", "水利学院"),
        ("華北水利水電大學土木與交通學院官方微博", "土木与交通学院"),  # traditional script
        ("华北水利水电大学交通学院", "土木与交通学院"),  # an alias
        ("华北水利水电大学学生工作部(处)", "学生工作部（处）"),
        ("华北水利水电大学", None),  # the school's name holds 水利 (an alias of 水利学院): no unit
        ("华水官方微博", None),  # the school's short name
        ("华北水利水电大学水利学院与电力学院联合会", None),  # two units of one length: refused, not guessed
        ("土木与交通学院交通协会", "土木与交通学院"),  # the longest name wins over the alias 交通学院
        ("信息工程学院", None),
        (None, None),
    ],
)
def test_named_in_account_names(label, unit):
    roster = pd.DataFrame({
        "unit": ["水利学院", "土木与交通学院", "学生工作部（处）", "电力学院"],
        "aliases": ["水院、水利", "土木学院;交通学院", "学工部", "电力"],
    })
    assert UnitMatcher(roster, 88, ("华北水利水电大学", "华水")).named_in(label) == unit
