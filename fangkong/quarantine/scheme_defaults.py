"""The national plan's schemes (2021, 8th edition; 2022, 9th edition), as docs/domain.md gives
them. Seeded by migration 0003; `ensure_default_schemes` puts back any that a database flush
removed (`fangkong demo --force`, transactional tests), never changing rows that exist."""

from __future__ import annotations

from typing import Any

C, S, T = "close_contact", "secondary_contact", "inbound_traveller"
EDITION_2021 = ("2021", "《新型冠状病毒肺炎防控方案（第八版）》（2021）")
EDITION_2022 = ("2022", "《新型冠状病毒肺炎防控方案（第九版）》（2022）")

# category, setting, days, tests, home days, home tests, dual sampling, linked tests, upgrade
DEFAULT_SCHEMES: dict[tuple[str, str], list[tuple[Any, ...]]] = {
    EDITION_2021: [
        (C, "centralized", 14, [1, 4, 7, 14], 7, [2, 7], True, 0, False),
        (S, "centralized", 7, [1, 4, 7], 0, [], True, 2, True),
        (T, "centralized", 14, [1, 4, 7, 14], 7, [2, 7], True, 0, False),
    ],
    EDITION_2022: [
        (C, "centralized", 7, [1, 2, 3, 5, 7], 3, [3], False, 0, False),
        (S, "home", 7, [1, 4, 7], 0, [], False, 0, False),
        (T, "centralized", 7, [1, 2, 3, 5, 7], 3, [3], False, 0, False),
    ],
}


def ensure_default_schemes(**kwargs: Any) -> None:
    """A post_migrate receiver: create the default schemes that are missing."""
    from fangkong.quarantine.models import ObservationScheme

    for (edition, label), rows in DEFAULT_SCHEMES.items():
        for category, setting, days, tests, home, home_tests, dual, linked, upgrade in rows:
            ObservationScheme.objects.get_or_create(
                edition=edition,
                category=category,
                defaults={
                    "edition_label": label,
                    "setting": setting,
                    "period_days": days,
                    "test_days": tests,
                    "home_monitoring_days": home,
                    "home_test_days": home_tests,
                    "dual_sampling_at_release": dual,
                    "linked_tests_required": linked,
                    "upgrade_on_linked_positive": upgrade,
                    "source": label,
                },
            )
