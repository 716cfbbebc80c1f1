"""Accounts: users, enrolment codes, enrolment, devices and device-token authentication."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import re
import uuid
from collections.abc import Sequence

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from esp_desktop.core.enums import ReaderKind
from esp_desktop.server.base import (
    CentralError,
    Clash,
    Database,
    Forbidden,
    NotFound,
    Principal,
    Unauthorized,
    aware,
    utcnow,
)
from esp_desktop.server.models import Device, EnrolmentCode, Record, User, UserSite
from esp_desktop.server.security import hash_secret, new_enrolment_code, new_token, normalise_code
from esp_desktop.sync import protocol as P

# The readers of core/policy.py, by the same names (sync/protocol.py Role).
ROLES = tuple(k.value for k in ReaderKind)
CODE_TTL = dt.timedelta(days=7)
LAST_SEEN_EVERY = dt.timedelta(seconds=60)


def _actor(by: Principal | None, remote: str | None) -> str:
    """Where an administrative action came from, for the audit log: the API caller's address, or the console
    (with the operating-system account that ran the command)."""
    if by is not None:
        return remote or "?"
    try:
        account = getpass.getuser()
    except (OSError, KeyError):
        account = "?"
    return f"console:{account}"[:64]


def _resolve(session: Session, rtype: str, ref: str) -> str:
    """A site or educator id: the id itself, or the one site (code or name) / educator (employee id) that the
    CT's devices sent in clear with that value. Nothing is decrypted: private records cannot be matched."""
    ref = ref.strip()
    try:
        return str(uuid.UUID(ref))
    except ValueError:
        pass
    keys = ("code", "name") if rtype == "site" else ("employee_id",)
    hits = set()
    for record_id, payload in session.execute(
        select(Record.record_id, Record.payload).where(Record.type == rtype, Record.deleted.is_(False),
                                                       Record.payload.is_not(None))
    ):
        data = json.loads(payload or "{}")
        if any(str(data.get(k) or "").casefold() == ref.casefold() for k in keys):
            hits.add(record_id)
    if len(hits) != 1:
        what = "site (id, code or name)" if rtype == "site" else "educator (id or employee id)"
        raise CentralError(f"{ref!r} {'matches several' if hits else 'matches no'} {what}; give the id")
    return hits.pop()


