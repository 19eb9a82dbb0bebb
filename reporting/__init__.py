"""Reporting periods, the reports each body owes, implementation updates, their review and reminders."""
