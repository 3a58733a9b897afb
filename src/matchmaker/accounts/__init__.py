"""Users, sign-up, login, password reset and the own account page."""
