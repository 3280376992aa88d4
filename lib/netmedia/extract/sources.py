"""Find every workbook a season's folder holds: plain files, zip members and saved-mail attachments.

Containers are opened in memory and never extracted, so a member called
``../../x.xlsx`` cannot write anywhere; its name is kept only as provenance.
Sizes are checked before anything is inflated.
"""

from __future__ import annotations

import datetime as dt
import email
import email.message
import email.policy
import email.utils
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from netmedia.config import Limits

WORKBOOK_EXT = (".xlsx", ".xlsm", ".xls", ".xlsb")
CONTAINER_EXT = (".zip", ".eml")
IGNORED_NAMES = {"readme.md", ".gitkeep", "truth.json", "thumbs.db", ".ds_store", "desktop.ini"}


@dataclass
class Source:
    """One workbook to read (or one file that could not be opened), with where it came from."""

    source_file: str  # relative POSIX path; zip member 'a.zip!b.xlsx'; mail attachment 'm.eml!b.xlsx'
    data: bytes | None = None
    received_at: dt.datetime | None = None  # the mail's Date header
    label: str = ""  # text the unit may be named in: the mail subject, else the container's file name
    error: str | None = None  # the file is unreadable / refused, with the reason
    skipped: str | None = None  # not a workbook (e.g. Annex 1 .docx): reported, not read


def candidate_files(root: Path, reference_dir: str = "reference") -> list[Path]:
    """Every file under ``root`` except the rosters folder, hidden files and README/.gitkeep, sorted."""
    out = []
    depth = len(root.parts)
    for p in sorted(root.rglob("*"), key=lambda p: p.parts):  # the paths' own order, their parts compared once
        rel = p.parts[depth:]  # the parts under root
        if rel[0] == reference_dir or any(part.startswith(".") for part in rel) or p.name.lower() in IGNORED_NAMES:
            continue
        if p.is_file():  # last: the one test that asks the file system
            out.append(p)
    return out


def _is_workbook_name(name: str) -> bool:
    return name.lower().endswith(WORKBOOK_EXT)


def _zip_members(data: bytes, source_file: str, label: str, received_at: dt.datetime | None, limits: Limits) -> Iterator[Source]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        yield Source(source_file, error=f"corrupt zip archive: {e}")
        return
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        yield Source(source_file, error=f"zip archive too large: would inflate to {total} bytes (limit {limits.max_uncompressed_bytes})")
        return
    found = False
    for info in infos:
        name = info.filename
        member = f"{source_file}!{name}"
        base = PurePosixPath(name.replace("\\", "/")).name
        if base.startswith(".") or name.startswith("__MACOSX/"):
            continue
        if not _is_workbook_name(base):
            if base.lower().endswith(".zip"):
                yield Source(member, error="nested zip archive not read")
            else:
                yield Source(member, skipped="not a workbook")
            continue
        found = True
        try:
            payload = zf.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as e:  # RuntimeError: encrypted zip
            yield Source(member, error=f"unreadable zip member: {e}")
            continue
        yield Source(member, payload, received_at, label)
    if not found and not infos:
        yield Source(source_file, error="empty zip archive")


def _wall_clock(date: object) -> dt.datetime | None:
    """A mail's Date header (None: none) as the sender's local wall-clock time, which the deadline means; None
    when it is no date or one out of range.

    ``email.utils.parsedate_to_datetime`` is what the modern policy's Date header object runs: called on the
    header as received it gives the same datetime without building that object. A header holding raw 8-bit
    bytes (a comment such as "(中国标准时间)") comes as a ``Header`` whose ``str`` shows them as U+FFFD: they are
    never part of a day, month, number or zone the parser reads.
    """
    if date is None:
        return None
    try:
        received = email.utils.parsedate_to_datetime(str(date))
    except (ValueError, OverflowError):  # not a date; a year or a zone offset too large for a datetime
        return None
    return received.replace(tzinfo=None)


def _mail_parts(data: bytes, source_file: str, limits: Limits) -> Iterator[Source]:
    try:
        # The MIME tree is split and the attachments found with the compat32 policy, three times faster than the
        # modern one (which parses every header of every part into a header object).
        msg = email.message_from_bytes(data, _class=email.message.EmailMessage, policy=email.policy.compat32)
        attachments = list(msg.iter_attachments())
    except Exception as e:  # the email package raises many types on garbage
        yield Source(source_file, error=f"unreadable mail: {e}")
        return
    received = _wall_clock(msg.get("Date"))  # compat32 gives the header as received
    # Headers are stored as received and read through the part's policy: the message and its attachments, whose
    # headers are read below, are given the modern policy, the one that decodes them (RFC 2047 subjects, RFC
    # 2231 and encoded-word file names, raw 8-bit UTF-8).
    for part in (msg, *attachments):
        part.policy = email.policy.default
    subject = str(msg.get("Subject", "") or "")
    label = subject or PurePosixPath(source_file).name
    found = False
    for part in attachments:
        name = part.get_filename() or ""
        base = PurePosixPath(name.replace("\\", "/")).name
        member = f"{source_file}!{name}"
        try:
            payload = part.get_payload(decode=True) or b""
        except Exception as e:
            yield Source(member, error=f"unreadable attachment: {e}")
            continue
        if len(payload) > limits.max_file_bytes:
            yield Source(member, error=f"attachment too large: {len(payload)} bytes")
            continue
        if _is_workbook_name(base):
            found = True
            yield Source(member, payload, received, label)
        elif base.lower().endswith(".zip"):
            found = True
            yield from _zip_members(payload, member, label, received, limits)
        else:
            yield Source(member, skipped="not a workbook")
    if not found:
        yield Source(source_file, received_at=received, label=label, skipped="mail without a workbook attachment")


def expand(path: Path, root: Path, limits: Limits) -> Iterator[Source]:
    """The workbooks inside one file under ``root`` (itself, its zip members or its mail attachments)."""
    rel = path.relative_to(root).as_posix()
    name = path.name.lower()
    try:
        size = path.stat().st_size
    except OSError as e:
        yield Source(rel, error=f"unreadable file: {e}")
        return
    if not name.endswith(WORKBOOK_EXT + CONTAINER_EXT):
        yield Source(rel, skipped="not a workbook")
        return
    if size > limits.max_file_bytes:
        yield Source(rel, error=f"file too large: {size} bytes (limit {limits.max_file_bytes})")
        return
    try:
        data = path.read_bytes()
    except OSError as e:
        yield Source(rel, error=f"unreadable file: {e}")
        return
    if name.endswith(".zip"):
        yield from _zip_members(data, rel, path.name, None, limits)
    elif name.endswith(".eml"):
        yield from _mail_parts(data, rel, limits)
    else:
        yield Source(rel, data, None, "")
