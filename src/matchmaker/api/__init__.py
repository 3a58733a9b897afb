"""The REST API (a later layer)."""
