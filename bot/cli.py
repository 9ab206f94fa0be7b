"""``agendum`` command line: ``run``, ``serve``, ``check-config``, ``db upgrade``, ``minutes``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from bot import __version__

if TYPE_CHECKING:
    from bot.config import Config

DEFAULT_CONFIG = "config.toml"
DESCRIPTION = ("agendum, an IRC meeting bot: run it, serve its logs and minutes on the web, "
               "check its configuration, migrate its database, or write minutes from IRC logs "
               "as scribe.perl does.")
START_HERE = ("to start: cp config.example.toml config.toml, or name one with -c FILE or "
              "$AGENDUM_CONFIG")


def _config(path: str | None) -> Config:
    """Load the config named by -c, else $AGENDUM_CONFIG, else ./config.toml; exit 2 if bad."""
    from bot.config import ConfigError, ConfigNotFound, load_config  # SQLAlchemy: daemon only

    chosen = path or os.environ.get("AGENDUM_CONFIG") or DEFAULT_CONFIG
    try:
        return load_config(chosen)
    except ConfigError as err:
        hint = f"; {START_HERE}" if isinstance(err, ConfigNotFound) else ""
        print(f"agendum: invalid configuration: {err}{hint}", file=sys.stderr)
        raise SystemExit(2) from None


@contextlib.contextmanager
def _storage_errors() -> Iterator[None]:
    """A database that cannot be reached is the operator's to fix: one line and exit 2."""
    from bot.storage.store import StorageUnavailable

    try:
        yield
    except StorageUnavailable as err:
        print(f"agendum: storage.url: {err}", file=sys.stderr)
        raise SystemExit(2) from None


def _logging(cfg: Config) -> None:
    logging.basicConfig(
        level=cfg.log.level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler tells of its own start, stop and every timer it runs: noise to operators.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _cmd_run(args: argparse.Namespace) -> int:
    cfg = _config(args.config)
    _logging(cfg)
    from bot.daemon import Agendum

    async def main() -> int:
        return await Agendum(cfg).run()

    with _storage_errors():
        return asyncio.run(main())  # 1: a vital part died (the log says which), restart me


def _cmd_serve(args: argparse.Namespace) -> int:
    cfg = _config(args.config)
    _logging(cfg)
    import signal

    from bot.storage.store import Store, upgrade_in_child
    from bot.web.server import serve

    async def main() -> None:
        await asyncio.to_thread(upgrade_in_child, cfg.storage.url)
        store, stop = Store.open(cfg.storage.url), asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            await serve(cfg, store, stop)
        finally:
            store.close()

    with _storage_errors():
        asyncio.run(main())
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    cfg = _config(args.config)
    print(f"# {cfg.path}: OK")
    from bot.config import describe

    print(describe(cfg))
    return 0


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.storage.store import upgrade

    cfg = _config(args.config)
    with _storage_errors():
        print(f"database at revision {upgrade(cfg.storage.url)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="agendum", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"agendum {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_config(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("-c", "--config", help=f"config file (default ${{AGENDUM_CONFIG}} or "
                       f"{DEFAULT_CONFIG})")
        return p

    with_config(sub.add_parser("run", help="run the bot")).set_defaults(fn=_cmd_run)
    with_config(sub.add_parser("serve", help="serve the logs and minutes on the web")) \
        .set_defaults(fn=_cmd_serve)
    with_config(sub.add_parser("check-config", help="validate and print the settings")) \
        .set_defaults(fn=_cmd_check)
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    with_config(db_sub.add_parser("upgrade", help="apply migrations")) \
        .set_defaults(fn=_cmd_db_upgrade)
    sub.add_parser("minutes", help="minutes from IRC log files or stdin, like scribe.perl "
                   "(see agendum minutes --help)", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["minutes"]:  # scribe.perl's own option grammar, not argparse's
        from bot.scribe.command import minutes_main

        raise SystemExit(minutes_main(argv[1:]))
    args = build_parser().parse_args(argv)
    raise SystemExit(args.fn(args))
