"""Charts drawn on the server by vl-convert (Vega-Lite in an embedded engine): no browser script, no CDN.

Drawings are kept in the cache under a digest of their specification, so a page viewed again costs no redrawing
and a changed figure is drawn anew.
"""

import hashlib
import json

import vl_convert
from django.core.cache import cache

CACHE_SECONDS = 24 * 60 * 60


def _key(chart, kind, scale=1):
    digest = hashlib.sha256(json.dumps(chart.spec, sort_keys=True, default=str).encode()).hexdigest()
    return f"chart:{kind}:{scale}:{digest}"


def svg(chart):
    """The chart as an SVG document (text)."""
    return cache.get_or_set(_key(chart, "svg"), lambda: vl_convert.vegalite_to_svg(chart.spec), CACHE_SECONDS)


def png(chart, scale=3):
    """The chart as PNG bytes, `scale` times its size in CSS pixels (3 prints sharply on A4)."""
    return cache.get_or_set(
        _key(chart, "png", scale), lambda: vl_convert.vegalite_to_png(chart.spec, scale=scale), CACHE_SECONDS
    )


def png_size(data):
    """(width, height) in pixels, read from the PNG header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
