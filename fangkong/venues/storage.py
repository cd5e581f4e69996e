"""Where inspection photos are kept: a folder outside MEDIA_ROOT, so that neither the
development server nor a reverse proxy serving /media/ can hand them out. They are served
only by `venues:photo`, which checks the viewer first."""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING

from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from fangkong.venues.conf import venues_settings

if TYPE_CHECKING:
    from fangkong.venues.models import InspectionPhoto


@deconstructible
class PrivateFileStorage(FileSystemStorage):
    """File storage rooted at FANGKONG_VENUE_PHOTO_ROOT, read from settings on every use (so a
    test can point it at a temporary folder), and without a public URL."""

    @property
    def base_location(self) -> str:
        return str(venues_settings().photo_root)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no public URL; link to the serving view instead")


_storage = PrivateFileStorage()


def inspection_photo_storage() -> PrivateFileStorage:
    return _storage


def inspection_photo_path(instance: InspectionPhoto, filename: str) -> str:
    # The stored name never reuses the uploader's file name (it may carry a person's name).
    extension = os.path.splitext(filename)[1].lower()[:8]
    day = timezone.localdate()
    return f"{day:%Y/%m}/{secrets.token_hex(16)}{extension}"
