from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.roles import Role
from fangkong.core.navigation import NavItem


class CommandConfig(AppConfig):
    name = "fangkong.command"
    label = "command"
    verbose_name = _("指挥部")
    nav_items = (
        NavItem(_("指挥大屏"), "command:dashboard", "command.dashboard", order=1, icon="display"),
        NavItem(
            _("应急准备"),
            "command:preparedness",
            "command.dashboard",
            order=2,
            icon="graph-up-arrow",
        ),
        NavItem(_("通告"), "command:notice_list", "notice.view", order=600, icon="megaphone"),
        NavItem(_("督办"), "command:task_list", "task.view", order=610, icon="list-check"),
        NavItem(_("日报"), "command:report_home", "report.home", order=620, icon="calendar-check"),
        NavItem(_("专班值班"), "command:team_list", "team.view", order=630, icon="people-fill"),
        NavItem(_("消息"), "command:inbox", "notification.view", order=950, icon="bell"),
    )
    role_homes = {
        Role.HQ_ADMIN: "command:dashboard",
        Role.LEADER: "command:dashboard",
        Role.UNIT_REPORTER: "command:report_mine",
    }

    def ready(self) -> None:
        from fangkong.accounts.capabilities import EVERY_ROLE, grant
        from fangkong.alerts.signals import alert_raised
        from fangkong.command import background, briefing, duty, jobs, measures
        from fangkong.command.receivers import on_alert_raised

        city_view = [Role.HQ_ADMIN, Role.LEADER, Role.DISTRICT_OFFICER]
        grant("command.dashboard", city_view)
        grant("briefing.view", city_view)
        grant("notice.view", EVERY_ROLE)
        grant("notice.manage", [Role.HQ_ADMIN])
        grant("team.view", EVERY_ROLE)
        grant("team.manage", [Role.HQ_ADMIN])
        grant("task.view", EVERY_ROLE)
        grant("task.issue", [Role.HQ_ADMIN, Role.DISTRICT_OFFICER, Role.INSPECTOR])
        grant("task.supervise", [Role.HQ_ADMIN])
        grant("task.work", [r for r in EVERY_ROLE if r != Role.LEADER])
        reporters = [
            Role.UNIT_REPORTER, Role.DISTRICT_OFFICER, Role.SITE_STAFF, Role.HOSPITAL_STAFF,
        ]  # fmt: skip
        grant("report.submit", reporters)
        grant("report.view", city_view)
        grant("report.home", [*city_view, *reporters])
        grant("report.manage", [Role.HQ_ADMIN])
        grant("notification.view", EVERY_ROLE)
        measures.register()
        jobs.register()
        briefing.register()
        background.register()
        duty.register()
        alert_raised.connect(on_alert_raised, dispatch_uid="fangkong.command.alert_notifications")
