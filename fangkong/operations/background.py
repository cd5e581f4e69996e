"""Background work: exports, briefing files and imports asked for from a page and run by
`fangkong worker`, with their progress on the page "后台任务" (views.py).

An area registers each kind of work it offers from its AppConfig.ready():
`register_work_kind(WorkKind("cases.contacts_export", _("密接名单导出"), run))`. `run(context)`
reads what it needs from `context.work.params`, checks again that the requester may have it
(the worker runs it later, as that user), reports progress through `context.progress(...)`,
writes its file through `context.open_result(...)`, and returns a line saying what it did.
A ValidationError or Conflict it raises is shown on the work's row as the reason it failed.
Operations never imports an area: it knows the kinds only through this registry.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

from fangkong.operations.conf import operations_settings
from fangkong.operations.models import BackgroundWork

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

T = TypeVar("T")


@dataclass(frozen=True)
class WorkResult:
    path: str  # relative to FANGKONG_BACKGROUND_ROOT
    name: str
    content_type: str


@dataclass
class WorkContext:
    work: BackgroundWork
    result: WorkResult | None = None
    _written: list[Path] = field(default_factory=list)

    def progress(
        self, *, done: int | None = None, total: int | None = None, stage: str | None = None
    ) -> None:
        """What the page shows now; written at once, outside the work's own transactions."""
        changes: dict[str, object] = {}
        if done is not None:
            changes["done"] = self.work.done = done
        if total is not None:
            changes["total"] = self.work.total = total
        if stage is not None:
            changes["stage"] = self.work.stage = stage[:200]
        if changes:
            BackgroundWork.objects.filter(pk=self.work.pk).update(**changes)

    def counted(self, rows: Iterable[T], *, total: int, every: int = 500) -> Iterator[T]:
        """The rows, reporting every `every` of them as done."""
        self.progress(done=0, total=total)
        done = 0
        for row in rows:
            yield row
            done += 1
            if done % every == 0:
                self.progress(done=done)
        self.progress(done=done)

    @contextmanager
    def open_result(self, *, name: str, content_type: str) -> Iterator[IO[bytes]]:
        """The file the requester will download, under a name nobody can guess."""
        suffix = Path(name).suffix[:10]
        relative = f"{self.work.pk}/{uuid.uuid4().hex}{suffix}"
        path = operations_settings().background_root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self._written.append(path)
        with path.open("wb") as target:
            yield target
        self.result = WorkResult(path=relative, name=name[:200], content_type=content_type)

    def upload(self) -> bytes:
        """The file the work was started with (work_start's `upload`)."""
        relative = str(self.work.params.get("upload", ""))
        if not relative:
            raise ValueError("this work was started without a file")
        return (operations_settings().background_root / relative).read_bytes()

    def discard(self) -> None:
        for path in self._written:
            path.unlink(missing_ok=True)


WorkFunction = Callable[[WorkContext], str]


@dataclass(frozen=True)
class WorkKind:
    key: str  # "<area>.<kind>"
    label: _StrPromise | str
    run: WorkFunction


_registry: dict[str, WorkKind] = {}


def register_work_kind(kind: WorkKind) -> None:
    """Registering the same key again replaces it."""
    _registry[kind.key] = kind


def work_kind(key: str) -> WorkKind | None:
    return _registry.get(key)


def result_path(work: BackgroundWork) -> Path:
    return operations_settings().background_root / work.result_path
