"""netmedia.report.privacy: masking phones/staff ids and scanning shareable outputs for personal data."""

from __future__ import annotations

import json
import struct
import zlib

import pandas as pd
import pytest

from netmedia.report.privacy import (
    STAFF_ID_RE,
    PersonalDataLeak,
    PersonalDataMasker,
    check_shareable,
    find_id_numbers,
    find_personal_data,
    mask_personal_text,
    mask_phone,
    mask_phones_in_text,
    png_text,
    scan_for_personal_data,
    scan_shareable,
    shareable_outputs,
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
        ("69127000", "****7000"),  # no area code: not a phone; never more than its last 4 shown
        ("1380000036", "****0036"),  # malformed, shorter than a mobile: only its last 4
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
        ("电话(0371)6912-7000", ["(0371)6912-7000"]),
        ("座机 0371 69127000；", ["0371 69127000"]),
        ("电话：0371—69127000", ["0371—69127000"]),
        ("0371-6912-7000", ["0371-6912-7000"]),
        ("(010) 6275-1234", ["(010) 6275-1234"]),
        ("138 0000 0360", ["138 0000 0360"]),
        ("+86-138-0000-0360", ["+86-138-0000-0360"]),
        ("86 13800000360", ["86 13800000360"]),
        # no phone: dates, ids, chart numbers, a landline without its area code, path data, a decimal
        ("更新于2023-01-05，2023.01.05，20230105", []),
        ("账号ID 1234567890", []),
        ("电话 6912 7000", []),  # which city?
        ('<path d="m500 450c-83 0-150-67-150-150"/>', []),
        ("[0.13800000360, 0.037169127000]", []),
        ("0371-6912700", []),  # Zhengzhou numbers have 8 digits: not a phone anyone has
        ("4008108888", []),  # a service number is nobody's personal data
        ("2023-04-16T08:30:00.123456Z", []),  # ISO timestamps, GX run ids
        ("20261204T215653.191122Z", []),
        ("1.3800000360e10", []),
        ("timestamp 1701734400123", []),
        ('<td id="section-3-content-block-2-cell-1-2">', []),
        ('<path d="M13800000360,0L1,2"/>', []),
        # 身份证 numbers
        ("身份证号41010519880412301X。", ["41010519880412301X"]),
        ("身份证 110101199003071234", ["110101199003071234"]),
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


def test_the_inlined_plotly_bundle_is_not_our_data(tmp_path):
    """A staff id that happens to be a number in plotly.js is found in the dashboard's data, not in the bundle."""
    from plotly.offline import get_plotlyjs

    bundle = get_plotlyjs()
    assert "16711680" in bundle  # a colour constant, shaped like an 8-digit staff id
    page = tmp_path / "dashboard.html"
    page.write_text(f"<script>{bundle}</script><div>figures</div>", "utf-8")
    assert scan_for_personal_data(page, {"16711680"}) == []
    page.write_text(f"<script>{bundle}</script><div>负责人 16711680</div>", "utf-8")
    assert scan_for_personal_data(page, {"16711680"}) == [(page, "16711680")]


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


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("41010519880412301X", ["41010519880412301X"]),
        ("41010519880412301x", ["41010519880412301x"]),  # lower-case check character
        ("110101199003071234；11010120000229123X", ["110101199003071234", "11010120000229123X"]),  # leap day
        ("110101199002301234", []),  # 30 February
        ("110101199013011234", []),  # month 13
        ("110101209901011234", []),  # born in 2099: not yet
        ("110101189901011234", []),  # born before 1900
        ("910101199003071234", []),  # no province 91
        ("010101199003071234", []),  # nor 01
        ("1101011990030712345", []),  # 19 digits
        ("11010119900307123", []),  # 17 digits
        ("dy110101199003071234", []),  # inside an account id
        ("0.110101199003071234", []),  # a decimal's fraction
        ("110101199003071234.5", []),
        ("110101900307123", []),  # the old 15-digit form is not looked for
    ],
)
def test_id_numbers(text, hits):
    assert find_id_numbers(text) == hits


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("欧阳未名（工号20080123）", "欧阳未名（工号****）"),
        ("张三 13912345678", "张三 139****5678"),
        ("王五 (0371)6912-7000", "王五 0371-****7000"),
        ("身份证41010519880412301X", "身份证410105********301X"),
        ("工号T0571，学号2008012345", "工号****，学号2008012345"),  # only roster ids are staff ids
        ("账号 120080123", "账号 120080123"),  # a staff id inside a longer number is none
        ("无", "无"),
    ],
)
def test_mask_personal_text(text, masked):
    out = mask_personal_text(text, staff_ids=["20080123", "T0571"])
    assert out == masked
    assert PersonalDataMasker(["20080123", None, "T0571"])(text) == masked
    assert find_personal_data(out, ["20080123", "T0571"]) == []


