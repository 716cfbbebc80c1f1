"""``esp-desktop``: with no subcommand, the Qt client; subcommands for scripting and tests.

Global options: ``--data-dir DIR`` (else ``ESP_DATA_DIR``, else the platform data folder) and
``--passphrase-file F`` (else ``ESP_PASSPHRASE``, else a prompt without echo).

Feature packages add their own subcommands by exposing ``register(subparsers)`` in a module listed in
``PLUGINS`` (reports, sync); each handler receives the parsed args and a ``Cli`` context.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .core.errors import EspError, StoreError
from .services import vault

if TYPE_CHECKING:  # `esp-desktop` (the window) must not import the store before the unlock window shows
    from .services import Services
    from .services.vault import Store

PLUGINS = ("esp_desktop.reports.cli", "esp_desktop.sync.cli", "esp_desktop.district_cli")


class Cli:
    """What every subcommand needs: the data folder, the passphrase, an unlocked store and services."""

    def __init__(self, args: argparse.Namespace) -> None:
        from .settings import default_data_dir

        self.args = args
        self.data_dir = Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()
        self._store: Store | None = None
        self._services: Services | None = None

    def passphrase(self, *, confirm: bool = False) -> str:
        if self.args.passphrase_file:
            try:
                return Path(self.args.passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as exc:
                raise EspError(f"Cannot read the passphrase file: {exc.strerror}.") from None
        env = os.environ.get("ESP_PASSPHRASE")
        if env:
            return env
        if not sys.stdin.isatty():
            raise EspError("No passphrase: use --passphrase-file or ESP_PASSPHRASE when not at a terminal.")
        p = getpass.getpass("Passphrase: ")
        if confirm and getpass.getpass("Repeat passphrase: ") != p:
            raise EspError("The passphrases do not match.")
        return p

    def store(self) -> Store:
        if self._store is None:
            self._store = vault.unlock(self.data_dir, self.passphrase())
        return self._store

    def services(self) -> Services:
        if self._services is None:
            from .settings import RUBRIC_FILE, Settings

            rubric_file = Settings(self.data_dir).get(RUBRIC_FILE) or None
            self._services = vault.open_services(self.store(), rubric_file=rubric_file)
        return self._services

    def close(self) -> None:
        if self._store is not None:
            vault.lock(self._store)


Handler = Callable[[argparse.Namespace, Cli], int | None]


def describe_failure(exc: BaseException) -> str | None:
    """One line for a failure that is not an EspError: a full disk, an unreadable file, a damaged database.
    None for anything else (a programming error keeps its traceback). The plain words for full, read-only and
    busy places are core.errors' (the windows say the same)."""
    from .core.errors import explain_database_error, explain_os_error

    if isinstance(exc, OSError):
        plain = explain_os_error(exc)
        if plain is not None:
            return str(plain)
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or type(exc).__name__}{where}."
    names = {c.__name__ for c in type(exc).__mro__}
    if "DatabaseError" in names or "OperationalError" in names:
        plain = explain_database_error(str(getattr(exc, "orig", None) or exc))
        if plain is not None:
            return str(plain)
        return ("The database file is damaged (a page failed its integrity check). Run 'esp-desktop check', and "
                "restore your latest backup if it reports problems; nothing was changed.")
    return None


def _out(args: argparse.Namespace) -> Any:
    return open(args.output, "w", encoding="utf-8") if getattr(args, "output", None) else sys.stdout


# --- subcommands ---------------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, cli: Cli) -> int:
    vault.lock(vault.create(cli.data_dir, cli.passphrase(confirm=True)))
    print(f"Created an encrypted store in {cli.data_dir}")
    print("Keep your passphrase safe: it cannot be recovered. Make backups with 'esp-desktop backup -o FILE'.")
    return 0


