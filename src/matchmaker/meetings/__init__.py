"""B2B sessions, slots, tables, requests, meetings and booking (issue 5 builds this layer)."""
