"""Changes to the programmes' records, one module per topic; each is one transaction with its
audit events."""
