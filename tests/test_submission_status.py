"""The 报送状态 of a small round, written by hand, and the words it may take: those of data/categories.toml.

The expected words are written here, not read from the code's accessor; the data file is read with tomllib
only to check that each status word shown to people is one of its words (a word typed into the code again, or
changed in one place and not the other, fails)."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from netmedia import paths, season
from netmedia.config import ConfigError, load_config
from netmedia.report import mail
from netmedia.transform.returns import typed_frame

# deadline 2023-04-25 (config/institution.toml); a return on the deadline day is on time
ROSTER = ["能源学院", "化工学院", "外国语学院", "体育学院", "后勤处", "保卫处"]
EXPECTED = pd.DataFrame(
    [  # 单位, 附件2, 附件3, 报送时间, 有效行数, 报送状态
        ("能源学院", True, False, "2023-04-25 23:30", 3, "按时报送"),  # Annex 2 on the deadline day
        ("化工学院", True, True, "2023-04-28 09:00", 5, "逾期报送"),  # Annex 2 on time, Annex 3 three days late
        ("外国语学院", None, None, None, None, "见汇总台账"),  # only rows of a consolidated registry name it (no annex)
        ("体育学院", None, None, None, None, "未报送"),  # nothing
        ("后勤处", False, True, None, 0, "已报送（时间不详）"),  # an Annex 3, no time, every row rejected
        ("保卫处", None, None, None, None, "未报送"),  # only a file that was no annex table
    ],
    columns=["单位", "附件2", "附件3", "报送时间", "有效行数", "报送状态"],
)


def _sub(file, unit, annex, at, clean=1, status="ok"):
    return {"source_file": file, "source_sheet": "Sheet1", "unit": unit, "annex": annex, "received_at": at,
            "rows_read": clean, "rows_clean": clean, "rows_rejected": 0, "status": status, "message": None}


def _round() -> dict[str, pd.DataFrame]:
    subs = [
        _sub("能源学院.xlsx", "能源学院", "2", "2023-04-25 23:30", clean=3),
        _sub("化工学院-附件2.xlsx", "化工学院", "2", "2023-04-20 10:00", clean=2),
        _sub("化工学院-附件3.xlsx", "化工学院", "3", "2023-04-28 09:00", clean=3),
        _sub("学校汇总.xlsx", None, "2", "2023-04-21 08:00", clean=1),
        _sub("后勤处.xlsx", "后勤处", "3", None, clean=0),
        _sub("保卫处.xlsx", "保卫处", None, "2023-04-22 08:00", clean=0, status="rejected"),
    ]
    return {
        "units": typed_frame("units", [{"unit": u, "kind": "学院"} for u in ROSTER]),
        "submissions": typed_frame("submissions", subs),
        "platforms": typed_frame("platforms", [
            {"unit": "外国语学院", "platform_name": "外院青年", "source_file": "学校汇总.xlsx"},
            {"unit": "能源学院", "platform_name": "能源之声", "source_file": "能源学院.xlsx"}]),
        "personal_accounts": typed_frame("personal_accounts", []),
        "groups": typed_frame("groups", []),
        "replies": typed_frame("replies", []),
        "rejects": typed_frame("rejects", []),
    }


def _data_words() -> set[str]:
    data = tomllib.loads((paths.PACKAGE_DATA / "categories.toml").read_text(encoding="utf-8"))
    return {w for words in data["submission_status_words"].values() for w in words}


def test_small_round_status_table():
    got = season.submission_status(_round(), load_config())
    got = got[["单位", "附件2", "附件3", "报送时间", "有效行数", "报送状态"]].set_index("单位").loc[ROSTER]
    want = EXPECTED.set_index("单位")
    assert got["报送状态"].to_dict() == want["报送状态"].to_dict()
    for col in ("附件2", "附件3"):
        assert got[col].astype("object").where(got[col].notna(), None).to_dict() == want[col].to_dict(), col
    assert got["报送时间"].to_dict() == pd.to_datetime(want["报送时间"]).to_dict()
    assert got["有效行数"].fillna(-1).astype(int).to_dict() == want["有效行数"].fillna(-1).astype(int).to_dict()


def test_every_status_is_a_word_of_the_data_file():
    """Every 报送状态 the round shows is a word of [submission_status_words], and the round shows them all."""
    shown = set(season.submission_status(_round(), load_config())["报送状态"])
    assert shown <= _data_words()
    assert shown == _data_words()  # the round above covers every status: a new one needs a row there


def test_mail_statuses_must_be_status_words(tmp_path):
    """A kind's `statuses` naming a word no 报送状态 takes would silently never remind anyone: refused."""
    wording = (paths.CONFIG_DIR / "mail.toml").read_text(encoding="utf-8")
    assert 'statuses = ["未报送"]' in wording
    assert mail.load_wording(paths.CONFIG_DIR / "mail.toml").kinds["reminder"].statuses == ("未报送",)
    bad = tmp_path / "mail.toml"
    bad.write_text(wording.replace('statuses = ["未报送"]', 'statuses = ["未报"]'), encoding="utf-8")
    with pytest.raises(ConfigError, match="kinds.reminder.statuses: unknown 报送状态 未报"):
        mail.load_wording(bad)
