"""Conversions between Python values and the JSON the Loom API speaks."""

import datetime
import math
import re

from ._errors import BadRequestError

__all__ = ["check_key", "check_path", "scalar", "plain", "to_wire", "from_wire", "from_wire_deep", "iso_ms", "key_value_strings"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NONFINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def check_key(kind, key):
    """Validate a metric/param/tag/property key (1-250 characters, no control characters).

    Checked on the client so one bad name fails at the call instead of losing a whole batch.
    """
    if not isinstance(key, str):
        raise TypeError("%s name must be a str, got %r" % (kind, key))
    if not 1 <= len(key) <= 250 or _CONTROL.search(key):
        raise ValueError("invalid %s name %r: 1-250 characters without control characters" % (kind, key))
    return key


def check_path(path):
    """Validate an artifact path: relative, '/'-separated, no '.'/'..'/empty segments, backslashes
    or control characters.

    Checked on the client because HTTP servers resolve dot segments in a URL before routing, so
    ``outputs/../x`` would silently be stored as ``x`` instead of being refused.
    """
    if (not isinstance(path, str) or not path or "\\" in path or _CONTROL.search(path)
            or any(segment in ("", ".", "..") for segment in path.split("/"))):
        raise BadRequestError("invalid artifact path %r: relative, '/'-separated, without '.', '..', "
                              "empty segments, backslashes or control characters" % (path,),
                              code="invalid_path")
    return path


def scalar(value):
    """A metric value as int or float; None when it is not a number (e.g. a free-text string)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if value in _NONFINITE:
            return _NONFINITE[value]
        try:
            return float(value)
        except ValueError:
            return None
    item = getattr(value, "item", None)  # numpy / torch scalars
    if callable(item):
        try:
            return scalar(item())
        except (TypeError, ValueError):
            pass
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def plain(value):
    """A JSON-compatible deep copy of ``value`` (lists, dicts, numbers, strings, None).

    Numpy arrays and scalars are converted with ``tolist()``; tuples become lists. The copy
    protects logged rows from later changes to the caller's objects.
    """
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return plain(tolist())
    number = scalar(value)
    if number is not None:
        return number
    if hasattr(value, "__iter__"):
        return [plain(v) for v in value]
    return str(value)


def to_wire(value):
    """Replace NaN and infinities (at any depth) by the strings the API uses for them."""
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (math.inf, -math.inf):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_wire(v) for v in value]
    return value


def from_wire(value):
    """Inverse of :func:`to_wire` for scalars: "NaN", "Infinity", "-Infinity" become floats."""
    if isinstance(value, str) and value in _NONFINITE:
        return _NONFINITE[value]
    return value


def from_wire_deep(value):
    """:func:`from_wire` applied at any depth of lists and dicts."""
    if isinstance(value, dict):
        return {k: from_wire_deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_wire_deep(v) for v in value]
    return from_wire(value)


def iso_ms(epoch_seconds):
    """UTC ISO-8601 with milliseconds and 'Z', e.g. ``2026-11-25T10:00:00.123Z``."""
    millis = int(epoch_seconds * 1000)
    moment = datetime.datetime.fromtimestamp(millis // 1000, datetime.timezone.utc)
    return "%s.%03dZ" % (moment.strftime("%Y-%m-%dT%H:%M:%S"), millis % 1000)


def key_value_strings(kind, mapping):
    """Validate keys and turn values into strings, as params, tags and properties are stored."""
    if mapping is None:
        return {}
    out = {}
    for key, value in dict(mapping).items():
        check_key(kind, key)
        out[key] = "" if value is None else value if isinstance(value, str) else str(value)
    return out
