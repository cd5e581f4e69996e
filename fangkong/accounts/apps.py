from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import NavItem


class AccountsConfig(AppConfig):
    name = "fangkong.accounts"
    label = "accounts"
    verbose_name = _("用户与角色")
    nav_items = (
        NavItem(_("工作台"), "accounts:workbench", "workbench.view", order=0, icon="house"),
        NavItem(_("审计日志"), "core:audit", "audit.view", order=900, icon="journal-text"),
    )

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from fangkong.accounts.signals import record_login

        user_logged_in.connect(record_login, dispatch_uid="fangkong.accounts.record_login")