def test_mask_personal_text_null():
    assert mask_personal_text(None) is None
    assert mask_personal_text(pd.NA, ["20080123"]) is pd.NA


def _xlsx(path, text: str) -> None:
    import zipfile

    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/sharedStrings.xml", f"<sst><si><t>{text}</t></si></sst>")


def test_shareable_outputs_of_a_reports_folder(tmp_path):
    """Everything but the department's own workbooks, findings and executed notebooks; text-carrying files only."""
    files = {
        "dashboard.html": "shared",
        "charts/a.png": "shared",
        "charts/a.svg": "shared",
        "data_docs/index.html": "shared",
        "data_docs/validations/a/b.html": "shared",
        "data_docs/static/vendor/vega.min.js": "vendored",
        "data_docs/static/font.woff2": "vendored",
        "整改清单/水利学院.xlsx": "shared",
        "通报.docx": "shared",  # an output added later is shared unless listed as internal
        "网络媒体平台备案信息汇总表.xlsx": "internal",
        "师生网络媒体平台备案信息汇总表.xlsx": "internal",
        "findings.xlsx": "internal",
        "findings.parquet": "internal",
        "clean_tables.xlsx": "internal",
        "notebooks/02_checks.ipynb": "internal",
        "notebooks/out.html": "internal",
        "sub/findings.html": "shared",  # only the top-level findings are internal
    }
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"")
    got = {p.relative_to(tmp_path).as_posix() for p in shareable_outputs(tmp_path)}
    assert got == {rel for rel, kind in files.items() if kind == "shared"}
    assert shareable_outputs(tmp_path / "missing") == []


def test_scan_shareable_skips_the_internal_workbooks(tmp_path):
    _xlsx(tmp_path / "网络媒体平台备案信息汇总表.xlsx", "13800000360 20080123")
    _xlsx(tmp_path / "clean_tables.xlsx", "13800000360")
    _xlsx(tmp_path / "整改清单" / "水利学院.xlsx", "运营管理负责人 张三 0371 69127000")
    (tmp_path / "dashboard.html").write_text("<td>138****0360</td><td>负责人工号20080123</td>", "utf-8")
    (tmp_path / "charts").mkdir()
    (tmp_path / "charts" / "a.svg").write_text("<svg><text>41010519880412301X</text></svg>", "utf-8")
    hits = sorted((p.relative_to(tmp_path).as_posix(), h) for p, h in scan_shareable(tmp_path, {"20080123"}))
    assert hits == [
        ("charts/a.svg", "41010519880412301X"),
        ("dashboard.html", "20080123"),
        ("整改清单/水利学院.xlsx", "0371 69127000"),
    ]


def test_check_shareable_raises_with_a_masked_message(tmp_path):
    check_shareable(tmp_path, {"20080123"})  # nothing there: no error
    (tmp_path / "dashboard.html").write_text("<td>13800000360 工号20080123</td>", "utf-8")
    with pytest.raises(PersonalDataLeak) as err:
        check_shareable(tmp_path, {"20080123"})
    message = str(err.value)
    assert "dashboard.html: 138****0360" in message and "dashboard.html: ****" in message
    assert "13800000360" not in message and "20080123" not in message


# The season's own phones, looked for in any grouping. Hand-written: (phone cells of the clean tables, text of a
# shared output, what must be found).
KNOWN_CASES = [
    (["1380000036"], "运营负责人 1380000036 请核实", ["1380000036"]),               # malformed mobile (10 digits)
    (["0371-6912700"], "电话 0371-6912700", ["03716912700"]),                     # malformed landline, as typed
    (["0371-69127000"], "座机 6912 7000（无区号）", ["69127000"]),                 # local number, grouped, no area
    (["0371-69127000"], "id 1691270001 and 6912700012", []),                      # inside longer digit strings
    (["0371-69127000"], "0371-****7000", []),                                     # masked
    (["13800000360"], "138****0360 与 138 0000 0360", ["13800000360"]),           # masked, then grouped
    (["13800000360"], "2023-04-25 13800000360", ["13800000360"]),                 # a whole group of a longer run
    (["12345"], "粉丝 12345", []),                                                 # too short to be looked for
    (["无", None, "同上"], "无 同上 20230425", []),                                # no digits: nothing looked for
]


