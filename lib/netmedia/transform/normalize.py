"""Normalisers for the values units type by hand: dates, counts, phones, names, platform types, statuses.

Each takes one raw cell value (as the table reader returns it: str, int,
float, date, datetime, bool or None) and returns the canonical value or None.
They never guess beyond what the text says: ``至今`` is not a date, ``2023/3``
is the first of March with month precision, an unparseable phone stays as its
cleaned text so the phone rule can point at it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
import unicodedata
from functools import cache
from urllib.parse import urlsplit

import pandas as pd

from netmedia import paths, schema

_WS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# C0/C1 control characters other than whitespace: never meaningful in a platform name, and
# invalid in the xlsx outputs.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
EXCEL_EPOCH = dt.date(1899, 12, 30)
_NA, _NAT = pd.NA, pd.NaT


def _plain(v: str) -> bool:
    """A string :func:`text` returns unchanged (bar NFKC): printable (so its only whitespace is the ASCII space),
    no double space, nothing to strip, no ``_x000D_`` escape. Most cells are; they skip the regular expressions."""
    return v.isprintable() and v[:1] != " " and v[-1:] != " " and "  " not in v and "_x000" not in v


def is_blank(v: object) -> bool:
    if v is None:
        return True
    t = type(v)
    if t is str:
        if v and _plain(v):
            return False
        return not _WS.sub("", v.replace("_x000D_", ""))
    if t is int or t is bool or t is dt.datetime or t is dt.date:
        return False
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, str) and not _WS.sub("", v.replace("_x000D_", "")):
        return True
    return v is _NA or v is _NAT


def text(v: object) -> str | None:
    """Cell as one-line text: NFKC, whitespace runs collapsed, integral floats without '.0'; blank -> None."""
    if type(v) is str and v and _plain(v):
        s = unicodedata.normalize("NFKC", v)  # returns ``v`` itself when already normalised (the usual case)
        if s is v or _plain(s):
            return s
        return _WS.sub(" ", _CONTROL.sub("", s.replace("_x000D_", ""))).strip() or None
    if is_blank(v):
        return None
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ", timespec="minutes") if (v.hour or v.minute) else v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    s = unicodedata.normalize("NFKC", str(v)).replace("_x000D_", "")
    s = _WS.sub(" ", _CONTROL.sub("", s)).strip()
    return s or None


_LATIN_GAP = re.compile(r"[A-Za-z] [A-Za-z]")


def person(v: object) -> str | None:
    """A person's name with every space removed (张  三 -> 张三); Latin names keep single spaces."""
    s = text(v)
    if s is None or " " not in s:
        return s
    if _LATIN_GAP.search(s):
        return s
    return s.replace(" ", "")


def account_id(v: object) -> str | None:
    """Account ids keep their digits: a QQ number typed as a number stays '4165014941'."""
    return text(v)


# ---------------------------------------------------------------- dates
_DATE_PATTERNS = (
    # 2023年3月1日 / 2023.3.1 / 2023-03-01 / 2023/3/1 / 23-3-1, optional time after
    re.compile(r"^(?P<y>\d{4}|\d{2})\s*[年./\-]\s*(?P<m>\d{1,2})\s*[月./\-]\s*(?P<d>\d{1,2})\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$"),
    # 2023年3月 / 2023.3 / 2023/3 / 2023-03 (month precision: first day)
    re.compile(r"^(?P<y>\d{4})\s*[年./\-]\s*(?P<m>\d{1,2})\s*月?$"),
    # 20230301
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)
_SERIAL = re.compile(r"\d{5}(\.0+)?")  # an Excel serial number typed as text


def date(v: object) -> dt.date | None:
    """Parse the date forms units type; None for blanks and for text such as 至今/不定期/长期."""
    t = type(v)  # the reader's types first, without the checks they pass anyway
    if t is dt.date:
        return v
    if t is dt.datetime:
        return v.date()
    if t is str and v and _plain(v):  # not blank
        return _date_text(unicodedata.normalize("NFKC", v).strip())
    if t is int:
        return EXCEL_EPOCH + dt.timedelta(days=v) if 1 <= v < 2_958_466 else None
    if is_blank(v) or isinstance(v, bool):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float):
        # An Excel serial number typed as a number (1900 date system).
        if 1 <= v < 2_958_466:
            return EXCEL_EPOCH + dt.timedelta(days=int(v))
        return None
    return _date_text(unicodedata.normalize("NFKC", str(v)).strip())


