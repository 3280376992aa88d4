"""Mail drafts (``netmedia mail``): one RFC 5322 ``.eml`` per unit, and sending them when asked.

The analyst used to write about a hundred mails by hand: each unit's rectification list, its next-round
template, reminders to units that sent nothing or sent late. Here each unit gets one draft, ``<out>/<unit>.eml``,
that any mail client opens (``X-Unsent: 1`` makes Outlook open it as a draft), with the unit's mailbox from the
units roster's optional 邮箱 column (none: To left empty and the unit named in the subject), a UTF-8 subject
(RFC 2047) and attachments whose Chinese names are RFC 2231 encoded. The attachments are the files on disk,
byte for byte: ``reports/整改清单/<unit>.xlsx`` and ``<templates>/<unit>.xlsx`` when they exist.

Which draft a unit gets is decided from facts computed elsewhere: the unit's 报送状态 from
:func:`netmedia.season.submission_status` (lateness is R-deadline's fact in ``derive``, never recomputed here),
and which files exist. The wording (subjects, bodies, sentences, attachment names, From) is data in
``config/mail.toml``; the dates come from the institution TOML (round deadline, reply deadline).

Nothing is sent unless asked (:func:`send_drafts`), with the SMTP settings from environment variables
(:data:`SMTP_ENV`), so no password sits in a file of the project.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import os
import re
import smtplib
import ssl
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from netmedia import paths, schema
from netmedia.config import Config, ConfigError, read_toml
from netmedia.report.rectification import SUBDIR as RECTIFICATION_SUBDIR
from netmedia.report.rectification import reply_deadline_for, safe_filename
from netmedia.report.zh import zh_date

MAIL_TOML = "mail.toml"  # beside the institution TOML
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
#: The kinds chosen by what exists rather than by the unit's 报送状态, in the order they are tried.
FILE_KINDS = ("rectification", "template")
PLACEHOLDERS = frozenset({
    "unit", "school", "department", "round", "year", "deadline", "reply_deadline", "status", "received_at",
    "findings", "violations", "warnings", "findings_sentence", "template_sentence", "attachments",
})

#: Environment variables of ``--send`` (name -> what it holds). Only the host is required.
SMTP_ENV = {
    "NETMEDIA_SMTP_HOST": "SMTP server host name (required with --send)",
    "NETMEDIA_SMTP_PORT": "port (default 465 with SSL, 587 with STARTTLS, else 25)",
    "NETMEDIA_SMTP_USER": "login user (no login when unset)",
    "NETMEDIA_SMTP_PASSWORD": "login password",
    "NETMEDIA_SMTP_STARTTLS": "1 (default) upgrades the connection with STARTTLS; 0 sends in clear (a local relay)",
    "NETMEDIA_SMTP_SSL": "1 connects with implicit TLS (SMTPS, port 465); default 0",
    "NETMEDIA_SMTP_TIMEOUT": "seconds to wait for the server (default 30)",
}


class MailError(Exception):
    """A usage or input error of ``netmedia mail`` (exit code 2): missing folder, no SMTP host, …"""


# ------------------------------------------------------------------ wording
@dataclass(frozen=True)
class Kind:
    """One kind of draft: its Chinese label, the 报送状态 values that call for it (reminders), its wording."""

    name: str
    label: str
    subject: str
    body: str
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Wording:
    """``config/mail.toml``: sender, attachment names, optional sentences and the kinds of drafts."""

    sender: str
    reply_to: str
    no_mailbox_prefix: str
    attachment_names: dict[str, str]
    sentences: dict[str, str]
    kinds: dict[str, Kind]

    def status_kind(self, status: str) -> Kind | None:
        """The reminder kind whose ``statuses`` hold ``status`` (None: not a reminder)."""
        return next((k for k in self.kinds.values() if status in k.statuses), None)


def mail_toml_for(config: Config) -> Path:
    """``mail.toml`` in the folder of the institution TOML (the project's ``config/`` without one)."""
    return (Path(config.path).parent if config.path else paths.CONFIG_DIR) / MAIL_TOML


def _check_placeholders(text: str, where: str, path: Path) -> str:
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as e:
        raise ConfigError(f"mail wording {path}: {where}: {e}") from e
    unknown = sorted(names - PLACEHOLDERS)
    if unknown:
        raise ConfigError(f"mail wording {path}: {where}: unknown placeholder {{{unknown[0]}}}; "
                          f"one of: {', '.join(sorted(PLACEHOLDERS))}")
    return text


def load_wording(path: Path) -> Wording:
    """Read and check the wording file; ConfigError names the file and the key when it is missing, malformed,
    lacks a kind's subject or body, or uses an unknown placeholder (a typo would otherwise reach a hundred units)."""
    raw = read_toml(path, "mail wording")

    def text(section: dict, key: str, where: str, required: bool = True) -> str:
        v = section.get(key, "")
        if not isinstance(v, str) or (required and not v.strip()):
            raise ConfigError(f"mail wording {path}: {where}.{key}: missing or not a text")
        return _check_placeholders(v, f"{where}.{key}", path)

    sender = raw.get("sender", {})
    kinds = {}
    for name, k in raw.get("kinds", {}).items():
        statuses = k.get("statuses", [])
        if not isinstance(statuses, list) or not all(isinstance(s, str) for s in statuses):
            raise ConfigError(f"mail wording {path}: kinds.{name}.statuses: not a list of texts")
        known = [word for _, word in schema.choice_words("submission_status_words")]
        unknown = [s for s in statuses if s not in known]  # a typo would never match a unit: no reminder at all
        if unknown:
            raise ConfigError(f"mail wording {path}: kinds.{name}.statuses: unknown 报送状态 {unknown[0]}; "
                              f"one of: {', '.join(known)}")
        kinds[name] = Kind(name, text(k, "label", f"kinds.{name}"), text(k, "subject", f"kinds.{name}"),
                           text(k, "body", f"kinds.{name}"), tuple(statuses))
    for name in FILE_KINDS:
        if name not in kinds:
            raise ConfigError(f"mail wording {path}: kinds.{name}: missing")
    attachments = raw.get("attachments", {})
    sentences = raw.get("sentences", {})
    return Wording(
        sender=text(sender, "from", "sender"),
        reply_to=text(sender, "reply_to", "sender", required=False),
        no_mailbox_prefix=text(sender, "no_mailbox_prefix", "sender", required=False),
        attachment_names={k: text(attachments, k, "attachments") for k in FILE_KINDS},
        sentences={k: text(sentences, k, "sentences", required=False) for k in ("findings", "template")},
        kinds=kinds,
    )


# ------------------------------------------------------------------ drafts
@dataclass(frozen=True)
class Draft:
    """One unit's draft as written: where, to whom (blank: no mailbox), which kind, what it attaches."""

    unit: str
    kind: str
    to: str
    path: Path
    attachments: tuple[Path, ...]


@dataclass
class MailResult:
    """What ``netmedia mail`` did, for the summary a person reads."""

    out: Path
    drafts: list[Draft]
    no_draft: list[str]  # units with nothing to send (no list, no template, no reminder)
    unmatched_lists: list[str]  # rectification lists naming no unit of the roster (e.g. 未识别单位)
    sent: list[str] = field(default_factory=list)
    not_sent: dict[str, str] = field(default_factory=dict)  # unit -> why (SMTP refusal, connection)
    send_asked: bool = False
    blocked: str = ""  # why the privacy gate stopped the drafts (season.check_outbox): nothing may be sent

    @property
    def without_mailbox(self) -> list[str]:
        return [d.unit for d in self.drafts if not d.to]

    @property
    def ok(self) -> bool:
        """False when the privacy gate stopped the drafts, or --send was asked and a draft with a mailbox was not
        delivered."""
        return not self.not_sent and not self.blocked

    def summary(self) -> str:
        by_kind = pd.Series([d.kind for d in self.drafts], dtype="str").value_counts()
        lines = [f"netmedia mail: 邮件草稿 drafts written: {len(self.drafts)} in {self.out}"]
        lines += [f"    {n:4d}  {kind}" for kind, n in by_kind.items()]
        if self.without_mailbox:
            lines.append(f"  无邮箱（收件人待填） without mailbox: {len(self.without_mailbox)}: "
                         + "、".join(self.without_mailbox))
        if self.no_draft:
            lines.append(f"  无需发送 nothing to send: {len(self.no_draft)} units")
        if self.unmatched_lists:
            lines.append(f"  整改清单未对应单位 lists naming no unit (not mailed): {'、'.join(self.unmatched_lists)}")
        if self.blocked:
            lines.append(f"  隐私检查未通过，请勿发送 DO NOT SEND, nothing sent: {self.blocked}")
        elif self.send_asked:
            lines.append(f"  已发送 sent: {len(self.sent)}; 未发送（无邮箱） skipped without mailbox: "
                         f"{len(self.without_mailbox)}")
            lines += [f"  发送失败 NOT SENT: {unit}: {why}" for unit, why in self.not_sent.items()]
        else:
            lines.append("  未发送 nothing sent (drafts only; --send sends them)")
        return "\n".join(lines)


_ADDRESS_SPLIT = re.compile(r"[;；,，、\s]+")


def mailbox(cell: object) -> str:
    """The To of a roster 邮箱 cell: its addresses (separated by ; , 、 or spaces) joined by ", "; blank when
    the cell is empty or holds no address (text without an @ is not a mailbox)."""
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return ""
    found = []
    for part in _ADDRESS_SPLIT.split(str(cell)):
        _, addr = email.utils.parseaddr(part)
        if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", addr):
            found.append(addr)
    return ", ".join(found)


def _finding_counts(reports: Path) -> pd.DataFrame:
    """Per unit: findings, violations, warnings (from ``reports/findings.parquet``; none when it is missing)."""
    p = reports / "findings.parquet"
    cols = ["findings", "violations", "warnings"]
    if not p.exists():
        return pd.DataFrame(columns=cols)
    f = pd.read_parquet(p, columns=["unit", "severity"])
    t = pd.crosstab(f["unit"], f["severity"])
    return pd.DataFrame({"findings": t.sum(axis=1), "violations": t.get("violation", 0),
                         "warnings": t.get("warning", 0)}, index=t.index)


def _compose(kind: Kind, wording: Wording, values: dict[str, str], to: str,
             attachments: list[tuple[Path, str]]) -> EmailMessage:
    msg = EmailMessage(policy=email.policy.SMTP)
    subject = kind.subject.format_map(values)
    if not to:
        subject = wording.no_mailbox_prefix.format_map(values) + subject
    msg["From"] = wording.sender
    if to:
        msg["To"] = to
    if wording.reply_to:
        msg["Reply-To"] = wording.reply_to
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(dt.datetime.now().astimezone())
    msg["Message-ID"] = email.utils.make_msgid(domain=email.utils.parseaddr(wording.sender)[1].partition("@")[2]
                                               or None)
    msg["X-Unsent"] = "1"  # opened as a draft by mail clients that know it
    body = re.sub(r"\n{3,}", "\n\n", kind.body.format_map(values)).strip() + "\n"
    msg.set_content(body, cte="base64")  # 8bit text needs 8BITMIME on every relay; base64 passes everywhere
    for path, name in attachments:
        msg.add_attachment(path.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=name)
    return msg


def write_drafts(status: pd.DataFrame, units: pd.DataFrame, reports: Path, templates: Path, out: Path,
                 config: Config, wording: Wording) -> MailResult:
    """One ``<out>/<unit>.eml`` per unit that has something to receive; earlier ``*.eml`` in ``out`` removed
    first (a unit with nothing left gets no stale draft).

    ``status``: :func:`netmedia.season.submission_status` (单位, 报送状态, 报送时间); ``units``: the clean
    units roster (``unit`` and, when the roster had it, ``email``). A unit's draft kind: the reminder kind whose
    ``statuses`` hold its 报送状态, else ``rectification`` when ``reports/整改清单/<unit>.xlsx`` exists, else
    ``template`` when ``<templates>/<unit>.xlsx`` exists; it attaches whichever of the two files exist."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.eml"):
        old.unlink()
    lists_dir = reports / RECTIFICATION_SUBDIR
    mailboxes = {}
    if "email" in units.columns:
        mailboxes = {str(u): mailbox(e) for u, e in zip(units["unit"], units["email"], strict=True)}
    counts = _finding_counts(reports)
    inst, rnd = config.institution, config.round
    common = {"school": inst.name_zh, "department": inst.department, "round": rnd.name, "year": str(rnd.year),
              "deadline": zh_date(rnd.deadline), "reply_deadline": zh_date(reply_deadline_for(config))}
    drafts, no_draft, stems = [], [], set()
    for unit, state, received in zip(status["单位"].astype(str), status["报送状态"].astype(str), status["报送时间"],
                                     strict=True):
        stem = safe_filename(unit)
        stems.add(stem)
        files = {"rectification": lists_dir / f"{stem}.xlsx", "template": templates / f"{stem}.xlsx"}
        files = {k: p for k, p in files.items() if p.is_file()}
        kind = wording.status_kind(state) or next((wording.kinds[k] for k in FILE_KINDS if k in files), None)
        if kind is None:
            no_draft.append(unit)
            continue
        n = counts.loc[unit] if unit in counts.index else {"findings": 0, "violations": 0, "warnings": 0}
        values = {**common, "unit": unit, "status": state, "received_at": zh_date(received),
                  **{k: str(int(n[k])) for k in ("findings", "violations", "warnings")},
                  "attachments": "", "findings_sentence": "", "template_sentence": ""}  # filled below
        names = {k: wording.attachment_names[k].format_map(values) for k in files}
        values["attachments"] = "\n".join(names.values())
        values["findings_sentence"] = (wording.sentences["findings"].format_map(values)
                                       if "rectification" in files else "")
        values["template_sentence"] = (wording.sentences["template"].format_map(values)
                                       if "template" in files else "")
        to = mailboxes.get(unit, "")
        msg = _compose(kind, wording, values, to, [(files[k], names[k]) for k in files])
        path = out / f"{stem}.eml"
        path.write_bytes(msg.as_bytes())
        drafts.append(Draft(unit, kind.label, to, path, tuple(files.values())))
    unmatched = sorted(p.stem for p in lists_dir.glob("*.xlsx") if p.stem not in stems) if lists_dir.is_dir() else []
    return MailResult(out, drafts, no_draft, unmatched)


# ------------------------------------------------------------------ sending
@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    starttls: bool
    ssl: bool
    timeout: float


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    v = env.get(name, "").strip().lower()
    if not v:
        return default
    if v in {"1", "true", "yes", "on"}:
        return True
    if v in {"0", "false", "no", "off"}:
        return False
    raise MailError(f"{name}={v!r}: not 1/0")


def smtp_settings(env: Mapping[str, str] | None = None) -> SmtpSettings:
    """The SMTP settings from the environment (:data:`SMTP_ENV`); MailError without a host or with a bad value."""
    env = os.environ if env is None else env
    host = env.get("NETMEDIA_SMTP_HOST", "").strip()
    if not host:
        raise MailError("--send needs NETMEDIA_SMTP_HOST (and NETMEDIA_SMTP_PORT, _USER, _PASSWORD, _STARTTLS "
                        "as needed); nothing was sent")
    use_ssl = _flag(env, "NETMEDIA_SMTP_SSL", False)
    starttls = _flag(env, "NETMEDIA_SMTP_STARTTLS", not use_ssl)
    try:
        port = int(env.get("NETMEDIA_SMTP_PORT", "") or (465 if use_ssl else 587 if starttls else 25))
        timeout = float(env.get("NETMEDIA_SMTP_TIMEOUT", "") or 30)
    except ValueError as e:
        raise MailError(f"NETMEDIA_SMTP_PORT/_TIMEOUT: not a number: {e}") from e
    return SmtpSettings(host, port, env.get("NETMEDIA_SMTP_USER", ""), env.get("NETMEDIA_SMTP_PASSWORD", ""),
                        starttls and not use_ssl, use_ssl, timeout)


def send_drafts(result: MailResult, settings: SmtpSettings) -> MailResult:
    """Send every draft with a To, as written on disk (the analyst may have edited it), over one SMTP session.

    Drafts without a To are not sent (:attr:`MailResult.without_mailbox`). A message the server refuses is
    recorded in ``not_sent`` and the others go on; when the connection or the login fails, every draft not
    yet sent is recorded with the reason."""
    result.send_asked = True
    todo = [d for d in result.drafts if d.to]
    if not todo:
        return result
    messages = []
    for d in todo:
        msg = email.message_from_bytes(d.path.read_bytes(), policy=email.policy.SMTP)
        del msg["X-Unsent"]
        messages.append((d.unit, msg))
    context = ssl.create_default_context()
    try:
        if settings.ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.starttls:
                smtp.starttls(context=context)
            if settings.user:
                smtp.login(settings.user, settings.password)
            for unit, msg in messages:
                try:
                    smtp.send_message(msg)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as e:
                    result.not_sent[unit] = str(e)
                    continue
                result.sent.append(unit)
    except (smtplib.SMTPException, OSError) as e:  # connection, TLS or login: nothing more can be sent
        for unit, _ in messages:
            if unit not in result.sent and unit not in result.not_sent:
                result.not_sent[unit] = f"{type(e).__name__}: {e}"
    return result
