"""The one text folding: what a cell's text is, how it reads on one line, and the key it is compared by.

Three steps, each built on the one before, so every reader of a cell agrees on what its text says:

- :func:`clean`: the text of a cell as the table reader keeps it (a reject still shows the cell as typed):
  the spreadsheet's ``_x000D_`` escape and the invisible characters go, line breaks stay.
- :func:`line`: the text on one line, for the clean tables and for display: NFKC, no control characters,
  every whitespace run one space.
- :func:`fold`: the key two texts are compared by (header labels, unit names, platform names): the line in
  simplified script without whitespace, brackets or punctuation, lower case. Two spellings of one name
  (``學生工作部（處）``, ``学生工作部(处)``) fold to one key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import zhconv

# C0/C1 control characters other than the whitespace ones (tab, line feed, carriage return...): never meaningful
# in a name, and invalid in the xlsx outputs.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WHITESPACE = re.compile(r"\s+")  # Python's whitespace: also NBSP, the ideographic space, U+2000..U+200A
#: What :func:`fold` drops besides whitespace: brackets, quotes, the asterisk of a required column, and the
#: separators units put in labels and names (``联系电话：``, ``账号_ID``, ``单位名称*``). Full-width forms
#: (``（）［］｛｝：，；！？＊``) and the small ones (``﹝﹞﹙﹚``) are not listed: NFKC has made them ASCII or
#: ``〔〕`` by then. The CJK brackets and corner quotes (``【】〔〕〖〗〘〙〈〉《》「」『』``) are listed: no
#: normal form changes them, and zhconv would turn ``「」`` into ``“”`` after this step.
SEPARATORS = "*:()[]{}<>【】〔〕〖〗〘〙〈〉《》「」『』\"'“”‘’、,.。;!?_"
_SEPARATORS = re.compile(r"[\s" + re.escape(SEPARATORS) + r"]+")


@lru_cache(maxsize=1 << 16)  # every string cell of every sheet passes here, and the same texts recur
def clean(s: str) -> str:
    """A cell's text as the table reader keeps it.

    Exactly: the ``_x000D_`` escape (either case) removed; CR LF and a lone CR become LF; NBSP becomes a
    space; the zero-width space and the BOM are dropped; whitespace stripped at both ends (``str.strip``).
    Nothing else changes: inner line breaks and space runs, full-width forms and control characters stay, so a
    reject's raw text shows the cell as it was typed. ``""`` means a blank cell.
    """
    s = s.replace("_x000D_", "").replace("_x000d_", "")
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return s.replace("\u200b", "").replace("\ufeff", "").strip()


def line(s: str) -> str:
    """A cell's text on one line: NFKC, :func:`clean`, control characters dropped, every whitespace run (line
    breaks included) one space. ``""`` for a blank cell.

    NFKC first: full-width letters, digits and punctuation become ASCII (``０３７１－６９１２７０００``), and
    a full-width ``＿ｘ０００Ｄ＿`` becomes the escape that :func:`clean` then removes.
    """
    s = clean(unicodedata.normalize("NFKC", s))
    return _WHITESPACE.sub(" ", _CONTROL.sub("", s)).strip()


@lru_cache(maxsize=1 << 16)  # labels and names recur in every return; zhconv costs a few µs a text
def fold(s: str, *, keep_punctuation: bool = False, keep_case: bool = False) -> str:
    """The comparison key of a text: :func:`line`, then without whitespace, brackets and punctuation
    (:data:`SEPARATORS`), in simplified script, lower case.

    ``keep_punctuation`` drops only the whitespace and ``keep_case`` keeps the letters' case, for names shown
    back to people (a homophone's text in a finding). Separators go before the script is converted: zhconv
    converts by phrases, which a space inside a name would break.
    """
    s = (_WHITESPACE if keep_punctuation else _SEPARATORS).sub("", line(s))
    s = to_simplified(s)
    return s if keep_case else s.lower()


@lru_cache(maxsize=1 << 16)
def to_simplified(s: str) -> str:
    """Traditional script converted to simplified (``華水`` -> ``华水``); other text unchanged."""
    return zhconv.convert(s, "zh-cn")
