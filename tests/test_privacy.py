"""netmedia.report.privacy: masking phones/staff ids and scanning shareable outputs for personal data."""

from __future__ import annotations

import json
import struct
import zlib

import pandas as pd
import pytest

from netmedia.report.privacy import (
    STAFF_ID_RE,
    find_personal_data,
    mask_phone,
    mask_phones_in_text,
    png_text,
    scan_for_personal_data,
)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13800000360", "138****0360"),
        ("+86 138 0000 0360", "138****0360"),
        ("86-13800000360", "138****0360"),
        ("138-0000-0360", "138****0360"),
        ("（138）00000360", "138****0360"),
        ("0371-69127000", "0371-****7000"),
        ("037169127000", "0371-****7000"),
        ("010-62751234", "010-****1234"),
        ("01062751234", "010-****1234"),
        ("0371－6912700", "0371-****2700"),  # a landline with a digit missing is still masked as one
        ("+86 371 6912 7000", "0371-****7000"),
        ("(0371)69127000", "0371-****7000"),
        ("0086 138 0000 0360", "138****0360"),
        ("１３８０００００３６０", "138****0360"),  # full-width digits
        ("69127000", "691****7000"),  # no area code: not a phone, but its middle is hidden all the same
        ("1380000036", "138****0036"),  # malformed: still no run of 5+ digits kept whole
        ("13800000360/0371-69127000", "138****0360/0371-****7000"),
        ("13800000360 或 0371-69127000", "138****0360 或 0371-****7000"),
        ("196abcd8218", "196****8218"),  # malformed with letters: middle still hidden
        ("12345", "****"),
        ("同上", "同上"),
        ("无", "无"),
        ("", ""),
    ],
)
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_phone_null():
    assert mask_phone(None) is None
    assert mask_phone(pd.NA) is pd.NA


def test_mask_phones_in_text_leaves_other_numbers():
    text = "联系电话 13912345678 格式不正确；账号ID 1234567890；更新于2023-01-05；座机0371-69127000"
    out = mask_phones_in_text(text)
    assert "13912345678" not in out and "139****5678" in out
    assert "1234567890" in out and "2023-01-05" in out
    assert "0371-****7000" in out
    # landlines however written, and phones in full-width digits
    out = mask_phones_in_text("电话(0371)69127000或+86 138 0000 0360，１３９１２３４５６７８")
    assert out == "电话0371-****7000或138****0360，139****5678"
    # the row's malformed phone, passed as extra, is masked too
    assert "1391234567" not in mask_phones_in_text("电话 1391234567 位数不对", extra=["1391234567"])


def test_staff_id_shape():
    assert STAFF_ID_RE.match("20080123") and STAFF_ID_RE.match("T0571") and not STAFF_ID_RE.match("张三")


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("电话13800000360。", ["13800000360"]),
        ("tel:13800000360,", ["13800000360"]),
        ("138000003601", []),  # longer digit run
        ("213800000360", []),
        ("0.13800000360", []),  # a decimal in chart data
        ("13800000360.5", []),
        ("12800000360", []),  # 12x is not a mobile prefix
        ("138****0360", []),  # masked
        ("x=138-0000-0360", ["138-0000-0360"]),
        ("19912345678", ["19912345678"]),
        ("1991234567", []),  # a digit short
        # landlines with area code, however written
        ("座机0371-69127000。", ["0371-69127000"]),
        ("电话：(0371)69127000", ["(0371)69127000"]),
        ("电话 010 6275 1234", ["010 6275 1234"]),
        ("call +86 371 6912 7000", ["+86 371 6912 7000"]),
        ("0086-138-0000-0360", ["0086-138-0000-0360"]),
        ("手机+86 138 0000 0360", ["+86 138 0000 0360"]),
        ("电话１３８０００００３６０", ["１３８０００００３６０"]),  # full-width digits
        ("13800000360/0371-69127000", ["13800000360", "0371-69127000"]),
        ("13800000360 0371-69127000", ["13800000360", "0371-69127000"]),
        # no phone: dates, ids, chart numbers, a landline without its area code, path data, a decimal
        ("更新于2023-01-05，2023.01.05，20230105", []),
        ("账号ID 1234567890", []),
        ("电话 6912 7000", []),  # which city?
        ('<path d="m500 450c-83 0-150-67-150-150"/>', []),
        ("[0.13800000360, 0.037169127000]", []),
        ("0371-6912700", []),  # Zhengzhou numbers have 8 digits: not a phone anyone has
        ("4008108888", []),  # a service number is nobody's personal data
    ],
)
def test_phone_pattern(text, hits):
    assert find_personal_data(text) == hits


