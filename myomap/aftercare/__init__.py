"""Aftercare and home care: the sheet after a session and the client's home program."""
