"""The ground every layer stands on: what every step needs and none owns.

Coded errors, units, escaping, zip packages in and out, sheet printing, input files and package data.
"""
