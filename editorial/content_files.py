"""The demo's content files under content/: read, checked as editors' input is, errors with a place.

Pages are YAML files whose keys are the page model's field names; a StreamField holds its JSON
form (a list of {"type", "value"}). Everything is checked before anything is saved: unknown keys,
missing required fields, field values (lengths, choices) and every block of every StreamField
(unknown block types and keys, then Wagtail's own block validation). The one thing reading
saves is a picture an image block names by file (content_images), made a Wagtail image once.
A problem raises ContentFileError naming the file, the line and the place in it, e.g.
``content/courses/01-unit-responsible-persons.yaml, line 212 (lessons[2].body[3].value.kind)``.

This module sits with the shared blocks because every content app loads its demo through it.
"""

from pathlib import Path

import yaml

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page

from editorial import content_images

# The C parser when PyYAML has it (its wheels do): the demo reads some 400 KB of YAML.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


PAGE_FIELDS = ("title", "slug", "seo_title", "search_description")


def content_dir():
    return Path(settings.BASE_DIR) / "content"


class ContentFileError(Exception):
    """A content file that cannot be loaded; str() says which file, where and what."""

    def __init__(self, path, message, place=(), *, line=None):
        self.path, self.message, self.place = Path(path), str(message), tuple(place)
        if line is None and self.path.suffix == ".yaml":
            line = _line_of(self.path, self.place)
        self.line = line
        super().__init__(str(self))

    def __str__(self):
        where = [_display(self.path)]
        if self.line:
            where.append(_("line %(line)s") % {"line": self.line})
        location = ", ".join(where)
        if self.place:
            location += f" ({format_place(self.place)})"
        return f"{location}: {self.message}"


def _display(path):
    try:
        return str(path.relative_to(Path(settings.BASE_DIR)))
    except ValueError:
        return str(path)


def format_place(place):
    text = ""
    for part in place:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_of(path, place):
    """The line where `place` is written in the YAML file (as far down as it exists there)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=Loader)
    except (OSError, yaml.YAMLError):
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in place:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            found = node.value[part] if 0 <= part < len(node.value) else None
        else:
            found = None
        if found is None:
            break
        node, line = found, found.start_mark.line + 1
    return line


def read(path):
    """A YAML file's data; a syntax error is a ContentFileError with its line."""
    path = Path(path)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506 - safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise ContentFileError(path, f"YAML: {error.problem or error}", line=line) from error
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ContentFileError(path, str(error), line=0) from error


def files(folder):
    """The YAML files of content/<folder>, in name order (the order pages are created in)."""
    return sorted((content_dir() / folder).glob("*.yaml"))


def read_list(path):
    data = read(path)
    if not isinstance(data, list):
        raise ContentFileError(path, _("The file must hold a list of pages."))
    return data


def index_spec(key):
    """(path, data) of one index page's entry in content/indexes.yaml (课程中心, 检查手册 …)."""
    path = content_dir() / "indexes.yaml"
    data = mapping(path, read(path))
    if not isinstance(data.get(key), dict):
        raise ContentFileError(path, _("“%(key)s” is required.") % {"key": key}, (key,))
    return path, data[key]


def mapping(path, data, place=()):
    if not isinstance(data, dict):
        raise ContentFileError(path, _("Expected a mapping of field names to values."), place)
    return data


def page(model, data, *, path, place=(), extra=()):
    """An unsaved `model` page built from data's fields, every field and block checked.

    `extra` names the keys the caller reads itself (tags, child pages, references); data's
    other keys must be fields of the page. Each StreamField value in data is replaced by its
    checked form, with the optional members the file left out filled in.
    """
    mapping(path, data, place)
    own = {f.name for f in Page._meta.concrete_fields}
    # What an editor fills in: the page's own content fields and Page's title, slug and SEO
    # fields; never the tree's bookkeeping (path, depth, live …) nor a relation by its id.
    fields = {
        f.name: f
        for f in model._meta.concrete_fields
        if (f.name in PAGE_FIELDS or f.name not in own)
        and f.editable
        and not f.is_relation
        and not f.primary_key
    }
    unknown = [key for key in data if key not in fields and key not in extra]
    if unknown:
        raise ContentFileError(
            path, _("Unknown key “%(key)s”.") % {"key": unknown[0]}, (*place, unknown[0])
        )
    for field in fields.values():
        required = field.name in ("title", "slug") or (
            field.name not in own and not field.blank and not field.has_default()
        )
        if required and data.get(field.name) in (None, ""):
            raise ContentFileError(
                path, _("“%(key)s” is required.") % {"key": field.name}, (*place, field.name)
            )
    values = {}
    for name, value in data.items():
        if name not in fields or name in extra:
            continue
        field = fields[name]
        if isinstance(field, StreamField):
            value = data[name] = stream(field.stream_block, value, path=path, place=(*place, name))
        values[name] = value
    instance = model(**values)
    try:
        instance.clean_fields(exclude=[f.name for f in model._meta.fields if f.name not in values])
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise ContentFileError(path, " ".join(messages), (*place, name)) from error
    return instance


