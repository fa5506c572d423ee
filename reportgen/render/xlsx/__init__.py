"""The .xlsx format: the 一览表 as a real workbook, numbers stored as numbers.

The table is laid out by openpyxl once per layout and filled per report; charts go on a sheet of their
own.
"""
