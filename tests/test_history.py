"""Rounds archived and compared: new, closed, renamed, still-zombie, told to close and did not."""

import datetime as dt

import pandas as pd

from netmedia.config import load_config
from netmedia.report import history


def _frame(rows):
    cols = ["unit", "category", "platform_class", "platform_name", "account_id", "url", "status", "last_updated_on"]
    df = pd.DataFrame(rows, columns=cols)
    df["last_updated_on"] = pd.to_datetime(df["last_updated_on"])
    for c in ("unit", "category", "platform_name", "account_id", "url", "status"):
        df[c] = df[c].astype("str")
    return df


PREV = _frame([
    ["水利学院", "wechat_official", 3, "华水水利", "slxy01", None, "running", "2022-04-01"],       # renamed later
    ["水利学院", "douyin", 6, "水利抖音", "dy01", None, "running", "2021-10-01"],                 # zombie then and now
    ["电力学院", "weibo", 3, "电力微博", "wb01", None, "stopped", "2022-04-10"],                  # stopped: told to close
    ["电力学院", "website_campus", 1, "电力学院网站", None, "http://www.dl.ncwu.edu.cn/", "running", "2022-04-01"],  # gone now
    ["图书馆", "bilibili", 6, "华水图书馆", "bl01", None, "running", "2022-04-01"],              # closed now
])
CUR = _frame([
    ["水利学院", "wechat_official", 3, "华水水利学院", "SLXY01", None, "running", "2023-04-01"],
    ["水利学院", "douyin", 6, "水利抖音", "dy01", None, "running", "2022-06-01"],
    ["电力学院", "weibo", 3, "电力微博", "wb01", None, "stopped", "2023-04-01"],
    ["图书馆", "bilibili", 6, "华水图书馆", "bl01", None, "closed", "2022-05-01"],
    ["图书馆", "xiaohongshu", 3, "华水图书馆红书", "x01", None, "running", "2023-04-01"],    # new
])


def test_compare_rounds_classifies_each_platform():
    out = history.compare_rounds(CUR, PREV, current_cutoff=dt.date(2023, 1, 25), previous_cutoff=dt.date(2022, 1, 25))
    by_name = dict(zip(out["platform_name"].fillna(out["platform_name_prev"]), out["change"], strict=True))
    assert by_name == {
        "华水水利学院": "renamed",  # same key (category + account id, case-insensitive)
        "水利抖音": "still_zombie",
        "电力微博": "not_closed_as_told",
        "电力学院网站": "closed",  # no longer reported
        "华水图书馆": "closed",
        "华水图书馆红书": "new",
    }
    assert set(out["change_zh"]) <= set(history.CHANGES_ZH.values())


def test_a_platform_is_followed_by_url_without_scheme_or_www_and_by_name_without_spaces():
    prev = _frame([
        ["u", "website_campus", 1, "网站", None, "http://www.dl.ncwu.edu.cn/", "running", "2023-01-01"],
        ["u", "wechat_official", 3, "电力 之声", None, None, "running", "2023-01-01"],
    ])
    cur = _frame([
        ["u", "website_campus", 1, "网站新名", None, "https://dl.ncwu.edu.cn", "running", "2023-01-01"],
        ["u", "wechat_official", 3, "电力之声", None, None, "running", "2023-01-01"],
    ])
    out = history.compare_rounds(cur, prev, dt.date(2023, 1, 25), dt.date(2022, 1, 25))
    assert out["key"].tolist() == ["website_campus|dl.ncwu.edu.cn", "wechat_official|电力之声"]
    assert out["change"].tolist() == ["renamed", "renamed"]


def test_archive_and_counts_over_rounds(tmp_path):
    cfg = load_config()
    for name, df in (("2022", PREV), ("2023", CUR)):
        df.to_parquet(tmp_path / "platforms.parquet")
        history.archive_round(tmp_path, cfg, name)
    assert history.list_rounds(tmp_path) == ["2022", "2023"]
    assert history.round_cutoff(tmp_path, "2023") == pd.Timestamp(cfg.zombie_cutoff)
    counts = history.counts_over_rounds(tmp_path)
    assert counts["total"].tolist() == [5, 5]
    assert counts.loc[counts["round"] == "2023", 6].item() == 2


def test_rounds_trend_chart_totals_equal_archived_counts(tmp_path):
    from netmedia.report import charts

    cfg = load_config()
    for name, df in (("2022", PREV), ("2023", CUR)):
        df.to_parquet(tmp_path / "platforms.parquet")
        history.archive_round(tmp_path, cfg, name)
    counts = history.counts_over_rounds(tmp_path)
    fig = charts.rounds_trend(counts)
    bars = [t for t in fig.data if t.type == "bar"]
    per_round = [sum(t.y[i] for t in bars) for i in range(2)]
    assert per_round == [len(PREV), len(CUR)]
    assert {t.name for t in bars} == {"1 学校域名网站", "3 新媒体平台", "6 视频平台"}
    assert list(fig.data[-1].y) == [5, 5]


REPLY_COLUMNS = ["finding_id", "unit", "rule", "reply", "replied_at", "source_file", "source_sheet", "source_row"]


def test_replies_are_archived_with_the_round(tmp_path):
    """The units' replies to their rectification lists are a clean table like the others: archived with the round
    and read back as written (a reply with its time and where it came from)."""
    cfg = load_config()
    CUR.to_parquet(tmp_path / "platforms.parquet")
    replies = pd.DataFrame({
        "finding_id": ["F0123456789"], "unit": ["水利学院"], "rule": ["R-zombie"], "reply": ["该账号已注销关停"],
        "replied_at": pd.to_datetime(["2023-05-03 09:30"]).astype("datetime64[us]"),
        "source_file": ["整改回复/水利学院.xlsx"], "source_sheet": ["整改清单"],
        "source_row": pd.array([5], dtype="Int64")})
    replies.to_parquet(tmp_path / "replies.parquet", index=False)
    history.archive_round(tmp_path, cfg, "2023")
    back = history.load_round(tmp_path, "2023", "replies")
    pd.testing.assert_frame_equal(back, replies)


def test_an_archive_made_before_replies_were_archived_still_reads(tmp_path):
    """An older archive has no replies.parquet: reading its replies gives the table with no rows (the columns and
    types of the replies table), and its other tables read as before."""
    cfg = load_config()
    CUR.to_parquet(tmp_path / "platforms.parquet")
    history.archive_round(tmp_path, cfg, "2022")
    (history.rounds_dir(tmp_path) / "2022" / "replies.parquet").unlink(missing_ok=True)  # as archived then
    back = history.load_round(tmp_path, "2022", "replies")
    assert list(back.columns) == REPLY_COLUMNS and len(back) == 0
    assert str(back["replied_at"].dtype).startswith("datetime64") and str(back["source_row"].dtype) == "Int64"
    assert len(history.load_round(tmp_path, "2022")) == len(CUR)
    assert history.list_rounds(tmp_path) == ["2022"]
