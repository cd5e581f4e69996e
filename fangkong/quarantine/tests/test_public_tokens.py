"""The self-report link's token: long, random, and the only key. Nothing about a wrong token
(malformed, never issued, altered by one character, with a NUL byte) tells it apart from a
link that does not exist."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.quarantine.models import Placement

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32): 256 bits
# Masked afresh for every page: the CSRF token; and the language switch's return address,
# which is the address asked for.
VARYING = re.compile(
    r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": |name="next" type="hidden" value=)"[^"]*"'
)


@pytest.fixture
def recent(place, new_person) -> Placement:
    return place(new_person("自报者"), "301", starts_at=timezone.now() - dt.timedelta(days=1))


def _seen(path: str) -> tuple[int, str]:
    response = Client().get(path)
    return response.status_code, VARYING.sub("", response.content.decode())


def test_every_placement_has_its_own_256_bit_token(place, new_person, recent):
    other = place(new_person(), "302", starts_at=timezone.now() - dt.timedelta(days=1))
    assert TOKEN.fullmatch(recent.report_token or "")
    assert TOKEN.fullmatch(other.report_token or "")
    assert recent.report_token != other.report_token


def test_a_wrong_token_answers_exactly_like_a_missing_page(recent):
    real = recent.report_token or ""
    altered = ("A" if real[0] != "A" else "B") + real[1:]
    missing = _seen("/quarantine/r/")
    assert missing[0] == 404
    for token in (
        secrets.token_urlsafe(32),  # well-formed, never issued
        altered,  # one character off
        real.swapcase(),  # a collation folding case must not let it in
        "short",
        real + "x",
        "%00" + real[1:],  # a NUL byte, which PostgreSQL refuses in a query
        "x" * 5000,
    ):
        assert _seen(f"/quarantine/r/{token}/") == missing, token
    assert Client().get(f"/quarantine/r/{real}/").status_code == 200
