"""The ingest's shortcuts give exactly what the plain definitions give.

Each fast path in ``netmedia.transform.returns`` (and the normalisers it calls) skips work for inputs it can prove the
answer for. These tests compare them with the plain definitions on realistic and randomised inputs, so a shortcut
that stops being exact fails here rather than silently changing the clean tables.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

import pandas as pd
import pytest

from netmedia import schema
from netmedia.transform import normalize
from netmedia.transform import returns as ing

TABLES = tuple(ing.ANNEX_TABLE.values())


def _plain_label_columns(cell: str) -> tuple[str | None, ...] | None:
    """The definition: fold the label, then look it up in each annex's synonyms."""
    key = schema.norm_header(cell) if cell else ""
    if not key:
        return None
    return tuple(schema.match_key(table, key) for table in TABLES)


def _plain_header_score(cells: list[str]) -> float:
    found = [cols for cols in map(_plain_label_columns, cells) if cols is not None]
    if len(found) < 2:
        return 0.0
    best = max(len({cols[k] for cols in found} - {None}) for k in range(len(TABLES)))
    return best / len(found) if best >= 2 else 0.0


def _raw_synonyms() -> list[str]:
    """Every header label the schema knows, as written (Chinese and ASCII)."""
    out = []
    for table in TABLES:
        for c in schema.columns(table):
            out += [c.zh, c.name, *c.synonyms]
    return out


REALISTIC = [
    "", " ", "*", "()", "（）", "_", "__", "_x000D_", "1_x000D_2", "ID", "Id", "id", "uid", "UID", "URL", "Url", "url地址",
    "账号ID", "账号 ID", "ＩＤ", "ｕｒｌ", "U R L", "i d", "i_d", "u*r*l", "ncwu_id", "Weibo", "QQ", "x", "IDs", "curl",
    "a url", "http://www.ncwu.edu.cn", "www.ncwu.edu.cn/news", "ks478491819", "2023-03-04", "2023/3/4", "15531935614",
    "0371-69127000", "(0371)69127000", "159,200", "1.2w", "12k", "3.5", "-", "/", "无", "是", "否", "至今", "14.69万",
    "崔国丹", "华水蒋老师Vlog", "Ncwu·likai", "说@离退休工作处", "填表日期：2023年4月17日", "平 台", "平\u3000台名称",
    "平台\n名称", "*平台类型", "类别(教职工/学生)*", "关注人数*", "账号管理员", "其他", "备注", "序号", "填报单位（盖章）：党宣部",
    "运营管理人", "运营 管理 人", "网址/链接", "微信公众号", "抖音", "bilibili", "Bilibili UID", "\u00a0ID\u00a0", "I\u200bD",
    "\x01id", "ǅ", "Ⅸ", "ﬁ", "İD", "ΣΑΣ", "ｰ", "①", "²", "K", "Å",
]


def _random_labels(n: int, seed: int) -> list[str]:
    """Labels built from the synonyms' own characters, ASCII, full-width forms, strip characters and escapes, so
    that near misses (a synonym split by a space, a pair of its characters, a folded full-width letter) are many."""
    rng = random.Random(seed)
    syns = _raw_synonyms()
    syn_chars = sorted({ch for s in syns for ch in s})
    alphabet = (syn_chars + list("abcdefghijklmnopqrstuvwxyzIDURLXidurlx0123456789")
                + list(" *:：()（）[]【】<>《》\"'“”‘’、,，.。;；_-/@#+\u3000\u00a0\t")
                + ["ｉ", "ｄ", "ｕ", "ｒ", "ｌ", "Ｉ", "Ｄ", "Ｕ", "Ｒ", "Ｌ", "_x000D_", "_x000d_", "万", "号", "张", "三"])
    out = []
    for _ in range(n):
        how = rng.random()
        if how < 0.35:  # a synonym, perhaps cut, padded or split
            s = rng.choice(syns)
            if rng.random() < 0.5 and len(s) > 1:
                i = rng.randrange(1, len(s))
                s = s[:i] + rng.choice([" ", "*", "_", "\u3000", "（", "x", "_x000D_"]) + s[i:]
            if rng.random() < 0.3:
                s = s[rng.randrange(len(s)):]
            if rng.random() < 0.3:
                s = "".join(rng.choices(alphabet, k=rng.randint(0, 3))) + s
            out.append(s)
        else:
            out.append("".join(rng.choices(alphabet, k=rng.randint(0, 12))))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_label_columns_is_the_plain_synonym_lookup(seed):
    """The ASCII shortcut (no letter of an ASCII synonym) and the character-pair shortcut (no synonym starts with a
    pair of the key) answer what folding and searching both annexes answer."""
    labels = REALISTIC + _raw_synonyms() + _random_labels(3000, seed)
    if seed == 0:
        labels += [chr(c) for c in range(0x3400)] + [chr(c) + "id" for c in range(0x80, 0x3400, 7)]
    for label in labels:
        ing._LABEL_COLUMNS.clear()
        assert ing._label_columns(label) == _plain_label_columns(label), repr(label)


def test_shortcuts_are_taken():
    """The shortcuts cover what the header search mostly sees (else they would be exact but useless)."""
    vocab = ing._label_vocab()
    assert vocab.ascii_letters is not None and set(vocab.ascii) >= {"id", "url"}
    for label in ("15531935614", "2023-03-04", "159,200", "14.69万", "崔国丹"):
        assert ing._label_columns(label) == ing._NO_COLUMNS
    for label in ("***", "()", " "):
        assert ing._label_columns(label) is None


