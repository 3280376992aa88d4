"""Fixed vocabularies of the synthetic season: units, invented names, platform-type wording, header labels
(including the labels units rename columns to), the category -> class table, and the small text checks
(homophones, school/unit names) the generator uses to prove each row is clean or violates exactly the rule
it was planted for.

All of it is the generator's own: nothing here asks netmedia's schema, normalisers or category vocabulary how a
label or a type is read, so the generator can write what the ingest does not know yet."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache
from pathlib import Path

from pypinyin import lazy_pinyin


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
# The generator's own vocabulary, written from the notice's seven classes and the platforms university notices
# name. It never asks netmedia how it reads a text: a row's category is chosen first, its type text drawn from
# this table, and the truth is the category chosen. Some texts are ones units really type that an ingest may not
# know yet (traditional script, news-app and video platforms, other apps' mini-programs): the drift the ingest has
# to meet.

# code -> the notice's class (1 campus website ... 7 live streaming); the truth's platform_class.
CLASS_OF: dict[str, int] = {
    "website_campus": 1, "website_external": 2, "weibo": 3, "wechat_official": 3, "wechat_channels": 3,
    "wechat_miniprogram": 3, "miniprogram": 3, "qq_channel": 3, "qzone": 3, "zhihu": 3, "xiaohongshu": 3,
    "tieba": 4, "news_app": 5, "bilibili": 6, "douyin": 6, "kuaishou": 6, "video_other": 6, "live_streaming": 7,
}

# Free-text platform types units type for each category; the first is the official template's wording (used by
# the clean, official-layout season). A plain 网站/门户网站 is a website placed by its URL's host.
TYPE_TEXTS: dict[str, tuple[str, ...]] = {
    "website_campus": ("校内网站", "学院网站", "部门网站", "二级网站", "门户网站", "网站", "专题网站"),
    "website_external": ("校外网站", "校外域名网站", "门户网站", "网站"),
    "weibo": ("微博", "新浪微博", "官方微博", "官微"),
    "wechat_official": ("微信公众号", "公众号", "微信订阅号", "订阅号", "服务号", "新媒体（微信公众号）", "微信公眾號"),
    "wechat_channels": ("微信视频号", "视频号", "微信視頻號", "視頻號"),
    "wechat_miniprogram": ("微信小程序", "小程序"),
    "miniprogram": ("支付宝小程序", "抖音小程序", "百度小程序", "QQ小程序"),
    "qq_channel": ("QQ频道",),
    "qzone": ("QQ空间",),
    "zhihu": ("知乎", "知乎号"),
    "xiaohongshu": ("小红书",),
    "tieba": ("百度贴吧", "贴吧"),
    "news_app": ("今日头条", "头条号", "人民号", "新华号", "百家号", "网易号", "大鱼号", "企鹅号", "一点号", "澎湃号",
                 "搜狐号", "学习强国号", "頭條號"),
    "bilibili": ("哔哩哔哩", "B站", "bilibili", "嗶哩嗶哩"),
    "douyin": ("抖音", "抖音号", "抖音短视频"),
    "kuaishou": ("快手", "快手号", "快手极速版"),
    "video_other": ("西瓜视频", "央视频", "微视", "好看视频"),
    "live_streaming": ("新华云", "斗鱼", "直播平台"),
}
# Explicit website wording (no URL needed to decide the class): used for R-category plants.
EXPLICIT_SITE = {"website_campus": ("校内网站", "学院网站"), "website_external": ("校外网站", "校外域名网站")}

PLATFORM_MIX = (
    ("website_campus", 20), ("website_external", 5), ("wechat_official", 25), ("weibo", 10), ("douyin", 8),
    ("bilibili", 6), ("wechat_channels", 6), ("wechat_miniprogram", 3), ("qzone", 3), ("zhihu", 2),
    ("xiaohongshu", 3), ("tieba", 2), ("news_app", 3), ("kuaishou", 2), ("live_streaming", 2), ("video_other", 2),
    ("miniprogram", 1), ("qq_channel", 1),
)
PERSONAL_MIX = (
    ("douyin", 25), ("bilibili", 20), ("weibo", 15), ("xiaohongshu", 12), ("zhihu", 8), ("wechat_official", 8),
    ("kuaishou", 6), ("wechat_channels", 6), ("video_other", 2),
)

PLATFORM_GROUPS = (  # sheet-per-class and section-row groupings of Annex 2
    ("网站", "网站类", (1, 2)),
    ("新媒体", "新媒体类", (3,)),
    ("视频", "视频类", (6,)),
    ("其他平台", "论坛、客户端及直播类", (4, 5, 7)),
)

# Owner kind of an Annex 2 row (the notice's scope 2): a student organisation when the unit is one, or when the
# platform's name carries one of these words (not 学生: 学生工作部 is a unit).
STUDENT_ORG_KINDS = ("学生组织",)
STUDENT_ORG_WORDS = ("团委", "团总支", "学生会", "研究生会", "社团", "协会", "社联", "青协", "班级", "年级", "学生组织",
                     "学生党支部")


def platform_class(category: str, url: str | None, domains: tuple[str, ...]) -> int:
    """The notice's class of a row: the category's, except that a website's class is its URL host's (1 under the
    school's domains, else 2), also when the typed wording says otherwise (an R-category row)."""
    if category.startswith("website") and url:
        return 1 if on_domain(url, domains) else 2
    return CLASS_OF[category]


# ---- header labels --------------------------------------------------------------------------------
# The labels a return's header may carry for each column, official label first, then the synonyms templates use.
# DRIFT_LABELS: what a unit that renames its columns writes instead; an analyst reads each at a glance, but an
# ingest that only knows a fixed list of labels may not.
HEADER_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "platforms": {
        "unit": ("单位名称", "单位", "所属单位", "填报单位", "部门", "所在单位", "部门单位", "部门/单位", "主办单位",
                 "责任单位"),
        "owner_kind": ("主体类型", "运营主体", "开办主体", "注册主体", "主体", "账号主体"),
        "platform_type_raw": ("平台类型", "类型", "平台类别", "类别", "媒体类型", "账号类型", "网络媒体类型", "平台性质"),
        "platform_name": ("平台名称", "账号名称", "名称", "网站名称", "平台账号名称", "网络媒体平台名称", "媒体名称",
                          "平台(账号)名称", "平台/账号名称"),
        "account_id": ("账号ID", "账号", "ID", "账号id", "微信号", "账号号码", "平台账号", "UID", "注册账号"),
        "url": ("网址/链接", "网址", "链接", "URL", "域名", "网址链接", "主页链接", "访问地址", "网站地址"),
        "supervisor": ("主管领导", "分管领导", "主管领导姓名", "负责领导"),
        "supervisor_title": ("主管领导职务", "职务", "领导职务"),
        "operator": ("运营管理负责人", "运营负责人", "管理员", "运维负责人", "负责人", "运营管理人", "管理负责人",
                     "账号管理员", "运营者"),
        "operator_phone": ("联系电话", "手机", "联系方式", "电话", "手机号", "手机号码", "负责人电话", "运营负责人电话"),
        "opened_on": ("开通时间", "注册时间", "开通日期", "创建时间", "上线时间", "建站时间"),
        "last_updated_on": ("最近更新时间", "最后更新时间", "最新更新时间", "更新时间", "最近更新日期", "最后更新日期",
                            "最近一次更新"),
        "followers": ("粉丝数", "关注数", "粉丝量", "关注人数", "订阅数", "用户数", "粉丝数量"),
        "status": ("运行状态", "状态", "使用状态", "运营状态", "是否在用", "目前状态"),
        "remarks": ("备注", "说明", "其他"),
    },
    "personal_accounts": {
        "unit": ("所在单位", "单位", "单位名称", "所属单位", "学院", "部门", "所在学院", "所在部门"),
        "holder_name": ("姓名", "开设人", "注册人", "开设人姓名", "注册人姓名", "账号所有人", "运营人", "个人姓名", "负责人"),
        "holder_role": ("身份", "人员类别", "教职工/学生", "师生类别", "类别(教职工/学生)", "人员身份", "身份类别"),
        "platform_type_raw": ("平台类型", "类型", "平台类别", "媒体类型", "账号类型"),
        "platform_name": ("平台(账号)名称", "平台名称", "账号名称", "名称", "平台/账号名称", "账号昵称", "昵称"),
        "account_id": ("账号ID", "账号", "ID", "账号id", "微信号", "UID", "平台账号"),
        "url": ("网址/链接", "网址", "链接", "URL", "主页链接"),
        "followers": ("粉丝数", "关注数", "粉丝量", "关注人数", "订阅数"),
        "last_updated_on": ("最近更新时间", "最后更新时间", "更新时间", "最近更新日期"),
        "phone": ("联系电话", "手机", "联系方式", "电话", "手机号", "手机号码"),
        "remarks": ("备注", "说明"),
    },
}
HEADER_LABELS["groups"] = {
    "unit": ("所在单位", "单位", "单位名称", "所属单位", "部门"),
    "group_name": ("群组名称", "群名称", "群名", "群聊名称"),
    "group_platform_raw": ("群组类型", "群类型", "群组平台", "群平台"),
    "purpose": ("用途", "建群目的", "群组用途", "主要用途"),
    "group_kind": ("群组性质", "长期/临时", "群性质"),
    "owner": ("群主", "群主姓名", "群管理员", "建群人"),
    "owner_role": ("群主身份", "身份", "人员类别"),
    "member_count": ("成员人数", "群成员数", "群人数", "人数"),
    "created_on": ("建群时间", "建群日期", "创建时间"),
    "end_on": ("结束时间", "结束日期", "截止时间"),
    "still_needed": ("是否仍需保留", "是否仍需要", "是否需要保留"),
    "remarks": ("备注", "说明"),
}
DRIFT_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "platforms": {
        "unit": ("院系", "所属部门"),
        "platform_type_raw": ("平台", "媒体形式", "平台种类"),
        "platform_name": ("媒体名", "平台昵称"),
        "account_id": ("账户", "账号/网址"),
        "url": ("网页地址", "主页", "地址"),
        "supervisor": ("审核领导", "审核人"),
        "supervisor_title": ("职位",),
        "operator": ("运维人员", "日常维护人", "具体管理人"),
        "operator_phone": ("联络方式", "联络电话"),
        "opened_on": ("开办日期", "启用日期", "开设时间"),
        "last_updated_on": ("最近发文", "最后发布日期", "最近发布时间"),
        "followers": ("关注者数量", "粉丝"),
        "status": ("运行情况", "当前状态"),
        "remarks": ("附注",),
    },
    "personal_accounts": {
        "unit": ("院系", "所在院系"),
        "holder_name": ("开设者",),
        "holder_role": ("师生身份", "教工/学生"),
        "platform_type_raw": ("平台", "开设平台", "媒体形式"),
        "platform_name": ("网名", "用户名"),
        "account_id": ("账户",),
        "url": ("主页地址", "个人主页"),
        "followers": ("粉丝", "关注者数量"),
        "last_updated_on": ("最近发文", "最后发布日期"),
        "phone": ("联络方式", "联络电话"),
        "remarks": ("附注",),
    },
    "groups": {
        "unit": ("院系", "所在院系"),
        "group_name": ("群聊名字", "群名（全称）"),
        "group_platform_raw": ("所用群平台", "群组类型(微信/QQ等)"),
        "purpose": ("建群用途说明", "主要用途及事由"),
        "group_kind": ("群性质(长期/临时)", "长期或临时群"),
        "owner": ("群主(管理员)", "建群人姓名"),
        "owner_role": ("师生类别", "教工或学生"),
        "member_count": ("群内人数", "成员规模"),
        "created_on": ("群创建时间", "建群时间(年月日)"),
        "end_on": ("预计结束日期", "计划结束时间"),
        "still_needed": ("是否仍需保留(是/否)", "仍需保留与否"),
    },
}
# Internet groups: (platform code, the words units type for it, weight); the kind and still-needed answers.
GROUP_PLATFORMS = (("wechat", ("微信群", "微信"), 50), ("qq", ("QQ群", "qq群"), 25), ("wecom", ("企业微信群", "企业微信"), 10),
                   ("dingtalk", ("钉钉群", "钉钉"), 8), ("feishu", ("飞书群",), 4), ("weibo", ("微博群",), 3))
GROUP_KIND_TEXTS = {"long_term": ("长期", "长期群", "常设"), "temporary": ("临时", "临时群", "短期")}
STILL_NEEDED_TEXTS = {"yes": ("是", "需要", "仍需保留"), "no": ("否", "不再需要", "可解散")}
ROLE_TEXTS = {"staff": ("教职工", "教师", "辅导员", "职工"), "student": ("学生", "本科生", "研究生")}


def norm_text(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).lower()


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
