"""What each commit changed, published to whoever listens (the screens, the demo marker, tests).

The flush hook (``hooks.py``) already sees every record a session writes; after the commit it publishes one
``Changes`` (the ``(record type, id)`` pairs, their educators, and whether sync applied them) to the store's
``ChangeFeed``. Screens refresh from that instead of announcing their own writes, the way Anki's operations
return ``OpChanges`` and KeePassXC's model emits ``modified``.

    unsubscribe = store.changes.subscribe(lambda ch: print(ch.types))   # called on the committing thread
    with store.changes.collect() as seen: ...                           # every change made inside the block
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# Record types that belong to nobody in particular: a change to one of these may matter to every screen.
SHARED_TYPES = frozenset({"ct_profile", "site", "person", "panel_meeting", "pl_entry", "pd_session"})


@dataclass(frozen=True)
class Changes:
    records: frozenset[tuple[str, str]] = frozenset()  # (record type, record id)
    educators: frozenset[str] = frozenset()  # educators whose records changed
    remote: bool = False  # applied by sync (or import), not typed on this computer

    @property
    def types(self) -> frozenset[str]:
        return frozenset(t for t, _ in self.records)

    def __bool__(self) -> bool:
        return bool(self.records)

    def touches(self, *types: str) -> bool:
        return bool(self.types.intersection(types))

    def ids(self, record_type: str) -> frozenset[str]:
        return frozenset(i for t, i in self.records if t == record_type)

    def has(self, record_type: str, record_id: str) -> bool:
        return (record_type, record_id) in self.records

    def concerns(self, educator_id: str | None) -> bool:
        """Could this change show on a screen about ``educator_id``? (Its records, or shared ones.)"""
        return bool(educator_id and educator_id in self.educators) or self.touches(*SHARED_TYPES)

    def merged(self, other: Changes) -> Changes:
        return Changes(self.records | other.records, self.educators | other.educators, self.remote or other.remote)

    @staticmethod
    def union(items: Iterable[Changes]) -> Changes:
        out = Changes()
        for c in items:
            out = out.merged(c)
        return out


Listener = Callable[[Changes], None]


@dataclass
class ChangeFeed:
    """Thread-safe publish/subscribe of ``Changes``. Listeners run on the thread that committed; a failing
    listener is logged and never undoes or blocks the commit (it has already happened)."""

    _listeners: list[Listener] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def subscribe(self, fn: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(fn)

        def unsubscribe() -> None:
            with self._lock:
                if fn in self._listeners:
                    self._listeners.remove(fn)

        return unsubscribe

    def publish(self, changes: Changes) -> None:
        if not changes:
            return
        with self._lock:
            listeners = list(self._listeners)
        for fn in listeners:
            try:
                fn(changes)
            except Exception:  # a screen's bug must not turn a committed write into an error
                log.exception("a change listener failed")

    @contextmanager
    def collect(self) -> Iterator[list[Changes]]:
        """Every ``Changes`` published while the block runs (on any thread)."""
        seen: list[Changes] = []
        lock = threading.Lock()

        def add(ch: Changes) -> None:
            with lock:
                seen.append(ch)

        unsubscribe = self.subscribe(add)
        try:
            yield seen
        finally:
            unsubscribe()
