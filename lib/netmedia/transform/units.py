"""Match the unit names units write (full names, aliases, typos) to the roster.

An unmatched unit is reported, never guessed: the matcher returns None below
the configured rapidfuzz score, and ambiguous fuzzy hits (two units within a
point of each other) are refused too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from netmedia.transform import normalize
from netmedia.transform.text import fold

_SPLIT = re.compile(r"[、,，;；/|\n]+")
# Words around a unit name in file names and mail subjects.
_FILENAME_NOISE = re.compile(
    r"(附件\s*[123一二三]?|备案信息汇总表?|备案信息|信息汇总表?|汇总表|师生|网络媒体平台|华北水利水电大学|"
    r"\.(xlsx|xlsm|xls|zip|eml)$|[+＋_\-—－\s.]|\d{4}年?|最终版|终版|修改版|新版|\(\d+\)|（\d+）)"
)


def key(name: object) -> str:
    """Comparable form of a unit name (:func:`netmedia.transform.text.fold`): 学生工作部（处）, 学生工作部(处) and
    學生工作部(處) are one name."""
    return fold(normalize.text(name) or "")


def split_aliases(v: object) -> list[str]:
    s = normalize.text(v)
    return [a.strip() for a in _SPLIT.split(s)] if s else []


@dataclass
class UnitMatcher:
    """Roster lookup by exact name/alias, then by containment, then by fuzzy score.

    ``school_names``: the school's own names (全称, 简称), which name no unit: :meth:`named_in` takes them out
    of a text before it looks for a unit in it (华北水利水电大学 holds 水利, a 水利学院 alias)."""

    units: pd.DataFrame
    score_cutoff: int = 88
    school_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self._exact: dict[str, str] = {}
        for unit, aliases in zip(self.units.get("unit", []), self.units.get("aliases", []), strict=False):
            if not normalize.text(unit):
                continue
            for name in [unit, *split_aliases(aliases)]:
                k = key(name)
                if k:
                    self._exact.setdefault(k, unit)
        # longest names first so 土木与交通学院 wins over 交通学院 in containment
        self._by_len = sorted(self._exact, key=len, reverse=True)
        self._schools = sorted({k for k in map(key, self.school_names) if k}, key=len, reverse=True)

    @property
    def empty(self) -> bool:
        return not self._exact

    def match(self, name: object) -> str | None:
        """Canonical roster name for ``name`` or None."""
        k = key(name)
        if not k:
            return None
        if k in self._exact:
            return self._exact[k]
        if len(k) > 40:
            return None
        hits = process.extract(k, self._by_len, scorer=fuzz.ratio, limit=2, score_cutoff=self.score_cutoff)
        if not hits:
            return None
        if len(hits) == 2 and self._exact[hits[0][0]] != self._exact[hits[1][0]] and hits[0][1] - hits[1][1] < 1:
            return None
        return self._exact[hits[0][0]]

    def find_in(self, label: object) -> str | None:
        """Unit named inside a longer label such as a file name '备案信息汇总+水利学院（终版）.xlsx'."""
        s = normalize.text(label)
        if not s:
            return None
        core = _FILENAME_NOISE.sub("", s)
        hit = self.match(core)
        if hit:
            return hit
        k = key(s)
        for name in self._by_len:
            if len(name) >= 2 and name in k:
                return self._exact[name]
        return None


    def named_in(self, label: object) -> str | None:
        """The roster unit an account's name or description names (昵称 华北水利水电大学水利学院团委, 认证信息
        华北水利水电大学土木与交通学院官方微博): the longest roster name or alias the text contains once the
        school's own names are taken out, so the school's name alone names no unit. None when no name is in
        the text, or when two different units' names of that longest length are (refused, never guessed)."""
        k = key(label)
        for school in self._schools:
            k = k.replace(school, "|")
        best: str | None = None
        for name in self._by_len:
            if best is not None and len(name) < len(best):
                break
            if len(name) >= 2 and name in k:
                if best is not None and self._exact[name] != self._exact[best]:
                    return None
                best = best or name
        return self._exact[best] if best else None
