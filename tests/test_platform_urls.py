"""Platforms known by their URL and account id (issue 13, item 2): netmedia.transform.platform_urls, the category
precedence of records.record_columns() and the R-category columns of derive on addresses that contradict the typed type.

Every expected value below is typed by hand from what the address is, never read from platform_hosts.toml or
categories.toml.
"""

from __future__ import annotations

import pandas as pd
import pytest

from netmedia.config import load_config
from netmedia.transform import platform_urls, records
from netmedia.transform.returns import typed_frame
from netmedia.validate import derive

DOMAINS = ("ncwu.edu.cn",)

# (text in a url or account cell, the category its address names; None = a website or no address)
PLATFORM_OF = [
    ("https://mp.weixin.qq.com/s/3kT9aQ2bXw1vLmN0", "wechat_official"),
    ("http://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA5NzE0MDY2Mg==#wechat_redirect", "wechat_official"),
    ("https://channels.weixin.qq.com/platform/", "wechat_channels"),
    ("https://weibo.com/u/2093491257", "weibo"),
    ("weibo.com/ncwu1951", "weibo"),
    ("https://m.weibo.cn/u/2093491257", "weibo"),
    ("http://weibo.cn/ncwuxb", "weibo"),
    ("https://www.douyin.com/user/MS4wLjABAAAAx1y2z3", "douyin"),
    ("https://v.douyin.com/iRNBqxyz/", "douyin"),
    ("https://www.iesdouyin.com/share/user/9876543", "douyin"),
    ("https://space.bilibili.com/3493118/", "bilibili"),
    ("https://www.bilibili.com/video/BV1xx411c7mD", "bilibili"),
    ("https://b23.tv/aBc12D", "bilibili"),
    ("https://www.kuaishou.com/profile/3xabcdefgh", "kuaishou"),
    ("https://v.kuaishou.com/Jx8Yz", "kuaishou"),
    ("https://www.gifshow.com/user/123", "kuaishou"),
    ("https://www.xiaohongshu.com/user/profile/5f0a1b2c3d4e5f6a7b8c9d0e", "xiaohongshu"),
    ("http://xhslink.com/a/Qw3Er5", "xiaohongshu"),
    ("https://www.zhihu.com/people/ncwu-1951", "zhihu"),
    ("https://www.zhihu.com/org/hua-bei-shui-li-shui-dian-da-xue", "zhihu"),
    ("https://www.toutiao.com/c/user/token/MS4wLjABAAAA/", "news_app"),
    ("https://baijiahao.baidu.com/u?app_id=1600000000000000", "news_app"),
    ("https://author.baidu.com/home?app_id=1600000000000000", "news_app"),
    ("https://tieba.baidu.com/f?kw=华北水利水电大学", "tieba"),
    ("https://www.ixigua.com/home/110011001100", "video_other"),
    ("https://isee.weishi.qq.com/ws/app-pages/wspersonal/index.html?id=1", "video_other"),
    ("https://w.yangshipin.cn/user?cpid=100", "video_other"),
    ("https://haokan.baidu.com/author/1600000000000000", "video_other"),
    ("https://www.huya.com/ncwu", "live_streaming"),
    ("https://www.douyu.com/1234567", "live_streaming"),
    ("https://www.163.com/dy/media/T1500000000000.html", "news_app"),  # 网易号
    ("https://www.163.com/news/article/ABCDEF.html", None),  # 网易新闻's own news page: a website
    ("https://mp.sohu.com/profile?xpt=abc", "news_app"),
    ("https://www.sohu.com/a/512345678_121106", "news_app"),  # a 搜狐号 article
    ("https://www.sohu.com/", None),
    ("https://om.qq.com/article/articleIndex", "news_app"),  # 企鹅号
    ("https://www.thepaper.cn/newsDetail_forward_1234567", "news_app"),  # 澎湃号
    ("https://rmh.pdnews.cn/Pc/ArtInfoApi/article?id=1", "news_app"),  # 人民号
    ("https://www.xuexi.cn/lgpage/detail/index.html?id=1", "news_app"),  # 学习强国号
    ("https://www.qq.com/", None),
    ("https://www.baidu.com/s?wd=华水", None),
    ("https://www.ncwu.edu.cn/", None),
    ("http://sl.ncwu.edu.cn/xwzx/", None),
    ("ｈｔｔｐｓ：／／ｗｅｉｂｏ．ｃｏｍ／ｕ／１２３", "weibo"),  # full-width forms
    ("官方微博：https://weibo.com/u/2093491257（已认证）", "weibo"),  # an address inside text
    ("HTTPS://WEIBO.COM/U/2093491257", "weibo"),
    ("https://fakeweibo.com/u/1", None),  # a host that merely ends in the same letters
    ("https://weibo.com.evil.cn/u/1", None),
    ("ncwu_xw", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), PLATFORM_OF)
