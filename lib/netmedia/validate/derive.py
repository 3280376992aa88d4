"""Rule-ready facts that are not columns of the clean tables, computed in one place.

This is the only Python that computes a rule's facts (is a platform a zombie,
which platforms are the same one, is the supervisor a unit head, ...). Every
rule in docs/rules.md is checked by a GX expectation on a column of the clean
table or on a column added here; findings, charts and history read these
columns (or call the public functions below, e.g. ``is_zombie`` and
``duplicate_key`` for an archived round) and never re-code a rule. What a
finding says about a rule is in ``data/rules.toml``.

The functions return a copy of the frame with the extra columns and a fresh
RangeIndex (GX reports failing rows by index label, which is then the row's
position).

Everything is vectorised: string work runs once per *distinct* value
(``_per_distinct``), look-ups are ``isin``/``map`` against roster sets, so a
million platform rows derive in seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache

import numpy as np
import pandas as pd

from netmedia import schema
from netmedia.config import Config
from netmedia.transform import phones, platform_urls
from netmedia.transform.text import fold, to_simplified

STAFF_CURRENT = "在职"
NOT_ON_ROSTER = "不在教职工名册"
_ALIAS_SPLIT = re.compile(r"[、,，;；/|\s]+")

# R-category's columns on what a row's address names (:func:`url_platform`), on both record tables.
URL_PLATFORM_COLUMNS = (
    "url_category",
    "url_category_source",
    "url_category_text",
    "url_category_zh",
    "url_platform_consistent",
)
_SEP = "\x1f"

# Columns this module adds, per table (documented for readers of the findings).
DERIVED_COLUMNS = {
    "platforms": (
        "unit_known",
        "unit_party_head",
        "unit_admin_head",
        "unit_heads_known",
        "supervisor_is_unit_head",
        "operator_is_current_staff",
        "operator_roster_status",
        "url_domain_class",
        "category_class_ok",
        "category_problem",
        "category_zh",
        "category_class",
        "url_class_consistent",
        *URL_PLATFORM_COLUMNS,
        "is_zombie",
        "platform_identity",
        "duplicate_key",
        "duplicate_others",
        "phone_ok",
    ),
    "personal_accounts": (
        "unit_known",
        "category_class_ok",
        "category_problem",
        "category_zh",
        *URL_PLATFORM_COLUMNS,
        "name_has_school_or_unit",
        "name_homophone_of",
        "name_homophone_text",
        "name_defamatory_word",
        "name_in_scope",
        "phone_ok",
    ),
    "groups": ("counted", "group_expired", "group_not_needed", "must_dissolve"),
    "units": ("has_submission",),
    "submissions": ("received_date", "is_late"),
    "record_history": ("source_file", "source_sheet", "source_row", "platform_name", "account_id",
                       "missing_from_template"),
}


# --------------------------------------------------------------------------- helpers


def _per_distinct(s: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a Series->Series function to the distinct non-null values of ``s`` only, then broadcast back."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    out = fn(pd.Series(uniques, dtype=s.dtype)).reset_index(drop=True)
    if out.dtype == bool:
        out = out.astype("boolean")
    res = out.reindex(codes)
    res.index = s.index
    return res


def _blank_to_na(s: pd.Series) -> pd.Series:
    """Text column with empty/whitespace-only cells as NA (str dtype)."""
    s = s.astype("str")
    return s.mask(s.str.strip() == "")


def norm_name(s: pd.Series) -> pd.Series:
    """Person/unit names compared NFKC with all whitespace removed (NA stays NA)."""
    s = _blank_to_na(s)
    return _per_distinct(s, lambda u: _strip_ws(u.str.normalize("NFKC")))


def _strip_ws(u: pd.Series) -> pd.Series:
    """All whitespace removed from a Series of non-null strings. ``"".join(x.split())`` removes exactly what
    ``re.sub(r"\\s+", "")`` does (both use Python's Unicode whitespace; checked over every code point in
    tests) at a fraction of the cost: pandas runs that regex in Python per value."""
    return pd.Series(["".join(x.split()) for x in u.tolist()], index=u.index, dtype=u.dtype)


def _norm_text(x: str) -> str:
    """A name as compared (:func:`netmedia.transform.text.fold`): NFKC, no whitespace, simplified script; the
    punctuation and the letters' case kept, since the windows of it that a rule finds are shown back."""
    return fold(x, keep_punctuation=True, keep_case=True)


def _col(df: pd.DataFrame, name: str, dtype: str = "str") -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series(pd.NA, index=df.index, dtype=dtype)


_to_simplified = to_simplified


def simplified(s: pd.Series) -> pd.Series:
    """:func:`_norm_text` of each name: NFKC, whitespace removed, simplified script (per distinct value)."""
    return _per_distinct(_blank_to_na(s), lambda u: u.map(_norm_text))


