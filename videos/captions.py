"""Caption files: WebVTT kept as it is, SubRip (.srt) converted to WebVTT, both read for cues.

Browsers play only WebVTT in <track>; editors often have .srt from their subtitling tool. The
cue texts joined make the lesson's transcript, shown below the player and indexed for search.
"""

import re

MAX_CAPTION_BYTES = 1024 * 1024
TIMING = re.compile(
    r"^\s*((?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{3})\s*-->\s*((?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{3})(.*)$"
)
TAG = re.compile(r"<[^>]+>")


class NotACaptionFile(ValueError):
    """The file is neither WebVTT nor SubRip, or holds no cue."""


def _decode(data):
    if len(data) > MAX_CAPTION_BYTES:
        raise NotACaptionFile("too large")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotACaptionFile("not text")


def _cues(lines):
    """[(start, end, settings, [text lines])] from the lines after any header."""
    cues, current = [], None
    for line in lines:
        timing = TIMING.match(line)
        if timing:
            current = (timing.group(1), timing.group(2), timing.group(3), [])
            cues.append(current)
        elif not line.strip():
            current = None
        elif current is not None:
            current[3].append(line.strip())
    return [cue for cue in cues if cue[3]]


def to_webvtt(data):
    """(WebVTT text, transcript) of an uploaded .vtt or .srt file; NotACaptionFile if neither."""
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    is_vtt = lines[0].strip().startswith("WEBVTT")
    cues = _cues(lines[1:] if is_vtt else lines)
    if not cues:
        raise NotACaptionFile("no cues")
    if is_vtt:
        vtt = text if text.endswith("\n") else text + "\n"
    else:
        blocks = [
            f"{start.replace(',', '.')} --> {end.replace(',', '.')}\n" + "\n".join(cue_lines)
            for start, end, _settings, cue_lines in cues
        ]
        vtt = "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"
    transcript = "\n".join(
        TAG.sub("", " ".join(cue_lines)).strip() for _s, _e, _t, cue_lines in cues
    )
    return vtt, transcript
