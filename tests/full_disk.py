"""A storage on a disk that fills up in the middle of a write, for the full-disk tests.

Configured through a STORAGES override (the `full_disk` fixture of tests/conftest.py). It is the
site's own storage class, so its clean-up runs; the first bytes of each file really land on disk
before the write fails, as they would on a disk that fills up.
"""

import errno
import os

from django.core.files.base import File

from config.storage import FileSystemStorage

WRITTEN_BEFORE_FAILING = 16


class _FillsUp(File):
    """The content being saved; the disk refuses it after its first bytes."""

    def __init__(self, content, code, storage, path):
        super().__init__(content, getattr(content, "name", None))
        self.code, self.storage, self.path = code, storage, path

    def chunks(self, chunk_size=None):
        self.file.seek(0)
        yield self.file.read(WRITTEN_BEFORE_FAILING)
        self.storage.began.append((self.path, os.path.exists(self.path)))
        raise OSError(self.code, os.strerror(self.code))


class FullDiskStorage(FileSystemStorage):
    """Writes fail with `error` (ENOSPC unless told) after their first bytes; reads work."""

    began = []  # (path, whether the partial file was on disk when the write failed)

    def __init__(self, *args, error=errno.ENOSPC, **kwargs):
        self.error = error
        super().__init__(*args, **kwargs)

    def _save(self, name, content):
        return super()._save(name, _FillsUp(content, self.error, self, self.path(name)))


def files_under(location):
    """Every file below a storage's directory, as paths relative to it."""
    return sorted(
        os.path.relpath(os.path.join(folder, name), location)
        for folder, _dirs, names in os.walk(location)
        for name in names
    )