def stream(block, raw, *, path, place):
    """Checked StreamField data, with the optional struct members a file left out filled in."""
    completed = _complete(block, raw, path, place)
    try:
        block.clean(block.to_python(completed))
    except ValidationError as error:
        sub_place, message = _first_error(error)
        raise ContentFileError(path, message, (*place, *sub_place)) from error
    return completed


def _complete(block, raw, path, place):
    """raw checked for shape against `block`; a struct's missing members get their defaults."""
    if isinstance(block, blocks.StreamBlock):
        if not isinstance(raw, list):
            raise ContentFileError(path, _("Expected a list of blocks."), place)
        result = []
        for index, item in enumerate(raw):
            if not isinstance(item, dict) or "type" not in item:
                raise ContentFileError(
                    path, _("A block needs a “type” and a “value”."), (*place, index)
                )
            child = block.child_blocks.get(item["type"])
            if child is None:
                raise ContentFileError(
                    path,
                    _("Unknown block type “%(type)s”; known: %(known)s.")
                    % {"type": item["type"], "known": ", ".join(block.child_blocks)},
                    (*place, index, "type"),
                )
            unknown = set(item) - {"type", "value", "id"}
            if unknown:
                key = sorted(unknown)[0]
                raise ContentFileError(
                    path, _("Unknown key “%(key)s”.") % {"key": key}, (*place, index, key)
                )
            value = _complete(child, item.get("value"), path, (*place, index, "value"))
            result.append({**item, "value": value})
        return result
    if isinstance(block, blocks.StructBlock):
        if not isinstance(raw, dict):
            raise ContentFileError(path, _("Expected a mapping of field names to values."), place)
        unknown = [key for key in raw if key not in block.child_blocks]
        if unknown:
            raise ContentFileError(
                path,
                _("Unknown key “%(key)s”; known: %(known)s.")
                % {"key": unknown[0], "known": ", ".join(block.child_blocks)},
                (*place, unknown[0]),
            )
        return {
            name: (
                _complete(child, raw[name], path, (*place, name))
                if name in raw
                else _default(child)
            )
            for name, child in block.child_blocks.items()
        }
    if isinstance(block, ImageChooserBlock) and isinstance(raw, str):
        problem = content_images.problem_with(raw)
        if problem:
            raise ContentFileError(path, problem, place)
        return content_images.content_image(raw).pk
    if isinstance(block, blocks.ListBlock):
        if not isinstance(raw, list):
            raise ContentFileError(path, _("Expected a list."), place)
        return [
            _complete(block.child_block, item, path, (*place, index))
            for index, item in enumerate(raw)
        ]
    return raw


def _default(block):
    """What the admin stores for a member left empty: its default, else the empty form value."""
    value = block.get_default()
    if value is None and isinstance(block, blocks.FieldBlock) and not block.required:
        try:
            value = block.value_from_form(block.field.clean(""))
        except ValidationError:
            value = None
    return block.get_prep_value(value)


def _first_error(error):
    """(place, message) of the first leaf of a block validation error."""
    children = getattr(error, "block_errors", None)
    if children:
        key = min(children)  # indexes of a stream or list, names of a struct
        prefix = (key, "value") if isinstance(error, blocks.StreamBlockValidationError) else (key,)
        place, message = _first_error(children[key])
        return (*prefix, *place), message
    non_block = getattr(error, "non_block_errors", None)
    if non_block:
        return (), " ".join(str(e) for e in non_block.as_data()[0].messages)
    return (), " ".join(error.messages)
