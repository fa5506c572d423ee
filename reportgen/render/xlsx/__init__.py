"""The .xlsx format:
the table laid out by openpyxl once, filled per report, charts on a sheet of their own."""