def phone_ok(s: pd.Series) -> pd.Series:
    """True/False for non-empty phones (:func:`netmedia.transform.phones.is_valid`), NA for empty."""
    return _per_distinct(_blank_to_na(s), lambda u: u.map(phones.is_valid).astype(bool))


def url_host(s: pd.Series) -> pd.Series:
    """Lower-case host of a URL-ish text ('http://www.x.cn/a' -> 'www.x.cn'), NA when none."""

    def host(u: pd.Series) -> pd.Series:
        h = u.str.strip().str.lower().str.replace(r"^[a-z][a-z0-9+.-]*://", "", regex=True)
        h = h.str.replace(r"^[^/@]*@", "", regex=True).str.extract(r"^([^/:?#\s]*)", expand=False)
        return h.mask(h == "")

    return _per_distinct(_blank_to_na(s), host)


def url_key(s: pd.Series) -> pd.Series:
    """Normalised URL for duplicate detection: lower case, no scheme, no ``www.``, no trailing ``/``."""

    def key(u: pd.Series) -> pd.Series:
        k = u.str.strip().str.lower().str.replace(r"^[a-z][a-z0-9+.-]*://", "", regex=True)
        k = k.str.replace(r"^www\.", "", regex=True).str.replace(r"/+$", "", regex=True)
        return k.mask(k == "")

    return _per_distinct(_blank_to_na(s), key)


def domain_class(host: pd.Series, domains: Iterable[str]) -> pd.Series:
    """1 when ``host`` is one of the school's domains or under one, 2 for any other host, NA without host."""
    domains = tuple(d.lower().lstrip(".") for d in domains)
    if not domains:
        return pd.Series(np.where(host.isna(), pd.NA, 2), index=host.index, dtype="Int64")
    pat = "(?:^|\\.)(?:" + "|".join(re.escape(d) for d in domains) + ")$"
    on_campus = host.str.contains(pat, regex=True)
    out = pd.Series(np.where(on_campus.fillna(False).to_numpy(dtype=bool), 1, 2), index=host.index, dtype="Int64")
    return out.mask(host.isna())


def _roster_aliases(units: pd.DataFrame) -> pd.DataFrame:
    """(alias_norm, unit_norm) pairs: every roster unit under its own name and each alias."""
    if units is None or units.empty or "unit" not in units.columns:
        return pd.DataFrame({"alias": pd.Series([], dtype="str"), "unit": pd.Series([], dtype="str")})
    unit = norm_name(units["unit"])
    rows = [pd.DataFrame({"alias": unit, "unit": unit})]
    if "aliases" in units.columns:
        al = _blank_to_na(units["aliases"]).str.split(_ALIAS_SPLIT.pattern, regex=True)
        ex = pd.DataFrame({"alias": al, "unit": unit}).explode("alias")
        ex["alias"] = norm_name(ex["alias"].astype("str"))
        rows.append(ex)
    out = pd.concat(rows, ignore_index=True).dropna().drop_duplicates("alias")
    return out.astype("str")


def canonical_unit(unit: pd.Series, units: pd.DataFrame) -> pd.Series:
    """Normalised roster unit name for a unit column (aliases resolved); the normalised text itself when unknown."""
    u = norm_name(unit)
    al = _roster_aliases(units)
    if al.empty:
        return u
    canon = dict(zip(al["alias"], al["unit"], strict=True))
    return _per_distinct(u, lambda x: x.map(canon).astype("str").fillna(x))


# --------------------------------------------------------------------------- platforms


