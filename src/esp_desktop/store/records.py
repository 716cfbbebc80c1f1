"""The JSON form of every record: what exports and sync carry (``record_to_dict`` / ``apply_record_dict``).

A record's JSON form is ``{id, type, audience, updated_at, created_at, version, deleted, <fields>}``; dates and
datetimes are ISO-8601 strings. The export document around these lives in ``services/transfer.py``.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from ..core.enums import Audience
from ..core.errors import ValidationError
from .models import RECORD_TYPES, Record

_ENVELOPE = ("id", "type", "audience", "updated_at", "created_at", "version", "deleted")
_LOCAL_ONLY = {"sync_dirty"}


@cache
def _columns(rtype: str) -> tuple[str, ...]:
    """Column keys of a record type (cached by type name: called for every exported or synced record)."""
    model = RECORD_TYPES[rtype]
    return tuple(c.key for c in sa_inspect(model).column_attrs)


@cache
def _writable(rtype: str) -> frozenset[str]:
    return frozenset(_columns(rtype)) - _LOCAL_ONLY


@cache
def _parsers(rtype: str) -> dict[str, Any]:
    """Column key -> parser for date/datetime columns (the rest pass through as JSON values)."""
    model = RECORD_TYPES[rtype]
    out: dict[str, Any] = {}
    for col in sa_inspect(model).columns:
        if hasattr(col.type, "impl"):  # UTCDateTime
            out[col.key] = datetime.fromisoformat
        elif getattr(col.type, "python_type", None) is date:
            out[col.key] = date.fromisoformat
    return out


_AS_IS = frozenset({str, int, bool, float, type(None), list, dict})


def _jsonable(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    return v


def record_to_dict(obj: Record) -> dict[str, Any]:
    d: dict[str, Any] = {"id": obj.id, "type": obj.__record_type__}
    for key in _columns(obj.__record_type__):
        if key in _LOCAL_ONLY or key == "id":
            continue
        d[key] = _jsonable(getattr(obj, key))
    return d


def row_to_dict(rtype: str, row: Mapping[str, Any] | Any) -> dict[str, Any]:
    """``record_to_dict`` for a Core row of the record's table (bulk paths: no ORM object per record)."""
    d: dict[str, Any] = {"id": row["id"], "type": rtype}
    for key in _columns(rtype):
        if key in _LOCAL_ONLY or key == "id":
            continue
        v = row[key]
        d[key] = v if type(v) in _AS_IS else _jsonable(v)  # (most values: no isinstance checks per value)
    return d


def is_record_id(value: object) -> bool:
    """A record id is a canonical (lower-case, hyphenated) UUID. Ids are joined into file names (attachments),
    so anything else from a server or an import file is refused before it gets near a path."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def check_record_id(rtype: str | None, value: object) -> str:
    if not is_record_id(value):
        raise ValidationError(f"A {rtype or 'record'} has no valid id (a record id is a UUID).")
    return str(value)


def values_from_dict(d: Mapping[str, Any]) -> tuple[type[Record], dict[str, Any]]:
    """The model and column values of a record's JSON form: known fields only, dates parsed, id and audience
    checked. Shared by ``apply_record_dict`` and the sync engine's bulk apply, so both accept the same input."""
    rtype = d.get("type")
    model = RECORD_TYPES.get(rtype or "") if isinstance(rtype, str) else None
    if model is None:
        raise ValidationError(f"Unknown record type {rtype!r}.")
    check_record_id(rtype, d.get("id"))
    cols = _writable(model.__record_type__)
    unknown = d.keys() - cols - {"type"} - model.__dropped_fields__  # (older copies may still carry these)
    if unknown:
        raise ValidationError(f"{rtype} record has unknown field(s): {', '.join(sorted(unknown))}.")
    values = {k: v for k, v in d.items() if k in cols}
    for key in _parsers(model.__record_type__).keys() & values.keys():  # only date columns need parsing
        values[key] = _parse(model, key, values[key])
    if "audience" in values:
        try:
            Audience(values["audience"])
        except ValueError:
            raise ValidationError(f"{rtype} record has an unknown audience {values['audience']!r}.") from None
    return model, values


def _parse(model: type[Record], key: str, value: Any) -> Any:
    if value is None:
        return None
    parser = _parsers(model.__record_type__).get(key)
    if parser is None:
        return value
    try:
        return parser(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{model.__record_type__}.{key}: {value!r} is not a valid date.") from None


def apply_record_dict(
    s: Session, d: dict[str, Any], *, keep_newer_local: bool = True, mark_dirty: bool = False
) -> str:
    """Insert or update one record from its JSON form. Returns "created", "updated" or "unchanged".

    Idempotent by id: a record is only overwritten by a higher version (or the same version with a later
    ``updated_at``), so importing the same document twice changes nothing. ``mark_dirty`` marks what was
    written as not yet on the sync server (an import); otherwise it is marked clean (it came from the server).
    """
    model, values = values_from_dict(d)
    existing = s.get(model, d["id"])
    if existing is None:
        obj = model(**values)
        obj.sync_dirty = mark_dirty
        s.add(obj)
        return "created"
    newer = (values.get("version", 0), values.get("updated_at") or datetime.min) > (
        existing.version, existing.updated_at)
    if keep_newer_local and not newer:
        return "unchanged"
    for k, v in values.items():
        setattr(existing, k, v)
    existing.sync_dirty = mark_dirty
    return "updated"
