"""A read-only folder, a full disk and a database held by another program each get their own one-line message
with what to do (no library names); nothing is half-written."""

from __future__ import annotations

import errno

import pytest
from sqlalchemy import event, text

from esp_desktop.core.errors import DiskFull, FileBusy, ReadOnlyPlace, explain_database_error, explain_os_error


def _no_library_words(msg: str) -> None:
    for word in ("sqlite", "sqlalchemy", "errno", "OperationalError", "Traceback", "http"):
        assert word.lower() not in msg.lower(), msg


def test_file_system_failures_get_their_own_plain_message() -> None:
    cases = [
        (OSError(errno.EROFS, "Read-only file system", "/media/usb/a.pdf"), ReadOnlyPlace, "read-only"),
        (PermissionError(errno.EACCES, "Permission denied", "/srv/x.pdf"), ReadOnlyPlace, "write access"),
        (OSError(errno.ENOSPC, "No space left on device", "/tmp/a"), DiskFull, "disk is full"),
        (OSError(errno.EBUSY, "Device or resource busy", "C:/packet.pdf"), FileBusy, "in use by another program"),
    ]
    for exc, kind, words in cases:
        plain = explain_os_error(exc)
        assert isinstance(plain, kind) and words in str(plain)
        _no_library_words(str(plain))
        assert "\n" not in str(plain)
    assert explain_os_error(OSError(errno.ENOENT, "No such file")) is None


def test_database_failures_become_plain_errors_and_nothing_is_written(svc) -> None:
    store = svc.store
    e = svc.caseload.add_educator(given_name="Ana", family_name="Silva")

    def attempt(pragma: str, undo: str, kind: type) -> str:
        """Every connection the write checks out gets ``pragma`` (read-only, or no room left)."""

        def on_checkout(dbapi_conn, _record, _proxy) -> None:
            dbapi_conn.execute(pragma)

        event.listen(store.engine, "checkout", on_checkout)
        try:
            with pytest.raises(kind) as info:
                svc.caseload.update_educator(e.id, role_subject="Grade 5 " + "x" * 20_000)
        finally:
            event.remove(store.engine, "checkout", on_checkout)
            store.engine.dispose()  # fresh connections, without the pragma
        return str(info.value)

    msg = attempt("PRAGMA query_only = 1", "PRAGMA query_only = 0", ReadOnlyPlace)
    assert msg.startswith("Your data folder is read-only") and "nothing was lost" in msg
    with store.engine.connect() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar()
    msg = attempt(f"PRAGMA max_page_count = {pages}", "PRAGMA max_page_count = 2147483646", DiskFull)
    assert msg.startswith("The disk is full")
    assert svc.caseload.educator(e.id).role_subject is None, "the refused writes left nothing behind"
    for m in (explain_database_error("database is locked"), explain_database_error("attempt to write a readonly database"),
              explain_database_error("database or disk is full")):
        assert m is not None
        _no_library_words(str(m))
    assert isinstance(explain_database_error("database is locked"), FileBusy)
