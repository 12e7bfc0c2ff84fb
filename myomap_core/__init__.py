"""Myomap's clinical core: pure, deterministic functions over frozen records.

Nothing in this package imports Django or the web project; an import-linter
contract checked by ``make test`` keeps it that way.
"""
