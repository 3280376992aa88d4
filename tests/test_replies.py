"""Rectification replies back in the data (issue 14 item 3): finding ids, returned lists, statuses.

A small season written by hand (four units, a few platforms each, violations planted on purpose) is ingested and
checked; three units fill in their rectification lists with openpyxl as a unit would, and a second round is
ingested and checked. The expected statuses are a table written by hand, per (unit, rule).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from returns.build import STAFF_HEADER, UNITS_HEADER, Book, Sheet, write_roster, write_xlsx

from netmedia import season
from netmedia.config import load_config
from netmedia.extract.stamp import STAMP_SHEET, read_stamp
from netmedia.paths import INSTITUTION_TOML

UNITS = [
    ["水利学院", "水院", "学院", "王建国", "李明"],
    ["电力学院", "电院", "学院", "赵志远", "孙浩然"],
    ["党委宣传部", "宣传部", "职能部门", "周丽", "吴刚"],
    ["图书馆", "校图书馆", "直附属单位", "陈晨", "杨帆"],
]
STAFF = [
    ["王建国", "20010001", "水利学院", "在职"], ["李明", "20010002", "水利学院", "在职"],
    ["张伟", "20010003", "水利学院", "在职"], ["赵志远", "20020001", "电力学院", "在职"],
    ["孙浩然", "20020002", "电力学院", "在职"], ["李娜", "20020003", "电力学院", "在职"],
    ["周丽", "20030001", "党委宣传部", "在职"], ["吴刚", "20030002", "党委宣传部", "在职"],
    ["王芳", "20030003", "党委宣传部", "在职"], ["陈晨", "20050001", "图书馆", "在职"],
    ["杨帆", "20050002", "图书馆", "在职"], ["刘洋", "20050003", "图书馆", "在职"],
]
HEADER = ["序号", "单位名称", "平台类型", "平台名称", "账号ID", "主管领导", "主管领导职务", "运营管理负责人", "联系电话",
          "开通时间", "最近更新时间", "运行状态"]
FRESH = dt.date(2023, 4, 10)  # updated before the deadline (2023-04-25): no zombie
OLD = dt.date(2022, 10, 1)  # more than three months before the reference date: a zombie
SUPERVISOR = {"水利学院": "王建国", "电力学院": "赵志远", "党委宣传部": "周丽", "图书馆": "陈晨"}


def platform(unit: str, n: int, name: str, acc: str, operator: str, phone: str, updated: dt.date,
             supervisor: str | None = None) -> list:
    return [n, unit, "微信公众号", name, acc, supervisor or SUPERVISOR[unit], "党委书记", operator, phone,
            dt.date(2020, 1, 1), updated, "正常运行"]


# Round 1, per unit: the planted violations (by hand) are in the comments.
ROUND1 = {
    "水利学院": [
        platform("水利学院", 1, "华水水利学院", "ncwu_slxy", "张伟", "13800000360", OLD),  # R-zombie
        platform("水利学院", 2, "水利学院研究生", "ncwu_slyjs", "外聘人员", "13800000361", FRESH),  # R-operator
        platform("水利学院", 3, "水利学院团委", "ncwu_sltw", "李明", "13800000362", FRESH),
    ],
    "电力学院": [
        platform("电力学院", 1, "华水电力", "ncwu_dl", "孙浩然", "13800000370", FRESH, supervisor="李娜"),  # R-leader
        platform("电力学院", 2, "电力学院学生会", "ncwu_dlxsh", "李娜", "13800000371", OLD),  # R-zombie
    ],
    "党委宣传部": [
        platform("党委宣传部", 1, "华北水利水电大学", "ncwu1951", "王芳", "12345", FRESH),  # R-phone
        platform("党委宣传部", 2, "华水视界", "ncwu_sj", "吴刚", "13800000380", OLD),  # R-zombie
    ],
    "图书馆": [
        platform("图书馆", 1, "华水图书馆", "ncwu_lib", "刘洋", "13800000390", OLD),  # R-zombie
    ],
}
FOUND_ROUND1 = {("水利学院", "R-zombie"), ("水利学院", "R-operator"), ("电力学院", "R-leader"), ("电力学院", "R-zombie"),
                ("党委宣传部", "R-phone"), ("党委宣传部", "R-zombie"), ("图书馆", "R-zombie")}


def write_season(raw: Path, returns: dict[str, list[list]], names: dict[str, str] | None = None) -> None:
    write_roster(raw / "reference" / "units.xlsx", UNITS_HEADER, UNITS)
    write_roster(raw / "reference" / "staff.xlsx", STAFF_HEADER, STAFF)
    for unit, rows in returns.items():
        file = (names or {}).get(unit, f"{unit}.xlsx")
        write_xlsx(Book(file, [Sheet("附件2", [["网络媒体平台备案表"], HEADER, *rows], merged=("A1:L1",))]), raw)


def config_with(tmp: Path, **rectification: object) -> Path:
    """A copy of the institution TOML whose [rectification] section is ``rectification``."""
    text = INSTITUTION_TOML.read_text(encoding="utf-8")
    head, _sep, _rest = text.partition("[rectification]")
    lines = [f"{k} = {v.isoformat() if isinstance(v, dt.date) else v}" for k, v in rectification.items()]
    path = tmp / f"institution_{len(list(tmp.glob('institution_*.toml')))}.toml"
    path.write_text(head + "[rectification]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(INSTITUTION_TOML.parent / "vocabulary.toml", tmp / "vocabulary.toml")
    return path


def ingest_and_check(raw: Path, clean: Path, reports: Path, config_path: Path) -> pd.DataFrame:
    cfg = load_config(config_path)
    season.ingest(raw, clean, cfg)
    return season.check_season(clean, reports, cfg, data_docs=False).findings


REPLIED_AT = dt.datetime(2023, 5, 3, 9, 30)


def fill_list(path: Path, replies: dict[str, str], dest: Path) -> None:
    """Fill a unit's list as a unit would: the reply cell of each row whose 问题类型 is a key of ``replies``."""
    wb = openpyxl.load_workbook(path)
    ws = wb["整改清单"]
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")
    labels = [c.value for c in ws[header_row]]
    kind, reply = labels.index("问题类型") + 1, labels.index("单位回复/整改情况") + 1
    for r in range(header_row + 1, ws.max_row + 1):
        text = replies.get(ws.cell(r, kind).value)
        if text is not None:
            ws.cell(r, reply, text)
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    stamp = REPLIED_AT.timestamp()
    os.utime(dest, (stamp, stamp))


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """Round 1 ingested and checked; three units' lists filled in and put under the raw folder, 电力学院's
    R-leader and 图书馆's zombie fixed in their returns; round 2 ingested and checked with two configs."""
    tmp = tmp_path_factory.mktemp("replies")
    raw, clean, reports = tmp / "raw", tmp / "clean", tmp / "reports"
    not_due = config_with(tmp, reply_days=15, as_of=dt.date(2023, 5, 5))  # replies due 2023-05-10
    first = ingest_and_check(raw_season(raw), clean, reports, not_due)
    lists = reports / "整改清单"
    fill_list(lists / "水利学院.xlsx", {"僵尸账号": "该账号已注销关停", "运营负责人不符合要求": "   "},
              raw / "整改回复" / "水利学院整改清单.xlsx")
    fill_list(lists / "电力学院.xlsx", {"主管领导不符合要求": "已更换主管领导为党委书记", "僵尸账号": "已恢复更新"},
              raw / "整改回复" / "电力学院.xlsx")
    fill_list(lists / "党委宣传部.xlsx", {"联系电话格式有误": "电话已更正为13912345678"},
              raw / "整改回复" / "党委宣传部.xlsx")
    second_round = dict(ROUND1)
    second_round["电力学院"] = [platform("电力学院", 1, "华水电力", "ncwu_dl", "孙浩然", "13800000370", FRESH),
                               ROUND1["电力学院"][1]]
    second_round["图书馆"] = [platform("图书馆", 1, "华水图书馆", "ncwu_lib", "刘洋", "13800000390", FRESH)]
    write_season(raw, second_round)
    ingest_and_check(raw, clean, reports, not_due)
    status_not_due = pd.read_parquet(reports / "rectification_status.parquet")
    due = config_with(tmp, reply_days=5, as_of=dt.date(2023, 5, 5))  # replies were due 2023-04-30
    ingest_and_check(raw, clean, reports, due)
    status_due = pd.read_parquet(reports / "rectification_status.parquet")
    return {"first": first, "clean": clean, "reports": reports, "not_due": status_not_due, "due": status_due}


