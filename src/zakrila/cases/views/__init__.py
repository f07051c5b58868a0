"""Casework pages, by topic. Every page starts from ``zakrila.cases.queries``, which asks the
access policy: a case of another organisation, or a restricted case the user is not on, and
everything that hangs off it, is a 404."""
