"""Idempotency keys of the API: a retried POST gets the first answer instead of a second row.

An integrator that loses the answer to a POST (a timeout, a dropped connection) cannot know
whether the venue, the case, the report was created; retrying it without a key makes a second
one. With `Idempotency-Key: <key>` on the POST, the first request with that key runs and its
answer is kept; a retry with the same key and the same body is given that answer again (same
status and body, header `Idempotent-Replayed: true`) and creates nothing.

- A key belongs to one caller (the user, or the API token when a token authenticated the call)
  and one operation (method and path): another caller or another path with the same key is
  independent.
- The same key with another body is refused (422 `idempotency_mismatch`): it is a client bug,
  and replaying the first answer would tell the client its second request succeeded.
- A second request while the first still runs answers 409 `idempotency_in_progress` with
  Retry-After, rather than waiting for the first: waiting would hold a web worker and a
  database connection for as long as the first request takes (an ingest may take many
  seconds), the first may never finish, and the client retries anyway — the IETF draft
  (httpapi-idempotency-key-header) answers 409 for the same reason.
- Only answers below 500 are kept (and not 429, which says "try again later"): a server error
  or a crash releases the key, so the retry runs anew.
- Keys expire after FANGKONG_IDEMPOTENCY_TTL_HOURS (24 by default): an expired key is reused
  as a new one, and the job `core.idempotency_expire` removes expired records.
- A kept answer is a copy of personal data: the persons it names are kept beside it
  (`IdempotencyPerson`, see `named_persons`), so a person's retention removes the records
  naming them at once (not only after the TTL: a person may be anonymised within a day of a
  POST naming them) and their subject export lists them (people/stored_answers.py).

This module holds the services (claim, complete, release, expire) and the schema's
description of the header (HEADER_PARAMETER, which core/api/schema.py puts on every POST);
`idempotency_middleware` applies them to every POST of the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from fangkong.core.conf import core_settings
from fangkong.core.models import IdempotencyPerson, IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# The path column's width; a longer path (none of the API's routes) is simply not keyed.
MAX_PATH_LENGTH = IdempotencyRecord._meta.get_field("path").max_length or 500
# A claim still in progress after this long belongs to a request that died (a killed worker):
# far beyond the server's request timeout, so a request still running is never taken over.
ABANDONED_AFTER = dt.timedelta(minutes=10)
# Response headers a replay gives back with the body.
KEPT_HEADERS = ("Location", "Content-Language")
# The person registry's model (`app_label.model_name`): an answer that is a person names them.
PERSON_MODEL = "people.person"


def key_is_valid(key: str) -> bool:
    """1 to 255 printable ASCII characters (space to tilde), as HTTP header values allow."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(" " <= c <= "~" for c in key)


def idempotency_ttl() -> dt.timedelta:
    return dt.timedelta(hours=core_settings().idempotency_ttl_hours)


@dataclass(frozen=True)
class Claim:
    """What a request with a key may do: run (`record` is its fresh claim), or not run and be
    answered from the record (replay), or be refused (mismatch, in_progress)."""

    outcome: Literal["run", "replay", "mismatch", "in_progress"]
    record: IdempotencyRecord | None


def _taken_over(record: IdempotencyRecord, *, fingerprint: str, now: dt.datetime) -> bool:
    """Turn an expired or abandoned record into a fresh claim; False if another request did
    so first (the row changed since it was read)."""
    return bool(
        IdempotencyRecord.objects.filter(
            pk=record.pk, created_at=record.created_at, status=record.status
        ).update(
            fingerprint=fingerprint,
            status=None,
            content_type="",
            headers={},
            body=b"",
            created_at=now,
            completed_at=None,
        )
    )


