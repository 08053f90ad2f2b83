"""Large Excel exports of the people list, written by the task worker with visible progress.

A coordinator asking for more rows than REPORTS_BACKGROUND_EXPORT_ROWS gets a page that shows
how far the file is and a download link once it is written, instead of a request that runs for
a minute with nothing to see. The task re-reads the selection from the stored query string for
the same user, so the scope is checked again when the file is written, not only when asked.
"""

import logging
import tempfile
from datetime import timedelta

from django_tasks import task

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation

from config.storage import DiskFull, is_disk_full, saving_files

from .exports import people_rows_for, write_workbook
from .models import Export
from .selection import selection_for

logger = logging.getLogger(__name__)


def start_people_export(user, selection, filename, rows_total):
    """Record the export, queue the task once the record is committed, and return it."""
    forget_old_exports()
    export = Export.objects.create(
        user=user,
        what="people",
        query=selection.query(),
        filename=filename,
        rows_total=rows_total,
    )
    language = translation.get_language()
    transaction.on_commit(lambda: write_people_export.enqueue(str(export.pk), language))
    return export


@task()
def write_people_export(export_id, language):
    export = Export.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != Export.Status.QUEUED:
        return
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING)
    try:
        # A failure anywhere below, the last update included, takes the stored file back.
        with translation.override(language), saving_files() as files:
            selection = selection_for(export.user, QueryDict(export.query))

            def progress(done):
                Export.objects.filter(pk=export.pk).update(rows_done=done)

            # Closed by hand once stored; a context manager would close it before File() reads.
            handle = tempfile.TemporaryFile()  # noqa: SIM115
            try:
                done = write_workbook(
                    handle,
                    selection,
                    export.user,
                    people_rows_for(selection),
                    progress=progress,
                )
                handle.seek(0)
                files.save(export.file, export.filename, File(handle))
            finally:
                handle.close()
            Export.objects.filter(pk=export.pk).update(
                file=export.file.name,
                rows_done=done,
                status=Export.Status.DONE,
                finished_at=timezone.now(),
            )
    except Exception as error:
        # The temporary file fills the same disks: a full one there is a full disk too.
        disk_full = is_disk_full(error)
        if disk_full and not isinstance(error, DiskFull):
            logger.error("Disk full or failing while writing export %s: %s", export.pk, error)
        elif not disk_full:
            logger.exception("People export %s failed", export.pk)
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.FAILED,
            failure=Export.Failure.DISK_FULL if disk_full else "",
            file="",
            finished_at=timezone.now(),
        )
        raise


def forget_old_exports():
    """Delete exports (and their files) older than REPORTS_EXPORTS_KEPT_HOURS."""
    cutoff = timezone.now() - timedelta(hours=settings.REPORTS_EXPORTS_KEPT_HOURS)
    count = 0
    for export in Export.objects.filter(created_at__lt=cutoff):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        count += 1
    return count
