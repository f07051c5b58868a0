"""Pages for people, households, consents and disclosures, by topic.

Every page starts from what the user may see (``people_visible_to``), so another
organisation's person is a 404; every view of a file, search, export and change is in the
audit trail.
"""