def test_platform_of_a_hand_written_table(text, expected):
    rule = platform_urls.host_rule(text)  # the first platform address in the text, None for none
    assert (rule.category if rule else None) == expected


# (account id, the category its shape names)
ID_SHAPES = [
    ("gh_3f2a9c0d7e1b", "wechat_official"),
    ("GH_3F2A9C0D7E1B", "wechat_official"),
    (" gh_3f2a9c0d7e1b ", "wechat_official"),
    ("gh_3f2a9c0d7e1", None),  # 11 hex digits
    ("gh_3f2a9c0d7e1bb", None),  # 13
    ("gh_3f2a9c0d7e1g", None),  # not hex
    ("wx1a2b3c4d5e6f7a8b", "wechat_miniprogram"),
    ("ncwu_xw", None),
    ("2093491257", None),  # a Weibo UID and a QQ number look alike: no shape decides
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), ID_SHAPES)
def test_id_shapes(text, expected):
    assert platform_urls.id_platform(text) == expected


LOOKS_LIKE_URL = [
    ("https://www.ncwu.edu.cn/", True),
    ("http://202.196.64.10/index.html", True),
    ("www.ncwu.edu.cn", True),
    ("ncwu.edu.cn", True),
    ("sl.ncwu.edu.cn/xwzx/", True),
    ("weibo.com/u/2093491257", True),
    ("mp.weixin.qq.com/s/3kT9aQ2bXw1vLmN0", True),
    ("ｗｗｗ．ｎｃｗｕ．ｅｄｕ．ｃｎ", True),
    ("ncwu.xw", False),  # a 抖音号 with a dot
    ("ncwu_xw", False),
    ("gh_3f2a9c0d7e1b", False),
    ("1.5万", False),
    ("3.0", False),
    ("admin@ncwu.edu.cn", False),
    ("华水官微", False),
    ("见附件 www.ncwu.edu.cn", False),  # text around an address: not an address cell
    ("无", False),
    ("", False),
    (None, False),
]


@pytest.mark.parametrize(("text", "expected"), LOOKS_LIKE_URL)
def test_looks_like_url(text, expected):
    assert platform_urls.looks_like_url(text) is expected


