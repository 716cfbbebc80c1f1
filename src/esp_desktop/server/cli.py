"""`esp-central`: initialise, run and administer the central office server.

Commands that issue an enrolment code print it alone on their last line (scripts take `tail -1`).
Errors are one line on stderr with exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from esp_desktop.core.enums import ReaderKind
from esp_desktop.core.policy import READER_NAMES, READER_ROLES
from esp_desktop.server import db, workers
from esp_desktop.server.restore import restore
from esp_desktop.server.security import write_dev_cert
from esp_desktop.server.service import ROLES, Central, CentralError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="esp-central", description="ESP central office server")
    p.add_argument(
        "--data-dir",
        type=Path,
        help="server data directory (default: platform data dir, or ESP_CENTRAL_DATA_DIR)",
    )
    p.add_argument(
        "--db",
        help="database URL (default: SQLite file in the data dir; PostgreSQL: "
        "postgresql+psycopg://user:pw@host/dbname)",
    )
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="create or migrate the database and print a one-time admin enrolment code")

    serve = sub.add_parser("serve", help="run the HTTPS (or, without --cert, plain HTTP) server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--cert", type=Path, help="TLS certificate (PEM)")
    serve.add_argument("--key", type=Path, help="TLS private key (PEM)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (several need PostgreSQL to help: SQLite has one writer at a time)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="addresses of reverse proxies whose X-Forwarded-For is trusted (default 127.0.0.1)",
    )

    backup = sub.add_parser("backup", help="copy the SQLite database while the server runs (PostgreSQL: pg_dump)")
    backup.add_argument("file", type=Path)
    restore = sub.add_parser(
        "restore",
        help="put a backup back (server stopped) and start a new server epoch so every device re-syncs",
    )
    restore.add_argument(
        "file",
        type=Path,
        nargs="?",
        help="SQLite backup to restore; without it (PostgreSQL, after pg_restore) only the epoch is renewed",
    )

    cert = sub.add_parser("dev-cert", help="write a self-signed certificate and key for local use")
    cert.add_argument("--cert", type=Path, default=Path("central-cert.pem"))
    cert.add_argument("--key", type=Path, default=Path("central-key.pem"))
    cert.add_argument(
        "--hostname",
        action="append",
        default=None,
        help="host name or IP the certificate is for (repeatable; default localhost, 127.0.0.1)",
    )

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="user_cmd", required=True)
    add = user.add_parser("add", help="add a user and print a one-time enrolment code")
    add.add_argument("--name", required=True)
    add.add_argument(
        "--role",
        required=True,
        choices=list(ROLES),
        help="; ".join(f"{k.value} = {READER_NAMES[k]} ({READER_ROLES[k]})" for k in ReaderKind),
    )
    add.add_argument("--site", action="append", default=[],
                     help="admin: a site they serve (id, or the site's code or name); repeatable")
    add.add_argument("--educator", help="educator: their own case (the educator's id or employee id)")
    code = user.add_parser("code", help="print a fresh one-time enrolment code for a user's next device")
    code.add_argument("name")
    user.add_parser("list", help="list users")

    device = sub.add_parser("device", help="manage devices").add_subparsers(dest="device_cmd", required=True)
    device.add_parser("list", help="list enrolled devices")
    revoke = device.add_parser("revoke", help="revoke a device at once")
    revoke.add_argument("id")
    needs = sub.add_parser(
        "needs", help="learning priorities per school and for the district (counts, suppressed below 5 educators)")
    needs.add_argument("--school-year", default="", help="e.g. 2026-27 (as the CTs' profiles name it)")
    needs.add_argument("--csv", type=Path, metavar="FILE", help="write a CSV file instead of printing")
    return p


def _needs(central: Central, school_year: str, out: Path | None) -> int:
    """The program office's download: one row per school and one for the district, one column per priority
    code; "<5" where suppressed."""
    import csv
    import io

    agg = central.needs_aggregate(school_year)
    rows = [agg.district, *agg.schools]
    codes = sorted({c for r in rows for c in r.counts})
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["school", "educators", *codes])
    for r in rows:
        w.writerow([r.school or "(district)", "<5" if r.educators is None else r.educators,
                    *["" if c not in r.counts else ("<5" if r.counts[c] is None else r.counts[c]) for c in codes]])
    if out is None:
        print(buf.getvalue(), end="")
    else:
        out.write_text(buf.getvalue(), encoding="utf-8")
        print(f"wrote {out} ({len(agg.schools)} school(s); suppressed below {agg.min_educators} educators)")
    return 0


def _central(args: argparse.Namespace, data_dir: Path) -> Central:
    engine = db.make_engine(db.resolve_db_url(data_dir, args.db))
    if not db.is_current(engine):
        raise db.ServerConfigError("the database is not initialised or not migrated; run `esp-central init`")
    return Central(engine=engine, data_dir=data_dir)


def _shown(text: str) -> str:
    """A name as one line of a listing: control and format characters (newlines, escape codes, bidi
    overrides) shown escaped, so a name cannot forge rows or colour the terminal."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _serve(args: argparse.Namespace, data_dir: Path) -> int:
    try:
        import uvicorn

        from esp_desktop.server.app import create_app
    except ModuleNotFoundError as exc:  # the desktop install has no web stack: the server is an extra
        raise db.ServerConfigError(
            f"serving needs the server extra ({exc.name} is missing): pip install 'esp-desktop[server]'"
        ) from None

    if bool(args.cert) != bool(args.key):
        raise db.ServerConfigError("--cert and --key go together")
    if args.workers < 1:
        raise db.ServerConfigError("--workers must be 1 or more")
    central = _central(args, data_dir)  # checks the database and the epoch once, before any worker starts
    if not args.cert and args.host not in ("127.0.0.1", "localhost", "::1"):
        print("warning: serving without TLS on a non-loopback address", file=sys.stderr)
    options = {
        "host": args.host,
        "port": args.port,
        "log_level": "info",
        "ssl_certfile": str(args.cert) if args.cert else None,
        "ssl_keyfile": str(args.key) if args.key else None,
        "proxy_headers": True,
        "forwarded_allow_ips": args.forwarded_allow_ips,
    }
    if args.workers == 1:
        uvicorn.run(create_app(central=central), **options)
        return 0
    central.engine.dispose()
    # Worker processes import the app factory and find the data directory and database in the environment.
    os.environ["ESP_CENTRAL_DATA_DIR"] = str(data_dir.resolve())
    os.environ["ESP_CENTRAL_DB"] = db.resolve_db_url(data_dir, args.db)
    # Each worker listens on its own socket, so connections spread over the workers (workers.py).
    workers.serve("esp_desktop.server.app:from_environment", workers=args.workers, **options)
    return 0


