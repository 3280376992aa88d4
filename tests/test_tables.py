"""netmedia.extract.tables on small workbooks built here with openpyxl, one per layout the returns come in."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import sys
import zipfile
from pathlib import Path

import msoffcrypto.format.ooxml
import pytest
from workbooks import book

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
from hostile_corpus import Sheet, sparse_corners_xlsx, xlsx  # noqa: E402

from netmedia.config import Limits  # noqa: E402
from netmedia.extract.stamp import STAMP_SHEET, read_stamp  # noqa: E402
from netmedia.extract.tables import SheetTable, UnreadableFile, read_tables  # noqa: E402
from netmedia.schema import header_synonyms, norm_header  # noqa: E402

HEADER = ["序号", "单位名称", "平台类型", "平台名称", "账号ID", "运营管理负责人", "联系电话", "备注"]




def _nonempty(rows: list[list[object]]) -> list[int]:
    return [i + 1 for i, row in enumerate(rows) if any(v is not None and str(v).strip() for v in row)]


def _accounting(t: SheetTable, rows: list[list[object]]) -> None:
    """Every non-empty row is in ``t.rows`` once, with its true Excel row; data rows are the "data" kind."""
    assert t.rows["source_row"].tolist() == _nonempty(rows)
    assert len(t.data) == int((t.rows["kind"] == "data").sum())
    assert t.data["source_row"].tolist() == t.rows.loc[t.rows["kind"] == "data", "source_row"].tolist()


def _kinds(t: SheetTable) -> dict[int, str]:
    return dict(zip(t.rows["source_row"], t.rows["kind"], strict=True))


def _platform_scorer(cells: list[str]) -> float:
    """What the ingest passes: the share of non-empty cells that are Annex 2 header synonyms."""
    syn = header_synonyms("platforms")
    keys = [norm_header(c) for c in cells if c]
    return sum(k in syn for k in keys) / len(keys) if keys else 0.0


def _record(i: int) -> list[object]:
    return [i, "宣传部", "微信公众号", f"公众号{i}", f"gh_{i:04d}", "张三", 13800000000 + i, None]


# ---------------------------------------------------------------------------------------------- layouts


def test_title_block_header_data_and_signature_rows() -> None:
    rows = [
        ["附件2"],
        ["网络媒体平台备案登记表"],
        ["填报单位（盖章）：新闻学院", None, None, None, None, "填表日期：2025年5月20日"],
        HEADER,
        _record(1),
        [],
        _record(2),
        _record(3),
        [],
        ["单位负责人（签字）：", None, None, "填表人：", "李四"],
        ["审核人：王五"],
        ["2025年5月20日"],
    ]
    data = book(("附件2", rows), merges={"附件2": ["A2:H2"]})
    (t,) = read_tables(data)
    assert t.header_row == 4 and t.header_rows == (4,)
    assert t.header == HEADER and t.header_parts[1] == ("单位名称",)
    assert _kinds(t) == {
        1: "title",
        2: "title",
        3: "title",
        4: "header",
        5: "data",
        7: "data",
        8: "data",
        10: "footer",
        11: "footer",
        12: "footer",
    }
    assert t.data["source_row"].tolist() == [5, 7, 8]
    assert t.data[3].tolist() == ["公众号1", "公众号2", "公众号3"]
    assert t.n_rows == 12 and t.n_cols == 8 and not t.hidden and t.message == ""
    assert t.rows.loc[t.rows["source_row"] == 10, "text"].item() == "单位负责人（签字）： | 填表人： | 李四"
    _accounting(t, rows)


def test_two_row_header_under_merged_parent() -> None:
    top = ["序号", "单位名称", "平台类型", "平台名称", "运营管理负责人", None, "备注"]
    sub = [None, None, None, None, "姓名", "联系电话", None]
    rows = [["网络媒体平台备案表"], top, sub, [1, "宣传部", "网站", "新闻网", "张三", "13800000001", None]]
    merges = ["A1:G1", "E2:F2", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "G2:G3"]
    data = book(("S", rows), merges={"S": merges})
    for scorer in (None, _platform_scorer):
        (t,) = read_tables(data, header_scorer=scorer)
        assert t.header_row == 2 and t.header_rows == (2, 3), scorer
        assert t.header_parts[4] == ("运营管理负责人", "姓名")
        assert t.header_parts[5] == ("运营管理负责人", "联系电话")  # parent spread over its merge
        assert t.header_parts[0] == ("序号", "")
        assert t.header[4] == "运营管理负责人 姓名" and t.header[0] == "序号"
        assert _kinds(t) == {1: "title", 2: "header", 3: "header", 4: "data"}
        assert t.data.iloc[0][4] == "张三" and t.data.iloc[0][5] == "13800000001"


def test_header_labels_cleaned_but_readable() -> None:
    header = ["序号", " 单位\n名称 ", "平台\xa0类型*", "平台名称_x000D_", "账号 ID", "联系\r\n电话"]
    rows = [header, [1, "宣传部", "微博", "某某微博", "uid", "1"]]
    (t,) = read_tables(book(("S", rows)))
    assert t.header == ["序号", "单位名称", "平台类型*", "平台名称", "账号 ID", "联系电话"]
    assert [norm_header(h) for h in t.header] == ["序号", "单位名称", "平台类型", "平台名称", "账号id", "联系电话"]


def test_instruction_and_example_rows_are_not_data() -> None:
    rows = [
        ["填表说明：1、每个平台填一行；2、主管领导须为处级以上干部。"],
        HEADER,
        ["示例", "宣传部", "微信公众号", "某某大学", "gh_0000", "张三", "13800000000", None],
        ["例：", "学生处", "微博"],
        _record(1),
        _record(2),
        ["注：请于5月30日前报送。"],
        ["1、手机号码请填写11位数字，座机请加区号，不要填写多个号码。"],
        ["例\u3000：", "学生处", "微博", "学工在线"],  # an ideographic space is whitespace too
    ]
    (t,) = read_tables(book(("S", rows)))
    assert t.header_row == 2
    assert _kinds(t) == {
        1: "instruction",
        2: "header",
        3: "example",
        4: "example",
        5: "data",
        6: "data",
        7: "instruction",
        8: "instruction",
        9: "example",
    }
    assert t.data["source_row"].tolist() == [5, 6]
    _accounting(t, rows)


def test_sections_label_the_rows_beneath() -> None:
    rows = [
        HEADER,
        ["一、网站类"],
        _record(1),
        _record(2),
        [],
        ["（二）新媒体平台"],  # not merged: recognised by its numbering
        _record(3),
        ["北京市（1所）"],
        _record(4),
    ]
    (t,) = read_tables(book(("S", rows), merges={"S": ["A2:H2", "A8:H8"]}))
    assert _kinds(t)[2] == "section" and _kinds(t)[6] == "section" and _kinds(t)[8] == "section"
    assert t.data["section"].tolist() == ["一、网站类", "一、网站类", "（二）新媒体平台", "北京市（1所）"]
    assert t.rows.loc[t.rows["kind"] == "header", "section"].item() is None
    _accounting(t, rows)


def test_sheet_without_data_rows_still_has_its_columns() -> None:
    """Title, header and signature only (an Annex 3 with no personal accounts): no data row, but one empty list
    per sheet column, so code reading column j of the data finds it empty instead of missing."""
    rows = [["附件3"], HEADER, ["填表人：张三"]]
    (t,) = read_tables(book(("S", rows)), header_scorer=_platform_scorer)
    assert _kinds(t) == {1: "title", 2: "header", 3: "footer"}
    assert t.data_lists.columns == [[] for _ in HEADER] and t.data_lists.source_row == []
    assert t.data.empty and list(t.data.columns) == [*range(len(HEADER)), "source_row", "section"]


def test_single_unmerged_cell_without_numbering_is_a_sparse_data_row() -> None:
    rows = [HEADER, _record(1), [None, "继续教育学院"]]
    (t,) = read_tables(book(("S", rows)))
    assert _kinds(t)[3] == "data"
    assert t.data.iloc[1][1] == "继续教育学院" and t.data.iloc[1]["section"] is None


def test_cell_values_codes_dates_bools() -> None:
    rows = [
        ["单位", "账号", "QQ", "编码", "开通时间", "更新时间", "在用", "粉丝数", "备注"],
        [
            "宣传部",
            4165014941,
            123456789.0,
            "01502200",
            dt.date(2024, 3, 1),
            dt.datetime(2025, 5, 1, 9, 30),
            True,
            12.5,
            " 两端空格\xa0中间NBSP_x000D_\n第二行 ",  # Excel writes a CR LF as _x000D_ + LF
        ],
    ]
    (t,) = read_tables(book(("S", rows)))
    r = t.data.iloc[0]
    assert r[1] == 4165014941 and type(r[1]) is int
    assert r[2] == 123456789 and type(r[2]) is int
    assert r[3] == "01502200"
    assert r[4] == dt.date(2024, 3, 1) and type(r[4]) is dt.date
    assert r[5] == dt.datetime(2025, 5, 1, 9, 30)
    assert r[6] is True
    assert r[7] == 12.5 and type(r[7]) is float
    assert r[8] == "两端空格 中间NBSP\n第二行"
    assert "4165014941 | 123456789 | 01502200" in t.rows["text"].iloc[1]
    assert t.data[1].dtype == object


def test_blank_rows_and_offset_table_keep_true_excel_rows() -> None:
    rows = [[], [], [None, None, "单位名称", "平台名称", "平台类型"], [], [None, None, "宣传部", "新闻网", "网站"]]
    (t,) = read_tables(book(("S", rows)))
    assert t.header_row == 3 and t.header[2:] == ["单位名称", "平台名称", "平台类型"] and t.header[:2] == ["", ""]
    assert t.data["source_row"].tolist() == [5]
    assert t.data.iloc[0][2] == "宣传部" and t.data.iloc[0][0] is None
    _accounting(t, rows)


def test_hidden_sheets_flagged() -> None:
    data = book(
        ("表1", [HEADER, _record(1)]), ("隐", [HEADER]), ("深", [HEADER]), states={"隐": "hidden", "深": "veryHidden"}
    )
    tables = read_tables(data)
    assert [(t.source_sheet, t.hidden) for t in tables] == [("表1", False), ("隐", True), ("深", True)]


def test_vertical_merges_filled_in_data_rows_only() -> None:
    rows = [
        HEADER,
        [1, "宣传部", "网站", "新闻网"],
        [2, None, "微博", "官微"],
        [3, None, "抖音", "官抖"],
        [4, "学生处", "网站", "学工网"],
    ]
    (t,) = read_tables(book(("S", rows), merges={"S": ["B2:B4"]}))
    assert t.data[1].tolist() == ["宣传部", "宣传部", "宣传部", "学生处"]
    assert t.data[4].isna().all()  # nothing spills outside the merge


def test_repeated_header_row_is_not_data() -> None:
    """The header again further down (two tables pasted together, a printed page header), also when written a
    little differently (an asterisk, a space: the same folded labels); a row sharing only some labels is data."""
    header = ["序号", "单位名称", "平台类型", "平台名称", "账号ID", "网址"]
    again = ["序 号*", "单位名称", "平台类型", "平台名称", "账号 ID", "网址"]
    partly = ["序号", "单位名称", "平台类型", "平台名称", "甲", "乙"]
    record = [1, "宣传部", "网站", "新闻网", "xw", "http://xw.example.cn"]
    rows = [header, record, header, record, again, record, partly]
    (t,) = read_tables(book(("S", rows)))
    assert _kinds(t) == {1: "header", 2: "data", 3: "header", 4: "data", 5: "header", 6: "data", 7: "data"}


def test_header_again_in_another_column_order_starts_a_second_table() -> None:
    """Two tables pasted one under the other, the second with its columns in another order (and one renamed): each
    is read with its own header, every non-empty row in exactly one of them."""
    rows = [
        ["附件2"],
        ["序号", "单位名称", "平台类型", "平台名称", "账号ID"],
        [1, "宣传部", "网站", "新闻网", "xw"],
        [],
        ["序号", "平台名称", "平台类型", "单位", "账号ID"],
        [1, "青年之声", "微信公众号", "团委", "gh_1"],
        [2, "团委网站", "网站", "团委", "tw"],
        ["填表人：张三"],
    ]
    first, second = read_tables(book(("S", rows)))
    assert (first.source_sheet, second.source_sheet) == ("S", "S")
    assert (first.header_row, second.header_row) == (2, 5)
    assert second.header == ["序号", "平台名称", "平台类型", "单位", "账号ID"]
    assert _kinds(first) == {1: "title", 2: "header", 3: "data"}
    assert _kinds(second) == {5: "header", 6: "data", 7: "data", 8: "footer"}
    assert second.data[1].tolist() == ["青年之声", "团委网站"] and second.data[3].tolist() == ["团委", "团委"]
    assert first.rows["source_row"].tolist() + second.rows["source_row"].tolist() == _nonempty(rows)


def test_header_scorer_beats_a_decoy_row() -> None:
    decoy = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"]
    rows = [decoy, HEADER, _record(1)]
    data = book(("S", rows))
    (generic,) = read_tables(data)
    assert generic.header_row == 1  # the generic heuristic takes the first text row
    (scored,) = read_tables(data, header_scorer=_platform_scorer)
    assert scored.header_row == 2 and scored.header == HEADER
    assert _kinds(scored) == {1: "title", 2: "header", 3: "data"}


def test_header_scorer_ties_go_to_the_earliest_and_low_scores_fall_back_to_the_layout() -> None:
    """No row scoring enough (labels the vocabulary does not know): the header is taken by its layout, and said
    so; a sheet without a header-like row by layout either has no header."""
    rows = [HEADER, HEADER, _record(1)]
    (t,) = read_tables(book(("S", rows)), header_scorer=_platform_scorer)
    assert t.header_row == 1 and _kinds(t)[2] == "header" and t.header_by == ""
    (layout,) = read_tables(book(("S", rows)), header_scorer=lambda cells: 0.1)
    assert layout.header_row == 1 and layout.header_by == "layout" and layout.message == ""
    assert layout.data["source_row"].tolist() == [3]
    prose = [["附件3"], ["填表说明：本表无需填写"], ["随便写的一句话"]]
    (none,) = read_tables(book(("S", prose)), header_scorer=lambda cells: 0.1)
    assert none.header_row is None and none.message.startswith("no header row found")
    assert none.data.empty and len(none.rows) == 3
    assert set(none.rows["kind"]) <= {"title", "instruction", "footer", "unrecognised"}


def test_header_search_stops_once_data_has_clearly_started() -> None:
    """Rows are scored top-down; three rows holding numbers or dates under a good enough candidate end the search
    (a better-looking row further down is data, not a new header), but a better row above that point wins."""
    weaker = ["序号", "单位名称", "平台类型", "平台名称", "甲", "乙", "丙", "丁"]  # scores 0.5 (>= the minimum)
    late = [weaker, _record(1), _record(2), _record(3), HEADER, _record(4)]
    (t,) = read_tables(book(("S", late)), header_scorer=_platform_scorer)
    assert t.header_row == 1 and _kinds(t)[5] == "data"
    assert t.data["source_row"].tolist() == [2, 3, 4, 5, 6]
    early = [weaker, _record(1), _record(2), HEADER, _record(4)]
    (t,) = read_tables(book(("S", early)), header_scorer=_platform_scorer)
    assert t.header_row == 4 and _kinds(t)[1] == "title"
    # Text-only rows below a candidate do not end the search (they could be a second header row or notes).
    texty = [weaker, ["一些文字"] * 8, ["一些文字"] * 8, ["一些文字"] * 8, HEADER, _record(4)]
    (t,) = read_tables(book(("S", texty)), header_scorer=_platform_scorer)
    assert t.header_row == 5


def test_header_search_stops_at_a_candidate_scoring_the_maximum() -> None:
    """A candidate scoring HEADER_MAX_SCORE cannot be beaten (ties go to the earliest): the rows below it are not
    scored at all; a lower best keeps the search going until data has clearly started."""
    seen: list[list[str]] = []

    def scorer(top: float):
        def score(cells: list[str]) -> float:
            seen.append(cells)
            return top if cells[:len(HEADER)] == HEADER else 0.0
        return score

    rows = [["附件2"], HEADER, _record(1), _record(2), _record(3), _record(4)]
    data = book(("S", rows))
    (t,) = read_tables(data, header_scorer=scorer(1.0))
    assert t.header_row == 2 and seen == [HEADER]
    seen.clear()
    (t,) = read_tables(data, header_scorer=scorer(0.9))
    assert t.header_row == 2 and len(seen) == 3  # the header and the two data rows before the third stops it
    assert _kinds(t) == {1: "title", 2: "header", 3: "data", 4: "data", 5: "data", 6: "data"}


def test_cells_cleaned_and_blank_rows_left_out() -> None:
    """Strings are cleaned (``_x000D_``, CR/LF, NBSP, zero-width space, BOM, edge whitespace); a cell that cleans
    to nothing is blank and a row of such cells is not a row; 0, 0.0 and False are values, not blanks."""
    rows = [
        ["单位", "平台名称", "粉丝数", "在用", "备注"],
        ["宣传部", "\u200b新闻网\ufeff", 0, False, "a_x000d_\nb"],
        ["  ", "_x000D_", "\xa0", "\u3000", "\r\n"],  # whitespace only: blank
        ["学生处", "\t官微 ", 0.0, True, None],
    ]
    (t,) = read_tables(book(("S", rows)))
    assert t.rows["source_row"].tolist() == [1, 2, 4]
    assert t.rows["text"].tolist()[1:] == ["宣传部 | 新闻网 | 0 | False | a\nb", "学生处 | 官微 | 0 | True"]
    assert t.data[1].tolist() == ["新闻网", "官微"]
    assert t.data[2].tolist() == [0, 0] and [type(v) for v in t.data[2]] == [int, int]
    assert t.data[3].tolist() == [False, True] and t.data[4].tolist() == ["a\nb", None]


def test_literal_x000d_escapes_removed() -> None:
    """A literal ``_x000D_`` (written ``_x005F_x000D_``, as some writers leave a carriage return) is dropped; a cell
    holding nothing else is blank."""
    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    body = (f'<row r="1">{cell("A1", "单位")}{cell("B1", "平台_x005F_x000D_名称")}</row>'
            f'<row r="2">{cell("A2", "宣传部_x005F_x000d_")}{cell("B2", "新闻网")}</row>'
            f'<row r="3">{cell("A3", "_x005F_x000D_")}</row>').encode()
    (t,) = read_tables(xlsx([Sheet("S", body)]))
    assert t.header == ["单位", "平台名称"] and t.rows["source_row"].tolist() == [1, 2]
    assert t.data.iloc[0][0] == "宣传部"


def test_labels_collapse_whitespace_and_join_wrapped_cjk() -> None:
    """Header labels: runs of whitespace become one space, a space left between two CJK characters (a wrapped
    line) goes, a space next to Latin letters or digits stays."""
    header = ["推荐\n排序", "单位\u3000 名称", "账号\tID", "Account\n\nName", "（备注）\n说明", "2023\n年"]
    (t,) = read_tables(book(("S", [header, ["1", "宣传部", "x", "y", "z", "w"]])))
    assert t.header == ["推荐排序", "单位名称", "账号 ID", "Account Name", "（备注）说明", "2023 年"]


def test_no_header_rows_still_classified() -> None:
    rows = [["附件3"], ["填表说明：本表无需填写"], ["随便写的一句话"]]
    (t,) = read_tables(book(("S", rows)))
    assert t.header_row is None and t.message == "no header row found"
    assert t.rows["kind"].tolist() == ["title", "instruction", "unrecognised"]


def test_empty_workbook_and_empty_sheets() -> None:
    tables = read_tables(book(("A", []), ("B", [[None, None]])))
    assert [t.source_sheet for t in tables] == ["A", "B"]
    for t in tables:
        assert t.rows.empty and t.data.empty and t.header_row is None and t.message == "empty sheet"
        assert list(t.rows.columns) == ["source_row", "kind", "text", "section"]


def test_path_and_bytes_agree(tmp_path: Path) -> None:
    data = book(("S", [HEADER, _record(1)]))
    p = tmp_path / "x.xlsx"
    p.write_bytes(data)
    a, b = read_tables(p)[0], read_tables(data, name="x.xlsx")[0]
    assert a.header == b.header and a.rows.equals(b.rows) and a.data.equals(b.data)


# ---------------------------------------------------------------------------------------------- guards


def test_sheet_limits() -> None:
    rows = [HEADER] + [_record(i) for i in range(10)]
    data = book(("A", rows), ("B", rows), ("C", rows))
    (t, *_x) = read_tables(data, limits=Limits(max_sheet_rows=5))
    assert t.message.startswith("too many rows: 11") and t.rows.empty and t.data.empty and t.n_rows == 11
    (t, *_x) = read_tables(data, limits=Limits(max_sheet_cols=4))
    assert t.message.startswith("too many columns: 8") and t.rows.empty
    tables = read_tables(data, limits=Limits(max_sheets=1))
    assert len(tables) == 3 and len(tables[0].data) == 10
    assert [t.message.startswith("not read: more than 1 sheets") for t in tables] == [False, True, True]
    assert tables[2].rows.empty


def _reason(data: bytes, **kw: object) -> str:
    with pytest.raises(UnreadableFile) as e:
        read_tables(data, **kw)
    return e.value.reason


def test_unreadable_files() -> None:
    assert _reason(b"") == "empty file: 0 bytes"
    assert _reason("单位,平台名称\n宣传部,新闻网\n".encode()) == "not a workbook (looks like text/CSV)"
    assert _reason(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj") == "not a workbook (looks like PDF)"
    assert (
        _reason(b"<html><body><table><tr><td>1</td></tr></table></body></html>") == "not a workbook (looks like HTML)"
    )
    good = book(("S", [HEADER, _record(1)]))
    assert _reason(good[: len(good) // 2]).startswith("corrupt workbook:")
    assert _reason(good, limits=Limits(max_file_bytes=100)).startswith("too large:")


def test_encrypted_xlsx() -> None:
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(book(("S", [HEADER])))).encrypt("secret", out)
    assert _reason(out.getvalue()).startswith("encrypted workbook")


def test_zip_without_workbook_and_zip_bomb() -> None:
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert _reason(bio.getvalue()).startswith("not a workbook")

    # A valid xlsx plus a sheet part that inflates to 5 MB from a few KB; the limit is lowered to 1 MB.
    src = zipfile.ZipFile(io.BytesIO(book(("S", [HEADER]))))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        z.writestr("xl/worksheets/sheet9.xml", b"<row/>" * 900_000)
    assert len(bomb.getvalue()) < 100_000
    reason = _reason(bomb.getvalue(), limits=Limits(max_uncompressed_bytes=1_000_000))
    assert reason.startswith("too large: would inflate to") and int(reason.split()[5]) > 5_000_000
    # Under the default limit the same file is read (the guard does not reject ordinary workbooks).
    assert read_tables(bomb.getvalue())[0].header == HEADER


def _zip_variants() -> dict[str, bytes]:
    """The same workbook as written by openpyxl, re-packed stored, deflated and with an archive comment."""
    data = book(("S", [HEADER, _record(1)]), ("T", [["a", "b"], [1, 2]]))
    out = {"openpyxl": data}
    src = zipfile.ZipFile(io.BytesIO(data))
    for label, method in (("stored", zipfile.ZIP_STORED), ("deflated", zipfile.ZIP_DEFLATED)):
        bio = io.BytesIO()
        with zipfile.ZipFile(bio, "w", method) as z:
            for info in src.infolist():
                z.writestr(info.filename, src.read(info))
            if label == "deflated":
                z.comment = b"archive comment written by a test"
        out[label] = bio.getvalue()
    return out


def test_stored_deflated_and_commented_archives_read_alike() -> None:
    for label, data in _zip_variants().items():
        first, second = read_tables(data)
        assert first.header == HEADER and first.data["source_row"].tolist() == [2], label
        assert second.header == ["a", "b"] and second.data[0].tolist() == [1], label


def _patched_sheet(data: bytes, mutate) -> bytes:
    """``data`` with the central-directory record of the first sheet XML changed by ``mutate(bytearray, pos)``."""
    buf = bytearray(data)
    pos = buf.find(b"PK\x01\x02")
    while pos >= 0:
        nlen = int.from_bytes(buf[pos + 28 : pos + 30], "little")
        name = bytes(buf[pos + 46 : pos + 46 + nlen])
        if name.startswith(b"xl/worksheets/sheet"):
            mutate(buf, pos)
            return bytes(buf)
        pos = buf.find(b"PK\x01\x02", pos + 4)
    raise AssertionError("no sheet in the central directory")


def test_zip_guard_refuses_lying_sizes_and_bad_crcs() -> None:
    data = book(("S", [HEADER, _record(1)]))

    def smaller_size(buf: bytearray, pos: int) -> None:  # declared uncompressed size 10 bytes
        buf[pos + 24 : pos + 28] = (10).to_bytes(4, "little")

    def wrong_crc(buf: bytearray, pos: int) -> None:
        buf[pos + 16 : pos + 20] = bytes(b ^ 0xFF for b in buf[pos + 16 : pos + 20])

    for mutate in (smaller_size, wrong_crc):
        assert _reason(_patched_sheet(data, mutate)).startswith("corrupt workbook"), mutate.__name__


def test_zip_guard_refuses_an_unsupported_compression_method() -> None:
    data = book(("S", [HEADER, _record(1)]))

    def method_99(buf: bytearray, pos: int) -> None:
        buf[pos + 10 : pos + 12] = (99).to_bytes(2, "little")

    assert _reason(_patched_sheet(data, method_99)).startswith("corrupt workbook: damaged sheet data")


def test_a_damaged_stamp_sheet_is_a_corrupt_workbook() -> None:
    """A workbook whose hidden stamp sheet calamine cannot read is set aside as corrupt, naming the sheet (the
    ingest reads the stamp from the workbook it has open); the tests' own reader finds no stamp in it."""
    data = book(("S", [HEADER, _record(1)]), (STAMP_SHEET, [["netmedia", "1"], ["kind", "template"]]))
    src = zipfile.ZipFile(io.BytesIO(data))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as z:
        for info in src.infolist():  # the stamp sheet (the second) names a shared string the workbook lacks
            z.writestr(info, b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>9999</v></c></row></sheetData>'
                             b"</worksheet>" if info.filename == "xl/worksheets/sheet2.xml" else src.read(info))
    # read before any sheet: with the sheet limit at one, the stamp sheet is never read as a sheet
    assert _reason(damaged.getvalue(), limits=Limits(max_sheets=1)).startswith(
        f"corrupt workbook: sheet {STAMP_SHEET!r}: ")
    assert read_stamp(damaged.getvalue()) is None
    assert read_stamp(data) is not None and read_tables(data)[0].stamp == read_stamp(data)


