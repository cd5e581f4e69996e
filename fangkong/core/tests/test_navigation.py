"""The sidebar highlights exactly the entry of the page being shown."""

import pytest
from django.test import RequestFactory

from fangkong.core.navigation import nav_items_for

pytestmark = pytest.mark.django_db


def highlighted(user, path):
    request = RequestFactory().get(path)
    request.user = user
    return [item.url for item in nav_items_for(request) if item.active]


def test_a_page_under_two_entries_highlights_only_the_closer_one(hq_admin):
    # 指挥大屏 is /command/ and 通告 /command/notices/: a notice's page belongs to 通告 alone
    assert highlighted(hq_admin, "/command/notices/3/") == ["/command/notices/"]
    assert highlighted(hq_admin, "/command/") == ["/command/"]


def test_a_page_under_no_entry_highlights_none(hq_admin):
    assert highlighted(hq_admin, "/login/") == []
