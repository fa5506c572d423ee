"""Compute: every derived figure exactly from the ledger, the findings (RG2xx) and the narrative lint."""