@pytest.mark.parametrize(("cells", "text", "hits"), KNOWN_CASES)
def test_known_phones_found_in_any_grouping(cells, text, hits):
    from netmedia.report.privacy import find_known_phones, known_phone_digits

    assert find_known_phones(text, known_phone_digits(cells)) == hits


def test_check_shareable_catches_a_malformed_phone_of_the_season(tmp_path):
    (tmp_path / "dashboard.html").write_text("<p>运营负责人电话：1380000036</p>", encoding="utf-8")
    check_shareable(tmp_path, ["20080123"])  # not a phone by its shape: the shapes alone miss it
    with pytest.raises(PersonalDataLeak) as e:
        check_shareable(tmp_path, ["20080123"], known_phones=["1380000036", "0371-69127000"])
    assert "1380000036" not in str(e.value)  # the message masks what it found


def test_season_personal_data_reads_the_clean_tables(tmp_path):
    from netmedia.report.privacy import season_personal_data

    pd.DataFrame({"operator_phone": ["13800000360", None, "0371-6912700"]}).to_parquet(tmp_path / "platforms.parquet")
    pd.DataFrame({"phone": ["1390000036"]}).to_parquet(tmp_path / "personal_accounts.parquet")
    pd.DataFrame({"staff_id": ["20080123", None]}).to_parquet(tmp_path / "staff.parquet")
    assert season_personal_data(tmp_path) == (["20080123"], ["13800000360", "0371-6912700", "1390000036"])
    assert season_personal_data(tmp_path / "missing") == ([], [])


# ------------------------------------------------------------------ the outbox: each unit's mail drafts
@pytest.fixture(scope="module")
def outbox_season(tmp_path_factory):
    """A generated season ingested and checked, its next-round templates and mail drafts written."""
    from netmedia import samples, season
    from netmedia.config import load_config

    base = tmp_path_factory.mktemp("outbox")
    raw, clean, reports = base / "raw", base / "clean", base / "reports"
    config = load_config()
    samples.generate(raw, n_units=6, seed=1, config=config)
    season.ingest(raw, clean, config, workers=1, progress=False)
    season.check_season(clean, reports, config, data_docs=False)
    season.templates_step(clean, base / "outbox" / "templates", config)
    made = season.mail_step(reports, base / "outbox" / "mail", config, clean=clean,
                            templates=base / "outbox" / "templates")
    return {"base": base, "clean": clean, "reports": reports, "config": config, "made": made,
            "templates": base / "outbox" / "templates", "mail": base / "outbox" / "mail"}


def _people_of_two_units(clean):
    """Plain pandas: a unit U with a draft and an operator of another unit V who is nobody of U's (by name or
    phone): (U, V's operator name, V's operator phone, one of U's own phones)."""
    p = pd.read_parquet(clean / "platforms.parquet")
    p = p[p["unit"].notna() & p["operator_phone"].str.fullmatch(r"1\d{10}").fillna(False)]
    units = sorted(p["unit"].unique())
    u, v = units[0], units[1]
    own = p[p["unit"] == u]
    theirs = p[(p["unit"] == v) & ~p["operator"].isin(own["operator"]) & ~p["operator"].isin(own["supervisor"])
               & ~p["operator_phone"].isin(own["operator_phone"])]
    row = theirs.iloc[0]
    return u, str(row["operator"]), str(row["operator_phone"]), str(own["operator_phone"].iloc[0])


def _draft_copy(s, tmp_path, unit, *, body_extra="", template_cell=None):
    """The drafts folder copied to ``tmp_path``, ``unit``'s draft with ``body_extra`` added to its body and, when
    given, ``template_cell`` written into an empty cell of its attached template (as an analyst's slip would)."""
    import email
    import email.policy
    import io
    import shutil

    import openpyxl

    out = tmp_path / "mail"
    shutil.copytree(s["mail"], out)
    path = out / f"{unit}.eml"
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.SMTP)
    if body_extra:
        body = msg.get_body(("plain",))
        body.set_content(body.get_content() + body_extra, cte="base64")
    if template_cell is not None:
        for part in msg.iter_attachments():
            if "下一轮" in part.get_filename():
                wb = openpyxl.load_workbook(io.BytesIO(part.get_content()))
                ws = wb.worksheets[0]
                ws.cell(ws.max_row + 1, 3, template_cell)
                buf = io.BytesIO()
                wb.save(buf)
                part.set_content(buf.getvalue(), maintype="application", subtype="octet-stream",
                                 filename=part.get_filename())
    path.write_bytes(msg.as_bytes())
    return out


