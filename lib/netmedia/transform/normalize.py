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
from functools import cache, lru_cache
from urllib.parse import urlsplit

import pandas as pd

from netmedia import paths, schema
from netmedia.transform import phones
from netmedia.transform.text import clean
from netmedia.transform.text import line as one_line

# Every normaliser is remembered per argument value and type (``1``, ``1.0`` and ``True`` normalise differently):
# types, statuses, dates, counts and names repeat within and across returns. Cells are str, int, float, bool,
# date or datetime, all hashable; results are immutable.
_cached = lru_cache(maxsize=1 << 16, typed=True)

EXCEL_EPOCH = dt.date(1899, 12, 30)


@_cached
def is_blank(v: object) -> bool:
    """No value: None, NaN, NA/NaT, or text that :func:`netmedia.transform.text.clean` empties (whitespace, the
    ``_x000D_`` escape, zero-width spaces). A cell holding only a control character is not blank: it is dropped
    from the text but the row it stands in was typed."""
    if isinstance(v, str):
        return not clean(v)
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


@_cached
def text(v: object) -> str | None:
    """Cell as one-line text (:func:`netmedia.transform.text.line`), booleans as 是/否, integral floats without
    '.0', dates in ISO form; blank -> None."""
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
    return one_line(str(v)) or None


_LATIN_GAP = re.compile(r"[A-Za-z] [A-Za-z]")


@_cached
def person(v: object) -> str | None:
    """A person's name with every space removed (张  三 -> 张三); Latin names keep single spaces."""
    s = text(v)
    if s is None or " " not in s:
        return s
    if _LATIN_GAP.search(s):
        return s
    return s.replace(" ", "")


@_cached
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


@_cached
def date(v: object) -> dt.date | None:
    """Parse the date forms units type; None for blanks and for text such as 至今/不定期/长期."""
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


@_cached
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


@_cached
def count(v: object) -> int | None:
    """Follower counts: 1.2万 -> 12000, '3,000' -> 3000, '约500' -> 500, '10万+' -> 100000; None for no number
    or one beyond :data:`MAX_COUNT` (infinite ones included)."""
    if is_blank(v) or isinstance(v, bool):
        return None
    n = v if isinstance(v, int | float) else _count_text(v)
    if n is None or not -MAX_COUNT <= n <= MAX_COUNT:  # the range check is also false for NaN
        return None
    return n if isinstance(n, int) else int(round(n))


def _count_text(v: object) -> float | None:
    """The number a count cell's text gives, before the range check of :func:`count`."""
    s = unicodedata.normalize("NFKC", str(v)).replace(",", "").replace("，", "")
    m = _COUNT_RE.search(s)
    if not m:
        return None
    return float(m["n"]) * _UNIT.get((m["u"] or "").lower(), 1)


# ---------------------------------------------------------------- phones
@_cached
def phone(v: object) -> str | None:
    """Mobile as 11 digits, landline as 0371-69127000 (:func:`netmedia.transform.phones.parse`); anything else
    stays as its text without spaces, for the phone rule to point at."""
    s = text(v)
    if s is None:
        return None
    p = phones.parse(s)
    return p.canonical if p else s.replace(" ", "")


# ---------------------------------------------------------------- vocabularies
# Every word list is compared by its folded key (:func:`netmedia.transform.text.fold`, via schema.norm_header), the
# analyst's words (:func:`netmedia.schema.vocabulary`) before the package's: they win at equal length. The
# lookups that depend on them are marked ``schema.vocabulary_cache``, so installing other words clears them.
@cache
def _vocab() -> dict:
    return tomllib.loads((paths.PACKAGE_DATA / "categories.toml").read_text(encoding="utf-8"))


def _key(s: object) -> str:
    return schema.norm_header(s)


@schema.vocabulary_cache
@cache
def _category_synonyms() -> tuple[tuple[str, str], ...]:
    """(folded word, category code), longest first; at equal length the analyst's words, then the package's
    synonyms, then the categories' Chinese names, each in file order; the generic words (APP, 客户端) last."""
    pairs = [(_key(s), code) for code, words in schema.vocabulary().platform_types for s in words]
    pairs += [(_key(s), c.code) for c in schema.categories() for s in c.synonyms]
    pairs += [(_key(c.zh), c.code) for c in schema.categories()]
    generic = [(_key(s), c.code) for c in schema.categories() for s in c.generic_synonyms]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])) + sorted(generic, key=lambda p: -len(p[0])))


@schema.vocabulary_cache
@cache
def _words(section: str) -> tuple[tuple[str, str], ...]:
    """(folded word, code) of a ``status``/``holder_role`` list, the analyst's first, then the package's."""
    lists = (*schema.vocabulary().words(section), *schema.package_words(section))
    return tuple((_key(w), code) for code, words in lists for w in words if _key(w))


@_cached  # every row's address is asked for its host several times (category, class, R-url)
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


@schema.vocabulary_cache
@_cached
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
    """The code whose word is the value's folded text, else whose longest word it contains (the first at equal
    length)."""
    key = _key(value)
    if not key:
        return None
    best: tuple[int, str] | None = None
    for k, code in _words(section):
        if key == k:
            return code
        if k in key and (best is None or len(k) > best[0]):
            best = (len(k), code)
    return best[1] if best else None


@schema.vocabulary_cache
@_cached
def status(v: object) -> str:
    """running / stopped / closed / unknown from the 运行状态 cell."""
    return _lookup("status", v) or "unknown"


@schema.vocabulary_cache
@_cached
def holder_role(v: object) -> str | None:
    """staff / student from the 身份 cell; None when absent or unclear."""
    return _lookup("holder_role", v)


@schema.vocabulary_cache
@_cached
def group_platform(v: object) -> str | None:
    """wechat / qq / dingtalk / … from a group's 群组类型 cell; ``other`` for a type no list names, None when
    blank."""
    return _lookup("group_platform", v) or ("other" if text(v) else None)


@_cached
def coded(vocabulary: str, v: object) -> str | None:
    """The code a cell's word names in one of the fixed word lists of ``categories.toml`` that the analyst cannot
    extend: ``group_kind`` (长期 / 临时), ``still_needed`` (是 / 否), ``round_status`` (本轮状态 of a pre-filled
    template: 无变化 / 有变更 / 已注销 / 新增); None when absent or unclear."""
    return _lookup(vocabulary, v)



@_cached
def owner_kind(cell: object, platform_name: object, unit_kind: object = None) -> str:
    """student_org when the unit is a student organisation or the cell/name says so; else unit."""
    if student_org_kind(unit_kind) or student_org_text(text(cell)) or student_org_text(text(platform_name)):
        return "student_org"
    return "unit"


def student_org_kind(unit_kind: object) -> bool:
    """Whether a roster unit kind (单位类别) is a student organisation's (compared folded: 學生組織 too)."""
    return _key(unit_kind) in {_key(k) for k in _vocab()["owner_kind"]["student_org_kinds"]}


def student_org_text(s: str | None) -> bool:
    """Whether a cell's text (as :func:`text` made it) names a student organisation (团委, 学生会, 團委, …),
    compared folded.

    :func:`owner_kind` in two parts, so that the ingest can apply it column by column to text it already has.
    """
    return bool(s) and bool(_student_org_keywords().search(_key(s)))


@cache
def _student_org_keywords() -> re.Pattern[str]:
    words = [_key(w) for w in _vocab()["owner_kind"]["student_org_keywords"]]
    return re.compile("|".join(map(re.escape, filter(None, words))) or "(?!)")
