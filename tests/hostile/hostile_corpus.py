"""Hostile input corpus, built in memory at test time (no binary fixtures are committed).

``xlsx()`` writes a workbook straight from sheet XML with :mod:`zipfile` (inline strings, optional merges):
far faster than openpyxl for the huge sheets, and it can write what openpyxl refuses (formula-looking text as
plain strings, control characters). ``hostile_files(season_units)`` returns every hostile case as
``{name: HostileCase}``; the tests in this folder and tests/test_properties.py share it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from xml.sax.saxutils import escape

from xlsxwriter.utility import xl_col_to_name

A2_HEADER = ["序号", "平台类型", "平台名称", "账号ID", "网址/链接", "主管领导", "主管领导职务", "运营管理负责人",
             "联系电话", "开通时间", "最近更新时间", "粉丝数", "运行状态", "备注"]

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{}</Types>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def cell_xml(r: int, j: int, v: object) -> str:
    """One cell at 1-based row r, 0-based column j; str -> inline string, number -> <v>, None -> nothing."""
    ref = f"{xl_col_to_name(j)}{r}"
    if v is None:
        return ""
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float):
        return f'<c r="{ref}"><v>{v!r}</v></c>'
    if isinstance(v, Formula):
        cached = f"<v>{escape(v.cached)}</v>" if v.cached is not None else ""
        return f'<c r="{ref}" t="str"><f>{escape(v.expr)}</f>{cached}</c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{xml_text(str(v))}</t></is></c>'


_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(s: str) -> str:
    """Escaped cell text; control characters as Excel writes them (``_x0001_``), since XML 1.0 forbids them."""
    return _CTRL.sub(lambda m: f"_x{ord(m.group()):04X}_", escape(s))


@dataclass(frozen=True)
class Formula:
    """A real formula cell (with an optional cached value)."""

    expr: str
    cached: str | None = None


def rows_xml(rows: Iterable[list[object]], start: int = 1) -> Iterator[bytes]:
    for i, row in enumerate(rows, start):
        cells = "".join(cell_xml(i, j, v) for j, v in enumerate(row))
        if cells:
            yield f'<row r="{i}">{cells}</row>'.encode()


@dataclass
class Sheet:
    name: str
    body: bytes | Iterable[bytes]  # the <sheetData> content
    merges: tuple[str, ...] = ()
    hidden: bool = False


def sheet(name: str, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Sheet:
    return Sheet(name, b"".join(rows_xml(rows)), merges)


def xlsx(sheets: list[Sheet]) -> bytes:
    """A minimal valid .xlsx (what calamine, openpyxl and Excel open) from sheet XML bodies."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        ov = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                     f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(sheets)))
        z.writestr("[Content_Types].xml", _CT.format(ov))
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/'
                   f'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        sh = "".join(f'<sheet name="{escape(s.name, {chr(34): "&quot;"})}" sheetId="{i + 1}" r:id="rId{i + 1}"'
                     f'{" state=" + chr(34) + "hidden" + chr(34) if s.hidden else ""}/>'
                     for i, s in enumerate(sheets))
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} {_RNS}>'
                                      f"<sheets>{sh}</sheets></workbook>")
        rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{_REL}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                       for i in range(len(sheets)))
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
                   f'http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        for i, s in enumerate(sheets):
            with z.open(f"xl/worksheets/sheet{i + 1}.xml", "w", force_zip64=True) as f:
                f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'.encode())
                if isinstance(s.body, bytes | bytearray):
                    f.write(s.body)
                else:
                    for chunk in s.body:
                        f.write(chunk)
                f.write(b"</sheetData>")
                if s.merges:
                    refs = "".join(f'<mergeCell ref="{m}"/>' for m in s.merges)
                    f.write(f'<mergeCells count="{len(s.merges)}">{refs}</mergeCells>'.encode())
                f.write(b"</worksheet>")
    return buf.getvalue()


# ------------------------------------------------------------------------------------------ annex-2 content
def a2_row(k: int, name: object, unit_tag: str = "") -> list[object]:
    """One plausible, clean Annex 2 data row (the platform name is the thing under test)."""
    return [k, "微信公众号", name, f"gh_{unit_tag}{k:04d}", None, "王建国", "院长", "李明", f"1380000{k:04d}",
            "2019-09-01", "2023-04-10", 1200 + k, "正常", None]


def a2_rows(unit: str, data: list[list[object]], *, title: bool = True) -> list[list[object]]:
    top = [["附件2"], ["华北水利水电大学网络媒体平台备案信息汇总表"], [f"填报单位（盖章）：{unit}"]] if title else []
    return [*top, A2_HEADER, *data]


