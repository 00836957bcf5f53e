"""The app's version (pyproject.toml says the same; a test checks)."""

__version__ = "0.6.0"
