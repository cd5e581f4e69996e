"""The observation schemes of the national plan: 2021 (8th edition, the default) and 2022
(9th edition), exactly as docs/domain.md gives them."""

from django.db import migrations

C, S, T = "close_contact", "secondary_contact", "inbound_traveller"
SCHEMES = {
    ("2021", "《新型冠状病毒肺炎防控方案（第八版）》（2021）"): [
        # category, setting, days, tests, home days, home tests, dual, linked, upgrade
        (C, "centralized", 14, [1, 4, 7, 14], 7, [2, 7], True, 0, False),
        (S, "centralized", 7, [1, 4, 7], 0, [], True, 2, True),
        (T, "centralized", 14, [1, 4, 7, 14], 7, [2, 7], True, 0, False),
    ],
    ("2022", "《新型冠状病毒肺炎防控方案（第九版）》（2022）"): [
        (C, "centralized", 7, [1, 2, 3, 5, 7], 3, [3], False, 0, False),
        (S, "home", 7, [1, 4, 7], 0, [], False, 0, False),
        (T, "centralized", 7, [1, 2, 3, 5, 7], 3, [3], False, 0, False),
    ],
}


def seed(apps, schema_editor):
    scheme = apps.get_model("quarantine", "ObservationScheme")
    for (edition, label), rows in SCHEMES.items():
        for category, setting, days, tests, home, home_tests, dual, linked, upgrade in rows:
            scheme.objects.update_or_create(
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


def unseed(apps, schema_editor):
    apps.get_model("quarantine", "ObservationScheme").objects.filter(
        edition__in=[edition for edition, _label in SCHEMES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("quarantine", "0002_sites_batches_schemes_health_staff")]

    operations = [migrations.RunPython(seed, unseed)]
