"""Personal data in outputs: masking phones, and a scanner for files that leave the department.

What is personal here: the operators' and account holders' phone numbers and
the staff ids of the staff roster. Outputs that are shared (rectification
lists sent to units, the dashboard, charts, data docs) show phones masked
(``138****0360``) and no staff ids; the department's own registry workbooks
keep them in full.

``scan_for_personal_data`` is the safety net: it reads every text-like file
(html, svg, json, css, js, csv, md, txt, ...), the text chunks of PNG
files and (when asked) the XML members of workbooks under the given paths and
reports each mainland mobile or landline number
(:func:`netmedia.transform.phones.find`), each 身份证-shaped number
(:func:`find_id_numbers`), each given staff id and each of the season's own
phone cells (:func:`find_known_phones`: malformed ones and landlines written
without their area code too, which no shape can tell from other numbers). JSON ``\\uXXXX``
escapes and HTML entities are decoded before matching, so
``"\\u7535\\u8bdd13800000360"`` is caught. :func:`scan_shareable` runs it on
every output of a reports folder that leaves the department
(:func:`shareable_outputs`).

What a phone is, how it is found in text and how it is masked is the one
parser's (:mod:`netmedia.transform.phones`), the same the ingest and the
phone rule use; this module adds the staff ids and the file walking.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from functools import cache, cached_property
from pathlib import Path

import pandas as pd

from netmedia.report.documents import FORMS_DIR
from netmedia.report.registry import PERSONAL_FILE, PLATFORMS_FILE
from netmedia.transform import phones
from netmedia.transform.phones import MASK

# A staff id as rosters write it: optional letter prefix, 5-12 digits (工号 20080123, T0571).
STAFF_ID_RE = re.compile(r"^[A-Za-z]{0,3}\d{4,12}$")

TEXT_SUFFIXES = frozenset({".html", ".htm", ".svg", ".json", ".css", ".js", ".csv", ".tsv", ".md", ".txt", ".xml"})
PNG_SUFFIXES = frozenset({".png"})
SCAN_SUFFIXES = TEXT_SUFFIXES | PNG_SUFFIXES

# A 身份证 number (GB 11643): 6-digit region code (province 11-82), birth date YYYYMMDD, 3-digit sequence and a
# check character (a digit or X). Not inside a longer number or word, nor a decimal's fraction.
_ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?<!\d\.)[1-8]\d{5}(?P<birth>(?:18|19|20)\d{6})\d{3}[\dXx](?![0-9A-Za-z])(?!\.\d)"
)
_OLDEST_BIRTH = dt.date(1900, 1, 1)

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_PHONE_SPLIT = re.compile(r"([/,，;；、|]+|\s{2,}|\s*(?:或|及|和)\s*)")


def _is_null(v: object) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def mask_phone(value: object) -> object:
    """Mask a phone cell for shared outputs.

    A phone :func:`netmedia.transform.phones.parse` reads (mobile or landline, valid or not: ``+86 138 0000
    0360``, ``0371-6912700``) shows as its :attr:`~netmedia.transform.phones.Phone.masked` form (``138****0360``,
    ``0371-****7000``). Null stays null (returned unchanged). Several numbers in one cell (``/``, ``,``, ``;``,
    ``、``, ``或``) are masked one by one; anything else with a digit keeps at most its last 4 characters, and its
    first 3 too when it is as long as a mobile (a typo ``196abcd8218`` -> ``196****8218``; a local landline
    without area code ``65790005`` -> ``****0005``; shorter ones ``****``); text without digits (``无``) is kept.
    """
    if _is_null(value):
        return value
    s = str(value).strip()
    if not s:
        return s
    p = phones.parse(s)
    if p is not None:
        return p.masked
    parts = _PHONE_SPLIT.split(s)
    if len(parts) > 1:  # several numbers in one cell: mask each, keep the separators
        return "".join(part if _PHONE_SPLIT.fullmatch(part) else str(mask_phone(part)) for part in parts if part)
    if not re.search(r"\d", s):
        return s  # 无, 同上, 暂无: nothing to hide
    if len(s) >= 11:  # a mobile's length with a typo (13800000x60, 196abcd8218): its ends, like a mobile mask
        return s[:3] + MASK + s[-4:]
    if len(s) >= 8:  # a local landline (65790005) or a short typo: never more than its last 4
        return MASK + s[-4:]
    return MASK


def mask_phones_in_text(text: object, extra: Iterable[object] = ()) -> object:
    """Mask the phones inside free text (:func:`netmedia.transform.phones.find`: mobiles and landlines with
    area code, however grouped) and the exact strings in ``extra`` (e.g. the row's phone as typed, which may be
    malformed). Other numbers (account ids, dates) are left alone. Null stays null."""
    if _is_null(text):
        return text
    s = str(text)
    raws = {str(x).strip() for x in extra if not _is_null(x)}
    for raw in sorted((r for r in raws if len(re.sub(r"\D", "", r)) >= 5), key=len, reverse=True):
        if raw in s:
            s = s.replace(raw, str(mask_phone(raw)))
    for f in reversed(phones.find(s)):
        s = s[: f.start] + f.phone.masked + s[f.end :]
    return s


# --- scanning ----------------------------------------------------------------------------------


def _decode_escapes(text: str) -> str:
    if "\\u" in text:
        text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if "&" in text:
        text = html.unescape(text)
    return text


def png_text(data: bytes) -> str:
    """The text of a PNG's tEXt/zTXt/iTXt chunks (keywords and values), one per line; '' if not a PNG."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ""
    out: list[str] = []
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        try:
            if ctype == b"tEXt":
                out.append(body.replace(b"\x00", b"\n").decode("latin-1"))
            elif ctype == b"zTXt":
                key, _, rest = body.partition(b"\x00")
                out.append(key.decode("latin-1") + "\n" + zlib.decompress(rest[1:]).decode("latin-1"))
            elif ctype == b"iTXt":
                key, _, rest = body.partition(b"\x00")
                compressed, _method = rest[0], rest[1]
                _lang, _, rest = rest[2:].partition(b"\x00")
                _tkey, _, text = rest.partition(b"\x00")
                if compressed:
                    text = zlib.decompress(text)
                out.append(key.decode("latin-1") + "\n" + text.decode("utf-8", "replace"))
            elif ctype == b"eXIf":
                out.append(body.decode("latin-1"))
        except (zlib.error, IndexError, UnicodeDecodeError):
            out.append(body.decode("latin-1"))
        if ctype == b"IEND":
            break
    return "\n".join(out)


