"""Thin HTTP layer: routing, validation messages, caching headers.  No math here."""
