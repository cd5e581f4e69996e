"""The demo's seed decides its city. A module of its own: the test flushes the database
(`transaction=True`), which must not happen under another module's shared city."""

import pytest

from fangkong.cases.models import Case
from fangkong.demo.fixtures import build_demo_miniature
from fangkong.people.models import Person


@pytest.mark.django_db(
    transaction=True
)  # --force flushes, which PostgreSQL refuses mid-transaction
def test_the_demo_is_deterministic(load_demo_miniature):
    """The same seed builds the same city: its residents and its outbreak. The first city is
    the run's earlier build when there was one (written back from its snapshot, whichever
    worker built it), the second a build from scratch."""

    def picture() -> tuple[object, object]:
        residents = list(Person.objects.order_by("pk").values_list("name", "id_number")[:50])
        outbreak = [
            (c.number, c.person.name, c.classification, c.contacts.count())
            for c in Case.objects.order_by("number").select_related("person")
        ]
        return residents, outbreak

    load_demo_miniature()
    first = picture()
    build_demo_miniature(force=True)
    assert picture() == first
    assert Case.objects.exists(), "the demo city has an outbreak to compare"