def a2_workbook(unit: str, names: list[object], tag: str = "h") -> bytes:
    data = [a2_row(k, n, tag) for k, n in enumerate(names, 1)]
    return xlsx([sheet("附件2", a2_rows(unit, data))])


def minimal_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats'
                   '.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>附件1 说明</w:t></w:r></w:p></w:body>'
                   "</w:document>")
    return buf.getvalue()


def encrypt(data: bytes, password: str = "123456") -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def corrupt(data: bytes) -> bytes:
    """Damage the compressed sheet data in the middle of the archive (the central directory stays intact)."""
    b = bytearray(data)
    mid = len(b) // 2
    for i in range(mid - 64, mid + 64):
        b[i] ^= 0x5A
    return bytes(b)


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def mail_of(subject: str, attachments: dict[str, bytes]) -> bytes:
    msg = EmailMessage()
    msg["Subject"], msg["Date"], msg["From"] = subject, "Thu, 20 Apr 2023 09:30:00 +0800", "unit@example.edu.cn"
    msg.set_content("见附件")
    for name, data in attachments.items():
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return bytes(msg)


def bomb_xlsx(inflated_bytes: int) -> bytes:
    """An xlsx whose sheet XML inflates to ``inflated_bytes`` (highly compressible padding), streamed."""
    def body() -> Iterator[bytes]:
        yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
        chunk = b" " * (1 << 20)
        left = inflated_bytes
        while left > 0:
            yield chunk[: min(left, len(chunk))]
            left -= len(chunk)
        yield b"</t></is></c></row>"

    return xlsx([Sheet("附件2", body())])


def million_rows_xlsx(n: int = 1_000_000) -> bytes:
    """n rows of garbage (two cells each), streamed in blocks."""
    def body() -> Iterator[bytes]:
        for s in range(1, n + 1, 20_000):
            yield "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>垃圾{r}</t></is></c><c r="B{r}"><v>{r}</v>'
                          f"</c></row>" for r in range(s, min(s + 20_000, n + 1))).encode()

    return xlsx([Sheet("Sheet1", body())])


def wide_xlsx(n_cols: int = 16_384, n_rows: int = 3) -> bytes:
    """A few rows, each filled across all 16,384 columns."""
    rows = [[f"列{j}" for j in range(n_cols)] for _ in range(n_rows)]
    return xlsx([Sheet("Sheet1", b"".join(rows_xml(rows)))])


def sparse_corners_xlsx() -> bytes:
    """Three cells (A1, XFD1, A100000): a dense reader allocates 100,000 x 16,384 cells for them."""
    body = (b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>'
            b'<row r="100000"><c r="A100000"><v>3</v></c></row>')
    return xlsx([Sheet("Sheet1", body)])


# ------------------------------------------------------------------------------------------ the corpus
FORMULA_NAMES = ('=HYPERLINK("http://evil.example/x","点我")', "=cmd|' /C calc'!A0", "+8613800000000",
                 "-水利之声-", "@SUM(A1:A9)", "=1+1")


@dataclass
class HostileCase:
    files: dict[str, bytes]  # relative path under the season folder -> content
    expect: str  # "reject": a named file-level reject; "rows": its good rows are ingested
    reason: str = ""  # substring of the reject message (case-insensitive) for "reject"
    platform_names: tuple[str, ...] = ()  # names that must come out in platforms for "rows"
    issue2: bool = False  # part of the issue-2 acceptance list
    notes: dict = field(default_factory=dict)


