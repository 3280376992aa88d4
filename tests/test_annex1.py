"""Annex 1 forms (issue 15): one .docx per scope 1-2 platform, every field the registry's value, signature lines
blank, a zip per unit, PDFs by LibreOffice that render; and the privacy choice (the forms keep the operator's
phone and are internal; the gate passes).

The season is a small generated one run through the real steps (ingest, check, dashboard, documents:
``documents_season``). Expected
values are read from the clean Parquet table with pandas and shown with hand-written words, never through
netmedia.report.annex1.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pytest
from documents_season import documents_season

from netmedia import paths, season
from netmedia.config import ConfigError, load_config
from netmedia.report import documents, privacy

FORMS = "附件1"
# The words the form shows for the clean table's codes (written here by hand).
OWNER_KIND = {"unit": "单位", "student_org": "学生组织"}
STATUS = {"running": "正常运行", "stopped": "停用", "closed": "已注销", "unknown": "未知"}
# Form label -> the platforms column it shows.
LABELS = {"填报单位": "unit", "主体类型": "owner_kind", "平台名称": "platform_name", "平台类型": "platform_type_raw",
          "平台类别": "platform_class", "平台分类": "category", "账号ID": "account_id", "网址/链接": "url",
          "开通时间": "opened_on", "最近更新时间": "last_updated_on", "粉丝数": "followers", "运行状态": "status",
          "主管领导": "supervisor", "主管领导职务": "supervisor_title", "运营管理负责人": "operator",
          "联系电话": "operator_phone", "备注": "remarks"}


@pytest.fixture
def season_docs():
    return documents_season()


def _categories() -> dict:
    return tomllib.loads((paths.PACKAGE_DIR / "data" / "categories.toml").read_text(encoding="utf-8"))


def expected_forms(clean: Path) -> list[tuple]:
    """Each platform's form as (label, value) pairs, from the Parquet table and the hand-written words."""
    p = pd.read_parquet(clean / "platforms.parquet")
    cats = _categories()
    cat_zh = {c["code"]: c["zh"] for c in cats["category"]}
    class_zh = {int(k): v for k, v in cats["classes"].items()}

    def shown(col: str, v: object) -> str:
        if pd.isna(v):
            return ""
        if col in ("opened_on", "last_updated_on"):
            return pd.Timestamp(v).strftime("%Y-%m-%d")
        if col == "followers":
            return str(int(v))
        if col == "platform_class":
            return f"{int(v)}-{class_zh[int(v)]}"
        return {"owner_kind": OWNER_KIND, "status": STATUS, "category": cat_zh}.get(col, {}).get(v, str(v).strip())

    return sorted(tuple((label, shown(col, row[col])) for label, col in LABELS.items()) for _, row in p.iterrows())


def form_fields(path: Path) -> dict[str, str]:
    """The form's label -> value cells, read back with python-docx (merged cells counted once)."""
    table = docx.Document(str(path)).tables[0]
    out = {}
    for row in table.rows:
        cells = []
        for c in row.cells:
            if not cells or c is not cells[-1]:  # a merged cell is the same object in each grid column
                cells.append(c)
        for label, value in zip(cells[::2], cells[1::2], strict=False):
            out[label.text.strip()] = value.text.strip()
    return out


def test_one_form_per_platform_in_its_units_folder(season_docs):
    clean, reports, _, made = season_docs
    p = pd.read_parquet(clean / "platforms.parquet")
    forms = sorted((reports / FORMS).rglob("*.docx"))
    assert len(forms) == len(p) == len(made.forms) > 30
    per_unit = {u: n for u, n in p["unit"].value_counts().items()}
    assert {f.parent.name: 0 for f in forms}.keys() == per_unit.keys()
    assert {u: sum(f.parent.name == u for f in forms) for u in per_unit} == per_unit
    assert len({f.as_posix().casefold() for f in forms}) == len(forms)  # unique names


def test_every_field_equals_the_registry(season_docs):
    clean, reports, _, _ = season_docs
    got = sorted(tuple((label, form_fields(f)[label]) for label in LABELS) for f in (reports / FORMS).rglob("*.docx"))
    want = expected_forms(clean)
    assert got == want
    # the check is not vacuous: the forms hold full phones and codes shown in words
    assert any(v for row in got for label, v in row if label == "联系电话" and len(v) == 11 and v.isdigit())
    assert {v for row in got for label, v in row if label == "运行状态"} <= set(STATUS.values())


def test_signature_stamp_and_date_lines_are_blank(season_docs):
    _, reports, config, _ = season_docs
    for f in sorted((reports / FORMS).rglob("*.docx"))[:10]:
        fields = form_fields(f)
        opinion = fields["单位意见"]
        lines = [line.strip() for line in opinion.splitlines() if line.strip()]
        assert [line.split("：")[0] for line in lines] == ["主管领导（签字）", "单位（盖章）", "日期"], lines
        assert all(line.split("：", 1)[1].replace("年", "").replace("月", "").replace("日", "").strip() == ""
                   for line in lines), lines
        text = "\n".join(p.text for p in docx.Document(str(f)).paragraphs)
        assert f"{config.institution.name_zh}网络媒体平台备案表" in text and "{{" not in text


