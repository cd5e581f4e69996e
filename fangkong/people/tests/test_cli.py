import csv

import pytest
from django.core.management import call_command

from fangkong.people.models import Person
from fangkong.testing.identities import resident_id, with_wrong_check_digit


def test_the_cli_imports_a_file_and_exports_the_viewers_persons(
    tmp_path, jiankang, hq_admin, capsys
):
    source = tmp_path / "名单.csv"
    source.write_text(
        f"姓名,证件号码,所属辖区\n王一,{resident_id()},320213001001\n", encoding="utf-8"
    )
    call_command("persons", "import", str(source), "--as", "hq_admin")
    assert "新增 1 人" in capsys.readouterr().out
    target = tmp_path / "out.csv"
    call_command("persons", "export", str(target), "--as", "hq_admin")
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert [row[0] for row in rows[1:]] == ["王一"]


def test_a_rejected_file_exits_with_status_2_naming_the_row(tmp_path, hq_admin, capsys):
    source = tmp_path / "bad.csv"
    source.write_text(
        f"姓名,证件号码\n王一,{with_wrong_check_digit(resident_id())}\n", encoding="utf-8"
    )
    with pytest.raises(SystemExit) as exited:
        call_command("persons", "import", str(source), "--as", "hq_admin")
    assert exited.value.code == 2
    assert "第 2 行" in capsys.readouterr().err
    assert Person.objects.count() == 0
