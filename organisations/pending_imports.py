"""Member imports between upload and confirmation, kept where every web worker finds them.

The uploaded file goes to private storage (STORAGES["imports"], outside MEDIA_ROOT) and the
preview's rows to the database, so a confirmation that reaches another worker, or comes after
a restart, finds the same import. Confirming re-reads the stored file (its SHA-256 checked) and
applies it with `importing.apply_import`.

One-time passwords are never stored in the database or a cache, encrypted or not: they exist
only in the passwords sheet written at confirmation into private storage, which is deleted at
its first download, or at expiry if nobody downloads it. An encrypted copy would need its key
on the same server (SECRET_KEY), so it would protect against little that file permissions on
private storage do not, while keeping the passwords for longer than the one download needs.
"""

import dataclasses
import logging
import os
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from config.storage import saving_files
from spreadsheets import normalise

from . import importing
from .models import PendingImport, RememberedColumns

logger = logging.getLogger(__name__)
RESULT_LIST_LIMIT = 200


def _minutes(name):
    return timedelta(minutes=getattr(settings, name))


def _plan_json(planned):
    return [dataclasses.asdict(row) for row in planned]


def planned_rows(pending):
    """The preview's rows as PlannedRow objects again."""
    rows = []
    for data in pending.plan:
        row = importing.PlannedRow(**data)
        row.problems = [tuple(problem) for problem in row.problems]
        rows.append(row)
    return rows


def store_upload(user, filename, data, sheet, planned=None):
    """Keep an uploaded sheet and its preview until it is confirmed or expires.

    Without `planned` (the sheet's columns are not all clear), it waits for the coordinator to
    choose them (choose_columns).
    """
    forget_expired()
    digest = importing.file_digest(data)
    extension = os.path.splitext(filename)[1].lower()
    pending = PendingImport(
        owner=user,
        digest=digest,
        filename=filename[:255],
        state=PendingImport.State.COLUMNS if planned is None else PendingImport.State.PREVIEW,
        layout=sheet.layout.as_json(),
        expires_at=timezone.now() + _minutes("MEMBER_IMPORT_PENDING_MINUTES"),
    )
    if planned is not None:
        pending.plan = _plan_json(planned)
        pending.plan_digest = importing.plan_digest(planned)
    # Written before the transaction opens (a slow disk holds no lock); a full disk raises
    # DiskFull with nothing kept, and a failed save deletes the file: no row without its file.
    with saving_files() as files:
        # A random name: the coordinator's file name is shown, never used as a path.
        files.save(pending.file, f"{pending.pk}{extension}", ContentFile(data))
        with transaction.atomic():
            for stale in PendingImport.objects.filter(
                owner=user,
                digest=digest,
                state__in=(PendingImport.State.PREVIEW, PendingImport.State.COLUMNS),
            ):
                _delete(stale)
            pending.save()
    return pending