def _sheet_xml(body: bytes) -> bytes:
    return b'<worksheet><dimension ref="A1:B2"/><sheetData>' + body + b"</sheetData></worksheet>"


@pytest.mark.parametrize(("body", "refused"), [
    (b'<row r="1"><c r="A1"/><c r="Z1"/></row><row r="999999"><c r="A999999"/></row>', False),
    (b'<row r="1"><c r="A1"/><c r="XFD1"/></row><row r="100000"><c r="A100000"/></row>', True),
    (b'<row r="1"><c r="A1"/></row><row r="1000001"><c r="A1000001"/></row>', True),
    (b'<row r="1"><c r="AA1"/></row><row r="100000"><c r="A100000"/></row>', False),
    (b'<row r="1"><c r="ALL1"/></row><row r="100000"><c r="A100000"/></row>', True),
    (b'<row r="1"><c s="1" r="ALL1"/></row><row spans="1:2" r="100000"><c r="A100000"/></row>', True),
    (b'<x:row r="1"><x:c r="ALL1"/></x:row><x:row r="100000"><x:c r="A100000"/></x:row>', True),
    # the attribute written other ways an XML parser accepts: single quotes, spaces around "=", a tab before r
    (b"<row r='1'><c r='ALL1'/></row><row r='100000'><c r='A100000'/></row>", True),
    (b'<row r="1"><c r = "ALL1"/></row><row r="100000"><c r="A100000"/></row>', True),
    (b'<row r="1"><c\tr="ALL1"/></row><row r="100000"><c\nr="A100000"/></row>', True),
    # a cell's own reference counts, not only its row's
    (b'<row r="1"><c r="A1"/><c r="ALL1"/><c r="A100000"/></row>', True),
    (b'<row r="1"><c r="A1"/><c r="Z99999"/></row><row r="2"><c r="B2"/></row>', False),
    # a long row number after a column letter, and near references after a tab or a line break
    (b'<row r="1"><c r="A1"/><c r="A1234567"/></row>', True),
    (b'<row\tr="1"><c\nr="A1"/><c\r\nr="Z99999"/></row>', False),
    (b'<row\tr="1"><c\nr="A1"/><c\r\nr="XFD99999"/></row>', True),
    # attributes ending in r are not references: no refusal, whatever their value
    (b'<row r="1"><c r="A1"/></row><pageMargins header="0.3" footer="123456"/><cfRule operator="between"/>', False),
])
def test_sheet_extent_guard_reads_the_references_not_the_declared_dimension(body: bytes, refused: bool) -> None:
    """100,000 rows x 500 columns is the budget; a lying <dimension> does not hide a far corner."""
    from netmedia.extract.guard import check_sheet_extent

    if refused:
        with pytest.raises(UnreadableFile, match="too many cells"):
            check_sheet_extent(_sheet_xml(body), Limits())
    else:
        check_sheet_extent(_sheet_xml(body), Limits())


