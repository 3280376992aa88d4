"""The ingest's shortcuts give exactly what the plain definitions give.

Each fast path in ``netmedia.ingest`` (and the normalisers it calls) skips work for inputs it can prove the
answer for. These tests compare them with the plain definitions on realistic and randomised inputs, so a shortcut
that stops being exact fails here rather than silently changing the clean tables.
"""

from __future__ import annotations

import random

import pytest

from netmedia import ingest as ing
from netmedia import schema

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