def idempotency_claim(
    *, owner: str, user_id: int, key: str, method: str, path: str, fingerprint: str
) -> Claim:
    """Claim the key for this request, in its own transaction: committed before the view
    runs, so a concurrent request with the key meets the row (the unique constraint) instead
    of running too."""
    for _attempt in range(3):
        now = timezone.now()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        owner=owner,
                        user_id=user_id,
                        key=key,
                        method=method,
                        path=path,
                        fingerprint=fingerprint,
                        created_at=now,
                    )
                return Claim("run", record)
            except IntegrityError:
                record_or_none = (
                    IdempotencyRecord.objects.select_for_update()
                    .filter(owner=owner, key=key, method=method, path=path)
                    .first()
                )
            if record_or_none is None:
                continue  # removed (expired) between the insert and the read: claim again
            record = record_or_none
            expired = record.created_at <= now - idempotency_ttl()
            abandoned = record.in_progress and record.created_at <= now - ABANDONED_AFTER
            if expired or abandoned:
                if _taken_over(record, fingerprint=fingerprint, now=now):
                    record.refresh_from_db()
                    return Claim("run", record)
                continue
            if record.fingerprint != fingerprint:
                return Claim("mismatch", record)
            if record.in_progress:
                return Claim("in_progress", record)
            return Claim("replay", record)
    # Three races lost in a row: only other requests with this very key can cause that.
    return Claim("in_progress", None)


def named_persons(data: Any) -> set[int]:
    """The persons an answer names, by id: a person answered itself (the registry's record), or
    under a key `person` or `…_person` anywhere in it, as an id or as an object with its `id`
    (a placement's person, a batch's placements, a review flag's source person)."""
    found: set[int] = set()
    instance = getattr(getattr(data, "serializer", None), "instance", None)
    if isinstance(instance, Model) and instance._meta.label_lower == PERSON_MODEL:
        found.add(int(instance.pk))
    _collect_persons(data, found)
    return found


def _collect_persons(value: Any, found: set[int]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if key == "person" or str(key).endswith("_person"):
                named = inner.get("id") if isinstance(inner, Mapping) else inner
                if isinstance(named, int) and not isinstance(named, bool):
                    found.add(named)
            _collect_persons(inner, found)
    elif isinstance(value, list | tuple):
        for inner in value:
            _collect_persons(inner, found)


def idempotency_complete(
    *,
    record: IdempotencyRecord,
    status: int,
    content_type: str,
    headers: dict[str, Any],
    body: bytes,
    persons: Iterable[int] = (),
) -> None:
    """Keep the answer of the request that ran, for its retries, with the persons it names
    (`named_persons`): a kept answer is a copy of their data, which their retention removes
    and their export lists (people/stored_answers.py)."""
    with transaction.atomic():
        kept = IdempotencyRecord.objects.filter(pk=record.pk, status__isnull=True).update(
            status=status,
            content_type=content_type[:100],
            headers=headers,
            body=body,
            completed_at=timezone.now(),
        )
        if kept:
            IdempotencyPerson.objects.bulk_create(
                IdempotencyPerson(record_id=record.pk, person_id=pk) for pk in sorted(set(persons))
            )


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Forget a claim whose request failed (a server error): its retry runs anew."""
    with transaction.atomic():
        IdempotencyRecord.objects.filter(pk=record.pk, status__isnull=True).delete()


def idempotency_expire(now: dt.datetime) -> int:
    """The periodic job: remove the records older than FANGKONG_IDEMPOTENCY_TTL_HOURS.
    Idempotent; a claim still in progress is never that old (see ABANDONED_AFTER)."""
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lte=now - idempotency_ttl()
    ).delete()
    return deleted


JOBS = [("idempotency_expire", idempotency_expire)]


def register() -> None:
    """Called from CoreConfig.ready()."""
    from fangkong.operations.job_runner import register_jobs

    register_jobs("core", JOBS)


# The header as the OpenAPI schema documents it on every POST (core/api/schema.py adds it).
HEADER_PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH, "pattern": "^[ -~]{1,255}$"},
    "description": (
        "A key the client makes up (a UUID) to retry this POST safely: a retry with the same "
        "key and the same body answers the first answer again (header Idempotent-Replayed: "
        "true) and creates nothing; the same key with another body answers 422 "
        "(idempotency_mismatch); while the first request runs, 409 (idempotency_in_progress). "
        "Keys belong to the caller (user or token) and the operation, and are kept "
        "FANGKONG_IDEMPOTENCY_TTL_HOURS (24 h by default)."
    ),
}
