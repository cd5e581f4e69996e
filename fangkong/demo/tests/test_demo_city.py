import pytest
from django.core.management import CommandError

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.demo.fixtures import build_demo_miniature
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people.models import Person


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
