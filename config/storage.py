"""Files on a disk that may fill up: no partial file, no record without its file, a clear message.

Every storage in STORAGES is `FileSystemStorage` below: a write that fails (ENOSPC, EDQUOT,
EIO, anything) removes what it had written, and a full or failing disk raises `DiskFull`, whose
`user_message` says so in the reader's language. Code that saves a record with a file writes
the file through `saving_files()`, so that a record whose transaction fails takes its file away
again, and a file whose write fails leaves no record pointing at it. Wagtail's uploads (images,
documents, renditions) go through the same storage class; an error that still reaches a view
answers the 503 page of config.faults.
"""

import contextlib
import errno
import logging
import os

from django.core.files import storage as django_storage
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# No space, no quota left, or the disk itself failing: the person can only wait for an operator.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO})


def is_disk_full(error):
    """Whether an exception is a write refused by a full (or failing) disk."""
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS


def disk_full_message():
    """What the person who asked for the file is told."""
    return _(
        "Disk space is low (or the disk failed): the file was not saved. Try again later; if "
        "it keeps failing, tell the system administrator."
    )


class DiskFull(OSError):
    """A file write refused by a full or failing disk; nothing of the file was kept."""

    @property
    def user_message(self):
        return disk_full_message()


class FileSystemStorage(django_storage.FileSystemStorage):
    """Django's file storage, leaving no partial file behind when a write fails."""

    def _save(self, name, content):
        path = self.path(name)
        # Names here are random or made free by get_available_name, so a file at this path
        # after a failed write is the one this write began, never another's.
        ours = not os.path.lexists(path)
        try:
            return super()._save(name, content)
        except OSError as error:
            if ours:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)
            if is_disk_full(error):
                logger.error(
                    "Disk full or failing: %s not written in %s (%s); nothing of it was kept",
                    name,
                    self.location,
                    error,
                )
                raise DiskFull(error.errno, error.strerror, path) from error
            raise


class SavedFiles:
    """The files written for records being saved in one block (see `saving_files`)."""

    def __init__(self):
        self._written = []

    def save(self, field_file, name, content):
        """Write `content` as the field's file (raises DiskFull, leaving nothing, if it cannot)."""
        before = field_file.name
        field_file.save(name, content, save=False)
        self._written.append((field_file, before))
        return field_file.name

    def take_back(self):
        for field_file, before in reversed(self._written):
            try:
                field_file.storage.delete(field_file.name)
            except OSError:
                logger.exception("Could not delete %s after a failed save", field_file.name)
            field_file.name = before
            setattr(field_file.instance, field_file.field.attname, before)
        self._written.clear()


@contextlib.contextmanager
def saving_files():
    """Files written in the block belong to records saved in it: if it raises, they are deleted.

    Enter it before transaction.atomic(), so that a failed commit takes the files back too:
    `with saving_files() as files, transaction.atomic(): files.save(...); record.save()`.
    """
    files = SavedFiles()
    try:
        yield files
    except BaseException:
        files.take_back()
        raise


class NamedStorage(LazyObject):
    """STORAGES[alias], looked up when first used and again when the setting changes (tests).

    A FileField calls its storage callable once, at import; returning this instead of the
    storage itself lets a STORAGES override reach the field.
    """

    def __init__(self, alias):
        super().__init__()
        self.__dict__["alias"] = alias

    def _setup(self):
        self._wrapped = storages[self.alias]

    # Fields are copied (model state, forms); a copy names the same storage, so it is this one.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


_named = {}


def named_storage(alias):
    """The one NamedStorage of STORAGES[alias] (FileField storage callables return it)."""
    if alias not in _named:
        _named[alias] = NamedStorage(alias)
    return _named[alias]


@receiver(setting_changed)
def _forget_storages(*, setting, **kwargs):
    if setting == "STORAGES":
        for named in _named.values():
            named._wrapped = empty
