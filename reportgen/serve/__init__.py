"""``reportgen serve``: a web page for office staff to make a ledger, upload it, see its problems,
preview and download the reports (issue 19; docs/serve.md).

``settings`` how a server runs · ``storage`` SQLite and the files beside it · ``jobs`` the worker pool ·
``unit`` what a bounded worker does for one upload · ``security`` CSRF, token, limits, headers ·
``errors`` coded Chinese error pages · ``routes`` the pages · ``app`` wires them · ``command`` the CLI.

Nothing is imported here: the bounded worker imports ``unit`` without the web framework.
"""