def zip_text(data: bytes, max_member_bytes: int = 50_000_000) -> str:
    """The text of the XML/text members of a zip container (xlsx, docx, zip), for scanning; '' if unreadable."""
    out: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                suffix = Path(info.filename).suffix.lower()
                if info.file_size > max_member_bytes or suffix not in TEXT_SUFFIXES | {".rels", ".vml"}:
                    continue
                out.append(z.read(info).decode("utf-8", errors="replace"))
    except (zipfile.BadZipFile, OSError, RuntimeError):
        return ""
    return "\n".join(out)


def _staff_id_pattern(staff_ids: Iterable[str] | None) -> re.Pattern[str] | None:
    ids = sorted({str(s).strip() for s in (staff_ids if staff_ids is not None else ()) if not _is_null(s) and str(s).strip()}, key=len, reverse=True)
    if not ids:
        return None
    return re.compile(r"(?<![0-9A-Za-z])(?:" + "|".join(map(re.escape, ids)) + r")(?![0-9A-Za-z])")


def _plausible_birth(yyyymmdd: str) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:  # 19900230: no such day
        return False
    return _OLDEST_BIRTH <= born <= dt.date.today()


def find_id_numbers(text: str) -> list[str]:
    """The 身份证-shaped numbers in ``text``, in order: 18 characters, the last a digit or X, a province code
    and a birth date that exists and lies between 1900 and today.

    The check digit is not verified: a mistyped id number is still somebody's. The old 15-digit form
    (birth year in two digits) is not looked for: too many other 15-digit numbers (timestamps, ids) fit it.
    """
    return [m.group(0) for m in _ID_NUMBER.finditer(text) if _plausible_birth(m["birth"])]


def find_personal_data(text: str, staff_ids: Iterable[str] | None = None) -> list[str]:
    """Phones, 身份证 numbers and given staff ids found in ``text`` (after decoding JSON/HTML escapes)."""
    return _find(_decode_escapes(text), _staff_id_pattern(staff_ids))


