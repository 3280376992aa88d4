"""Fixed vocabularies of the synthetic season: units, invented names, platform-type wording, and the
small text checks (category matching, homophones, school/unit names) the generator uses to prove each
row is clean or violates exactly the rule it was planted for."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache
from pathlib import Path

from pypinyin import lazy_pinyin

from netmedia import schema


@cache
def demo_data() -> dict:
    """The demo season's units and planted violations (``demo.toml`` beside this module)."""
    return tomllib.loads((Path(__file__).with_name("demo.toml")).read_text(encoding="utf-8"))


# (name, kind, aliases): realistic units first, interleaved so small seasons still mix kinds (demo.toml).
REAL_UNITS: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (name, kind, tuple(aliases)) for name, kind, aliases in demo_data()["units"]
)

HEAD_TITLES = {
    "学院": ("党委书记", "院长", "副院长"),
    "职能部门": ("党支部书记", "处长", "副处长"),
    "直附属单位": ("党总支书记", "主任", "副主任"),
    "学生组织": ("书记", "主席", "副主席"),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲建国红云飞凤梅琳波斌宇浩凯健俊帆帅旭宁龙"
    "林欣晨瑶璐婷雪慧颖琪佳思雨晴轩博文昊然泽睿哲晗怡梓萱诗涵逸鑫航宏亮志远嘉欢佩珊悦彤楠蕾倩丹阳光晶鸿"
)

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numeral for 1 <= n < 100000 (十一, 一百零五, 二千三百)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    units = ("", "十", "百", "千", "万")
    digits = [int(d) for d in str(n)]
    out, zero = "", False
    for i, d in enumerate(digits):
        pos = len(digits) - 1 - i
        if d == 0:
            zero = True
            continue
        if zero and out:
            out += "零"
        zero = False
        out += CN_DIGITS[d] + units[pos]
    return out


def synthetic_unit(i: int) -> tuple[str, str, tuple[str, ...]]:
    """The i-th unit beyond the realistic list: 第N分院 (no aliases, so no ambiguity at scale)."""
    return (f"第{cn_number(i)}分院", "学院", ())


# ---- platform types -------------------------------------------------------------------------------

# Free-text platform types units type for each category (every one maps back via categories.toml).
TYPE_TEXTS: dict[str, tuple[str, ...]] = {
    "website_campus": ("校内网站", "学院网站", "部门网站", "二级网站", "门户网站", "网站", "专题网站"),
    "website_external": ("校外网站", "校外域名网站", "门户网站", "网站"),
    "weibo": ("微博", "新浪微博", "官方微博", "官微"),
    "wechat_official": ("微信公众号", "公众号", "微信订阅号", "订阅号", "服务号", "新媒体（微信公众号）"),
    "wechat_channels": ("视频号", "微信视频号"),
    "wechat_miniprogram": ("小程序", "微信小程序"),
    "qzone": ("QQ空间",),
    "zhihu": ("知乎", "知乎号"),
    "xiaohongshu": ("小红书",),
    "tieba": ("百度贴吧", "贴吧"),
    "news_app": ("今日头条", "头条号", "人民号", "新华号", "百家号"),
    "bilibili": ("哔哩哔哩", "B站", "bilibili"),
    "douyin": ("抖音", "抖音号"),
    "kuaishou": ("快手", "快手号"),
    "live_streaming": ("新华云", "斗鱼", "直播平台"),
}
# Explicit website wording (no URL needed to decide the class): used for R-category plants.
EXPLICIT_SITE = {"website_campus": ("校内网站", "学院网站"), "website_external": ("校外网站", "校外域名网站")}

PLATFORM_MIX = (
    ("website_campus", 20), ("website_external", 5), ("wechat_official", 25), ("weibo", 10), ("douyin", 8),
    ("bilibili", 6), ("wechat_channels", 6), ("wechat_miniprogram", 3), ("qzone", 3), ("zhihu", 2),
    ("xiaohongshu", 3), ("tieba", 2), ("news_app", 3), ("kuaishou", 2), ("live_streaming", 2),
)
PERSONAL_MIX = (
    ("douyin", 25), ("bilibili", 20), ("weibo", 15), ("xiaohongshu", 12), ("zhihu", 8), ("wechat_official", 8),
    ("kuaishou", 6), ("wechat_channels", 6),
)

