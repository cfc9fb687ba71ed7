"""The lessons' interactive pieces, built on the mlp package and drawn in the browser (anywidget).

- ApproximationExplorer (lesson 2): a sum of ReLU bumps fitting a 1-D function; add bumps, watch the error.
- LearningRateExplorer (lesson 7): drag the learning rate, watch the loss curves; sweep mode.
- DescentExplorer (lesson 7): gradient descent step by step on a 1-D curve and a 2-D bowl.
- OptimizerRace (lesson 8): GD, momentum, Nesterov, RMSProp and Adam racing on a 2-D surface.
- ActivationExplorer (lesson 3): f and f', gradients through a deep stack, dead units.
- Playground (lesson 9): TensorFlow Playground in a notebook, drawn in the browser: the network view (a picture
  per feature and unit, edges by weight), classification or regression, L1 / L2, Play / Pause / Step / Reset,
  a timeline, each layer's |dW| and the dead units.

Each one displays itself in Jupyter and Voila; where widgets do not run (GitHub, nbviewer), its output
shows its current picture instead, and ``snapshot()`` returns that picture as a figure.
"""

from .activations import ActivationExplorer
from .approximation import ApproximationExplorer
from .descent import DescentExplorer
from .learning_rate import LearningRateExplorer
from .playground import Playground
from .race import OptimizerRace

__all__ = ["ActivationExplorer", "ApproximationExplorer", "DescentExplorer", "LearningRateExplorer", "OptimizerRace",
           "Playground"]
