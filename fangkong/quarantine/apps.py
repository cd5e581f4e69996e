from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.roles import Role
from fangkong.core.navigation import NavItem


class QuarantineConfig(AppConfig):
    name = "fangkong.quarantine"
    label = "quarantine"
    verbose_name = _("集中隔离")
    nav_items = (
        NavItem(_("集中隔离"), "quarantine:home", "quarantine.view", order=30, icon="building"),
    )
    role_homes = {Role.SITE_STAFF: "quarantine:home"}
    person_panels = ("fangkong.quarantine.panels.person_panel",)

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from fangkong.accounts.capabilities import grant
        from fangkong.people.signals import contact_degree_changed
        from fangkong.people.visibility import register_person_visibility
        from fangkong.quarantine import (
            briefing,
            custody,
            jobs,
            measures,
            personal_data,
            receivers,
            unit_day,
        )
        from fangkong.quarantine.scheme_defaults import ensure_default_schemes

        operators = [Role.HQ_ADMIN, Role.DISTRICT_OFFICER, Role.SITE_STAFF]
        grant(
            "quarantine.view",
            [*operators, Role.INVESTIGATOR, Role.INSPECTOR, Role.LEADER],
        )
        grant("quarantine.operate", operators)  # observations, tests, release, transfer, staff
        grant("quarantine.intake", [*operators, Role.INVESTIGATOR])
        grant("quarantine.approve_companion", operators)
        grant("quarantine.manage", [Role.HQ_ADMIN, Role.DISTRICT_OFFICER])  # sites, rooms
        grant("quarantine.inspect", [Role.HQ_ADMIN, Role.DISTRICT_OFFICER, Role.INSPECTOR])
        grant("quarantine.fix", operators)  # findings of an inspection

        measures.register()
        post_migrate.connect(
            ensure_default_schemes, sender=self, dispatch_uid="fangkong.quarantine.schemes"
        )
        register_person_visibility(receivers.site_staff_see_their_people)
        personal_data.register()
        custody.register()
        jobs.register()
        briefing.register()
        unit_day.register()
        contact_degree_changed.connect(
            receivers.on_contact_degree_changed,
            dispatch_uid="fangkong.quarantine.on_contact_degree_changed",
        )
