"""Test-suite settings: headless plots in this process, no progress bars.

The Agg backend is chosen with matplotlib.use, not the MPLBACKEND environment variable:
nbval's kernels inherit the environment, and under Agg their figure cells would lose the
"<Figure size ...>" output that the stored notebooks have.
"""

import os

import matplotlib

matplotlib.use("Agg")
os.environ.pop("MPLBACKEND", None)
os.environ["MLP_PROGRESS"] = "0"
