"""Clinics, the people who work in them, their roles and how they log in."""