def raw_season(raw: Path) -> Path:
    write_season(raw, ROUND1)
    return raw


def by_unit_rule(status: pd.DataFrame) -> dict[tuple[str, str], str]:
    assert status["finding_id"].is_unique
    return {(u, r): s for u, r, s in zip(status["unit"], status["rule"], status["status"], strict=True)}


def test_round_one_findings_are_the_planted_ones(round_trip):
    f = round_trip["first"]
    assert set(zip(f["unit"], f["rule"], strict=True)) == FOUND_ROUND1
    assert f["finding_id"].str.fullmatch(r"F[0-9a-f]{10}").all() and f["finding_id"].is_unique


# Written by hand: what each finding of round 1 is after the replies and the two fixes.
EXPECTED_NOT_DUE = {
    ("水利学院", "R-zombie"): "replied",
    ("水利学院", "R-operator"): "open",  # a reply of spaces is no reply
    ("电力学院", "R-leader"): "resolved",  # fixed in the return (and replied)
    ("电力学院", "R-zombie"): "replied",
    ("党委宣传部", "R-phone"): "replied",
    ("党委宣传部", "R-zombie"): "open",  # list returned, this row left empty
    ("图书馆", "R-zombie"): "resolved",  # fixed in the return, no list returned
}
EXPECTED_DUE = {**EXPECTED_NOT_DUE, ("水利学院", "R-operator"): "overdue", ("党委宣传部", "R-zombie"): "overdue"}


