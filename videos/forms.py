"""The admin's upload form: refuses, before anything is stored, what a phone could not play."""

from wagtailmedia.forms import BaseMediaForm
from wagtailmedia.models import MediaType

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from . import captions, probe

ACCEPTED_EXTENSIONS = ("mp4", "webm")


class VideoForm(BaseMediaForm):
    """wagtailmedia's form, with the size limit and the ffprobe check on the uploaded file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            self.fields["file"].help_text = _(
                "mp4 or webm, at most %(limit)s. An H.264 mp4 plays on every phone."
            ) % {"limit": filesizeformat(settings.VIDEO_MAX_UPLOAD_SIZE)}

    def clean(self):
        cleaned = super().clean()
        if self.instance.type != MediaType.VIDEO:
            raise forms.ValidationError(_("Only video files can be uploaded here."))
        return cleaned

    def clean_captions(self):
        uploaded = self.cleaned_data.get("captions")
        if uploaded is False:  # "clear" ticked
            self.instance.transcript = ""
        if not uploaded or not hasattr(uploaded, "content_type"):
            return uploaded  # none, cleared, or the stored file kept
        extension = (uploaded.name or "").rsplit(".", 1)[-1].lower()
        try:
            if extension not in ("vtt", "srt"):
                raise captions.NotACaptionFile(extension)
            vtt, transcript = captions.to_webvtt(uploaded.read(captions.MAX_CAPTION_BYTES + 1))
        except captions.NotACaptionFile as error:
            raise forms.ValidationError(
                _("Upload captions as a WebVTT (.vtt) or SubRip (.srt) file, at most 1 MB.")
            ) from error
        self.instance.transcript = transcript
        stem = (uploaded.name or "captions").rsplit(".", 1)[0]
        return ContentFile(vtt.encode("utf-8"), name=f"{stem}.vtt")

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded is None or not hasattr(uploaded, "content_type"):
            return uploaded  # no new upload: the stored file was checked when it came
        extension = (uploaded.name or "").rsplit(".", 1)[-1].lower()
        if extension not in ACCEPTED_EXTENSIONS:
            raise forms.ValidationError(_("Upload an mp4 or webm video file."))
        limit = settings.VIDEO_MAX_UPLOAD_SIZE
        if uploaded.size > limit:
            raise forms.ValidationError(
                _("This file is %(size)s; videos may be at most %(limit)s.")
                % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
            )
        with probe.uploaded_path(uploaded) as path:
            try:
                probe.probe(path)
            except probe.NotAPlayableVideo as error:
                raise forms.ValidationError(
                    _(
                        "This file is not a video that phones can play (it may be damaged, or "
                        "not an H.264, VP8, VP9 or AV1 video). Export it again as an H.264 mp4 "
                        "and upload that."
                    )
                ) from error
        return uploaded
