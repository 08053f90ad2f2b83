from django.utils.html import strip_tags

from wagtail.search import index

from .segmentation import segmented_text


class SegmentedSearchMixin:
    """Adds a jieba-segmented copy of a page's text to its search index entry.

    Page types list the text-bearing field names in `segmented_search_sources`; StreamFields are
    flattened with their blocks' own searchable content.
    """

    segmented_search_sources = ("title", "search_description")

    search_fields = [index.SearchField("segmented_search_text")]

    def segmented_search_text(self):
        return segmented_text(self.search_plain_text())

    def search_plain_text(self):
        """The page's searchable text as readers see it (for result snippets)."""
        parts = []
        for name in self.segmented_search_sources:
            value = getattr(self, name, None)
            if value is None:
                continue
            stream_block = getattr(value, "stream_block", None)
            if stream_block is not None:
                parts.extend(stream_block.get_searchable_content(value))
            else:
                parts.append(strip_tags(str(value)))
        return " ".join(part.strip() for part in parts if part and part.strip())
