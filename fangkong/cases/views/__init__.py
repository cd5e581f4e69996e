"""Pages of the tracing area (one module per topic; urls.py names them)."""
