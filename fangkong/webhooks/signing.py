"""Signing a delivery's body, and checking a signature the way a receiver does.

Header: `X-Fangkong-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`, each v1 the HMAC-SHA256
of `<t>.<body>` under one of the subscription's secrets (two during a rotation's grace period).
The receiver recomputes it with its secret, compares in constant time, and refuses a `t` too
far from its clock (a replayed old delivery).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterable, Mapping
from typing import Any

SIGNATURE_HEADER = "X-Fangkong-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def payload_body(payload: Mapping[str, Any]) -> bytes:
    """The bytes sent: compact UTF-8 JSON, keys sorted, the same on every retry."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secrets: Iterable[str], timestamp: int, body: bytes) -> str:
    return ",".join(
        [f"t={timestamp}", *(f"v1={signature(secret, timestamp, body)}" for secret in secrets)]
    )


def signature_verify(
    *,
    secret: str,
    body: bytes,
    header: str,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """What a receiver does (the README shows the same in a few lines of its own)."""
    parts = [part.partition("=") for part in header.split(",")]
    stamps = [value for key, _eq, value in parts if key.strip() == "t"]
    given = [value.strip() for key, _eq, value in parts if key.strip() == "v1"]
    stamp = stamps[0].strip() if len(stamps) == 1 else ""
    if not (stamp.isascii() and stamp.isdigit()) or not given:
        return False
    timestamp = int(stamp)
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in given)
