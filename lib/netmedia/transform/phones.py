"""The one phone parser: mainland mobiles and landlines as units type them, read with ``phonenumbers`` (region CN).

The ingest writes the canonical form (:attr:`Phone.canonical`), the phone rule asks :attr:`Phone.valid`, and
the privacy masking and scanning find and mask with :func:`parse` and :func:`find`, so all three agree on
what a phone is.

What counts:

- a **mobile**: 11 digits starting 13-19, with or without ``+86``/``0086``/``86``, spaces, dashes, dots or
  brackets (``+86 138-0000-0360``). Valid by its shape: phonenumbers' list of allocated blocks changes with
  every carrier release, and a number in a block the installed library does not know yet is still a mobile.
- a **landline** with its area code (``0371-69127000``, ``(010)62751234``, ``+86 371 6912 7000``): the trunk
  ``0`` typed, or a country code instead. The area code is ``010``, ``02x`` or four digits (China's plan);
  the number after it 7 or 8 digits. Valid when phonenumbers knows the number (the local part has the
  length of its area: Zhengzhou's numbers have 8 digits, so ``0371-6912700`` is a landline, but not a valid one).

Anything else is not a phone: a number without area code (``69127000``: which city?), a service number
(``400-810-8888``, ``95588``), a foreign number, text with letters (``138O0000360``: phonenumbers would read
letters as keypad digits) or with two numbers in it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import CountryCodeSource, Leniency, NumberParseException, PhoneNumberMatcher

MASK = "****"
_MOBILE = re.compile(r"1[3-9]\d{9}")
#: A mobile as typed, once its grouping (spaces, dashes, dots, brackets) is taken out: the 11 digits, after a
#: country code or not. Its shape is the definition (module docstring): no library call is needed to read it.
_MOBILE_TYPED = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})")
_GROUPING = re.compile(r"[\s().\-\u2010-\u2015]")
_LANDLINE = re.compile(r"(?P<area>10|2\d|[3-9]\d\d)(?P<local>\d{7,8})")  # after the trunk 0
#: How many digits a phone can have: a landline with the shortest area code and local number (010 + 7 digits),
#: up to a landline with ``0086``, trunk 0, a four-digit area code and eight digits. Fewer or more is no phone
#: (a follower count, a date, an id), which the column detectors ask about for every value.
MIN_DIGITS, MAX_DIGITS = 10, 16
# What a typed phone may hold besides digits: spaces, dashes, dots, brackets and a plus (after NFKC).
_TYPED = re.compile(r"[\d\s+().\-\u2010-\u2015]+")


@dataclass(frozen=True)
class Phone:
    """A mainland phone number: a mobile (``area`` empty) or a landline (``area`` with its ``0``)."""

    area: str
    number: str
    valid: bool

    @property
    def canonical(self) -> str:
        """Mobile as 11 digits (``13800000360``), landline as area-number (``0371-69127000``)."""
        return f"{self.area}-{self.number}" if self.area else self.number

    @property
    def masked(self) -> str:
        """For shared outputs: ``138****0360``, ``0371-****7000`` (area code and the last 4 digits kept)."""
        if self.area:
            return f"{self.area}-{MASK}{self.number[-4:]}"
        return self.number[:3] + MASK + self.number[-4:]


@lru_cache(maxsize=1 << 16)  # a season repeats its phones; phonenumbers takes ~50 µs a number
def parse(text: str) -> Phone | None:
    """The phone ``text`` is (see the module docstring), or None when it is none."""
    s = unicodedata.normalize("NFKC", text).strip()
    if not _TYPED.fullmatch(s) or not MIN_DIGITS <= sum(ch.isdigit() for ch in s) <= MAX_DIGITS:
        return None  # not typed as a number, or too short or long for any of the forms above
    mobile = _MOBILE_TYPED.fullmatch(_GROUPING.sub("", s)) if s.isascii() else None
    if mobile:  # a mobile's shape, however grouped (a block the installed library does not know included)
        return Phone("", mobile[1], True)
    try:
        n = phonenumbers.parse(s, "CN", keep_raw_input=True)
    except NumberParseException:
        return None
    if n.country_code != 86:
        return None
    nsn = phonenumbers.national_significant_number(n)
    if _MOBILE.fullmatch(nsn):
        return Phone("", nsn, True)
    typed_trunk = phonenumbers.normalize_digits_only(s).startswith("0")
    m = _LANDLINE.fullmatch(nsn)
    if m and (typed_trunk or n.country_code_source != CountryCodeSource.FROM_DEFAULT_COUNTRY):
        return Phone("0" + m["area"], m["local"], phonenumbers.is_valid_number(n))
    return None


def is_valid(text: str) -> bool:
    """Whether ``text`` is a valid mainland mobile or landline (the phone rule)."""
    p = parse(text)
    return p is not None and p.valid


@dataclass(frozen=True)
class Found:
    """A phone found in free text: where it stands (``text[start:end]`` is ``raw``) and what it is."""

    start: int
    end: int
    raw: str
    phone: Phone


# A phone inside a longer number is none: digits or a decimal point right before it (0.13800000360 in chart
# data), digits or a decimal fraction right after it (13800000360.5).
_BEFORE = re.compile(r"\d\.?$")
_AFTER = re.compile(r"\d|\.\d")
# A run of digits and the characters phones are written with: where a phone can stand at all. No dot: in free
# text a dot between digits is a decimal point (a cell typed 138.0000.0360 is read by :func:`parse`).
_RUN = re.compile(r"[+＋(（]?[\d(（][\d\s+＋()（）\-－\u2010-\u2015]*\d")  # \d: also full-width digits
_MIN_DIGITS = 10  # a landline with its area code has at least 10 digits (010-1234567), a mobile 11


def find(text: str) -> list[Found]:
    """Every valid mobile and landline with area code in free text, in order.

    phonenumbers' matcher finds the numbers in each run of digits and phone punctuation that holds enough
    digits for one (it splits ``13800000360 0371-69127000`` in two, keeps ``+86 138 0000 0360`` whole and, at
    strict grouping, refuses a run grouped unlike a phone: ``0-150-67-150-150`` in an SVG path); :func:`parse`
    then keeps the mobiles and the landlines with area code. Dates, amounts and ids are no phone, nor is a
    phone-shaped number inside a longer one. Numbers phonenumbers does not know (a mobile block allocated after
    the installed version) are not found here: keep the library current.

    The matcher sees one run at a time: over a whole bundle of chart code (5 MB, thousands of numbers) it would
    take seconds, and it stops after a number of candidates (65,535) that such a file holds, missing any phone
    behind them.
    """
    out: list[Found] = []
    for run in _RUN.finditer(text):
        if sum(c.isdigit() for c in run.group()) < _MIN_DIGITS:
            continue
        lo = max(run.start() - 1, 0)  # a character of context before and after for the matcher
        for m in PhoneNumberMatcher(text[lo : run.end() + 1], "CN", leniency=Leniency.STRICT_GROUPING):
            start, end = lo + m.start, lo + m.end
            raw = text[start:end]
            if _BEFORE.search(text[max(start - 2, 0) : start]) or _AFTER.match(text[end : end + 2]):
                continue
            p = parse(raw)
            if p is not None:
                out.append(Found(start, end, raw, p))
    return out
