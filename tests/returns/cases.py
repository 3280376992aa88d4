"""The hand-written returns and what an analyst reads in each.

Every cell is a literal; every expected value was written by hand from the notice's seven classes and the shared
conventions of issue 13 (category codes, ``category_source`` = type / url / account_id / hint / none), never
computed by netmedia. Conventions used for the expectations:

- ``unit``: the roster name (an alias or traditional spelling maps to it); None when nothing in the row, the
  sheet or the file names a roster unit; with an empty roster, the unit as the return types it.
- ``category_source``: ``type`` when the typed platform type names a category (a plain 网站 is placed campus or
  external by its URL host, no host: campus); else ``url`` (url cell, or a URL typed in the account column) or
  ``account_id`` (``gh_`` + 12 hex = WeChat official account); else ``hint`` (sheet name, section row, or the
  account column's label such as 微信号/UID on a 微博 sheet).
- ``platform_class`` (Annex 2 only): the category's class; a website's class comes from its host (1 under
  ncwu.edu.cn, else 2), also when the typed type contradicts it (the row is then an R-category finding).
- ``url`` / ``account_id``: as typed; an account cell holding a URL (with the url cell blank) is the url, and the
  account id is then None. A number typed as an id keeps its digits.
- ``followers``: a count; a 粉丝量（万） column holds ten-thousands.
- ``rejects``: the rows that are no record, by reason kind (the reason's text before any ``:`` or `` (``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as d

from .build import Book, Sheet


@dataclass(frozen=True)
class Row:
    """One clean row an analyst reads in a return."""

    file: str
    sheet: str
    row: int  # 1-based Excel row
    table: str  # platforms | personal_accounts
    unit: str | None
    platform_name: str
    category: str
    platform_class: int | None  # Annex 2 only (None for personal accounts)
    category_source: str
    url: str | None = None
    account_id: str | None = None
    opened_on: d | None = None  # Annex 2 only
    last_updated_on: d | None = None
    followers: int | None = None


@dataclass(frozen=True)
class Case:
    key: str
    covers: str  # what the return shows, in a line
    books: list[Book]
    rows: list[Row]
    rejects: dict[str, int]  # reason kind -> number of rejected rows
    r_category: frozenset[tuple[str, str, int]] = frozenset()  # (file, sheet, row) R-category must flag
    units_roster: str = "full"  # full | empty (header only)
    staff_roster: str = "full"  # full | empty (header only)


class At:
    """Rows of one sheet: ``At(file, sheet).p(...)`` for Annex 2, ``.a3(...)`` for Annex 3."""

    def __init__(self, file: str, sheet: str):
        self.file, self.sheet = file, sheet

    def p(self, row: int, unit: str | None, name: str, category: str, cls: int, source: str, *,
          url: str | None = None, acc: str | None = None, opened: d | None = None, updated: d | None = None,
          followers: int | None = None) -> Row:
        return Row(self.file, self.sheet, row, "platforms", unit, name, category, cls, source, url, acc, opened,
                   updated, followers)

    def a3(self, row: int, unit: str | None, name: str, category: str, source: str, *, url: str | None = None,
           acc: str | None = None, updated: d | None = None, followers: int | None = None) -> Row:
        return Row(self.file, self.sheet, row, "personal_accounts", unit, name, category, None, source, url, acc,
                   None, updated, followers)


TITLE2 = ["《华北水利水电大学网络媒体平台备案信息汇总表》"]
TITLE3 = ["《华北水利水电大学师生个人网络媒体平台备案信息汇总表》"]
H2 = ["单位名称", "平台类型", "平台名称", "账号ID", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"]
CASES: list[Case] = []


def case(c: Case) -> None:
    CASES.append(c)


# ---------------------------------------------------------------------------------------------- 01
F = "备案信息汇总+水利学院.xlsx"
s = At(F, "附件2")
case(Case("official_template", "the official template, title rows and 填报单位 line (the baseline)", [Book(F, [Sheet("附件2", [
    ["附件2"],
    TITLE2,
    ["填报单位（盖章）：水利学院"],
    ["序号", "单位名称", "主体类型", "平台类型", "平台名称", "账号ID", "网址/链接", "主管领导", "主管领导职务",
     "运营管理负责人", "联系电话", "开通时间", "最近更新时间", "粉丝数", "运行状态", "备注"],
    [1, "水利学院", "单位", "微信公众号", "华水水利学院", "gh_3f2a1b4c5d6e", None, "王建国", "党委书记", "张伟",
     "13812345678", d(2016, 9, 1), d(2023, 4, 12), 12850, "正常", None],
    [2, "水利学院", "单位", "校内网站", "水利学院官网", None, "https://slxy.ncwu.edu.cn/", "李明", "院长", "张伟",
     "13812345678", d(2012, 5, 20), d(2023, 4, 18), None, "正常", None],
    [3, "水利学院", "单位", "抖音", "华水水利", "dy20190312", None, "王建国", "党委书记", "张伟", "13812345678",
     d(2019, 3, 12), d(2023, 4, 2), 3400, "正常", None],
], merged=("A2:P2",))])], [
    s.p(5, "水利学院", "华水水利学院", "wechat_official", 3, "type", acc="gh_3f2a1b4c5d6e", opened=d(2016, 9, 1),
        updated=d(2023, 4, 12), followers=12850),
    s.p(6, "水利学院", "水利学院官网", "website_campus", 1, "type", url="https://slxy.ncwu.edu.cn/",
        opened=d(2012, 5, 20), updated=d(2023, 4, 18)),
    s.p(7, "水利学院", "华水水利", "douyin", 6, "type", acc="dy20190312", opened=d(2019, 3, 12), updated=d(2023, 4, 2),
        followers=3400),
], {"title row": 3, "header row": 1}))

# ---------------------------------------------------------------------------------------------- 02
F = "附件2-电力学院.xlsx"
s = At(F, "Sheet1")
case(Case("unseen_labels_annex2", "平台, 账号/网址, 运维人员, 开办日期, 最近发文, 粉丝量（万）; URLs in the account column",
          [Book(F, [Sheet("Sheet1", [
              ["电力学院网络媒体平台备案表"],
              ["单位", "平台", "账号名称", "账号/网址", "分管领导", "运维人员", "手机", "开办日期", "最近发文", "粉丝量（万）",
               "状态"],
              ["电力学院", "微信公众号", "华水电力", "gh_5a6b7c8d9e0f", "赵志远", "李娜", "13923456789", d(2015, 10, 8),
               d(2023, 4, 20), 1.2, "正常"],
              ["电力学院", "网站", "电力学院网站", "https://dl.ncwu.edu.cn/", "孙浩然", "李娜", "13923456789", d(2010, 3, 1),
               d(2023, 4, 21), None, "正常"],
              ["电力学院", "微博", "华水电力青年", "https://weibo.com/u/5234567890", "赵志远", "李娜", "13923456789",
               d(2017, 6, 1), d(2023, 3, 30), 0.35, "正常"],
          ])])], [
    s.p(3, "电力学院", "华水电力", "wechat_official", 3, "type", acc="gh_5a6b7c8d9e0f", opened=d(2015, 10, 8),
        updated=d(2023, 4, 20), followers=12000),
    s.p(4, "电力学院", "电力学院网站", "website_campus", 1, "type", url="https://dl.ncwu.edu.cn/", opened=d(2010, 3, 1),
        updated=d(2023, 4, 21)),
    s.p(5, "电力学院", "华水电力青年", "weibo", 3, "type", url="https://weibo.com/u/5234567890", opened=d(2017, 6, 1),
        updated=d(2023, 3, 30), followers=3500),
], {"title row": 1, "header row": 1}))

# ---------------------------------------------------------------------------------------------- 03
F = "附件3-外国语学院.xlsx"
s = At(F, "附件3")
case(Case("unseen_labels_annex3", "Annex 3 with its platform type under 平台 (the 75% miss), 昵称, 主页, 最近发文",
          [Book(F, [Sheet("附件3", [
              ["附件3"],
              TITLE3,
              ["姓名", "师生身份", "平台", "昵称", "主页", "粉丝量", "最近发文", "手机"],
              ["赵敏", "教师", "抖音", "外院赵老师说英语", None, 5600, d(2023, 4, 1), "13712345678"],
              ["陈思雨", "学生", "哔哩哔哩", "华水外院小陈", "https://space.bilibili.com/35123456", 820, d(2023, 3, 28), None],
              ["林晨", "教师", "小红书", "外国语学院林老师", None, None, None, None],
              ["王嘉欣", "学生", "微博", "华水外语王同学", "https://weibo.com/u/6345678901", 150, d(2023, 4, 15), None],
          ])])], [
    s.a3(4, "外国语学院", "外院赵老师说英语", "douyin", "type", updated=d(2023, 4, 1), followers=5600),
    s.a3(5, "外国语学院", "华水外院小陈", "bilibili", "type", url="https://space.bilibili.com/35123456",
         updated=d(2023, 3, 28), followers=820),
    s.a3(6, "外国语学院", "外国语学院林老师", "xiaohongshu", "type"),
    s.a3(7, "外国语学院", "华水外语王同学", "weibo", "type", url="https://weibo.com/u/6345678901", updated=d(2023, 4, 15),
         followers=150),
], {"title row": 2, "header row": 1}))

# ---------------------------------------------------------------------------------------------- 04
F = "备案信息汇总+图书馆.xlsx"
s = At(F, "备案")
case(Case("all_new_labels", "no header label in the vocabulary, every one read at a glance", [Book(F, [Sheet("备案", [
    ["院系", "媒体形式", "媒体名", "账户", "网页地址", "审核领导", "日常维护人", "联络方式", "启用日期", "最后发布日期",
     "关注者数量"],
    ["图书馆", "微信公众号", "华水图书馆", "gh_7b8c9d0e1f2a", None, "陈晨", "刘洋", "13598765432", d(2014, 9, 1),
     d(2023, 4, 19), 25600],
    ["图书馆", "网站", "图书馆主页", None, "https://lib.ncwu.edu.cn/", "杨帆", "刘洋", "13598765432", d(2008, 1, 1),
     d(2023, 4, 20), None],
    ["图书馆", "视频号", "华水图书馆", "sphAbc123xyz", None, "陈晨", "刘洋", "13598765432", d(2021, 5, 4), d(2023, 4, 10),
     980],
])])], [
    s.p(2, "图书馆", "华水图书馆", "wechat_official", 3, "type", acc="gh_7b8c9d0e1f2a", opened=d(2014, 9, 1),
        updated=d(2023, 4, 19), followers=25600),
    s.p(3, "图书馆", "图书馆主页", "website_campus", 1, "type", url="https://lib.ncwu.edu.cn/", opened=d(2008, 1, 1),
        updated=d(2023, 4, 20)),
    s.p(4, "图书馆", "华水图书馆", "wechat_channels", 3, "type", acc="sphAbc123xyz", opened=d(2021, 5, 4),
        updated=d(2023, 4, 10), followers=980),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 05
F = "备案信息汇总+艺术与设计学院.xlsx"
s = At(F, "附件2")
case(Case("url_in_account_column", "账号ID/网址 holding URLs: external 网站 is class 2, 校外网站 under ncwu.edu.cn is flagged",
          [Book(F, [Sheet("附件2", [
              ["附件2"],
              ["单位名称", "平台类型", "平台名称", "账号ID/网址", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"],
              ["艺术与设计学院", "网站", "华水设计作品展", "https://www.ncwu-design.com/", "许娜", "郑爽", "13611112222",
               d(2023, 4, 3)],
              ["艺术与设计学院", "校外网站", "艺术学院专题网", "https://ys.ncwu.edu.cn/zt/", "韩梅", "郑爽", "13611112222",
               d(2023, 4, 6)],
              ["艺术与设计学院", "网站", "艺术学院画廊", "ys.ncwu.edu.cn/gallery/", "许娜", "郑爽", "13611112222",
               d(2023, 3, 20)],
              ["艺术与设计学院", "微信公众号", "华水艺设", "gh_9c0d1e2f3a4b", "许娜", "郑爽", "13611112222", d(2023, 4, 11)],
          ])])], [
    s.p(3, "艺术与设计学院", "华水设计作品展", "website_external", 2, "type", url="https://www.ncwu-design.com/",
        updated=d(2023, 4, 3)),
    s.p(4, "艺术与设计学院", "艺术学院专题网", "website_external", 1, "type", url="https://ys.ncwu.edu.cn/zt/",
        updated=d(2023, 4, 6)),
    s.p(5, "艺术与设计学院", "艺术学院画廊", "website_campus", 1, "type", url="ys.ncwu.edu.cn/gallery/",
        updated=d(2023, 3, 20)),
    s.p(6, "艺术与设计学院", "华水艺设", "wechat_official", 3, "type", acc="gh_9c0d1e2f3a4b", updated=d(2023, 4, 11)),
], {"title row": 1, "header row": 1}, frozenset({(F, "附件2", 4)})))

# ---------------------------------------------------------------------------------------------- 06
F = "备案信息汇总+信息工程学院.xlsx"
s = At(F, "附件2")
case(Case("traditional_script_annex2", "單位名稱/平臺類型 headers; 微信視頻號, 頭條號, 嗶哩嗶哩, 視頻號, 微信公眾號",
          [Book(F, [Sheet("附件2", [
              ["單位名稱", "平臺類型", "平臺名稱", "賬號", "主管領導", "運營負責人", "聯繫電話", "最近更新時間"],
              ["信息工程學院", "微信視頻號", "華水信工", "sphXg2023ab", "何佳", "孫強", "13577778888", d(2023, 4, 8)],
              ["信息工程學院", "頭條號", "華水信工", "tt_ncwuxg", "何佳", "孫強", "13577778888", d(2023, 4, 9)],
              ["信息工程學院", "嗶哩嗶哩", "華水信工", 412345678, "高宇", "孫強", "13577778888", d(2023, 3, 31)],
              ["信息工程學院", "視頻號", "信工青年", "sphQn2022cd", "高宇", "孫強", "13577778888", d(2023, 4, 14)],
              ["信息工程學院", "微信公眾號", "信工學院", "gh_2b3c4d5e6f7a", "何佳", "孫強", "13577778888", d(2023, 4, 16)],
          ])])], [
    s.p(2, "信息工程学院", "華水信工", "wechat_channels", 3, "type", acc="sphXg2023ab", updated=d(2023, 4, 8)),
    s.p(3, "信息工程学院", "華水信工", "news_app", 5, "type", acc="tt_ncwuxg", updated=d(2023, 4, 9)),
    s.p(4, "信息工程学院", "華水信工", "bilibili", 6, "type", acc="412345678", updated=d(2023, 3, 31)),
    s.p(5, "信息工程学院", "信工青年", "wechat_channels", 3, "type", acc="sphQn2022cd", updated=d(2023, 4, 14)),
    s.p(6, "信息工程学院", "信工學院", "wechat_official", 3, "type", acc="gh_2b3c4d5e6f7a", updated=d(2023, 4, 16)),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 07
F = "水利学院-新媒体平台备案.xlsx"
s = At(F, "附件2")
P7 = ["王建国", "张伟", "13812345678"]
case(Case("platform_known_by_url_only", "blank 平台类型: each platform known only by its home-page URL",
          [Book(F, [Sheet("附件2", [
              ["单位名称", "平台类型", "平台名称", "网址", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"],
              ["水利学院", None, "华水水利学院", "https://mp.weixin.qq.com/s/Qx7mZp2LrT0aYb", *P7, d(2023, 4, 12)],
              ["水利学院", None, "水利学院官方", "https://weibo.com/u/5345678912", *P7, d(2023, 4, 3)],
              ["水利学院", None, "华水水利", "https://space.bilibili.com/498765432", *P7, d(2023, 4, 5)],
              ["水利学院", None, "水利青年", "https://www.douyin.com/user/MS4wLjABAAAAslxy2023", *P7, d(2023, 4, 2)],
              ["水利学院", None, "水利学子", "https://www.xiaohongshu.com/user/profile/5f1a2b3c4d", *P7, d(2023, 3, 27)],
              ["水利学院", None, "水利学院", "https://www.zhihu.com/people/ncwu-slxy", *P7, d(2023, 3, 18)],
              ["水利学院", None, "水利学院资讯", "https://www.toutiao.com/c/user/token/MS4wLjABslxy/", *P7, d(2023, 4, 8)],
              ["水利学院", None, "华水水利吧", "https://tieba.baidu.com/f?kw=华水水利", *P7, d(2023, 4, 9)],
              ["水利学院", None, "水利学院在线", "https://www.kuaishou.com/profile/3xslxy2023", *P7, d(2023, 4, 10)],
              ["水利学院", None, "水利学院视频", "https://www.ixigua.com/home/98765432101", *P7, d(2023, 4, 11)],
              ["水利学院", None, "水利学院发布", "https://baijiahao.baidu.com/u?app_id=1650123456789012", *P7,
               d(2023, 4, 13)],
              ["水利学院", None, "水利学院官网", "https://sl.ncwu.edu.cn/", *P7, d(2023, 4, 14)],
              ["水利学院", None, "水利学院校友会", "https://www.slxy-alumni.org.cn/", *P7, d(2023, 4, 15)],
          ])])], [
    s.p(2, "水利学院", "华水水利学院", "wechat_official", 3, "url", url="https://mp.weixin.qq.com/s/Qx7mZp2LrT0aYb",
        updated=d(2023, 4, 12)),
    s.p(3, "水利学院", "水利学院官方", "weibo", 3, "url", url="https://weibo.com/u/5345678912", updated=d(2023, 4, 3)),
    s.p(4, "水利学院", "华水水利", "bilibili", 6, "url", url="https://space.bilibili.com/498765432",
        updated=d(2023, 4, 5)),
    s.p(5, "水利学院", "水利青年", "douyin", 6, "url", url="https://www.douyin.com/user/MS4wLjABAAAAslxy2023",
        updated=d(2023, 4, 2)),
    s.p(6, "水利学院", "水利学子", "xiaohongshu", 3, "url", url="https://www.xiaohongshu.com/user/profile/5f1a2b3c4d",
        updated=d(2023, 3, 27)),
    s.p(7, "水利学院", "水利学院", "zhihu", 3, "url", url="https://www.zhihu.com/people/ncwu-slxy",
        updated=d(2023, 3, 18)),
    s.p(8, "水利学院", "水利学院资讯", "news_app", 5, "url", url="https://www.toutiao.com/c/user/token/MS4wLjABslxy/",
        updated=d(2023, 4, 8)),
    s.p(9, "水利学院", "华水水利吧", "tieba", 4, "url", url="https://tieba.baidu.com/f?kw=华水水利", updated=d(2023, 4, 9)),
    s.p(10, "水利学院", "水利学院在线", "kuaishou", 6, "url", url="https://www.kuaishou.com/profile/3xslxy2023",
        updated=d(2023, 4, 10)),
    s.p(11, "水利学院", "水利学院视频", "video_other", 6, "url", url="https://www.ixigua.com/home/98765432101",
        updated=d(2023, 4, 11)),
    s.p(12, "水利学院", "水利学院发布", "news_app", 5, "url", url="https://baijiahao.baidu.com/u?app_id=1650123456789012",
        updated=d(2023, 4, 13)),
    s.p(13, "水利学院", "水利学院官网", "website_campus", 1, "url", url="https://sl.ncwu.edu.cn/", updated=d(2023, 4, 14)),
    s.p(14, "水利学院", "水利学院校友会", "website_external", 2, "url", url="https://www.slxy-alumni.org.cn/",
        updated=d(2023, 4, 15)),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 08
F = "备案信息汇总+党委宣传部.xlsx"
s = At(F, "附件2")
P8 = ["周丽", "王芳", "13698765432"]
case(Case("gh_id_with_blank_type", "a gh_ id with no type, a URL with no type, and a typed row", [Book(F, [Sheet("附件2", [
    ["附件2"],
    ["单位名称", "平台类型", "平台名称", "账号ID", "网址/链接", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"],
    ["党委宣传部", None, "华水发布", "gh_0f1e2d3c4b5a", None, *P8, d(2023, 4, 20)],
    ["党委宣传部", "微博", "华北水利水电大学", "1234567890", "https://weibo.com/ncwu", *P8, d(2023, 4, 21)],
    ["党委宣传部", None, "华水视界", None, "https://www.douyin.com/user/MS4wLjABAAAAncwu", *P8, d(2023, 4, 15)],
])])], [
    s.p(3, "党委宣传部", "华水发布", "wechat_official", 3, "account_id", acc="gh_0f1e2d3c4b5a", updated=d(2023, 4, 20)),
    s.p(4, "党委宣传部", "华北水利水电大学", "weibo", 3, "type", url="https://weibo.com/ncwu", acc="1234567890",
        updated=d(2023, 4, 21)),
    s.p(5, "党委宣传部", "华水视界", "douyin", 6, "url", url="https://www.douyin.com/user/MS4wLjABAAAAncwu",
        updated=d(2023, 4, 15)),
], {"title row": 1, "header row": 1}))

# ---------------------------------------------------------------------------------------------- 09
F = "备案信息汇总+校团委.xlsx"
s, s2 = At(F, "抖音"), At(F, "微信公众号")
H9 = ["单位名称", "平台类型", "平台名称", "账号", "主管领导", "运营管理负责人", "联系电话", "最近更新时间", "粉丝数"]
case(Case("blank_type_on_platform_sheets", "sheets named 抖音 and 微信公众号, type column left blank", [Book(F, [
    Sheet("抖音", [
        H9,
        ["校团委", None, "华水青年", "ncwuqn2019", "郑欣", "冯雪", "13511223344", d(2023, 4, 17), 45000],
        ["校团委", None, "华水青协", "ncwuqx2020", "冯涛", "冯雪", "13511223344", d(2023, 4, 2), 3200],
    ]),
    Sheet("微信公众号", [
        H9,
        ["校团委", None, "华水青年", "ncwu_youth", "郑欣", "冯雪", "13511223344", d(2023, 4, 19), 61000],
    ]),
])], [
    s.p(2, "校团委", "华水青年", "douyin", 6, "hint", acc="ncwuqn2019", updated=d(2023, 4, 17), followers=45000),
    s.p(3, "校团委", "华水青协", "douyin", 6, "hint", acc="ncwuqx2020", updated=d(2023, 4, 2), followers=3200),
    s2.p(2, "校团委", "华水青年", "wechat_official", 3, "hint", acc="ncwu_youth", updated=d(2023, 4, 19), followers=61000),
], {"header row": 2}))

# ---------------------------------------------------------------------------------------------- 10
F = "备案信息汇总+马克思主义学院.xlsx"
s = At(F, "附件2")
case(Case("merged_two_row_header", "a two-row header, parents merged across their children (平台信息 over 类型/名称/账号/网址)",
          [Book(F, [Sheet("附件2", [
              TITLE2,
              ["序号", "单位名称", "平台信息", None, None, None, "主管领导", None, "运营管理负责人", None, "最近更新时间"],
              [None, None, "类型", "名称", "账号", "网址", "姓名", "职务", "姓名", "联系电话", None],
              [1, "马克思主义学院", "微信公众号", "华水马院", "gh_4d5e6f7a8b9c", None, "罗文", "党委书记", "周杰", "13455556666",
               d(2023, 4, 13)],
              [2, "马克思主义学院", "网站", "马克思主义学院网站", None, "https://mkszy.ncwu.edu.cn/", "梁军", "院长", "周杰",
               "13455556666", d(2023, 4, 19)],
              [3, "马克思主义学院", "B站", "华水马院", 1876543210, None, "罗文", "党委书记", "周杰", "13455556666",
               d(2023, 3, 29)],
          ], merged=("A1:K1", "A2:A3", "B2:B3", "C2:F2", "G2:H2", "I2:J2", "K2:K3"))])], [
    s.p(4, "马克思主义学院", "华水马院", "wechat_official", 3, "type", acc="gh_4d5e6f7a8b9c", updated=d(2023, 4, 13)),
    s.p(5, "马克思主义学院", "马克思主义学院网站", "website_campus", 1, "type", url="https://mkszy.ncwu.edu.cn/",
        updated=d(2023, 4, 19)),
    s.p(6, "马克思主义学院", "华水马院", "bilibili", 6, "type", acc="1876543210", updated=d(2023, 3, 29)),
], {"title row": 1, "header row": 2}))

# ---------------------------------------------------------------------------------------------- 11
FA, FB = "备案信息汇总+土木与交通学院.xlsx", "备案信息汇总+电力学院.xlsx"
sa, sb = At(FA, "附件2"), At(FB, "附件2")
case(Case("column_order_changed_mid_season", "two returns of one template, columns swapped (even the two date columns)", [
    Book(FA, [Sheet("附件2", [
        ["单位名称", "平台类型", "平台名称", "账号ID", "运营管理负责人", "联系电话", "主管领导", "开通时间", "最近更新时间", "粉丝数"],
        ["土木与交通学院", "微信公众号", "华水土木", "gh_6f7a8b9c0d1e", "吴磊", "13344445555", "宋洋", d(2017, 9, 10),
         d(2023, 4, 12), 8800],
        ["土木与交通学院", "抖音", "华水土木", "tmjt2020", "吴磊", "13344445555", "唐敏", d(2020, 11, 2), d(2023, 4, 7), 1500],
    ])]),
    Book(FB, [Sheet("附件2", [
        ["单位名称", "平台类型", "账号ID", "平台名称", "主管领导", "联系电话", "运营管理负责人", "最近更新时间", "开通时间", "粉丝数"],
        ["电力学院", "微信公众号", "gh_8a9b0c1d2e3f", "电力青年", "赵志远", "13923456789", "李娜", d(2023, 4, 18),
         d(2018, 3, 5), 2100],
        ["电力学院", "快手", "ks2021dl", "华水电力", "孙浩然", "13923456789", "李娜", d(2023, 4, 1), d(2021, 6, 30), 640],
    ])]),
], [
    sa.p(2, "土木与交通学院", "华水土木", "wechat_official", 3, "type", acc="gh_6f7a8b9c0d1e", opened=d(2017, 9, 10),
         updated=d(2023, 4, 12), followers=8800),
    sa.p(3, "土木与交通学院", "华水土木", "douyin", 6, "type", acc="tmjt2020", opened=d(2020, 11, 2), updated=d(2023, 4, 7),
         followers=1500),
    sb.p(2, "电力学院", "电力青年", "wechat_official", 3, "type", acc="gh_8a9b0c1d2e3f", opened=d(2018, 3, 5),
         updated=d(2023, 4, 18), followers=2100),
    sb.p(3, "电力学院", "华水电力", "kuaishou", 6, "type", acc="ks2021dl", opened=d(2021, 6, 30), updated=d(2023, 4, 1),
         followers=640),
], {"header row": 2}))

# ---------------------------------------------------------------------------------------------- 12
F = "备案信息汇总+党委宣传部（补报）.xlsx"
s = At(F, "附件2")
case(Case("two_tables_pasted_in_one_sheet", "a second table pasted below the first, header repeated in another order",
          [Book(F, [Sheet("附件2", [
              ["附件2"],
              H2,
              ["党委宣传部", "微信公众号", "华水发布", "gh_0f1e2d3c4b5a", "周丽", "王芳", "13698765432", d(2023, 4, 20)],
              ["党委宣传部", "微博", "华北水利水电大学", "1234567890", "周丽", "王芳", "13698765432", d(2023, 4, 21)],
              [],
              ["平台名称", "平台类型", "账号ID", "最近更新时间", "联系电话", "运营管理负责人", "主管领导", "单位名称"],
              ["华水视界", "抖音", "ncwu_dy", d(2023, 4, 15), "13698765432", "王芳", "吴刚", "党委宣传部"],
              ["华水新闻", "视频号", "sphNcwu2021", d(2023, 4, 9), "13698765432", "王芳", "吴刚", "党委宣传部"],
          ])])], [
    s.p(3, "党委宣传部", "华水发布", "wechat_official", 3, "type", acc="gh_0f1e2d3c4b5a", updated=d(2023, 4, 20)),
    s.p(4, "党委宣传部", "华北水利水电大学", "weibo", 3, "type", acc="1234567890", updated=d(2023, 4, 21)),
    s.p(7, "党委宣传部", "华水视界", "douyin", 6, "type", acc="ncwu_dy", updated=d(2023, 4, 15)),
    s.p(8, "党委宣传部", "华水新闻", "wechat_channels", 3, "type", acc="sphNcwu2021", updated=d(2023, 4, 9)),
], {"title row": 1, "header row": 2}))

# ---------------------------------------------------------------------------------------------- 13
F = "备案信息汇总+宣传部.xlsx"
s = At(F, "附件2")
NEWS = ["大鱼号", "一点号", "企鹅号", "网易号", "搜狐号", "澎湃号", "学习强国号", "百家号", "凤凰号", "趣头条"]
case(Case("news_app_accounts", "大鱼号, 一点号, 企鹅号 ... 趣头条: class 5 (file named by the unit's alias)", [Book(F, [
    Sheet("附件2", [H2] + [["党委宣传部", t, "华水发布", f"ncwu{i:03d}", "周丽", "王芳", "13698765432", d(2023, 4, 10 + i)]
                         for i, t in enumerate(NEWS)]),
])], [s.p(2, "党委宣传部", "华水发布", "news_app", 5, "type", acc="ncwu000", updated=d(2023, 4, 10)),
      s.p(3, "党委宣传部", "华水发布", "news_app", 5, "type", acc="ncwu001", updated=d(2023, 4, 11)),
      s.p(4, "党委宣传部", "华水发布", "news_app", 5, "type", acc="ncwu002", updated=d(2023, 4, 12)),
      s.p(5, "党委宣传部", "华水发布", "news_app", 5, "type", acc="ncwu003", updated=d(2023, 4, 13)),
      s.p(6, "党委宣传部", "华水发布", "news_app", 5, "type", acc="ncwu004", updated=d(2023, 4, 14)),
      s.p(7, "党委宣传部", "华水发布", "news_app", 5, "type", acc="ncwu005", updated=d(2023, 4, 15)),
      s.p(8, "党委宣传部", "华水发布", "news_app", 5, "type", acc="ncwu006", updated=d(2023, 4, 16)),
      s.p(9, "党委宣传部", "华水发布", "news_app", 5, "type", acc="ncwu007", updated=d(2023, 4, 17)),
      s.p(10, "党委宣传部", "华水发布", "news_app", 5, "type", acc="ncwu008", updated=d(2023, 4, 18)),
      s.p(11, "党委宣传部", "华水发布", "news_app", 5, "type", acc="ncwu009", updated=d(2023, 4, 19)),
      ], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 14
F = "备案信息汇总+艺术学院.xlsx"
s = At(F, "附件2")
case(Case("video_platforms", "西瓜视频, 央视频, 微视, 好看视频, 火山小视频 (video_other) and the 抖音/快手/视频号 variants",
          [Book(F, [Sheet("附件2", [
              H2,
              ["艺术与设计学院", "西瓜视频", "华水艺设", "xg001", "许娜", "郑爽", "13611112222", d(2023, 4, 1)],
              ["艺术与设计学院", "央视频", "华水艺设", "ysp002", "许娜", "郑爽", "13611112222", d(2023, 4, 2)],
              ["艺术与设计学院", "微视", "华水艺设", "ws003", "许娜", "郑爽", "13611112222", d(2023, 4, 3)],
              ["艺术与设计学院", "好看视频", "华水艺设", "hk004", "许娜", "郑爽", "13611112222", d(2023, 4, 4)],
              ["艺术与设计学院", "火山小视频", "华水艺设", "hs005", "许娜", "郑爽", "13611112222", d(2023, 4, 5)],
              ["艺术与设计学院", "抖音火山版", "华水艺设", "dyhs006", "许娜", "郑爽", "13611112222", d(2023, 4, 6)],
              ["艺术与设计学院", "快手极速版", "华水艺设", "ksjs007", "许娜", "郑爽", "13611112222", d(2023, 4, 7)],
              ["艺术与设计学院", "视频号", "华水艺设", "sph008", "许娜", "郑爽", "13611112222", d(2023, 4, 8)],
          ])])], [
    s.p(2, "艺术与设计学院", "华水艺设", "video_other", 6, "type", acc="xg001", updated=d(2023, 4, 1)),
    s.p(3, "艺术与设计学院", "华水艺设", "video_other", 6, "type", acc="ysp002", updated=d(2023, 4, 2)),
    s.p(4, "艺术与设计学院", "华水艺设", "video_other", 6, "type", acc="ws003", updated=d(2023, 4, 3)),
    s.p(5, "艺术与设计学院", "华水艺设", "video_other", 6, "type", acc="hk004", updated=d(2023, 4, 4)),
    s.p(6, "艺术与设计学院", "华水艺设", "video_other", 6, "type", acc="hs005", updated=d(2023, 4, 5)),
    s.p(7, "艺术与设计学院", "华水艺设", "douyin", 6, "type", acc="dyhs006", updated=d(2023, 4, 6)),
    s.p(8, "艺术与设计学院", "华水艺设", "kuaishou", 6, "type", acc="ksjs007", updated=d(2023, 4, 7)),
    s.p(9, "艺术与设计学院", "华水艺设", "wechat_channels", 3, "type", acc="sph008", updated=d(2023, 4, 8)),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 15
F = "备案信息汇总+信工学院.xlsx"
s = At(F, "附件2")
case(Case("miniprograms_and_qq_channel", "抖音/支付宝/百度/QQ 小程序 (miniprogram), QQ频道, 微信小程序", [Book(F, [Sheet("附件2", [
    H2,
    ["信息工程学院", "抖音小程序", "华水信工助手", "tt0123456789abcd", "何佳", "孙强", "13577778888", d(2023, 4, 1)],
    ["信息工程学院", "支付宝小程序", "华水信工助手", "2021001234567890", "何佳", "孙强", "13577778888", d(2023, 4, 2)],
    ["信息工程学院", "百度小程序", "华水信工助手", "bd12345678", "何佳", "孙强", "13577778888", d(2023, 4, 3)],
    ["信息工程学院", "QQ小程序", "华水信工助手", "1112223334", "何佳", "孙强", "13577778888", d(2023, 4, 4)],
    ["信息工程学院", "QQ频道", "华水信工", "pd98765", "高宇", "孙强", "13577778888", d(2023, 4, 5)],
    ["信息工程学院", "微信小程序", "华水信工助手", "wx0123456789abcdef", "何佳", "孙强", "13577778888", d(2023, 4, 6)],
])])], [
    s.p(2, "信息工程学院", "华水信工助手", "miniprogram", 3, "type", acc="tt0123456789abcd", updated=d(2023, 4, 1)),
    s.p(3, "信息工程学院", "华水信工助手", "miniprogram", 3, "type", acc="2021001234567890", updated=d(2023, 4, 2)),
    s.p(4, "信息工程学院", "华水信工助手", "miniprogram", 3, "type", acc="bd12345678", updated=d(2023, 4, 3)),
    s.p(5, "信息工程学院", "华水信工助手", "miniprogram", 3, "type", acc="1112223334", updated=d(2023, 4, 4)),
    s.p(6, "信息工程学院", "华水信工", "qq_channel", 3, "type", acc="pd98765", updated=d(2023, 4, 5)),
    s.p(7, "信息工程学院", "华水信工助手", "wechat_miniprogram", 3, "type", acc="wx0123456789abcdef",
        updated=d(2023, 4, 6)),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 16
F = "华北水利水电大学官方新媒体名录.xlsx"
w, wb = At(F, "微信"), At(F, "微博")
case(Case("registry_one_sheet_per_platform", "a registry: a 微信 sheet (单位名称/账号名称/微信号) and a 微博 sheet "
          "(UID/昵称/认证信息/用户类型, no unit column)", [Book(F, [
              Sheet("微信", [
                  ["单位名称", "账号名称", "微信号"],
                  ["水利学院", "华水水利学院", "ncwu_slxy"],
                  ["电力学院", "华水电力", "gh_1a2b3c4d5e6f"],
                  ["校团委", "华水青年", "ncwuqingnian"],
                  ["图书馆", "华水图书馆", "ncwu_lib"],
                  ["信工学院", "华水信工", "ncwu_xg"],
              ]),
              Sheet("微博", [
                  ["UID", "昵称", "认证信息", "用户类型"],
                  [5123456701, "华北水利水电大学水利学院", "华北水利水电大学水利学院官方微博", "蓝V"],
                  [5123456702, "华水外语", "华北水利水电大学外国语学院官方微博", "蓝V"],
                  [5123456703, "华水图书馆", "华北水利水电大学图书馆", "蓝V"],
                  [5123456704, "华水青年说", None, "普通用户"],
                  [5123456705, "电力学院学生会", "华北水利水电大学电力学院", "蓝V"],
              ]),
          ])], [
    w.p(2, "水利学院", "华水水利学院", "wechat_official", 3, "hint", acc="ncwu_slxy"),
    w.p(3, "电力学院", "华水电力", "wechat_official", 3, "account_id", acc="gh_1a2b3c4d5e6f"),
    w.p(4, "校团委", "华水青年", "wechat_official", 3, "hint", acc="ncwuqingnian"),
    w.p(5, "图书馆", "华水图书馆", "wechat_official", 3, "hint", acc="ncwu_lib"),
    w.p(6, "信息工程学院", "华水信工", "wechat_official", 3, "hint", acc="ncwu_xg"),
    wb.p(2, "水利学院", "华北水利水电大学水利学院", "weibo", 3, "hint", acc="5123456701"),
    wb.p(3, "外国语学院", "华水外语", "weibo", 3, "hint", acc="5123456702"),
    wb.p(4, "图书馆", "华水图书馆", "weibo", 3, "hint", acc="5123456703"),
    wb.p(5, None, "华水青年说", "weibo", 3, "hint", acc="5123456704"),
    wb.p(6, "电力学院", "电力学院学生会", "weibo", 3, "hint", acc="5123456705"),
], {"header row": 2}))

# ---------------------------------------------------------------------------------------------- 17
F1, F2, F3 = "全校新媒体平台汇总.xlsx", "附件2.xlsx", "附件2(1).xlsx"
case(Case("empty_units_roster", "units.xlsx with a header and no row: units as the returns type them, or None", [
    Book(F1, [Sheet("汇总", [
        H2,
        ["水利学院", "微信公众号", "华水水利学院", "gh_3f2a1b4c5d6e", "王建国", "张伟", "13812345678", d(2023, 4, 12)],
        ["电力学院", "微博", "华水电力青年", "5234567890", "赵志远", "李娜", "13923456789", d(2023, 3, 30)],
    ])]),
    Book(F2, [Sheet("附件2", [
        ["填报单位（盖章）：图书馆"],
        H2[1:],
        ["微信公众号", "华水图书馆", "gh_7b8c9d0e1f2a", "陈晨", "刘洋", "13598765432", d(2023, 4, 19)],
    ])]),
    Book(F3, [Sheet("Sheet1", [
        H2[1:],
        ["抖音", "华水视界", "ncwu_dy", "周丽", "王芳", "13698765432", d(2023, 4, 15)],
    ])]),
], [
    At(F1, "汇总").p(2, "水利学院", "华水水利学院", "wechat_official", 3, "type", acc="gh_3f2a1b4c5d6e",
                   updated=d(2023, 4, 12)),
    At(F1, "汇总").p(3, "电力学院", "华水电力青年", "weibo", 3, "type", acc="5234567890", updated=d(2023, 3, 30)),
    At(F2, "附件2").p(3, "图书馆", "华水图书馆", "wechat_official", 3, "type", acc="gh_7b8c9d0e1f2a",
                    updated=d(2023, 4, 19)),
    At(F3, "Sheet1").p(2, None, "华水视界", "douyin", 6, "type", acc="ncwu_dy", updated=d(2023, 4, 15)),
], {"title row": 1, "header row": 3}, units_roster="empty"))

# ---------------------------------------------------------------------------------------------- 18
F = "备案信息汇总+外国语学院.xlsx"
s = At(F, "附件2")
case(Case("empty_staff_roster", "staff.xlsx with a header and no row", [Book(F, [Sheet("附件2", [
    H2,
    ["外国语学院", "微信公众号", "华水外院", "gh_8e9f0a1b2c3d", "黄磊", "赵敏", "13712345678", d(2023, 4, 16)],
    ["外国语学院", "微博", "华水外语", "5123456702", "林晨", "赵敏", "13712345678", d(2023, 4, 11)],
])])], [
    s.p(2, "外国语学院", "华水外院", "wechat_official", 3, "type", acc="gh_8e9f0a1b2c3d", updated=d(2023, 4, 16)),
    s.p(3, "外国语学院", "华水外语", "weibo", 3, "type", acc="5123456702", updated=d(2023, 4, 11)),
], {"header row": 1}, staff_roster="empty"))

# ---------------------------------------------------------------------------------------------- 19
F = "备案信息汇总+电力学院（终版）.xlsx"
s = At(F, "附件2")
case(Case("hidden_sheet", "last year's table left in a hidden sheet", [Book(F, [
    Sheet("附件2", [
        H2,
        ["电力学院", "微信公众号", "华水电力", "gh_5a6b7c8d9e0f", "赵志远", "李娜", "13923456789", d(2023, 4, 20)],
        ["电力学院", "哔哩哔哩", "华水电力", "598765432", "孙浩然", "李娜", "13923456789", d(2023, 4, 6)],
    ]),
    Sheet("2022年备案（旧）", [
        H2,
        ["电力学院", "微信公众号", "华水电力（旧）", "gh_5a6b7c8d9e0f", "赵志远", "李娜", "13923456789", d(2022, 3, 1)],
        ["电力学院", "人人网", "电力学院人人", None, "赵志远", "李娜", "13923456789", d(2014, 6, 1)],
    ], hidden=True),
])], [
    s.p(2, "电力学院", "华水电力", "wechat_official", 3, "type", acc="gh_5a6b7c8d9e0f", updated=d(2023, 4, 20)),
    s.p(3, "电力学院", "华水电力", "bilibili", 6, "type", acc="598765432", updated=d(2023, 4, 6)),
], {"header row": 1, "hidden sheet": 3}))

# ---------------------------------------------------------------------------------------------- 20
F = "备案信息汇总+土木学院.xlsx"
s = At(F, "附件2")
P20 = ["宋洋", "吴磊", "13344445555"]
case(Case("section_rows_as_hints", "type column blank under section rows 一、微信公众号 / 二、微博 / 三、网站",
          [Book(F, [Sheet("附件2", [
              ["单位名称", "平台类型", "平台名称", "账号ID", "网址/链接", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"],
              ["一、微信公众号"],
              ["土木与交通学院", None, "华水土木", "ncwu_tmxy", None, *P20, d(2023, 4, 12)],
              ["土木与交通学院", None, "土木青年", "tmqn2018", None, *P20, d(2023, 4, 13)],
              ["二、微博"],
              ["土木与交通学院", None, "华水土木", 6123456789, None, *P20, d(2023, 4, 14)],
              ["三、网站"],
              ["土木与交通学院", None, "土木学院网站", None, "https://tmjt.ncwu.edu.cn/", *P20, d(2023, 4, 15)],
          ], merged=("A2:I2", "A5:I5", "A7:I7"))])], [
    s.p(3, "土木与交通学院", "华水土木", "wechat_official", 3, "hint", acc="ncwu_tmxy", updated=d(2023, 4, 12)),
    s.p(4, "土木与交通学院", "土木青年", "wechat_official", 3, "hint", acc="tmqn2018", updated=d(2023, 4, 13)),
    s.p(6, "土木与交通学院", "华水土木", "weibo", 3, "hint", acc="6123456789", updated=d(2023, 4, 14)),
    s.p(8, "土木与交通学院", "土木学院网站", "website_campus", 1, "url", url="https://tmjt.ncwu.edu.cn/",
        updated=d(2023, 4, 15)),
], {"header row": 1, "section row": 3}))

# ---------------------------------------------------------------------------------------------- 21
F = "附件3-信工学院.xlsx"
s = At(F, "附件3")
case(Case("account_column_label_as_hint", "Annex 3 with no type column: a 微信号 column says WeChat", [Book(F, [Sheet("附件3", [
    ["姓名", "身份", "公众号名称", "微信号", "联系电话"],
    ["孙强", "教师", "信工孙老师", "sunqiang_xg", "13577778888"],
    ["李思远", "学生", "华水信工小李", "gh_5e6f7a8b9c0d", None],
])])], [
    s.a3(2, "信息工程学院", "信工孙老师", "wechat_official", "hint", acc="sunqiang_xg"),
    s.a3(3, "信息工程学院", "华水信工小李", "wechat_official", "account_id", acc="gh_5e6f7a8b9c0d"),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 22
F = "附件2-土木与交通学院.xlsx"
s = At(F, "附件2")
case(Case("typed_type_contradicts_url", "微博 typed with a WeChat URL, 校内网站 typed with an outside host: typed kept, flagged",
          [Book(F, [Sheet("附件2", [
              ["单位名称", "平台类型", "平台名称", "账号ID", "网址/链接", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"],
              ["土木与交通学院", "微博", "土木学院官方", None, "https://mp.weixin.qq.com/s/T9kLmN3pQ", *P20, d(2023, 4, 12)],
              ["土木与交通学院", "校内网站", "土木学院校友网", None, "https://www.tmjt-alumni.com/", *P20, d(2023, 4, 13)],
              ["土木与交通学院", "抖音", "华水土木", None, "https://www.douyin.com/user/MS4wLjABAAAAtmjt", *P20,
               d(2023, 4, 14)],
              ["土木与交通学院", "网站", "土木学院会议网", None, "https://www.tmjt-conf2023.cn/", *P20, d(2023, 4, 15)],
          ])])], [
    s.p(2, "土木与交通学院", "土木学院官方", "weibo", 3, "type", url="https://mp.weixin.qq.com/s/T9kLmN3pQ",
        updated=d(2023, 4, 12)),
    s.p(3, "土木与交通学院", "土木学院校友网", "website_campus", 2, "type", url="https://www.tmjt-alumni.com/",
        updated=d(2023, 4, 13)),
    s.p(4, "土木与交通学院", "华水土木", "douyin", 6, "type", url="https://www.douyin.com/user/MS4wLjABAAAAtmjt",
        updated=d(2023, 4, 14)),
    s.p(5, "土木与交通学院", "土木学院会议网", "website_external", 2, "type", url="https://www.tmjt-conf2023.cn/",
        updated=d(2023, 4, 15)),
], {"header row": 1}, frozenset({(F, "附件2", 2), (F, "附件2", 3)})))

# ---------------------------------------------------------------------------------------------- 23
F = "备案信息汇总+外院.xlsx"
s = At(F, "附件2")
P23 = ["黄磊", "赵敏", "13712345678"]
case(Case("url_shapes_without_scheme", "weibo.com/…, mp.weixin.qq.com/…, b23.tv/… typed in the account column, no type",
          [Book(F, [Sheet("附件2", [
              ["单位名称", "平台类型", "平台名称", "账号", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"],
              ["外国语学院", None, "华水外院", "weibo.com/ncwuwgy", *P23, d(2023, 4, 12)],
              ["外国语学院", None, "外院青年", "mp.weixin.qq.com/s/Wg7hY2kP", *P23, d(2023, 4, 13)],
              ["外国语学院", None, "外院视频", "b23.tv/AbCd123", *P23, d(2023, 4, 14)],
              ["外国语学院", "微信公众号", "外院之声", "gh_1c2d3e4f5a6b", *P23, d(2023, 4, 15)],
          ])])], [
    s.p(2, "外国语学院", "华水外院", "weibo", 3, "url", url="weibo.com/ncwuwgy", updated=d(2023, 4, 12)),
    s.p(3, "外国语学院", "外院青年", "wechat_official", 3, "url", url="mp.weixin.qq.com/s/Wg7hY2kP",
        updated=d(2023, 4, 13)),
    s.p(4, "外国语学院", "外院视频", "bilibili", 6, "url", url="b23.tv/AbCd123", updated=d(2023, 4, 14)),
    s.p(5, "外国语学院", "外院之声", "wechat_official", 3, "type", acc="gh_1c2d3e4f5a6b", updated=d(2023, 4, 15)),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 24
F = "备案信息汇总+水院.xlsx"
s = At(F, "附件2")
case(Case("dates_and_counts_as_typed", "2016.9.1, 2023年4月12日, 2017/3, a serial number; 1.5万, 3,200, 约800",
          [Book(F, [Sheet("附件2", [
              [*H2[:7], "开通时间", "最近更新时间", "粉丝数"],
              ["水利学院", "微信公众号", "华水水利学院", "gh_3f2a1b4c5d6e", "王建国", "张伟", "13812345678", "2016.9.1",
               "2023年4月12日", "1.5万"],
              ["水利学院", "微博", "水利学院官微", 5345678912, "李明", "张伟", "13812345678", "2017/3", "2023.4.3", "3,200"],
              ["水利学院", "抖音", "华水水利", "dy20190312", "王建国", "张伟", "13812345678", d(2019, 3, 12), 45000, "约800"],
          ])])], [
    s.p(2, "水利学院", "华水水利学院", "wechat_official", 3, "type", acc="gh_3f2a1b4c5d6e", opened=d(2016, 9, 1),
        updated=d(2023, 4, 12), followers=15000),
    s.p(3, "水利学院", "水利学院官微", "weibo", 3, "type", acc="5345678912", opened=d(2017, 3, 1), updated=d(2023, 4, 3),
        followers=3200),
    s.p(4, "水利学院", "华水水利", "douyin", 6, "type", acc="dy20190312", opened=d(2019, 3, 12), updated=d(2023, 3, 15),
        followers=800),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 25
F = "附件3-外語學院.xlsx"
s = At(F, "附件3")
case(Case("traditional_script_annex3", "an Annex 3 in traditional script, file named by the unit's alias 外語學院",
          [Book(F, [Sheet("附件3", [
              ["姓名", "身份", "平臺類型", "賬號名稱", "賬號", "粉絲數"],
              ["趙敏", "教師", "嗶哩嗶哩", "外語趙老師", 398765432, 2300],
              ["陳思雨", "學生", "抖音", "華水外語小陳", "chensiyu_ncwu", 560],
              ["林晨", "教師", "微博", "華水外語林老師", 6456789012, 120],
          ])])], [
    s.a3(2, "外国语学院", "外語趙老師", "bilibili", "type", acc="398765432", followers=2300),
    s.a3(3, "外国语学院", "華水外語小陳", "douyin", "type", acc="chensiyu_ncwu", followers=560),
    s.a3(4, "外国语学院", "華水外語林老師", "weibo", "type", acc="6456789012", followers=120),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 26
F = "备案信息汇总+校图书馆.xlsx"
s = At(F, "附件2")
case(Case("instruction_example_and_signature_rows", "填表说明, an 例： row, a signature line, and QQ空间",
          [Book(F, [Sheet("附件2", [
              ["附件2"],
              TITLE2,
              ["填表说明：1.平台类型填写网站、微信公众号、微博、抖音等；2.最近更新时间请填写具体日期。"],
              H2,
              ["例：XX学院", "微信公众号", "华水XX学院", "gh_xxxxxxxxxxxx", "张某某", "李某某", "138XXXXXXXX", "2023年4月1日"],
              ["图书馆", "微信公众号", "华水图书馆", "gh_7b8c9d0e1f2a", "陈晨", "刘洋", "13598765432", d(2023, 4, 19)],
              ["图书馆", "QQ空间", "华水图书馆", "1357924680", "杨帆", "刘洋", "13598765432", d(2023, 3, 25)],
              [],
              ["单位负责人签字（盖章）：", None, None, None, "填表人：刘洋", None, "日期：2023年4月20日"],
          ], merged=("A2:H2", "A3:H3"))])], [
    s.p(6, "图书馆", "华水图书馆", "wechat_official", 3, "type", acc="gh_7b8c9d0e1f2a", updated=d(2023, 4, 19)),
    s.p(7, "图书馆", "华水图书馆", "qzone", 3, "type", acc="1357924680", updated=d(2023, 3, 25)),
], {"title row": 2, "instruction row": 1, "header row": 1, "example row": 1, "signature row": 1}))

# ---------------------------------------------------------------------------------------------- 27
F = "全校网络媒体平台汇总表.xlsx"
s = At(F, "汇总")
case(Case("consolidated_units_per_row", "one file for many units: aliases in the 单位 column, one unit not on the roster",
          [Book(F, [Sheet("汇总", [
              TITLE2,
              ["序号", "单位", "平台类型", "平台名称", "账号ID", "网址/链接", "主管领导", "运营管理负责人", "联系电话",
               "最近更新时间"],
              [1, "水院", "微信公众号", "华水水利学院", "gh_3f2a1b4c5d6e", None, "王建国", "张伟", "13812345678",
               d(2023, 4, 12)],
              [2, "电院", "微博", "华水电力青年", "5234567890", None, "赵志远", "李娜", "13923456789", d(2023, 3, 30)],
              [3, "马院", "网站", "马克思主义学院网站", None, "https://mkszy.ncwu.edu.cn/", "梁军", "周杰", "13455556666",
               d(2023, 4, 19)],
              [4, "后勤处", "微信公众号", "华水后勤", "gh_9f8e7d6c5b4a", None, "刘强", "陈刚", "13100001111", d(2023, 4, 1)],
          ], merged=("A1:J1",))])], [
    s.p(3, "水利学院", "华水水利学院", "wechat_official", 3, "type", acc="gh_3f2a1b4c5d6e", updated=d(2023, 4, 12)),
    s.p(4, "电力学院", "华水电力青年", "weibo", 3, "type", acc="5234567890", updated=d(2023, 3, 30)),
    s.p(5, "马克思主义学院", "马克思主义学院网站", "website_campus", 1, "type", url="https://mkszy.ncwu.edu.cn/",
        updated=d(2023, 4, 19)),
    s.p(6, None, "华水后勤", "wechat_official", 3, "type", acc="gh_9f8e7d6c5b4a", updated=d(2023, 4, 1)),
], {"title row": 1, "header row": 1}))

# ---------------------------------------------------------------------------------------------- 28
F = "新媒体平台备案汇总（二级单位）.xlsx"
s = At(F, "Sheet1")
case(Case("unit_cells_merged_down", "a consolidated sheet whose 单位名称 cells are merged down over each unit's rows",
          [Book(F, [Sheet("Sheet1", [
              H2,
              ["水利学院", "微信公众号", "华水水利学院", "gh_3f2a1b4c5d6e", "王建国", "张伟", "13812345678", d(2023, 4, 12)],
              [None, "抖音", "华水水利", "dy20190312", "王建国", "张伟", "13812345678", d(2023, 4, 2)],
              [None, "微博", "水利学院官微", "5345678912", "李明", "张伟", "13812345678", d(2023, 4, 3)],
              ["电力学院", "微信公众号", "华水电力", "gh_5a6b7c8d9e0f", "赵志远", "李娜", "13923456789", d(2023, 4, 20)],
              [None, "快手", "华水电力", "ks2021dl", "孙浩然", "李娜", "13923456789", d(2023, 4, 1)],
          ], merged=("A2:A4", "A5:A6"))])], [
    s.p(2, "水利学院", "华水水利学院", "wechat_official", 3, "type", acc="gh_3f2a1b4c5d6e", updated=d(2023, 4, 12)),
    s.p(3, "水利学院", "华水水利", "douyin", 6, "type", acc="dy20190312", updated=d(2023, 4, 2)),
    s.p(4, "水利学院", "水利学院官微", "weibo", 3, "type", acc="5345678912", updated=d(2023, 4, 3)),
    s.p(5, "电力学院", "华水电力", "wechat_official", 3, "type", acc="gh_5a6b7c8d9e0f", updated=d(2023, 4, 20)),
    s.p(6, "电力学院", "华水电力", "kuaishou", 6, "type", acc="ks2021dl", updated=d(2023, 4, 1)),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 29
F = "备案信息汇总+团委.xlsx"
s, s2 = At(F, "平台备案"), At(F, "个人账号")
case(Case("both_annexes_new_labels", "平台备案 and 个人账号 sheets headed 平台/名称/链接 and 平台/昵称/主页; QQ频道",
          [Book(F, [
              Sheet("平台备案", [
                  ["单位", "平台", "名称", "链接", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"],
                  ["校团委", "微信公众号", "华水青年", None, "郑欣", "冯雪", "13511223344", d(2023, 4, 17)],
                  ["校团委", "QQ频道", "华水青年", "https://pd.qq.com/s/ncwuqn", "冯涛", "冯雪", "13511223344",
                   d(2023, 4, 18)],
              ]),
              Sheet("个人账号", [
                  ["姓名", "身份", "平台", "昵称", "主页"],
                  ["冯雪", "教师", "抖音", "华水冯老师", None],
                  ["李想", "学生", "小红书", "华水团委小李", None],
              ]),
          ])], [
    s.p(2, "校团委", "华水青年", "wechat_official", 3, "type", updated=d(2023, 4, 17)),
    s.p(3, "校团委", "华水青年", "qq_channel", 3, "type", url="https://pd.qq.com/s/ncwuqn", updated=d(2023, 4, 18)),
    s2.a3(2, "校团委", "华水冯老师", "douyin", "type"),
    s2.a3(3, "校团委", "华水团委小李", "xiaohongshu", "type"),
], {"header row": 2}))

# ---------------------------------------------------------------------------------------------- 30
F = "附件3-马克思主义学院.xlsx"
s = At(F, "附件3")
case(Case("annex3_open_platform_label", "Annex 3 typed under 开设平台: 抖音号, 快手号, 微信视频号, 知乎", [Book(F, [Sheet("附件3", [
    ["所在单位", "姓名", "身份", "开设平台", "账号名称", "账号ID", "粉丝数"],
    ["马克思主义学院", "周杰", "教师", "抖音号", "马院周老师讲党史", "zhoujie_mks", 12000],
    ["马克思主义学院", "刘畅", "学生", "快手号", "华水马院小刘", "ks88776655", 300],
    ["马克思主义学院", "罗文", "教师", "微信视频号", "马院罗老师", "sphLw2022", None],
    ["马克思主义学院", "王一鸣", "学生", "知乎", "华水马院王同学", "wang-yiming-ncwu", 45],
])])], [
    s.a3(2, "马克思主义学院", "马院周老师讲党史", "douyin", "type", acc="zhoujie_mks", followers=12000),
    s.a3(3, "马克思主义学院", "华水马院小刘", "kuaishou", "type", acc="ks88776655", followers=300),
    s.a3(4, "马克思主义学院", "马院罗老师", "wechat_channels", "type", acc="sphLw2022"),
    s.a3(5, "马克思主义学院", "华水马院王同学", "zhihu", "type", acc="wang-yiming-ncwu", followers=45),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 31
F = "备案信息汇总+图书馆（网站）.xlsx"
s = At(F, "附件2")
case(Case("websites_placed_by_host", "网站 with no URL (campus), 门户网站 on an outside host, 专题网站 under ncwu.edu.cn",
          [Book(F, [Sheet("附件2", [
              ["单位名称", "平台类型", "平台名称", "网址/链接", "主管领导", "运营管理负责人", "联系电话", "最近更新时间"],
              ["图书馆", "网站", "图书馆信息门户", None, "陈晨", "刘洋", "13598765432", d(2023, 4, 18)],
              ["图书馆", "门户网站", "图书馆数字资源站", "https://www.ncwu-lib.net/", "陈晨", "刘洋", "13598765432",
               d(2023, 4, 17)],
              ["图书馆", "专题网站", "读书月专题", "https://lib.ncwu.edu.cn/dsy/", "杨帆", "刘洋", "13598765432",
               d(2023, 4, 16)],
          ])])], [
    s.p(2, "图书馆", "图书馆信息门户", "website_campus", 1, "type", updated=d(2023, 4, 18)),
    s.p(3, "图书馆", "图书馆数字资源站", "website_external", 2, "type", url="https://www.ncwu-lib.net/",
        updated=d(2023, 4, 17)),
    s.p(4, "图书馆", "读书月专题", "website_campus", 1, "type", url="https://lib.ncwu.edu.cn/dsy/", updated=d(2023, 4, 16)),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 32
F = "备案信息汇总+马院.xlsx"
s = At(F, "附件2")
case(Case("weibo_sheet_uid_column", "a 微博 sheet of one unit: UID and 昵称 columns, no type column",
          [Book(F, [Sheet("微博", [
              ["UID", "昵称", "主管领导", "运营管理负责人", "联系电话", "最近更新时间", "粉丝数"],
              [7012345678, "华水马院", "罗文", "周杰", "13455556666", d(2023, 4, 10), 15600],
              [7012345679, "马院青年", "梁军", "周杰", "13455556666", d(2023, 4, 11), 2300],
          ])])], [
    At(F, "微博").p(2, "马克思主义学院", "华水马院", "weibo", 3, "hint", acc="7012345678", updated=d(2023, 4, 10),
                  followers=15600),
    At(F, "微博").p(3, "马克思主义学院", "马院青年", "weibo", 3, "hint", acc="7012345679", updated=d(2023, 4, 11),
                  followers=2300),
], {"header row": 1}))

# ---------------------------------------------------------------------------------------------- 33 (.xls)
F = "备案信息汇总+图书馆.xls"
s = At(F, "附件2")
case(Case("xls_annex2_with_hidden_sheet", "an .xls (BIFF8): title rows, dates, an id typed as a number, a merged title, "
          "last year's sheet hidden", [Book(F, [
              Sheet("附件2", [
                  ["附件2"],
                  TITLE2,
                  H2 + ["粉丝数"],
                  ["图书馆", "微信公众号", "华水图书馆", "gh_7b8c9d0e1f2a", "陈晨", "刘洋", "13598765432", d(2023, 4, 19), 25600],
                  ["图书馆", "微博", "华水图书馆", 5123456703, "杨帆", "刘洋", "13598765432", d(2023, 4, 8), 8700],
                  ["图书馆", "网站", "图书馆主页", "https://lib.ncwu.edu.cn/", "杨帆", "刘洋", "13598765432", d(2023, 4, 20),
                   None],
              ], merged=("A2:I2",)),
              Sheet("2022年", [H2, ["图书馆", "微信公众号", "华水图书馆", "gh_7b8c9d0e1f2a", "陈晨", "刘洋", "13598765432",
                                   d(2022, 4, 1)]], hidden=True),
          ])], [
    s.p(4, "图书馆", "华水图书馆", "wechat_official", 3, "type", acc="gh_7b8c9d0e1f2a", updated=d(2023, 4, 19),
        followers=25600),
    s.p(5, "图书馆", "华水图书馆", "weibo", 3, "type", acc="5123456703", updated=d(2023, 4, 8), followers=8700),
    s.p(6, "图书馆", "图书馆主页", "website_campus", 1, "type", url="https://lib.ncwu.edu.cn/", updated=d(2023, 4, 20)),
], {"title row": 2, "header row": 1, "hidden sheet": 2}))

# ---------------------------------------------------------------------------------------------- 34 (.xls)
F = "附件3-电力学院.xls"
s = At(F, "Sheet1")
case(Case("xls_annex3_new_labels", "an .xls Annex 3 headed 姓名/身份/平台/昵称/主页, a blank type known by its URL",
          [Book(F, [Sheet("Sheet1", [
              ["姓名", "身份", "平台", "昵称", "主页"],
              ["李娜", "教师", "抖音", "华水电力李老师", None],
              ["张子涵", "学生", None, "电力学院小张", "https://space.bilibili.com/77889900"],
              ["孙浩然", "教师", "视频号", "电院孙老师", None],
          ])])], [
    s.a3(2, "电力学院", "华水电力李老师", "douyin", "type"),
    s.a3(3, "电力学院", "电力学院小张", "bilibili", "url", url="https://space.bilibili.com/77889900"),
    s.a3(4, "电力学院", "电院孙老师", "wechat_channels", "type"),
], {"header row": 1}))
