from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import NavItem


class PolicyConfig(AppConfig):
    name = "fangkong.policy"
    label = "policy"
    verbose_name = _("防控措施")
    nav_items = (NavItem(_("措施"), "policy:board", "policy.view", order=800, icon="sliders"),)