def test_statuses_are_exact(round_trip):
    assert by_unit_rule(round_trip["not_due"]) == EXPECTED_NOT_DUE


def test_overdue_follows_reply_days(round_trip):
    assert by_unit_rule(round_trip["due"]) == EXPECTED_DUE  # resolved ones stay resolved on a later check


def test_status_keeps_the_ids_and_replies(round_trip):
    first = round_trip["first"]
    status = round_trip["due"]
    assert set(status["finding_id"]) == set(first["finding_id"])  # the same facts keep their ids
    got = status.set_index(["unit", "rule"])
    assert got.loc[("水利学院", "R-zombie"), "reply"] == "该账号已注销关停"
    assert got.loc[("电力学院", "R-leader"), "reply"] == "已更换主管领导为党委书记"
    assert pd.isna(got.loc[("图书馆", "R-zombie"), "reply"])
    assert got.loc[("电力学院", "R-zombie"), "replied_at"] == pd.Timestamp(REPLIED_AT)  # the file's time
    assert list(status.columns) == ["finding_id", "unit", "rule", "status", "reply", "replied_at"]


def test_replies_table(round_trip):
    replies = pd.read_parquet(round_trip["clean"] / "replies.parquet")
    assert sorted(zip(replies["unit"], replies["rule"], replies["reply"], strict=True)) == sorted([
        ("水利学院", "R-zombie", "该账号已注销关停"),
        ("电力学院", "R-leader", "已更换主管领导为党委书记"),
        ("电力学院", "R-zombie", "已恢复更新"),
        ("党委宣传部", "R-phone", "电话已更正为13912345678"),
    ])
    assert set(replies["source_sheet"]) == {"整改清单"} and replies["source_file"].str.startswith("整改回复/").all()


def test_returned_list_is_no_return(round_trip):
    clean = round_trip["clean"]
    platforms = pd.read_parquet(clean / "platforms.parquet")
    assert len(platforms) == sum(len(rows) for rows in ROUND1.values())
    assert not platforms["source_file"].str.startswith("整改回复/").any()
    rejects = pd.read_parquet(clean / "rejects.parquet")
    assert not rejects["source_file"].str.startswith("整改回复/").any()
    subs = pd.read_parquet(clean / "submissions.parquet")
    lists = subs[subs["source_file"].str.startswith("整改回复/")]
    assert len(lists) == 3 and lists["annex"].isna().all() and lists["unit"].isna().all()
    assert sorted(lists["rows_clean"]) == [1, 1, 2]


