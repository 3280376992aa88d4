"""``netmedia mail``: one .eml draft per unit, parsed back with the ``email`` package; --send to a local server.

The season here is written by hand: six roster units, their submissions (on time, late, on the deadline day,
time unknown, none), two rectification lists and one that names no unit, three next-round templates, findings
counts. The expected drafts, recipients, reminders and dates are listed by hand below, from that table; the
wording comes from a mail.toml written by the test, so the subjects and bodies are known texts.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from pathlib import Path

import pandas as pd
import pytest
from aiosmtpd.controller import Controller

from netmedia import cli, paths
from netmedia.report import mail
from netmedia.report.zh import zh_date

DEADLINE_DAY = "2023-04-25"  # [round] deadline of the institution TOML the tests copy

# unit -> (mailbox cell, received_at or None, annexes sent, has a rectification list, has a template)
UNITS = {
    "机械学院": ("jx@example.com；jx-office@example.com", "2023-04-20 09:00", ("2", "3"), True, True),
    "外国语学院": ("wy@example.com", "2023-04-28 10:00", ("2",), True, False),  # late
    "图书馆": (None, None, (), False, False),  # sent nothing, no mailbox
    "校团委": ("tw@example.com", "2023-04-25 18:30", ("2",), False, True),  # on the deadline day: on time
    "档案馆": ("da@example.com", "", ("2",), False, False),  # time unknown, nothing to send
    "体育学院": ("ty@example.com", None, (), False, True),  # sent nothing
}
# What the drafts must be, by hand: unit -> (subject, To addresses, attachment names)
EXPECTED = {
    "机械学院": ("整改：机械学院", ["jx@example.com", "jx-office@example.com"],
             ["整改清单-机械学院.xlsx", "机械学院下一轮备案表.xlsx"]),
    "外国语学院": ("逾期：外国语学院", ["wy@example.com"], ["整改清单-外国语学院.xlsx"]),
    "图书馆": ("【待填】催报：图书馆", [], []),
    "校团委": ("模板：校团委", ["tw@example.com"], ["校团委下一轮备案表.xlsx"]),
    "体育学院": ("催报：体育学院", ["ty@example.com"], ["体育学院下一轮备案表.xlsx"]),
}
REMINDED = {"外国语学院", "图书馆", "体育学院"}  # no submission or a late one
# findings per unit: (violations, warnings)
FINDINGS = {"机械学院": (2, 1), "外国语学院": (0, 1)}

WORDING = """
[sender]
from = "宣传部 <xcb@example.com>"
no_mailbox_prefix = "【待填】"

[attachments]
rectification = "整改清单-{unit}.xlsx"
template = "{unit}下一轮备案表.xlsx"

[sentences]
findings = "问题{findings}项，必须整改{violations}项，请核实{warnings}项，{reply_deadline}前回复。"
template = "附备案表。"

[kinds.reminder]
label = "催报"
statuses = ["未报送"]
subject = "催报：{unit}"
body = "{unit}：截止{deadline}，未收到。{template_sentence}"

[kinds.late]
label = "逾期"
statuses = ["逾期报送"]
subject = "逾期：{unit}"
body = "{unit}：{received_at}收到，晚于{deadline}。{findings_sentence}"

[kinds.rectification]
label = "整改"
subject = "整改：{unit}"
body = "{unit}：{findings_sentence}{template_sentence}"

