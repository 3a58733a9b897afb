"""Matchmaker: open-source B2B matchmaking for missions, delegations and brokerage events."""

__version__ = "0.1.0"
