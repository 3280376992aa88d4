"""Workbooks found in plain files, zips and saved mails — opened in memory, never extracted."""

import base64
import datetime as dt
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
from hostile_corpus import zip_of as _zip  # noqa: E402

from netmedia.config import Limits  # noqa: E402
from netmedia.extract.sources import Source, candidate_files, expand  # noqa: E402


def _mail(subject: str, date: str, attachments: dict[str, bytes]) -> bytes:
    msg = EmailMessage()
    msg["Subject"], msg["Date"], msg["From"] = subject, date, "unit@example.edu.cn"
    msg.set_content("见附件")
    for name, data in attachments.items():
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return bytes(msg)


def test_candidate_files_skip_reference_hidden_and_readme(tmp_path):
    for rel in ["a.xlsx", "sub/b.zip", "reference/units.xlsx", ".hidden.xlsx", "README.md", "reference/truth.json", "c.docx"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
    got = [p.relative_to(tmp_path).as_posix() for p in candidate_files(tmp_path)]
    assert got == ["a.xlsx", "c.docx", "sub/b.zip"]


def test_zip_members_keep_provenance_and_traversal_names_stay_names(tmp_path):
    (tmp_path / "u.zip").write_bytes(_zip({"附件2.xlsx": b"PK-one", "../../x.xlsx": b"PK-two", "说明.docx": b"d"}))
    got = list(expand(tmp_path / "u.zip", tmp_path, Limits()))
    names = {s.source_file: s for s in got}
    assert names["u.zip!附件2.xlsx"].data == b"PK-one"
    assert names["u.zip!../../x.xlsx"].data == b"PK-two"  # read in memory; nothing written
    assert names["u.zip!说明.docx"].skipped
    assert not (tmp_path.parent / "x.xlsx").exists()
    assert all(s.label == "u.zip" for s in got if s.data)


def test_zip_bomb_refused_before_inflating(tmp_path):
    (tmp_path / "bomb.zip").write_bytes(_zip({"a.xlsx": b"\0" * 2_000_000}))
    [src] = list(expand(tmp_path / "bomb.zip", tmp_path, Limits(max_uncompressed_bytes=1_000_000)))
    assert src.data is None and "too large" in src.error


def test_eml_attachments_with_date_and_subject(tmp_path):
    raw = _mail("备案信息汇总+水利学院", "Thu, 20 Apr 2023 09:30:00 +0800",
                {"附件2.xlsx": b"PK-a", "附件.zip": _zip({"附件3.xlsx": b"PK-b"}), "备案表.docx": b"d"})
    (tmp_path / "m.eml").write_bytes(raw)
    got = {s.source_file: s for s in expand(tmp_path / "m.eml", tmp_path, Limits())}
    a = got["m.eml!附件2.xlsx"]
    assert a.data == b"PK-a" and a.label == "备案信息汇总+水利学院"
    assert a.received_at == dt.datetime(2023, 4, 20, 9, 30)
    assert got["m.eml!附件.zip!附件3.xlsx"].data == b"PK-b"
    assert got["m.eml!附件.zip!附件3.xlsx"].received_at == dt.datetime(2023, 4, 20, 9, 30)
    assert got["m.eml!备案表.docx"].skipped


def test_eml_without_workbook_and_garbage_zip(tmp_path):
    (tmp_path / "m.eml").write_bytes(_mail("备案信息汇总+水利学院", "Thu, 20 Apr 2023 09:30:00 +0800", {}))
    [src] = list(expand(tmp_path / "m.eml", tmp_path, Limits()))
    assert src.skipped and src.received_at is not None
    (tmp_path / "bad.zip").write_bytes(b"not a zip at all")
    [src] = list(expand(tmp_path / "bad.zip", tmp_path, Limits()))
    assert src.error.startswith("corrupt zip")


_TRICKY_MAIL = (
    "From: unit@example.edu.cn\r\n"
    "Subject: =?utf-8?b?5aSH5qGI5L+h5oGv5rGH5oC7?=\r\n =?gb2312?b?K8uuwPvRp9S6?= (\u6c34)\r\n"
    "Date: Thu, 20 Apr 2023 09:30:00 +0800\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/mixed;\r\n boundary="b1"\r\n'
    "\r\n"
    "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n"
    "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
    'Content-Disposition: attachment; filename="=?utf-8?b?6ZmE5Lu2MS54bHN4?="\r\n\r\nUEstYQ==\r\n'
    "--b1\r\nContent-Type: application/octet-stream; name=\"n.xlsx\"\r\nContent-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment;\r\n filename*0*=utf-8''%E9%99%84;\r\n filename*1*=%E4%BB%B62.xlsx\r\n\r\nUEstYg==\r\n"
    "--b1\r\nContent-Type: application/octet-stream; name=\"only-name.xlsx\"\r\nContent-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment\r\n\r\nUEstYw==\r\n"
    "--b1--\r\n"
).encode("utf-8")


@pytest.mark.parametrize(("raw", "subject", "when"), [
    (_TRICKY_MAIL, "备案信息汇总+水利学院 (水)", dt.datetime(2023, 4, 20, 9, 30)),
    # a raw 8-bit UTF-8 subject before an encoded word
    (_TRICKY_MAIL.replace(b"=?utf-8?b?5aSH5qGI5L+h5oGv5rGH5oC7?=", "备案信息汇总".encode()), "备案信息汇总 +水利学院 (水)",
     dt.datetime(2023, 4, 20, 9, 30)),
    (_TRICKY_MAIL.replace(b"Date: Thu, 20 Apr 2023 09:30:00 +0800\r\n", b""), "备案信息汇总+水利学院 (水)", None),
    # a file name in raw 8-bit UTF-8, not encoded (some clients write it so)
    (_TRICKY_MAIL.replace(b'filename="=?utf-8?b?6ZmE5Lu2MS54bHN4?="', 'filename="附件1.xlsx"'.encode()),
     "备案信息汇总+水利学院 (水)", dt.datetime(2023, 4, 20, 9, 30)),
])
def test_eml_headers_decoded(tmp_path, raw, subject, when):
    """RFC 2047 subjects (UTF-8 and GB2312 words), RFC 2047 and RFC 2231 (continued) attachment names, a name
    given only in Content-Type, and the sender's wall-clock time."""
    (tmp_path / "m.eml").write_bytes(raw)
    got = list(expand(tmp_path / "m.eml", tmp_path, Limits()))
    assert [(s.source_file, s.data) for s in got] == [
        ("m.eml!附件1.xlsx", b"PK-a"), ("m.eml!附件2.xlsx", b"PK-b"), ("m.eml!only-name.xlsx", b"PK-c")]
    assert all(s.label == subject and s.received_at == when for s in got)


def _hostile_mail(subject: bytes | None, date: bytes | None) -> bytes:
    """A hand-made mail as odd clients write them: a GBK subject, attachment names in RFC 2231 GBK, in a GBK
    encoded word, in raw GBK bytes (not UTF-8), in raw UTF-8 and only in Content-Type (an encoded word), an
    upper-case and a quoted-printable transfer encoding, and a zip holding a workbook and a nested zip."""
    inner = _zip({"附件5.xlsx": b"PK-e", "inner.zip": _zip({"x.xlsx": b"PK-x"})})
    return (
        b"From: unit@example.edu.cn\r\n"
        + (b"Subject: " + subject + b"\r\n" if subject is not None else b"")
        + (b"Date:" + (b" " + date if date else b"") + b"\r\n" if date is not None else b"")
        + b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n"
        b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment; filename*=gbk''%B8%BD%BC%FE2.xlsx\r\n\r\nUEstYQ==\r\n"
        b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: BASE64\r\n"
        b'Content-Disposition: attachment; filename="=?gbk?b?uL28/jMueGxzeA==?="\r\n\r\nUEstYg==\r\n'
        b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        b'Content-Disposition: attachment; filename="\xb8\xbd\xbc\xfe4.xlsx"\r\n\r\nPK=2Dc\r\n'
        b'--b1\r\nContent-Type: application/zip; name="=?utf-8?b?5Y6L57ypLnppcA==?="\r\n'
        b"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment\r\n\r\n"
        + base64.encodebytes(inner).replace(b"\n", b"\r\n")
        + b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="\xe5\xa4\x87\xe6\xa1\x88\xe8\xa1\xa8.docx"\r\n\r\nZG9j\r\n'
        b"--b1--\r\n"
    )


_GBK_SUBJECT = b"=?gbk?b?sbiwuCvLrsD70afUug==?="  # 备案+水利学院
_DATE = b"Thu, 20 Apr 2023 09:30:00 +0800"


@pytest.mark.parametrize(("subject", "date", "label", "when"), [
    (_GBK_SUBJECT, _DATE, "备案+水利学院", dt.datetime(2023, 4, 20, 9, 30)),
    # the subject in raw GBK bytes: read as UTF-8, the bytes that are no UTF-8 become U+FFFD (cb ae, d1 a7 and
    # d4 ba happen to be UTF-8: ˮ ѧ Ժ)
    ("备案+水利学院".encode("gbk"), _DATE, "\ufffd\ufffd\ufffd\ufffd+ˮ\ufffd\ufffdѧԺ", dt.datetime(2023, 4, 20, 9, 30)),
    (None, _DATE, "m.eml", dt.datetime(2023, 4, 20, 9, 30)),  # no subject: the file's name
    (_GBK_SUBJECT, None, "备案+水利学院", None),
    (_GBK_SUBJECT, b"", "备案+水利学院", None),
    (_GBK_SUBJECT, b"yesterday", "备案+水利学院", None),
    (_GBK_SUBJECT, b"Mon, 31 Apr 2023 09:30:00 +0800", "备案+水利学院", None),  # no 31 April
    (_GBK_SUBJECT, b"Thu, 20 Apr 2023 09:30:00 +2400", "备案+水利学院", None),  # no such offset
    (_GBK_SUBJECT, b"Thu, 20 Apr 2023 23:30:00 -0500 (CDT)", "备案+水利学院", dt.datetime(2023, 4, 20, 23, 30)),
    (_GBK_SUBJECT, "Thu, 20 Apr 2023 09:30:00 +0800 (中国标准时间)".encode(), "备案+水利学院", dt.datetime(2023, 4, 20, 9, 30)),
    (_GBK_SUBJECT, "Thu, 20 Apr 2023 09:30:00 +0800 (中国标准时间)".encode("gbk"), "备案+水利学院",
     dt.datetime(2023, 4, 20, 9, 30)),
    (_GBK_SUBJECT, b"Thu, 20 Apr\r\n 2023 09:30:00 +0800", "备案+水利学院", dt.datetime(2023, 4, 20, 9, 30)),  # folded
    (_GBK_SUBJECT, b"20 Apr 23 09:30 +0800", "备案+水利学院", dt.datetime(2023, 4, 20, 9, 30)),
])
def test_hostile_mail(tmp_path, subject, date, label, when):
    """Every attachment of a hand-made hostile mail, with its decoded name, payload and reason."""
    (tmp_path / "m.eml").write_bytes(_hostile_mail(subject, date))
    assert list(expand(tmp_path / "m.eml", tmp_path, Limits())) == [
        Source("m.eml!附件2.xlsx", b"PK-a", when, label),  # RFC 2231, GBK
        Source("m.eml!附件3.xlsx", b"PK-b", when, label),  # a GBK encoded word in quotes
        Source("m.eml!\ufffd\ufffd\ufffd\ufffd4.xlsx", b"PK-c", when, label),  # raw GBK bytes: no UTF-8
        Source("m.eml!压缩.zip!附件5.xlsx", b"PK-e", when, label),  # named in Content-Type only
        Source("m.eml!压缩.zip!inner.zip", error="nested zip archive not read"),
        Source("m.eml!备案表.docx", skipped="not a workbook"),  # raw UTF-8 name
    ]


def test_mail_date_out_of_range_is_no_date(tmp_path):
    """A year or an offset too large for a datetime is no date, as an invalid one is (it stopped the ingest)."""
    for date in (b"Thu, 20 Apr 99999999999 09:30:00 +0800", b"Thu, 20 Apr 2023 09:30:00 +99999999999999999999"):
        (tmp_path / "m.eml").write_bytes(_hostile_mail(_GBK_SUBJECT, date))
        got = list(expand(tmp_path / "m.eml", tmp_path, Limits()))
        assert [s.source_file for s in got][:2] == ["m.eml!附件2.xlsx", "m.eml!附件3.xlsx"]
        assert {s.received_at for s in got} == {None}
