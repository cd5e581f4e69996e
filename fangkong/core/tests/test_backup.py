"""`fangkong backup` / `fangkong restore`: a demo city goes out and comes back with no difference
(row counts and a hash of every table's rows, the uploaded files), and a restore refuses what it
must: a non-empty target unless forced, another vendor's archive, a damaged archive."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tarfile
import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from pytest_django.fixtures import Settings as SettingsWrapper

from fangkong.core.backup import MANIFEST, backup_create, backup_restore
from fangkong.people.models import Person

# Committed data: pg_dump and a second connection must see what the test wrote.
pytestmark = pytest.mark.django_db(transaction=True)


def _tables(conn: Any, vendor: str) -> list[str]:
    if vendor == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    return sorted(row[0] for row in conn.execute(query).fetchall())


def _comparable(value: Any) -> Any:
    """Times as UTC: two connections may read timestamptz in different session time zones."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).isoformat()
    return value


def table_digests(conn: Any, vendor: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a hash of its rows (in a stable order)."""
    digests = {}
    for table in _tables(conn, vendor):
        rows = sorted(
            repr(tuple(map(_comparable, row))) for row in conn.execute(f'SELECT * FROM "{table}"')
        )
        digests[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return digests


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def roots(settings: SettingsWrapper, tmp_path: Path) -> tuple[Path, Path]:
    media, photos = tmp_path / "media", tmp_path / "private" / "venues"
    settings.MEDIA_ROOT = media
    settings.FANGKONG_VENUE_PHOTO_ROOT = photos
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "名单.csv").write_text("姓名,证件号码\n", encoding="utf-8")
    (photos / "2021" / "08").mkdir(parents=True)
    (photos / "2021" / "08" / "inspection.jpg").write_bytes(b"\xff\xd8\xff" + bytes(range(256)))
    return media, photos


def _raw() -> Any:
    connection.ensure_connection()
    return connection.connection


def _rewrite(archive: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of the archive with members changed (the manifest is a member too)."""
    copy = archive.with_name("changed-" + archive.name)
    with tarfile.open(archive) as source, tarfile.open(copy, "w") as target:
        for member in source.getmembers():
            handle = source.extractfile(member)
            if handle is None:
                continue
            data = change(member.name, handle.read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return copy


@pytest.mark.slow
def test_a_demo_city_round_trips_through_backup_and_restore_with_no_difference(
    roots: tuple[Path, Path], tmp_path: Path, load_demo_miniature: Callable[[], None]
) -> None:
    media, photos = roots
    load_demo_miniature()
    before = table_digests(_raw(), connection.vendor)
    files_before = (tree(media), tree(photos))
    assert before["people_person"][0] > 100

    call_command("backup", "--output", str(tmp_path / "backups"))
    [archive] = (tmp_path / "backups").glob("fangkong-backup-*.tar")
    # The deployment moves on after the backup: a person renamed, a file replaced.
    Person.objects.filter(pk=Person.objects.order_by("pk").values("pk")[:1]).update(name="改名")
    (media / "imports" / "名单.csv").unlink()
    (photos / "new.jpg").write_bytes(b"later")
    assert table_digests(_raw(), connection.vendor) != before

    call_command("restore", str(archive), "--force")

    assert table_digests(_raw(), connection.vendor) == before
    assert (tree(media), tree(photos)) == files_before


@pytest.mark.postgres
@pytest.mark.slow
def test_a_demo_city_restores_into_a_second_postgresql_database_with_no_difference(
    roots: tuple[Path, Path],
    tmp_path: Path,
    settings: SettingsWrapper,
    load_demo_miniature: Callable[[], None],
) -> None:
    import psycopg

    media, photos = roots
    load_demo_miniature()
    source = connection.settings_dict

    def connect(name: str) -> Any:
        # Both sides read through plain psycopg: Django's connection leaves jsonb as text.
        return psycopg.connect(
            host=source["HOST"], port=source["PORT"], user=source["USER"], dbname=name
        )

    with closing(connect(source["NAME"])) as original:
        before = table_digests(original, "postgresql")
    files_before = (tree(media), tree(photos))
    result = backup_create(output=tmp_path / "city.tar")
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    settings.FANGKONG_VENUE_PHOTO_ROOT = tmp_path / "restored-photos"
    second = f"{source['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        host=source["HOST"], port=source["PORT"], user=source["USER"], dbname="postgres"
    )
    admin.autocommit = True
    admin.execute(f'CREATE DATABASE "{second}"')
    try:
        backup_restore(archive=result.path, using=None, database={**source, "NAME": second})
        with closing(connect(second)) as restored:
            assert table_digests(restored, "postgresql") == before
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{second}" WITH (FORCE)')
        admin.close()
    assert (tree(tmp_path / "restored-media"), tree(tmp_path / "restored-photos")) == files_before


def test_a_restore_refuses_a_target_holding_data_unless_forced(
    roots: tuple[Path, Path], tmp_path: Path, zhang_san: Person
) -> None:
    archive = backup_create(output=tmp_path / "b.tar").path

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive))

    assert Person.objects.filter(pk=zhang_san.pk).exists()


def test_a_restore_refuses_another_vendors_archive(
    roots: tuple[Path, Path], tmp_path: Path, zhang_san: Person
) -> None:
    archive = backup_create(output=tmp_path / "b.tar").path
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    def relabel(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        return json.dumps({**json.loads(data), "vendor": other}).encode()

    with pytest.raises(CommandError, match=other):
        call_command("restore", str(_rewrite(archive, relabel)), "--force")

    assert Person.objects.filter(pk=zhang_san.pk).exists()


def test_a_damaged_archive_is_refused_before_anything_is_touched(
    roots: tuple[Path, Path], tmp_path: Path, zhang_san: Person
) -> None:
    media, _photos = roots
    archive = backup_create(output=tmp_path / "b.tar").path

    def damage(name: str, data: bytes) -> bytes:
        return data[:-1] + b"?" if name.endswith(".jpg") else data

    with pytest.raises(CommandError, match="校验和不符"):
        call_command("restore", str(_rewrite(archive, damage)), "--force")

    assert Person.objects.filter(pk=zhang_san.pk).exists()
    assert (media / "imports" / "名单.csv").exists()


@pytest.mark.postgres
def test_a_dump_that_breaks_halfway_through_the_restore_leaves_the_database_as_it_was(
    roots: tuple[Path, Path], tmp_path: Path, zhang_san: Person
) -> None:
    # Given an archive whose checksums agree but whose dump ends in the middle of its data,
    # so the schema has been recreated by the time pg_restore fails
    archive = backup_create(output=tmp_path / "b.tar").path
    cut: dict[str, bytes] = {}

    def truncate(name: str, data: bytes) -> bytes:
        if name == "database.dump":
            cut[name] = data[: len(data) * 2 // 3]
            return cut[name]
        if name == MANIFEST:
            return data  # rewritten below, once the cut dump's checksum is known
        return data

    first = _rewrite(archive, truncate)

    def reseal(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["checksums"]["database.dump"] = hashlib.sha256(cut["database.dump"]).hexdigest()
        return json.dumps(manifest).encode()

    broken = _rewrite(first, reseal)
    before = table_digests(_raw(), "postgresql")

    # When it is restored over the live database
    with pytest.raises(CommandError, match="pg_restore"):
        call_command("restore", str(broken), "--force")

    # Then every table is as it was, the person included
    assert table_digests(_raw(), "postgresql") == before
    assert Person.objects.filter(pk=zhang_san.pk).exists()
