"""The fast paths of netmedia.extract.tables against the general definitions they stand in for.

Each fast path (C-speed scans in place of per-cell or per-byte Python, or a regex) must give exactly what the
plain definition gives; these tests feed both random inputs built from the cases that matter and compare.
"""

from __future__ import annotations

import io
import random
import zipfile

from netmedia.extract.tables import _WIDE_OR_DEEP, _plain_zip, _wide_or_deep

# ---------------------------------------------------------------------------------------------- zip guard

_XML_PARTS = [b'r="', b'<c ', b'<row ', b' s="1"', b'"', b"=", b"r", b"A", b"Z", b"AB", b"XFD", b"a", b"z", b"0",
              b"1", b"9", b"123456", b"1000000", b"99", b"<v>", b"</v>", b"\x00", b"\xff", b"[", b"@", b":", b"/"]


def test_wide_or_deep_matches_the_regex() -> None:
    """The translate-and-search test says "wide or deep" exactly when the regex finds a match."""
    fixed = {
        b'<c r="AA1" t="s">': True,
        b'<row r="1000000">': True,
        b'<c r="A1000000">': False,  # one capital then digits: the per-cell scan is not needed for the column
        b'<c r="Z999999">': False,
        b'<c r="a1"><c r="Za"/>': False,
        b'<c R="AA1">': False,
        b'r="@A"r="[Z"': False,  # the bytes either side of the capitals' range
        b'r="/123456:"': False,
        b"": False,
    }
    for xml, wide in fixed.items():
        assert _wide_or_deep(xml) is wide is (_WIDE_OR_DEEP.search(xml) is not None), xml
    rnd = random.Random(11)
    seen = set()
    for _ in range(20_000):
        xml = b"".join(rnd.choice(_XML_PARTS) for _ in range(rnd.randint(1, 12)))
        expected = _WIDE_OR_DEEP.search(xml) is not None
        assert _wide_or_deep(xml) is expected, xml
        seen.add(expected)
    assert seen == {True, False}


def _zip_with_names(names: list[str], *, cp437: dict[bytes, bytes] | None = None) -> bytes:
    """A zip holding one small member per name; ``cp437`` rewrites placeholder name bytes (same length) in every
    header afterwards, so a name can be stored as CP437 without the UTF-8 flag (zipfile sets the flag itself)."""
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_STORED) as z:
        for name in names:
            z.writestr(name, b"<x/>")
    data = bio.getvalue()
    for placeholder, raw in (cp437 or {}).items():
        assert len(placeholder) == len(raw)
        data = data.replace(placeholder, raw)
    return data


def test_plain_zip_names_agree_with_zipfile() -> None:
    """ASCII names, UTF-8-flagged names and CP437 names (no flag) read as zipfile reads them, lower-cased."""
    cases = [
        _zip_with_names(["xl/workbook.xml", "xl/worksheets/Sheet1.XML", "docProps/app.xml"]),
        _zip_with_names(["xl/workbook.xml", "xl/media/图片1.png", "xl/worksheets/sheet1.xml"]),
        _zip_with_names(["xl/workbook.xml", "xl/media/QQ9.png"], cp437={b"QQ9": b"\x80\x81\xe9"}),
    ]
    for data in cases:
        entries = _plain_zip(data)
        assert entries is not None
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        assert [e[0] for e in entries] == [i.filename.lower() for i in infos]
        assert [(e[2], e[3], e[4]) for e in entries] == [(i.compress_size, i.file_size, i.CRC) for i in infos]
    assert [e[0] for e in _plain_zip(cases[2])][1] == "xl/media/çüθ.png"  # type: ignore[index]
