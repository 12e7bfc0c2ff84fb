"""Myomap: the web project (persistence, people, pages, API, files)."""
