"""The learning-rate explorer's single-run picture, drawn in the browser: the prototype of issue 14.

The kernel does only what it must: train the network at the slider's learning rate (the very same
``LearningRateExplorer.train_run`` as today's widget) and send the two loss curves as plain numbers.
The front end (lr_canvas.js) owns the slider and draws the curves on a canvas, at the display's pixel
density, with text at 12 px.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from mlp.widgets import LearningRateExplorer


class LearningRateCanvas(anywidget.AnyWidget):
    _esm = Path(__file__).with_name("lr_canvas.js")

    learning_rate = traitlets.Float(0.1).tag(sync=True)
    train_loss = traitlets.List(traitlets.Float()).tag(sync=True)
    val_loss = traitlets.List(traitlets.Float()).tag(sync=True)
    readout = traitlets.Unicode("").tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)  # counts the runs: the front end redraws when it changes

    def __init__(self, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self._trainer = LearningRateExplorer(seed=seed)  # its data, network and train_run; never displayed
        self._train()

    @traitlets.observe("learning_rate")
    def _on_rate(self, change) -> None:
        self._train()

    def _train(self) -> None:
        run = self._trainer.train_run(self.learning_rate)
        with self.hold_sync():  # one message: both curves and the readout together
            self.train_loss = [float(v) for v in run.train_loss]
            self.val_loss = [float(v) for v in run.val_loss]
            self.readout = f"learning rate {self.learning_rate:.3g}: final training loss {run.final_train_loss:.3g}"
            self.frame += 1
