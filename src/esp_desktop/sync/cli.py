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
    sp.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow a plain http:// server on another computer (test networks only: nothing is encrypted)",
    )
    sp.add_argument("--batch-size", type=int, default=500, help=argparse.SUPPRESS)
    sp.set_defaults(handler=cmd_sync)

    cp = sub.add_parser(
        "conflicts",
        help="list sync conflicts, or resolve one",
        description="Records changed on two devices: both versions are kept until you choose. Lists the open "
        "ones; --resolve ID --keep mine|theirs settles one (sent to the server at the next sync).",
    )
    cp.add_argument("--all", action="store_true", help="also list resolved conflicts")
    cp.add_argument("--resolve", metavar="ID", help="the conflict to settle (its id, or the first characters)")
    cp.add_argument(
        "--keep",
        choices=["mine", "theirs"],
        help="mine: the version kept aside becomes current; theirs: keep the version in use",
    )
    cp.set_defaults(handler=cmd_conflicts)


def cmd_sync(args: argparse.Namespace, cli: Any) -> int:
    from .client import Progress, SyncClient
    from .learning import exchange_catalog, send_needs_counts

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
        allow_insecure_http=args.allow_insecure_http,
    )
    try:
        if args.enrol:
            resp = client.enrol(args.enrol, device_name=args.device_name)
            print(f"Enrolled this device for {resp.user_name} ({resp.role}).")
            if resp.role == "panel":  # a Panel member's device: sync in Panel mode (no sync key)
                client.close()
                args.enrol = None
                return cmd_sync(args, cli)
        else:
            st = client.state()
            if st.server not in (None, client.server_url):
                raise EspError(f"This store syncs with {st.server}; enrol again to switch servers.")
        rep = client.sync_with_retry(attempts=max(1, args.retries), allow_mass_delete=args.allow_mass_delete)
        # Learning Match: the de-identified needs counts and the shared catalog, as the app does after a sync
        svc = cli.services()
        profile = svc.caseload.profile()
        send_needs_counts(client, svc.learning, school_year=(profile.school_year if profile else "") or "")
        changed = exchange_catalog(client, svc.learning)
    finally:
        client.close()
    print(f"Synced: {rep.pushed} sent, {rep.pulled} received, {rep.conflicts} new conflict(s).")
    if changed:
        print(f"Shared catalog: {changed} entr{'y' if changed == 1 else 'ies'} from other CTs added or updated.")
    for line in rep.rejected:
        print(f"Refused by the server: {line}")
    open_conflicts = cli.services().conflicts.count()
    if open_conflicts:
        print(f"{open_conflicts} conflict(s) to resolve: the same record was changed on two devices "
              "(esp-desktop conflicts).")
    return 0


def cmd_conflicts(args: argparse.Namespace, cli: Any) -> int:
    from ..core.enums import label

    svc = cli.services().conflicts
    if args.resolve:
        if not args.keep:
            raise EspError("Say which version to keep: --keep mine (the one kept aside) or --keep theirs.")
        matches = [c for c in svc.list() if c.conflict_id.startswith(args.resolve.strip().lower())]
        if len(matches) != 1:
            raise EspError(f"{'No' if not matches else 'More than one'} open conflict matches {args.resolve!r}.")
        svc.resolve(matches[0].conflict_id, keep=args.keep)
        print(f"Resolved {matches[0].conflict_id} (kept {args.keep}); the next sync tells the server.")
        return 0
    rows = svc.list(include_resolved=args.all)
    for c in rows:
        fields = sorted(k for k in set(c.current) | set(c.other)
                        if k not in _IGNORED and k in c.other and c.current.get(k) != c.other.get(k))
        state = "resolved" if c.resolved else "open"
        print(f"{c.conflict_id}\t{label(c.record_type)}\t{c.record_id}\t{state}\t"
              f"{', '.join(fields) if c.current else 'deleted here'}")
    if not rows:
        print("No sync conflicts.")
    return 0


_IGNORED = {"id", "type", "version", "created_at", "updated_at", "sync_dirty"}
