"""Command line: ``netmedia ingest | check | templates | mail | sample | run``.

Exit codes are part of the interface so CI can gate a season: 0 the run
completed (check: no violation), 1 check found violations (run: a notebook
failed, or a shareable output holds personal data or asks another host for
something; the previous outputs are then left as they were; templates, mail:
a file for a unit holds what that unit must not receive), 2 usage or input
error (missing folder, unreadable config, another run writing the same folders).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Protocol

from netmedia import paths
from netmedia.config import Config, ConfigError, load_config
from netmedia.outputs import LockedError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class StepResult(Protocol):
    """What a step returns: whether all went well, and its summary for people."""

    ok: bool

    def summary(self) -> str: ...


def _summary(result: StepResult) -> int:
    """Print a step's summary; its exit status: 0 when it is ``ok``, 1 otherwise (findings, a failed gate, a
    draft not delivered)."""
    print(result.summary())
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def cmd_ingest(args: argparse.Namespace) -> int:
    from netmedia.season import ingest

    raw = Path(args.raw)
    if not raw.is_dir():
        print(f"netmedia ingest: input folder not found: {raw}", file=sys.stderr)
        return EXIT_USAGE
    res = ingest(raw, args.out, _config(args), workers=args.workers, progress=False if args.no_progress else None,
                 wait=args.wait)
    print(res.summary())
    print(f"  written to: {Path(args.out).resolve()}")
    return EXIT_OK


def _clean_tables(args: argparse.Namespace) -> Path | None:
    """The ``--clean`` folder when it holds the clean tables; else None, the error printed (exit 2)."""
    clean = Path(args.clean)
    if (clean / "platforms.parquet").exists():
        return clean
    print(f"netmedia {args.command}: no clean tables in {clean} (run `netmedia ingest` first)", file=sys.stderr)
    return None


def cmd_check(args: argparse.Namespace) -> int:
    from netmedia.season import check_season

    clean = _clean_tables(args)
    return EXIT_USAGE if clean is None else _summary(check_season(clean, Path(args.out), _config(args),
                                                                  wait=args.wait))


def cmd_templates(args: argparse.Namespace) -> int:
    from netmedia.season import templates_step

    clean = _clean_tables(args)
    return EXIT_USAGE if clean is None else _summary(templates_step(clean, Path(args.out), _config(args),
                                                                    wait=args.wait))


def cmd_sample(args: argparse.Namespace) -> int:
    from netmedia import samples

    out = Path(args.out)
    if out.exists() and any(p for p in out.iterdir() if p.name not in {"README.md", ".gitkeep"}) and not args.force:
        print(f"netmedia sample: {out} is not empty (use --force to add a season anyway)", file=sys.stderr)
        return EXIT_USAGE
    truth = samples.generate(out, n_units=args.units, seed=args.seed, violations=not args.clean,
                             config=_config(args))
    print(f"synthetic season of {args.units} units written to {out.resolve()} (truth: {truth})")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from netmedia.season import run_season

    return run_season(Path(args.raw), _config(args), reports=Path(args.reports), clean=Path(args.clean),
                      wait=args.wait)




def cmd_mail(args: argparse.Namespace) -> int:
    """Mail drafts per unit; with --send, sent. 1 when a draft with a mailbox was not delivered."""
    from netmedia.report.mail import MailError
    from netmedia.season import mail_step

    try:
        result = mail_step(Path(args.reports), Path(args.out), _config(args), clean=Path(args.clean),
                           templates=Path(args.templates), send=args.send)
    except MailError as e:
        print(f"netmedia mail: {e}", file=sys.stderr)
        return EXIT_USAGE
    return _summary(result)


def _mail_options(s: argparse.ArgumentParser) -> None:
    s.add_argument("reports", nargs="?", default=str(paths.REPORTS), help="reports folder (default: reports/)")
    s.add_argument("--out", default=str(paths.OUTBOX / "mail"), help="drafts folder (default: outbox/mail/)")
    s.add_argument("--clean", default=str(paths.DATA_CLEAN), help="clean tables (default: data_clean/)")
    s.add_argument("--templates", default=str(paths.OUTBOX / "templates"),
                   help="next-round templates, <unit>.xlsx (default: outbox/templates/)")
    s.add_argument("--send", action="store_true", help="send the drafts with a mailbox (default: drafts only)")
    s.set_defaults(func=cmd_mail)


def _wait_option(s: argparse.ArgumentParser) -> None:
    s.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="when another run is writing the same folders, wait this long for it (default: stop at once)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="netmedia", description="网络媒体平台备案 — consolidate and check units' returns")
    p.add_argument("--config", default=str(paths.INSTITUTION_TOML), help="institution TOML (default: config/institution.toml)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", help="read every Annex 2/3 workbook under RAW into clean tables")
    s.add_argument("raw", help="input folder (rosters in RAW/reference/)")
    s.add_argument("--out", default=str(paths.DATA_CLEAN), help="output folder (default: data_clean/)")
    s.add_argument("--workers", type=int, default=None, help="processes (default: all cores for big seasons)")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    _wait_option(s)
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("check", help="run the rule suites on clean tables; write findings and workbooks")
    s.add_argument("clean", help="folder with the clean tables (data_clean/)")
    s.add_argument("--out", default=str(paths.REPORTS), help="reports folder (default: reports/)")
    _wait_option(s)
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("templates", help="write next round's pre-filled template per unit from the clean tables")
    s.add_argument("clean", nargs="?", default=str(paths.DATA_CLEAN), help="clean tables folder (default: data_clean/)")
    s.add_argument("--out", default=str(paths.OUTBOX / "templates"),
                   help="output folder (default: outbox/templates/; personal data, git-ignored)")
    _wait_option(s)
    s.set_defaults(func=cmd_templates)

    s = sub.add_parser("sample", help="write a synthetic demo season (units, staff, returns, truth.json)")
    s.add_argument("out", help="folder to write (normally data_raw/)")
    s.add_argument("--units", type=int, default=60)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--clean", action="store_true", help="no planted violations")
    s.add_argument("--force", action="store_true", help="write even if the folder is not empty")
    s.set_defaults(func=cmd_sample)

    s = sub.add_parser("run", help="the whole season: notebooks in order into reports/ (demo season if RAW is empty)")
    s.add_argument("raw", nargs="?", default=str(paths.DATA_RAW))
    s.add_argument("--clean", default=str(paths.DATA_CLEAN))
    s.add_argument("--reports", default=str(paths.REPORTS))
    _wait_option(s)
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("mail", help="one .eml draft per unit: rectification list, next-round template, reminders "
                                    "(催报); --send sends them (SMTP settings: NETMEDIA_SMTP_* variables)")
    _mail_options(s)
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as e:
        print(f"netmedia: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (FileNotFoundError, LockedError) as e:
        print(f"netmedia: {e}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
