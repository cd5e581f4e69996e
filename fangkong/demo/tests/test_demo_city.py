import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people.models import Person


def _build(**options) -> None:
    call_command("demo", scale=0.02, no_progress=True, today=dt.date(2021, 8, 5), **options)


@pytest.mark.django_db
def test_the_demo_city_has_its_districts_one_user_per_role_and_valid_residents():
    _build()
    assert Jurisdiction.objects.filter(level=Level.DISTRICT).count() == 7
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Person.objects.filter(home_jurisdiction__level=Level.COMMUNITY).count() >= 200


@pytest.mark.django_db(
    transaction=True
)  # --force flushes, which PostgreSQL refuses mid-transaction
def test_the_demo_is_deterministic():
    _build()
    first = list(Person.objects.order_by("pk").values_list("name", "id_number")[:50])
    _build(force=True)
    assert list(Person.objects.order_by("pk").values_list("name", "id_number")[:50]) == first


@pytest.mark.django_db
def test_the_demo_refuses_to_overwrite_a_loaded_database_unless_asked():
    _build()
    with pytest.raises(CommandError, match="--force"):
        _build()
    _build(if_empty=True)  # says so and prints the logins instead