def cmd_demo(args: argparse.Namespace, cli: Cli) -> int:
    from .services.demo import load_demo

    counts = load_demo(cli.services())
    print("Loaded the fictional demo caseload: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


def export_reader(args: argparse.Namespace, svc: Any) -> Any:
    """The policy reader an ``export`` command line asks for (scope resolved to ids)."""
    from .core import policy

    educator = svc.caseload.resolve_educator(args.educator).id if args.educator else None
    sites = [resolve_site(svc, ref) for ref in args.site] if args.site else None
    if args.audience is None:
        if educator or sites:
            raise EspError("--educator and --site narrow a copy for a reader: use them with --audience.")
        return policy.reader("ct", with_private=args.include_private)
    if args.include_private:
        raise EspError("--include-private is only for your own full copy (without --audience).")
    if args.audience == "educator" and sites:
        raise EspError("A copy for the educator is scoped to their case: use --educator, not --site.")
    return policy.reader(args.audience, educator=educator, sites=sites)


def resolve_site(svc: Any, ref: str) -> str:
    return str(svc.caseload.find_site(ref).id)


def cmd_export(args: argparse.Namespace, cli: Cli) -> int:
    svc = cli.services()
    reader = export_reader(args, svc)
    doc, omitted = svc.transfer.export_with_omissions(reader=reader)
    fh = _out(args)
    try:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    finally:
        if fh is not sys.stdout:
            fh.close()
    # What the policy left out, and why, goes to the CT on stderr (never silently empty).
    n = svc.transfer.record_count(doc)
    print(f"Exported {n} record(s) for {reader.name}.", file=sys.stderr)
    if omitted:
        print("Left out by the confidentiality policy:", file=sys.stderr)
        for line in omitted.lines():
            print(f"  {line}", file=sys.stderr)
    if args.include_private:
        print("WARNING: this file holds your CT-private notes in clear. Keep it encrypted or delete it.",
              file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace, cli: Cli) -> int:
    try:
        doc = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise EspError(f"Cannot read {args.file}: {exc.strerror}.") from None
    except ValueError:
        raise EspError(f"{args.file} is not valid JSON; nothing was imported.") from None
    counts = cli.services().transfer.import_(doc)
    print(f"Imported: {counts['created']} new, {counts['updated']} updated, {counts['unchanged']} unchanged")
    return 0


def cmd_backup(args: argparse.Namespace, cli: Cli) -> int:
    summary = vault.backup(cli.services(), Path(args.output))
    print(f"Backup written to {args.output} ({summary['members']} files, {summary['bytes']} bytes)")
    return 0


def cmd_restore(args: argparse.Namespace, cli: Cli) -> int:
    summary = vault.restore(Path(args.file), cli.data_dir, cli.passphrase(), force=args.force)
    print(f"Restored the backup of {summary['created_at']} into {cli.data_dir}")
    return 0


def cmd_check(args: argparse.Namespace, cli: Cli) -> int:
    rep = vault.check(cli.store())
    if rep.ok:
        print(f"OK: database and {rep.attachments_checked} attachment(s) passed the integrity check")
        return 0
    for p in rep.problems:
        print(f"PROBLEM: {p}")
    return 1


def cmd_passwd(args: argparse.Namespace, cli: Cli) -> int:
    store = cli.store()
    old = cli.passphrase()
    if args.new_passphrase_file:
        new = Path(args.new_passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
    elif os.environ.get("ESP_NEW_PASSPHRASE"):
        new = os.environ["ESP_NEW_PASSPHRASE"]
    else:
        new = getpass.getpass("New passphrase: ")
        if getpass.getpass("Repeat new passphrase: ") != new:
            raise EspError("The passphrases do not match.")
    vault.change_passphrase(store, old, new)
    from .sync.client import rewrap_sync_key

    if rewrap_sync_key(store, new):
        print("Passphrase changed. The sync server's copy of your sync key is re-protected at the next sync.")
    else:
        print("Passphrase changed.")
    return 0


def cmd_search(args: argparse.Namespace, cli: Cli) -> int:
    svc = cli.services()
    names = {e.id: e.display_name for e in svc.caseload.educators()}
    hits = svc.search.search(" ".join(args.text), limit=args.limit)
    for h in hits:
        snippet = " ".join(h.snippet.split())
        print(f"{h.record_type}\t{h.record_id}\t{names.get(h.educator_id or '', '-')}\t{snippet}")
    return 0 if hits else 1


def cmd_calendar(args: argparse.Namespace, cli: Cli) -> int:
    svc = cli.services()
    if args.action == "export":
        if not args.output:
            raise EspError("Name the file to write with -o FILE.ics.")
        n = svc.calendars.export_ics(args.output, initials=args.initials)
        print(f"Wrote {n} event(s) to {args.output}.")
        return 0
    from .core import timefmt

    cal = svc.calendars.calendar(args.year)
    origin = "edited in Settings" if cal.edited else "default rules: check it against the district calendar"
    print(f"School year {cal.school_year} ({origin})")
    print(f"First day\t{timefmt.iso_date(cal.first_day)}\nLast day\t{timefmt.iso_date(cal.last_day)}")
    print(f"School days\t{cal.school_day_count()}")
    for c in cal.closures:
        span = timefmt.iso_date(c.start) + ("" if c.end == c.start else f" – {timefmt.iso_date(c.end)}")
        print(f"{span}\t{c.name}")
    return 0


def cmd_gui(args: argparse.Namespace, cli: Cli) -> int:
    try:
        from .ui.app import run
    except ImportError as exc:
        raise EspError(f"The desktop window is not available here ({exc}).") from None
    return run(data_dir=cli.data_dir, verbose=args.verbose)


def build_parser(*, plugins: bool = True) -> argparse.ArgumentParser:
    """The parser; without ``plugins`` the feature plugins' commands (reports, sync) are left out, so starting
    the window does not import reportlab and the store before the unlock window shows (issue 15)."""
    p = argparse.ArgumentParser(prog="esp-desktop", description="Educator Supports Program workbench for CTs.")
    p.add_argument("--version", action="version", version=f"esp-desktop {__version__}")
    p.add_argument("--data-dir", help="data folder (default: ESP_DATA_DIR or the platform data folder)")
    p.add_argument("--passphrase-file", help="read the passphrase from this file")
    p.add_argument("-v", "--verbose", action="store_true", help="log to stderr")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.set_defaults(handler=handler)
        return sp

    add("init", cmd_init, "create a new encrypted store")
    add("demo", cmd_demo, "load a fictional demo caseload into an empty store")
    sp = add("export", cmd_export, "export records as JSON: your own copy, or one reader's copy (--audience)")
    sp.add_argument("--format", choices=["json"], default="json")
    sp.add_argument("-o", "--output", help="write to FILE instead of standard output")
    sp.add_argument("--audience", choices=["educator", "panel", "admin"],
                    help="only what this reader may read: educator = the educator (needs --educator), "
                    "panel = the ESP Panel, admin = the school administrator (needs --site or --educator; "
                    "never anything about PA or informal coaching). Without it: your own copy.")
    sp.add_argument("--educator", help="one educator's case (id, employee id or name)")
    sp.add_argument("--site", action="append", help="the school administrator's site (id, code or name); repeatable")
    sp.add_argument("--include-private", action="store_true",
                    help="your own copy only: include CT-private records (written in clear)")
    sp = add("import", cmd_import, "import an export document (idempotent by record id)")
    sp.add_argument("file")
    sp = add("backup", cmd_backup, "write an encrypted, integrity-checked backup archive")
    sp.add_argument("-o", "--output", required=True)
    sp = add("restore", cmd_restore, "restore a backup archive into the data folder")
    sp.add_argument("file")
    sp.add_argument("--force", action="store_true", help="move an existing store aside and restore")
    add("check", cmd_check, "check the integrity of the database and attachments")
    sp = add("passwd", cmd_passwd, "change the passphrase (the data is not re-encrypted)")
    sp.add_argument("--new-passphrase-file", help="read the new passphrase from this file")
    sp = add("search", cmd_search, "full-text search over notes, evidence and coaching entries")
    sp.add_argument("text", nargs="+")
    sp.add_argument("--limit", type=int, default=50)
    sp = add("calendar", cmd_calendar, "show a school year's calendar, or export due dates and Panel meetings "
                                      "as an iCalendar (.ics) file")
    sp.add_argument("action", choices=["show", "export"])
    sp.add_argument("--year", help="school year for show, e.g. 2026-27 (default: the current one)")
    sp.add_argument("-o", "--output", help="the .ics file to write (export)")
    sp.add_argument("--initials", action="store_true",
                    help="name educators by their initials only (the file is not encrypted)")
    add("gui", cmd_gui, "start the desktop window (the default)")

    for mod_name in PLUGINS if plugins else ():
        try:
            mod = importlib.import_module(mod_name)
        except ModuleNotFoundError as exc:
            if exc.name != mod_name:
                raise
            continue
        mod.register(sub)
    return p


def _command_of(argv: list[str]) -> str | None:
    """The subcommand argv names (the first word that is neither an option nor an option's value)."""
    words = iter(argv)
    for word in words:
        if word in ("--data-dir", "--passphrase-file"):
            next(words, None)
        elif word in ("-h", "--help"):
            return word
        elif not word.startswith("-"):
            return word
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(plugins=_command_of(argv) not in (None, "gui")).parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    cli = Cli(args)
    handler: Handler = getattr(args, "handler", cmd_gui)
    try:
        return int(handler(args, cli) or 0)
    except StoreError as exc:
        print(f"esp-desktop: {exc}", file=sys.stderr)
        return 2
    except EspError as exc:
        print(f"esp-desktop: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("esp-desktop: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except Exception as exc:  # every failure is one line for the CT (re-raised when unknown)
        message = describe_failure(exc)
        if message is None:
            raise
        logging.getLogger(__name__).debug("failure", exc_info=True)
        print(f"esp-desktop: {message}", file=sys.stderr)
        return 1
    finally:
        cli.close()


if __name__ == "__main__":
    sys.exit(main())