def derive_platforms(
    df: pd.DataFrame, units: pd.DataFrame | None, staff: pd.DataFrame | None, config: Config
) -> pd.DataFrame:
    """Annex 2 rows plus the columns the platform rules need (see DERIVED_COLUMNS)."""
    out = df.reset_index(drop=True).copy()
    units = units if units is not None else pd.DataFrame(columns=list(schema.column_names("units")))
    staff = staff if staff is not None else pd.DataFrame(columns=list(schema.column_names("staff")))
    for c in ("unit", "platform_type_raw", "platform_name", "supervisor", "operator", "operator_phone"):
        if c in out.columns:
            out[c] = _blank_to_na(out[c])

    out["unit_known"] = unit_known(out)

    # R-leader: supervisor is the unit's party or admin head.
    unit_key = canonical_unit(_col(out, "unit"), units)
    sup = norm_name(_col(out, "supervisor"))
    heads = set()
    if not units.empty:
        ru = norm_name(units["unit"])
        for col in ("party_head", "admin_head"):
            if col in units.columns:
                h = norm_name(units[col])
                ok = ru.notna() & h.notna()
                heads.update((ru[ok] + "\x1f" + h[ok]).tolist())
                head_of = dict(zip(ru[ok], h[ok], strict=True))
                out[f"unit_{col}"] = _per_distinct(unit_key, lambda u, m=head_of: u.map(m).astype("str"))
    for col in ("unit_party_head", "unit_admin_head"):
        if col not in out.columns:
            out[col] = pd.Series(pd.NA, index=out.index, dtype="str")
    out["unit_heads_known"] = (out["unit_party_head"].notna() | out["unit_admin_head"].notna()).astype("boolean")
    # unknown, not failed, without a units roster (R-leader is reported 未检查（缺少名册）) or a unit (R-unit's row)
    out["supervisor_is_unit_head"] = (unit_key.fillna("") + "\x1f" + sup).isin(heads).astype("boolean").mask(
        sup.isna() | unit_key.isna() | units.empty)

    # R-operator: operator on the staff roster with status 在职.
    op = norm_name(_col(out, "operator"))
    status_of = _staff_status(staff)
    out["operator_roster_status"] = _per_distinct(op, lambda u: u.map(status_of).astype("str").fillna(NOT_ON_ROSTER))
    # no staff roster: unknown, not failed (R-operator is reported 未检查（缺少名册）)
    out["operator_is_current_staff"] = (out["operator_roster_status"] == STAFF_CURRENT).astype("boolean").mask(
        op.isna() | staff.empty)

    # R-category.
    host = url_host(_col(out, "url"))
    out["url_domain_class"] = domain_class(host, config.institution.domains)
    out["category_class_ok"] = _category_ok(out, with_class=True)
    out["category_problem"] = _category_problem(out)
    cat = _col(out, "category")
    codes = schema.category_codes()
    out["category_zh"] = cat.map(schema.category_zh, na_action="ignore").astype("str")
    out["category_class"] = cat.map({c: schema.class_of(c) for c in codes}).astype("Int64")
    exp = pd.Series(pd.NA, index=out.index, dtype="Int64")
    exp = exp.mask(cat == "website_campus", 1).mask(cat == "website_external", 2)
    cons = (out["url_domain_class"] == exp).astype("boolean")
    out["url_class_consistent"] = cons.mask(exp.isna() | out["url_domain_class"].isna())
    out = pd.concat([out, url_platform(out)], axis=1)

    # R-zombie.
    out["is_zombie"] = is_zombie(out, config.zombie_cutoff)

    # R-duplicate: rows sharing (category, identity); duplicate_others = how many other rows share it.
    ident = platform_identity(out)
    dkey = _with_category(out, ident)
    out["platform_identity"] = ident
    out["duplicate_key"] = dkey
    group, _ = pd.factorize(dkey, use_na_sentinel=True)
    counts = np.bincount(group[group >= 0], minlength=1)
    out["duplicate_others"] = pd.array(np.where(group >= 0, counts[np.maximum(group, 0)] - 1, 0), dtype="Int64")
    out.loc[dkey.isna(), "duplicate_others"] = pd.NA

    # R-phone.
    out["phone_ok"] = phone_ok(_col(out, "operator_phone"))
    return out


def unit_known(records: pd.DataFrame) -> pd.Series:
    """R-unit: the row has a unit. A row of a registry whose unit column, account name and description name no
    roster unit is kept with none (:mod:`netmedia.transform.row_units`) and reported 单位未知."""
    return _blank_to_na(_col(records, "unit")).notna().astype("boolean")


def is_zombie(platforms: pd.DataFrame, cutoff: object) -> pd.Series:
    """R-zombie: not closed and last updated strictly before ``cutoff`` (a date; on the cutoff passes).

    A platform without an update date is not a zombie (R-required reports the missing date). History
    calls this with an archived round's own cutoff."""
    last = pd.to_datetime(_col(platforms, "last_updated_on", "datetime64[ns]"), errors="coerce")
    closed = _col(platforms, "status").eq("closed").fillna(False).astype(bool)
    old = (last < pd.Timestamp(cutoff)).fillna(False).astype(bool)
    return (old & ~closed).astype("boolean")


def platform_identity(platforms: pd.DataFrame) -> pd.Series:
    """What makes a platform the same one: its account id (NFKC, no whitespace, lower case), else its URL
    (``url_key``), else its name (``norm_name``, lower case); NA when it has none of them."""
    acc = _account_id_key(platforms)
    return acc.fillna(url_key(_col(platforms, "url"))).fillna(norm_name(_col(platforms, "platform_name")).str.lower())


def _account_id_key(records: pd.DataFrame) -> pd.Series:
    """An account id as compared: NFKC, no whitespace, lower case (NA when blank)."""
    return _per_distinct(
        _blank_to_na(_col(records, "account_id")),
        lambda u: _strip_ws(u.str.normalize("NFKC")).str.lower(),
    )


def duplicate_key(platforms: pd.DataFrame) -> pd.Series:
    """``<category>|<platform_identity>`` (``?`` for a missing category), NA without identity: two rows with
    one key are one platform filed twice (R-duplicate), and history follows a platform across rounds by it."""
    return _with_category(platforms, platform_identity(platforms))


