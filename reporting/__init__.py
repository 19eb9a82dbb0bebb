"""Reporting periods, implementation updates, reviews and progress reports (the reporting issue builds it)."""
