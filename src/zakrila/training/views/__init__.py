"""The training centre's pages, by topic."""
