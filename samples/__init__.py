"""reportgen's sample ledgers, installed as package data: each report kind's 示例 among them.

This folder stays at the top of the repository, where `make demo` and the README use it; the build maps
it into the wheel as ``reportgen.samples`` (``pyproject.toml``: ``package-dir``), so ``reportgen kinds``
and ``reportgen init --kind`` find a kind's sample ledger in an installed package too, through
``reportgen.base.resources``.  It holds no code.
"""
