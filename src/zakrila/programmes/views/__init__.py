"""The programmes' pages, one module per topic."""