[kinds.template]
label = "模板"
subject = "模板：{unit}"
body = "{unit}：{template_sentence}"
"""


def _file_bytes(unit: str, what: str) -> bytes:
    """Distinct binary content per file (every byte value, so an encoding slip shows)."""
    return f"{what}:{unit}:".encode() + bytes(range(256)) * 3


@pytest.fixture
def season(tmp_path: Path) -> dict[str, Path]:
    cfg_dir = tmp_path / "config"
    cfg_dir.mkdir()
    institution = paths.INSTITUTION_TOML.read_text(encoding="utf-8")
    assert f"deadline = {DEADLINE_DAY}" in institution and "reply_days = 15" in institution
    (cfg_dir / "institution.toml").write_text(institution.replace("reply_days = 15", "reply_days = 10"),
                                              encoding="utf-8")
    (cfg_dir / "mail.toml").write_text(WORDING, encoding="utf-8")

    clean, reports, templates = tmp_path / "clean", tmp_path / "reports", tmp_path / "templates"
    for d in (clean, reports / "整改清单", templates):
        d.mkdir(parents=True)
    pd.DataFrame({"unit": list(UNITS), "aliases": None, "kind": "学院", "party_head": None, "admin_head": None,
                  "email": [v[0] for v in UNITS.values()]}).to_parquet(clean / "units.parquet")
    subs = [{"source_file": f"{u}.xlsx", "source_sheet": f"附件{a}", "unit": u, "annex": a,
             "received_at": pd.Timestamp(at) if at else pd.NaT, "rows_read": 3, "rows_clean": 3, "rows_rejected": 0,
             "status": "ok", "message": None}
            for u, (_, at, annexes, _, _) in UNITS.items() if at is not None for a in annexes]
    pd.DataFrame(subs).to_parquet(clean / "submissions.parquet")
    for unit, (_, _, _, has_list, has_template) in UNITS.items():
        if has_list:
            (reports / "整改清单" / f"{unit}.xlsx").write_bytes(_file_bytes(unit, "list"))
        if has_template:
            (templates / f"{unit}.xlsx").write_bytes(_file_bytes(unit, "template"))
    (reports / "整改清单" / "未识别单位.xlsx").write_bytes(b"no unit")
    rows = [{"unit": u, "severity": sev} for u, (v, w) in FINDINGS.items()
            for sev in ["violation"] * v + ["warning"] * w]
    pd.DataFrame(rows).to_parquet(reports / "findings.parquet")
    return {"config": cfg_dir / "institution.toml", "clean": clean, "reports": reports, "templates": templates,
            "out": tmp_path / "outbox" / "mail", "tmp": tmp_path}


def _run(s: dict[str, Path], *extra: str) -> int:
    return cli.main(["--config", str(s["config"]), "mail", str(s["reports"]), "--out", str(s["out"]),
                     "--clean", str(s["clean"]), "--templates", str(s["templates"]), *extra])


def _drafts(out: Path) -> dict[str, email.message.EmailMessage]:
    return {p.stem: email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(out.glob("*.eml"))}


def _attachments(msg: email.message.EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in msg.iter_attachments()}


def _to(msg: email.message.EmailMessage) -> list[str]:
    return [a.addr_spec for a in msg["To"].addresses] if msg["To"] is not None else []


def test_one_draft_per_unit_with_its_mailbox_subject_and_attachments(season):
    assert _run(season) == 0
    drafts = _drafts(season["out"])
    assert set(drafts) == set(EXPECTED)  # 档案馆 has nothing to receive; 未识别单位 is no unit
    for unit, (subject, to, names) in EXPECTED.items():
        msg = drafts[unit]
        assert msg["Subject"] == subject
        assert _to(msg) == to
        assert msg["From"].addresses[0].addr_spec == "xcb@example.com"
        assert msg["From"].addresses[0].display_name == "宣传部"
        assert sorted(_attachments(msg)) == sorted(names)


def test_raw_headers_are_encoded_ascii(season):
    """RFC 5322 on the wire: no raw UTF-8 in the headers; subject RFC 2047, attachment names RFC 2231."""
    assert _run(season) == 0
    raw = (season["out"] / "机械学院.eml").read_bytes()
    raw.decode("ascii")  # headers encoded, body and attachments base64
    assert b"\r\nSubject: =?utf-8?" in raw
    assert raw.count(b"filename*0*=utf-8''") == 2


def test_each_attachment_is_its_file_byte_for_byte(season):
    assert _run(season) == 0
    drafts = _drafts(season["out"])
    on_disk = {f"整改清单-{u}.xlsx": season["reports"] / "整改清单" / f"{u}.xlsx" for u in UNITS}
    on_disk |= {f"{u}下一轮备案表.xlsx": season["templates"] / f"{u}.xlsx" for u in UNITS}
    seen = 0
    for msg in drafts.values():
        for name, data in _attachments(msg).items():
            assert data == on_disk[name].read_bytes(), name
            seen += 1
    assert seen == sum(len(names) for _, _, names in EXPECTED.values())


def test_reminders_go_exactly_to_units_with_no_or_late_submission(season):
    assert _run(season) == 0
    kinds = {unit: msg["Subject"].removeprefix("【待填】").split("：")[0] for unit, msg in _drafts(season["out"]).items()}
    assert {u for u, k in kinds.items() if k in {"催报", "逾期"}} == REMINDED
    assert kinds["外国语学院"] == "逾期"
    assert kinds["图书馆"] == kinds["体育学院"] == "催报"


def test_bodies_carry_counts_and_dates_from_config(season):
    """Deadline 2023-04-25 + reply_days 10 (the copied TOML) = 2023年5月5日; counts from findings.parquet."""
    assert _run(season) == 0
    drafts = _drafts(season["out"])
    body = drafts["机械学院"].get_body().get_content()
    assert body.strip() == "机械学院：问题3项，必须整改2项，请核实1项，2023年5月5日前回复。附备案表。"
    body = drafts["外国语学院"].get_body().get_content()
    assert body.strip() == "外国语学院：2023年4月28日收到，晚于2023年4月25日。问题1项，必须整改0项，请核实1项，2023年5月5日前回复。"
    assert drafts["图书馆"].get_body().get_content().strip() == "图书馆：截止2023年4月25日，未收到。"


def test_roster_without_mailbox_column_still_drafts_with_empty_to(season):
    units = pd.read_parquet(season["clean"] / "units.parquet").drop(columns="email")
    units.to_parquet(season["clean"] / "units.parquet")
    assert _run(season) == 0
    drafts = _drafts(season["out"])
    assert set(drafts) == set(EXPECTED)
    for unit, msg in drafts.items():
        assert msg["To"] is None
        assert msg["Subject"].startswith("【待填】") and unit in msg["Subject"]


def test_stale_drafts_are_removed(season):
    season["out"].mkdir(parents=True)
    (season["out"] / "旧单位.eml").write_bytes(b"Subject: old\r\n\r\n")
    assert _run(season) == 0
    assert "旧单位" not in _drafts(season["out"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.received.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


def _smtp_env(monkeypatch, port: int) -> None:
    monkeypatch.setenv("NETMEDIA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("NETMEDIA_SMTP_PORT", str(port))
    monkeypatch.setenv("NETMEDIA_SMTP_STARTTLS", "0")
    for name in ("NETMEDIA_SMTP_USER", "NETMEDIA_SMTP_PASSWORD", "NETMEDIA_SMTP_SSL"):
        monkeypatch.delenv(name, raising=False)


def test_send_delivers_every_draft_with_a_mailbox_to_a_local_server(season, monkeypatch, capsys):
    inbox = _Inbox()
    port = _free_port()
    _smtp_env(monkeypatch, port)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert _run(season, "--send") == 0
    finally:
        controller.stop()
    with_to = {u: v for u, v in EXPECTED.items() if v[1]}
    got = {}
    for rcpts, data in inbox.received:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        got[msg["Subject"]] = (sorted(rcpts), sorted(_attachments(msg)), msg)
    assert set(got) == {subject for subject, _, _ in with_to.values()}  # 图书馆 (no mailbox) not sent
    drafts = _drafts(season["out"])
    for unit, (subject, to, names) in with_to.items():
        rcpts, attached, msg = got[subject]
        assert rcpts == sorted(to)
        assert attached == sorted(names)
        assert _attachments(msg) == _attachments(drafts[unit])
        assert msg["X-Unsent"] is None
    out = capsys.readouterr().out
    assert "sent: 4" in out and "图书馆" in out


def test_send_to_a_server_that_is_not_there_reports_every_draft_not_sent(season, monkeypatch, capsys):
    _smtp_env(monkeypatch, _free_port())
    assert _run(season, "--send") == 1
    out = capsys.readouterr().out
    assert out.count("NOT SENT") == 4
    assert len(_drafts(season["out"])) == len(EXPECTED)  # the drafts are kept for another try


def test_send_without_smtp_host_is_a_usage_error_and_writes_nothing(season, monkeypatch, capsys):
    monkeypatch.delenv("NETMEDIA_SMTP_HOST", raising=False)
    assert _run(season, "--send") == 2
    assert "NETMEDIA_SMTP_HOST" in capsys.readouterr().err
    assert not season["out"].exists()


def test_missing_reports_or_clean_tables_is_a_usage_error(season, capsys):
    s = dict(season)
    s["reports"] = season["tmp"] / "no_reports"
    assert _run(s) == 2
    s = dict(season)
    s["clean"] = season["tmp"] / "no_clean"
    assert _run(s) == 2
    assert "no clean tables" in capsys.readouterr().err


def test_unknown_placeholder_in_wording_is_a_usage_error(season, capsys):
    mail_toml = season["config"].parent / "mail.toml"
    mail_toml.write_text(WORDING.replace("subject = \"整改：{unit}\"", "subject = \"整改：{unti}\""),
                         encoding="utf-8")
    assert _run(season) == 2
    assert "unti" in capsys.readouterr().err
    mail_toml.unlink()
    assert _run(season) == 2


def test_shipped_wording_drafts_the_demo_units(season):
    """config/mail.toml as shipped: every kind is used and every draft names its unit in the subject."""
    (season["config"].parent / "mail.toml").write_text(
        (paths.CONFIG_DIR / "mail.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert _run(season) == 0
    drafts = _drafts(season["out"])
    assert set(drafts) == set(EXPECTED)
    for unit, msg in drafts.items():
        assert unit in msg["Subject"]
        body = msg.get_body().get_content()
        assert unit in body and "{" not in body
    assert "2023年5月5日" in drafts["机械学院"].get_body().get_content()


def test_the_demo_roster_has_mailboxes_for_most_units(tmp_path):
    from netmedia import samples
    from netmedia.config import load_config
    from netmedia.transform.records import roster_rows

    samples.generate(tmp_path, n_units=12, seed=3, config=load_config())
    rows = roster_rows(tmp_path / "reference" / "units.xlsx", "units", load_config())
    boxes = [r["email"] for r in rows]
    assert len(rows) == 12
    assert 0 < boxes.count(None) <= 3
    assert all("@" in b for b in boxes if b)



@pytest.mark.parametrize(("cell", "to"), [
    ("jx@example.com", "jx@example.com"),
    ("jx@example.com；jx2@example.com、 jx3@example.com", "jx@example.com, jx2@example.com, jx3@example.com"),
    ("张三 <zs@example.com>", "zs@example.com"),
    ("无", ""), ("", ""), (None, ""), (float("nan"), ""), ("jx@example", ""),
])
def test_roster_mailbox_cells(cell, to):
    assert mail.mailbox(cell) == to


@pytest.mark.parametrize(("value", "text"), [
    (pd.Timestamp("2023-04-28 10:00"), "2023年4月28日"), (dt.date(2023, 5, 5), "2023年5月5日"),
    (pd.NaT, ""), (None, ""), (float("nan"), ""),
])
def test_dates_in_chinese(value, text):
    """The one date writer of the documents (circular, rectification lists, mails): a missing date is blank."""
    assert zh_date(value) == text
