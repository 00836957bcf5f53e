"""Corrections people choose to send: stored only when an operator configures a folder for them."""
