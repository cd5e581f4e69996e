"""The capacity tiers of the 2021 national plan (the same in 2022): normal 75%, tightened
50%, closed 0% — the policy rows the HQ edits afterwards, seeded once."""

from decimal import Decimal

from django.db import migrations

TIERS = [
    ("normal", "常态限流", Decimal("0.750"), "常态化防控：不超过核定容量的 75%"),
    ("tightened", "收紧限流", Decimal("0.500"), "疫情期间收紧：不超过核定容量的 50%"),
    ("closed", "暂停营业", Decimal("0.000"), "暂停营业：不得接待顾客"),
]


def seed(apps, schema_editor):
    CapacityTier = apps.get_model("venues", "CapacityTier")
    for code, name, ratio, description in TIERS:
        CapacityTier.objects.get_or_create(
            code=code, defaults={"name": name, "ratio": ratio, "description": description}
        )


def unseed(apps, schema_editor):
    apps.get_model("venues", "CapacityTier").objects.filter(
        code__in=[code for code, *_rest in TIERS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("venues", "0002_capacity_tiers_inspections_campaigns")]

    operations = [migrations.RunPython(seed, unseed)]