def mask_id_number(number: str) -> str:
    """``41010519880412301X`` -> ``410105********301X``: the region kept, the birth date and sequence hidden."""
    return number[:6] + "*" * 8 + number[-4:]


class PersonalDataMasker:
    """Masks everything :func:`find_personal_data` would find in a text: phones as :func:`mask_phones_in_text`
    does (its ``extra`` too), 身份证 numbers as :func:`mask_id_number` and each of ``staff_ids`` as ``****``.

    For free text that leaves the department in any column (an operator written ``张三 13800000360`` or
    ``张三（工号20080123）``). The staff-id pattern is built once: a roster holds thousands of ids, and a
    rectification list masks every cell of several columns.
    """

    def __init__(self, staff_ids: Iterable[object] = ()) -> None:
        self._staff = _staff_id_pattern(str(x) for x in staff_ids if not _is_null(x))

    def __call__(self, text: object, extra: Iterable[object] = ()) -> object:
        """``text`` masked; null stays null."""
        s = mask_phones_in_text(text, extra)
        if _is_null(s):
            return s
        s = _ID_NUMBER.sub(lambda m: mask_id_number(m[0]) if _plausible_birth(m["birth"]) else m[0], str(s))
        return self._staff.sub(MASK, s) if self._staff is not None else s


def mask_personal_text(text: object, staff_ids: Iterable[object] = (), extra: Iterable[object] = ()) -> object:
    """``text`` with its phones, 身份证 numbers and given staff ids masked (:class:`PersonalDataMasker`, for
    one text; build the masker once for many)."""
    return PersonalDataMasker(staff_ids)(text, extra)


def _find(text: str, staff_pat: re.Pattern[str] | None, known: frozenset[str] = frozenset()) -> list[str]:
    hits = [f.raw for f in phones.find(text)]
    hits += find_id_numbers(text)
    if staff_pat is not None:
        hits += [m.group(0) for m in staff_pat.finditer(text)]
    if known:
        hits += find_known_phones(text, known)
    return hits


# --- the season's own phones, in any form ----------------------------------------------------------

#: The fewest digits a phone of the season is looked for with: shorter digit strings (a 6-digit follower count)
#: would match by chance; no mainland phone, even a malformed one a unit typed, is that short and still dialable.
KNOWN_PHONE_MIN_DIGITS = 7
# A run of digit groups joined by single spaces or dashes: how a number is typed or grouped in any output.
_DIGIT_GROUPS = re.compile(r"\d+(?:[ \-\u2010-\u2015]\d+)*")
_GROUP_SEP = re.compile(r"[ \-\u2010-\u2015]")


def known_phone_digits(values: Iterable[object]) -> frozenset[str]:
    """The digit strings the season's phone cells stand for, to look for in shared outputs.

    For each value (a clean table's ``operator_phone`` / ``phone``: canonical when the one parser read it, else
    as typed): its digits, and for a landline also its local number without the area code (``69127000`` of
    ``0371-69127000``: a landline written without its area code is still that phone). Malformed phones
    (``1380000036``, ``0371-6912700``) are included: the parser does not call them phones, but they are
    somebody's number all the same. Values with fewer than :data:`KNOWN_PHONE_MIN_DIGITS` digits are left out.
    """
    out: set[str] = set()
    for v in values:
        if _is_null(v):
            continue
        s = str(v)
        forms = [re.sub(r"\D", "", s)]
        p = phones.parse(s)
        if p is not None:
            forms.append(p.number)
        out.update(f for f in forms if len(f) >= KNOWN_PHONE_MIN_DIGITS)
    return frozenset(out)


def find_known_phones(text: str, known: frozenset[str]) -> list[str]:
    """Where ``text`` shows one of the ``known`` digit strings (:func:`known_phone_digits`) unmasked.

    A number may be typed in groups (``138 0000 0360``, ``0371-6912-7000``): each run of digit groups joined by
    single spaces or dashes is tried at every group boundary, so a known phone is found whether it stands alone
    or as whole groups of a longer run, but never inside a longer digit string (a coordinate, an id), where it
    would only match by chance.
    """
    hits: list[str] = []
    longest = max(map(len, known), default=0)
    for m in _DIGIT_GROUPS.finditer(text):
        groups = _GROUP_SEP.split(m.group(0))
        i = 0
        while i < len(groups):
            found, digits = None, ""
            for j in range(i, len(groups)):  # the longest known number starting at group i
                digits += groups[j]
                if len(digits) > longest:
                    break
                if digits in known:
                    found = (j, digits)
            if found is None:
                i += 1
            else:
                hits.append(found[1])
                i = found[0] + 1
    return hits