def _date_text(s: str) -> dt.date | None:
    """:func:`date` of a cell's text (NFKC, stripped)."""
    if _SERIAL.fullmatch(s):
        return date(float(s))
    for pat in _DATE_PATTERNS:
        m = pat.match(s)
        if m:
            y = int(m["y"])
            if y < 100:
                y += 2000
            mo = int(m["m"])
            d = int(m.groupdict().get("d") or 1)
            try:
                return dt.date(y, mo, d)
            except ValueError:
                return None
    return None


_RECEIVED_RE = re.compile(r"(填表日期|填报日期|填报时间|报送日期|日期)\s*[:：]?\s*(?P<d>\d{2,4}\s*[年./\-]\s*\d{1,2}\s*[月./\-]\s*\d{1,2}\s*日?)")


def form_date(line: str) -> dt.date | None:
    """The date in a '填表日期：2023年4月20日' line of a form, if any.

    Every keyword holds 期 or 间, and no other character has either in its NFKC form (tested over every code
    point): a line without them skips NFKC, which costs ~0.5 µs per character on lines with full-width
    punctuation (most titles, instructions and footers; the ingest looks at every non-data row of a return).
    """
    if not line or ("期" not in line and "间" not in line):
        return None
    m = _RECEIVED_RE.search(unicodedata.normalize("NFKC", line))
    return date(m["d"].replace(" ", "")) if m else None


# ---------------------------------------------------------------- counts
_COUNT_RE = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>万|w|千|k|亿)?", re.IGNORECASE)
_UNIT = {"万": 10_000, "w": 10_000, "千": 1_000, "k": 1_000, "亿": 100_000_000}


#: Counts beyond this (in absolute value) are no audience but a typing accident (1e20, a pasted id of 400
#: digits): they are read as no count, which also keeps every count inside the Int64 column they are stored in.
MAX_COUNT = 10**15


def count(v: object) -> int | None:
    """Follower counts: 1.2万 -> 12000, '3,000' -> 3000, '约500' -> 500, '10万+' -> 100000; None for no number
    or one beyond :data:`MAX_COUNT` (infinite ones included)."""
    t = type(v)
    if t is int:  # the reader's counts, without the checks they pass anyway
        return v if -MAX_COUNT <= v <= MAX_COUNT else None
    if t is str and v and _plain(v):  # not blank
        n = _count_text(v)
    elif is_blank(v) or isinstance(v, bool):
        return None
    elif isinstance(v, int):
        n: float | int | None = v
    elif isinstance(v, float):
        n = v
    else:
        n = _count_text(v)
    if n is None:
        return None
    if not -MAX_COUNT <= n <= MAX_COUNT:  # also false for NaN
        return None
    return n if type(n) is int else int(round(n))


def _count_text(v: object) -> float | None:
    """The number a count cell's text gives, before the range check of :func:`count`."""
    s = unicodedata.normalize("NFKC", str(v)).replace(",", "").replace("，", "")
    m = _COUNT_RE.search(s)
    if not m:
        return None
    return float(m["n"]) * _UNIT.get((m["u"] or "").lower(), 1)


# ---------------------------------------------------------------- phones
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-\d{7,8}$")
_THREE_DIGIT_AREA = re.compile(r"^(010|02\d)")
_PHONE_PUNCT = re.compile(r"[\s()（）.\u2010-\u2015\-]")
_PHONE_PREFIX = re.compile(r"^(\+?86|0086)(?=1\d{10}$)")
_LANDLINE_DIGITS = re.compile(r"0\d{9,11}")


