"""The command-line tools for operators."""

import pytest
from django.core.management import CommandError, call_command

from fangkong.quarantine.models import Placement, Room
from fangkong.testing.identities import resident_id


def test_rooms_are_laid_out_from_the_command_line(site):
    call_command("quarantine_rooms", site="锡惠大酒店", floors="7-8", per_floor=3, skip="4")
    assert sorted(Room.objects.filter(floor__in=[7, 8]).values_list("number", flat=True)) == [
        "701", "702", "703", "801", "802", "803",
    ]  # fmt: skip


def test_a_batch_file_is_taken_in_from_the_command_line(site, tmp_path, capsys):
    path = tmp_path / "第三批.csv"
    path.write_text(
        f"姓名,证件号码,人员类别,末次暴露时间\n陈一,{resident_id()},密接,2021-07-27 20:00\n",
        encoding="utf-8",
    )
    call_command(
        "quarantine_batch", str(path), "--site=锡惠大酒店", "--arrived-at=2021-07-28T10:00"
    )
    assert Placement.objects.get().person.name == "陈一"
    assert "已入住 1 人" in capsys.readouterr().out


def test_a_bad_batch_file_names_the_row_and_places_nobody(site, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("姓名,证件号码,人员类别\n陈一,123,密接\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("quarantine_batch", str(path), site="锡惠大酒店")
    assert "第 2 行" in capsys.readouterr().err
    assert not Placement.objects.exists()
