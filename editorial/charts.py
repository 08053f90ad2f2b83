"""Geometry of the site's small SVG bar charts (campaign completions, volunteer hours)."""


def bar_chart(series, width=600, height=140, pad=20):
    """Bars scaled into a width × height box: {bars: [{x, y, width, height, label_x, key,
    value}], width, height, baseline}, from (key, value) pairs such as (day, count)."""
    top = max((value for _key, value in series), default=0) or 1
    slot = (width - 2 * pad) / max(1, len(series))
    bars = []
    for index, (key, value) in enumerate(series):
        bar_height = (height - 2 * pad) * float(value) / float(top)
        bars.append(
            {
                "x": round(pad + index * slot + slot * 0.1, 1),
                "y": round(height - pad - bar_height, 1),
                "width": round(slot * 0.8, 1),
                "height": round(bar_height, 1),
                "label_x": round(pad + index * slot + slot / 2, 1),
                "key": key,
                "value": value,
            }
        )
    return {"bars": bars, "width": width, "height": height, "baseline": height - pad}
