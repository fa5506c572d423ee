"""The YAML ledger: a safe reader that keeps every field's line, and a writer in the samples' style."""
