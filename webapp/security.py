"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def allowed_origins(app: Flask) -> list[str]:
    """Return the origins allowed to call the JSON API from a browser (``ASL_CORS_ORIGINS``, comma-separated)."""
    value = app.config.get("CORS_ORIGINS") or ""
    origins = value if isinstance(value, list | tuple) else str(value).split(",")
    return [origin.strip().rstrip("/") for origin in origins if origin.strip()]


def register(app: Flask) -> None:
    """Add the security headers to every response of ``app``, and CORS headers to allowed origins' API calls."""
    origins = allowed_origins(app)
    app.config["CORS_ORIGINS"] = origins

    @app.before_request
    def preflight():
        if (
            request.method == "OPTIONS"
            and request.path.startswith("/api/")
            and request.headers.get("Origin") in origins
        ):
            return Response(status=204)
        return None

    @app.after_request
    def add_headers(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if origin and origin in origins and request.path.startswith("/api/"):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
            response.headers["Access-Control-Max-Age"] = "600"
            response.headers.add("Vary", "Origin")
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if response.mimetype == "application/json" or response.status_code >= 400:
            response.headers.setdefault("Cache-Control", "no-store")
        return response