def _iter_files(paths_or_dir: str | Path | Iterable[str | Path], suffixes: frozenset[str]) -> list[Path]:
    items = [paths_or_dir] if isinstance(paths_or_dir, str | Path) else list(paths_or_dir)
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            files.extend(f for f in sorted(p.rglob("*")) if f.is_file() and f.suffix.lower() in suffixes)
        elif p.is_file():
            files.append(p)
    return files


@cache
def _vendored_code() -> tuple[str, ...]:
    """Third-party code the outputs inline verbatim: plotly.js (in the dashboard, 4.8 MB)."""
    from plotly.offline import get_plotlyjs

    return (get_plotlyjs(),)


def _without_vendored_code(text: str) -> str:
    """``text`` without the verbatim copies of :func:`_vendored_code`: its thousands of numbers are nobody's
    data, and a staff id of 5-8 digits would match one of them by chance (the bundle holds 16711680, ...)."""
    for code in _vendored_code():
        if len(text) >= len(code) and code in text:
            text = text.replace(code, "")
    return text


def scan_for_personal_data(
    paths_or_dir: str | Path | Iterable[str | Path],
    staff_ids: set[str] | None = None,
    *,
    suffixes: Iterable[str] = SCAN_SUFFIXES,
    known_phones: Iterable[object] = (),
) -> list[tuple[Path, str]]:
    """Every (file, match) where a mainland phone number, a 身份证 number, one of ``staff_ids`` or one of
    ``known_phones`` (the season's phone cells, malformed ones included: :func:`known_phone_digits`) appears.

    ``paths_or_dir``: a file, a directory (searched recursively for files whose suffix is in
    ``suffixes``), or a list of them; files named explicitly are scanned whatever their suffix
    (as text, or as PNG when they are one). Text files are read as UTF-8 (undecodable bytes
    replaced); PNGs contribute their tEXt/zTXt/iTXt/eXIf chunks, not their pixels; zip containers
    (pass ``suffixes`` with ``.xlsx`` to include workbooks) their XML members.
    """
    sfx = frozenset(s.lower() if s.startswith(".") else "." + s.lower() for s in suffixes)
    staff_pat = _staff_id_pattern(staff_ids)
    known = known_phone_digits(known_phones)
    found: list[tuple[Path, str]] = []
    for f in _iter_files(paths_or_dir, sfx):
        data = f.read_bytes()
        if data.startswith(b"\x89PNG"):
            text = png_text(data)
        elif data.startswith(b"PK\x03\x04"):
            text = zip_text(data)
        else:
            text = _without_vendored_code(data.decode("utf-8", errors="replace"))
        for hit in _find(_decode_escapes(text), staff_pat, known):
            found.append((f, hit))
    return found


# --- the shareable outputs of a reports folder --------------------------------------------------

# What stays in the department (full phones by design): the consolidated registry workbooks, the findings
# (the department's working list), the clean tables for people, the executed notebooks, and the Annex 1 forms
# (each unit's filing of its own platforms, operator's phone included; a unit gets only its own zip).
INTERNAL_FILES = frozenset({PLATFORMS_FILE, PERSONAL_FILE, "clean_tables.xlsx"})
INTERNAL_STEMS = frozenset({"findings"})
INTERNAL_DIRS = frozenset({"notebooks", FORMS_DIR})
# Data Docs' third-party assets (bootstrap, vega, fonts), copied unchanged: no data of ours, and thousands of
# numbers a short staff id could match by chance.
VENDORED_DIR = ("data_docs", "static")
# What a shareable output can hold text in; other files (fonts, GIFs, Parquet) hold none a reader sees.
SHAREABLE_SUFFIXES = SCAN_SUFFIXES | {".xlsx", ".docx"}


