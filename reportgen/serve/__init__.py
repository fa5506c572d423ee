"""``reportgen serve``: a web page for office staff to make a ledger, upload it, see its problems,
preview and download the reports (issue 19; docs/serve.md).

``settings`` how a server runs · ``storage`` the records and the files beside them · ``database`` its
two backends (SQLite, PostgreSQL) · ``choices`` the report choices of the upload page · ``examples`` the
example ledgers of 新建台账 · ``jobs`` the worker pool · ``unit`` what a bounded worker does for one
upload · ``security`` CSRF, token, limits, headers · ``errors`` coded Chinese error pages · ``routes``
the pages · ``app`` wires them · ``command`` the CLI.

Nothing is imported here: the bounded worker imports ``unit`` without the web framework.
"""