def test_sheet_extent_guard_sees_every_spelling_of_every_reference() -> None:
    """Whatever whitespace, "=" spacing and quotes a reference is written with, a far one is refused and a near
    one is not: the quick search for unusual sheets misses no reference the full read would count."""
    from netmedia.extract.guard import check_sheet_extent

    default = Limits()  # 100,000 rows x 500 columns (column SF), 1,000,000 rows at most
    narrow = Limits(max_sheet_rows=10_000, max_sheet_cols=260)  # Z99999 still fits; 100,000 rows at most
    cases = [(default, v, r) for v, r in {"A1": False, "Z99999": False, "AB100000": False, "SF100000": False,
                                          "SG100000": True, "sg100000": True, "XFD1": False, "XFD10000": True,
                                          "999999": False, "1000001": True, "A1000001": True}.items()]
    cases += [(narrow, v, r) for v, r in {"Z99999": False, "100000": False, "100001": True, "A100001": True,
                                          "AA1": False, "JZ10000": True}.items()]
    for sep, eq, quote, (limits, value, refused) in itertools.product(
            (" ", "\t", "\n", "\r", "\r\n "), ("=", " =", "= ", "\t=\n"), ('"', "'"), cases):
        xml = _sheet_xml(f'<row r="1"><c r="A1"/><c{sep}r{eq}{quote}{value}{quote}/></row>'.encode())
        if refused:
            with pytest.raises(UnreadableFile, match="too many cells"):
                check_sheet_extent(xml, limits)
        else:
            check_sheet_extent(xml, limits)


def test_far_corner_cells_refused_before_calamine() -> None:
    """Three cells at A1, XFD1 and A100000: calamine would allocate 1.6 billion cells (and abort the process)."""
    assert _reason(sparse_corners_xlsx()) == (
        "too many cells: a sheet spans 100000 rows x 16384 columns (limit 100000 x 500)")
