"""The demo scenarios, built through the same services users hit."""
