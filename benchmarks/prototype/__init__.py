"""Issue 14's prototype: a widget drawn in the browser (anywidget), measured against today's PNG widgets.

Not part of the course: ``python -m benchmarks.prototype.pixels`` measures both in Chromium and prints
the numbers that docs/widgets-in-the-browser.md records.
"""
