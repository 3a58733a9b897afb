"""Signals other apps listen to without the accounts app knowing them."""

from django.dispatch import Signal

# Sent with `user` and `email` once the owner of an address has proved it by following a link
# emailed to it (a confirmed sign-up, a confirmed email change, a claimed invitation). Only then
# may other apps attach records kept under that address to the account.
email_confirmed = Signal()
