"""Clients (patients): registration, search, archive and the client timeline."""
