"""The daily-report figures of each profile, as policy rows the HQ can change."""

from django.db import migrations

FIGURES = {
    "site": [
        ("people_held", "在观察人数", "人"),
        ("new_admitted", "今日新入住", "人"),
        ("released", "今日解除隔离", "人"),
        ("new_abnormal", "新增异常情况（发热等）", "例"),
        ("staff_on_duty", "在岗工作人员", "人"),
    ],
    "hospital": [
        ("patients_in_care", "在院患者", "人"),
        ("new_admissions", "今日新收治", "人"),
        ("discharged", "今日出院", "人"),
        ("beds_free", "空余床位", "张"),
        ("staff_tests", "医务人员核酸检测", "人次"),
    ],
    "community": [
        ("home_monitoring", "居家健康监测人数", "人"),
        ("visits_done", "入户走访", "户"),
        ("tests_done", "核酸检测", "人次"),
        ("new_arrivals", "新排查来返人员", "人"),
    ],
    "department": [
        ("inspections", "检查场所", "家"),
        ("issues_found", "发现问题", "个"),
        ("issues_fixed", "整改问题", "个"),
    ],
    "territory": [
        ("checkpoints", "在岗卡口", "个"),
        ("issues_found", "发现问题", "个"),
        ("issues_fixed", "整改问题", "个"),
    ],
    "organisation": [
        ("staff_checked", "员工健康排查", "人"),
        ("issues_found", "发现问题", "个"),
        ("issues_fixed", "整改问题", "个"),
    ],
}


def add_figures(apps, schema_editor):
    ReportFigure = apps.get_model("command", "ReportFigure")
    for profile, figures in FIGURES.items():
        for order, (key, label, unit) in enumerate(figures):
            ReportFigure.objects.get_or_create(
                profile=profile, key=key, defaults={"label": label, "unit": unit, "order": order}
            )


def remove_figures(apps, schema_editor):
    apps.get_model("command", "ReportFigure").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("command", "0001_initial")]

    operations = [migrations.RunPython(add_figures, remove_figures)]