# ------------------------------------------------------------------ records.record_columns() and R-category
# (typed type, url cell, account cell, hint) ->
#     (category, class, category_source, url kept, account_id kept, flagged by R-category)
RECORDS = [
    # the typed type decides
    ("微博", "https://weibo.com/u/2093491257", None, "附件2", ("weibo", 3, "type", "https://weibo.com/u/2093491257", None, False)),
    ("微信公众号", None, "gh_3f2a9c0d7e1b", "附件2", ("wechat_official", 3, "type", None, "gh_3f2a9c0d7e1b", False)),
    # a URL in the account column moves to url: an external website typed 网站 is class 2
    ("网站", None, "http://www.hnsl.com.cn/news/", "附件2", ("website_external", 2, "type", "http://www.hnsl.com.cn/news/", None, False)),
    ("网站", None, "sl.ncwu.edu.cn", "附件2", ("website_campus", 1, "type", "sl.ncwu.edu.cn", None, False)),
    ("网站", None, None, "附件2", ("website_campus", 1, "type", None, None, False)),  # no host: campus
    # a URL in the account column with a url cell already filled: both kept as typed
    ("抖音", "https://www.douyin.com/user/MS4wLjAB", "https://v.douyin.com/iRNBqxyz/", "附件2",
     ("douyin", 6, "type", "https://www.douyin.com/user/MS4wLjAB", "https://v.douyin.com/iRNBqxyz/", False)),
    # typed class and host disagree: the typed category stays, R-category flags it
    # a website's class is its host's (issue 13), whatever the typed wording; the contradiction is flagged
    ("校外网站", "http://sl.ncwu.edu.cn/", None, "附件2", ("website_external", 1, "type", "http://sl.ncwu.edu.cn/", None, True)),
    ("校内网站", "https://www.henan.gov.cn/", None, "附件2", ("website_campus", 2, "type", "https://www.henan.gov.cn/", None, True)),
    # typed platform and URL disagree
    ("微博", "https://v.douyin.com/iRNBqxyz/", None, "附件2", ("weibo", 3, "type", "https://v.douyin.com/iRNBqxyz/", None, True)),
    ("微信公众号", "https://space.bilibili.com/3493118", None, "附件2",
     ("wechat_official", 3, "type", "https://space.bilibili.com/3493118", None, True)),
    ("快手", None, "https://weibo.com/ncwu1951", "附件2", ("kuaishou", 6, "type", "https://weibo.com/ncwu1951", None, True)),
    ("网站", "https://weibo.com/ncwu1951", None, "附件2", ("website_external", 2, "type", "https://weibo.com/ncwu1951", None, True)),
    ("微博", None, "gh_3f2a9c0d7e1b", "附件2", ("weibo", 3, "type", None, "gh_3f2a9c0d7e1b", True)),
    # a live room on a video platform filed as 网络直播 is no contradiction, nor as the platform itself
    ("网络直播", "https://live.bilibili.com/21452505", None, "附件2",
     ("live_streaming", 7, "type", "https://live.bilibili.com/21452505", None, False)),
    ("B站", "https://live.bilibili.com/21452505", None, "附件2", ("bilibili", 6, "type", "https://live.bilibili.com/21452505", None, False)),
    # no typed type: the address decides, and the row says so
    (None, "https://weibo.com/u/2093491257", None, "附件2", ("weibo", 3, "url", "https://weibo.com/u/2093491257", None, False)),
    (None, None, "gh_3f2a9c0d7e1b", "附件2", ("wechat_official", 3, "account_id", None, "gh_3f2a9c0d7e1b", False)),
    (None, None, "https://www.xiaohongshu.com/user/profile/5f0a1b", "附件2",
     ("xiaohongshu", 3, "url", "https://www.xiaohongshu.com/user/profile/5f0a1b", None, False)),
    (None, "https://www.163.com/dy/media/T1500000000000.html", None, "附件2",
     ("news_app", 5, "url", "https://www.163.com/dy/media/T1500000000000.html", None, False)),
    (None, "http://www.sl.ncwu.edu.cn/", None, "附件2", ("website_campus", 1, "url", "http://www.sl.ncwu.edu.cn/", None, False)),
    (None, "https://www.163.com/news/article/ABC.html", None, "附件2",
     ("website_external", 2, "url", "https://www.163.com/news/article/ABC.html", None, False)),
    ("飞书", "https://tieba.baidu.com/f?kw=华水", None, "附件2", ("tieba", 4, "url", "https://tieba.baidu.com/f?kw=华水", None, False)),
    # the address beats the hint; the hint beats nothing
    (None, "https://www.toutiao.com/c/user/token/MS4/", None, "微博", ("news_app", 5, "url", "https://www.toutiao.com/c/user/token/MS4/", None, False)),
    (None, None, "2093491257", "微博", ("weibo", 3, "hint", None, "2093491257", False)),
    (None, None, "ncwu_xw", "单位 微信号", ("wechat_official", 3, "hint", None, "ncwu_xw", False)),
    (None, None, "ncwu.xw", "附件2", ("other", 3, "none", None, "ncwu.xw", False)),
    (None, None, "无", "附件2", ("other", 3, "none", None, "无", False)),
]