def test_the_normal_drafts_pass_the_gate(outbox_season):
    from netmedia import season

    s = outbox_season
    assert s["made"].drafts and not s["made"].blocked
    assert season.check_outbox(s["clean"], s["mail"]) is None
    assert season.check_outputs(s["clean"], s["reports"]) is None
    assert season.check_outbox(s["clean"], s["base"] / "outbox") is None  # drafts and templates
    # not because the drafts are empty: the unit's own template, attached, keeps its own phones in full
    u, _name, _phone, own_phone = _people_of_two_units(s["clean"])
    raw = (s["mail"] / f"{u}.eml").read_bytes()
    import email
    import email.policy

    from netmedia.report.privacy import zip_text

    msg = email.message_from_bytes(raw, policy=email.policy.default)
    texts = [zip_text(a.get_content()) for a in msg.iter_attachments() if "下一轮" in a.get_filename()]
    assert texts and own_phone in texts[0]


@pytest.mark.parametrize("plant", ["other unit's phone in the body", "other unit's name in the body",
                                   "other unit's phone in the template", "own phone unmasked in the body"])
def test_a_planted_value_fails_the_gate(outbox_season, tmp_path, plant):
    from netmedia import season

    s = outbox_season
    u, name, phone, own_phone = _people_of_two_units(s["clean"])
    kwargs = {"other unit's phone in the body": {"body_extra": f"\n联系电话：{phone}\n"},
              "other unit's name in the body": {"body_extra": f"\n联系人：{name}\n"},
              "other unit's phone in the template": {"template_cell": phone},
              "own phone unmasked in the body": {"body_extra": f"\n联系电话：{own_phone}\n"}}[plant]
    failed = season.check_outbox(s["clean"], _draft_copy(s, tmp_path, u, **kwargs))
    assert failed is not None and f"{u}.eml" in failed
    assert phone not in failed and own_phone not in failed  # the message is masked
    assert season.check_outbox(s["clean"], tmp_path / "mail", s["config"]) is not None  # with the mail wording too


