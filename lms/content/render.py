"""Markdown to safe HTML: the one place trainers' Markdown becomes markup."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from typing import Any

import markdown
import nh3

#: Extensions used for every rendering. attr_list and md_in_html stay off: they let Markdown
#: smuggle attributes and raw blocks past the author's intent.
MARKDOWN_EXTENSIONS = ("tables", "fenced_code", "sane_lists", "toc")

ALLOWED_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "img", "strong", "em",
        "code", "pre", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
        "del", "sup", "sub", "dl", "dt", "dd", "span",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "ol": {"start"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}

#: Table cell alignment, written as ``align`` (never ``style``) by the tables extension.
ALIGN_VALUES = {"th": {"align": {"left", "center", "right"}}, "td": {"align": {"left", "center", "right"}}}

URL_SCHEMES = frozenset({"http", "https", "mailto"})

#: Tags removed together with everything inside them.
_DROP_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "svg", "math", "textarea", "title"}
)

_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
_DIGITS = re.compile(r"\d{1,5}")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# The sanitiser's serialiser quotes every attribute with " and escapes " inside values, and
# escapes < in text, so these patterns see exactly the <a>/<img> start tags and their attributes.
_START_TAG = re.compile(r'<(a|img)((?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*)\s*(/?)>')
_ATTRIBUTE = re.compile(r'\s+([^\s"\'>/=]+)(?:="([^"]*)")?')

EXTERNAL_LINK_REL = "noopener noreferrer"


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep only harmless attribute values: language-* classes on code, numbers for sizes."""
    if attribute == "class":
        if tag != "code":
            return None
        classes = [name for name in value.split() if _LANGUAGE_CLASS.fullmatch(name)]
        return " ".join(classes) or None
    if attribute in {"width", "height", "start"}:
        return value if _DIGITS.fullmatch(value.strip()) else None
    return value


#: Options for ``nh3.clean`` (the function, which every supported nh3 version has).
_CLEAN_OPTIONS: dict[str, Any] = {
    "tags": set(ALLOWED_TAGS),
    "clean_content_tags": set(_DROP_WITH_CONTENT),
    "attributes": {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    "tag_attribute_values": {
        tag: {name: set(values) for name, values in attrs.items()} for tag, attrs in ALIGN_VALUES.items()
    },
    "attribute_filter": _filter_attribute,
    "strip_comments": True,
    "link_rel": None,
    "url_schemes": set(URL_SCHEMES),
}


def is_external_url(url: str) -> bool:
    """True for an absolute http(s) URL or a scheme-relative one (``//host``, ``/\\host``)."""
    stripped = url.strip().replace("\\", "/")
    lowered = stripped.lower()
    return lowered.startswith(("http://", "https://", "//"))


def is_relative_url(url: str) -> bool:
    """True for a path relative to the page (``media/a.png``): no scheme, no leading ``/``, ``#`` or ``?``."""
    stripped = url.strip()
    if not stripped or stripped[0] in "/\\#?":
        return False
    return _SCHEME.match(stripped) is None


def _rewrite_tag(match: re.Match[str], url_rewriter: Callable[[str], str] | None) -> str:
    tag = match.group(1)
    attributes = [(name, html.unescape(value or "")) for name, value in _ATTRIBUTE.findall(match.group(2))]
    url_name = "href" if tag == "a" else "src"
    result: list[tuple[str, str]] = []
    external = False
    for name, value in attributes:
        if name == "rel":
            continue
        if name == url_name:
            if url_rewriter is not None and is_relative_url(value):
                value = url_rewriter(value)
            external = tag == "a" and is_external_url(value)
        result.append((name, value))
    if external:
        result.append(("rel", EXTERNAL_LINK_REL))
    rendered = "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in result)
    return f"<{tag}{rendered}>"


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One Markdown converter per thread, reset after each use: building one costs more than converting."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = markdown.Markdown(
            extensions=list(MARKDOWN_EXTENSIONS),
            extension_configs={"tables": {"use_align_attribute": True}},
            output_format="html",
        )
        _local.converter = converter
    return converter


def render_markdown(text: str, *, url_rewriter: Callable[[str], str] | None = None) -> str:
    """Render trainer Markdown to HTML that is safe to insert into a page unescaped.

    Rules: raw HTML is sanitised to the allowlist above (no scripts, frames, forms, styles or
    event handlers); link and image URLs must be http, https, mailto or relative; links to other
    sites get ``rel="noopener noreferrer"``, relative ones get no rel; ``url_rewriter``, when given,
    maps each relative ``href``/``src`` (e.g. ``media/diagram.svg``) to the URL that serves it and is
    applied after sanitising. Template syntax such as ``{{ x }}`` stays literal text.
    """
    converter = _converter()
    try:
        unsafe = converter.convert(text)
    finally:
        converter.reset()
    safe = nh3.clean(unsafe, **_CLEAN_OPTIONS)
    return _START_TAG.sub(lambda match: _rewrite_tag(match, url_rewriter), safe)
