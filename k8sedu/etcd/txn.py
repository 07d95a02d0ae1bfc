"""The parts of an etcd transaction: compares, ops, and the checks made before applying any op.

Models etcd's ``server/etcdserver/txn/txn.go`` (``applyCompare``, ``compareKV``) and
``api/v3rpc/key.go`` (``checkTxnRequest``, ``checkIntervals``). A compare is
``(key, target, op, value)`` with target ``value``, ``version``, ``create_revision`` or
``mod_revision`` and op ``==``, ``!=``, ``<`` or ``>``; an op is ``("put", key, value[, lease])``,
``("delete", key)``, ``("get", key)`` or ``("range", prefix)``. The store applies them
(``store.py``, ``Etcd.txn``).

Simplified: no ``lease`` compare target, no key ranges in compares, no nested txns.

    >>> compare_kv(None, "version", "==", 0)      # a missing key has version 0
    True
    >>> compare_kv(None, "value", "!=", "x")      # ... but no value to compare at all
    False
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from k8sedu.etcd.store import KeyValue

TARGETS = ("value", "version", "create_revision", "mod_revision")
RESULTS = ("==", "!=", "<", ">")
_OP_SHAPES = {"put": (3, 4), "delete": (2,), "get": (2,), "range": (2,)}
_OP_HELP = "('put', key, value[, lease]), ('delete', key), ('get', key) or ('range', prefix)"


def compare_kv(kv: KeyValue | None, target: str, result: str, want: int | str) -> bool:
    """Whether the live version ``kv`` (None if the key does not exist) passes the compare."""
    if kv is None:
        if target == "value":
            # applyCompare: "Always fail if comparing a value on a key/keys that doesn't exist"
            return False
        have: int | str = 0  # compareKV against an empty KeyValue
    else:
        have = getattr(kv, target)
    if result == "==":
        return have == want
    if result == "!=":
        return have != want
    return have < want if result == "<" else have > want  # str: code points = UTF-8 byte order


def check_compare(cmp: object) -> None:
    if not isinstance(cmp, tuple | list) or len(cmp) != 4:
        raise ValueError(f"a txn compare is (key, target, op, value), got {cmp!r}")
    _, target, result, want = cmp
    if target not in TARGETS:
        raise ValueError(f"unknown compare target {target!r}: use one of {', '.join(TARGETS)}")
    if result not in RESULTS:
        raise ValueError(f"unknown compare op {result!r}: use one of {', '.join(RESULTS)}")
    kind = str if target == "value" else int
    if not isinstance(want, kind) or isinstance(want, bool):
        raise ValueError(f"compare {target} against a {kind.__name__}, got {want!r}")


def check_key(key: object, value: object = "", *, empty_ok: bool = False) -> None:
    if not isinstance(key, str) or not isinstance(value, str):
        raise TypeError(f"etcd keys and values are str, got {key!r}: {value!r}")
    if not key and not empty_ok:  # the empty range prefix means every key
        raise ValueError("etcdserver: key is not provided")  # rpctypes.ErrGRPCEmptyKey


def check_ops(ops: list) -> None:
    """Reject a malformed op, and a key written twice (etcd's ``checkIntervals``)."""
    puts: set[str] = set()
    deletes: set[str] = set()
    for op in ops:
        name = op[0] if isinstance(op, tuple | list) and op else None
        if name not in _OP_SHAPES or len(op) not in _OP_SHAPES[name]:
            raise ValueError(f"unknown txn op {op!r}: use {_OP_HELP}")
        key = op[1]
        check_key(key, op[2] if name == "put" else "", empty_ok=name == "range")
        # a put may not meet another put or a delete of its key; two deletes are fine
        if (name == "put" and (key in puts or key in deletes)) or (
            name == "delete" and key in puts
        ):
            raise ValueError("etcdserver: duplicate key given in txn request")
        if name == "put":
            puts.add(key)
        elif name == "delete":
            deletes.add(key)