def hostile_cases(unit: str) -> dict[str, HostileCase]:
    """Every hostile file except the huge ones (see ``million_rows_xlsx``/``wide_xlsx``), for a roster ``unit``."""
    good = a2_workbook(unit, ["水利之声", "水利学院官网"], "g")
    cases: dict[str, HostileCase] = {}
    cases["corrupt"] = HostileCase({f"hostile/{unit}_损坏.xlsx": corrupt(good)}, "reject", "corrupt", issue2=True)
    cases["truncated"] = HostileCase({f"hostile/{unit}_截断.xlsx": good[: len(good) // 2]}, "reject", "corrupt")
    cases["encrypted"] = HostileCase({f"hostile/{unit}_加密.xlsx": encrypt(good)}, "reject", "encrypted", issue2=True)
    cases["txt"] = HostileCase({f"hostile/{unit}_文本.xlsx": "平台名称,账号\n水利之声,gh_1\n".encode()}, "reject",
                               "not a workbook", issue2=True)
    cases["docx"] = HostileCase({f"hostile/{unit}_说明.xlsx": minimal_docx()}, "reject", "not a workbook")
    cases["pdf"] = HostileCase({f"hostile/{unit}_扫描件.xlsx": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"},
                               "reject", "pdf")
    cases["zero_byte"] = HostileCase({f"hostile/{unit}_空.xlsx": b""}, "reject", "empty")
    cases["empty_workbook"] = HostileCase({f"hostile/{unit}_空表.xlsx": xlsx([Sheet("Sheet1", b"")])}, "reject",
                                          "empty", issue2=True)
    cases["title_only"] = HostileCase(
        {f"hostile/{unit}_仅标题.xlsx": xlsx([sheet("附件2", [["华北水利水电大学网络媒体平台备案信息汇总表"]],
                                                      ("A1:N1",))])},
        "reject", "header", issue2=True)
    cases["zip_bomb"] = HostileCase({f"hostile/{unit}_炸弹.xlsx": bomb_xlsx(30_000_000)}, "reject", "too large")
    cases["formulas"] = HostileCase(
        {f"hostile/{unit}_公式.xlsx": xlsx([sheet("附件2", a2_rows(unit, [
            *[a2_row(k, n, "f") for k, n in enumerate(FORMULA_NAMES, 1)],
            a2_row(len(FORMULA_NAMES) + 1, Formula('HYPERLINK("http://evil.example","缓存值")', "缓存值"), "f"),
        ]))])},
        "rows", platform_names=(*FORMULA_NAMES, "缓存值"))
    long = "长" * 32_767
    weird = ["控制\x01字符\x07平台", "表情😀📱平台", long]
    cases["weird_text"] = HostileCase(
        {f"hostile/{unit}_怪字符.xlsx": xlsx([sheet("附件2", a2_rows(unit, [
            a2_row(1, weird[0], "w"), a2_row(2, weird[1], "w"), [*a2_row(3, weird[2], "w")[:-1], long]]))])},
        "rows", platform_names=(weird[1], long), notes={"raw_names": weird})
    header2 = ["序号", "平台类型", "平台名称", "账号ID", "网址/链接", "主管领导", None, "运营管理负责人", None, "开通时间",
               "最近更新时间", "粉丝数", "运行状态", "备注"]
    sub = [None, None, None, None, None, "姓名", "职务", "姓名", "联系电话", None, None, None, None, None]
    merged_rows = [["华北水利水电大学网络媒体平台备案信息汇总表"], [f"填报单位（盖章）：{unit}"], header2, sub,
                   a2_row(1, "合并表头平台甲", "m"), a2_row(2, "合并表头平台乙", "m")]
    merges = ("A1:N1", "A2:N2", "F3:G3", "H3:I3", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "J3:J4", "K3:K4",
              "L3:L4", "M3:M4", "N3:N4")
    cases["merged_header"] = HostileCase({f"hostile/{unit}_合并表头.xlsx": xlsx([sheet("附件2", merged_rows, merges)])},
                                         "rows", platform_names=("合并表头平台甲", "合并表头平台乙"))
    many = [sheet(f"表{i}", a2_rows(unit, [a2_row(1, f"五十表平台{i}", f"s{i}")])) for i in range(1, 51)]
    cases["fifty_sheets"] = HostileCase({f"hostile/{unit}_五十表.xlsx": xlsx(many)}, "rows",
                                        platform_names=tuple(f"五十表平台{i}" for i in range(1, 41)),
                                        notes={"not_read": tuple(f"表{i}" for i in range(41, 51))})
    same = a2_workbook(unit, ["同名文件平台"], "d")
    cases["same_name"] = HostileCase({f"甲/附件2+{unit}.xlsx": same, f"乙/附件2+{unit}.xlsx": same}, "rows",
                                     platform_names=("同名文件平台",))
    trav = a2_workbook(unit, ["穿越平台"], "t")
    cases["zip_traversal"] = HostileCase(
        {f"hostile/{unit}_穿越.zip": zip_of({"../../x.xlsx": trav, "/tmp/abs_x.xlsx": trav})}, "rows",
        platform_names=("穿越平台",), notes={"members": ("../../x.xlsx", "/tmp/abs_x.xlsx")})
    cases["eml_traversal"] = HostileCase(
        {"hostile/来信.eml": mail_of(f"备案信息汇总+{unit}", {"../../x.xlsx": trav})}, "rows",
        platform_names=("穿越平台",), notes={"members": ("../../x.xlsx",)})
    return cases
