"""reportgen's built-in templates, kind packs and example ledger, installed as package data.

This folder stays at the top of the repository, where template authors look for it; the build maps it
into the wheel as ``reportgen.templates`` (``pyproject.toml``: ``package-dir``), and the code reaches it
only through ``reportgen.base.resources`` (``importlib.resources``), so an installed package and a checkout
find the same files.  It holds no code.
"""
