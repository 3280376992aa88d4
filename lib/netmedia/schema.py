"""Canonical tables, columns, header synonyms and platform categories, loaded from package data.

The facts live in ``data/schema.toml`` and ``data/categories.toml``; this module
only loads them and offers the header normaliser every reader shares, so a new
synonym is one line of data, not a code change.

The analyst's own words (``config/vocabulary.toml``, read by :func:`netmedia.config.load_config` into a
:class:`Vocabulary`) are added to the package's by :func:`use_vocabulary`, which the ingest calls before it reads
a return (in every worker process too). Every cache whose results depend on the words is marked with
:func:`vocabulary_cache`, so that installing other words clears exactly those caches.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TypeVar

from netmedia import paths
from netmedia.transform.text import fold

RECORD_TABLES = ("platforms", "personal_accounts")  # the platform tables (Annex 2 and 3)
GROUP_TABLE = "groups"  # Annex 4: internet groups, read from the returns like the platform tables
PROVENANCE = ("source_file", "source_sheet", "source_row")
#: The clean tables of a season, as the ingest writes them to ``data_clean/`` and the checks load them.
CLEAN_TABLES = ("platforms", "personal_accounts", "groups", "submissions", "rejects", "units", "staff", "replies",
                "record_history")


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    required: bool
    zh: str
    synonyms: tuple[str, ...]
    template: bool = True  # typed by units: written in the pre-filled templates (false: derived by the ingest)
    template_hidden: bool = False  # written hidden and locked in the templates (record_id)
    choices: str | None = None  # the vocabulary of the column's dropdown in the templates (choice_words)
    input: str | None = None  # the input message of the column in the templates (data/templates.toml)
    template_from: str | None = None  # the clean column a template's pre-filled cell shows as typed


@dataclass(frozen=True)
class Category:
    code: str
    platform_class: int
    zh: str
    synonyms: tuple[str, ...]
    generic_synonyms: tuple[str, ...] = ()  # name the category only when the text names no other (APP, 客户端)


Words = tuple[tuple[str, tuple[str, ...]], ...]  # (code or column, the words that name it), in file order


@dataclass(frozen=True)
class Vocabulary:
    """The analyst's words added to the package vocabulary (``config/vocabulary.toml``; empty by default).

    ``headers``: (table, column, labels); ``platform_types``: (category code, types); ``status`` and
    ``holder_role``: (code, words); ``ignore_headers``: header labels never reported as unmapped (序号).
    Tuples, so that a vocabulary compares and hashes by value (:func:`use_vocabulary` does nothing when the same
    words are installed again, and the caches stay warm).
    """

    headers: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    platform_types: Words = ()
    status: Words = ()
    holder_role: Words = ()
    ignore_headers: tuple[str, ...] = ()

    def words(self, section: str) -> Words:
        """(code, words) of ``platform_types``, ``status`` or ``holder_role``; none for a list the analyst cannot
        extend (``round_status``, ``group_platform``, ``group_kind``, ``still_needed``)."""
        return getattr(self, section, ())

    def header_labels(self, table: str) -> Words:
        """(column, labels) the analyst added for ``table``."""
        return tuple((col, labels) for t, col, labels in self.headers if t == table)


_VOCABULARY = Vocabulary()  # the words in use (this process)
_VOCABULARY_CACHES: list[Callable] = []  # the caches use_vocabulary clears
_F = TypeVar("_F", bound=Callable)


def vocabulary_cache(fn: _F) -> _F:
    """Mark a cached function (``functools.cache``/``lru_cache``) whose results depend on the installed words:
    :func:`use_vocabulary` clears it. Put it above the cache decorator."""
    _VOCABULARY_CACHES.append(fn)
    return fn


def use_vocabulary(vocab: Vocabulary | None) -> None:
    """Install the analyst's words (None: none) for every later match in this process, clearing the caches
    marked with :func:`vocabulary_cache`. Installing the words already in use changes nothing.

    Called by :func:`netmedia.season.ingest` and by each worker process of the ingest pool
    (:func:`netmedia.transform.returns.read_returns`), whose processes may not inherit the parent's state.
    """
    global _VOCABULARY
    vocab = vocab or Vocabulary()
    if vocab == _VOCABULARY:
        return
    _VOCABULARY = vocab
    for fn in _VOCABULARY_CACHES:
        fn.cache_clear()


def vocabulary() -> Vocabulary:
    """The analyst's words in use (:func:`use_vocabulary`)."""
    return _VOCABULARY


@cache
def _schema() -> dict:
    return tomllib.loads((paths.PACKAGE_DATA / "schema.toml").read_text(encoding="utf-8"))


@cache
def _categories() -> dict:
    return tomllib.loads((paths.PACKAGE_DATA / "categories.toml").read_text(encoding="utf-8"))


def norm_header(label: object) -> str:
    """Fold a header cell to a comparable key (:func:`netmedia.transform.text.fold`: NFKC, simplified script, no
    whitespace, brackets or punctuation, lower case): ``联系电话：``, ``聯係電話`` and ``联系 电话`` are one label."""
    return "" if label is None else fold(str(label))


@cache
def columns(table: str) -> tuple[Column, ...]:
    """The canonical columns of ``table`` (without provenance for record tables)."""
    spec = _schema()["tables"][table]
    return tuple(
        Column(
            name=c["name"],
            dtype=c["dtype"],
            required=bool(c.get("required", False)),
            zh=c["zh"],
            synonyms=tuple(c.get("synonyms", ())),
            template=bool(c.get("template", True)),
            template_hidden=bool(c.get("template_hidden", False)),
            choices=c.get("choices"),
            input=c.get("input"),
            template_from=c.get("template_from"),
        )
        for c in spec["columns"]
    )


