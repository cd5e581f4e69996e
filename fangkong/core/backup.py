"""Backup and restore of a whole deployment: the database and the uploaded files, in one archive.

The archive is a tar file holding `manifest.json` (format version, database vendor, creation
time, the SHA-256 of every other member), the database (`database.dump` from `pg_dump -Fc`, or
`database.sqlite3` copied with SQLite's online backup API, consistent while writes go on) and
the two file trees: `media/` (MEDIA_ROOT) and `private/venues/` (FANGKONG_VENUE_PHOTO_ROOT).

A backup is written to a temporary name and renamed when complete, so a killed backup leaves no
archive that looks whole. A restore checks the manifest and every checksum before it touches
anything, refuses another vendor's archive, and refuses a target that already holds data unless
forced; PostgreSQL restores in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from fangkong.core.conf import core_settings

FORMAT = "fangkong-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PG_DUMP_MEMBER = "database.dump"
SQLITE_MEMBER = "database.sqlite3"
# Tables whose rows mean "this database is in use": a fresh `migrate` seeds policy tables (tiers,
# schemes), but never creates a user, a person, a jurisdiction or an audit event.
CONTENT_TABLES = ("accounts_user", "people_person", "jurisdictions_jurisdiction", "core_auditevent")
_CHUNK = 1 << 20


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why (nothing was changed)."""


def file_roots() -> dict[str, Path]:
    """Archive folder → the deployment's folder for it."""
    return {
        "media": Path(settings.MEDIA_ROOT),
        "private/venues": Path(core_settings().venue_photo_root),
    }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg_env(db: Mapping[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_connect(db: Mapping[str, Any], name: str | None = None) -> Any:
    import psycopg

    return psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=name or db["NAME"],
        autocommit=True,
    )


def _server_major(db: Mapping[str, Any]) -> int:
    with closing(_pg_connect(db)) as conn:
        row = conn.execute("SHOW server_version_num").fetchone()
    return int(row[0]) // 10000


def pg_tool(tool: str, db: Mapping[str, Any]) -> str:
    """The pg_dump/pg_restore matching the server's major version: Debian's versioned folder
    first, then PATH; an older tool than the server cannot read its catalogue, so it is refused."""
    major = _server_major(db)
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin/{tool}")]
    found = shutil.which(tool)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if not candidate.exists():
            continue
        version = subprocess.run(
            [str(candidate), "--version"], capture_output=True, text=True, check=True
        ).stdout
        match = re.search(r"(\d+)(?:\.\d+)?", version)
        if match and int(match.group(1)) >= major:
            return str(candidate)
    raise BackupError(f"找不到与服务器版本 {major} 相符的 {tool}（需 {major} 或更新版本）")


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} 失败：{done.stderr.strip()[-2000:]}")


# --- Database in and out ----------------------------------------------------------------------


def _in_memory(using: str | None) -> bool:
    return using is not None and bool(getattr(connections[using], "is_in_memory_db", bool)())


def _sqlite_source(using: str) -> sqlite3.Connection:
    """Django's own connection: it also reaches the in-memory database of a test run."""
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _dump_database(using: str, folder: Path) -> tuple[str, str]:
    connection = connections[using]
    vendor = connection.vendor
    if vendor == "postgresql":
        db = connection.settings_dict
        target = folder / PG_DUMP_MEMBER
        _run(
            [pg_tool("pg_dump", db), "-Fc", "--no-owner", "-f", str(target), str(db["NAME"])],
            _pg_env(db),
        )
        return vendor, PG_DUMP_MEMBER
    if vendor == "sqlite":
        target = folder / SQLITE_MEMBER
        with closing(sqlite3.connect(target)) as copy:
            _sqlite_source(using).backup(copy)
        return vendor, SQLITE_MEMBER
    raise BackupError(f"不支持的数据库：{vendor}")


def _has_content(conn: Any, tables_sql: str) -> bool:
    tables = {row[0] for row in conn.execute(tables_sql)}
    return any(
        conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone()
        for table in CONTENT_TABLES
        if table in tables
    )


