"""The programmes' models, one module per topic; each is imported here."""
