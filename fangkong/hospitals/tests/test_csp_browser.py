"""Under the Content-Security-Policy every area still works in a real browser.

Chromium opens the main pages of each area on the (miniature) demo city and reports every
policy violation (securitypolicyviolation events and the console's CSP errors): none may occur,
the charts must draw, htmx fragments must load and the page behaviours that replaced inline
handlers (data-fk-*) must act.

Its subject is what the browser is allowed to run, not the database: it runs in the SQLite pass
of `make test` only (the pages' database work is tested on both databases by their own tests).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from fangkong.cases.models import Case
from fangkong.hospitals.models import Hospital
from fangkong.quarantine.models import Placement, Room
from fangkong.testing.browser import log_in
from fangkong.venues.models import Venue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.sqlite_pass,
    pytest.mark.django_db(transaction=True),
]

# Runs in every document before its own scripts: keeps each violation the page reports.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") + " at " +
    (event.sourceFile || "") + ":" + event.lineNumber
  );
});
"""


class Watcher:
    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.violations: list[str] = []
        self.visited: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Permissions-Policy" in text:
            self.violations.append(f"{self.page.url}: console: {text}")

    def collect(self) -> None:
        found = self.page.evaluate("() => window.__cspViolations || []")
        self.violations += [f"{self.page.url}: {violation}" for violation in found]

    def open(self, path: str) -> None:
        self.collect()
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        self.visited.append(path)
        self.collect()

    def chart_drawn(self, selector: str) -> None:
        self.page.wait_for_selector(f"{selector} canvas", state="attached")
        # ECharts' tooltip is HTML with style attributes: hovering proves the policy allows it.
        self.page.hover(selector)
        self.page.wait_for_timeout(300)


def test_every_area_works_under_the_content_security_policy(
    page, live_server, settings, load_demo_miniature
):
    settings.FANGKONG_MFA_REQUIRED_ROLES = []  # as in the demo: its printed logins work
    load_demo_miniature()
    watch = Watcher(page, live_server.url)
    log_in(page, live_server, "hq", settings.FANGKONG_DEMO_PASSWORD)
    watch.collect()

    # Command: the dashboard's charts, and its panel refreshed by htmx.
    watch.open(reverse("command:dashboard"))
    watch.chart_drawn("#dashboard-panel .fk-chart")
    with page.expect_response(
        lambda r: "/command/" in r.url and r.request.headers.get("hx-request")
    ):
        # What the panel's timer does, without waiting for it.
        page.evaluate(
            "() => htmx.ajax('GET', location.pathname, {source: '#dashboard-panel',"
            " target: '#dashboard-panel', swap: 'outerHTML'})"
        )
    page.wait_for_load_state("networkidle")
    watch.chart_drawn("#dashboard-panel .fk-chart")
    watch.open(reverse("command:briefing"))
    watch.open(reverse("command:notice_list"))

    # Hospitals: the overview's and the preparedness page's charts.
    watch.open(reverse("hospitals:overview"))
    watch.chart_drawn("#chart-beds")
    watch.chart_drawn("#chart-classification")
    watch.open(reverse("hospitals:preparedness"))
    watch.chart_drawn("#chart-readiness")
    watch.open(reverse("hospitals:detail", args=[Hospital.objects.earliest("pk").pk]))

    # Venues: the categories chart, a venue's occupancy curve, its printable poster.
    watch.open(reverse("venues:home"))
    watch.chart_drawn("#category-chart")
    venue = Venue.objects.earliest("pk")
    watch.open(reverse("venues:detail", args=[venue.pk]))
    watch.chart_drawn("#curve")
    watch.open(reverse("venues:poster", args=[venue.pk]))

    # Cases: the list and a case's transmission chain.
    watch.open(reverse("cases:list"))
    case = Case.objects.filter(contacts__isnull=False).earliest("pk")
    watch.open(reverse("cases:detail", args=[case.pk]))
    page.wait_for_function("() => document.getElementById('chain').dataset.ready === 'true'")
    watch.chart_drawn("#chain")

    # Quarantine: a site, its observation grid (keyboard script), its tests with "select all".
    room = Room.objects.filter(placements__isnull=False).earliest("pk")
    site = room.site
    watch.open(reverse("quarantine:home"))
    watch.open(reverse("quarantine:site", args=[site.pk]))
    watch.open(reverse("quarantine:observation_grid", args=[site.pk, room.floor]))
    watch.open(reverse("quarantine:tests", args=[site.pk]))
    select_all = page.locator("input[data-fk-check-all]").first
    if select_all.count():
        select_all.check()
        boxes = page.locator(select_all.get_attribute("data-fk-check-all") or "")
        assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))

    # People: the search answers through an htmx fragment.
    watch.open(reverse("people:list"))
    with page.expect_response(
        lambda r: "/persons/" in r.url and r.request.headers.get("hx-request")
    ):
        page.get_by_role("searchbox").fill("王")
    page.wait_for_load_state("networkidle")
    watch.collect()

    # The shared pages, the admin, the API's docs and browsable view.
    for path in ("/alerts/", "/policy/", "/system/audit/", "/admin/", "/admin/people/person/"):
        watch.open(path)
    watch.open("/api/docs/")
    page.wait_for_selector(".swagger-ui .information-container", timeout=30_000)
    watch.collect()
    watch.open("/api/v1/")

    # The language switch (a select that submits its form) still switches.
    watch.open(reverse("people:list"))
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    watch.collect()

    # Public pages, without a session: the venue check-in and the quarantine self-report.
    page.context.clear_cookies()
    watch.open(venue.checkin_path())
    placement = Placement.objects.exclude(report_token=None).order_by("pk").first()
    if placement is not None:
        watch.open(reverse("quarantine:self_report", args=[placement.report_token]))

    assert len(watch.visited) >= 25
    assert watch.violations == []


def test_the_watch_sees_what_the_policy_blocks(page, live_server):
    # Proof that the test above can fail: an injected inline script is refused and reported.
    watch = Watcher(page, live_server.url)
    watch.open("/login/")

    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__ran = true"; document.body.append(s); }"""
    )
    page.wait_for_timeout(300)
    watch.collect()

    assert page.evaluate("() => window.__ran === true") is False
    assert any("script-src" in violation for violation in watch.violations)