def shareable_outputs(reports_dir: str | Path) -> list[Path]:
    """Every file under ``reports_dir`` that may leave the department, sorted.

    That is everything but the internal outputs (:data:`INTERNAL_FILES`, ``findings.*`` and the
    ``notebooks/`` folder, at the top of the folder) and Data Docs' vendored assets (``data_docs/static/``):
    the dashboard, the charts' PNG and SVG, the Data Docs pages,
    the rectification lists and any output added later (the circular, Annex 1). Listing what is internal
    rather than what is shareable means a new output is scanned from its first run. Only files whose suffix
    can carry readable text are listed (:data:`SHAREABLE_SUFFIXES`).
    """
    root = Path(reports_dir)
    if not root.is_dir():
        return []
    out: list[Path] = []
    for f in sorted(root.rglob("*")):
        if not f.is_file() or f.suffix.lower() not in SHAREABLE_SUFFIXES:
            continue
        top = f.relative_to(root).parts
        if (len(top) > 1 and top[0] in INTERNAL_DIRS) or top[:2] == VENDORED_DIR:
            continue
        if len(top) == 1 and (f.name in INTERNAL_FILES or f.stem in INTERNAL_STEMS):
            continue
        out.append(f)
    return out


def scan_shareable(reports_dir: str | Path, staff_ids: Iterable[str] | None = None,
                   known_phones: Iterable[object] = ()) -> list[tuple[Path, str]]:
    """Every (file, match) of personal data in the shareable outputs of ``reports_dir``: empty when the
    masking held. ``staff_ids``: the staff roster's ids (the clean ``staff`` table's ``staff_id``);
    ``known_phones``: the season's phone cells (see :func:`season_personal_data`)."""
    ids = {str(s) for s in (staff_ids if staff_ids is not None else ()) if not _is_null(s)}
    return scan_for_personal_data(shareable_outputs(reports_dir), ids, known_phones=known_phones)


#: The clean tables' columns that hold phones (Annex 2 operators, Annex 3 holders).
PHONE_COLUMNS = {"platforms": "operator_phone", "personal_accounts": "phone"}


def season_personal_data(clean_dir: str | Path) -> tuple[list[str], list[str]]:
    """The staff ids and the phone cells of a season's clean tables (Parquet under ``clean_dir``; a missing
    table gives none): what :func:`check_shareable` looks for besides the shapes of phones and 身份证 numbers."""
    clean = Path(clean_dir)

    def column(table: str, col: str) -> list[str]:
        path = clean / f"{table}.parquet"
        if not path.exists():
            return []
        return [str(v) for v in pd.read_parquet(path, columns=[col])[col].dropna()]

    phone_cells = [v for table, col in PHONE_COLUMNS.items() for v in column(table, col)]
    return column("staff", "staff_id"), phone_cells


class PersonalDataLeak(RuntimeError):
    """A shareable output holds personal data: the run must not hand it out."""


def check_shareable(reports_dir: str | Path, staff_ids: Iterable[str] | None = None,
                    known_phones: Iterable[object] = ()) -> None:
    """Raise :class:`PersonalDataLeak` when :func:`scan_shareable` finds anything in ``reports_dir``.

    The message names each file and what was found there, itself masked (the message goes to a log).
    """
    known_phones = list(known_phones)
    hits = scan_shareable(reports_dir, staff_ids, known_phones)
    if not hits:
        return
    root = Path(reports_dir)
    raise _leak(f"{len(hits)} unmasked phone/身份证/staff-id values in shareable outputs under {root}",
                [(p.relative_to(root).as_posix(), hit) for p, hit in hits], staff_ids, known_phones)


def _leak(headline: str, hits: list[tuple[str, str]], staff_ids: Iterable[object] | None,
          known_phones: Iterable[object]) -> PersonalDataLeak:
    """The error to raise: ``headline``, then each (place, what was found) of the first 20, masked (the message
    goes to a log; a season phone in any form is masked through its known digits)."""
    masker = PersonalDataMasker(() if staff_ids is None else list(staff_ids))
    known = known_phone_digits(known_phones)
    lines = [f"  {where}: {masker(hit, extra=[k for k in known if k in hit])}" for where, hit in hits[:20]]
    more = [f"  ... and {len(hits) - 20} more"] if len(hits) > 20 else []
    return PersonalDataLeak(headline + ":\n" + "\n".join(lines + more))


