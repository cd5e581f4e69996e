from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import NavItem


class AlertsConfig(AppConfig):
    name = "fangkong.alerts"
    label = "alerts"
    verbose_name = _("预警")
    nav_items = (
        NavItem(_("预警"), "alerts:list", "alert.view", order=700, icon="exclamation-triangle"),
    )
