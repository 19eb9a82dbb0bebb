"""Charts drawn on the server by vl-convert (Vega-Lite in an embedded engine): no browser script, no CDN.

Drawings are kept in the cache under a digest of their specification, so a page viewed again costs no redrawing
and a changed figure is drawn anew.
"""

import hashlib
import json

import vl_convert
from django.core.cache import cache

CACHE_SECONDS = 24 * 60 * 60
SVG_CACHE_SECONDS = 300


def svg_response(request, chart, cache_control=f"public, max-age={SVG_CACHE_SECONDS}"):
    """The chart as an SVG image answer; `?size=narrow` asks for the phone layout (see templates/charts/_chart.html)."""
    from django.http import HttpResponse

    response = HttpResponse(svg(chart, narrow=request.GET.get("size") == "narrow"), content_type="image/svg+xml")
    response["Cache-Control"] = cache_control
    return response


def _key(spec, kind, scale=1):
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    return f"chart:{kind}:{scale}:{digest}"


def svg(chart, narrow=False):
    """The chart as an SVG document (text); `narrow`: laid out for a phone's width."""
    spec = chart.narrow_spec() if narrow else chart.spec
    return cache.get_or_set(_key(spec, "svg"), lambda: vl_convert.vegalite_to_svg(spec), CACHE_SECONDS)


def png(chart, scale=3):
    """The chart as PNG bytes, `scale` times its size in CSS pixels (3 prints sharply on A4)."""
    return cache.get_or_set(
        _key(chart.spec, "png", scale), lambda: vl_convert.vegalite_to_png(chart.spec, scale=scale), CACHE_SECONDS
    )


def png_size(data):
    """(width, height) in pixels, read from the PNG header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
