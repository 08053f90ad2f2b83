"""Media in an S3-compatible bucket (AWS S3, Aliyun OSS, Tencent COS, Huawei OBS, MinIO …).

Used as STORAGES["default"] when AWS_STORAGE_BUCKET_NAME is set (config/settings/base.py).
Pictures (Wagtail's originals and renditions) are public: their URLs are plain, so that a page
kept in the anonymous page cache never holds a link that has expired, and they may go through a
CDN's custom domain. Every other file (Wagtail documents, whose collection may be private or
become private later, and anything added later under another prefix) is private: its URL is
signed by the bucket's endpoint and expires, and it is handed out only after Wagtail's own
permission check (WAGTAILDOCS_SERVE_METHOD = "redirect"). The bucket itself stays private; only
the public prefixes are opened for reading by the bucket policy (README, "Object storage").
"""

from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from django.utils.encoding import filepath_to_uri

# Where Wagtail writes pictures: originals (AbstractImage.file) and renditions.
PUBLIC_PREFIXES = ("original_images/", "images/")


class MediaStorage(S3Storage):
    """The bucket's files: plain URLs under the public prefixes, signed URLs for the rest."""

    def __init__(self, *, public_prefixes=PUBLIC_PREFIXES, **settings):
        super().__init__(**settings)
        self.public_prefixes = tuple(public_prefixes)

    def is_public(self, name):
        """Whether anyone may read this file by its URL (a picture), or only a signed URL."""
        return clean_name(name).startswith(self.public_prefixes)

    def url(self, name, parameters=None, expire=None, http_method=None):
        key = self._normalize_name(clean_name(name))
        if self.is_public(name):
            if self.custom_domain:
                return f"{self.url_protocol}//{self.custom_domain}/{filepath_to_uri(key)}"
            client = self.unsigned_connection.meta.client
        else:
            # Signed by the endpoint even where a custom domain (a CDN) serves the pictures:
            # the CDN's address would carry no signature, and the private object would answer
            # 403 (or, behind a CDN allowed to read everything, be public).
            client = self.connection.meta.client
        return client.generate_presigned_url(
            "get_object",
            Params={**(parameters or {}), "Bucket": self.bucket_name, "Key": key},
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )

    def public_read_policy(self):
        """The bucket policy that lets anyone read the pictures, and nothing else of the bucket."""
        under = f"{self.location.strip('/')}/" if self.location else ""
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicReadPictures",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject"],
                    "Resource": [
                        f"arn:aws:s3:::{self.bucket_name}/{under}{prefix}*"
                        for prefix in self.public_prefixes
                    ],
                }
            ],
        }
