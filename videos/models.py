"""The video library: wagtailmedia's media item with what ffprobe read from the file."""

from wagtailmedia.models import AbstractMedia

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Video(AbstractMedia):
    """A lesson video; duration, size, codec and poster are read from the file in the background."""

    codec = models.CharField(_("video codec"), max_length=32, blank=True, editable=False)
    size_bytes = models.PositiveBigIntegerField(_("file size (bytes)"), null=True, editable=False)
    captions = models.FileField(
        _("captions"),
        upload_to="media_captions",
        blank=True,
        help_text=_("A WebVTT (.vtt) or SubRip (.srt) file; .srt is converted to WebVTT."),
    )
    # The captions' text, shown as the transcript below the player and indexed for search.
    transcript = models.TextField(_("transcript"), blank=True, editable=False)
    # The file name the facts above were read from: a new file is probed again.
    probed_file = models.CharField(max_length=255, blank=True, editable=False)

    # Duration, width and height come from the file, so the form does not offer them.
    admin_form_fields = ("title", "file", "captions", "collection", "thumbnail", "tags")

    class Meta(AbstractMedia.Meta):
        verbose_name = _("video")
        verbose_name_plural = _("videos")

    @property
    def needs_probe(self):
        return bool(self.file) and self.probed_file != self.file.name

    @property
    def content_type(self):
        return "video/webm" if self.file_extension.lower() == "webm" else "video/mp4"

    def playable_sources(self):
        """(清晰 URL, 流畅 URL or None): the 720p copy or else the file; the smallest copy."""
        copies = sorted(self.renditions.all(), key=lambda copy: copy.height)
        clear = (
            copies[-1]
            if copies and copies[-1].height == max(settings.VIDEO_RENDITION_HEIGHTS)
            else None
        )
        smooth = next((copy for copy in copies if copy is not clear), None)
        return (clear.url if clear else self.url), (smooth.url if smooth else None)

    @property
    def url(self):
        # Through the serving view, which checks the collection's privacy and sends byte ranges.
        return reverse("videos:serve", args=(self.pk, self.filename))

    @property
    def captions_url(self):
        return reverse("videos:captions", args=(self.pk,)) if self.captions else ""


class VideoRendition(models.Model):
    """A smaller H.264/AAC mp4 of a video for weak networks (流畅), made by the facts task."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="renditions")
    height = models.PositiveIntegerField(_("height"))
    file = models.FileField(_("file"), upload_to="media_renditions")

    class Meta:
        verbose_name = _("video rendition")
        constraints = [
            models.UniqueConstraint(fields=["video", "height"], name="one_rendition_per_height")
        ]
        ordering = ["-height"]

    def __str__(self):
        return f"{self.video} ({self.height}p)"

    @property
    def filename(self):
        return self.file.name.rsplit("/", 1)[-1]

    @property
    def url(self):
        return reverse("videos:rendition", args=(self.video_id, self.height, self.filename))
