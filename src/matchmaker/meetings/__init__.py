"""B2B sessions, slots, tables, requests, meetings and booking."""