# --- the outbox: each unit's mail carries its own people only ------------------------------------------------

#: The clean tables' columns that name people: the people whose data a unit filed (or the roster names for it).
PERSON_COLUMNS = {"platforms": ("supervisor", "operator"), "personal_accounts": ("holder_name",),
                  "groups": ("owner",), "units": ("party_head", "admin_head")}
_NAME_SPLIT = re.compile(r"[\s、，,;；/|（）()]+|(?:和|及|或)")


def _names_in(cell: object) -> set[str]:
    """The names a person cell holds (``张三、李四``, ``张三 13800000360`` -> 张三): its tokens that look like a
    person's name as the ingest tells one (:func:`netmedia.transform.detectors.looks_like_name`: 2-4 Han
    characters, not ending as a unit (``办公室``) or a leader's title (``党委书记``) does: every unit has those)."""
    from netmedia.transform.detectors import looks_like_name

    if _is_null(cell):
        return set()
    return {t for t in _NAME_SPLIT.split(str(cell)) if t and looks_like_name(t)}


class SeasonPeople:
    """The season's people by unit (the clean tables under ``clean_dir``): the names (:data:`PERSON_COLUMNS`) and
    phone digit strings (:data:`PHONE_COLUMNS`, :func:`known_phone_digits`) on each unit's rows and roster
    entry; rows without a unit belong to no unit. Also the staff ids and every phone cell, for the scan that
    :func:`check_shareable` makes.

    ``wording``: the department's own words to the units (``config/mail.toml``): a phone it writes there (its
    office's, in a signature) is nobody's personal data, unless it is a season phone cell too."""

    def __init__(self, clean_dir: str | Path, wording: str = "") -> None:
        clean = Path(clean_dir)
        self.names: dict[str, set[str]] = {}
        self.phones: dict[str, set[str]] = {}
        self.staff_ids, self.phone_cells = season_personal_data(clean)
        self.wording_phones = (known_phone_digits(f.raw for f in phones.find(wording))
                               - known_phone_digits(self.phone_cells))
        for table in {*PERSON_COLUMNS, *PHONE_COLUMNS}:
            path = clean / f"{table}.parquet"
            if not path.exists():
                continue
            df = pd.read_parquet(path)
            if "unit" not in df:
                continue
            units = df["unit"].astype("object").where(df["unit"].notna(), "")  # "": rows without a unit
            for col in PERSON_COLUMNS.get(table, ()):
                for unit, cell in zip(units, df[col], strict=True):
                    self.names.setdefault(str(unit), set()).update(_names_in(cell))
            if table in PHONE_COLUMNS:
                for unit, cell in zip(units, df[PHONE_COLUMNS[table]], strict=True):
                    self.phones.setdefault(str(unit), set()).update(known_phone_digits([cell]))

    @cached_property
    def name_pattern(self) -> re.Pattern[str] | None:
        """Every name of the season, the longest first: at each place of a text the longest name there is found
        (``唐华远`` is one name, not ``唐华`` of another unit followed by a character)."""
        names = sorted({n for ns in self.names.values() for n in ns}, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, names))) if names else None

    def units(self) -> set[str]:
        return {u for u in self.names.keys() | self.phones.keys() if u}

    def others(self, unit: str | None) -> tuple[frozenset[str], frozenset[str]]:
        """The names and phone digits of the other units' people (and of rows without a unit) that are not
        ``unit``'s too (a leader over two units, two people of one name). ``None``: everybody's."""
        own_names, own_phones = self.names.get(unit or "\0", set()), self.phones.get(unit or "\0", set())
        names = {n for u, ns in self.names.items() if u != unit for n in ns} - own_names
        phones_ = {p for u, ps in self.phones.items() if u != unit for p in ps} - own_phones
        return frozenset(names), frozenset(phones_)


