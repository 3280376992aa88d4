"""Platforms known by their address: the category a URL's host and path, or an account id's shape, name.

Units often leave the platform type blank, or write a type that does not fit, while the address they give
says plainly what the platform is: ``https://weibo.com/u/1234567890`` is a Weibo account, ``gh_`` and 12 hex
digits a WeChat official account's original id. The hosts, paths and id shapes are data
(``data/platform_hosts.toml``); this module only reads them. ``records.record_columns()`` uses them when the typed
type names no category, ``validate.derive`` to flag a typed type its address contradicts (R-category).

Every public function is a pure function of its text and remembered per value: the same addresses recur
within and across returns.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from netmedia import paths

_cached = lru_cache(maxsize=1 << 16)


def _nfkc(s: str) -> str:
    """Full-width forms folded (ｗｅｉｂｏ．ｃｏｍ -> weibo.com) and the ends stripped; ASCII text as it is (the
    common case, and NFKC costs ~0.5 µs a character)."""
    return (s if s.isascii() else unicodedata.normalize("NFKC", s)).strip()

# A host (labels joined by dots, the last one letters) with an optional scheme, port and path, found in a text.
_URL_IN_TEXT = re.compile(
    r"(?:(?P<scheme>https?)://)?(?P<host>(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?::\d{1,5})?"
    r"(?P<path>[/?#][^\s，,；;、）)]*)?",
    re.IGNORECASE,
)
# The whole text is one address: a scheme, or www., or a host and an optional path (the host's last label is
# then checked against the data file's tlds).
_WHOLE_URL = re.compile(
    r"(?P<scheme>https?://)?(?P<host>(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?P<tld>[a-z]{2,}))(?::\d{1,5})?"
    r"(?:[/?#]\S*)?",
    re.IGNORECASE,
)
_SCHEME_ONLY = re.compile(r"https?://\S+", re.IGNORECASE)


def _has_dot(s: str) -> bool:
    """Whether a text can hold a host at all: a dot as one types it in an address (``.``, or the full-width
    ``．`` or small ``﹒`` that NFKC makes a dot; the other characters NFKC gives a dot, ``…`` or ``⒈``, are in no
    address). Most account ids have none, and this keeps them from the regular expressions."""
    return "." in s or "．" in s or "﹒" in s


@dataclass(frozen=True)
class HostRule:
    """One ``[[host]]`` entry of platform_hosts.toml for one host: what a URL on it (under ``paths``) names."""

    host: str
    category: str
    paths: tuple[str, ...] = ()
    accepts: frozenset[str] = frozenset()  # the typed categories such a URL does not contradict (its own too)


@dataclass(frozen=True)
class Evidence:
    """What a row's address says: the category, ``url`` or ``account_id`` (the kind of text that said it),
    the text itself and the typed categories it does not contradict."""

    category: str
    source: str
    text: str
    accepts: frozenset[str]


@cache
def _data() -> dict:
    return tomllib.loads((paths.PACKAGE_DATA / "platform_hosts.toml").read_text(encoding="utf-8"))


@cache
def _host_rules() -> dict[str, tuple[HostRule, ...]]:
    """Host -> its rules, those with paths first."""
    rules: dict[str, list[HostRule]] = {}
    for entry in _data()["host"]:
        for h in entry["hosts"]:
            rule = HostRule(h.lower(), entry["category"], tuple(p.lower() for p in entry.get("paths", ())),
                            frozenset((entry["category"], *entry.get("also", ()))))
            rules.setdefault(rule.host, []).append(rule)
    return {h: tuple(sorted(rs, key=lambda r: not r.paths)) for h, rs in rules.items()}


@cache
def _id_shapes() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(e["pattern"], re.IGNORECASE), e["category"]) for e in _data()["id"])


@cache
def _tlds() -> frozenset[str]:
    return frozenset(t.lower() for t in _data()["tlds"])


def _rule_for(host: str, path: str) -> HostRule | None:
    """The most specific rule for a host and path: the longest listed host the host is or is under, a rule
    with a matching path before one without."""
    labels = host.lower().rstrip(".").split(".")
    rules = _host_rules()
    for i in range(len(labels) - 1):  # longest suffix first; a bare TLD is never listed
        for rule in rules.get(".".join(labels[i:]), ()):
            if not rule.paths or any(path.lower().startswith(p) for p in rule.paths):
                return rule
    return None


@_cached
def host_rule(url_or_text: str | None) -> HostRule | None:
    """The platform rule of the first address in the text whose host is a listed platform's, if any."""
    if not url_or_text or not _has_dot(url_or_text):
        return None
    for m in _URL_IN_TEXT.finditer(_nfkc(url_or_text)):
        rule = _rule_for(m["host"], m["path"] or "/")
        if rule is not None:
            return rule
    return None


@_cached
def id_platform(account_id: str | None) -> str | None:
    """The category code an account id's shape names (``gh_`` + 12 hex -> ``wechat_official``), else None."""
    if not account_id:
        return None
    s = _nfkc(account_id)
    for pattern, category in _id_shapes():
        if pattern.fullmatch(s):
            return category
    return None


@_cached
def looks_like_url(text: str | None) -> bool:
    """Whether the whole text is one address: ``http(s)://…``, ``www.…``, or ``host.tld`` with an optional
    ``/path`` whose top-level domain is a known one (so ``ncwu.xw``, a 抖音号, is no address, nor is
    ``1.5万``)."""
    if not text or not _has_dot(text):
        return False
    s = _nfkc(text)
    if _SCHEME_ONLY.fullmatch(s):
        return True
    m = _WHOLE_URL.fullmatch(s)
    if m is None:
        return False
    return s.lower().startswith("www.") or m["tld"].lower() in _tlds()


def row_url(url: str | None, account_id: str | None) -> str | None:
    """The address a row gives: its url cell when that is an address, else its account cell when that is one."""
    if looks_like_url(url):
        return url
    if looks_like_url(account_id):
        return account_id
    return None


def evidence(url: str | None, account_id: str | None) -> Evidence | None:
    """What a row's address names, looking at the url cell then the account cell: a platform's URL (source
    ``url``; in the account cell only when the whole cell is an address) or an id of a known shape (source
    ``account_id``). None when neither names a platform."""
    for t, is_url_cell in ((url, True), (account_id, False)):
        if not t:
            continue
        rule = host_rule(t) if is_url_cell or looks_like_url(t) else None
        if rule is not None:
            return Evidence(rule.category, "url", t, rule.accepts)
        code = id_platform(t)
        if code is not None:
            return Evidence(code, "account_id", t, frozenset((code,)))
    return None
