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
        NavItem(_("我的账户"), "accounts:account", "account.view", order=990, icon="person-lock"),
    )

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from fangkong.accounts import signals

        user_logged_in.connect(signals.record_login, dispatch_uid="fangkong.accounts.record_login")
        user_login_failed.connect(
            signals.record_login_failed, dispatch_uid="fangkong.accounts.record_login_failed"
        )
        user_logged_out.connect(
            signals.record_logout, dispatch_uid="fangkong.accounts.record_logout"
        )
        user_locked_out.connect(
            signals.record_lockout, dispatch_uid="fangkong.accounts.record_lockout"
        )
