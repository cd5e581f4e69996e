"""A kept idempotent answer is a copy of the persons it names: their retention removes it at
once (not only after FANGKONG_IDEMPOTENCY_TTL_HOURS), and their subject export lists it
(people/stored_answers.py)."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.core.models import IdempotencyPerson, IdempotencyRecord
from fangkong.people.models import Person
from fangkong.people.retention import person_anonymise
from fangkong.people.subject_export import subject_document
from fangkong.testing.identities import resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq(hq_admin):
    client = APIClient()
    client.force_authenticate(hq_admin)
    return client


def _post(hq, body: dict, key: str):
    return hq.post("/api/v1/persons/", body, format="json", headers={"Idempotency-Key": key})


def _register(hq, name: str, key: str) -> Person:
    answer = _post(hq, {"name": name, "id_number": resident_id()}, key)
    assert answer.status_code == 201, answer.content
    return Person.objects.get(pk=answer.json()["id"])


def test_a_kept_answer_names_the_person_it_answered(hq, city):
    wang = _register(hq, "王一", "k-1")
    record = IdempotencyRecord.objects.get(key="k-1")
    assert list(record.persons.values_list("person_id", flat=True)) == [wang.pk]
    assert "王一" in bytes(record.body).decode()


def test_retention_of_a_person_removes_the_kept_answers_naming_them_and_no_other(hq, city):
    wang = _register(hq, "王一", "k-1")
    sent = {"name": "王一", "id_number": wang.id_number}
    li = _register(hq, "李二", "k-2")

    done = person_anonymise(person=wang, now=timezone.now(), by=None)

    assert done.rows["core.idempotency"] == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k-2"]
    assert not IdempotencyPerson.objects.filter(person_id=wang.pk).exists()
    assert IdempotencyPerson.objects.filter(person_id=li.pk).exists()
    # A retry of the erased key runs anew (a new registration: the anonymised record no
    # longer has the number) instead of replaying the old identity.
    again = _post(hq, sent, "k-1")
    assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert again.json()["id"] != wang.pk


def test_the_subject_export_lists_the_kept_answers_and_withholds_one_naming_others(
    hq, city, hq_admin
):
    wang = _register(hq, "王一", "k-1")
    li = _register(hq, "李二", "k-2")
    shared = IdempotencyRecord.objects.create(
        owner=f"user:{hq_admin.pk}", user=hq_admin, key="k-3", method="POST",
        path="/api/v1/quarantine/batches/", fingerprint="0" * 64, status=201,
        body=json.dumps({"placements": [{"person": wang.pk}, {"person": li.pk}]}).encode(),
    )  # fmt: skip
    IdempotencyPerson.objects.bulk_create(
        [IdempotencyPerson(record=shared, person_id=pk) for pk in (wang.pk, li.pk)]
    )

    listed = subject_document(person=wang, by=hq_admin)["sections"]["core.idempotency"]

    own, batch = listed
    assert (own["method"], own["path"], own["status"]) == ("POST", "/api/v1/persons/", 201)
    assert own["answer"]["name"] == "王一" and own["answer_withheld"] is False
    assert batch["path"] == "/api/v1/quarantine/batches/"
    assert batch["answer"] is None and batch["answer_withheld"] is True
