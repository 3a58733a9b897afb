"""Organisations, people, sectors, marketplace items and partner search."""
