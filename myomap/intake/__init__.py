"""Intake: the client's history, work posture, goals, consent and pain body map."""
