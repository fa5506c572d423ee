"""Templating: the one sandboxed Jinja environment in which every template and narrative text is rendered.

It holds the values a template sees, the filters that format figures, the sandbox and its limits, and the
narrative rendered in it.
"""
