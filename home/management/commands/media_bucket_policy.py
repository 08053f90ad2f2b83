"""The media bucket's policy: anyone may read the pictures, nothing else (config/object_storage.py).

Prints the policy for the bucket of AWS_STORAGE_BUCKET_NAME; `--apply` also puts it on the
bucket through the S3 API. Clouds whose S3 layer does not take bucket policies get the same rule
in their console (public read for the prefixes printed, the bucket itself private).
"""

import json

from botocore.exceptions import BotoCoreError, ClientError

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from config.object_storage import MediaStorage


class Command(BaseCommand):
    help = "Print (or --apply) the media bucket's policy: pictures public, everything else private."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="put the policy on the bucket")

    def handle(self, *args, apply=False, **options):
        storage = storages["default"]
        if not isinstance(storage, MediaStorage):
            raise CommandError("AWS_STORAGE_BUCKET_NAME is not set: media are on the local disk.")
        policy = json.dumps(storage.public_read_policy(), indent=2)
        self.stdout.write(policy)
        if not apply:
            return
        try:
            storage.connection.meta.client.put_bucket_policy(
                Bucket=storage.bucket_name, Policy=policy
            )
        except (BotoCoreError, ClientError) as error:
            raise CommandError(f"The bucket refused the policy: {error}") from error
        self.stderr.write(f"Policy put on the bucket {storage.bucket_name}.")
