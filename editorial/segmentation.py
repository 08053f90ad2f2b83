"""Chinese word segmentation for search.

Wagtail's database search backends (SQLite FTS5, PostgreSQL tsvector) split text on spaces and
punctuation only, so a sentence of Chinese is one token and a query for a word inside it finds
nothing. We index a copy of the text cut into words by jieba, and cut queries the same way.
"""

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)

# Terms of the trade jieba's general dictionary splits wrongly; kept whole so a query for one
# matches however the surrounding sentence was cut.
DOMAIN_TERMS = [
    "灭火器",
    "手提式灭火器",
    "干粉灭火器",
    "二氧化碳灭火器",
    "保险销",
    "消火栓",
    "室内消火栓",
    "消防栓",
    "消控室",
    "消防控制室",
    "防火门",
    "防火卷帘",
    "疏散通道",
    "安全出口",
    "消防车通道",
    "应急照明",
    "疏散指示标志",
    "电动自行车",
    "飞线充电",
    "动火作业",
    "防火巡查",
    "防火检查",
    "消防安全责任人",
    "消防安全管理人",
    "群租房",
    "三合一",
    "微型消防站",
    "开学第一课",
]
_DOMAIN_TERMS = frozenset(DOMAIN_TERMS)
for term in DOMAIN_TERMS:
    jieba.add_word(term, freq=200_000)

# Particles that would match nearly every page if searched on their own.
STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "有",
        "为",
        "对",
        "把",
        "被",
        "也",
        "就",
        "都",
        "而",
        "之",
        "其",
        "这",
        "那",
        "个",
        "等",
    ]
)

# Keep only runs of letters and digits: FTS5 and tsquery syntax characters never reach the backend.
_WORD = re.compile(r"\w+", re.UNICODE)


def segment(text):
    """The text cut into search words (including the shorter words inside long ones)."""
    if not text:
        return []
    words = []
    for word in jieba.cut_for_search(text):
        words.extend(_WORD.findall(word.lower()))
    return words


def segmented_text(text):
    """A space-separated copy of the text to put into a search index."""
    return " ".join(segment(text))


def query_word_groups(query, max_length):
    """The query as groups of words, one group for each word a reader typed.

    A page must match every group (so a nonsense word finds nothing), and a group matches when
    the page holds the word or one of the shorter words jieba finds inside it (灭火器: 灭火, 火器),
    because the page's own text may have been cut at other places around it.
    """
    groups = []
    seen = set()
    for piece in jieba.cut((query or "")[:max_length]):
        for word in _WORD.findall(piece.lower()):
            if word in STOP_WORDS or word in seen:
                continue
            seen.add(word)
            if word in _DOMAIN_TERMS:
                # jieba never cuts these inside a text; 灭火 alone is not what 灭火器 asks for.
                groups.append([word])
                continue
            variants = [word] + [sub for sub in segment(word) if sub not in STOP_WORDS]
            groups.append(list(dict.fromkeys(variants)))
    return groups
