"""The lessons' interactive pieces, drawn in the browser (anywidget) from what ``mlp`` computes.

ApproximationExplorer (lesson 2), ActivationExplorer (3), LearningRateExplorer and DescentExplorer (7),
OptimizerRace (8) and Playground (9, TensorFlow Playground's network view). Where widgets do not run
(GitHub, nbviewer) each output shows its current picture; ``snapshot()`` returns it as a figure.
"""

from .activations import ActivationExplorer
from .approximation import ApproximationExplorer
from .descent import DescentExplorer
from .learning_rate import LearningRateExplorer
from .playground import Playground
from .race import OptimizerRace

__all__ = ["ActivationExplorer", "ApproximationExplorer", "DescentExplorer", "LearningRateExplorer", "OptimizerRace",
           "Playground"]
