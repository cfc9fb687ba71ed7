"""Test-suite settings: headless plots, no progress bars."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["MLP_PROGRESS"] = "0"