class Accounts(Database):
    def _issue_code(self, session: Session, user: User) -> str:
        code = new_enrolment_code()
        now = utcnow()
        session.add(
            EnrolmentCode(
                user_id=user.id,
                code_hash=hash_secret(normalise_code(code)),
                created_at=now,
                expires_at=now + CODE_TTL,
            )
        )
        return code

    def add_user(self, *, name: str, role: str, by: Principal | None = None, remote: str | None = None,
                 sites: Sequence[str] = (), educator: str | None = None) -> str:
        """Create a user and return a one-time enrolment code for their first device.

        `by` is the program office asking over the API; None means the server console. Accounts that read case
        content other than a CT's own (panel, school administrator, educator) and program office accounts are
        made on the console only: an office device (or a stolen token) must not be able to make itself a
        reader. A school administrator (`admin`) is bound to `sites`; an educator to their own case
        (`educator`); both may be given as ids, or as a site's code or name / an educator's employee id as the
        CT's device sent them.
        """
        name = name.strip()
        if role not in ROLES:
            raise CentralError(f"role must be one of {', '.join(ROLES)}")
        if by is not None and role != "ct":
            raise Forbidden("only consulting teacher accounts can be added over the API; "
                            "add other readers on the server console (esp-central user add)")
        if not name or len(name) > 120 or not re.match(P.NO_CONTROLS, name):
            raise CentralError("a user name must have 1 to 120 characters and no control characters")
        if role == ReaderKind.ADMIN and not sites:
            raise CentralError("a school administrator reads PAR cases at their sites only: give --site")
        if role == ReaderKind.EDUCATOR and not educator:
            raise CentralError("an educator reads their own case only: give --educator")
        if sites and role != ReaderKind.ADMIN or educator and role != ReaderKind.EDUCATOR:
            raise CentralError("--site is for a school administrator (admin), --educator for an educator")
        with self._write() as session:
            if session.scalar(select(User).where(User.name == name)):
                raise Clash(f"a user named {name!r} already exists")
            site_ids = [_resolve(session, "site", ref) for ref in sites]
            user = User(name=name, role=role, created_at=utcnow(),
                        educator_id=_resolve(session, "educator", educator) if educator else None)
            session.add(user)
            session.flush()
            for site_id in dict.fromkeys(site_ids):
                session.add(UserSite(user_id=user.id, site_id=site_id))
            code = self._issue_code(session, user)
            bound = f" sites={','.join(site_ids)}" if site_ids else f" educator={user.educator_id}" if educator else ""
            self._audit(session, who=by, action="user.add", detail=f"{name} ({role}){bound}",
                        remote=_actor(by, remote))
        return code

    def user_code(self, *, name: str) -> str:
        """A fresh enrolment code (console only)."""
        with self._write() as session:
            user = session.scalar(select(User).where(User.name == name))
            if user is None:
                raise NotFound(f"no user named {name!r}")
            code = self._issue_code(session, user)
            self._audit(session, who=None, action="user.code", detail=name, remote=_actor(None, None))
        return code

    def list_users(self) -> list[P.UserInfo]:
        with self.sessions() as session:
            rows = session.execute(
                select(User.id, User.name, User.role, User.educator_id, func.count(Device.id))
                .outerjoin(Device, and_(Device.user_id == User.id, Device.revoked_at.is_(None)))
                .group_by(User.id)
                .order_by(User.name)
            ).all()
            sites: dict[int, list[str]] = {}
            for user_id, site_id in session.execute(select(UserSite.user_id, UserSite.site_id)):
                sites.setdefault(user_id, []).append(site_id)
        return [
            P.UserInfo(name=n, role=r, devices=c, sites=sorted(sites.get(i, [])),  # type: ignore[arg-type]
                       educator_id=uuid.UUID(e) if e else None)
            for i, n, r, e, c in rows
        ]

    def list_devices(self) -> list[P.DeviceInfo]:
        with self.sessions() as session:
            rows = session.execute(
                select(Device, User.name).join(User, User.id == Device.user_id).order_by(Device.created_at)
            ).all()
        return [
            P.DeviceInfo(
                device_id=uuid.UUID(d.id),
                user_name=uname,
                name=d.name,
                created_at=aware(d.created_at),
                last_seen_at=aware(d.last_seen_at) if d.last_seen_at else None,
                revoked=d.revoked_at is not None,
            )
            for d, uname in rows
        ]

    def revoke_device(self, *, device_id: str, by: Principal | None = None, remote: str | None = None) -> None:
        with self._write() as session:
            device = session.get(Device, device_id)
            if device is None:
                raise NotFound(f"no device {device_id}")
            if device.revoked_at is None:
                device.revoked_at = utcnow()
            self._audit(session, who=by, action="device.revoke", detail=device_id, remote=_actor(by, remote))

    def enrol(self, *, code: str, device_name: str, remote: str | None) -> P.EnrolResponse:
        code_hash = hash_secret(normalise_code(code))
        with self._write() as session:
            # Locked: two requests with one code (two workers) must not both enrol.
            row = session.scalar(
                select(EnrolmentCode).where(EnrolmentCode.code_hash == code_hash).with_for_update()
            )
            now = utcnow()
            refused = row is None or row.used_at is not None or aware(row.expires_at) < now
            if not refused:
                assert row is not None
                row.used_at = now
                user = session.get_one(User, row.user_id)
                token = new_token()
                device = Device(
                    id=str(uuid.uuid4()),
                    user_id=user.id,
                    name=device_name,
                    token_hash=hash_secret(token),
                    created_at=now,
                    last_seen_at=now,
                )
                session.add(device)
                self._audit(
                    session,
                    who=Principal(user.id, user.name, user.role, device.id),
                    action="enrol",
                    detail=device_name,
                    remote=remote,
                )
        if refused:
            # Its own transaction, after the refusal: an audit row that is rolled back with it is no audit.
            self.audit(who=None, action="enrol.refused", remote=remote)
            raise Unauthorized("enrolment code is unknown, already used or expired")
        return P.EnrolResponse(
            device_id=uuid.UUID(device.id),
            token=token,
            user_name=user.name,
            role=user.role,  # type: ignore[arg-type]
        )

    def authenticate(self, token: str) -> Principal:
        with self.sessions() as session:
            row = session.execute(
                select(Device, User)
                .join(User, User.id == Device.user_id)
                .where(Device.token_hash == hash_secret(token))
            ).first()
        if row is None:
            raise Unauthorized("unknown device token; enrol this device again")
        device, user = row
        if device.revoked_at is not None:
            raise Unauthorized("this device has been revoked; ask the administrator for a new enrolment code")
        now = utcnow()
        if device.last_seen_at is None or now - aware(device.last_seen_at) > LAST_SEEN_EVERY:
            with self._write() as session:
                session.execute(update(Device).where(Device.id == device.id).values(last_seen_at=now))
        return Principal(user.id, user.name, user.role, device.id, user.educator_id)
