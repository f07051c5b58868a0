"""Programmes that prevent the abandonment of children (#10) and work with groups, callers and
children on the street (#11), on one engine of enrolments and scheduled visits."""
