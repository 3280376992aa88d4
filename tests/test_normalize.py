"""The normalisers on the messy forms units really type."""

import datetime as dt

import pandas as pd
import pytest

from netmedia import schema
from netmedia.transform import normalize as n

D = dt.date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.datetime(2023, 3, 1, 14, 5), D(2023, 3, 1)),
        (D(2023, 3, 1), D(2023, 3, 1)),
        (44986, D(2023, 3, 1)),  # Excel serial typed as a number
        (44986.0, D(2023, 3, 1)),
        ("44986", D(2023, 3, 1)),
        ("2023.3.1", D(2023, 3, 1)),
        ("2023年3月1日", D(2023, 3, 1)),
        ("2023 年 3 月 1 日", D(2023, 3, 1)),
        ("2023/3", D(2023, 3, 1)),  # month precision: the first of the month
        ("2023年3月", D(2023, 3, 1)),
        ("23-3-1", D(2023, 3, 1)),
        ("2023-03-01 10:20", D(2023, 3, 1)),
        ("20230301", D(2023, 3, 1)),
        ("２０２３．３．１", D(2023, 3, 1)),  # full-width digits
        ("至今", None),
        ("不定期", None),
        ("2023-02-30", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_date(raw, expected):
    assert n.date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.2万", 12000), ("3,000", 3000), ("3，000", 3000), ("约500", 500), ("10万+", 100000), ("1.5w", 15000),
     (1200.0, 1200), (800, 800), ("无", None), ("", None), (None, None),
     # typing accidents beyond any audience are no count (and never overflow the Int64 column)
     (1e20, None), (2**63, None), (-(10**16), None), ("1" * 400, None), ("9" * 400 + "万", None),
     (float("inf"), None), (float("-inf"), None), (10**15, 10**15), (-3, -3)],
)
def test_count(raw, expected):
    assert n.count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+86 138-0000-0360", "13800000360"),
        ("138 0000 0360", "13800000360"),
        ("8613800000360", "13800000360"),
        (13800000360.0, "13800000360"),
        (13800000360, "13800000360"),
        ("0371-69127000", "0371-69127000"),
        ("037169127000", "0371-69127000"),
        ("(010)12345678", "010-12345678"),
        ("+86 371 6912 7000", "0371-69127000"),
        ("0371-6912700", "0371-6912700"),  # a landline's form even with a digit missing (the rule flags it)
        ("1380000", "1380000"),
        ("138000O0360", "138000O0360"),  # letter O typed for zero
        ("12800000360", "12800000360"),  # no mobile starts 12
        ("6912 7000", "69127000"),  # no area code: the text without spaces
        ("13800000360 / 13900000000", "13800000360/13900000000"),
        ("  ", None),
        (None, None),
    ],
)
def test_phone(raw, expected):
    assert n.phone(raw) == expected


def test_person_and_text():
    assert n.person("张  三") == "张三"
    assert n.person(" 李\u3000四 ") == "李四"
    assert n.person("John  Smith") == "John Smith"
    assert n.text("华水\n新闻网 ") == "华水 新闻网"
    assert n.text(4165014941.0) == "4165014941"  # codes typed as numbers keep their digits
    assert n.account_id(1234567890123.0) == "1234567890123"
    assert n.text("SH_x000D_Z002") == "SHZ002"


@pytest.mark.parametrize(
    ("typed", "url", "code"),
    [
        ("公众号", None, "wechat_official"),
        ("微信订阅号", None, "wechat_official"),
        ("微信视频号", None, "wechat_channels"),
        ("微信小程序", None, "wechat_miniprogram"),
        ("官微", None, "weibo"),
        ("新浪微博", None, "weibo"),
        ("B站", None, "bilibili"),
        ("哔哩哔哩", None, "bilibili"),
        ("抖音号", None, "douyin"),
        ("快手", None, "kuaishou"),
        ("QQ空间", None, "qzone"),
        ("百度贴吧", None, "tieba"),
        ("今日头条", None, "news_app"),
        ("新华云直播", None, "live_streaming"),
        ("学院网站", None, "website_campus"),
        ("网站", "http://slxy.ncwu.edu.cn/", "website_campus"),
        ("门户网站", "www.example.com", "website_external"),
        ("校外网站", "http://x.ncwu.edu.cn", "website_external"),  # the typed class wins; the rule flags the URL
        ("某某平台", None, "other"),
    ],
)
def test_category(typed, url, code):
    from netmedia.transform.records import platform_category

    assert platform_category(typed, url, None, None, ("ncwu.edu.cn",))[0] == code


