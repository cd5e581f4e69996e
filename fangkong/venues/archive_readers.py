"""Who reads the check-in archive for tracing: the registry that lets the archive know,
without importing the area that traces (cases registers from its engines module).

Moving a day out of the database is safe only if tracing reads the archive too; with an
engine that reads the database alone, the day would silently leave every trace. The archive
job and command ask here first and move nothing when no registered reader is on.
"""

from __future__ import annotations

from collections.abc import Callable

_readers: dict[str, Callable[[], bool]] = {}


def archive_reader_register(name: str, reads: Callable[[], bool]) -> None:
    """`reads()` says whether this reader, as configured now, traces over the archive."""
    _readers[name] = reads


def archive_read_by() -> list[str]:
    """The registered readers that read the archive as configured now."""
    return sorted(name for name, reads in _readers.items() if reads())
