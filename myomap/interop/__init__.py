"""Data in and out: backup and restore of the whole clinic."""
