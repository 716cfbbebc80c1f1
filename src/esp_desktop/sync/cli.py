"""`esp-desktop sync`: one headless sync with an esp-central server (plugged into esp_desktop.cli)."""

from __future__ import annotations

import argparse
import platform
from typing import Any

from ..core.errors import EspError


def register(sub: Any) -> None:
    sp = sub.add_parser(
        "sync",
        help="sync once with the central office server",
        description="Push local changes to esp-central and pull what changed there.",
    )
    sp.add_argument("--server", required=True, help="server URL, e.g. https://central.example.org:8443")
    sp.add_argument("--enrol", metavar="CODE", help="enrol this device with a one-time code first")
    sp.add_argument("--ca-cert", metavar="FILE", help="trust exactly this server certificate (self-signed)")
    sp.add_argument("--device-name", default=platform.node() or "esp-desktop", help="name shown to the admin")
    sp.add_argument(
        "--allow-mass-delete",
        action="store_true",
        help="go ahead even if more than half of the records would be deleted",
    )
    sp.add_argument("--retries", type=int, default=3, help="attempts on network errors (with back-off)")
    sp.add_argument("--batch-size", type=int, default=500, help=argparse.SUPPRESS)
    sp.set_defaults(handler=cmd_sync)


def cmd_sync(args: argparse.Namespace, cli: Any) -> int:
    from .client import Progress, SyncClient

    def show(p: Progress) -> None:
        if cli.args.verbose:
            total = f"/{p.total}" if p.total else ""
            print(f"{p.phase}: {p.done}{total}", flush=True)

    from .panel import PanelSync, is_panel_device

    store = cli.store()
    if not args.enrol and is_panel_device(store):  # a Panel member's device: no sync key, the Panel's records
        panel = PanelSync(store, server_url=args.server, ca_cert=args.ca_cert, batch_size=args.batch_size)
        try:
            prep = panel.sync()
        finally:
            panel.close()
        print(f"Synced (ESP Panel): {prep.pushed} sent, {prep.pulled} received, {prep.removed} removed "
              "(no longer on an agenda).")
        for line in prep.rejected:
            print(f"Refused by the server: {line}")
        return 0
    client = SyncClient(
        store,
        server_url=args.server,
        passphrase=cli.passphrase(),
        ca_cert=args.ca_cert,
        progress=show,
        batch_size=args.batch_size,
    )
    try:
        if args.enrol:
            resp = client.enrol(args.enrol, device_name=args.device_name)
            print(f"Enrolled this device for {resp.user_name} ({resp.role}).")
            if resp.role == "panel":
                client.close()
                args.enrol = None
                return cmd_sync(args, cli)
        elif client.state().get("server") not in (None, args.server.rstrip("/")):
            raise EspError(
                f"This store syncs with {client.state()['server']}; enrol again to switch servers."
            )
        rep = client.sync_with_retry(attempts=max(1, args.retries), allow_mass_delete=args.allow_mass_delete)
    finally:
        client.close()
    print(f"Synced: {rep.pushed} sent, {rep.pulled} received, {rep.conflicts} new conflict(s).")
    for line in rep.rejected:
        print(f"Refused by the server: {line}")
    open_conflicts = client.conflicts()
    if open_conflicts:
        print(f"{len(open_conflicts)} conflict(s) to resolve: the same record was changed on two devices.")
    return 0
