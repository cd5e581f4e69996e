"""Reads of the venues area that depend on the viewer or span apps, one module per topic."""