def test_escaped_text_is_decoded():
    assert find_personal_data(json.dumps({"n": "电话13800000360"})) == ["13800000360"]  # \u7535\u8bdd13800000360
    assert find_personal_data("&#30005;&#35805;13800000360") == ["13800000360"]


def _png(chunks: list[tuple[bytes, bytes]]) -> bytes:
    def chunk(t: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + t + body + struct.pack(">I", zlib.crc32(t + body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00")
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    for t, b in chunks:
        out += chunk(t, b)
    return out + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_png_metadata(tmp_path):
    p1 = tmp_path / "a.png"
    p1.write_bytes(_png([(b"tEXt", b"Title\x00plain 13800000360")]))
    p2 = tmp_path / "b.png"
    p2.write_bytes(_png([(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"zipped 13912345678"))]))
    p3 = tmp_path / "c.png"
    itxt = b"Description\x00\x01\x00zh\x00\x00" + zlib.compress("负责人工号20080123".encode())
    p3.write_bytes(_png([(b"iTXt", itxt)]))
    p4 = tmp_path / "clean.png"
    p4.write_bytes(_png([(b"tEXt", b"Software\x00plotly")]))
    assert "plain 13800000360" in png_text(p1.read_bytes())
    hits = scan_for_personal_data(tmp_path, staff_ids={"20080123"})
    assert sorted((p.name, m) for p, m in hits) == [
        ("a.png", "13800000360"),
        ("b.png", "13912345678"),
        ("c.png", "20080123"),
    ]


def test_scan_directory_suffixes_and_staff_ids(tmp_path):
    (tmp_path / "charts").mkdir()
    (tmp_path / "dashboard.html").write_text("<td>运营负责人：张三 138****0360</td><td>工号 20080123</td>", "utf-8")
    (tmp_path / "charts" / "c.svg").write_text('<svg><text x="13800000360.5">19912345678</text></svg>', "utf-8")
    (tmp_path / "data.json").write_text(json.dumps({"v": [0.13800000360, 13800000360]}), "utf-8")
    (tmp_path / "notes.md").write_text("工号T0571，学号 2008012345", "utf-8")
    (tmp_path / "registry.xlsx").write_bytes(b"13800000360")  # not a scanned suffix in a directory walk
    (tmp_path / "other.bin").write_bytes(b"13800000360")
    hits = {(p.relative_to(tmp_path).as_posix(), m) for p, m in scan_for_personal_data(tmp_path, {"20080123", "T0571"})}
    assert hits == {
        ("dashboard.html", "20080123"),
        ("charts/c.svg", "19912345678"),
        ("data.json", "13800000360"),
        ("notes.md", "T0571"),
    }
    # explicit files are scanned whatever their suffix; a list of paths works
    assert scan_for_personal_data([tmp_path / "other.bin"]) == [(tmp_path / "other.bin", "13800000360")]
    assert scan_for_personal_data(tmp_path / "notes.md") == []
    assert scan_for_personal_data(tmp_path / "missing") == []


def test_plotly_bundle_has_no_false_positives():
    plotly = pytest.importorskip("plotly")
    from pathlib import Path

    bundle = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not bundle.exists():
        pytest.skip("no plotly bundle")
    assert scan_for_personal_data(bundle) == []


def test_zip_containers_are_scanned_when_asked(tmp_path):
    import zipfile

    p = tmp_path / "book.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", "<sst><si><t>运营负责人 13800000360</t></si></sst>")
        z.writestr("xl/media/image1.png", b"\x89PNG 13912345678")  # not a text member
    assert scan_for_personal_data(tmp_path) == []  # .xlsx not in the default suffixes
    assert scan_for_personal_data(tmp_path, suffixes=[".xlsx"]) == [(p, "13800000360")]
    assert scan_for_personal_data([p]) == [(p, "13800000360")]
