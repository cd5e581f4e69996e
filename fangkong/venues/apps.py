from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.roles import Role
from fangkong.core.navigation import NavItem


class VenuesConfig(AppConfig):
    name = "fangkong.venues"
    label = "venues"
    verbose_name = _("场所")
    nav_items = (
        NavItem(_("场所"), "venues:home", "venue.view", order=40, icon="shop"),
        NavItem(_("督查"), "venues:inspections", "venue.inspect", order=41, icon="clipboard-check"),
    )
    role_homes = {
        Role.VENUE_MANAGER: "venues:home",
        Role.INSPECTOR: "venues:my_tasks",
    }
    person_panels = ("fangkong.venues.panels.checkin_panel",)

    def ready(self) -> None:
        from fangkong.accounts.capabilities import grant
        from fangkong.venues import background, briefing, jobs, measures, personal_data

        area_wide = [
            Role.HQ_ADMIN,
            Role.LEADER,
            Role.DISTRICT_OFFICER,
            Role.INSPECTOR,
            Role.INVESTIGATOR,
        ]
        # `venue.view` alone (a venue manager) shows only the venues the user manages.
        grant("venue.view", [*area_wide, Role.VENUE_MANAGER])
        grant("venue.view_area", area_wide)
        grant("venue.manage", [Role.HQ_ADMIN, Role.DISTRICT_OFFICER])
        grant("venue.inspect", [Role.HQ_ADMIN, Role.DISTRICT_OFFICER, Role.INSPECTOR])
        grant("venue.close", [Role.HQ_ADMIN, Role.DISTRICT_OFFICER, Role.INSPECTOR])
        grant("venue.reopen", [Role.HQ_ADMIN, Role.DISTRICT_OFFICER])
        grant("venue.campaign", [Role.HQ_ADMIN, Role.DISTRICT_OFFICER])
        grant("venue.tiers", [Role.HQ_ADMIN])
        grant("checkin.view", [Role.HQ_ADMIN, Role.DISTRICT_OFFICER, Role.INVESTIGATOR])
        grant("checkin.ingest", [Role.HQ_ADMIN, Role.INVESTIGATOR])
        # A scanning gateway's device account posts live scans, and does nothing else here.
        grant("checkin.live", [Role.CHECKIN_GATEWAY])
        measures.register()
        personal_data.register()
        jobs.register()
        briefing.register()
        background.register()
        # A flush (tests, `fangkong demo --force`) empties the seeded tiers; post_migrate
        # follows every migrate and flush, so the national plan's tiers are always there.
        post_migrate.connect(_ensure_tiers, sender=self, dispatch_uid="fangkong.venues.tiers")


def _ensure_tiers(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from fangkong.venues.services.venues import capacity_tiers_ensure

    capacity_tiers_ensure(by=None)
