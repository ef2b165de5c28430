"""The Jinja2 set-up every HTML page of the package shares (the index, the explorer, the
highlighted article): autoescape on, undefined names an error, block tags leaving no blank lines,
and values escaped as :func:`html.escape` does."""

from __future__ import annotations

from html import escape as escape_html
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup


def escape_text(value: Any) -> Markup:
    """What a template prints for ``value``: escaped as ``html.escape`` does, so that quotes are
    ``&quot;`` and ``&#x27;`` (autoescape alone writes ``&#34;`` and ``&#39;``); ``None`` prints
    nothing. Markup the template made itself (its macros) is kept as it is."""
    if isinstance(value, Markup):
        return value
    return Markup(escape_html("" if value is None else str(value), quote=True))


def environment(package: str, folder: str = "templates", **options: Any) -> Environment:
    """An environment loading the templates in ``folder`` of ``package``; ``options`` (such as
    ``keep_trailing_newline``) go to :class:`jinja2.Environment`."""
    return Environment(
        loader=PackageLoader(package, folder),
        autoescape=True,
        finalize=escape_text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )
