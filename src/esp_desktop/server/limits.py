"""Rate limits on failures (wrong device tokens, wrong enrolment codes), shared through the database.

Only failures spend tokens: a valid device token or enrolment code always works, so one misbehaving client
cannot lock out the others behind the same address (a school's NAT). Tokens are 256-bit and codes ~124-bit
random strings, so the limit is not what stops guessing; it keeps a broken or hostile client from filling
the audit log and loading the database. Buckets live in the `rate_limits` table so every worker process
(and every host behind the proxy) shares them.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError

from esp_desktop.core import clock
from esp_desktop.server import db
from esp_desktop.server.models import RateBucket

FORGET_AFTER_S = 3600.0


class Limiter(Protocol):
    def consume(self, key: str) -> bool:
        """Take one token from `key`'s bucket; False if it was empty."""
        ...


class DbRateLimiter:
    """Token buckets: `capacity` failures at once, refilled at `per_second`."""

    def __init__(self, engine: Engine, *, capacity: float, per_second: float) -> None:
        self.sessions = db.session_factory(db.for_writing(engine))
        self.capacity = capacity
        self.per_second = per_second

    def consume(self, key: str) -> bool:
        key = key[:200]
        for _attempt in range(3):
            try:
                return self._consume(key)
            except IntegrityError:  # two processes created the same new bucket at once: read it again
                continue
        return False

    def _consume(self, key: str) -> bool:
        now = clock.now().timestamp()
        with self.sessions.begin() as session:
            row = session.scalars(select(RateBucket).where(RateBucket.key == key).with_for_update()).first()
            if row is None:
                # A new bucket: forget buckets idle long enough to be full again (keeps the table small).
                session.execute(delete(RateBucket).where(RateBucket.stamp < now - FORGET_AFTER_S))
                session.add(RateBucket(key=key, level=self.capacity - 1.0, stamp=now))
                return True
            level = min(self.capacity, row.level + max(0.0, now - row.stamp) * self.per_second)
            ok = level >= 1.0
            row.level = level - 1.0 if ok else level
            row.stamp = now
            return ok
