"""A small runtime checker of values against the typed dicts of `slaledger._types`.

The stubs promise shapes (`list[MetricRecord]`, ...); these tests hold every result of the
scenario corpus to them, so the stubs cannot drift from what the binding returns.
"""

from __future__ import annotations

import types
import typing
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints


def check(value: Any, tp: Any, path: str = "value", *, exact: bool = False) -> None:
    """Asserts that `value` has type `tp`; with `exact`, typed dicts must have every key.

    Keys a typed dict does not declare are allowed: SPEC §7 lets the core add fields to
    its results (never rename them), so the stubs promise the fields they list.
    """
    origin = get_origin(tp)
    if typing.is_typeddict(tp):
        assert isinstance(value, dict), f"{path}: expected a dict, got {value!r}"
        hints = get_type_hints(tp)
        required = tp.__required_keys__
        missing = (set(hints) if exact else set(required)) - set(value)
        assert not missing, f"{path}: {tp.__name__} lacks {sorted(missing)}"
        for key, item in value.items():
            if key in hints:
                check(item, hints[key], f"{path}.{key}", exact=exact)
        return
    if origin in (Union, types.UnionType):
        errors = []
        for option in get_args(tp):
            try:
                check(value, option, path, exact=exact)
                return
            except AssertionError as err:
                errors.append(str(err))
        raise AssertionError(f"{path}: {value!r} matches none of {tp}: {errors}")
    if origin is Literal:
        assert value in get_args(tp), f"{path}: {value!r} not in {get_args(tp)}"
        return
    if origin is list:
        assert isinstance(value, list), f"{path}: expected a list, got {value!r}"
        (item_type,) = get_args(tp)
        for i, item in enumerate(value):
            check(item, item_type, f"{path}[{i}]", exact=exact)
        return
    if origin is dict:
        assert isinstance(value, dict), f"{path}: expected a dict, got {value!r}"
        _, item_type = get_args(tp)
        for key, item in value.items():
            check(item, item_type, f"{path}.{key}", exact=exact)
        return
    if tp is type(None):
        assert value is None, f"{path}: expected None, got {value!r}"
        return
    if tp is datetime:
        assert isinstance(value, datetime), f"{path}: expected datetime, got {value!r}"
        assert value.tzinfo is timezone.utc, f"{path}: not UTC: {value!r}"
        return
    if tp is int:
        assert isinstance(value, int) and not isinstance(value, bool), f"{path}: {value!r}"
        return
    assert tp in (str, bool, timedelta, Decimal), f"{path}: unsupported annotation {tp}"
    assert type(value) is tp, f"{path}: expected {tp.__name__}, got {value!r}"
