"""The pieces of analysis/report.py (the entry point, which makes the sections and writes the
report), one concern a module: inputs.py reads and checks an output directory, stats.py the
intervals and number formats, markers.py the dated markers of the time axes, charts.py
draws the charts, page.py lays out the HTML page."""
