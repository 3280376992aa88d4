"""What one cell's value shows: a phone, a date, an address, a count, a platform type, a status, 教职工/学生, a
leader's title, a unit, a person, an account id, free text.

Each *detector* is a predicate on one non-blank cell, remembered per value (the same cells recur in every
return and in every copy of one). :mod:`netmedia.transform.roles` asks them about a column's first values and
decides from their shares which field the column holds; the rosters a detector may consult (units, staff names)
come as :class:`Lookups`.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from netmedia import paths, schema
from netmedia.transform import normalize, phones
from netmedia.transform.text import fold

#: Vocabulary words (platform types, statuses, 教职工/学生) are short: a longer cell merely *contains* one
#: (a platform name such as 水利学院官方微博) and does not count.
VOCAB_MAX_CHARS = 8
#: A count is below this; longer digit strings are account ids (Weibo UIDs, QQ numbers) rather than audiences.
COUNT_MAX = 100_000_000
#: Answers of a yes/no column (是否备案, 是否认证…): a column of them says nothing about which field it is, though
#: 是/否 also answer 是否在用 (a status).
YES_NO = frozenset({"是", "否", "有", "无", "yes", "no", "y", "n", "√", "×", "✓", "✗"})

_HAN_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,4}[·•][\u4e00-\u9fff]{1,6}")
_URL = re.compile(r"(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_ACCOUNT = re.compile(r"[A-Za-z0-9_@.\-]{3,40}")
_COUNT_TEXT = re.compile(r"(?:约|超过|近)?\s*\d+(?:[.,]\d+)*\s*(?:万|w|W|千|k|K|亿)?\s*\+?\s*(?:人)?")


# ------------------------------------------------------------------ detectors: one non-blank cell -> bool
def is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


@schema.vocabulary_cache
@lru_cache(maxsize=1 << 16, typed=True)
def _short_vocab(v: object) -> str:
    """The cell's folded text when it is short enough to be a vocabulary word, else ""."""
    if not isinstance(v, str):
        return ""
    key = fold(v)
    return key if len(key) <= VOCAB_MAX_CHARS else ""


@lru_cache(maxsize=1 << 16, typed=True)
def is_phone(v: object) -> bool:
    s = normalize.text(v)
    return bool(s) and phones.parse(s) is not None


@lru_cache(maxsize=1 << 16, typed=True)
def is_date(v: object) -> bool:
    """A date cell, or text in a date form; not a bare number (a serial number is indistinguishable from a count)."""
    if isinstance(v, dt.date):
        return True
    return isinstance(v, str) and not v.strip().isdigit() and normalize.date(v) is not None


@lru_cache(maxsize=1 << 16, typed=True)
def is_url(v: object) -> bool:
    return isinstance(v, str) and bool(_URL.fullmatch(v.strip())) and normalize.url_host(v) is not None


@lru_cache(maxsize=1 << 16, typed=True)
def is_count(v: object) -> bool:
    if is_number(v):
        return 0 <= v < COUNT_MAX
    return isinstance(v, str) and bool(_COUNT_TEXT.fullmatch(v.strip())) and normalize.count(v) is not None \
        and normalize.count(v) < COUNT_MAX and not is_phone(v)


def is_type(v: object) -> bool:
    return bool(_short_vocab(v)) and normalize.type_category(v) != "other"


def is_yes_no(v: object) -> bool:
    return (_short_vocab(v) if isinstance(v, str) else normalize.text(v) or "") in YES_NO


def is_status(v: object) -> bool:
    return bool(_short_vocab(v)) and not is_yes_no(v) and normalize.status(v) != "unknown"


def is_holder_role(v: object) -> bool:
    return bool(_short_vocab(v)) and normalize.holder_role(v) is not None


@lru_cache(maxsize=1 << 16, typed=True)
def is_account(v: object) -> bool:
    """An account id: Latin letters, digits and _ . - @ without spaces (gh_1a2b…, hsxw1951), or a long number."""
    if is_number(v):
        return v >= COUNT_MAX
    return isinstance(v, str) and bool(_ACCOUNT.fullmatch(v.strip())) and not is_url(v) and "@" not in v[:1]


def is_text(v: object) -> bool:
    """Free text holding at least one letter (a name, a description): no number, no date."""
    return isinstance(v, str) and _LETTER.search(v) is not None