def _mail_parts(data: bytes) -> list[tuple[str, bytes | str]]:
    """A saved mail's parts to scan, named for the message: ("subject", its subject), ("body", each text
    part), ("attachment <file name>", its bytes)."""
    import email
    import email.policy

    msg = email.message_from_bytes(data, policy=email.policy.default)
    parts: list[tuple[str, bytes | str]] = [("subject", str(msg.get("Subject", "")))]
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_filename() or part.get_content_disposition() == "attachment":
            parts.append((f"attachment {part.get_filename()}", part.get_payload(decode=True) or b""))
        elif part.get_content_maintype() == "text":
            parts.append(("body", part.get_content()))
    return parts


def _part_hits(where: str, content: bytes | str, unit: str | None, people: SeasonPeople,
               staff_pat: re.Pattern[str] | None) -> list[str]:
    """What one part of ``unit``'s mail must not carry: another unit's names or phones anywhere; phones,
    身份证 numbers and staff ids unmasked, as in every shared output. ``unit``'s own next-round template keeps
    its phones in full by design (the unit's filing sent back to it; every phone in it is a season phone cell
    of ``unit``, else another unit's, caught above): there only 身份证 numbers and staff ids are looked for."""
    from netmedia.extract.stamp import read_stamp

    own_template = False
    if isinstance(content, bytes):
        stamp = read_stamp(content) if content.startswith(b"PK\x03\x04") else None
        if stamp is not None and stamp.unit and stamp.unit != unit:
            return [f"{where}: a workbook for {stamp.unit}"]
        own_template = stamp is not None and stamp.kind == "template"
        text = zip_text(content) if content.startswith(b"PK\x03\x04") else content.decode("utf-8", "replace")
    else:
        text = content
    text = _decode_escapes(text)
    other_names, other_phones = people.others(unit)
    named = {m.group(0) for m in people.name_pattern.finditer(text)} if people.name_pattern else set()
    hits = [f"{where}: {name}（其他单位人员）" for name in sorted(named & other_names)]
    hits += [f"{where}: {p}（其他单位电话）" for p in find_known_phones(text, other_phones)]
    if own_template:  # its phones are the unit's own (above: no other's), and the hints' example number
        shown = find_id_numbers(text) + ([m.group(0) for m in staff_pat.finditer(text)] if staff_pat else [])
    else:
        shown = [h for h in _find(text, staff_pat, known_phone_digits(people.phone_cells))
                 if not known_phone_digits([h]) & people.wording_phones]
    return hits + [f"{where}: {hit}" for hit in shown]


def scan_outbox(outbox: str | Path, people: SeasonPeople) -> list[tuple[str, str]]:
    """Every (file, what) that must not leave in ``outbox`` (a folder, searched recursively; the file as a path
    relative to it): each mail draft ``<unit>.eml`` (``netmedia mail``) may carry, in its subject, body and
    attachments, only its unit's own people's data (the unit: the file name, as
    :func:`netmedia.report.rectification.safe_filename` makes it), masked as the shared outputs mask it, its own
    template apart (:func:`_part_hits`); each workbook (``netmedia templates``' ``<unit>.xlsx``) is checked as
    an attachment of the mail to the unit its stamp names. A draft or workbook that names no unit of the
    season may carry nobody's."""
    from netmedia.extract.stamp import read_stamp
    from netmedia.report.rectification import safe_filename

    root = Path(outbox)
    by_stem = {safe_filename(u): u for u in people.units()}
    staff_pat = _staff_id_pattern(people.staff_ids)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in {".eml", ".xlsx"}) \
        if root.is_dir() else []
    found: list[tuple[str, str]] = []
    for path in files:
        data = path.read_bytes()
        if path.suffix.lower() == ".eml":
            unit, parts = by_stem.get(path.stem), _mail_parts(data)
        else:
            stamp = read_stamp(data)
            unit, parts = (stamp.unit if stamp else None), [("workbook", data)]
        name = path.relative_to(root).as_posix()
        found += [(name, hit) for where, content in parts
                  for hit in _part_hits(where, content, unit, people, staff_pat)]
    return found


def check_outbox(outbox: str | Path, people: SeasonPeople) -> None:
    """Raise :class:`PersonalDataLeak` when :func:`scan_outbox` finds anything; the message names each file
    and what it holds, masked (it goes to a log)."""
    hits = scan_outbox(outbox, people)
    if not hits:
        return
    raise _leak(f"{len(hits)} values under {outbox} that the unit a file goes to must not receive",
                hits, people.staff_ids, people.phone_cells)