def test_progress_per_unit(round_trip, tmp_path):
    progress = season.rectification_progress(round_trip["clean"], round_trip["reports"])
    rows = {r["单位"]: (r["待整改"], r["已回复"], r["已整改"], r["逾期"]) for r in progress.to_dict("records")}
    assert rows == {"水利学院": (0, 1, 0, 1), "电力学院": (0, 1, 1, 0), "党委宣传部": (0, 1, 0, 1), "图书馆": (0, 0, 1, 0)}


def test_list_carries_ids_and_stamp(round_trip):
    path = round_trip["reports"] / "整改清单" / "水利学院.xlsx"
    stamp = read_stamp(path)
    assert stamp is not None and (stamp.kind, stamp.unit) == ("rectification", "水利学院")
    wb = openpyxl.load_workbook(path)
    assert wb[STAMP_SHEET].sheet_state == "hidden"
    ws = wb["整改清单"]
    layout = stamp.sheets["整改清单"]
    labels = [c.value for c in ws[layout.header_row]]
    j = labels.index("问题编号")
    assert layout.columns[j] == "finding_id"
    ids = {ws.cell(r, j + 1).value for r in range(layout.header_row + 1, ws.max_row + 1)}
    status = round_trip["due"]
    assert ids == set(status.loc[status["unit"] == "水利学院", "finding_id"])


# ---------------------------------------------------------------------------------------------- finding identity


def test_finding_ids_survive_another_file_order_and_row_order(tmp_path):
    cfg = config_with(tmp_path, reply_days=15, as_of=dt.date(2023, 5, 5))
    a = ingest_and_check(raw_season(tmp_path / "a"), tmp_path / "ca", tmp_path / "ra", cfg)
    shuffled = {u: [[n, *row[1:]] for n, row in enumerate(reversed(rows), start=1)] for u, rows in ROUND1.items()}
    names = {u: f"{9 - i}_{u}备案表.xlsx" for i, u in enumerate(ROUND1)}  # the files sort the other way round
    write_season(tmp_path / "b", shuffled, names)
    b = ingest_and_check(tmp_path / "b", tmp_path / "cb", tmp_path / "rb", cfg)
    assert set(a["source_file"]).isdisjoint(b["source_file"])
    assert dict(zip(a["finding_id"], zip(a["unit"], a["rule"], strict=True), strict=True)) == \
        dict(zip(b["finding_id"], zip(b["unit"], b["rule"], strict=True), strict=True))

    changed = dict(ROUND1)
    changed["图书馆"] = [platform("图书馆", 1, "华水图书馆", "ncwu_library", "刘洋", "13800000390", OLD)]  # another account
    c = ingest_and_check(raw_season_of(tmp_path / "c", changed), tmp_path / "cc", tmp_path / "rc", cfg)
    ids_a = dict(zip(zip(a["unit"], a["rule"], strict=True), a["finding_id"], strict=True))
    ids_c = dict(zip(zip(c["unit"], c["rule"], strict=True), c["finding_id"], strict=True))
    assert ids_a.keys() == ids_c.keys()
    assert {k for k in ids_a if ids_a[k] != ids_c[k]} == {("图书馆", "R-zombie")}


def raw_season_of(raw: Path, returns: dict[str, list[list]]) -> Path:
    write_season(raw, returns)
    return raw


# ---------------------------------------------------------------------------------------------- dashboard


def test_progress_chart_traces(round_trip):
    from netmedia.report import charts

    status = pd.DataFrame({"finding_id": ["F1", "F2", "F3", "F4", "F5", "F6"],
                           "unit": ["水利学院", "水利学院", "水利学院", "电力学院", None, "图书馆"],
                           "status": ["overdue", "overdue", "replied", "resolved", "open", "open"]})
    fig = charts.rectification_progress(status)
    traces = {t.name: dict(zip(t.y, t.x, strict=True)) for t in fig.data}
    assert traces == {
        "逾期": {"电力学院": 0, "图书馆": 0, charts.UNKNOWN_UNIT: 0, "水利学院": 2},
        "待整改": {"电力学院": 0, "图书馆": 1, charts.UNKNOWN_UNIT: 1, "水利学院": 0},
        "已回复": {"电力学院": 0, "图书馆": 0, charts.UNKNOWN_UNIT: 0, "水利学院": 1},
        "已整改": {"电力学院": 1, "图书馆": 0, charts.UNKNOWN_UNIT: 0, "水利学院": 0},
    }
    assert fig.data[0].y[-1] == "水利学院"  # the most overdue on top (plotly draws the last category on top)
    assert charts.rectification_progress(status.iloc[:0]).layout.annotations[0].text == charts.NO_DATA
    # the dashboard's chart reads the check step's statuses
    figs = charts.all_charts({charts.RECTIFICATION_STATUS: round_trip["due"][["unit", "status"]]}, None, load_config())
    shown = {t.name: sum(t.x) for t in figs["rectification_progress"].data}
    assert shown == {"逾期": 2, "待整改": 0, "已回复": 3, "已整改": 2}


def test_reply_texts_stay_out_of_the_dashboard(round_trip, tmp_path):
    """Replies are the units' free text (a phone in one): the dashboard shows counts only, even when handed them."""
    from netmedia.report import charts, dashboard

    status = round_trip["due"]
    assert "电话已更正为13912345678" in set(status["reply"].dropna())  # kept for the department's own files
    tables = {charts.RECTIFICATION_STATUS: status}
    page = dashboard.build_dashboard(tables, None, load_config(), tmp_path, images=False).html.read_text("utf-8")
    assert "各单位整改进度" in page and "党委宣传部" in page
    assert "13912345678" not in page and "已恢复更新" not in page


def test_identity_of_personal_accounts_and_record_ids():
    from netmedia.validate.findings import finding_id, record_identities

    def ids(rows: list[dict]) -> list[str]:
        df = pd.DataFrame(rows)
        return [finding_id("R-naming", "personal_accounts", r["unit"], k)
                for r, k in zip(rows, record_identities("personal_accounts", df), strict=True)]

    a = {"unit": "水利学院", "holder_name": "张三", "category": "wechat_official", "account_id": "zs01",
         "platform_name": "华水张三", "source_row": 3}
    b = {**a, "platform_name": "华水张三说", "source_row": 9}  # renamed, same account id: the same record
    c = {**a, "account_id": None}  # no account id: known by its name
    d = {**c, "platform_name": "张三的号"}
    e = {**a, "holder_name": "李四"}
    got = ids([a, b, c, d, e])
    assert got[0] == got[1] and len({got[0], got[2], got[3], got[4]}) == 4
    assert ids([e, a]) == [got[4], got[0]]  # another order, the same ids
    with_ids = ids([{**a, "record_id": "A0123456789"}, {**e, "record_id": "A0123456789"}])
    assert with_ids[0] == with_ids[1] != got[0]  # a record id, when filled, is the identity


def test_mailed_list_replied_at_is_the_mail_date(round_trip, tmp_path):
    from email.message import EmailMessage
    from email.utils import format_datetime

    raw = tmp_path / "raw"
    write_roster(raw / "reference" / "units.xlsx", UNITS_HEADER, UNITS)
    filled = tmp_path / "filled.xlsx"
    fill_list(round_trip["reports"] / "整改清单" / "党委宣传部.xlsx", {"僵尸账号": "已关停"}, filled)
    msg = EmailMessage()
    msg["Subject"] = "党委宣传部整改清单回复"
    msg["Date"] = format_datetime(dt.datetime(2023, 5, 8, 16, 45))
    msg.set_content("见附件")
    msg.add_attachment(filled.read_bytes(), maintype="application", subtype="octet-stream", filename="整改清单.xlsx")
    (raw / "回复.eml").write_bytes(bytes(msg))
    res = season.ingest(raw, None, load_config())
    replies = res.tables["replies"]
    assert list(zip(replies["unit"], replies["rule"], replies["reply"], strict=True)) == [("党委宣传部", "R-zombie", "已关停")]
    assert replies["replied_at"].tolist() == [pd.Timestamp(2023, 5, 8, 16, 45)]
    assert replies["source_file"].tolist() == ["回复.eml!整改清单.xlsx"]
    assert res.tables["platforms"].empty and res.tables["rejects"].empty


