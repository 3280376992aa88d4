"""Annex 1 (网络媒体平台备案表): one registration form per scope 1-2 platform, filled from the clean registry.

The notice asks every unit and student-organisation platform (the Annex 2 rows, the clean ``platforms`` table)
for a signed and stamped form. Units used to type these again from their Annex 2 rows; here each form is the
package's .docx template (or a school's own, ``[documents] annex1_template``) filled with docxtpl from the row:
every field the registry holds, the signature, stamp and date lines left blank for the unit.

Output: ``<out>/附件1/<单位>/<平台名称>.docx`` (names safe on Windows, made unique within the unit) and, by
:func:`zip_units`, ``<out>/附件1/<单位>.zip`` with the unit's forms (and their PDFs when written) to send.

**Phones are kept**: the form is the unit's filing of its own platform and the department's archive needs the
operator's number, as the registry workbooks do. The ``附件1/`` folder is therefore one of the department's
internal outputs, not scanned as shareable (:data:`netmedia.report.privacy.INTERNAL_DIRS`); each unit receives only
its own zip.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from docxtpl import DocxTemplate

from netmedia import schema
from netmedia.config import Config
from netmedia.report.documents import FORMS_DIR
from netmedia.report.rectification import UNKNOWN_UNIT, safe_filename
from netmedia.report.registry import OWNER_KIND_ZH, STATUS_ZH, class_sheet_name, platform_class_of


def _text(v: object) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    return str(v).strip()


def _day(v: object) -> str:
    return "" if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")


def _number(v: object) -> str:
    return "" if v is None or pd.isna(v) else str(int(v))


def _coded(mapping: dict[str, str]) -> Callable[[object], str]:
    return lambda v: mapping.get(_text(v), _text(v))


def _category(v: object) -> str:
    return schema.category_zh(_text(v)) if _text(v) else ""


#: The form's tags that show the ``platforms`` column of the same name as text.
TEXT_FIELDS = ("unit", "platform_name", "account_id", "url", "supervisor", "supervisor_title", "operator",
               "operator_phone", "remarks", "record_id")
#: The form's tags filled from a ``platforms`` row: tag -> (column, how the value is shown).
FIELDS: dict[str, tuple[str, Callable[[object], str]]] = {
    **{tag: (tag, _text) for tag in TEXT_FIELDS},
    "owner_kind": ("owner_kind", _coded(OWNER_KIND_ZH)),
    "platform_type": ("platform_type_raw", _text),
    "category": ("category", _category),
    "opened_on": ("opened_on", _day),
    "last_updated_on": ("last_updated_on", _day),
    "followers": ("followers", _number),
    "status": ("status", _coded(STATUS_ZH)),
}


def form_context(row: pd.Series, platform_class: object, config: Config) -> dict[str, str]:
    """The tags of one platform's form: the school, year and department, each field of :data:`FIELDS` (blank
    when the row has no such column or no value) and ``platform_class`` (``3-新媒体平台``)."""
    ctx = {tag: show(row[col]) if col in row.index else "" for tag, (col, show) in FIELDS.items()}
    ctx["platform_class"] = "" if pd.isna(platform_class) else class_sheet_name(int(platform_class))
    ins = config.institution
    return {**ctx, "school": ins.name_zh, "department": ins.department, "year": str(config.round.year)}


def _unique(stem: str, taken: set[str]) -> str:
    name, n = stem, 1
    while name.casefold() in taken:
        n += 1
        name = f"{stem}-{n}"
    taken.add(name.casefold())
    return name


def write_forms(platforms: pd.DataFrame, out: Path, config: Config, template: Path) -> list[Path]:
    """One filled form per row of ``platforms`` under ``out/附件1/<单位>/``, in registry order (unit, then the
    row's source); the units' zips are written by :func:`zip_units` once every file of the folder is there."""
    root = Path(out) / FORMS_DIR
    root.mkdir(parents=True, exist_ok=True)
    body = Path(template).read_bytes()
    classes = platform_class_of(platforms)
    taken: dict[str, set[str]] = {}
    forms = []
    for i, row in platforms.iterrows():
        unit = safe_filename(row.get("unit"), UNKNOWN_UNIT)
        folder = root / unit
        folder.mkdir(exist_ok=True)
        stem = _unique(safe_filename(row.get("platform_name"), "未命名平台", max_len=60), taken.setdefault(unit, set()))
        doc = DocxTemplate(io.BytesIO(body))
        doc.render(form_context(row, classes[i], config), autoescape=True)
        path = folder / f"{stem}.docx"
        doc.save(path)
        forms.append(path)
    return forms


def zip_units(out: Path) -> list[Path]:
    """``out/附件1/<单位>.zip`` for each unit folder: its files (forms, PDFs), names in UTF-8."""
    root = Path(out) / FORMS_DIR
    zips = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        path = root / f"{folder.name}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(folder.iterdir()):
                z.write(f, f"{folder.name}/{f.name}")
        zips.append(path)
    return zips
