"""The programmes' pages, by topic."""
