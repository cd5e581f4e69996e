"""The persons a kept answer names (`core.idempotency.named_persons`), kept beside it so that
a person's retention and export find the records naming them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from fangkong.core.idempotency import named_persons
from fangkong.core.models import AuditEvent


def test_a_person_is_named_by_id_or_as_an_object_under_person_keys_at_any_depth():
    answer = {
        "id": 7,
        "person": 11,
        "placements": [{"id": 1, "person": {"id": 12, "name": "王一"}}, {"person": 13}],
        "flag": {"source_person": 14, "via_person": None},
        "case": 99,  # not a person
    }
    assert named_persons(answer) == {11, 12, 13, 14}


@pytest.mark.parametrize("odd", [True, "11", 1.5, None, [11]])
def test_a_person_key_holding_no_id_names_nobody(odd):
    assert named_persons({"person": odd}) == set()


def test_an_answer_that_is_another_model_names_only_the_persons_inside_it():
    serializer = SimpleNamespace(instance=AuditEvent(pk=5))
    data = SimpleNamespace(serializer=serializer)
    assert named_persons(data) == set()
    assert named_persons(None) == set() and named_persons("text") == set()
