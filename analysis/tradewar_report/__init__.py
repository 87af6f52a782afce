"""The pieces of analysis/report.py (the entry point), one concern a module:
markers.py, the dated markers of the time axes."""