# Platform types named in university and 政务新媒体 notices, and the pairs where one word holds another: the longest
# word contained decides (written by hand: what a reader of the notice files each one under).
@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("大鱼号", "news_app"), ("一点号", "news_app"), ("网易号", "news_app"), ("企鹅号", "news_app"),
        ("百家号", "news_app"), ("搜狐号", "news_app"), ("澎湃号", "news_app"), ("学习强国号", "news_app"),
        ("凤凰号", "news_app"), ("大风号", "news_app"), ("趣头条", "news_app"), ("企鹅媒体平台", "news_app"),
        ("APP移动客户端", "news_app"),
        ("西瓜视频", "video_other"), ("微视", "video_other"), ("央视频", "video_other"), ("好看视频", "video_other"),
        ("火山小视频", "video_other"),
        ("QQ频道", "qq_channel"), ("ＱＱ頻道", "qq_channel"),
        ("支付宝小程序", "miniprogram"), ("百度智能小程序", "miniprogram"), ("QQ小程序", "miniprogram"),
        ("抖音短视频", "douyin"), ("抖音火山版", "douyin"), ("快手极速版", "kuaishou"), ("快手短视频", "kuaishou"),
        ("微信短视频", "wechat_channels"),
        ("网络直播", "live_streaming"),
        # ambiguous pairs: the longer word wins
        ("抖音小程序", "miniprogram"), ("抖音", "douyin"),
        ("微信小程序", "wechat_miniprogram"), ("小程序", "wechat_miniprogram"), ("微信", "wechat_official"),
        ("快手小程序", "miniprogram"), ("快手", "kuaishou"),
        ("头条小程序", "miniprogram"), ("头条", "news_app"), ("头条号", "news_app"),
        ("微博客", "weibo"), ("微博", "weibo"),
        ("西瓜视频号", "video_other"), ("视频号", "wechat_channels"),
        ("微信视频号", "wechat_channels"),
        ("小红书小程序", "miniprogram"), ("小红书", "xiaohongshu"),
        ("QQ空间", "qzone"), ("QQ频道", "qq_channel"),
        ("微博主页", "weibo"),  # a 2-character platform beats the 2-character 主页 (an ambiguous website)
        ("B站直播", "bilibili"),
        # words for any app name a mobile client only when no platform is named (抖音APP was news_app)
        ("抖音APP", "douyin"), ("快手app", "kuaishou"), ("微博客户端", "weibo"), ("B站APP", "bilibili"),
        ("小红书 APP", "xiaohongshu"), ("学校APP", "news_app"), ("新华社客户端", "news_app"), ("移动应用", "news_app"),
    ],
)
def test_notice_platform_words(typed, code):
    assert n.type_category(typed) == code


def test_new_codes_have_their_class():
    """Classes of the notice (1 campus site ... 7 live streaming), written by hand for the new codes."""
    assert {c: schema.class_of(c) for c in ("miniprogram", "qq_channel", "video_other")} == {
        "miniprogram": 3, "qq_channel": 3, "video_other": 6}
    assert {"miniprogram", "qq_channel", "video_other"} <= set(schema.category_codes())


@pytest.fixture
def analyst_words():
    """Install the analyst's words for one test, and none after it."""
    yield schema.use_vocabulary
    schema.use_vocabulary(None)


def test_analyst_words_reach_types_statuses_roles_and_headers(analyst_words):
    before = (n.type_category("青柠号"), n.status("活跃中"), n.holder_role("专任"),
              schema.match_header("personal_accounts", "开在哪里"))
    assert before == ("other", "unknown", None, None)
    analyst_words(schema.Vocabulary(
        headers=(("personal_accounts", "platform_type_raw", ("开在哪里",)),),
        platform_types=(("news_app", ("青柠号",)), ("douyin", ("短视频",))),
        status=(("running", ("活跃",)),),
        holder_role=(("staff", ("专任",)),),
    ))
    assert n.type_category("青柠號") == "news_app"  # folded like every word: traditional 號
    assert n.type_category("抖音短视频") == "douyin"
    assert n.type_category("短视频") == "douyin"
    assert n.status("活跃中") == "running"
    assert n.holder_role("专任") == "staff"
    assert schema.match_header("personal_accounts", "开在哪里") == "platform_type_raw"
    assert schema.match_header("platforms", "开在哪里") is None  # the words are per table
    analyst_words(None)
    assert (n.type_category("青柠号"), n.status("活跃中"), n.holder_role("专任"),
            schema.match_header("personal_accounts", "开在哪里")) == before


