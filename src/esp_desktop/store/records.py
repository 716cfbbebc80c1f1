"""The JSON form of every record: what exports and sync carry (``record_to_dict`` / ``apply_record_dict``).

A record's JSON form is ``{id, type, audience, updated_at, created_at, version, deleted, <fields>}``; dates and
datetimes are ISO-8601 strings. The export document around these lives in ``services/transfer.py``.
"""

from __future__ import annotations

import base64
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


def apply_record_dict(s: Session, d: dict[str, Any], *, keep_newer_local: bool = True) -> str:
    """Insert or update one record from its JSON form. Returns "created", "updated" or "unchanged".

    Idempotent by id: a record is only overwritten by a higher version (or the same version with a later
    ``updated_at``), so importing the same document twice changes nothing.
    """
    rtype = d.get("type")
    model = RECORD_TYPES.get(rtype or "")
    if model is None:
        raise ValidationError(f"Unknown record type {rtype!r}.")
    if not isinstance(d.get("id"), str) or len(d["id"]) != 36:
        raise ValidationError(f"A {rtype} record has no valid id.")
    cols = _writable(model.__record_type__)
    unknown = set(d) - cols - {"type"} - model.__dropped_fields__
    if unknown:
        raise ValidationError(f"{rtype} record has unknown field(s): {', '.join(sorted(unknown))}.")
    values = {k: _parse(model, k, v) for k, v in d.items() if k in cols}
    if "audience" in values:
        Audience(values["audience"])
    existing = s.get(model, d["id"])
    if existing is None:
        obj = model(**values)
        obj.sync_dirty = False
        s.add(obj)
        return "created"
    newer = (values.get("version", 0), values.get("updated_at") or datetime.min) > (
        existing.version, existing.updated_at)
    if keep_newer_local and not newer:
        return "unchanged"
    for k, v in values.items():
        setattr(existing, k, v)
    existing.sync_dirty = False
    return "updated"
