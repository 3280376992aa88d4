"""Turn a :class:`~._season.Season` into returns on disk (xlsx, zip, eml) and the truth that describes them.

Layout decisions (title rows, two-row headers, synonyms, renamed columns, column order, dropped optional
columns, ...)
and cell mess (date formats, 万 follower counts, spaced names, +86 phones, ...) are drawn here at the
rates in :data:`RATES`; every applied variant is counted in ``truth["variants"]``. Canonical values for
the truth are fixed *after* rendering, so a dropped column or a month-precision date is reflected exactly.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from . import _vocab as V
from ._season import SEVERITY, Rec, Season, Unit

# Probability of each variant where it can apply (messy=True). Counts actually applied go to truth.
RATES = {
    "single_workbook": 0.45, "two_files": 0.20, "zip": 0.12, "eml": 0.18, "attributed_by_cell": 0.05,
    "file_named_by_alias": 0.3, "zip_member_generic_names": 0.5, "eml_attachment_generic_names": 0.5,
    "title_rows": 0.7, "fill_date_row": 0.5, "two_row_header": 0.12, "header_synonym": 0.3, "header_drift": 0.15,
    "drift_label": 0.4,
    "header_decorated": 0.1, "columns_reordered": 0.15, "extra_columns": 0.5, "missing_optional_columns": 0.3,
    "instruction_row": 0.2, "example_row": 0.15, "blank_rows": 0.04, "footer_rows": 0.4, "hidden_sheet": 0.1,
    "sheet_per_class": 0.08, "section_rows": 0.1, "annex3_omitted_when_empty": 0.5, "sheet_named_generic": 0.1,
    "unit_cell_alias": 0.25, "name_with_spaces": 0.1, "phone_formatted": 0.3, "phone_as_number": 0.07,
    "account_id_as_number": 0.5, "opened_on_text": 0.05, "member_count_with_unit": 0.2,
}
DATE_FORMATS = (("excel_date", 40), ("serial_number", 10), ("dotted", 12), ("cn_text", 12), ("month_only", 8),
                ("yy_dash", 8), ("iso_text", 10))
FOLLOWER_FORMATS = (("int", 50), ("wan", 20), ("thousands_comma", 20), ("approx", 10))

PLATFORM_BLOCKS = (("unit",), ("owner_kind",), ("platform_type_raw",), ("platform_name",), ("account_id",), ("url",),
                   ("supervisor", "supervisor_title"), ("operator", "operator_phone"), ("opened_on",),
                   ("last_updated_on",), ("followers",), ("status",), ("remarks",))
GROUP_BLOCKS = (("unit",), ("group_name",), ("group_platform_raw",), ("purpose",), ("group_kind",),
                ("owner", "owner_role"), ("member_count",), ("created_on",), ("end_on",), ("still_needed",),
                ("remarks",))
BLOCKS = {"groups": GROUP_BLOCKS}  # the platform tables' are below
ANNEX_NO = {"platforms": 2, "personal_accounts": 3, "groups": 4}
TITLE_WHAT = {2: "网络媒体平台备案信息汇总表", 3: "师生个人网络媒体平台备案信息汇总表", 4: "互联网群组统计表"}
PERSONAL_BLOCKS = (("unit",), ("holder_name",), ("holder_role",), ("platform_type_raw",), ("platform_name",),
                   ("account_id",), ("url",), ("followers",), ("last_updated_on",), ("phone",), ("remarks",))
OPTIONAL = {"platforms": ("owner_kind", "supervisor_title", "opened_on", "followers", "status", "remarks", "url"),
            "personal_accounts": ("holder_role", "url", "followers", "last_updated_on", "phone", "remarks",
                                  "account_id"),
            "groups": ("owner_role", "created_on", "remarks")}
EXTRAS = ("审核意见", "是否备案")
TWO_ROW_GROUPS = {("supervisor", "supervisor_title"): ("主管领导", ("姓名", "职务")),
                  ("operator", "operator_phone"): ("运营管理负责人", ("姓名", "联系电话"))}
FIXED_TIME = dt.datetime(2023, 4, 20, 9, 0, 0)
XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def header_labels(table: str, col: str) -> tuple[str, ...]:
    """The template labels of ``col`` (the generator's own list, :data:`._vocab.HEADER_LABELS`), official first."""
    return V.HEADER_LABELS[table][col]


@dataclass
class Line:
    kind: str  # title header instruction example section footer data blank hidden
    cells: dict[int, tuple]
    rec: Rec | None = None
    span: bool = False  # merge the first cell across the sheet width


@dataclass
class SheetPlan:
    name: str
    table: str | None
    lines: list[Line] = field(default_factory=list)
    columns: list[str | None] = field(default_factory=list)
    header_rows: list[int] = field(default_factory=list)
    vmerges: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    hidden: bool = False
    date_shown: bool = False
    finals: dict[int, dict] = field(default_factory=dict)  # line index -> truth record


class Writer:
    def __init__(self, season: Season, out: Path, rng: random.Random, *, messy: bool, seed: int):
        self.s, self.out, self.rng, self.messy, self.seed = season, out, rng, messy, seed
        self.cfg = season.cfg
        self.v: Counter = Counter()
        self.platforms: list[dict] = []
        self.personal: list[dict] = []
        self.groups: list[dict] = []
        # the groups sheets are laid out from their own stream: a seed's platform sheets stay what they were
        self.group_rng = random.Random(f"groups-layout:{seed}")
        self.non_data: list[dict] = []
        self.hidden: list[dict] = []
        self.sheets: list[dict] = []
        self.submissions: list[dict] = []
        self.unit_files: dict[str, list[str]] = {}
        self.eml_count = 0
        self.other_count = 0

    def p(self, variant: str) -> bool:
        return self.messy and self.rng.random() < RATES[variant]

    # ---- cell rendering ------------------------------------------------------------------------------
    def r_date(self, d: dt.date | None, *, role: str) -> tuple[tuple | None, dt.date | None]:
        if d is None:
            return None, None
        if not self.messy:
            return ("d", d), d
        r = self.rng
        if role in ("created_on", "end_on"):  # a group's dates decide R-dissolve: never month precision
            fmt = r.choices([f for f, _ in DATE_FORMATS if f != "month_only"],
                            [w for f, w in DATE_FORMATS if f != "month_only"])[0]
            self.v[f"date_{fmt}"] += 1
            return self._date_cell(d, fmt), d
        if role == "opened_on" and r.random() < RATES["opened_on_text"]:
            self.v["opened_on_text"] += 1
            return ("s", r.choice(("至今", "不定期"))), None
        fmt = r.choices([f for f, _ in DATE_FORMATS], [w for _, w in DATE_FORMATS])[0]
        if fmt == "month_only":
            first = d.replace(day=1)
            cut = self.s.cfg.zombie_cutoff
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            if (first < cut) != (d < cut) or (last < cut) != (d < cut) or first < cut <= last:
                fmt = "excel_date"
            else:
                self.v["date_month_only"] += 1
                return ("s", f"{d.year}/{d.month}"), first
        self.v[f"date_{fmt}"] += 1
        return self._date_cell(d, fmt), d

    @staticmethod
    def _date_cell(d: dt.date, fmt: str) -> tuple:
        if fmt == "excel_date":
            return ("d", d)
        if fmt == "serial_number":
            return ("n", (d - dt.date(1899, 12, 30)).days)
        text = {"dotted": f"{d.year}.{d.month}.{d.day}", "cn_text": f"{d.year}年{d.month}月{d.day}日",
                "yy_dash": f"{d.year % 100:02d}-{d.month}-{d.day}", "iso_text": d.isoformat()}[fmt]
        return ("s", text)

    def r_name(self, n: str | None) -> tuple | None:
        if not n:
            return None
        if len(n) >= 2 and self.p("name_with_spaces"):
            self.v["name_with_spaces"] += 1
            k = 1
            return ("s", n[:k] + self.rng.choice(("  ", " ", "\u3000")) + n[k:])
        return ("s", n)

    def r_phone(self, p: str | None) -> tuple | None:
        if not p:
            return None
        if not self.messy or not p.isdigit():
            return ("s", p)
        r = self.rng
        if r.random() < RATES["phone_as_number"]:
            self.v["phone_as_number"] += 1
            return ("n", int(p))
        if r.random() < RATES["phone_formatted"]:
            self.v["phone_formatted"] += 1
            return ("s", r.choice((f"{p[:3]} {p[3:7]} {p[7:]}", f"{p[:3]}-{p[3:7]}-{p[7:]}",
                                   f"+86 {p[:3]}-{p[3:7]}-{p[7:]}", f"+86{p}", f"(+86){p}")))
        return ("s", p)

    def r_followers(self, n: int | None) -> tuple | None:
        if n is None:
            return None
        if not self.messy:
            return ("n", n)
        fmt = self.rng.choices([f for f, _ in FOLLOWER_FORMATS], [w for _, w in FOLLOWER_FORMATS])[0]
        if fmt == "wan" and n >= 10000:
            self.v["followers_wan"] += 1
            return ("s", f"{n / 10000:g}万")
        if fmt == "thousands_comma" and n >= 1000:
            self.v["followers_comma"] += 1
            return ("s", f"{n:,}")
        if fmt == "approx":
            self.v["followers_approx"] += 1
            return ("s", f"约{n}")
        return ("n", n)

    def r_account(self, a: str | None) -> tuple | None:
        if not a:
            return None
        if a.isdigit() and not a.startswith("0") and self.p("account_id_as_number"):
            self.v["account_id_as_number"] += 1
            return ("n", int(a))
        return ("s", a)

    def r_unit(self, u: Unit) -> tuple:
        if u.aliases and self.p("unit_cell_alias"):
            self.v["unit_cell_alias"] += 1
            return ("s", self.rng.choice(u.aliases))
        return ("s", u.name)

    def owner_cell(self, rec: Rec) -> tuple:
        if rec.v["owner_kind"] == "student_org":
            return ("s", self.rng.choice(("学生组织", "学生组织", "团委")))
        return ("s", self.rng.choice(("单位", "学院" if rec.unit.kind == "学院" else "部门")))

    def render(self, rec: Rec, cols: list[str | None]) -> tuple[dict[int, tuple], dict]:
        """Cells of one data row and the canonical truth record for what was written."""
        v, cells = dict(rec.v), {}
        present = set(c for c in cols if c)
        for i, col in enumerate(cols):
            if col is None:
                continue
            if col in rec.force:
                cells[i] = rec.force[col]
                continue
            if col == "unit":
                c = self.r_unit(rec.unit)
            elif col == "owner_kind":
                c = self.owner_cell(rec)
            elif col in ("supervisor", "operator", "holder_name", "owner"):
                c = self.r_name(v[col])
            elif col in ("operator_phone", "phone"):
                c = self.r_phone(v[col])
            elif col in ("opened_on", "last_updated_on", "created_on", "end_on"):
                c, v[col] = self.r_date(v[col], role=col)
            elif col == "member_count":
                c = ("s", f"{v[col]}人") if self.p("member_count_with_unit") else ("n", v[col])
                self.v["member_count_with_unit"] += c[0] == "s"
            elif col in ("group_kind", "still_needed", "owner_role"):
                c = ("s", v[f"{col}_raw"]) if v[f"{col}_raw"] else None
            elif col == "followers":
                c = self.r_followers(v[col])
            elif col == "account_id":
                c = self.r_account(v[col])
            elif col == "status":
                c = ("s", v["status_raw"]) if v["status_raw"] else None
            elif col == "holder_role":
                c = ("s", v["holder_role_raw"])
            else:
                c = ("s", v[col]) if v.get(col) not in (None, "") else None
            if c is not None:
                cells[i] = c
        for col in OPTIONAL[rec.table]:
            if col not in present and col != "owner_kind":  # owner_kind is derived from the name too
                v[col] = None
                if col == "status":
                    v["status"], v["status_raw"] = "unknown", None
        if "holder_role" not in present and rec.table == "personal_accounts":
            v["holder_role"] = None
        return cells, self.truth_record(rec, v)

    def truth_record(self, rec: Rec, v: dict) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        if rec.table == "groups":
            keys = ("group_name", "group_platform", "group_platform_raw", "purpose", "group_kind", "owner", "owner_role",
                    "member_count", "created_on", "end_on", "still_needed", "remarks")
        elif rec.table == "platforms":
            keys = ("owner_kind", "category", "platform_class", "platform_type_raw", "platform_name", "account_id",
                    "url", "supervisor", "supervisor_title", "operator", "operator_phone", "opened_on",
                    "last_updated_on", "followers", "status", "status_raw", "remarks")
        else:
            keys = ("holder_name", "holder_role", "category", "platform_class", "platform_type_raw", "platform_name",
                    "account_id", "url", "followers", "last_updated_on", "phone", "remarks")
        out = {"unit": rec.unit.canon}
        for k in keys:
            x = v.get(k)
            out[k] = iso(x) if isinstance(x, dt.date) else (" ".join(unicodedata.normalize("NFKC", x).split())
                                                            if isinstance(x, str) else x)
        return out

    # ---- sheet layout --------------------------------------------------------------------------------
    def plan_table(self, table: str, recs: list[Rec], u: Unit, *, sheet_name: str, fill_date: dt.date | None,
                   force_unit_row: bool, force_date_row: bool, titles: bool | None = None,
                   sections: bool = False) -> SheetPlan:
        r, messy = self.rng, self.messy
        plan = SheetPlan(sheet_name, table)
        blocks = list(BLOCKS.get(table) or (PLATFORM_BLOCKS if table == "platforms" else PERSONAL_BLOCKS))
        # which optional columns may be dropped in this sheet
        if self.p("missing_optional_columns"):
            droppable = [c for c in OPTIONAL[table] if self._droppable(table, c, recs)]
            drop = r.sample(droppable, min(len(droppable), r.randint(1, 3))) if droppable else []
            if drop:
                self.v["missing_optional_columns"] += 1
                blocks = [tuple(c for c in b if c not in drop) for b in blocks]
                blocks = [b for b in blocks if b]
        if self.p("columns_reordered"):
            self.v["columns_reordered"] += 1
            r.shuffle(blocks)
        cols: list[str | None] = []
        extras_front, extras_back = [], []
        if self.p("extra_columns"):
            self.v["extra_columns"] += 1
            extras_front.append("序号")
            if r.random() < 0.3:
                extras_back.append(r.choice(EXTRAS))
        labels: list[str] = []
        for e in extras_front:
            cols.append(None)
            labels.append(e)
        drift = self.p("header_drift")  # this unit renamed some of its columns
        if drift:
            self.v["header_drift"] += 1
        for b in blocks:
            for c in b:
                cols.append(c)
                labels.append(self.label(table, c, drift=drift))
        for e in extras_back:
            cols.append(None)
            labels.append(e)
        width = len(cols)
        two_row = table == "platforms" and self.p("two_row_header") and any(
            len(b) == 2 for b in blocks)
        # title block
        want_titles = titles if titles is not None else (not messy or self.p("title_rows"))
        unit_txt = u.name if not u.aliases or not messy or r.random() < 0.6 else r.choice(u.aliases)
        if want_titles or force_unit_row or force_date_row:
            annex = ANNEX_NO[table]
            if want_titles:
                self.v["title_rows"] += 1
                if not messy or r.random() < 0.8:
                    plan.lines.append(Line("title", {0: ("s", f"附件{annex}")}))
                if not messy or r.random() < 0.8:
                    plan.lines.append(Line("title", {0: ("s", f"《{self.cfg.institution.name_zh}{TITLE_WHAT[annex]}》")},
                                           span=width > 1))
            show_unit = force_unit_row or (want_titles and (not messy or r.random() < 0.6))
            show_date = fill_date is not None and (force_date_row or (want_titles and (not messy or self.p("fill_date_row"))))
            date_txt = f"填表日期：{fill_date.year}年{fill_date.month}月{fill_date.day}日" if fill_date else ""
            if show_unit and show_date and width > 3 and (not messy or r.random() < 0.5):
                plan.lines.append(Line("title", {0: ("s", f"填报单位（盖章）：{unit_txt}"), width - 3: ("s", date_txt)}))
            else:
                if show_unit:
                    plan.lines.append(Line("title", {0: ("s", f"填报单位（盖章）：{unit_txt}")}))
                if show_date:
                    plan.lines.append(Line("title", {0: ("s", date_txt)}))
            plan.date_shown = show_date
        if self.p("instruction_row"):
            self.v["instruction_row"] += 1
            plan.lines.append(Line("instruction", {0: ("s", "填表说明：1.平台类型填写网站、微信公众号、微博、抖音等；"
                                                          "2.最近更新时间请填写具体日期；3.主管领导须为本单位党政主要负责人。")},
                                   span=width > 1))
        # header
        if two_row:
            self.v["two_row_header"] += 1
            top, bottom = {}, {}
            i = 0
            grouped = {}
            for j, c in enumerate(cols):
                for pair, (parent, kids) in TWO_ROW_GROUPS.items():
                    if c == pair[0] and j + 1 < width and cols[j + 1] == pair[1]:
                        grouped[j] = (parent, kids)
            r0 = len(plan.lines)
            while i < width:
                if i in grouped:
                    parent, kids = grouped[i]
                    top[i] = ("s", parent)
                    bottom[i], bottom[i + 1] = ("s", kids[0]), ("s", kids[1])
                    plan.vmerges.append((r0, i, r0, i + 1, parent))
                    i += 2
                else:
                    top[i] = ("s", labels[i])
                    plan.vmerges.append((r0, i, r0 + 1, i, labels[i]))
                    i += 1
            plan.lines += [Line("header", top), Line("header", bottom)]
            plan.header_rows = [r0 + 1, r0 + 2]
        else:
            plan.lines.append(Line("header", {i: ("s", lab) for i, lab in enumerate(labels)}))
            plan.header_rows = [len(plan.lines)]
        plan.columns = cols
        if self.p("example_row"):
            self.v["example_row"] += 1
            plan.lines.append(Line("example", self.example_cells(table, cols)))
        # data
        order = recs
        groups: list[tuple[str, list[Rec]]] = [("", order)]
        if sections:
            self.v["section_rows"] += 1
            groups = []
            for _, title, classes in V.PLATFORM_GROUPS:
                g = [x for x in recs if x.v["platform_class"] in classes]
                if g:
                    groups.append((f"{V.CN_DIGITS[len(groups) + 1]}、{title}", g))
        seq = 0
        for title, g in groups:
            if title:
                plan.lines.append(Line("section", {0: ("s", title)}, span=width > 1 and r.random() < 0.5))
            for rec in g:
                if self.p("blank_rows"):
                    self.v["blank_rows"] += 1
                    plan.lines.append(Line("blank", {}))
                cells, final = self.render(rec, cols)
                seq += 1
                if extras_front:
                    cells[0] = ("n", seq)
                for j, c in enumerate(cols):
                    if c is None and labels[j] == "是否备案":
                        cells[j] = ("s", "是")
                plan.finals[len(plan.lines)] = final
                plan.lines.append(Line("data", cells, rec))
        if self.p("instruction_row"):
            self.v["instruction_row"] += 1
            plan.lines.append(Line("instruction", {0: ("s", "注：本表由各单位汇总填报，请勿改变表格格式。")}))
        if self.p("footer_rows"):
            self.v["footer_rows"] += 1
            plan.lines.append(Line("blank", {}))
            f = {0: ("s", "单位负责人签字（盖章）：")}
            if width > 4:
                f[width // 2] = ("s", f"填表人：{r.choice(u.staff)}")
                f[width - 2] = ("s", "日期：    年   月   日")
            plan.lines.append(Line("footer", f))
        return plan

    def _droppable(self, table: str, col: str, recs: list[Rec]) -> bool:
        for x in recs:
            if col in x.force:
                return False
            if col == "status" and x.v["status"] in ("closed", "stopped"):
                return False
            if col == "url" and x.v["category"].startswith("website"):
                return False
            if col in ("phone",) and x.rules and "R-phone" in x.rules:
                return False
        return True

    def label(self, table: str, col: str, *, drift: bool = False) -> str:
        """The header label of ``col``: official, a template synonym, or (``drift``: a unit that renames columns)
        a label of its own; sometimes decorated (``*``, （必填）, a line break or spaces)."""
        r = self.rng
        opts = header_labels(table, col)
        renamed = V.DRIFT_LABELS[table].get(col, ())
        lab = opts[0]
        if drift and renamed and self.p("drift_label"):
            self.v["header_drift_label"] += 1
            lab = r.choice(renamed)
        elif len(opts) > 1 and self.p("header_synonym"):
            self.v["header_synonym"] += 1
            lab = r.choice(opts[1:])
        if self.p("header_decorated"):
            self.v["header_decorated"] += 1
            k = len(lab) // 2
            split = (lab[:k] + "\n" + lab[k:], lab[:k] + " " + lab[k:]) if len(lab) >= 4 and lab.isalpha() else ()
            lab = r.choice((lab + "*", "*" + lab, f" {lab} ", lab + "（必填）", *split))
        return lab

    def example_cells(self, table: str, cols: list[str | None]) -> dict[int, tuple]:
        ex = {"unit": "XX学院", "owner_kind": "单位", "platform_type_raw": "微信公众号", "platform_name": "华水XX学院",
              "account_id": "gh_xxxxxxxxxxxx", "url": "https://xx.ncwu.edu.cn/", "supervisor": "张某某",
              "supervisor_title": "院长", "operator": "李某某", "operator_phone": "138XXXXXXXX",
              "opened_on": "2018年9月1日", "last_updated_on": "2023年4月1日", "followers": "1000", "status": "正常",
              "holder_name": "王某某", "holder_role": "教职工", "phone": "139XXXXXXXX", "remarks": "",
              "group_name": "XX学院教职工群", "group_platform_raw": "微信群", "purpose": "工作通知", "group_kind": "长期",
              "owner": "王某某", "owner_role": "教职工", "member_count": "50", "created_on": "2020年9月1日",
              "end_on": "", "still_needed": "是"}
        cells = {i: ("s", ex[c]) for i, c in enumerate(cols) if c and ex.get(c)}
        first = cells.get(0, ("s", ""))[1]
        cells[0] = ("s", "示例" if cols[0] is None or not first else "例：" + first)
        return cells

    def plan_hidden(self, u: Unit, recs: list[Rec]) -> SheetPlan:
        plan = SheetPlan("2022年备案（旧）", None, hidden=True)
        cols = ["unit", "platform_type_raw", "platform_name", "supervisor", "operator", "operator_phone",
                "last_updated_on"]
        plan.lines.append(Line("hidden", {0: ("s", "附件2（2022年）")}))
        plan.lines.append(Line("hidden", {i: ("s", header_labels("platforms", c)[0]) for i, c in enumerate(cols)}))
        for x in recs[: self.rng.randint(1, 4)]:
            old = dt.date(self.cfg.round.year - 1, self.rng.randint(1, 4), self.rng.randint(1, 28))
            plan.lines.append(Line("hidden", {0: ("s", u.name), 1: ("s", x.v["platform_type_raw"]),
                                              2: ("s", x.v["platform_name"] + "（旧）"), 3: ("s", u.party_head),
                                              4: ("s", self.rng.choice(u.staff)), 5: ("s", "13800000000"),
                                              6: ("d", old)}))
        return plan

    # ---- workbooks -------------------------------------------------------------------------------------
    def workbook(self, plans: list[SheetPlan]) -> bytes:
        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                       "strings_to_urls": False})
        wb.set_properties({"created": FIXED_TIME, "author": "netmedia.samples"})
        dfmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        dfmt2 = wb.add_format({"num_format": "yyyy\"年\"m\"月\"d\"日\""})
        mfmt = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True})
        for k, plan in enumerate(plans):
            ws = wb.add_worksheet(plan.name)
            width = max(1, len(plan.columns) or max((max(ln.cells, default=0) for ln in plan.lines), default=0) + 1)
            merged = {(a, b) for a, b, _, _, _ in plan.vmerges}
            for r, ln in enumerate(plan.lines):
                if ln.span and width > 1:
                    ws.merge_range(r, 0, r, width - 1, ln.cells[0][1], mfmt)
                    continue
                for c, (kind, val) in ln.cells.items():
                    if (r, c) in merged:
                        continue
                    if kind == "s":
                        if val != "":
                            ws.write_string(r, c, val)
                    elif kind == "n":
                        ws.write_number(r, c, val)
                    else:
                        ws.write_datetime(r, c, dt.datetime.combine(val, dt.time()), dfmt if (r + c) % 3 else dfmt2)
            for r1, c1, r2, c2, val in plan.vmerges:
                ws.merge_range(r1, c1, r2, c2, val, mfmt)
            if plan.hidden:
                ws.hide()
            if k == 0:
                ws.activate()
        wb.close()
        return buf.getvalue()

    def record(self, source_file: str, plans: list[SheetPlan]) -> None:
        for plan in plans:
            for i, ln in enumerate(plan.lines):
                row = i + 1
                where = {"source_file": source_file, "source_sheet": plan.name, "source_row": row}
                if plan.hidden:
                    if ln.cells:
                        self.hidden.append(where)
                elif ln.kind == "data":
                    final = plan.finals[i] | where
                    {"platforms": self.platforms, "personal_accounts": self.personal,
                     "groups": self.groups}[ln.rec.table].append(final)
                    ln.rec.where = where  # type: ignore[attr-defined]
                    ln.rec.final = final  # type: ignore[attr-defined]
                elif ln.kind != "blank" and ln.cells:
                    self.non_data.append(where | {"kind": ln.kind})
            if plan.table and not plan.hidden:
                self.sheets.append({"source_file": source_file, "source_sheet": plan.name, "table": plan.table,
                                    "header_rows": plan.header_rows,
                                    "columns": {xl_col_to_name(i): c for i, c in enumerate(plan.columns)}})

    # ---- one unit's return ---------------------------------------------------------------------------
    def unit_return(self, u: Unit, recs: list[Rec], late_kind: str | None, on_deadline_evening: bool) -> None:
        r, cfg = self.rng, self.cfg
        rd = cfg.round
        plats = [x for x in recs if x.table == "platforms"]
        pers = [x for x in recs if x.table == "personal_accounts"]
        groups = self.s.groups.get(u.name, [])
        if not self.messy:
            variant = "single_workbook"
        elif late_kind == "eml" or on_deadline_evening:
            variant = "eml"
        elif late_kind == "fill_date":
            variant = "single_workbook"
        else:
            keys = ("single_workbook", "two_files", "zip", "eml", "attributed_by_cell")
            variant = r.choices(keys, [RATES[k] for k in keys])[0]
        self.v[variant] += 1
        # received time
        span = max(1, (rd.deadline - rd.notice_date).days)
        fill = rd.notice_date + dt.timedelta(days=r.randint(2, span)) if span >= 2 else rd.deadline
        sent: dt.datetime | None = None
        if variant == "eml":
            day = fill
            if late_kind == "eml":
                day = rd.deadline + dt.timedelta(days=r.randint(1, 4))
                fill = rd.deadline - dt.timedelta(days=1)
            sent = dt.datetime.combine(day, dt.time(r.randint(8, 21), r.choice((0, 15, 30, 45)), 0))
            if on_deadline_evening:
                sent = dt.datetime.combine(rd.deadline, dt.time(22, 30))
                fill = min(fill, rd.deadline)
                self.v["eml_sent_on_deadline_evening"] += 1
        if late_kind == "fill_date":
            fill = rd.deadline + dt.timedelta(days=r.randint(1, 5))
        shown = u.name if not u.aliases or not self.p("file_named_by_alias") else r.choice(u.aliases)
        if shown != u.name:
            self.v["file_named_by_alias"] += 1
        by_cell = variant == "attributed_by_cell"
        force_date = late_kind == "fill_date"
        omit3 = not pers and self.p("annex3_omitted_when_empty")
        if omit3:
            self.v["annex3_omitted_when_empty"] += 1

        def sheets_for(annexes: tuple[int, ...], generic: bool) -> list[SheetPlan]:
            plans: list[SheetPlan] = []
            force_unit = by_cell or generic
            if 2 in annexes:
                if len(plats) > 1 and self.p("sheet_per_class"):
                    self.v["sheet_per_class"] += 1
                    first = True
                    for sheet, _, classes in V.PLATFORM_GROUPS:
                        g = [x for x in plats if x.v["platform_class"] in classes]
                        if g:
                            plans.append(self.plan_table("platforms", g, u, sheet_name=sheet, fill_date=fill,
                                                         force_unit_row=force_unit, force_date_row=force_date,
                                                         titles=None if first else False))
                            first = False
                else:
                    name = "附件2"
                    if self.p("sheet_named_generic"):
                        self.v["sheet_named_generic"] += 1
                        name = "Sheet1"
                    sections = len(plats) > 2 and self.p("section_rows")
                    plans.append(self.plan_table("platforms", plats, u, sheet_name=name, fill_date=fill,
                                                 force_unit_row=force_unit, force_date_row=force_date,
                                                 sections=sections))
            if 3 in annexes and not omit3:
                name = "附件3" if not self.p("sheet_named_generic") else ("Sheet2" if 2 in annexes else "Sheet1")
                if name != "附件3":
                    self.v["sheet_named_generic"] += 1
                plans.append(self.plan_table("personal_accounts", pers, u, sheet_name=name, fill_date=fill,
                                             force_unit_row=force_unit, force_date_row=force_date))
            if 2 in annexes and groups:
                plans.append(self.groups_sheet(groups, u, fill, force_unit, force_date))
            if 2 in annexes and plats and self.p("hidden_sheet"):
                self.v["hidden_sheet"] += 1
                plans.append(self.plan_hidden(u, plats))
            return plans

        def emit(path: str, plans: list[SheetPlan], received: dt.datetime | None) -> tuple[str, bytes]:
            data = self.workbook(plans)
            self.record(path, plans)
            if received is None and any(p.date_shown for p in plans if p.table):
                received = dt.datetime.combine(fill, dt.time())
            late = received is not None and received.date() > rd.deadline
            self.submissions.append({"source_file": path, "unit": u.canon,
                                     "tables": [p.table for p in plans if p.table and not p.hidden],
                                     "received_at": received.isoformat() if received else None, "late": late})
            self.unit_files.setdefault(u.canon, []).append(path)
            return path, data

        base = f"备案信息汇总+{shown}"
        if variant in ("single_workbook", "attributed_by_cell"):
            if by_cell:
                self.other_count += 1
                path = f"其他/备案表{self.other_count:03d}.xlsx"
            else:
                path = f"{base}.xlsx"
            _, data = emit(path, sheets_for((2, 3), False), None)
            self._write(path, data)
        elif variant == "two_files":
            for a in (2, 3):
                plans = sheets_for((a,), False)
                if plans:
                    path, data = emit(f"附件{a}-{base}.xlsx", plans, None)
                    self._write(path, data)
        else:
            generic = r.random() < RATES["zip_member_generic_names" if variant == "zip" else
                                        "eml_attachment_generic_names"] and late_kind is None
            parts: list[tuple[str, list[SheetPlan]]] = []
            if generic:
                self.v[f"{variant}_generic_member_names"] += 1
                for a in (2, 3):
                    plans = sheets_for((a,), True)
                    if plans:
                        parts.append((f"附件{a}.xlsx", plans))
            else:
                parts.append((f"{base}.xlsx", sheets_for((2, 3), False)))
            if variant == "zip":
                zpath = f"{base}.zip"
                sub = "备案材料/" if r.random() < 0.3 else ""
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                    for name, plans in parts:
                        _, data = emit(f"{zpath}!{sub}{name}", plans, None)
                        info = zipfile.ZipInfo(sub + name, date_time=(2023, 4, 20, 9, 0, 0))
                        info.compress_type = zipfile.ZIP_DEFLATED
                        z.writestr(info, data)
                self._write(zpath, buf.getvalue())
            else:
                self.eml_count += 1
                epath = f"mail/{self.eml_count:04d}.eml"
                msg = EmailMessage()
                msg["From"] = f"{u.code}@{cfg.institution.domains[0] if cfg.institution.domains else 'example.edu.cn'}"
                msg["To"] = "xcb@" + (cfg.institution.domains[0] if cfg.institution.domains else "example.edu.cn")
                msg["Subject"] = base
                msg["Date"] = format_datetime(sent.replace(tzinfo=dt.timezone(dt.timedelta(hours=8))))
                msg["Message-ID"] = f"<{self.seed}.{self.eml_count}@netmedia.invalid>"
                msg.set_content("各位老师好：\n附件为我单位网络媒体平台备案信息汇总表，请查收。\n")
                for name, plans in parts:
                    _, data = emit(f"{epath}!{name}", plans, sent)
                    msg.add_attachment(data, maintype=XLSX_MIME[0], subtype=XLSX_MIME[1], filename=name)
                msg.set_boundary(f"=====netmedia-{self.seed}-{self.eml_count}=====")
                self._write(epath, msg.as_bytes())

    def groups_sheet(self, groups: list[Rec], u: Unit, fill: dt.date, force_unit: bool, force_date: bool) -> SheetPlan:
        """The unit's groups (Annex 4) sheet, beside its Annex 2 sheet, laid out from the groups' own stream."""
        saved, self.rng = self.rng, self.group_rng
        try:
            name = "附件4" if not self.p("sheet_named_generic") else self.rng.choice(("互联网群组", "群组统计"))
            return self.plan_table("groups", groups, u, sheet_name=name, fill_date=fill, force_unit_row=force_unit,
                                   force_date_row=force_date)
        finally:
            self.rng = saved

    def _write(self, rel: str, data: bytes) -> None:
        p = self.out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)

    # ---- violations ----------------------------------------------------------------------------------
    def violations(self) -> list[dict]:
        out = []
        for rows in (*self.s.recs.values(), *self.s.groups.values()):
            for rec in rows:
                for rule in rec.rules:
                    w = getattr(rec, "where", None)
                    assert w is not None, "planted row was not written"
                    out.append({"rule": rule, "severity": SEVERITY.get(rule, "violation"), "table": rec.table,
                                "unit": rec.unit.canon, **w,
                                "platform_name": rec.final.get("platform_name", rec.final.get("group_name")),
                                "account_id": rec.final.get("account_id"), "kind": rec.tags[0] if rec.tags else None})
        for name in self.s.missing:
            out.append({"rule": "R-complete", "severity": "violation", "table": "units",
                        "unit": unicodedata.normalize("NFKC", name),
                        "source_file": None, "source_sheet": None, "source_row": None, "platform_name": None,
                        "account_id": None, "kind": "no_submission"})
        for sub in self.submissions:
            if sub["late"]:
                out.append({"rule": "R-deadline", "severity": "warning", "table": "submissions", "unit": sub["unit"],
                            "source_file": sub["source_file"], "source_sheet": None, "source_row": None,
                            "platform_name": None, "account_id": None, "kind": "late"})
        order = {"platforms": 0, "personal_accounts": 1, "groups": 2, "units": 3, "submissions": 4}
        out.sort(key=lambda f: (f["rule"], order[f["table"]], f["source_file"] or "", f["source_sheet"] or "",
                                f["source_row"] or 0, f["unit"]))
        return out