def template_tables() -> dict[str, str]:
    """Table -> its sheet name in the pre-filled templates, for the tables with ``template_sheet``, in file
    order."""
    return {t: spec["template_sheet"] for t, spec in _schema()["tables"].items() if "template_sheet" in spec}


@cache
def provenance_columns() -> tuple[Column, ...]:
    return tuple(Column(c["name"], c["dtype"], False, c["zh"], ()) for c in _schema()["provenance"]["columns"])


@cache
def output_columns(table: str) -> tuple[str, ...]:
    """Column order of the clean ``table`` as written to Parquet/xlsx."""
    names = tuple(c.name for c in columns(table))
    if table in (*RECORD_TABLES, GROUP_TABLE):
        names += PROVENANCE
    return names


def column_names(table: str) -> tuple[str, ...]:
    return tuple(c.name for c in columns(table))


def table_setting(table: str, key: str, default: object = None) -> object:
    """A setting of ``[tables.<table>]`` in schema.toml other than its columns (``default`` when absent)."""
    return _schema()["tables"].get(table, {}).get(key, default)


def zh_headers(table: str) -> dict[str, str]:
    """Canonical column name -> Chinese header for outputs."""
    out = {c.name: c.zh for c in columns(table)}
    out.update({c.name: c.zh for c in provenance_columns()})
    return out


def row_number_labels() -> tuple[str, ...]:
    """Labels of a row-number column (序号): known, and never a field (``row_number_labels`` in ``schema.toml``;
    none when the file has no such list)."""
    return tuple(_schema().get("row_number_labels", ()))


def readable_columns(table: str) -> tuple[str, ...]:
    """The columns of ``table`` a header can name (those with synonyms; the others are derived)."""
    return tuple(c.name for c in columns(table) if c.synonyms)


@vocabulary_cache
@cache
def header_synonyms(table: str) -> dict[str, str]:
    """Normalised header label -> canonical column, for one table: the analyst's labels (:func:`vocabulary`)
    first, so they win over a package synonym folding to the same key, then the package's."""
    out: dict[str, str] = {}
    for col, labels in _VOCABULARY.header_labels(table):
        for s in labels:
            out.setdefault(norm_header(s), col)
    for c in columns(table):
        for s in (c.zh, *c.synonyms) if c.synonyms else ():
            out.setdefault(norm_header(s), c.name)
    return out


@vocabulary_cache
@lru_cache(maxsize=65536)
def match_header(table: str, label: object) -> str | None:
    """Canonical column for a header cell of ``table``: exact synonym, else the longest synonym the label contains.

    Cached, and only synonyms starting with a character pair the label holds are tried: header
    searches pass every cell of a sheet's first rows, data included, and the same labels recur in
    every return. Equal lengths: the synonym listed first wins.
    """
    return match_key(table, norm_header(label))


def match_key(table: str, key: str) -> str | None:
    """:func:`match_header` for a label already folded by :func:`norm_header`."""
    if not key:
        return None
    syn = header_synonyms(table)
    if key in syn:
        return syn[key]
    index = _synonym_index(table)
    tried = sorted({entry for i in range(len(key) - 1) for entry in index.get(key[i : i + 2], ())})
    best: tuple[int, str] | None = None
    for _, s, col in tried:
        if s in key and (best is None or len(s) > best[0]):
            best = (len(s), col)
    return best[1] if best else None


@vocabulary_cache
@cache
def _synonym_index(table: str) -> dict[str, list[tuple[int, str, str]]]:
    """First two characters -> (order, synonym, column) for the synonyms looked for inside labels."""
    index: dict[str, list[tuple[int, str, str]]] = {}
    for order, (s, col) in enumerate(header_synonyms(table).items()):
        if len(s) >= 2:
            index.setdefault(s[:2], []).append((order, s, col))
    return index


@cache
def categories() -> tuple[Category, ...]:
    return tuple(
        Category(c["code"], int(c["class"]), c["zh"], tuple(c.get("synonyms", ())),
                 tuple(c.get("generic_synonyms", ())))
        for c in _categories()["category"]
    )


def category_codes() -> tuple[str, ...]:
    """The fixed code list of the clean tables (excludes the internal ambiguous 'website')."""
    return tuple(c.code for c in categories() if c.platform_class > 0)


def class_of(code: str) -> int | None:
    for c in categories():
        if c.code == code:
            return c.platform_class or None
    return None


def category_zh(code: str) -> str:
    for c in categories():
        if c.code == code:
            return c.zh
    return code


def package_words(section: str) -> Words:
    """(code, words) of a word list of ``data/categories.toml`` (``status``, ``holder_role``, ``group_platform``,
    ``group_kind``, ``still_needed``), in file order."""
    return tuple((code, tuple(words)) for code, words in _categories()[section].items())


def choice_words(vocabulary: str) -> tuple[tuple[str, str], ...]:
    """(code, the word shown for it) of a vocabulary: ``categories``: the platform types' Chinese names (the
    classed categories); any other: a word list of ``data/categories.toml``, the first word of each code. The one
    reader of the words a code is shown as, so a template's dropdown offers, and the registry, the Annex 1 forms
    and the charts show, the words of the data file (``status_unknown``: the word of a status no ``status`` word names)."""
    if vocabulary == "categories":
        return tuple((c.code, c.zh) for c in categories() if c.platform_class > 0)
    return tuple((code, words[0]) for code, words in package_words(vocabulary) if words)


@cache
def class_names() -> dict[int, str]:
    return {int(k): v for k, v in _categories()["classes"].items()}
