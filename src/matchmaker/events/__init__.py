"""Events, participant categories, registration, participants and the programme."""