@lru_cache(maxsize=1 << 16, typed=True)
def looks_like_job_title(v: object) -> bool:
    """Short text ending as a leader's title does (``job_title_endings`` in ``data/schema.toml``): 党委书记, 副院长."""
    return isinstance(v, str) and len(v) <= VOCAB_MAX_CHARS and fold(v).endswith(_schema_lists()["job_title_endings"])


#: The detectors that need nothing but the cell, in :data:`netmedia.transform.roles.ROLE_ORDER`.
CELL_DETECTORS: tuple[tuple[str, Callable[[object], bool]], ...] = (
    ("phone", is_phone), ("date", is_date), ("url", is_url), ("count", is_count), ("yes_no", is_yes_no),
    ("type", is_type), ("status", is_status), ("holder_role", is_holder_role), ("job_title", looks_like_job_title))


def cell_role(v: object) -> str | None:
    """The first role of :data:`CELL_DETECTORS` one non-blank cell shows, if any (remembered per cell and roster
    by :func:`cell_role_with`, its one caller)."""
    for role, det in CELL_DETECTORS:
        if det(v):
            return role
    return None


def _no_unit(v: object) -> str | None:
    """No units roster: no cell is on it."""
    return None


@dataclass(frozen=True)
class Lookups:
    """What the value detectors may consult besides the cell: the units roster and the staff roster's names.

    Hashable, so that the roles of the cells and the decisions taken with it are remembered by
    :func:`functools.lru_cache` (:func:`cell_role_with`, :func:`netmedia.transform.roles.decide`) per roster."""

    unit: Callable[[object], str | None] = _no_unit
    staff_names: frozenset[str] = frozenset()

    def is_unit(self, v: object) -> bool:
        """On the units roster, or (roster or not) ending as unit names do."""
        return isinstance(v, str) and (looks_like_unit(v) or _on_roster(v, self))

    def is_person(self, v: object) -> bool:
        """On the staff roster, or 2-4 Han characters (a minority name with ·) that do not end as a unit does."""
        return isinstance(v, str) and (looks_like_name(v) or normalize.person(v) in self.staff_names)

    def role_of(self, v: object) -> str:
        """The role one non-blank cell shows: the first detector (in the order of
        :data:`netmedia.transform.roles.ROLE_ORDER`) that accepts it
        ("other" for none)."""
        return cell_role_with(v, self)


@lru_cache(maxsize=1 << 16)
def _on_roster(v: str, look: Lookups) -> bool:
    return look.unit(v) is not None


@schema.vocabulary_cache
@lru_cache(maxsize=1 << 16, typed=True)
def cell_role_with(v: object, look: Lookups) -> str:
    """:meth:`Lookups.role_of`: the cell's own role (:func:`cell_role`), else unit, person, account or text by
    ``look``'s rosters, else "other"."""
    role = cell_role(v)
    if role:
        return role
    for role, det in (("unit", look.is_unit), ("person", look.is_person), ("account", is_account), ("text", is_text)):
        if det(v):
            return role
    return "other"


@cache
def _schema_lists() -> dict[str, tuple[str, ...]]:
    """The value and label lists of ``data/schema.toml`` this module reads (row-number labels, unit endings)."""
    data = tomllib.loads((paths.PACKAGE_DATA / "schema.toml").read_text(encoding="utf-8"))
    return {k: tuple(fold(x) for x in data.get(k, ())) for k in ("row_number_labels", "unit_name_endings",
                                                                 "job_title_endings")}


@lru_cache(maxsize=1 << 16, typed=True)
def looks_like_unit(v: object) -> bool:
    """Text ending as unit names do (``unit_name_endings`` in ``data/schema.toml``): 水利学院, 党委宣传部."""
    return isinstance(v, str) and fold(v).endswith(_schema_lists()["unit_name_endings"])


@lru_cache(maxsize=1 << 16)
def looks_like_name(v: str) -> bool:
    """2-4 Han characters (a minority name with ·, spaces ignored) that end neither as a unit name nor as a
    leader's title does."""
    s = normalize.person(v)
    return bool(s) and bool(_HAN_NAME.fullmatch(s)) and not looks_like_unit(s) and not looks_like_job_title(s)


def is_row_number_label(label: str) -> bool:
    """序号 and the like (``row_number_labels`` in ``data/schema.toml``)."""
    return fold(label) in _schema_lists()["row_number_labels"]