def run(args: argparse.Namespace) -> int:
    data_dir: Path = (args.data_dir or db.default_data_dir()).expanduser()
    if args.command == "dev-cert":
        hosts = args.hostname or ["localhost", "127.0.0.1"]
        write_dev_cert(args.cert, args.key, hostnames=hosts)
        print(f"wrote {args.cert} and {args.key} for {', '.join(hosts)}")
        return 0
    db.ensure_private_dir(data_dir)
    if args.command == "init":
        url = db.resolve_db_url(data_dir, args.db)
        engine = db.make_engine(url)
        db.upgrade(engine)
        db.restrict_files(data_dir)
        if args.db:
            db.remember_db_url(data_dir, args.db)
        central = Central(engine=engine, data_dir=data_dir)
        name = "admin"
        existing = {u.name for u in central.list_users()}
        n = 2
        while name in existing:  # re-running init gives a fresh admin, never reuses a name
            name = f"admin{n}"
            n += 1
        code = central.add_user(name=name, role="program_office")
        print(f"database ready: {engine.url.render_as_string(hide_password=True)}")
        print(f"one-time enrolment code for user {name!r} (role program_office: manages users and devices):")
        print(code)
        return 0
    if args.command == "serve":
        return _serve(args, data_dir)
    if args.command == "backup":
        db.backup_sqlite(db.resolve_db_url(data_dir, args.db), args.file)
        print(f"database copied to {args.file}")
        return 0
    if args.command == "restore":
        epoch = restore(data_dir, db.resolve_db_url(data_dir, args.db), args.file)
        print(f"database restored; new server epoch {epoch}: every device re-sends what the server lacks")
        return 0
    central = _central(args, data_dir)
    if args.command == "user":
        if args.user_cmd == "add":
            code = central.add_user(name=args.name, role=args.role, sites=args.site, educator=args.educator)
            print(f"user {args.name!r} added (role {args.role}); one-time enrolment code:")
            print(code)
        elif args.user_cmd == "code":
            code = central.user_code(name=args.name)
            print(f"one-time enrolment code for {args.name!r}:")
            print(code)
        else:
            for u in central.list_users():
                bound = ",".join(str(s) for s in u.sites) or (str(u.educator_id) if u.educator_id else "-")
                print(f"{_shown(u.name)}\t{u.role}\t{u.devices} device(s)\t{bound}")
        return 0
    if args.command == "needs":
        central.audit(who=None, action="admin.needs.read", detail=args.school_year)
        return _needs(central, args.school_year, args.csv)
    if args.command == "device":
        if args.device_cmd == "revoke":
            central.revoke_device(device_id=args.id)
            print(f"device {args.id} revoked")
        else:
            for d in central.list_devices():
                state = "revoked" if d.revoked else "active"
                seen = d.last_seen_at.isoformat(timespec="seconds") if d.last_seen_at else "-"
                print(f"{d.device_id}\t{_shown(d.user_name)}\t{_shown(d.name)}\t{state}\tlast seen {seen}")
        return 0
    raise AssertionError(args.command)  # argparse guarantees a known command


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except (CentralError, db.ServerConfigError) as exc:
        print(f"esp-central: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(
            f"esp-central: database error: {exc.__class__.__name__}: {str(exc).splitlines()[0]}",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(f"esp-central: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
