import pytest
from django.core.management import call_command

from fangkong.core.models import AuditEvent
from fangkong.hospitals.models import Bed, Ward, WardKind

LAYOUT = (
    "病区名称,病区类型,床位数,床号前缀,位置\n"
    "方舱A区,隔离病区,120,A-,1号馆\n"
    "方舱ICU,icu,8,ICU-,1号馆\n"
)


def test_a_ward_layout_is_imported_with_its_beds_and_one_audit_row(
    client, no5, hq_admin, tmp_path, capsys
):
    source = tmp_path / "病区.csv"
    source.write_text(LAYOUT, encoding="utf-8")
    call_command(
        "hospitals", "import-wards", str(source), "--hospital", no5.name, "--as", "hq_admin"
    )
    assert "新增病区 2 个" in capsys.readouterr().out
    hall = Ward.objects.get(hospital=no5, name="方舱A区")
    assert hall.kind == WardKind.ISOLATION and hall.location == "1号馆"
    assert Bed.objects.filter(ward=hall).count() == 120
    assert Bed.objects.get(ward__name="方舱ICU", position=1).number == "ICU-01"
    event = AuditEvent.objects.get(action="ward.import")
    assert event.after is not None and event.after["beds"] == 128


def test_a_layout_with_a_bad_row_imports_nothing_and_names_every_problem(
    client, no5, hq_admin, tmp_path, capsys
):
    source = tmp_path / "bad.csv"
    source.write_text(
        "病区名称,病区类型,床位数\n一区,隔离病区,30\n一区,隔离病区,30\n二区,天台,30\n三区,icu,0\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as exited:
        call_command(
            "hospitals", "import-wards", str(source), "--hospital", no5.name, "--as", "hq_admin"
        )
    assert exited.value.code == 2
    errors = capsys.readouterr().err
    assert "第 3 行「病区名称」：与第 2 行病区重名" in errors
    assert "第 4 行「病区类型」" in errors
    assert "第 5 行「床位数」" in errors
    assert not Ward.objects.exists()


def test_the_ward_import_page_shows_the_problems(client, no5, hospital_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(hospital_staff)
    upload = SimpleUploadedFile("wards.csv", "病区名称,病区类型,床位数\n一区,屋顶,3\n".encode())
    response = client.post(f"/hospitals/{no5.pk}/wards/import/", {"file": upload})
    assert response.status_code == 400 and "病区类型应为" in response.content.decode()


def test_the_status_command_prints_the_figures(no5, no5_isolation, hq_admin, capsys):
    call_command("hospitals", "status", "--as", "hq_admin")
    out = capsys.readouterr().out
    assert "床位总数" in out and "隔离病区" in out
