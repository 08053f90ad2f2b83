"""Video files for the lesson player, after the collection's privacy has been checked."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from .models import Video, VideoRendition
from .ranges import ranged_file_response


def visible_to(video, request):
    """Whether the request passes every view restriction of the video's collection."""
    return all(
        restriction.accept_request(request)
        for restriction in video.collection.get_view_restrictions()
    )


@require_safe
def serve(request, video_id, filename):
    """The bytes of a video: by the web server in production, with byte ranges otherwise.

    A video someone may not see is a 404, as if it did not exist.
    """
    video = get_object_or_404(Video.objects.select_related("collection"), pk=video_id)
    if filename != video.filename or not visible_to(video, request):
        raise Http404
    return _send(request, video.file, video.content_type)


@require_safe
def rendition(request, video_id, height, filename):
    """A smaller copy of a video, under the same check as the video itself."""
    found = get_object_or_404(
        VideoRendition.objects.select_related("video__collection"), video_id=video_id, height=height
    )
    if filename != found.filename or not visible_to(found.video, request):
        raise Http404
    return _send(request, found.file, "video/mp4")


@require_safe
def captions(request, video_id):
    """A video's WebVTT captions, under the same check as the video: they are its words."""
    video = get_object_or_404(Video.objects.select_related("collection"), pk=video_id)
    if not video.captions or not visible_to(video, request):
        raise Http404
    return _send(request, video.captions, "text/vtt; charset=utf-8")


def _send(request, field_file, content_type):
    storage, name = field_file.storage, field_file.name
    try:
        storage.path(name)
    except NotImplementedError:
        # Object storage: the store sends the bytes (a signed URL where the bucket is private).
        return HttpResponseRedirect(storage.url(name))
    prefix = settings.VIDEO_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + name.lstrip("/")
        return response
    return ranged_file_response(request, storage, name, content_type)