def test_mail_sends_nothing_when_a_template_holds_another_units_phone(outbox_season, tmp_path, monkeypatch, capsys):
    import shutil

    import openpyxl

    from netmedia import cli

    s = outbox_season
    u, _name, phone, _own = _people_of_two_units(s["clean"])
    templates = tmp_path / "templates"
    shutil.copytree(s["templates"], templates)
    wb = openpyxl.load_workbook(templates / f"{u}.xlsx")
    ws = wb.worksheets[0]
    ws.cell(ws.max_row + 1, 3, phone)
    wb.save(templates / f"{u}.xlsx")
    from netmedia import season

    failed = season.check_outbox(s["clean"], templates)  # the templates folder alone, as sent by hand
    assert failed is not None and f"{u}.xlsx" in failed and phone not in failed
    monkeypatch.setenv("NETMEDIA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("NETMEDIA_SMTP_PORT", "9")  # nothing listens: a send attempt would be a NOT SENT line
    monkeypatch.setenv("NETMEDIA_SMTP_STARTTLS", "0")
    code = cli.main(["mail", str(s["reports"]), "--clean", str(s["clean"]), "--templates", str(templates),
                     "--out", str(tmp_path / "mail"), "--send"])
    out = capsys.readouterr().out
    assert code == 1 and "DO NOT SEND" in out and f"{u}.eml" in out
    assert "NOT SENT:" not in out and "已发送" not in out


def _eml(path, body):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["Subject"] = "整改通知"
    msg.set_content(body)
    path.write_bytes(msg.as_bytes())


@pytest.mark.parametrize(("unit", "body", "passes"), [
    ("土木与交通学院", "主管领导：唐华远（党委书记）", True),  # its own supervisor, whose name holds 学生会's 唐华
    ("土木与交通学院", "联系人：唐华", False),  # 学生会's operator
    ("学生会", "联系人：唐华，电话138****0001", True),  # its own operator, phone masked
    ("学生会", "主管领导：唐华远", False),  # 土木与交通学院's supervisor
    ("学生会", "两单位共同负责人：王芳", True),  # a person on both units' rows is each unit's own
    ("学生会", "电话：13900000002", False),  # 土木与交通学院's phone
])
def test_outbox_names_by_hand(tmp_path, unit, body, passes):
    """A clean folder written by hand: whose names a draft may carry (the longest name at a place counts)."""
    from netmedia.report.privacy import SeasonPeople, scan_outbox

    clean, mail_dir = tmp_path / "clean", tmp_path / "mail"
    clean.mkdir()
    mail_dir.mkdir()
    pd.DataFrame({"unit": ["土木与交通学院", "学生会", "学生会"], "supervisor": ["唐华远", "王芳", "王芳"],
                  "operator": ["王芳", "唐华", "唐华"],
                  "operator_phone": ["13900000002", "13800000001", None]}).to_parquet(clean / "platforms.parquet")
    _eml(mail_dir / f"{unit}.eml", body)
    hits = scan_outbox(mail_dir, SeasonPeople(clean))
    assert (hits == []) is passes, hits


@pytest.mark.parametrize(("wording", "passes"), [
    ("", False),  # a phone nobody wrote in the wording: masked as everywhere
    ("{department}\n联系电话：0371-69127000", True),  # the department's own office phone, in its signature
])
def test_outbox_phone_of_the_departments_wording(tmp_path, wording, passes):
    from netmedia.report.privacy import SeasonPeople, scan_outbox

    clean, mail_dir = tmp_path / "clean", tmp_path / "mail"
    clean.mkdir()
    mail_dir.mkdir()
    pd.DataFrame({"unit": ["学生会"], "supervisor": ["王芳"], "operator": ["唐华"],
                  "operator_phone": ["13800000001"]}).to_parquet(clean / "platforms.parquet")
    _eml(mail_dir / "学生会.eml", "学生会：请整改。\n党委宣传部\n联系电话：0371-69127000")
    assert (scan_outbox(mail_dir, SeasonPeople(clean, wording)) == []) is passes


@pytest.mark.parametrize("phone", ["13900000002", "13800000001"])  # another unit's operator's; the unit's own
def test_outbox_wording_cannot_excuse_a_season_phone(tmp_path, phone):
    """A season phone written into the wording is still a person's phone: another unit's, or the unit's own
    (unmasked in a body)."""
    from netmedia.report.privacy import SeasonPeople, scan_outbox

    clean, mail_dir = tmp_path / "clean", tmp_path / "mail"
    clean.mkdir()
    mail_dir.mkdir()
    pd.DataFrame({"unit": ["学生会", "校团委"], "supervisor": ["王芳", "李娜"], "operator": ["唐华", "赵志远"],
                  "operator_phone": ["13800000001", "13900000002"]}).to_parquet(clean / "platforms.parquet")
    _eml(mail_dir / "学生会.eml", f"联系电话：{phone}")
    assert scan_outbox(mail_dir, SeasonPeople(clean, f"联系电话：{phone}")) != []


def test_outbox_an_office_or_a_title_is_nobodys_name(tmp_path):
    """Person cells that name an office or a title (another unit's 运营负责人 written 办公室, its 主管领导 党委书记)
    are no person: the unit's own mail may say 办公室 and 党委书记; a real name in the same cell still counts."""
    from netmedia.report.privacy import SeasonPeople, scan_outbox

    clean, mail_dir = tmp_path / "clean", tmp_path / "mail"
    clean.mkdir()
    mail_dir.mkdir()
    pd.DataFrame({"unit": ["学生会", "校团委"], "supervisor": ["王芳", "党委书记"], "operator": ["唐华", "办公室、赵志远"],
                  "operator_phone": [None, None]}).to_parquet(clean / "platforms.parquet")
    _eml(mail_dir / "学生会.eml", "请贵单位办公室于期限内回复，并报党委书记审核。")
    assert scan_outbox(mail_dir, SeasonPeople(clean)) == []
    _eml(mail_dir / "学生会.eml", "请贵单位办公室联系赵志远。")
    assert [hit for _, hit in scan_outbox(mail_dir, SeasonPeople(clean))] == ["body: 赵志远（其他单位人员）"]