def test_one_zip_per_unit_holding_its_forms(season_docs):
    _, reports, _, made = season_docs
    folders = sorted(p for p in (reports / FORMS).iterdir() if p.is_dir())
    assert sorted(z.name for z in made.zips) == sorted(f"{d.name}.zip" for d in folders)
    for d in folders:
        with zipfile.ZipFile(reports / FORMS / f"{d.name}.zip") as z:
            assert sorted(z.namelist()) == sorted(f"{d.name}/{f.name}" for f in d.iterdir())
            first = sorted(d.glob("*.docx"))[0]
            assert z.read(f"{d.name}/{first.name}") == first.read_bytes()


needs_office = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")),
                                  reason="LibreOffice (soffice) or poppler-utils (pdftoppm) not installed")


def dark_share(pdf: Path, out: Path) -> float:
    """Page 1 rendered by pdftoppm (grey, 40 dpi): the share of pixels that are not white."""
    subprocess.run(["pdftoppm", "-gray", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(out)], check=True)
    pgm = next(out.parent.glob(out.name + "*.pgm")).read_bytes()
    header = pgm.split(b"\n", 3)  # P5, width height, maxval, pixels
    pixels = header[3]
    return sum(b < 200 for b in pixels) / len(pixels)


@needs_office
def test_forms_convert_to_pdf_and_render(season_docs, tmp_path):
    _, reports, _, made = season_docs
    forms = sorted((reports / FORMS).rglob("*.docx"))
    assert sorted(f.with_suffix(".pdf") for f in forms) == sorted(p for p in made.pdfs if FORMS in p.parts)
    assert made.pdf_seconds is not None
    sample = forms[:: max(1, len(forms) // 3)][:3]
    for i, f in enumerate(sample):
        pdf = f.with_suffix(".pdf")
        assert pdf.read_bytes()[:5] == b"%PDF-"
        assert 0.01 < dark_share(pdf, tmp_path / f"form{i}") < 0.5  # a page with text and rules, not blank
        text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        name = form_fields(f)["平台名称"]
        assert "网络媒体平台备案表" in text and name[:6] in text.replace("\n", "")  # Chinese text, fonts embedded


def test_forms_are_internal_and_the_gate_passes(season_docs):
    clean, reports, _, _ = season_docs
    shared = privacy.shareable_outputs(reports)
    assert not [p for p in shared if FORMS in p.relative_to(reports).parts]
    assert reports / "情况通报.docx" in shared
    assert season.check_outputs(clean, reports) is None
    # what the choice means: scanned as shareable, the forms would fail (they hold the operators' phones)
    staff, phones = privacy.season_personal_data(clean)
    assert privacy.scan_for_personal_data(sorted((reports / FORMS).rglob("*.docx"))[:5], set(staff),
                                          known_phones=phones)


def test_a_schools_own_template_is_used(season_docs, tmp_path):
    clean, _, config, _ = season_docs
    mine = docx.Document()
    mine.add_paragraph("本校自定义备案表：{{ platform_name }}，运营：{{ operator }}")
    mine.save(tmp_path / "my_annex1.docx")
    toml = tmp_path / "institution.toml"
    text = config.path.read_text(encoding="utf-8").replace('annex1_template = ""', 'annex1_template = "my_annex1.docx"')
    toml.write_text(text.replace("pdf = true", "pdf = false"), encoding="utf-8")
    own = load_config(toml)
    assert documents.settings(own).annex1_template == tmp_path / "my_annex1.docx"
    from netmedia.report import annex1

    p = pd.read_parquet(clean / "platforms.parquet").head(3)
    made = annex1.write_forms(p, tmp_path / "out", own, documents.settings(own).annex1_template)
    texts = sorted(docx.Document(str(f)).paragraphs[0].text for f in made)
    assert texts == sorted(f"本校自定义备案表：{r.platform_name}，运营：{r.operator}" for r in p.itertuples())


def test_bad_documents_settings_are_config_errors(tmp_path):
    base = paths.INSTITUTION_TOML.read_text(encoding="utf-8")
    for bad in ('annex1_template = "nowhere.docx"', "pdf = 1", 'charts = "x"', "pfd = true"):
        toml = tmp_path / "institution.toml"
        toml.write_text(base.replace("[documents]\n", f"[documents]\n{bad}\n", 1).replace(
            "pdf = true\n", "" if bad.startswith("pdf") else "pdf = true\n"), encoding="utf-8")
        with pytest.raises(ConfigError):
            documents.settings(load_config(toml))


def test_the_templates_are_what_their_script_makes(tmp_path):
    """The package's .docx templates are regenerated by docs/templates/make_templates.py: same document body."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_templates", paths.ROOT / "docs" / "templates" / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = module.main(tmp_path)
    assert [p.name for p in made] == ["annex1_template.docx", "circular_template.docx"]
    for p in made:
        with zipfile.ZipFile(p) as new, zipfile.ZipFile(paths.PACKAGE_DIR / "data" / p.name) as shipped:
            assert new.read("word/document.xml") == shipped.read("word/document.xml"), p.name
