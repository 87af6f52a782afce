"""The pieces of analysis/report.py (the entry point, which makes the sections and the
page), one concern a module: inputs.py reads and checks an output directory, stats.py the
intervals and number formats, markers.py the dated markers of the time axes, charts.py
draws the charts."""