def phone(v: object) -> str | None:
    """Mobile as 11 digits, landline as 0371-69127000; anything else stays as cleaned text for the phone rule."""
    s = text(v)
    if s is None:
        return None
    if len(s) == 11 and s[0] == "1" and s.isascii() and s.isdigit() and "3" <= s[1]:
        return s  # a mobile number as typed: nothing to strip, and MOBILE_RE matches
    raw = s
    s = _PHONE_PUNCT.sub("", s)
    s = _PHONE_PREFIX.sub("", s)
    if MOBILE_RE.match(s):
        return s
    if _LANDLINE_DIGITS.fullmatch(s):
        area = 3 if _THREE_DIGIT_AREA.match(s) else 4
        return f"{s[:area]}-{s[area:]}"
    return raw.replace(" ", "")


def phone_ok(p: str | None) -> bool:
    return bool(p) and bool(MOBILE_RE.match(p) or LANDLINE_RE.match(p))


# ---------------------------------------------------------------- vocabularies
@cache
def _vocab() -> dict:
    return tomllib.loads((paths.PACKAGE_DATA / "categories.toml").read_text(encoding="utf-8"))


def _key(s: object) -> str:
    return schema.norm_header(s)


@cache
def _category_synonyms() -> tuple[tuple[str, str], ...]:
    pairs = [(_key(s), c.code) for c in schema.categories() for s in (c.synonyms or ())]
    pairs += [(_key(c.zh), c.code) for c in schema.categories()]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def url_host(url: object) -> str | None:
    """Lower-case host of a URL typed with or without scheme ('www.ncwu.edu.cn/x' -> 'www.ncwu.edu.cn')."""
    s = text(url)
    if not s:
        return None
    if "://" not in s:
        s = "http://" + s
    try:
        host = urlsplit(s).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host and "." in host else None


def on_domains(host: str | None, domains: tuple[str, ...]) -> bool:
    return bool(host) and any(host == d or host.endswith("." + d) for d in domains)


def category(type_text: object, url: object = None, domains: tuple[str, ...] = ()) -> str:
    """Category code from the free-text platform type; a plain '网站' is placed by its URL's domain."""
    code = type_category(type_text)
    if code == "website":
        return website_category(url, domains)
    return code


def type_category(type_text: object) -> str:
    """Category code the platform type names ('website' for a plain 网站, placed by :func:`website_category`)."""
    key = _key(type_text)
    if key:
        for syn, c in _category_synonyms():
            if syn and syn in key:
                return c
    return "other"


def website_category(url: object, domains: tuple[str, ...]) -> str:
    """A plain website is on campus unless its URL's host is outside the institution's domains."""
    host = url_host(url)
    return "website_external" if host and not on_domains(host, domains) else "website_campus"


def _lookup(section: str, value: object) -> str | None:
    key = _key(value)
    if not key:
        return None
    best: tuple[int, str] | None = None
    for code, words in _vocab()[section].items():
        for w in words:
            k = _key(w)
            if key == k:
                return code
            if k and k in key and (best is None or len(k) > best[0]):
                best = (len(k), code)
    return best[1] if best else None


def status(v: object) -> str:
    """running / stopped / closed / unknown from the 运行状态 cell."""
    return _lookup("status", v) or "unknown"


def holder_role(v: object) -> str | None:
    """staff / student from the 身份 cell; None when absent or unclear."""
    return _lookup("holder_role", v)


def owner_kind(cell: object, platform_name: object, unit_kind: object = None) -> str:
    """student_org when the unit is a student organisation or the cell/name says so; else unit."""
    if student_org_kind(unit_kind) or student_org_text(text(cell)) or student_org_text(text(platform_name)):
        return "student_org"
    return "unit"


def student_org_kind(unit_kind: object) -> bool:
    """Whether a roster unit kind (单位类别) is a student organisation's."""
    return text(unit_kind) in _vocab()["owner_kind"]["student_org_kinds"]


def student_org_text(s: str | None) -> bool:
    """Whether a cell's text (as :func:`text` made it) names a student organisation (团委, 学生会, …).

    :func:`owner_kind` in two parts, so that the ingest can apply it column by column to text it already has.
    """
    return bool(_student_org_keywords().search(s or ""))


def warm() -> None:
    """Read the vocabularies and compile their patterns now (a process pool forks with them made, instead of each
    worker making them on its first file)."""
    _vocab()
    _category_synonyms()
    _student_org_keywords()


@cache
def _student_org_keywords() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, _vocab()["owner_kind"]["student_org_keywords"])) or "(?!)")
