import pytest
from django.core.management import CommandError

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.cases.models import Case
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people.models import Person
from fangkong.testing.demo import build_demo_miniature


@pytest.mark.django_db
def test_the_demo_city_has_its_districts_one_user_per_role_and_valid_residents(demo_miniature):
    assert Jurisdiction.objects.filter(level=Level.DISTRICT).count() == 7
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Person.objects.filter(home_jurisdiction__level=Level.COMMUNITY).count() >= 200


@pytest.mark.django_db
def test_the_demo_refuses_to_overwrite_a_loaded_database_unless_asked(demo_miniature):
    with pytest.raises(CommandError, match="--force"):
        build_demo_miniature()
    build_demo_miniature(if_empty=True)  # says so and prints the logins instead


@pytest.mark.django_db(
    transaction=True
)  # --force flushes, which PostgreSQL refuses mid-transaction
def test_the_demo_is_deterministic():
    """The same seed builds the same city: its residents and its outbreak."""

    def picture() -> tuple[object, object]:
        residents = list(Person.objects.order_by("pk").values_list("name", "id_number")[:50])
        outbreak = [
            (c.number, c.person.name, c.classification, c.contacts.count())
            for c in Case.objects.order_by("number").select_related("person")
        ]
        return residents, outbreak

    build_demo_miniature()
    first = picture()
    build_demo_miniature(force=True)
    assert picture() == first
    assert Case.objects.exists(), "the demo city has an outbreak to compare"