def database_has_content(vendor: str, db: Mapping[str, Any], *, using: str | None) -> bool:
    """Whether the target already holds users, persons, the city's tree or an audit trail."""
    if vendor == "sqlite":
        tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        if using is not None and _in_memory(using):
            return _has_content(_sqlite_source(using), tables_sql)
        path = Path(str(db["NAME"]))
        if not path.exists():
            return False
        with closing(sqlite3.connect(path)) as conn:
            return _has_content(conn, tables_sql)
    with closing(_pg_connect(db)) as pg:
        return _has_content(
            pg, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )


# Empties the current schema inside the restore's own transaction. `pg_restore --clean` cannot:
# it drops each object by name, and a day partition's primary key is inherited from the
# partitioned check-in table, which PostgreSQL refuses to drop on its own. Dropping the top-level
# relations with CASCADE takes their partitions, indexes, views and owned sequences along (so
# objects are named as text up front and dropped IF EXISTS); an extension's objects stay.
_EMPTY_SCHEMA_SQL = """
SET client_min_messages = warning;
DO $empty$
DECLARE
    item record;
BEGIN
    FOR item IN
        SELECT format('%I.%I', current_schema(), c.relname) AS name,
               CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                              WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                              ELSE 'TABLE' END AS kind
        FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace
          AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND NOT c.relispartition
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND (d.deptype = 'e'
                                 OR (d.deptype IN ('a', 'i') AND d.refobjid <> c.oid)))
        ORDER BY c.relkind = 'S'
    LOOP
        EXECUTE format('DROP %s IF EXISTS %s CASCADE', item.kind, item.name);
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure AS name
        FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                          WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                            AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', item.name);
    END LOOP;
END
$empty$;
"""


