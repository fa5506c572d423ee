"""Templating: the one sandboxed Jinja environment in which every template and narrative text is rendered.

``values`` (what a template sees: figures and the period), ``filters`` (the report filters of
docs/templates.md), ``sandbox`` (``ReportEnvironment``: the whole policy, budgets and the confined
loader), ``narrative`` (ledger text rendered, every template failure explained) and ``messages``
(Jinja's English in Chinese).  Import from the module that holds a name; nothing is re-exported here.
"""
