"""Write the package's two .docx templates: the Annex 1 form and the season's circular.

Run from the project root to regenerate them after changing their layout or wording here:

    python docs/templates/make_templates.py            # writes lib/netmedia/data/*.docx
    python docs/templates/make_templates.py OUT_DIR    # writes them elsewhere (to compare, or to start a school's own)

The templates are docxtpl templates: Word documents holding Jinja tags (``{{ platform_name }}``,
``{%tr for row in red %}``). A school that wants its own layout edits a copy of the generated .docx in Word,
keeps the tags it needs, and names the copy in ``config/institution.toml`` (``[documents] annex1_template`` /
``circular_template``); the tags each template may use are listed in ``netmedia.report.annex1.FIELDS`` and
``netmedia.report.circular`` (``circular_context``).

The layout of the form follows the notice's Annex 1 (网络媒体平台备案表): the school's name and the year in the
title, one row per field of the Annex 2 registry, then the unit's opinion with the signature, stamp and date
lines left blank (signed and stamped by hand).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "lib" / "netmedia" / "data"
BODY_FONT = "SimSun"  # 宋体; LibreOffice maps it to Noto Serif CJK SC where SimSun is not installed
TITLE_FONT = "SimHei"  # 黑体


def _fonts(doc, size: float = 12) -> None:
    """The body in 宋体 (East Asian and Latin), the headings in 黑体."""
    for name, font, pt in (("Normal", BODY_FONT, size), ("Title", TITLE_FONT, 18), ("Heading 1", TITLE_FONT, 14),
                           ("Heading 2", TITLE_FONT, 12)):
        style = doc.styles[name]
        style.font.name = font
        style.font.size = Pt(pt)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        if name != "Normal":
            style.font.color.rgb = None
            style.font.bold = True


def _page(doc) -> None:
    for s in doc.sections:
        s.page_width, s.page_height = Cm(21), Cm(29.7)
        s.left_margin = s.right_margin = Cm(2.5)
        s.top_margin = s.bottom_margin = Cm(2.2)


def _widths(table, cm: tuple[float, ...]) -> None:
    """Column widths (Word reads the cells' widths; LibreOffice the grid's): on every row, the loop rows too."""
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, cm, strict=True):
            cell.width = Cm(w)
    for col, w in zip(table.columns, cm, strict=True):
        col.width = Cm(w)


def _center(doc, text: str, style: str = "Normal", size: float | None = None, bold: bool = False):
    p = doc.add_paragraph(style=style)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return p


# --------------------------------------------------------------------------- Annex 1

#: (label, tag) pairs of the form's two-column rows; a row of two pairs is a four-column row.
ANNEX1_ROWS = (
    (("填报单位", "unit"), ("主体类型", "owner_kind")),
    (("平台名称", "platform_name"),),
    (("平台类型", "platform_type"), ("平台类别", "platform_class")),
    (("平台分类", "category"), ("账号ID", "account_id")),
    (("网址/链接", "url"),),
    (("开通时间", "opened_on"), ("最近更新时间", "last_updated_on")),
    (("粉丝数", "followers"), ("运行状态", "status")),
    (("主管领导", "supervisor"), ("主管领导职务", "supervisor_title")),
    (("运营管理负责人", "operator"), ("联系电话", "operator_phone")),
    (("备注", "remarks"),),
)


def annex1_template():
    doc = Document()
    _page(doc)
    _fonts(doc, 12)
    p = _center(doc, "附件1", size=12)
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _center(doc, "{{ school }}网络媒体平台备案表", "Title", 18, bold=True)
    _center(doc, "（{{ year }}年度）", size=12)
    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(3.2), Cm(4.8), Cm(3.2), Cm(4.8))
    for pairs in ANNEX1_ROWS:
        cells = table.add_row().cells
        if len(pairs) == 1:
            label, tag = pairs[0]
            cells[0].text = label
            merged = cells[1].merge(cells[3])
            merged.text = "{{ " + tag + " }}"
        else:
            for i, (label, tag) in enumerate(pairs):
                cells[2 * i].text = label
                cells[2 * i + 1].text = "{{ " + tag + " }}"
    opinion = table.add_row().cells
    opinion[0].text = "单位意见"
    box = opinion[1].merge(opinion[3])
    box.text = ""
    for line in ("", "", "主管领导（签字）：                    ", "单位（盖章）：                    ",
                 "日期：        年    月    日"):
        para = box.add_paragraph(line)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT if line else WD_ALIGN_PARAGRAPH.LEFT
    for row in table.rows:
        row.height = Cm(1.0)
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]
    doc.add_paragraph("说明：本表由{{ department }}根据各单位报送的《网络媒体平台备案信息汇总表》（附件2）生成，"
                      "请核对无误后由主管领导签字、加盖单位公章，报送{{ department }}。内容有误的，请在备注中更正后签字。"
                      "{% if record_id %}记录编号：{{ record_id }}{% endif %}")
    return doc


# --------------------------------------------------------------------------- the circular


def _groups_section(doc) -> None:
    """Annex 4 in the circular: the groups registered (by platform, in a table), those in the notice's scope
    (``group_min_members`` members or more), the units with groups to dissolve and by when, and the chart of the
    same counts (``groups_chart``). A season without groups gets one sentence instead (the table and the chart
    between ``{%p if %}`` and ``{%p else %}`` are left out)."""
    doc.add_heading("二、互联网群组情况", level=1)
    doc.add_paragraph("{%p if n_groups %}")
    doc.add_paragraph("各单位共登记工作、学习类互联网群组{{ n_groups }}个，涉及{{ n_group_units }}个单位。其中成员"
                      "{{ group_min_members }}人及以上、计入统计范围的{{ n_groups_counted }}个，成员不足"
                      "{{ group_min_members }}人、不计入统计的{{ n_groups_small }}个"
                      "{% if n_groups_no_count %}，未填写成员人数的{{ n_groups_no_count }}个{% endif %}。"
                      "按群组类型统计如下：")
    t = doc.add_table(rows=3, cols=4)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, ("群组类型", "登记群组（个）", "计入统计（个）", "应解散（个）"), strict=True):
        cell.text = text
    t.rows[1].cells[0].text = "{%tr for g in group_platforms %}"
    for cell, text in zip(t.rows[2].cells, ("{{ g.name }}", "{{ g.count }}", "{{ g.counted }}", "{{ g.dissolve }}"),
                          strict=True):
        cell.text = text
    t.add_row().cells[0].text = "{%tr endfor %}"
    row = t.add_row().cells
    for cell, text in zip(row, ("合计", "{{ n_groups }}", "{{ n_groups_counted }}", "{{ n_dissolve }}"), strict=True):
        cell.text = text
    _widths(t, (4.0, 4.0, 4.0, 4.0))
    doc.add_paragraph("{% if n_dissolve %}因临时性工作建立、已过结束时间或已无存在必要，应予解散的群组{{ n_dissolve }}个，"
                      "涉及{{ dissolve_units|length }}个单位："
                      "{% for u in dissolve_units %}{{ u.unit }}（{{ u.count }}个）{% if not loop.last %}、{% endif %}"
                      "{% endfor %}。请上述单位于{{ reply_deadline }}前解散相关群组，并将解散情况报送{{ department }}。"
                      "{% else %}经检查，暂未发现应解散的临时群组。{% endif %}")
    doc.add_paragraph("{%p if groups_chart %}")
    _center(doc, "{{ groups_chart.image }}")
    _center(doc, "图{{ charts|length + 1 }}　{{ groups_chart.title }}", size=10.5)  # after the section 一's figures
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("本轮各单位均未登记互联网群组。")
    doc.add_paragraph("{%p endif %}")


def circular_template():
    doc = Document()
    _page(doc)
    _fonts(doc, 12)
    _center(doc, "{{ school }}{{ department }}", size=14, bold=True)
    _center(doc, "关于{{ year }}年度网络媒体平台备案工作情况的通报", "Title", 18, bold=True)
    doc.add_paragraph("各党委、党总支、直属党支部，校属各单位：")
    doc.add_paragraph("根据《关于在全校开展网络媒体平台备案和互联网群组统计工作的通知》要求，{{ department }}于"
                      "{{ notice_date }}部署开展{{ year }}年度网络媒体平台备案工作，报送截止日期为{{ deadline }}。"
                      "现将备案和检查情况通报如下。")

    doc.add_heading("一、总体情况", level=1)
    doc.add_paragraph("全校应报送单位{{ n_units }}个，已报送{{ n_submitted }}个，报送率{{ submission_rate }}；"
                      "按期报送{{ n_on_time }}个，按期报送率{{ on_time_rate }}"
                      "（按期报送：该单位报送的材料均在截止日期前收到）。"
                      "{% if missing_units %}未报送的单位：{{ missing_units }}。{% endif %}")
    doc.add_paragraph("各单位共登记网络媒体平台{{ n_platforms }}个，按平台类别统计如下：")
    t = doc.add_table(rows=3, cols=3)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, ("类别", "平台类别", "平台数（个）"), strict=True):
        cell.text = text
    t.rows[1].cells[0].text = "{%tr for c in classes %}"
    for cell, text in zip(t.rows[2].cells, ("{{ c.number }}", "{{ c.name }}", "{{ c.count }}"), strict=True):
        cell.text = text
    row = t.add_row().cells
    row[0].text = "{%tr endfor %}"
    row = t.add_row().cells
    row[0].text = "合计"
    row[2].text = "{{ n_platforms }}"
    _widths(t, (2.0, 6.0, 4.0))
    doc.add_paragraph("其中，三个月以上未更新的“僵尸”平台{{ n_zombie }}个（以{{ reference_date }}为准，最近更新早于"
                      "{{ zombie_cutoff }}且未注销）。检查共发现问题{{ n_findings }}条，其中违规{{ n_violations }}条、"
                      "提示{{ n_warnings }}条，涉及{{ n_units_with_findings }}个单位（各单位问题见附表）。")
    doc.add_paragraph("{%p for chart in charts %}")
    _center(doc, "{{ chart.image }}")
    _center(doc, "图{{ loop.index }}　{{ chart.title }}", size=10.5)
    doc.add_paragraph("{%p endfor %}")

    _groups_section(doc)

    doc.add_heading("三、红黑榜", level=1)
    doc.add_paragraph("排名规则：{{ ranking_rule }}")
    for title, var in (("红榜（问题最少的单位）", "red"), ("黑榜（问题最多的单位）", "black")):
        doc.add_heading(title, level=2)
        t = doc.add_table(rows=3, cols=5)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(t.rows[0].cells, ("名次", "单位", "平台数", "问题数", "每平台问题数"), strict=True):
            cell.text = text
        t.rows[1].cells[0].text = "{%tr for r in " + var + " %}"
        for cell, text in zip(t.rows[2].cells, ("{{ r.rank }}", "{{ r.unit }}", "{{ r.platforms }}",
                                                 "{{ r.findings }}", "{{ r.per_platform }}"), strict=True):
            cell.text = text
        t.add_row().cells[0].text = "{%tr endfor %}"
        _widths(t, (1.6, 6.4, 2.4, 2.4, 3.2))

    doc.add_heading("四、整改要求", level=1)
    doc.add_paragraph("各单位已收到本单位的整改清单。请存在问题的单位对照清单逐项整改：“僵尸”平台和不再使用的平台应及时"
                      "注销、关停，主管领导应为本单位党政一把手，运营管理负责人须为我校在职教职工，个人账号不得以学校名称"
                      "谐音、污名化方式命名。请于{{ reply_deadline }}前完成整改，并将整改情况报送{{ department }}。"
                      "未报送备案材料的单位请立即补报。")

    doc.add_heading("附表：各单位检查问题统计", level=1)
    t = doc.add_table(rows=3, cols=5)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, ("序号", "单位", "违规（条）", "提示（条）", "主要问题"), strict=True):
        cell.text = text
    t.rows[1].cells[0].text = "{%tr for r in appendix %}"
    for cell, text in zip(t.rows[2].cells, ("{{ loop.index }}", "{{ r.unit }}", "{{ r.violations }}",
                                             "{{ r.warnings }}", "{{ r.rules }}"), strict=True):
        cell.text = text
    t.add_row().cells[0].text = "{%tr endfor %}"
    _widths(t, (1.4, 4.2, 1.9, 1.9, 6.6))
    doc.add_paragraph("")
    p = doc.add_paragraph("{{ school }}{{ department }}")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p = doc.add_paragraph("{{ date }}")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return doc


def main(out: Path = DATA) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for name, make in (("annex1_template.docx", annex1_template), ("circular_template.docx", circular_template)):
        doc = make()
        doc.core_properties.author = "netmedia"
        doc.core_properties.title = name
        doc.save(out / name)
        made.append(out / name)
    return made


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA):
        print(p)
