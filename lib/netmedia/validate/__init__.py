"""Validate: the rule facts derived from the clean tables, the Great Expectations runner, the findings."""
