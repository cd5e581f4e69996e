from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import NavItem


class PeopleConfig(AppConfig):
    name = "fangkong.people"
    label = "people"
    verbose_name = _("人员")
    nav_items = (NavItem(_("人员"), "people:list", "person.view", order=10, icon="people"),)
