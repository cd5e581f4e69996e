"""Writes of the tracing area, one service function each (see docs/architecture.md)."""
