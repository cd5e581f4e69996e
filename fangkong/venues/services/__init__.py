"""Writes of the venues area: one audited service function per write, one module per topic."""