def waiting(user, digest, states=(PendingImport.State.PREVIEW,)):
    """The user's import of the file with this SHA-256 that waits (for confirmation), or None."""
    return (
        PendingImport.objects.filter(
            owner=user,
            digest=digest,
            state__in=states,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )


def layout_of(pending):
    return importing.SheetLayout.from_json(pending.layout)


def choose_columns(user, pending, columns):
    """Read the stored sheet with the columns the coordinator chose, plan it, remember them."""
    layout = layout_of(pending)
    sheet = _read(pending, columns=columns, header_row=layout.header_row)
    planned = importing.plan_import(user, sheet.records)
    with transaction.atomic():
        pending.layout = sheet.layout.as_json()
        pending.plan = _plan_json(planned)
        pending.plan_digest = importing.plan_digest(planned)
        pending.state = PendingImport.State.PREVIEW
        pending.save(update_fields=["layout", "plan", "plan_digest", "state"])
        remember_columns(user, layout.labels, columns)
    return pending


def remembered_columns(user):
    """{heading: field} the user mapped by hand before."""
    remembered = RememberedColumns.objects.filter(owner=user).first()
    return remembered.headings if remembered else {}


def remember_columns(user, labels, columns):
    """Keep the headings of the chosen columns, newest last, at most RememberedColumns.LIMIT."""
    headings = dict(remembered_columns(user))
    for key, index in columns.items():
        heading = normalise.label(labels[index]) if index < len(labels) else ""
        if heading and len(heading) <= 60:
            headings.pop(heading, None)
            headings[heading] = key
    kept = dict(list(headings.items())[-RememberedColumns.LIMIT :])
    RememberedColumns.objects.update_or_create(owner=user, defaults={"headings": kept})


def finished(user, pk):
    """The user's confirmed import with this id, or None (also once it has expired)."""
    return PendingImport.objects.filter(
        owner=user, pk=pk, state=PendingImport.State.DONE, expires_at__gt=timezone.now()
    ).first()


def _read(pending, columns=None, header_row=None):
    try:
        with pending.file.open("rb") as stored:
            data = stored.read()
    except (OSError, ValueError) as error:
        raise importing.ImportFileError(str(error)) from error
    if importing.file_digest(data) != pending.digest:
        raise importing.ImportFileError("stored file changed")
    sheet = importing.read_sheet(pending.filename, data, columns=columns, header_row=header_row)
    if not sheet.layout.is_complete:
        raise importing.ImportFileError("columns not chosen")
    return sheet


def records_of(pending):
    """The stored sheet's rows, read again with its columns; ImportFileError if it is gone,
    was changed, or its columns are not all chosen."""
    if not pending.layout:  # uploaded before layouts were kept: read as then
        return _read(pending).records
    layout = layout_of(pending)
    return _read(pending, columns=layout.columns, header_row=layout.header_row).records


def replan(pending, records, user):
    """Plan the stored sheet again against today's data (after a refused confirmation)."""
    planned = importing.plan_import(user, records)
    pending.plan = _plan_json(planned)
    pending.plan_digest = importing.plan_digest(planned)
    pending.save(update_fields=["plan", "plan_digest"])


def confirm_import(user, pending, plan_digest):
    """Apply the stored sheet if its plan is still the previewed one; keep the result.

    Raises importing.PlanChanged (nothing saved), ImportFileError (the stored file is gone) or
    DiskFull (the passwords sheet could not be written: nothing saved, the import still waits).
    Returns the finished PendingImport, or None if another request confirmed it first.
    """
    with saving_files() as files, transaction.atomic():
        pending = (
            PendingImport.objects.select_for_update()
            .filter(pk=pending.pk, state=PendingImport.State.PREVIEW)
            .first()
        )
        if pending is None:
            return None
        records = records_of(pending)
        result = importing.apply_import(user, records, plan_digest)
        if result.created:
            sheet = importing.passwords_workbook(result.created)
            files.save(pending.passwords, f"{pending.pk}.xlsx", ContentFile(sheet))
        pending.result = {
            "created_count": len(result.created),
            "created": [[row, name, login] for row, name, login, _pw in result.created][
                :RESULT_LIST_LIMIT
            ],
            "added": result.added,
            "updated_count": len(result.updated),
            "updated": [list(item) for item in result.updated[:RESULT_LIST_LIMIT]],
            "unchanged": result.unchanged,
            "skipped": result.skipped,
        }
        old_file = pending.file.name
        pending.file = ""
        pending.plan = []
        pending.state = PendingImport.State.DONE
        pending.expires_at = timezone.now() + _minutes("MEMBER_IMPORT_RESULT_MINUTES")
        pending.save()
        transaction.on_commit(lambda: pending.file.storage.delete(old_file))
    return pending


def take_passwords(pending):
    """The passwords sheet's bytes, once: the file is deleted as it is handed out."""
    name = pending.passwords.name
    if not name:
        return None
    # Only the request that clears the name gets the sheet, even if two arrive together.
    if not PendingImport.objects.filter(pk=pending.pk, passwords=name).update(passwords=""):
        return None
    storage = pending.passwords.storage
    try:
        with storage.open(name, "rb") as sheet:
            data = sheet.read()
    except OSError:
        logger.warning("Passwords sheet of import %s is missing", pending.pk)
        return None
    finally:
        storage.delete(name)
    return data


def _delete(pending):
    for stored in (pending.file, pending.passwords):
        if stored.name:
            stored.storage.delete(stored.name)
    pending.delete()


def forget_expired(now=None):
    """Delete expired imports with their files (sheets and unfetched passwords); how many."""
    expired = PendingImport.objects.filter(expires_at__lte=now or timezone.now())
    count = 0
    for pending in expired.iterator():
        _delete(pending)
        count += 1
    return count