@pytest.mark.parametrize("seed", range(3))
def test_header_score_is_the_plain_score(seed):
    """Scores of header-like, data-like and mixed rows, each asked for twice (the second from the row memo)."""
    rng = random.Random(seed)
    pool = REALISTIC + _raw_synonyms() + _random_labels(400, seed + 10)
    rows = [rng.choices(pool, k=rng.randint(0, 18)) for _ in range(1500)]
    rows += [list(r) for r in rows[:200]]  # equal rows as new lists
    for row in rows:
        assert ing.header_score(row) == _plain_header_score(row), row


# ---------------------------------------------------------------- normalisers
# The normalisers as they were written before their shortcuts for the reader's types (plain str, int, date,
# datetime), built on the same helpers (`text` and the text parsing of dates and counts, which the shortcuts did
# not change): the shortcuts must give exactly these.
def _ref_person(v):
    s = normalize.text(v)
    if s is None:
        return None
    if normalize._LATIN_GAP.search(s):
        return s
    return s.replace(" ", "")


def _ref_date(v):
    n = normalize
    if n.is_blank(v) or isinstance(v, bool):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float):
        if 1 <= v < 2_958_466:
            return n.EXCEL_EPOCH + dt.timedelta(days=int(v))
        return None
    return n._date_text(unicodedata.normalize("NFKC", str(v)).strip())  # the text parsing itself is unchanged


def _ref_count(v):
    n = normalize
    if n.is_blank(v) or isinstance(v, bool):
        return None
    if isinstance(v, int):
        x = v
    elif isinstance(v, float):
        x = v
    else:
        x = n._count_text(v)  # the text parsing itself is unchanged
        if x is None:
            return None
    if not -n.MAX_COUNT <= x <= n.MAX_COUNT:
        return None
    return x if type(x) is int else int(round(x))


def _ref_phone(v):
    n = normalize
    s = n.text(v)
    if s is None:
        return None
    raw = s
    s = n._PHONE_PUNCT.sub("", s)
    s = n._PHONE_PREFIX.sub("", s)
    if n.MOBILE_RE.match(s):
        return s
    if n._LANDLINE_DIGITS.fullmatch(s):
        area = 3 if n._THREE_DIGIT_AREA.match(s) else 4
        return f"{s[:area]}-{s[area:]}"
    return raw.replace(" ", "")


CELLS = [
    None, "", " ", "\u3000", "_x000D_", "a_x000D_b", "\x01", "\t\n", pd.NA, pd.NaT, float("nan"), float("inf"), -float("inf"),
    True, False, 0, 1, -1, 2, 45000, 45000.0, 45000.5, 2_958_465, 2_958_466, 10**15, 10**15 + 1, -(10**15), 10**20,
    1e20, 0.0, 1.0, 1.5, -2.5, 13812345678, 13812345678.0, 3712345678, 12345678901,
    dt.date(2023, 3, 1), dt.datetime(2023, 3, 1), dt.datetime(2023, 3, 1, 8, 30), dt.time(8, 30), b"1",
    "2023-03-01", "2023年3月1日", "2023.3.1", "2023/3/1", "23-3-1", "2023/3", "2023年3月", "20230301", "45000", "45000.0",
    "2023-02-30", "2023-13-01", "至今", "不定期", "长期", " 2023-03-01 ", "２０２３－０３－０１", "2023-03-01 08:30",
    "1.2万", "3,000", "约500", "10万+", "12k", "3.5w", "1亿", "很多", "１２３", "١٢٣", "²", "1e5", "-5", "0",
    "13812345678", "138 1234 5678", "+86 138-1234-5678", "+8613812345678", "008613812345678", "(+86)13812345678",
    "12812345678", "23812345678", "1381234567", "138123456789", "１３８１２３４５６７８", "١٣٨١٢٣٤٥٦٧٨",
    "0371-69127000", "037169127000", "01012345678", "(0371)69127000", "0371 6912 7000", "110", "无",
    "张三", "张 三", "张  三", " 张三 ", "Li Ming", "Li  Ming", "李 Ming", "Ming 李", "A B", "a\u00a0b", "ＡＢ Ｃ",
    "e\x01\u0301", "Ⅸ", "ﬁle", "ǅ", "①②", "华水之声", "http://www.ncwu.edu.cn", "12 34",
]


def _random_cells(n: int, seed: int) -> list:
    rng = random.Random(seed)
    alphabet = list("0123456789０１２３ 　-./年月日:：+()（）,，约万千kKwW亿 张三李Ming_x\u00a0\t\n") + ["_x000D_", "\x01", "²", "١"]
    out: list = []
    for _ in range(n):
        how = rng.random()
        if how < 0.6:
            out.append("".join(rng.choices(alphabet, k=rng.randint(0, 14))))
        elif how < 0.7:
            out.append("1" + "".join(rng.choices("0123456789", k=10)))
        elif how < 0.85:
            out.append(rng.choice([rng.randint(-(10**16), 10**16), rng.randint(-5, 3_000_000), rng.random() * 1e6]))
        else:
            out.append(dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 9000)))
    return out


@pytest.mark.parametrize("name", ["person", "date", "count", "phone"])
def test_normalisers_are_their_plain_definitions(name):
    """Each normaliser on odd and random cells (every type the reader gives, and some it does not)."""
    fast, ref = getattr(normalize, name), globals()[f"_ref_{name}"]
    for v in CELLS + _random_cells(4000, sum(map(ord, name))):
        got, want = fast(v), ref(v)
        assert got == want and type(got) is type(want), (v, got, want)
