"""The synthetic season as data: units, people, clean rows and planted violations (no files yet).

Every row is a :class:`Rec` holding the canonical (normalised) values the ingest must recover plus
``rules``: the rules it was planted to break (empty for clean rows). Rows are checked against the rule
definitions of docs/rules.md while they are built (see ``_assert_clean``), so a clean row cannot break a
rule by accident.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from pypinyin import Style, lazy_pinyin

from netmedia.config import Config

from . import _vocab as V

STATUS_RUNNING = ("正常", "正常运行", "在用", "更新中", "运行", "正常使用")
STATUS_STOPPED = ("停用", "不再使用")
STATUS_CLOSED = ("已注销", "已关停")
MOBILE_RE_PREFIX = "3456789"

# Planted rows per 60 units (scaled by round(n_units / 60), at least 1): (rule(s), kind, count), from demo.toml.
PLATFORM_PLANTS = tuple((tuple(rules), kind, n) for rules, kind, n in V.demo_data()["platform_plants"])
PERSONAL_PLANTS = tuple((tuple(rules), kind, n) for rules, kind, n in V.demo_data()["personal_plants"])
GROUP_PLANTS = tuple((tuple(rules), kind, n) for rules, kind, n in V.demo_data()["group_plants"])
GROUP_SHARE = 0.5  # the share of submitting units that list groups (1-3 clean ones each)
DUPLICATE_GROUPS = (("cross_unit", 1), ("within_unit", 1))  # each group is 2 rows, every row a finding
COMPLETE_UNITS = 1
LATE_UNITS = 2

SEVERITY = {"R-scope": "warning", "R-deadline": "warning", "R-group-size": "warning"}

HOMOPHONES = ("滑水", "花水", "哗水", "花北水利水电大学")  # of 华水 / 华北水利水电大学 (checked at build)
SCOPELESS = ("周末去爬山", "猫咪日常", "考研上岸日记", "小城故事多", "一起看日落", "晚风读书会", "厨房小白记",
             "胶片与远方", "每天背单词", "跑步的人")
PERSONAL_SUFFIX = ("说", "的日常", "随手拍", "摄影", "读书笔记", "跑步日记", "Vlog", "考研记", "聊英语", "科普",
                   "看世界", "的小站")
UNIT_SITE_SUFFIX = ("网站", "官网", "新闻网", "主页", "信息网", "专题网")
UNIT_MEDIA_SUFFIX = ("", "发布", "新闻", "之声", "官方", "资讯", "在线")
STUDENT_ORGS = ("团委", "学生会", "研究生会", "青年志愿者协会", "学生党支部", "团总支")


@dataclass
class Unit:
    idx: int
    name: str
    kind: str
    aliases: tuple[str, ...]
    code: str
    party_head: str = ""
    admin_head: str = ""
    deputy: str = ""
    titles: tuple[str, str, str] = ("", "", "")
    staff: list[str] = field(default_factory=list)

    @property
    def canon(self) -> str:
        """The name as the truth (and the ingest) spell it: NFKC of the roster name."""
        return unicodedata.normalize("NFKC", self.name)

    @property
    def student_org(self) -> bool:
        return self.kind == "学生组织"


@dataclass
class Rec:
    table: str  # platforms | personal_accounts | groups
    unit: Unit
    v: dict
    force: dict = field(default_factory=dict)  # canonical column -> exact cell to write (kind, value)
    rules: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass
class Person:
    name: str
    staff_id: str | None
    unit: str
    status: str | None  # 在职/退休/离职; None for students (not on the roster)


@dataclass
class Season:
    cfg: Config
    units: list[Unit]
    people: list[Person]
    recs: dict[str, list[Rec]]  # unit name -> rows (both tables)
    missing: list[str]  # R-complete units
    late: list[str]  # R-deadline units (order: eml first, then 填表日期)
    tags: Counter
    index: V.NameIndex
    groups: dict[str, list[Rec]] = field(default_factory=dict)  # unit name -> its internet groups (Annex 4)


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


class Builder:
    def __init__(self, cfg: Config, rng: random.Random, *, n_units: int, violations: bool, messy: bool,
                 rows_per_unit: tuple[int, int], personal_per_unit: tuple[int, int],
                 group_rng: random.Random | None = None):
        self.cfg, self.rng, self.messy, self.violations = cfg, rng, messy, violations
        # groups are drawn from their own stream: the platform rows of a seed stay what they were without them
        self.group_rng = group_rng or random.Random(0)
        self.n_units = n_units
        self.rows_per_unit, self.personal_per_unit = rows_per_unit, personal_per_unit
        self.scale = max(1, round(n_units / 60))
        ins = cfg.institution
        self.domain = ins.domains[0] if ins.domains else "example.edu.cn"
        self.school_short = ins.short_zh[0] if ins.short_zh else ins.name_zh
        self.cutoff = cfg.zombie_cutoff
        self.ref = cfg.round.reference_date
        self.org_kinds, self.org_words = V.STUDENT_ORG_KINDS, V.STUDENT_ORG_WORDS
        self.used_names: set[str] = set()
        self.used_ids: set[str] = set()
        self.used_urls: set[str] = set()
        self.tags: Counter = Counter()
        self.carry: list[dict] = []  # platforms of an earlier generated round to list again
        self.people: list[Person] = []
        self.students: list[str] = []
        self.units = self._units()
        self.staff_status = {p.name: p.status for p in self.people}
        self.index = V.NameIndex((ins.name_zh, *ins.short_zh), (ins.name_en, *ins.short_en),
                                 [n for u in self.units for n in (u.name, *u.aliases)])
        self._check_units()

    # ---- people and units -------------------------------------------------------------------------
    def new_name(self, rng: random.Random | None = None) -> str:
        """A person's name not used yet, drawn from ``rng`` (default: the season's own stream)."""
        r = rng or self.rng
        while True:
            n = r.choice(V.SURNAMES) + r.choice(V.GIVEN) + (r.choice(V.GIVEN) if r.random() < 0.6 else "")
            if n not in self.used_names:
                self.used_names.add(n)
                return n

    def _staff(self, unit: str, status: str = "在职") -> str:
        n = self.new_name()
        self.people.append(Person(n, f"{2000 + len(self.people) % 23}{len(self.people) + 1:05d}", unit, status))
        return n

    def student(self) -> str:
        n = self.new_name()
        self.students.append(n)
        return n

    def _units(self) -> list[Unit]:
        specs = [V.REAL_UNITS[i] if i < len(V.REAL_UNITS) else V.synthetic_unit(i - len(V.REAL_UNITS) + 1)
                 for i in range(self.n_units)]
        units, codes = [], set()
        for i, (name, kind, aliases) in enumerate(specs):
            code = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
            code = "".join(ch for ch in code if ch.isascii() and ch.isalnum()) or "u"
            if code in codes:
                code = f"{code}{i}"
            codes.add(code)
            u = Unit(i, name, kind, aliases, code, titles=V.HEAD_TITLES[kind])
            u.party_head, u.admin_head, u.deputy = self._staff(name), self._staff(name), self._staff(name)
            u.staff = [self._staff(name) for _ in range(3)]
            units.append(u)
        # retired / departed staff (R-operator plants), kept on the roster
        self.retired = [self._staff(self.rng.choice(units).name, "退休") for _ in range(2 + self.n_units // 20)]
        self.departed = [self._staff(self.rng.choice(units).name, "离职") for _ in range(2 + self.n_units // 20)]
        return units

    def _check_units(self) -> None:
        seen: dict[str, str] = {}
        for u in self.units:
            for n in (u.name, *u.aliases):
                assert n not in seen, f"unit name/alias {n} used twice"
                seen[n] = u.name
                if not u.student_org:
                    assert not V.has_keyword(n, self.org_words), f"unit name {n} carries a student-org keyword"
                # names and aliases must not be homophones of one another
                hp = [h for h in self.index.homophones(n) if h[0] == n]
                assert not hp, f"unit names {hp} share a pinyin"

    # ---- values ----------------------------------------------------------------------------------
    def mobile(self) -> str:
        r = self.rng
        return "1" + r.choice(MOBILE_RE_PREFIX) + "".join(r.choice("0123456789") for _ in range(9))

    def phone(self) -> str:
        if self.rng.random() < 0.1:
            return f"0371-{self.rng.randint(60000000, 69999999)}"
        return self.mobile()

    def clean_date(self) -> dt.date:
        lo = self.cutoff + dt.timedelta(days=7)
        return lo + dt.timedelta(days=self.rng.randint(0, max(0, (self.ref - lo).days)))

    def old_date(self) -> dt.date:
        return self.cutoff - dt.timedelta(days=self.rng.randint(8, 500))

    def followers(self) -> int | None:
        r = self.rng.random()
        if r < 0.15:
            return None
        if r < 0.6:
            return self.rng.randint(30, 9999)
        return self.rng.randint(100, 3000) * 100

    def account_id(self, cat: str) -> str:
        r = self.rng
        while True:
            if cat == "wechat_official":
                a = "gh_" + "".join(r.choice("0123456789abcdef") for _ in range(12))
            elif cat in ("weibo", "bilibili"):
                a = str(r.randint(1_000_000_000, 7_999_999_999) if cat == "weibo" else r.randint(10_000_000, 999_999_999))
            elif cat == "qzone":
                a = str(r.randint(100_000_000, 3_999_999_999))
            elif cat == "wechat_miniprogram":
                a = "wx" + "".join(r.choice("0123456789abcdef") for _ in range(16))
            elif cat == "wechat_channels":
                a = "sph" + "".join(r.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(9))
            elif cat == "douyin":
                a = "dy" + str(r.randint(10_000_000, 99_999_999))
            elif cat == "kuaishou":
                a = "ks" + str(r.randint(100_000_000, 999_999_999))
            elif cat == "live_streaming":
                a = str(r.randint(100_000, 9_999_999))
            else:
                a = cat[:2] + "_" + "".join(r.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(10))
            if a.lower() not in self.used_ids:
                self.used_ids.add(a.lower())
                return a

    def url(self, u: Unit, campus: bool) -> str:
        r = self.rng
        for attempt in range(1_000_000):
            path = r.choice(("", "", "xwzx/", "zt/" + r.choice(("dsxx", "xsjy", "jyzd", "gcc", "zsxx")) + "/"))
            if attempt > 5:  # the common paths are taken: a numbered topic site
                path = f"zt/{r.choice(('dsxx', 'xsjy', 'jyzd', 'gcc', 'zsxx', 'xw', 'ky'))}{r.randint(1, 9999)}/"
            if campus:
                host = (f"{u.code}.{self.domain}" if r.random() < 0.7 else f"www.{u.code}.{self.domain}")
            else:
                host = r.choice((f"www.{u.code}{r.randint(1, 99)}.cn", f"{u.code}-{r.randint(1, 99)}.com",
                                 f"{u.code}{r.randint(1, 99)}.org.cn"))
            url = f"{r.choice(('http', 'https'))}://{host}/{path}"
            key = dup_key({"category": "", "url": url})[1]
            if key not in self.used_urls:
                self.used_urls.add(key)
                return url
        raise AssertionError("no free URL")

    def type_text(self, cat: str) -> str:
        if not self.messy:
            return V.TYPE_TEXTS[cat][0]
        return self.rng.choice(V.TYPE_TEXTS[cat])

    # ---- rows ------------------------------------------------------------------------------------
    def owner_kind(self, u: Unit, name: str) -> str:
        return "student_org" if u.kind in self.org_kinds or V.has_keyword(name, self.org_words) else "unit"

    def platform(self, u: Unit, cat: str | None = None, *, org: bool | None = None) -> Rec:
        r = self.rng
        if cat is None:
            cat = r.choices([c for c, _ in V.PLATFORM_MIX], [w for _, w in V.PLATFORM_MIX])[0]
        if org is None:
            org = u.kind == "学院" and r.random() < 0.2
        website = cat.startswith("website")
        unit_word = u.name if not u.aliases or r.random() < 0.7 else r.choice(u.aliases)
        prefix = r.choice(("", "", self.school_short, self.cfg.institution.name_zh)) if not website else ""
        middle = (unit_word + r.choice(STUDENT_ORGS)) if org else unit_word
        suffix = r.choice(UNIT_SITE_SUFFIX if website else UNIT_MEDIA_SUFFIX)
        name = prefix + middle + suffix
        type_text = self.type_text(cat)
        url = self.url(u, cat == "website_campus") if website else None
        if url is None and cat in ("weibo", "bilibili") and r.random() < 0.3:
            pass  # an account URL is added below once the id is known
        acc = None if website else self.account_id(cat)
        if acc and cat == "weibo" and r.random() < 0.3:
            url = f"https://weibo.com/u/{acc}"
        elif acc and cat == "bilibili" and r.random() < 0.3:
            url = f"https://space.bilibili.com/{acc}"
        sup_i = r.randrange(2)
        status_raw = r.choice(STATUS_RUNNING) if r.random() < 0.75 else None
        last = self.clean_date()
        if r.random() < 0.04:
            status_raw, last = r.choice(STATUS_CLOSED), self.old_date()
        opened = dt.date(r.randint(2012, 2022), r.randint(1, 12), r.randint(1, 28)) if r.random() < 0.8 else None
        v = {
            "owner_kind": self.owner_kind(u, name), "category": cat,
            "platform_class": V.platform_class(cat, url, self.cfg.institution.domains), "platform_type_raw": type_text, "platform_name": name, "account_id": acc, "url": url,
            "supervisor": (u.party_head, u.admin_head)[sup_i], "supervisor_title": u.titles[sup_i],
            "operator": r.choice(u.staff), "operator_phone": self.phone(), "opened_on": opened,
            "last_updated_on": last, "followers": self.followers(), "status": _status(status_raw),
            "status_raw": status_raw, "remarks": r.choice(V.demo_data()["platform_remarks"]) if r.random() < 0.1 else None,
        }
        return Rec("platforms", u, v)

    def personal_name(self, u: Unit, staff: bool, holder: str) -> str:
        r, ins = self.rng, self.cfg.institution
        for _ in range(50):
            k = r.random()
            surname = holder[0]
            if k < 0.3:
                name = self.school_short + surname + ("老师" if staff else "同学") + r.choice(("", *PERSONAL_SUFFIX))
            elif k < 0.6:
                name = r.choice((u.name, *u.aliases)) + r.choice(("小", "老", "")) + surname + r.choice(PERSONAL_SUFFIX)
            elif k < 0.8 and ins.short_en:
                en = ins.short_en[0]
                en = r.choice((en, en.lower(), en.capitalize(), en[:2].lower() + en[2:]))
                name = en + r.choice(("_", "", "·")) + "".join(lazy_pinyin(holder)) + r.choice(("", "", "的小站"))
            elif k < 0.9:
                trad = ins.name_zh.translate(_TO_TRAD)
                if trad == ins.name_zh:
                    continue
                name = trad + r.choice(PERSONAL_SUFFIX)
            else:
                name = r.choice(PERSONAL_SUFFIX) + "@" + r.choice((self.school_short, u.name))
            if self.index.carries_name(name) and not self.index.homophones(name) and not _defamed(name, self.cfg):
                return name
        raise AssertionError(f"could not build a clean personal account name for {u.name}")

    def personal(self, u: Unit) -> Rec:
        r = self.rng
        staff = r.random() < 0.55
        holder = r.choice([*u.staff, u.deputy]) if staff else self.student()
        cat = r.choices([c for c, _ in V.PERSONAL_MIX], [w for _, w in V.PERSONAL_MIX])[0]
        role_raw = r.choice(("教职工", "教师", "辅导员", "职工") if staff else ("学生", "本科生", "研究生"))
        acc = self.account_id(cat) if r.random() < 0.85 else None
        v = {
            "holder_name": holder, "holder_role": "staff" if staff else "student", "holder_role_raw": role_raw,
            "category": cat, "platform_class": V.CLASS_OF[cat], "platform_type_raw": self.type_text(cat),
            "platform_name": self.personal_name(u, staff, holder), "account_id": acc, "url": None,
            "followers": self.followers(), "last_updated_on": self.clean_date() if r.random() < 0.5 else None,
            "phone": self.mobile() if r.random() < 0.7 else None, "remarks": None,
        }
        return Rec("personal_accounts", u, v)

    # ---- planted violations ------------------------------------------------------------------------
    def plant_platform(self, u: Unit, rules: tuple[str, ...], kind: str) -> Rec:
        r = self.rng
        if kind in ("external_on_campus", "campus_on_external"):
            cat = "website_external" if kind == "external_on_campus" else "website_campus"
            rec = self.platform(u, cat, org=False)
            rec.v["url"] = self.url(u, campus=cat == "website_external")
            rec.v["platform_type_raw"] = r.choice(V.EXPLICIT_SITE[cat])
            rec.v["platform_class"] = V.platform_class(cat, rec.v["url"], self.cfg.institution.domains)
        else:
            rec = self.platform(u)
        v = rec.v
        if kind == "no_phone":
            v["operator_phone"] = None
            rec.force["operator_phone"] = ("s", r.choice(("", " ")))
        elif kind == "no_update":
            v["last_updated_on"] = None
            rec.force["last_updated_on"] = ("s", "")
        elif kind == "update_text":
            text = r.choice(("不定期", "至今"))
            v["last_updated_on"] = None
            rec.force["last_updated_on"] = ("s", text)
        elif kind in ("old", "day_before_cutoff", "stopped_old", "stopped"):
            if kind == "stopped":
                v["last_updated_on"] = self.clean_date()
            else:
                v["last_updated_on"] = self.cutoff - dt.timedelta(days=1) if kind == "day_before_cutoff" else self.old_date()
            if kind.startswith("stopped"):
                v["status_raw"] = r.choice(STATUS_STOPPED)
            elif v["status_raw"] in STATUS_CLOSED:
                v["status_raw"] = None
            v["status"] = _status(v["status_raw"])
            if kind == "day_before_cutoff":
                rec.force["last_updated_on"] = ("d", v["last_updated_on"])
        elif kind == "deputy":
            v["supervisor"], v["supervisor_title"] = u.deputy, u.titles[2]
        elif kind == "stranger":
            v["supervisor"], v["supervisor_title"] = self.student(), r.choice(("书记", "主任", None))
        elif kind == "student":
            v["operator"] = self.student()
        elif kind == "retired":
            v["operator"] = r.choice(self.retired)
        elif kind == "departed":
            v["operator"] = r.choice(self.departed)
        elif kind == "short":
            p = self.mobile()[:10]
            v["operator_phone"] = p
            rec.force["operator_phone"] = ("s", p)
        elif kind == "letters":
            p = self.mobile()
            p = p[:3] + r.choice(("abcd", "O", "xx")) + p[7:]
            v["operator_phone"] = p
            rec.force["operator_phone"] = ("s", p)
        rec.rules, rec.tags = rules, (kind,)
        return rec

    def plant_personal(self, u: Unit, rules: tuple[str, ...], kind: str) -> Rec:
        r = self.rng
        rec = self.personal(u)
        v = rec.v
        if kind == "homophone":
            v["platform_name"] = r.choice(HOMOPHONES) + r.choice(PERSONAL_SUFFIX)
        elif kind == "defamatory":
            words = self.cfg.defamatory_words or ("垃圾",)
            v["platform_name"] = self.school_short + r.choice(words) + r.choice(("吐槽", "内幕", "爆料"))
        elif kind == "no_name":
            v["platform_name"] = r.choice(SCOPELESS)
        elif kind == "no_holder":
            v["holder_name"] = None
            rec.force["holder_name"] = ("s", "")
        elif kind == "bad_phone":
            p = self.mobile()[:9]
            v["phone"] = p
            rec.force["phone"] = ("s", p)
        rec.rules, rec.tags = rules, (kind,)
        return rec

    # ---- the season --------------------------------------------------------------------------------
    def build(self) -> Season:
        r = self.rng
        units = self.units
        s = self.scale
        missing: list[str] = []
        if self.violations and len(units) >= 3:
            missing = [u.name for u in r.sample(units, min(COMPLETE_UNITS * s, len(units) - 2))]
        submitting = [u for u in units if u.name not in missing]
        recs: dict[str, list[Rec]] = {u.name: [] for u in submitting}
        for u in submitting:
            recs[u.name] += [self.platform(u) for _ in range(r.randint(*self.rows_per_unit))]
            recs[u.name] += [self.personal(u) for _ in range(r.randint(*self.personal_per_unit))]
        by_canon = {u.canon: u for u in submitting}
        for prev in self.carry:
            u = by_canon.get(prev["unit"])
            if u is None or prev["category"] not in V.TYPE_TEXTS:
                continue
            rec = self.platform(u, prev["category"])
            rec.v["account_id"], rec.v["platform_name"] = prev["account_id"], prev["platform_name"]
            rec.v["owner_kind"] = self.owner_kind(u, prev["platform_name"])
            rec.tags = ("carried_over_from_previous",)
            recs[u.name].append(rec)
        late: list[str] = []
        if submitting:
            # a clean row updated exactly on the cutoff date (passes R-zombie)
            rec = self.platform(r.choice(submitting))
            rec.v["last_updated_on"], rec.v["status_raw"] = self.cutoff, "正常"
            rec.v["status"] = "running"
            rec.force["last_updated_on"] = ("d", self.cutoff)
            rec.tags = ("on_cutoff",)
            recs[rec.unit.name].append(rec)
            # same account id under another category: not a duplicate
            pool = [x for x in _all(recs) if x.table == "platforms" and x.v["category"] == "weibo" and not x.rules]
            if pool:
                src = r.choice(pool)
                twin = self.platform(r.choice(submitting), "bilibili")
                twin.v["account_id"], twin.v["url"] = src.v["account_id"], None
                twin.tags = ("same_id_other_category",)
                recs[twin.unit.name].append(twin)
        if self.violations and submitting:
            for rules, kind, n in PLATFORM_PLANTS:
                for _ in range(n * s):
                    u = r.choice(submitting)
                    recs[u.name].append(self.plant_platform(u, rules, kind))
            for rules, kind, n in PERSONAL_PLANTS:
                for _ in range(n * s):
                    u = r.choice(submitting)
                    recs[u.name].append(self.plant_personal(u, rules, kind))
            self._duplicates(submitting, recs)
            late = [u.name for u in r.sample(submitting, min(LATE_UNITS * s, len(submitting)))]
        for u in submitting:
            r.shuffle(recs[u.name])
        for rec in _all(recs):
            self._assert_rules(rec)
        keys = Counter(dup_key(x.v) for x in _all(recs) if x.table == "platforms")
        for x in _all(recs):
            if x.table == "platforms":
                assert (keys[dup_key(x.v)] > 1) == ("R-duplicate" in x.rules), x.v
        groups = self._groups(submitting)
        for rec in _all(groups):
            self._assert_rules(rec)
        return Season(self.cfg, units, self.people, recs, missing, late, self.tags, self.index, groups)

    # ---- internet groups (Annex 4) -----------------------------------------------------------------
    def group(self, u: Unit, kind: str = "long_term") -> Rec:
        """A clean group of ``u``: at least the threshold's members; a temporary one ends on or after the
        reference date and is still needed (or says nothing)."""
        g, ref = self.group_rng, self.ref
        code, texts, _ = g.choices(V.GROUP_PLATFORMS, [w for *_, w in V.GROUP_PLATFORMS])[0]
        staff = g.random() < 0.7
        owner = g.choice([*u.staff, u.deputy]) if staff else self._group_student()
        role = "staff" if staff else "student"
        created = ref - dt.timedelta(days=g.randint(30, 1500))
        end = ref + dt.timedelta(days=g.randint(0, 200)) if kind == "temporary" else None
        needed = g.choice(("yes", None)) if kind == "temporary" else g.choice(("yes", None, None))
        v = {
            "group_name": g.choice((u.name, *u.aliases)) + g.choice(V.demo_data()["group_name_suffixes"]),
            "group_platform": code, "group_platform_raw": g.choice(texts),
            "purpose": g.choice(V.demo_data()["group_purposes"]),
            "group_kind": kind, "group_kind_raw": g.choice(V.GROUP_KIND_TEXTS[kind]),
            "owner": owner, "owner_role": role, "owner_role_raw": g.choice(V.ROLE_TEXTS[role]),
            "member_count": g.randint(self.cfg.thresholds.group_min_members, 600),
            "created_on": created, "end_on": end,
            "still_needed": needed, "still_needed_raw": g.choice(V.STILL_NEEDED_TEXTS[needed]) if needed else None,
            "remarks": None,
        }
        return Rec("groups", u, v)

    def _group_student(self) -> str:
        n = self.new_name(self.group_rng)
        self.students.append(n)
        return n

    def _needed(self, v: dict, answer: str | None) -> None:
        v["still_needed"] = answer
        v["still_needed_raw"] = self.group_rng.choice(V.STILL_NEEDED_TEXTS[answer]) if answer else None

    def plant_group(self, u: Unit, rules: tuple[str, ...], kind: str) -> Rec:
        g, ref = self.group_rng, self.ref
        rec = self.group(u, "temporary" if kind in ("expired", "not_needed", "small_expired") else
                         g.choice(("long_term", "temporary")))
        v = rec.v
        if kind in ("small", "small_expired"):
            v["member_count"] = g.randint(2, self.cfg.thresholds.group_min_members - 1)
        if kind in ("expired", "small_expired"):
            v["end_on"] = ref - dt.timedelta(days=g.randint(1, 300))
            v["created_on"] = v["end_on"] - dt.timedelta(days=g.randint(30, 400))
            self._needed(v, g.choice(("yes", "no", None)))
        elif kind == "not_needed":
            v["end_on"] = g.choice((None, ref + dt.timedelta(days=g.randint(0, 90))))
            self._needed(v, "no")
        elif kind == "no_owner":
            v["owner"], v["owner_role"], v["owner_role_raw"] = None, None, None
            rec.force["owner"] = ("s", "")
        rec.rules, rec.tags = rules, (f"group_{kind}",)
        return rec

    def _groups(self, submitting: list[Unit]) -> dict[str, list[Rec]]:
        """Each submitting unit's groups: clean ones for about :data:`GROUP_SHARE` of the units, the season's
        edge cases (a temporary group ending on the reference date, one of exactly the threshold's members, a
        long-term group marked not needed: no rule) and, with violations, the planted ones."""
        g = self.group_rng
        out: dict[str, list[Rec]] = {u.name: [] for u in submitting}
        if not submitting:
            return out
        for u in submitting:
            if g.random() < GROUP_SHARE:
                out[u.name] += [self.group(u, g.choice(("long_term", "long_term", "temporary")))
                                for _ in range(g.randint(1, 3))]
        edge = self.group(g.choice(submitting), "temporary")
        edge.v["end_on"], edge.tags = self.ref, ("group_ends_on_reference_date",)
        at = self.group(g.choice(submitting))
        at.v["member_count"], at.tags = self.cfg.thresholds.group_min_members, ("group_at_threshold",)
        kept = self.group(g.choice(submitting))
        self._needed(kept.v, "no")
        kept.tags = ("long_term_group_not_needed",)
        for rec in (edge, at, kept):
            out[rec.unit.name].append(rec)
        if self.violations:
            for rules, kind, n in GROUP_PLANTS:
                for _ in range(n * self.scale):
                    u = g.choice(submitting)
                    out[u.name].append(self.plant_group(u, rules, kind))
        for rows in out.values():
            g.shuffle(rows)
        return out

    def _duplicates(self, submitting: list[Unit], recs: dict[str, list[Rec]]) -> None:
        r = self.rng
        # the candidate sources, built once (rebuilding them per group was quadratic in the season's size):
        # a chosen source leaves the pool, the copies never enter it (they are planted rows)
        pool = [x for x in _all(recs) if x.table == "platforms" and not x.rules and not x.tags
                and x.v["account_id"] and x.v["status"] != "closed"]
        for kind, n in DUPLICATE_GROUPS:
            for _ in range(n * self.scale):
                if kind == "cross_unit" and len(submitting) < 2:
                    continue
                if not pool:
                    continue
                i = r.randrange(len(pool))  # consumes the generator as r.choice(pool) did
                src = pool.pop(i)
                if kind == "cross_unit":
                    other = r.choice([u for u in submitting if u is not src.unit])
                    copy = self.platform(other, src.v["category"])
                    copy.v["platform_name"] = src.v["platform_name"]
                    copy.v["owner_kind"] = self.owner_kind(other, src.v["platform_name"])
                else:
                    copy = self.platform(src.unit, src.v["category"])
                    if src.v["category"] in V.TYPE_TEXTS and self.messy:
                        copy.v["platform_type_raw"] = r.choice(V.TYPE_TEXTS[src.v["category"]])
                copy.v["account_id"], copy.v["url"] = src.v["account_id"], src.v["url"]
                for x in (src, copy):
                    x.rules, x.tags = ("R-duplicate",), (f"duplicate_{kind}",)
                recs[copy.unit.name].append(copy)

    # ---- self-check against docs/rules.md -----------------------------------------------------------
    def _assert_rules(self, rec: Rec) -> None:
        found = set(rule_failures(rec.v, rec.table, rec.unit, self))
        want = set(rec.rules) - {"R-duplicate"}
        assert found == want, f"row {rec.v.get('platform_name')} ({rec.tags}): planted {want}, rules find {found}"


_TO_TRAD = str.maketrans({"华": "華", "电": "電", "学": "學"})


def _status(raw: str | None) -> str:
    if not raw:
        return "unknown"
    if raw in STATUS_CLOSED:
        return "closed"
    if raw in STATUS_STOPPED:
        return "stopped"
    return "running" if raw in STATUS_RUNNING else "unknown"


def _defamed(name: str, cfg: Config) -> bool:
    return any(w in name for w in cfg.defamatory_words)


def _all(recs: dict[str, list[Rec]]):
    for rows in recs.values():
        yield from rows


def is_phone(p: str) -> bool:
    return bool(re.fullmatch(r"1[3-9]\d{9}", p) or re.fullmatch(r"0\d{2,3}-\d{7,8}", p))


def dup_key(v: dict) -> tuple[str, str]:
    """R-duplicate key: (category, account_id | URL without scheme/www/trailing slash | platform_name)."""
    if v.get("account_id"):
        return v["category"], "id:" + V.norm_text(v["account_id"])
    if v.get("url"):
        u = re.sub(r"^[a-z]+://", "", v["url"].strip().lower())
        return v["category"], "url:" + re.sub(r"^www\.", "", u).rstrip("/")
    return v["category"], "name:" + V.norm_text(v["platform_name"] or "")


def rule_failures(v: dict, table: str, u: Unit, b: Builder) -> list[str]:
    """Row-level rules of docs/rules.md (all but R-duplicate, R-complete and R-deadline) for canonical values."""
    out = []
    if table == "groups":
        req = ("group_name", "group_platform_raw", "purpose", "group_kind", "owner", "member_count")
        if any(v.get(k) in (None, "") for k in req):
            out.append("R-required")
        if v["member_count"] is not None and v["member_count"] < b.cfg.thresholds.group_min_members:
            out.append("R-group-size")
        ended = v["end_on"] is not None and v["end_on"] < b.ref
        if v["group_kind"] == "temporary" and (ended or v["still_needed"] == "no"):
            out.append("R-dissolve")
        return out
    if table == "platforms":
        req = ("platform_type_raw", "platform_name", "supervisor", "operator", "operator_phone", "last_updated_on")
        if any(v.get(k) in (None, "") for k in req):
            out.append("R-required")
        cat = v["category"]
        if cat not in V.CLASS_OF or V.CLASS_OF[cat] != v["platform_class"]:
            out.append("R-category")
        elif cat.startswith("website") and v["url"]:
            if V.on_domain(v["url"], b.cfg.institution.domains) != (cat == "website_campus"):
                out.append("R-category")
        assert v["platform_type_raw"] in V.TYPE_TEXTS[cat], (v["platform_type_raw"], cat)
        if v["status"] != "closed" and v["last_updated_on"] and v["last_updated_on"] < b.cutoff:
            out.append("R-zombie")
        if v["status"] == "stopped":
            out.append("R-closed")
        if v["supervisor"] not in (u.party_head, u.admin_head):
            out.append("R-leader")
        if b.staff_status.get(v["operator"]) != "在职":
            out.append("R-operator")
        if v["operator_phone"] and not is_phone(v["operator_phone"]):
            out.append("R-phone")
        assert v["owner_kind"] == b.owner_kind(u, v["platform_name"])
        if v["last_updated_on"]:
            assert v["last_updated_on"] <= b.ref or v["status"] == "closed"
    else:
        if any(v.get(k) in (None, "") for k in ("holder_name", "platform_type_raw", "platform_name")):
            out.append("R-required")
        if v["category"] not in V.CLASS_OF:
            out.append("R-category")
        assert v["platform_type_raw"] in V.TYPE_TEXTS[v["category"]], (v["platform_type_raw"], v["category"])
        name = v["platform_name"]
        if _defamed(name, b.cfg) or b.index.homophones(name):
            out.append("R-naming")
        elif not b.index.carries_name(name):
            out.append("R-scope")
        if v["phone"] and not is_phone(v["phone"]):
            out.append("R-phone")
    return out
