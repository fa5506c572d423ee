"""Templating:
the one sandboxed Jinja environment, its values and filters, and the narrative rendered in it."""
