"""Byte-range responses (RFC 9110 §14) for files in any Django storage.

Phones' players (iOS Safari, WeChat's) will not play or seek an mp4 that is not served with
206 Partial Content, and Django's FileResponse sends whole files only. The Range and If-Range
headers are parsed by werkzeug. One range is served; a request for several gets the whole file
(which RFC 9110 allows), and a malformed or unsatisfiable range gets 416.
"""

import hashlib

from werkzeug.http import parse_if_range_header, parse_range_header

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import http_date

CHUNK_BYTES = 64 * 1024


def entity_tag(name, size):
    """A strong validator: a replaced file gets a new name (Wagtail keeps names unique)."""
    digest = hashlib.sha256(f"{name}:{size}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def _chunks(storage, name, start, length):
    with storage.open(name, "rb") as handle:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK_BYTES, length))
            if not data:
                return
            length -= len(data)
            yield data


def _last_modified(storage, name):
    try:
        return storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return None


def _if_range_holds(request, etag, modified):
    header = request.headers.get("If-Range")
    if not header:
        return True
    condition = parse_if_range_header(header)
    if condition.etag is not None:
        return condition.etag == etag.strip('"') and not header.startswith("W/")
    if condition.date is not None and modified is not None:
        return int(modified.timestamp()) <= int(condition.date.timestamp())
    return False


def ranged_file_response(request, storage, name, content_type):
    """The file, or the one byte range the request asks for, with the headers players need."""
    size = storage.size(name)
    etag = entity_tag(name, size)
    modified = _last_modified(storage, name)
    start, stop, status = 0, size, 200
    header = request.headers.get("Range")
    if header and _if_range_holds(request, etag, modified):
        ranges = parse_range_header(header)
        if ranges is None or ranges.units != "bytes":
            return _unsatisfiable(size)
        if len(ranges.ranges) == 1:
            bounds = ranges.range_for_length(size)
            if bounds is None:
                return _unsatisfiable(size)
            (start, stop), status = bounds, 206
    response = StreamingHttpResponse(
        _chunks(storage, name, start, stop - start) if request.method != "HEAD" else [],
        status=status,
        content_type=content_type,
    )
    response["Content-Length"] = str(stop - start)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    return response


def _unsatisfiable(size):
    response = HttpResponse(status=416)
    response["Content-Range"] = f"bytes */{size}"
    response["Accept-Ranges"] = "bytes"
    return response
