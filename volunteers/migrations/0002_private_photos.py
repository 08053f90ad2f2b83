import django.core.validators
from django.core.files.storage import storages
from django.db import migrations, transaction

import volunteers.photos
import volunteers.validators


def move_photos_to_private_storage(apps, schema_editor):
    """Photos uploaded to public media: copied to private storage under random names.

    The public copy is deleted only once the new name is committed, so a failed migration
    loses nothing; running it again skips the photos already moved.
    """
    public = storages["default"]
    private = volunteers.photos.private_storage()
    ServiceRecord = apps.get_model("volunteers", "ServiceRecord")
    for record in ServiceRecord.objects.exclude(photo="").only("pk", "photo").iterator():
        old = record.photo.name
        if private.exists(old) or not public.exists(old):
            continue
        with public.open(old, "rb") as source:
            new = private.save(volunteers.photos.photo_path(record, old), source)
        ServiceRecord.objects.filter(pk=record.pk).update(photo=new)
        transaction.on_commit(
            lambda old=old: public.delete(old), using=schema_editor.connection.alias
        )


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="servicerecord",
            name="photo",
            field=volunteers.photos.PrivatePhotoField(
                blank=True,
                help_text="Optional: a JPEG, PNG or WebP photo of at most 5 MB.",
                storage=volunteers.photos.private_storage,
                upload_to=volunteers.photos.photo_path,
                validators=[
                    django.core.validators.FileExtensionValidator(["jpg", "jpeg", "png", "webp"]),
                    volunteers.validators.validate_photo_size,
                ],
                verbose_name="photo",
            ),
        ),
        migrations.RunPython(move_photos_to_private_storage, migrations.RunPython.noop),
    ]
