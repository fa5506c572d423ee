"""Ground every layer stands on:
coded errors, units, escaping, zip packages in and out, input files, package data."""
