"""Flask web app that recognises American Sign Language digits in photos of a hand."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from recognition.decode import configure_decode_memory
from recognition.memory import configure_process
from recognition.paths import PROJECT_ROOT
from webapp.config import DEFAULTS
from webapp.uploads import UploadRequest


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``ASL_*`` environment variables, then ``config``."""
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"), static_folder=str(PROJECT_ROOT / "static"))
    configure_process()  # HEIF opener, allocator threshold: once per process, here rather than on import
    app.request_class = UploadRequest
    # Never answer with a redirect built from the Host header: no slash-merging or trailing-slash redirects.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("ASL")
    if config:
        app.config.from_mapping(config)
    app.config["MAX_CONTENT_LENGTH"] = int(float(app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_CONTENT_LENGTH"]
    configure_decode_memory(float(app.config["MAX_WORKER_DECODE_MB"]))
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from webapp import api, body, errors, feedback, health, loader, pages, security

    loader.init_app(app)
    feedback.init_app(app)
    if int(app.config["PROXY_HOPS"]) > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_HOPS"]))  # type: ignore[method-assign]
    app.register_blueprint(api.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(feedback.blueprint)
    errors.register(app)
    security.register(app)
    body.init_app(app)
    return app
