"""Errors that services raise for the web and API layers to turn into clear answers.

Invalid input raises Django's `ValidationError` (field-named). A valid request that the state of
the world refuses (a room already taken, a venue closed) raises `Conflict`, answered with 409.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Conflict(Exception):
    """The request is well-formed but the current state refuses it.

    `extensions` are extra members of the API's problem body (e.g. the hospitals that still
    have a free bed), JSON-ready: the API layer fills them, services leave them empty.
    """

    code = "conflict"

    def __init__(
        self, message: str, *, code: str | None = None, extensions: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = dict(extensions or {})
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)
