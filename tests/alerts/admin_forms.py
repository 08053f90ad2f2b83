"""Form data as Wagtail's page editor posts it, for driving the admin through the test client."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def case_warning_form(page=None, **overrides):
    data = {
        "title": page.title if page else "【示例】新案例",
        "slug": page.slug if page else "new-case",
        "date": "2026-03-14",
        "place_type": "群租房",
        "summary": "示例摘要",
        "what_happened": rich_text("<p>示例经过</p>"),
        "causes": "原因一",
        "violations": streamfield([]),
        "lessons": "教训一",
        "handbook": "",
        "related_pages": streamfield([]),
        "tags": "电动自行车",
        "seo_title": "",
        "search_description": "",
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def risk_alert_form(**overrides):
    data = {
        "title": "冬季风险提示",
        "slug": "winter-risk",
        "summary": "冬季火灾风险上升。",
        "place_type": "",
        "season": "winter",
        "valid_from": "2026-12-01",
        "valid_to": "2027-03-01",
        "audience": "全区居民",
        "precautions": "取暖器远离可燃物",
        "tags": "",
        "seo_title": "",
        "search_description": "",
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)
