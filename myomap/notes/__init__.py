"""SOAP notes: drafted from the session, signed and locked, amended with history."""
