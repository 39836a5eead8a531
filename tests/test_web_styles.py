"""The stylesheet keeps its promises to browsers without ``light-dark()`` (Safari before
17.5): every colour it gives by ``light-dark(a, b)`` has the same two colours in the
``@supports not`` fallback, light by default and dark by media query and data-theme."""

from __future__ import annotations

import re

from tests.support import ROOT

CSS = (ROOT / "web" / "static" / "naba.css").read_text("utf-8")


def test_every_light_dark_colour_has_its_fallback() -> None:
    root = CSS[CSS.index(":root {") : CSS.index("@supports not (color: light-dark(")]
    pairs = dict(
        (name, (light, dark))
        for name, light, dark in re.findall(r"(--[a-z-]+): light-dark\((#\w+), (#\w+)\);", root)
    )
    assert len(pairs) >= 10
    fallback = CSS[CSS.index("@supports not (color: light-dark(") :]
    fallback = fallback[: fallback.index("\n}\n")]
    light_block, dark_media, dark_theme = re.split(
        r"@media \(prefers-color-scheme: dark\)|:root\[data-theme=\"dark\"\]", fallback
    )
    for name, (light, dark) in pairs.items():
        assert f"{name}: {light};" in light_block, name
        assert f"{name}: {dark};" in dark_media, name
        assert f"{name}: {dark};" in dark_theme, name


def test_printing_hides_the_site_and_keeps_the_text() -> None:
    printed = CSS[CSS.index("@media print") :]
    for hidden in (".site-header", ".facets", ".pagination", ".provenance"):
        assert hidden in printed.split("display: none")[0]