PLATFORM_GROUPS = (  # sheet-per-class and section-row groupings of Annex 2
    ("网站", "网站类", (1, 2)),
    ("新媒体", "新媒体类", (3,)),
    ("视频", "视频类", (6,)),
    ("其他平台", "论坛、客户端及直播类", (4, 5, 7)),
)


def norm_text(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).lower()


@cache
def _category_synonyms() -> tuple[tuple[str, str], ...]:
    out = []
    for c in schema.categories():
        for s in (c.zh, *c.synonyms):
            out.append((norm_text(s), c.code))
    return tuple(sorted(out, key=lambda t: -len(t[0])))


def category_of_text(text: str) -> str | None:
    """Longest synonym contained in the normalised text (as netmedia.transform.normalize does); 'website' = ambiguous."""
    t = norm_text(text)
    for s, code in _category_synonyms():
        if s and s in t:
            return code
    return None


def site_category(type_text: str, url: str | None, domains: tuple[str, ...]) -> str | None:
    code = category_of_text(type_text)
    if code == "website":
        return ("website_campus" if url and on_domain(url, domains) else "website_external") if url else None
    return code


def url_host(url: str) -> str:
    u = re.sub(r"^[a-z]+://", "", url.strip().lower())
    return u.split("/", 1)[0].split(":", 1)[0]


def on_domain(url: str, domains: tuple[str, ...]) -> bool:
    h = url_host(url)
    return any(h == d or h.endswith("." + d) for d in domains)


# ---- names in personal-account titles -------------------------------------------------------------

TRAD = str.maketrans({"華": "华", "電": "电", "學": "学", "處": "处", "與": "与", "術": "术", "館": "馆"})


@cache
def _py(ch: str) -> str:
    return lazy_pinyin(ch)[0].lower() if "\u4e00" <= ch <= "\u9fff" else ch.lower()


class NameIndex:
    """School and unit names for the R-naming / R-scope decisions of the generator."""

    def __init__(self, school_zh: tuple[str, ...], school_en: tuple[str, ...], unit_names: list[str]):
        self.zh = tuple(dict.fromkeys(unicodedata.normalize("NFKC", n) for n in (*school_zh, *unit_names) if n))
        self.en = tuple(n.lower() for n in school_en if n)
        self._by_py: dict[tuple[str, ...], list[str]] = {}
        for n in self.zh:
            for key in self._keys(n):
                self._by_py.setdefault(key, []).append(n)
        self._lens = sorted({len(n) for n in self.zh})
        self._zh_set = frozenset(self.zh)

    @staticmethod
    def _keys(s: str) -> list[tuple[str, ...]]:
        a = tuple(_py(ch) for ch in s)
        b = tuple(p.lower() for p in lazy_pinyin(s))
        return [a] if a == b or len(b) != len(s) else [a, b]

    def homophones(self, text: str) -> list[tuple[str, str]]:
        """(substring, name) pairs: same toneless pinyin, different characters (traditional script folded)."""
        t = unicodedata.normalize("NFKC", text).translate(TRAD)
        per_char = [_py(ch) for ch in t]
        phrase = [p.lower() for p in lazy_pinyin(t)]
        seqs = [per_char] + ([phrase] if len(phrase) == len(t) and phrase != per_char else [])
        out = []
        for n in self._lens:
            for i in range(len(t) - n + 1):
                sub = t[i : i + n]
                for seq in seqs:
                    for name in self._by_py.get(tuple(seq[i : i + n]), ()):
                        if name != sub and (sub, name) not in out:
                            out.append((sub, name))
        return out

    def carries_name(self, text: str) -> bool:
        t = unicodedata.normalize("NFKC", text).translate(TRAD)
        low = t.lower()
        if any(e in low for e in self.en):
            return True
        # substrings looked up by length (a scan of every name was slow with thousands of units)
        return any(t[i : i + n] in self._zh_set for n in self._lens for i in range(len(t) - n + 1))


def has_keyword(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)
