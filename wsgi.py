"""WSGI entry point: ``gunicorn wsgi:app`` (settings in gunicorn.conf.py)."""

from webapp import create_app

app = create_app()
