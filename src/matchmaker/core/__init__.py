"""Small shared helpers: environment, time zones, base templates and static files."""
