"""Zakrila: case management and service delivery for social services for children and families."""

__version__ = "0.1.0"
