"""Pages of the venues area, one module per topic."""
