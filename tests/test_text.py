"""The one text folding: clean (the reader's cell text), line (one-line display text), fold (comparison key).

Expected values are written by hand."""

from __future__ import annotations

import pytest

from netmedia import schema
from netmedia.transform import normalize, text, units


@pytest.mark.parametrize(
    ("cell", "cleaned"),
    [
        ("a_x000D_b", "ab"),  # the spreadsheet's escaped CR, either case
        ("a_x000d_b", "ab"),
        ("a\r\nb\rc", "a\nb\nc"),  # line breaks kept, as LF
        ("\xa0a\xa0b\xa0", "a b"),
        ("a\u200bb\ufeff", "ab"),  # zero-width space and BOM dropped
        (" 张三 \n", "张三"),
        ("\u3000x\u3000", "x"),
        ("a  b", "a  b"),  # inner space runs kept
        ("ＡＢ", "ＡＢ"),  # no NFKC: a reject shows the cell as typed
        ("a\x01b", "a\x01b"),  # nor are control characters dropped
        ("_x000D_", ""),
        ("", ""),
    ],
)
def test_clean(cell, cleaned):
    assert text.clean(cell) == cleaned


@pytest.mark.parametrize(
    ("cell", "one_line"),
    [
        ("华水\n新闻网 ", "华水 新闻网"),
        ("ＡＢ　Ｃ", "AB C"),  # full-width letters and the ideographic space
        ("０３７１－６９１２７０００", "0371-69127000"),
        ("＿ｘ０００Ｄ＿a", "a"),  # the escape typed full-width is an escape after NFKC
        ("SH_x000D_Z002", "SHZ002"),
        ("控制\x01字符\x7f", "控制字符"),
        ("a\tb\x1cc", "a bc"),  # \x1c is a control character (Python also calls it whitespace)
        ("a\u200bb", "ab"),
        ("张  三", "张 三"),
        ("华水🌊新闻", "华水🌊新闻"),
        ("\x02\x03", ""),
        ("  ", ""),
    ],
)
def test_line(cell, one_line):
    assert text.line(cell) == one_line


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("联系电话：", "联系电话"),
        ("聯係電話", "联系电话"),  # traditional script
        ("单位名称*", "单位名称"),
        ("单位名称_x000D_", "单位名称"),
        ("账号 ID", "账号id"),
        ("学生工作部（处）", "学生工作部处"),
        ("學生工作部(處)", "学生工作部处"),
        ("《华水》“青年”", "华水青年"),
        ("A_B.c;d,e", "abcde"),
        ("〔微博〕", "微博"),  # the brackets units type: none has a normal form
        ("「抖音」『快手』", "抖音快手"),  # corner quotes (zhconv would make them “” ‘’)
        ("〈知乎〉〖贴吧〗〘论坛〙", "知乎贴吧论坛"),
        ("﹝B站﹞", "b站"),  # small brackets: NFKC makes them 〔〕
        ("［网址］｛链接｝", "网址链接"),  # full-width square and curly brackets
        ("【平台类型】", "平台类型"),
        ("备注！？", "备注"),
        ("平台/账号名称", "平台/账号名称"),  # a slash is no separator
        ("信息-工程", "信息-工程"),  # nor is a dash
        ("", ""),
    ],
)
def test_fold(label, key):
    assert text.fold(label) == key


def test_fold_for_names_shown_back():
    """Names keep their punctuation and case when asked; whitespace and script are folded all the same."""
    assert text.fold("華水 小助手！", keep_punctuation=True, keep_case=True) == "华水小助手!"
    assert text.fold("NcWu Daily", keep_punctuation=True) == "ncwudaily"
    assert text.fold("NcWu Daily (官方)", keep_punctuation=True, keep_case=True) == "NcWuDaily(官方)"


def test_header_and_unit_keys_are_the_fold():
    assert schema.norm_header("聯係電話：") == "联系电话"
    assert schema.norm_header(None) == ""
    assert schema.norm_header(12) == "12"
    assert units.key(" 學生工作部（處） ") == "学生工作部处"
    assert units.key(None) == ""


# Every match folds its text the same way: a table typed in traditional script, full-width forms or odd brackets
# reads as its simplified twin. Each row: (what is matched, the text as a unit typed it, what it must read as).
TRADITIONAL = [
    ("header platforms", "運行狀態", "status"),
    ("header platforms", "單位名稱", "unit"),
    ("header platforms", "【平台類型】", "platform_type_raw"),
    ("header platforms", "帳號名稱", "platform_name"),
    ("header platforms", "粉絲數", "followers"),
    ("header platforms", "〔最近更新時間〕", "last_updated_on"),
    ("header platforms", "聯係電話：", "operator_phone"),
    ("header personal_accounts", "「姓名」", "holder_name"),
    ("header personal_accounts", "ＵＩＤ", "account_id"),
    ("type", "微信視頻號", "wechat_channels"),
    ("type", "視頻號", "wechat_channels"),
    ("type", "頭條號", "news_app"),
    ("type", "嗶哩嗶哩", "bilibili"),
    ("type", "ＱＱ空間", "qzone"),
    ("type", "「抖音」", "douyin"),
    ("type", "〈微博〉", "weibo"),
    ("type", "微信公眾號", "wechat_official"),
    ("type", "西瓜視頻", "video_other"),
    ("status", "正常運行", "running"),
    ("status", "已註銷", "closed"),
    ("status", "〔停用〕", "stopped"),
    ("role", "教職工", "staff"),
    ("role", "「學生」", "student"),
    ("owner", "水利學院團委", "student_org"),
    ("owner", "學生會", "student_org"),
]


def _read(what: str, typed: str) -> object:
    if what.startswith("header "):
        return schema.match_header(what.split()[1], typed)
    return {"type": normalize.type_category, "status": normalize.status, "role": normalize.holder_role,
            "owner": lambda s: normalize.owner_kind(None, s)}[what](typed)


@pytest.mark.parametrize(("what", "typed", "reads"), TRADITIONAL)
def test_traditional_and_full_width_labels_read_as_simplified(what, typed, reads):
    assert _read(what, typed) == reads


def test_unit_names_fold_brackets_and_script():
    assert units.key("〔學生工作部〕「處」") == "学生工作部处"
    assert units.key("［水利学院］") == "水利学院"
