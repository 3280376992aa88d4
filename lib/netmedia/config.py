"""Institution configuration: names, domains, round dates and thresholds, read from a TOML file passed by path."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from netmedia import paths


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


def _date(v: object, key: str) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError as e:
            raise ConfigError(f"{key}: not a date: {v!r}") from e
    raise ConfigError(f"{key}: not a date: {v!r}")


def _tuple(v: object) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,)
    return tuple(str(x) for x in v)


def load_config(path: str | Path | None = None) -> Config:
    """Read the institution TOML (default config/institution.toml); ConfigError when missing or malformed."""
    p = Path(path) if path else paths.INSTITUTION_TOML
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"config file not found: {p}") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"config file unreadable: {p}: {e}") from e
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
    return Config(institution, round_, thresholds, words, limits, p)
