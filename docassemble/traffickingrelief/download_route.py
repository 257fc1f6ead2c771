# pre-load
"""The server route behind the interview's one-time download links (see sealed_files.py).

docassemble imports a package module that has a ``# pre-load`` line when the server starts, before
it answers any request; that is when this adds ``/trfile/<slot>/<key>/<name>`` to its Flask app. A
response carries the file's fixed, client-free name (as an attachment; the report's HTML is shown in the
browser), is never cached, and works once. Outside a server (no docassemble.webapp) nothing happens.
"""
from __future__ import annotations

from .sealed_files import ROUTE, content_type, safe_name, take_one_time_download

ENDPOINT = "traffickingrelief_one_time_file"
GONE = ("This download link was used already or is too old. Go back to the page and press the link again.\n"
        "Este enlace ya se usó o es muy viejo. Vuelva a la página y pulse el enlace otra vez.\n")


def serve(slot: str, key: str, filename: str):
    """Hand out the parked file once; a used, expired or altered link gets a plain 404."""
    from flask import make_response

    content = take_one_time_download(slot, key) if safe_name(filename) else None
    if content is None:
        response = make_response(GONE, 404)
        response.headers["Content-Type"] = "text/plain; charset=utf-8"
    else:
        response = make_response(content, 200)
        response.headers["Content-Type"] = content_type(filename)
        inline = filename.endswith(".html")
        response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
        if inline:  # the report is our own escaped HTML; it still gets no scripts, frames or requests
            response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def register(app) -> bool:
    """Add the route to a Flask app (once); False when it is there already."""
    if ENDPOINT in app.view_functions:
        return False
    app.add_url_rule(f"/{ROUTE}/<slot>/<key>/<filename>", ENDPOINT, serve, methods=["GET"])
    return True


try:
    from docassemble.webapp.app_object import flaskapp as _app
except ImportError:  # not on a docassemble server
    _app = None
if _app is not None and not getattr(_app, "_got_first_request", False):
    register(_app)