def test_reply_whose_id_was_cleared_is_a_reject(round_trip, tmp_path):
    raw = tmp_path / "raw"
    write_roster(raw / "reference" / "units.xlsx", UNITS_HEADER, UNITS)
    path = raw / "水利学院回复.xlsx"
    fill_list(round_trip["reports"] / "整改清单" / "水利学院.xlsx",
              {"僵尸账号": "已注销", "运营负责人不符合要求": "已更换为在职教职工"}, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["整改清单"]
    labels = [c.value for c in ws[4]]
    kind, fid = labels.index("问题类型") + 1, labels.index("问题编号") + 1
    cleared = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, kind).value == "僵尸账号")
    ws.cell(cleared, fid).value = None  # the unit cleared the hidden id
    wb.save(path)
    res = season.ingest(raw, None, load_config())
    assert res.tables["replies"]["reply"].tolist() == ["已更换为在职教职工"]
    rej = res.tables["rejects"]
    assert list(zip(rej["source_row"], rej["raw"], strict=True)) == [(cleared, "已注销")]
    assert rej["reason"].str.contains("问题编号").all()
    sub = res.tables["submissions"].query("source_file == '水利学院回复.xlsx'")
    assert sub[["rows_read", "rows_clean", "rows_rejected"]].values.tolist() == [[2, 1, 1]]


# ---------------------------------------------------------------------------------------------- columns changed
# A unit edits its returned list in Excel: inserts, deletes or moves columns. The stamp's positions alone would then
# read one column's cells as another's; each field must come from the column its label confirms, or the rows go to
# rejects with the true reason.

FILLED = {"僵尸账号": "已注销", "运营负责人不符合要求": "已更换为在职教职工"}  # 水利学院's two findings
REPLY_LABEL, ID_LABEL = "单位回复/整改情况", "问题编号"


def _changed_list(round_trip, dest: Path, change) -> tuple[Path, dict[str, str]]:
    """水利学院's list filled in (:data:`FILLED`) and changed by ``change(ws, header_row, labels)``; returns its path
    and the finding id of each 问题类型, read from the list before the change."""
    fill_list(round_trip["reports"] / "整改清单" / "水利学院.xlsx", FILLED, dest)
    wb = openpyxl.load_workbook(dest)
    ws = wb["整改清单"]
    labels = [c.value for c in ws[4]]
    kind, fid = labels.index("问题类型") + 1, labels.index(ID_LABEL) + 1
    ids = {ws.cell(r, kind).value: ws.cell(r, fid).value for r in range(5, ws.max_row + 1)}
    change(ws, 4, labels)
    wb.save(dest)
    return dest, ids


def _ingest_one(raw: Path) -> dict[str, pd.DataFrame]:
    write_roster(raw / "reference" / "units.xlsx", UNITS_HEADER, UNITS)
    return season.ingest(raw, None, load_config()).tables


def _insert_before_reply(ws, header_row: int, labels: list) -> None:
    at = labels.index(REPLY_LABEL) + 1
    ws.insert_cols(at)
    ws.cell(header_row, at, "备注")
    for r in range(header_row + 1, ws.max_row + 1):
        ws.cell(r, at, "单位自加备注")


def _move_reply_to_b(ws, header_row: int, labels: list) -> None:
    """Cut the reply column and insert it before column B (Excel's 剪切 + 插入剪切的单元格)."""
    src = labels.index(REPLY_LABEL) + 1
    cells = [ws.cell(r, src).value for r in range(1, ws.max_row + 1)]
    ws.delete_cols(src)
    ws.insert_cols(2)
    for r, v in enumerate(cells, start=1):
        ws.cell(r, 2, v)


def _delete(label: str):
    def change(ws, header_row: int, labels: list) -> None:
        ws.delete_cols(labels.index(label) + 1)
    return change


@pytest.mark.parametrize("change", [_insert_before_reply, _move_reply_to_b], ids=["inserted", "moved"])
def test_reply_read_from_its_labelled_column(round_trip, tmp_path, change):
    raw = tmp_path / "raw"
    path, ids = _changed_list(round_trip, raw / "水利学院回复.xlsx", change)
    got = _ingest_one(raw)
    replies = got["replies"]
    expected = {(ids["僵尸账号"], "R-zombie", "已注销"), (ids["运营负责人不符合要求"], "R-operator", "已更换为在职教职工")}
    assert set(zip(replies["finding_id"], replies["rule"], replies["reply"], strict=True)) == expected
    assert len(replies) == 2 and got["rejects"].empty and got["platforms"].empty