def _restore_postgresql(member: Path, db: Mapping[str, Any]) -> None:
    """pg_restore's script streamed into psql after the emptying block, all in one transaction:
    a failure anywhere leaves the database as it was."""
    env = _pg_env(db)
    psql = subprocess.Popen(
        [
            pg_tool("psql", db),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "-d",
            str(db["NAME"]),
            "-f",
            "-",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert psql.stdin is not None
    psql.stdin.write(_EMPTY_SCHEMA_SQL.encode())
    psql.stdin.flush()
    script = subprocess.run(
        [pg_tool("pg_restore", db), "--no-owner", "-f", "-", str(member)],
        stdout=psql.stdin,
        stderr=subprocess.PIPE,
        env=env,
    )
    if script.returncode != 0:
        # Killed before its input ends, psql never commits what it has run so far; a psql that
        # stopped first is why pg_restore failed (a broken pipe), so its error is the one to show.
        psql.kill()
    _, psql_err = psql.communicate()  # closes psql's input: the end of the script
    if psql_err.strip() and psql.returncode not in (0, -9):
        raise BackupError(f"psql 失败：{psql_err.decode().strip()[:2000]}")
    if script.returncode != 0:
        raise BackupError(f"pg_restore 失败：{script.stderr.decode().strip()[-2000:]}")
    if psql.returncode != 0:
        raise BackupError(f"psql 失败：{psql_err.decode().strip()[:2000]}")


def _restore_database(
    vendor: str, member: Path, db: Mapping[str, Any], *, using: str | None
) -> None:
    if vendor == "postgresql":
        _restore_postgresql(member, db)
        return
    with closing(sqlite3.connect(member)) as source:
        if using is not None and _in_memory(using):
            source.backup(_sqlite_source(using))
            return
        if using is not None:
            connections[using].close()  # the backup API replaces the file under it
        with closing(sqlite3.connect(str(db["NAME"]))) as target:
            source.backup(target)


# --- Files ------------------------------------------------------------------------------------


def _files_of(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


def _replace_tree(source: Path, root: Path) -> None:
    """Swap the restored folder in by renames, so the old one is never half overwritten."""
    root.parent.mkdir(parents=True, exist_ok=True)
    old = root.with_name(root.name + ".before-restore")
    if old.exists():
        shutil.rmtree(old)
    if root.exists():
        root.rename(old)
    if source.exists():
        shutil.move(str(source), str(root))
    else:
        root.mkdir()
    if old.exists():
        shutil.rmtree(old)


# --- The archive ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    path: Path
    vendor: str
    files: int
    size: int


def _target_path(output: Path, created: dt.datetime) -> Path:
    # A folder unless it names an archive file: `--output /backups` or `--output b.tar`.
    if output.is_dir() or not output.suffix:
        output.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime(created).strftime("%Y%m%d-%H%M%S")
        return output / f"fangkong-backup-{stamp}.tar"
    output.parent.mkdir(parents=True, exist_ok=True)
    return output


def backup_create(*, output: Path, using: str = "default") -> BackupResult:
    created = timezone.now()
    target = _target_path(output, created)
    with tempfile.TemporaryDirectory(prefix="fangkong-backup-") as tmp:
        folder = Path(tmp)
        vendor, db_member = _dump_database(using, folder)
        members: dict[str, Path] = {db_member: folder / db_member}
        for prefix, root in file_roots().items():
            for path in _files_of(root):
                members[f"{prefix}/{path.relative_to(root).as_posix()}"] = path
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "vendor": vendor,
            "created_at": created.isoformat(),
            "database": db_member,
            "file_roots": list(file_roots()),
            "checksums": {name: sha256_of(path) for name, path in members.items()},
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(folder / MANIFEST, arcname=MANIFEST)
            for name, path in members.items():
                tar.add(path, arcname=name)
        partial.replace(target)
    return BackupResult(
        path=target, vendor=vendor, files=len(members) - 1, size=target.stat().st_size
    )


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r") as tar:
            handle = tar.extractfile(MANIFEST)
            if handle is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
    except (OSError, KeyError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"不是有效的备份文件（{archive}）：{error}") from error
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"备份格式不支持：{manifest.get('format')} 版本 {manifest.get('format_version')}"
        )
    return manifest


@contextmanager
def _verified_members(archive: Path, manifest: dict[str, Any]) -> Iterator[Path]:
    """The archive unpacked into a temporary folder, every member checked against its sum."""
    expected: dict[str, str] = manifest["checksums"]
    with tempfile.TemporaryDirectory(prefix="fangkong-restore-") as tmp:
        folder = Path(tmp)
        with tarfile.open(archive, "r") as tar:
            names = {m.name for m in tar.getmembers() if m.isfile()} - {MANIFEST}
            if names != set(expected):
                missing, extra = set(expected) - names, names - set(expected)
                raise BackupError(
                    f"备份内容与清单不符：缺少 {sorted(missing)[:5]}，多出 {sorted(extra)[:5]}"
                )
            tar.extractall(folder, filter="data")
        for name, checksum in expected.items():
            if sha256_of(folder / name) != checksum:
                raise BackupError(f"校验和不符，备份已损坏：{name}")
        yield folder


def backup_restore(
    *,
    archive: Path,
    force: bool = False,
    using: str | None = "default",
    database: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Restore the archive into the database `using` (or the one described by `database`, a
    DATABASES entry) and the deployment's file roots. Returns the manifest."""
    manifest = read_manifest(archive)
    db = database if database is not None else connections[using or "default"].settings_dict
    vendor = "sqlite" if "sqlite3" in str(db["ENGINE"]) else "postgresql"
    if manifest["vendor"] != vendor:
        raise BackupError(f"备份来自 {manifest['vendor']} 数据库，不能恢复到 {vendor} 数据库")
    if not force:
        if database_has_content(vendor, db, using=using if database is None else None):
            raise BackupError("目标数据库已有数据；确认覆盖请加 --force")
        occupied = [str(r) for r in file_roots().values() if any(_files_of(r))]
        if occupied:
            raise BackupError(f"目标文件目录不为空（{', '.join(occupied)}）；确认覆盖请加 --force")
    with _verified_members(archive, manifest) as folder:
        _restore_database(
            vendor, folder / manifest["database"], db, using=using if database is None else None
        )
        for prefix, root in file_roots().items():
            _replace_tree(folder / prefix, root)
    return manifest
