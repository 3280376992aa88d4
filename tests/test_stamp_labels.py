"""stamp.located_layout: a stamped layout checked against the labels of a returned header row.

The layouts and header rows are written by hand; the expected field of each column is read off them by eye.
"""

from __future__ import annotations

from netmedia.extract.stamp import SheetLayout, Stamp, located_layout, parse_stamp

LAYOUT = SheetLayout("findings", 4, (None, "rule_zh", "reply", "finding_id"), ("序号", "问题类型", "整改情况", "问题编号"))


def test_unchanged_header_keeps_the_layout():
    assert located_layout(LAYOUT, ["序号", "问题类型", "整改情况", "问题编号"]) is LAYOUT
    assert located_layout(LAYOUT, ["序号", " 问题类型\n", "整改情况", "问题编号", "备注"]) is LAYOUT  # spaces, appended


def test_inserted_and_moved_columns_are_found_by_label():
    got = located_layout(LAYOUT, ["序号", "备注", "问题编号", "问题类型", "整改情况"])
    assert got is not None and got.columns == (None, None, "finding_id", "rule_zh", "reply")


def test_deleted_renamed_or_doubled_label_is_absent():
    got = located_layout(LAYOUT, ["序号", "问题类型", "整改情况"])  # 问题编号 deleted
    assert got is not None and got.columns == (None, "rule_zh", "reply")
    got = located_layout(LAYOUT, ["序号", "备注", "问题类型", "整改结果", "问题编号"])  # renamed, one inserted
    assert got is not None and got.columns == (None, None, "rule_zh", None, "finding_id")
    got = located_layout(LAYOUT, ["整改情况", "问题类型", "整改情况", "问题编号", "序号"])  # two 整改情况: neither
    assert got is not None and got.columns == (None, "rule_zh", None, "finding_id", None)
    assert located_layout(LAYOUT, ["甲", "乙", "丙"]) is None


def test_label_retyped_in_place_keeps_its_column():
    """Every other label is where it was written: no column moved, the retyped one is the reply's."""
    assert located_layout(LAYOUT, ["序号", "问题类型", "整改结果", "问题编号"]) is LAYOUT
    got = located_layout(LAYOUT, ["序号", "问题类型", "整改结果"])  # and the last column deleted
    assert got is not None and got.columns == (None, "rule_zh", "reply")


def test_stamp_without_labels_is_read_by_position():
    old = SheetLayout("findings", 4, (None, "reply"))
    assert located_layout(old, ["备注", "序号", "整改情况"]) is old


def test_labels_survive_the_stamp_sheet():
    stamp = Stamp("rectification", "1", "2023", "水利学院", {"整改清单": LAYOUT})
    assert parse_stamp(stamp.rows()).sheets["整改清单"] == LAYOUT
    old = [row[:2] + [row[2].replace(', "labels": ["序号", "问题类型", "整改情况", "问题编号"]', "")]
           if row[0] == "sheet" else row for row in stamp.rows()]
    assert parse_stamp(old).sheets["整改清单"].labels == ()
