"""Reads of the tracing area that depend on the viewer or span apps."""