@pytest.mark.parametrize(("label", "n_rows"), [(ID_LABEL, 2), (REPLY_LABEL, 2)], ids=["id-deleted", "reply-deleted"])
def test_list_without_its_id_or_reply_column_is_rejected(round_trip, tmp_path, label, n_rows):
    from netmedia.extract import tables
    from netmedia.transform import replies

    raw = tmp_path / "raw"
    path, _ids = _changed_list(round_trip, raw / "水利学院回复.xlsx", _delete(label))
    got = _ingest_one(raw)
    assert got["replies"].empty  # no reply taken from another column
    rejects = got["rejects"]
    assert len(rejects) == n_rows and set(rejects["source_row"]) == {5, 6}
    if label == ID_LABEL:  # the replies themselves are kept in the rejects
        assert sorted(rejects["raw"]) == sorted(FILLED.values())
    else:  # the replies went with their column: every row of the list is kept, as its text
        assert sorted(next(k for k in FILLED if k in text) for text in rejects["raw"]) == sorted(FILLED)
    sheets = tables.read_tables(path)
    stamp = next(s.stamp for s in sheets if s.stamp is not None)
    reasons = {reason for _sheet, _row, reason, _text in replies.list_rejects(sheets, stamp)}
    assert reasons == {f"returned list: column {label} not found (the list's columns were changed)"}


def test_column_appended_after_the_last_changes_nothing(round_trip, tmp_path):
    def append(ws, header_row: int, labels: list) -> None:
        ws.cell(header_row, len(labels) + 1, "联系人")
        ws.cell(header_row + 1, len(labels) + 1, "张三")

    raw = tmp_path / "raw"
    _changed_list(round_trip, raw / "水利学院回复.xlsx", append)
    got = _ingest_one(raw)
    assert sorted(got["replies"]["reply"]) == sorted(FILLED.values()) and got["rejects"].empty


def test_the_list_is_not_protected_so_the_reader_must_check(round_trip):
    ws = openpyxl.load_workbook(round_trip["reports"] / "整改清单" / "水利学院.xlsx")["整改清单"]
    assert not ws.protection.sheet  # a unit may insert/delete columns; other software ignores protection anyway
    stamp = read_stamp(round_trip["reports"] / "整改清单" / "水利学院.xlsx")
    lay = stamp.sheets["整改清单"]
    assert list(lay.labels) == [c.value for c in ws[lay.header_row]][:len(lay.labels)]


def test_list_whose_header_row_was_emptied_is_rejected(round_trip, tmp_path):
    def empty_header(ws, header_row: int, labels: list) -> None:
        for j in range(1, len(labels) + 1):
            ws.cell(header_row, j).value = None

    raw = tmp_path / "raw"
    _changed_list(round_trip, raw / "水利学院回复.xlsx", empty_header)
    got = _ingest_one(raw)
    assert got["replies"].empty  # no column is confirmed: nothing read by position
    assert sorted(got["rejects"]["source_row"]) == [5, 6]  # and nothing lost


def test_rejects_of_a_changed_list_carry_the_true_reason(round_trip, tmp_path):
    raw = tmp_path / "raw"
    _changed_list(round_trip, raw / "水利学院回复.xlsx", _delete(ID_LABEL))
    reasons = set(_ingest_one(raw)["rejects"]["reason"])
    assert reasons == {"returned list: column 问题编号 not found (the list's columns were changed)"}


def test_the_round_archive_keeps_the_replies(round_trip):
    """The replies are archived with the round (rounds/<round>/), as ingested: the four replies written by hand."""
    from netmedia.report import history

    archived = history.load_round(round_trip["clean"], load_config().round.name, "replies")
    assert sorted(zip(archived["unit"], archived["rule"], archived["reply"], strict=True)) == sorted([
        ("水利学院", "R-zombie", "该账号已注销关停"),
        ("电力学院", "R-leader", "已更换主管领导为党委书记"),
        ("电力学院", "R-zombie", "已恢复更新"),
        ("党委宣传部", "R-phone", "电话已更正为13912345678"),
    ])
