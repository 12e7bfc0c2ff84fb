"""Shared pieces: base models, the audit log, request helpers, the health check."""