def _with_category(platforms: pd.DataFrame, ident: pd.Series) -> pd.Series:
    return (_col(platforms, "category").fillna("?") + "|" + ident).mask(ident.isna())


def _staff_status(staff: pd.DataFrame) -> dict[str, str]:
    """Normalised staff name -> roster status; 在职 wins when a name is listed more than once."""
    if staff is None or staff.empty or "name" not in staff.columns:
        return {}
    n = norm_name(staff["name"])
    st = _blank_to_na(_col(staff, "status")).fillna("未知")
    st = st.str.normalize("NFKC").str.strip()
    f = pd.DataFrame({"n": n, "s": st, "cur": st == STAFF_CURRENT}).dropna(subset=["n"])
    f = f.sort_values("cur", ascending=False, kind="stable").drop_duplicates("n")
    return dict(zip(f["n"], f["s"], strict=True))


def _category_ok(out: pd.DataFrame, *, with_class: bool) -> pd.Series:
    """Category in the code list and (platforms) platform_class equal to the category's class.

    NA when the platform type itself is missing (R-required reports that row)."""
    cat = _col(out, "category")
    codes = schema.category_codes()
    ok = cat.isin(codes)
    if with_class and "platform_class" in out.columns:
        want = cat.map({c: schema.class_of(c) for c in codes}).astype("Int64")
        got = pd.to_numeric(out["platform_class"], errors="coerce").astype("Int64")
        ok = ok & ((got == want).fillna(True).astype(bool) | got.isna())
    ok = ok.astype("boolean")
    return ok.mask(cat.isna() & _col(out, "platform_type_raw").isna())


def _address_facts(key: str) -> str | None:
    """``category|source|text|accepted categories`` (joined by ``_SEP``, the accepted ones by ``,``) for an
    ``url<_SEP>account_id`` key, None when the address names no platform."""
    if key == _SEP:
        return None
    url, acc = key.split(_SEP)
    found = platform_urls.evidence(url or None, acc or None)
    if found is None:
        return None
    return _SEP.join((found.category, found.source, found.text, ",".join(sorted(found.accepts))))


def _accepted(key: str) -> bool:
    accepts, category = key.split(_SEP)
    return category in accepts.split(",")


def url_platform(rows: pd.DataFrame) -> pd.DataFrame:
    """R-category on what a row's address names (:func:`netmedia.transform.platform_urls.evidence`: the url
    cell's platform host, else the account cell's address or id shape), one column each of
    :data:`URL_PLATFORM_COLUMNS`: the category it names (NA for a website or no address), whether a ``url``
    or an ``account_id`` said it, that text, the category's Chinese name, and ``url_platform_consistent``:
    False when the filed category is not one the address allows (微博 filed with a douyin.com URL), NA
    without such an address or without a category. One look-up per distinct address."""
    addr = _blank_to_na(_col(rows, "url")).fillna("") + _SEP + _blank_to_na(_col(rows, "account_id")).fillna("")
    facts = _per_distinct(addr, lambda u: u.map(_address_facts).astype("str")).astype("str")
    parts = facts.str.split(_SEP, expand=True, regex=False).reindex(columns=range(4))
    out = pd.DataFrame(index=rows.index)
    for i, col in enumerate(("url_category", "url_category_source", "url_category_text")):
        out[col] = parts[i].astype("str")
    out["url_category_zh"] = out["url_category"].map(schema.category_zh, na_action="ignore").astype("str")
    cat = _blank_to_na(_col(rows, "category"))
    pair = (parts[3].astype("str") + _SEP + cat).where(out["url_category"].notna() & cat.notna())
    out["url_platform_consistent"] = _per_distinct(pair, lambda u: u.map(_accepted).astype(bool))
    return out


def _category_problem(out: pd.DataFrame) -> pd.Series:
    """Why ``category_class_ok`` is False: ``unmapped`` (the typed platform type maps to no category),
    ``not_a_code`` (a category outside the code list) or ``class_mismatch`` (platform_class is not the
    category's class); NA where it is not False."""
    cat = _blank_to_na(_col(out, "category"))
    failed = (out["category_class_ok"] == False).fillna(False).astype(bool)  # noqa: E712  (NA stays not failed)
    is_code = cat.isin(schema.category_codes()).astype(bool)
    problem = pd.Series(pd.NA, index=out.index, dtype="str")
    problem[failed & cat.isna()] = "unmapped"
    problem[failed & cat.notna() & ~is_code] = "not_a_code"
    problem[failed & is_code] = "class_mismatch"
    return problem


# --------------------------------------------------------------------------- personal accounts


def school_names_zh(config: Config) -> tuple[str, ...]:
    ins = config.institution
    return tuple(n for n in (ins.name_zh, *ins.short_zh) if n)


