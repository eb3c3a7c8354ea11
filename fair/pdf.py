"""PDF documents (reports for funders, convocation letters) drawn from HTML by WeasyPrint.

One way for every PDF of the product: a template renders HTML, `render_pdf` turns it into bytes.
The documents hold people's data, so the renderer fetches nothing from the network: it reads only
`data:` URLs and files of the app's own `static/` folder (styles, fonts, the instance's bundled
images). A remote logo or an address typed by a user is skipped, never requested.
"""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

log = logging.getLogger("fair.pdf")


def render_pdf(html: str) -> bytes:
    """The PDF of `html`; relative links (`/static/…`) are read from the static folder."""
    import weasyprint  # noqa: PLC0415 - Pango is loaded by the first PDF, not by every web process

    static = Path(current_app.static_folder or "static").resolve()

    class LocalOnly(weasyprint.urls.URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(static):
                    return super().fetch(url, headers)
            log.info("pdf: left out a resource outside the static folder: %s", url[:200])
            raise ValueError("only the app's static files are read")

    # base_url: "/static/x.css" in the template resolves to the file in static/.
    base = static.parent.as_uri() + "/"
    return weasyprint.HTML(string=html, base_url=base, url_fetcher=LocalOnly()).write_pdf()
