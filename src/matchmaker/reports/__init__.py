"""Statistics, exports and summaries (a later layer)."""