def school_names_en(config: Config) -> tuple[str, ...]:
    ins = config.institution
    return tuple(n for n in (ins.name_en, *ins.short_en) if n)


def _unit_names(units: pd.DataFrame | None) -> tuple[str, ...]:
    if units is None or units.empty:
        return ()
    al = _roster_aliases(units)
    names = {_to_simplified(a) for a in al["alias"].tolist() if len(a) >= 2}
    return tuple(sorted(names, key=lambda x: (-len(x), x)))


def homophone_targets(config: Config, units: pd.DataFrame | None) -> tuple[str, ...]:
    """Names a homophone can imitate: the school's Chinese names, the full name's leading parts of
    four characters or more (华北水利), and every roster unit name and alias."""
    full = _to_simplified(_norm_text(config.institution.name_zh))
    prefixes = tuple(full[:k] for k in range(4, len(full)))
    names = {_to_simplified(_norm_text(n)) for n in school_names_zh(config)} | set(prefixes) | set(_unit_names(units))
    return tuple(sorted((n for n in names if len(n) >= 2), key=lambda x: (-len(x), x)))


@cache
def _readings(ch: str) -> frozenset[str]:
    """Toneless pinyin readings of one character (all heteronyms); the lower-cased char itself if not Han."""
    from pypinyin import Style, pinyin

    r = pinyin(ch, style=Style.NORMAL, heteronym=True, errors=lambda x: [x.lower()])
    return frozenset(x.lower() for x in (r[0] if r else [ch.lower()]))


class SubstringSet:
    """Does a text contain any of a fixed set of names? Cost per text ~ len(text) x distinct name lengths,
    independent of how many names there are (a province roster has ~10,000): each window of a length some
    name has is looked up in a set, instead of testing every name against the text."""

    def __init__(self, names: Iterable[str]):
        self.names = frozenset(n for n in names if n)
        self.lengths = tuple(sorted({len(n) for n in self.names}))

    def search(self, text: str) -> bool:
        n = len(text)
        names = self.names
        for k in self.lengths:
            if k > n:
                break
            for i in range(n - k + 1):
                if text[i : i + k] in names:
                    return True
        return False


# Han characters as pypinyin reads them one syllable each, widened to whole blocks: 〇, the CJK unified
# and compatibility ideographs (BMP), pypinyin's private-use readings, and all of planes 2 and 3. Wider
# than pypinyin's own set is safe: a name it wrongly keeps is still checked by its syllable count.
_HAN = re.compile("[\u3007\ue815-\ue864\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


def _has_non_han_pair(text: str) -> bool:
    """Two characters in a row that are not Han (pypinyin reads such a run as one token)."""
    prev = False
    for c in text:
        cur = _HAN.fullmatch(c) is None
        if cur and prev:
            return True
        prev = cur
    return False


@cache
def _syllables(target: str) -> tuple[str, ...] | None:
    """Toneless pinyin of a target name, one syllable per character (pypinyin picks heteronyms from the
    phrase), or None when pypinyin does not give one token per character. pypinyin turns each run of
    non-Han characters into a single token, so a name with two non-Han characters in a row (``学院·12``)
    can never qualify and is skipped without calling it (that call is ~0.3 ms per name)."""
    if _has_non_han_pair(target):
        return None
    from pypinyin import Style, lazy_pinyin

    syl = tuple(s.lower() for s in lazy_pinyin(target, style=Style.NORMAL))
    return syl if len(syl) == len(target) else None


class HomophoneMatcher:
    """Finds a substring whose toneless pinyin equals a target name's while its characters differ.

    Targets are kept in a trie of their syllables, so a text is walked once per start position whatever
    the number of targets. The answer is the one the plain scan defines: the first start position, then
    the readings of its first character in order, then the targets of that first syllable in
    ``targets`` order (longest first), skipping windows that are themselves a target name."""

    _END = None  # trie key holding the targets that end at a node

    def __init__(self, targets: Iterable[str]):
        self.targets = tuple(targets)
        self.exact = set(self.targets)
        self.by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self.trie: dict = {}
        for t in self.targets:
            syl = _syllables(t)
            if syl is None:
                continue
            bucket = self.by_first.setdefault(syl[0], [])
            node = self.trie
            for x in syl:
                node = node.setdefault(x, {})
            node.setdefault(self._END, []).append((len(bucket), t))
            bucket.append((t, syl))

    def find(self, name: str) -> tuple[str, str] | None:
        """(target, the imitating text) for the first homophone in ``name`` (simplified script), else None."""
        reads = [_readings(c) for c in name]
        n = len(name)
        end = self._END
        exact = self.exact
        for i in range(n):
            best: tuple[int, int, str] | None = None
            for ri, r in enumerate(reads[i]):
                if best is not None and best[0] < ri:
                    break
                frontier = [self.trie[r]] if r in self.trie else []
                j = 1
                while frontier:
                    for node in frontier:
                        for rank, t in node.get(end, ()):
                            if best is not None and (ri, rank) >= best[:2]:
                                continue
                            window = name[i : i + j]
                            if window != t and window not in exact:
                                best = (ri, rank, t)
                    if i + j >= n:
                        break
                    nxt = reads[i + j]
                    frontier = [node[x] for node in frontier for x in nxt if x in node]
                    j += 1
            if best is not None:
                t = best[2]
                return t, name[i : i + len(t)]
        return None


def derive_personal_accounts(df: pd.DataFrame, units: pd.DataFrame | None, config: Config) -> pd.DataFrame:
    """Annex 3 rows plus the naming/scope/phone/category columns (see DERIVED_COLUMNS)."""
    out = df.reset_index(drop=True).copy()
    for c in ("unit", "holder_name", "platform_type_raw", "platform_name", "phone"):
        if c in out.columns:
            out[c] = _blank_to_na(out[c])
    out["unit_known"] = unit_known(out)
    name = _col(out, "platform_name")
    simp = simplified(name)

    # R-scope: a school or unit name as a substring; per distinct name, windows looked up in a set
    # (a province roster has ~10,000 unit names; scanning them all per name does not scale).
    zh = SubstringSet({_to_simplified(_norm_text(n)) for n in school_names_zh(config)} | set(_unit_names(units)))
    en = SubstringSet(_norm_text(n).lower() for n in school_names_en(config))

    def has_name(u: pd.Series) -> pd.Series:
        return pd.Series([zh.search(x) or en.search(x.lower()) for x in u.tolist()], index=u.index, dtype=bool)

    has = _per_distinct(simp, has_name).fillna(False).astype(bool)
    out["name_has_school_or_unit"] = has.astype("boolean").mask(name.isna())

    # R-naming.
    matcher = HomophoneMatcher(homophone_targets(config, units))
    found = _per_distinct(simp, lambda u: u.map(lambda x: "\x1f".join(matcher.find(x) or ("", ""))))
    parts = found.str.split("\x1f", n=1, expand=True, regex=False) if len(found) else None
    if parts is not None and parts.shape[1] == 2:
        out["name_homophone_of"] = parts[0].mask(parts[0] == "").astype("str")
        out["name_homophone_text"] = parts[1].mask(parts[1] == "").astype("str")
    else:
        out["name_homophone_of"] = pd.Series(pd.NA, index=out.index, dtype="str")
        out["name_homophone_text"] = pd.Series(pd.NA, index=out.index, dtype="str")

    words = [_to_simplified(_norm_text(w)) for w in config.defamatory_words if w]
    if words:
        pat = "(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
        out["name_defamatory_word"] = _per_distinct(simp, lambda u: u.str.extract(pat, expand=False)).astype("str")
    else:
        out["name_defamatory_word"] = pd.Series(pd.NA, index=out.index, dtype="str")

    in_scope = out["name_has_school_or_unit"].fillna(False).astype(bool) | out["name_homophone_of"].notna()
    out["name_in_scope"] = in_scope.astype("boolean").mask(name.isna())
    out["category_class_ok"] = _category_ok(out, with_class=False)
    out["category_problem"] = _category_problem(out)
    out["category_zh"] = _col(out, "category").map(schema.category_zh, na_action="ignore").astype("str")
    out = pd.concat([out, url_platform(out)], axis=1)
    out["phone_ok"] = phone_ok(_col(out, "phone"))
    return out


# --------------------------------------------------------------------------- groups (Annex 4)


def derive_groups(df: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Annex 4 rows plus the facts of the group rules (see DERIVED_COLUMNS):

    - ``counted`` (R-group-size): at least ``[thresholds] group_min_members`` members; NA without a count (a
      missing count is R-required's). Only counted groups are the notice's scope 4.
    - ``group_expired``: a temporary group whose end date is before the round's reference date;
      ``group_not_needed``: a temporary group marked no longer needed (是否仍需保留 = 否);
      ``must_dissolve`` (R-dissolve): either. A long-term group is never to be dissolved by this rule.
    """
    out = df.reset_index(drop=True).copy()
    for c in ("unit", "group_name", "group_platform_raw", "purpose", "group_kind", "owner"):
        if c in out.columns:
            out[c] = _blank_to_na(out[c])
    members = pd.to_numeric(_col(out, "member_count", "Int64"), errors="coerce").astype("Int64")
    out["counted"] = (members >= config.thresholds.group_min_members).astype("boolean")
    temporary = (_col(out, "group_kind") == "temporary").fillna(False).astype(bool)
    end = pd.to_datetime(_col(out, "end_on", "datetime64[us]"), errors="coerce")
    expired = (end < pd.Timestamp(config.round.reference_date)).fillna(False).astype(bool)
    not_needed = (_col(out, "still_needed") == "no").fillna(False).astype(bool)
    out["group_expired"] = pd.Series(temporary & expired, index=out.index, dtype="boolean")
    out["group_not_needed"] = pd.Series(temporary & not_needed, index=out.index, dtype="boolean")
    out["must_dissolve"] = (out["group_expired"] | out["group_not_needed"]).astype("boolean")
    return out


# --------------------------------------------------------------------------- units, submissions


#: The tables whose rows name the unit that returned them (a consolidated registry names its units per row).
RETURN_RECORD_TABLES = ("platforms", "personal_accounts", "groups")


def roster_spelling(unit: pd.Series, units: pd.DataFrame | None) -> pd.Series:
    """A unit column with every name the roster knows (itself or an alias, as :func:`canonical_unit` compares
    them) spelt as the roster spells the unit; other names unchanged. One unit, one spelling, in every count."""
    if units is None or "unit" not in units.columns or units.empty:
        return unit
    roster = units["unit"].dropna()
    spelt = dict(zip(norm_name(roster), roster, strict=True))
    canon = canonical_unit(unit, units)
    return pd.Series([spelt.get(c, u) if pd.notna(u) else u for u, c in zip(unit, canon, strict=True)],
                     index=unit.index, dtype="str")


def returned_units(submissions: pd.DataFrame | None, records: Iterable[pd.DataFrame | None] = (),
                   units: pd.DataFrame | None = None) -> set[str]:
    """THE units that returned something this round (R-complete's ``has_submission``, the ingest's "no return
    from" list, the submission status, the dashboard's and the circular's 已报送 counts all read this set).

    A unit returned something when a sheet of its own was read as an Annex 2/3/4 table (a submissions row with
    ``annex`` and ``unit``; all its rows rejected still counts: it sent a return whose rows are findings), or a
    clean record of ``records`` (platforms, personal accounts, groups) names it: a consolidated registry sent by
    the department names its units per row. Not a return: a file or sheet refused (unreadable, not an annex
    table, hidden: ``annex`` is blank; the rejects say why, and the unit is asked again as 未报送), netmedia's own
    sheets skipped in a returned template, and a reply to a rectification list (its submissions row has no unit
    or annex, and ``replies`` is not read here: answering findings is not registering platforms).

    Names are spelt as the roster spells the unit (aliases resolved, :func:`roster_spelling`) when ``units`` is
    given; a name the roster does not know stays as written."""
    named = []
    if submissions is not None and "unit" in submissions.columns:
        named.append(submissions.loc[_col(submissions, "annex").notna(), "unit"])
    named += [f["unit"] for f in records if f is not None and "unit" in f.columns]
    got = sorted({u for s in named for u in s.dropna().unique()})
    return set(roster_spelling(pd.Series(got, dtype="str"), units))


def return_records(tables: Mapping[str, pd.DataFrame]) -> list[pd.DataFrame | None]:
    """A season's record tables whose rows name the units that returned them (:data:`RETURN_RECORD_TABLES`; None
    for one it lacks): the ``records`` of :func:`returned_units`."""
    return [tables.get(t) for t in RETURN_RECORD_TABLES]


def returned_units_of(tables: Mapping[str, pd.DataFrame]) -> set[str]:
    """:func:`returned_units` of a season's tables (submissions, the record tables, the unit roster)."""
    return returned_units(tables.get("submissions"), return_records(tables), tables.get("units"))


def derive_units(units: pd.DataFrame, submissions: pd.DataFrame | None,
                 records: Iterable[pd.DataFrame | None] = ()) -> pd.DataFrame:
    """Unit roster plus R-complete's fact ``has_submission``: the unit is in :func:`returned_units`."""
    out = units.reset_index(drop=True).copy()
    got = norm_name(pd.Series(sorted(returned_units(submissions, records, units)), dtype="str"))
    out["has_submission"] = norm_name(out["unit"]).isin(set(got)).astype("boolean")
    return out


def derive_submissions(submissions: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Submissions plus ``received_date`` (midnight) and ``is_late`` (received after the deadline)."""
    out = submissions.reset_index(drop=True).copy()
    at = pd.to_datetime(_col(out, "received_at", "datetime64[ns]"), errors="coerce")
    if getattr(at.dt, "tz", None) is not None:
        at = at.dt.tz_localize(None)
    out["received_date"] = at.dt.normalize().astype("datetime64[ns]")
    deadline = pd.Timestamp(config.round.deadline)
    out["is_late"] = (out["received_date"] > deadline).astype("boolean").mask(out["received_date"].isna())
    return out


# --------------------------------------------------------------------------- record identity, record history


def account_key(accounts: pd.DataFrame) -> pd.Series:
    """What makes a personal account the same one from round to round: ``<holder>|<category>|<account id, else
    name>`` (the holder as :func:`norm_name`, ``?`` for a missing holder or category; the account id as
    :func:`platform_identity` compares it, else the name lower case); NA without account id and name."""
    ident = _account_id_key(accounts).fillna(norm_name(_col(accounts, "platform_name")).str.lower())
    holder = norm_name(_col(accounts, "holder_name")).fillna("?")
    return (holder + "|" + _col(accounts, "category").fillna("?") + "|" + ident).mask(ident.isna())


def group_key(groups: pd.DataFrame) -> pd.Series:
    """What makes an internet group the same one from round to round: ``<platform>|<name>`` (the platform code,
    ``?`` when missing; the name as :func:`norm_name`, lower case); NA without a name. Groups have no account id:
    a renamed group is a new one unless its template row carries the record id."""
    name = norm_name(_col(groups, "group_name")).str.lower()
    return (_col(groups, "group_platform").fillna("?") + "|" + name).mask(name.isna())


#: The identity key of each record table: the same key in two rounds is the same record (record ids are kept by
#: it for rows that come without one, :mod:`netmedia.validate.changes`).
IDENTITY_KEYS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "platforms": duplicate_key,
    "personal_accounts": account_key,
    "groups": group_key,
}


def identity_key(table: str, records: pd.DataFrame) -> pd.Series:
    """:data:`IDENTITY_KEYS` of ``table``'s rows (all NA for a table without one), as text."""
    key = IDENTITY_KEYS.get(table)
    if key is None:
        return pd.Series(pd.NA, index=records.index, dtype="str")
    return key(records).astype("str")


def derive_record_history(history: pd.DataFrame, submissions: pd.DataFrame | None) -> pd.DataFrame:
    """The record history plus R-complete's fact on it, ``missing_from_template``: the unit returned this round's
    template (a submission with ``template``) and the record it was pre-filled with is not in it and not marked
    closed (change ``missing``). A unit that sent an old-style return was never shown the record to mark: its
    ``missing`` records are in the history, not findings.

    The finding points at the returned template: ``source_file`` and the sheet of the record's table (its
    ``annex`` in schema.toml; the unit's last template when it sent several), ``source_row`` blank (the row was
    deleted; it is in no returned file). ``platform_name`` and ``account_id`` are the record's in the previous
    round (``previous_platform_name``, ``previous_account_id``, joined by
    :func:`netmedia.validate.checks.load_clean_tables` from the archive), so the finding names it."""
    out = history.reset_index(drop=True).copy()
    subs = submissions if submissions is not None else pd.DataFrame(columns=["unit", "annex", "template"])
    tmpl = subs[_col(subs, "template").notna() & _col(subs, "unit").notna()]
    annex = out["table"].map(lambda t: str(schema.table_setting(t, "annex", "")), na_action="ignore")
    files = tmpl.drop_duplicates("unit", keep="last").set_index("unit")["source_file"]
    sheets = tmpl[tmpl["annex"].notna()].drop_duplicates(["unit", "annex"], keep="last")
    sheet_of = dict(zip(zip(sheets["unit"], sheets["annex"], strict=True), sheets["source_sheet"], strict=True))
    returned = out["unit"].isin(files.index).fillna(False).astype(bool)
    out["source_file"] = out["unit"].map(files).astype("str").where(returned)
    out["source_sheet"] = pd.Series([sheet_of.get((u, a)) for u, a in zip(out["unit"], annex, strict=True)],
                                    index=out.index, dtype="str").where(returned)
    out["source_row"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    out["platform_name"] = _col(out, "previous_platform_name")
    out["account_id"] = _col(out, "previous_account_id")
    out["missing_from_template"] = ((out["change"] == "missing").fillna(False).astype(bool) & returned).astype("boolean")
    return out


def derive_all(tables: dict[str, pd.DataFrame], config: Config) -> dict[str, pd.DataFrame]:
    """Derived copies of every rule table present in ``tables`` (platforms, personal_accounts, groups, units,
    submissions, record_history)."""
    units = tables.get("units")
    staff = tables.get("staff")
    out: dict[str, pd.DataFrame] = {}
    if tables.get("platforms") is not None:
        out["platforms"] = derive_platforms(tables["platforms"], units, staff, config)
    if tables.get("personal_accounts") is not None:
        out["personal_accounts"] = derive_personal_accounts(tables["personal_accounts"], units, config)
    if tables.get("groups") is not None:
        out["groups"] = derive_groups(tables["groups"], config)
    if units is not None:
        records = (tables.get("platforms"), tables.get("personal_accounts"), tables.get("groups"))
        out["units"] = derive_units(units, tables.get("submissions"), records)
    if tables.get("submissions") is not None:
        out["submissions"] = derive_submissions(tables["submissions"], config)
    if tables.get("record_history") is not None:
        out["record_history"] = derive_record_history(tables["record_history"], tables.get("submissions"))
    return out
