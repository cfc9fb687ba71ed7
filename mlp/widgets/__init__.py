"""The lessons' interactive pieces (ipywidgets), built on the mlp package.

- LearningRateExplorer (lesson 7): drag the learning rate, watch the loss curves; sweep mode.
- DescentExplorer (lesson 7): gradient descent step by step on a 1-D curve and a 2-D bowl.
- ActivationExplorer (lesson 3): f and f', gradients through a deep stack, dead units.
- Playground (lesson 9): TensorFlow Playground in a notebook, with Play / Pause / Step / Reset.

Each one displays itself in Jupyter and Voila, and ``snapshot()`` returns a static figure of its
current state for pages where widgets do not run.
"""

from .activations import ActivationExplorer
from .descent import DescentExplorer
from .learning_rate import LearningRateExplorer
from .playground import Playground

__all__ = ["ActivationExplorer", "DescentExplorer", "LearningRateExplorer", "Playground"]
