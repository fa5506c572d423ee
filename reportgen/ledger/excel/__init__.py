"""The Excel ledger: its layout, declared once, the bounded reader of untrusted workbooks, and the writer."""
