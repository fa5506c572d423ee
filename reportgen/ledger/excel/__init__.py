"""The Excel ledger: its layout, declared once, the bounded extraction of untrusted workbooks, the cell
reader, and the writer."""