def test_analyst_header_label_wins_over_a_package_synonym(analyst_words):
    """负责人 is the package's operator on Annex 2; a school whose 负责人 is the supervisor says so."""
    assert schema.match_header("platforms", "负责人") == "operator"
    analyst_words(schema.Vocabulary(headers=(("platforms", "supervisor", ("负责人",)),)))
    assert schema.match_header("platforms", "负责人") == "supervisor"


def test_url_host_and_domain():
    assert n.url_host("HTTPS://WWW.NCWU.EDU.CN/a?b") == "www.ncwu.edu.cn"
    assert n.url_host("slxy.ncwu.edu.cn/index.htm") == "slxy.ncwu.edu.cn"
    assert n.url_host("无") is None
    assert n.on_domains("news.ncwu.edu.cn", ("ncwu.edu.cn",))
    assert not n.on_domains("ncwu.edu.cn.evil.com", ("ncwu.edu.cn",))
    assert not n.on_domains("xncwu.edu.cn", ("ncwu.edu.cn",))


def test_status_role_owner():
    assert n.status("正常运行") == "running"
    assert n.status("已停用") == "stopped"
    assert n.status("不再使用") == "stopped"
    assert n.status("已注销") == "closed"
    assert n.status("") == "unknown"
    assert n.holder_role("教职工") == "staff"
    assert n.holder_role("研究生") == "student"
    assert n.holder_role(None) is None
    assert n.owner_kind(None, "水利学院团委") == "student_org"
    assert n.owner_kind(None, "学生工作部") == "unit"  # 学生 alone is not a student organisation
    assert n.owner_kind("学生组织", "华水青年") == "student_org"
    assert n.owner_kind(None, "华水之声", "学生组织") == "student_org"
    assert n.owner_kind(None, "华水之声", "學生組織") == "student_org"  # the roster's kind folded too
    assert n.owner_kind("〔校團委〕", "华水青年") == "student_org"


def test_form_date():
    assert n.form_date("填表日期：2023年4月20日") == D(2023, 4, 20)
    assert n.form_date("填报单位（盖章）：水利学院    填表日期: 2023.4.26") == D(2023, 4, 26)
    assert n.form_date("附件2") is None


def test_control_characters_dropped_emoji_kept():
    assert n.text("控制\x01字符\x7f") == "控制字符"
    assert n.text("华水🌊新闻") == "华水🌊新闻"
    assert n.text("\x02\x03") is None


@pytest.mark.parametrize(
    ("cell", "blank"),
    [(None, True), ("", True), (" \u3000\n", True), ("_x000D_", True), ("\u200b", True), (float("nan"), True),
     (pd.NA, True), (pd.NaT, True), ("\x01", False), ("0", False), (0, False), (False, False), (D(2023, 3, 1), False)],
)
def test_is_blank(cell, blank):
    """Blank is no value or only whitespace and escapes; a control character alone was still typed."""
    assert n.is_blank(cell) is blank


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(True, "是"), (False, "否"), (4165014941.0, "4165014941"), (1.5, "1.5"), (dt.datetime(2023, 3, 1, 8, 30), "2023-03-01 08:30"),
     (dt.datetime(2023, 3, 1), "2023-03-01"), (D(2023, 3, 1), "2023-03-01"), ("ＡＢ　Ｃ", "AB C"), ("a\u200bb", "ab"),
     ("\x01", None), (float("nan"), None)],
)
def test_text_of_each_cell_type(cell, expected):
    assert n.text(cell) == expected


def test_form_date_keywords_need_qi_or_jian():
    """``form_date`` skips lines without 期 or 间: no other code point has either in its NFKC form."""
    import sys
    import unicodedata

    odd = [c for c in range(sys.maxunicode + 1)
           if (f := unicodedata.normalize("NFKC", chr(c))) != chr(c) and ("期" in f or "间" in f)]
    assert odd == []
    assert n.form_date("填报时间：2023.4.26") == D(2023, 4, 26) and n.form_date("填表人：张三") is None
    assert n.form_date("") is None and n.form_date(None) is None
