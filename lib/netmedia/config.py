"""Institution configuration: names, domains, round dates and thresholds, read from a TOML file passed by path,
and the analyst's vocabulary (``vocabulary.toml`` next to it: header labels and platform types learned without
code)."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netmedia import paths, schema
from netmedia.schema import Vocabulary

#: The analyst's vocabulary file, looked for next to the institution TOML.
VOCABULARY_TOML = "vocabulary.toml"


class ConfigError(Exception):
    """The configuration file is missing or malformed (a usage error: exit code 2)."""


@dataclass(frozen=True)
class Institution:
    name_zh: str
    short_zh: tuple[str, ...]
    name_en: str
    short_en: tuple[str, ...]
    domains: tuple[str, ...]
    department: str = "党委宣传部"

    @property
    def all_names(self) -> tuple[str, ...]:
        """Every name of the school (Chinese and English, full and short)."""
        return (self.name_zh, *self.short_zh, self.name_en, *self.short_en)


@dataclass(frozen=True)
class Round:
    name: str
    year: int
    notice_date: dt.date
    deadline: dt.date
    reference_date: dt.date
    previous: str = ""


@dataclass(frozen=True)
class Thresholds:
    zombie_months: int = 3
    group_min_members: int = 10
    unit_match_score: int = 88


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50_000_000
    max_uncompressed_bytes: int = 200_000_000
    max_sheet_rows: int = 100_000
    max_sheet_cols: int = 500
    max_sheets: int = 40


@dataclass(frozen=True)
class Config:
    institution: Institution
    round: Round
    thresholds: Thresholds
    defamatory_words: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    path: Path | None = None
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    # The TOML's sections as read, for the steps that own them ([documents], [rectification]): the file is read
    # once, here; each step reads and checks its own section through :meth:`section`.
    sections: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def section(self, name: str) -> dict[str, Any]:
        """The TOML section ``name`` as read ({} when the file has none)."""
        value = self.sections.get(name, {})
        return dict(value) if isinstance(value, Mapping) else {}

    @property
    def zombie_cutoff(self) -> dt.date:
        """Reference date minus N calendar months: a last update strictly before it is a zombie."""
        return months_before(self.round.reference_date, self.thresholds.zombie_months)


def months_before(day: dt.date, months: int) -> dt.date:
    """Same day N calendar months earlier, clamped to the month's last day (5-31 minus 3 months is 2-28/29)."""
    y, m = divmod(day.year * 12 + (day.month - 1) - months, 12)
    m += 1
    import calendar

    last = calendar.monthrange(y, m)[1]
    return dt.date(y, m, min(day.day, last))


def parse_date(v: object) -> dt.date | None:
    """A TOML date (or datetime, or ISO text) as a date; None when it is none."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return None
    return None


def _date(v: object, key: str) -> dt.date:
    d = parse_date(v)
    if d is None:
        raise ConfigError(f"{key}: not a date: {v!r}")
    return d


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A TOML file's content; ConfigError naming ``what`` and the file when it is missing or malformed."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"{what} not found: {path}") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{what} unreadable: {path}: {e}") from e


def _tuple(v: object) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,)
    return tuple(str(x) for x in v)


def load_config(path: str | Path | None = None, vocabulary: str | Path | None = None) -> Config:
    """Read the institution TOML (default config/institution.toml) and the analyst's vocabulary (default:
    ``vocabulary.toml`` in the same folder; a missing file is an empty vocabulary); ConfigError when either is
    missing (the institution) or malformed."""
    p = Path(path) if path else paths.INSTITUTION_TOML
    raw = read_toml(p, "config file")
    try:
        ins = raw["institution"]
        rnd = raw["round"]
        institution = Institution(
            name_zh=str(ins["name_zh"]),
            short_zh=_tuple(ins.get("short_zh")),
            name_en=str(ins.get("name_en", "")),
            short_en=_tuple(ins.get("short_en")),
            domains=tuple(d.lower().lstrip(".") for d in _tuple(ins.get("domains"))),
            department=str(ins.get("department", "党委宣传部")),
        )
        round_ = Round(
            name=str(rnd["name"]),
            year=int(rnd["year"]),
            notice_date=_date(rnd.get("notice_date", rnd["deadline"]), "round.notice_date"),
            deadline=_date(rnd["deadline"], "round.deadline"),
            reference_date=_date(rnd.get("reference_date", rnd["deadline"]), "round.reference_date"),
            previous=str(rnd.get("previous", "")),
        )
        th = raw.get("thresholds", {})
        thresholds = Thresholds(
            zombie_months=int(th.get("zombie_months", 3)),
            group_min_members=int(th.get("group_min_members", 10)),
            unit_match_score=int(th.get("unit_match_score", 88)),
        )
        lim = raw.get("limits", {})
        limits = Limits(**{k: int(v) for k, v in lim.items() if k in Limits.__dataclass_fields__})
        words = _tuple(raw.get("naming", {}).get("defamatory_words"))
    except (KeyError, TypeError, ValueError) as e:
        raise ConfigError(f"config file {p}: missing or bad key: {e}") from e
    vocab = load_vocabulary(Path(vocabulary) if vocabulary else p.parent / VOCABULARY_TOML)
    return Config(institution, round_, thresholds, words, limits, p, vocab, raw)


def load_vocabulary(path: Path) -> Vocabulary:
    """The analyst's words from ``path`` (format: the comments of ``config/vocabulary.toml``); a missing file
    gives an empty vocabulary. ConfigError names the file and the key when a section, table, column or code is
    unknown (a typo would otherwise be ignored without a word) or a value is not a list of texts."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Vocabulary()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"vocabulary file unreadable: {path}: {e}") from e

    def bad(key: str, what: str) -> ConfigError:
        return ConfigError(f"vocabulary file {path}: {key}: {what}")

    def texts(key: str, v: object) -> tuple[str, ...]:
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise bad(key, "not a list of texts")
        return tuple(x for x in v if x.strip())

    def section(key: str, known: tuple[str, ...]) -> dict:
        """The table at ``key`` (dotted), its keys checked against ``known``."""
        entries = raw
        for part in key.split("."):
            entries = entries.get(part, {})
            if not isinstance(entries, dict):
                raise bad(key, "not a table")
        for name in entries:
            if name not in known:
                raise bad(f"{key}.{name}", f"unknown; one of: {', '.join(known)}")
        return entries

    def words(key: str, known: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple((code, texts(f"{key}.{code}", v)) for code, v in section(key, known).items())

    sections = ("headers", "platform_types", "status", "holder_role", "ignore_headers")
    for name in raw:
        if name not in sections:
            raise bad(name, f"unknown section; one of: {', '.join(sections)}")
    tables = (*schema.RECORD_TABLES, schema.GROUP_TABLE, "units", "staff")
    return Vocabulary(
        headers=tuple((t, col, labels) for t in section("headers", tables)
                      for col, labels in words(f"headers.{t}", schema.readable_columns(t))),
        platform_types=words("platform_types", (*schema.category_codes(), "website")),
        status=words("status", tuple(code for code, _ in schema.package_words("status"))),
        holder_role=words("holder_role", tuple(code for code, _ in schema.package_words("holder_role"))),
        ignore_headers=texts("ignore_headers", raw.get("ignore_headers", [])),
    )