def _record(table, type_raw, url, acc, hint):
    """The clean record of a one-row sheet of the 水利学院 (records.record_columns, the ingest's own maker)."""
    raw = {"platform_type_raw": [type_raw], "platform_name": ["华水新闻"], "url": [url], "account_id": [acc]}
    columns = records.record_columns(table, raw, ["水利学院"], [None], [hint], DOMAINS)
    return {c: values[0] for c, values in columns.items()}


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.fixture(scope="module")
def derived_platforms(config):
    recs = [_record("platforms", t, u, a, h) for t, u, a, h, _ in RECORDS]
    return recs, derive.derive_platforms(typed_frame("platforms", recs), None, None, config)


@pytest.mark.parametrize("i", range(len(RECORDS)))
def test_record_category_precedence(i, derived_platforms):
    recs, _d = derived_platforms
    category, klass, source, url, acc, _flagged = RECORDS[i][4]
    rec = recs[i]
    assert (rec["category"], rec["platform_class"], rec["category_source"]) == (category, klass, source), RECORDS[i]
    assert (rec["url"], rec["account_id"]) == (url, acc), RECORDS[i]


@pytest.mark.parametrize("i", range(len(RECORDS)))
def test_r_category_flags_addresses_that_contradict_the_typed_type(i, derived_platforms):
    _recs, d = derived_platforms
    row = d.iloc[i]
    checks = [row["category_class_ok"], row["url_class_consistent"], row["url_platform_consistent"]]
    flagged = any(v is not pd.NA and not pd.isna(v) and not bool(v) for v in checks)
    assert flagged is RECORDS[i][4][5], RECORDS[i]


def test_personal_account_with_a_contradicting_url_is_flagged(config):
    rows = [
        ("微博", "https://www.xiaohongshu.com/user/profile/5f0a1b", None, True),
        ("小红书", "https://www.xiaohongshu.com/user/profile/5f0a1b", None, False),
        (None, None, "https://www.zhihu.com/people/ncwu-1951", False),
    ]
    recs = [_record("personal_accounts", t, u, a, "附件3") for t, u, a, _ in rows]
    assert [(r["category"], r["category_source"]) for r in recs] == [("weibo", "type"), ("xiaohongshu", "type"),
                                                                      ("zhihu", "url")]
    d = derive.derive_personal_accounts(typed_frame("personal_accounts", recs), None, config)
    assert d["url_platform_consistent"].tolist() == [False, True, True]
    assert d["url_category_zh"].tolist()[0] == "小红书"


def test_the_detail_names_the_url_and_both_categories(config):
    """R-category's sentence for a typed 微博 with a douyin URL, through the run's own checks."""
    from netmedia.validate import checks

    rec = _record("platforms", "微博", "https://v.douyin.com/iRNBqxyz/", None, "附件2")
    rec.update(source_file="a.xlsx", source_sheet="附件2", source_row=5)
    result = checks.run_checks({"platforms": typed_frame("platforms", [rec])}, config)
    f = result.findings
    detail = f.loc[f["rule"] == "R-category", "detail"].tolist()
    assert len(detail) == 1
    assert "https://v.douyin.com/iRNBqxyz/" in detail[0] and "抖音" in detail[0] and "微博" in detail[0]


def test_every_host_category_is_a_category_code():
    """Codes named in platform_hosts.toml exist in categories.toml."""
    import tomllib

    from netmedia import paths, schema

    data = tomllib.loads((paths.PACKAGE_DATA / "platform_hosts.toml").read_text(encoding="utf-8"))
    named = {e["category"] for e in data["host"] + data["id"]} | {c for e in data["host"] for c in e.get("also", ())}
    assert named - set(schema.category_codes()) == set()
