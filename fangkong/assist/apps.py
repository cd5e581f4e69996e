from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.roles import Role
from fangkong.core.navigation import NavItem


class AssistConfig(AppConfig):
    name = "fangkong.assist"
    label = "assist"
    verbose_name = _("区域协查")
    nav_items = (
        NavItem(_("区域协查"), "assist:home", "assist.view", order=45, icon="signpost-split"),
    )

    def ready(self) -> None:
        from fangkong.accounts.capabilities import grant
        from fangkong.assist import measures

        grant(
            "assist.view",
            [Role.HQ_ADMIN, Role.LEADER, Role.DISTRICT_OFFICER, Role.INVESTIGATOR],
        )
        # Receiving, sending and answering lists is the HQ's (and the district's, for its own
        # people); verifying a person is the district's and its communities' work.
        grant("assist.manage", [Role.HQ_ADMIN])
        grant("assist.verify", [Role.HQ_ADMIN, Role.DISTRICT_OFFICER, Role.INVESTIGATOR])
        grant("assist.risk_areas", [Role.HQ_ADMIN])
        measures.register()
        from fangkong.assist import jobs as verification_jobs

        verification_jobs.register()  # overdue verifications escalate (services/escalation.py)
        from fangkong.assist import briefing as assist_briefing

        assist_briefing.register()  # 区域协查 in the daily briefing and on the dashboard
