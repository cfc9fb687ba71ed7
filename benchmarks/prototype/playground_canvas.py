"""The playground's picture drawn in the browser while it plays: the frames/s half of issue 14's prototype.

The kernel trains (today's ``Playground`` and its ``_train_epoch``, not displayed) and, once per frame,
sends one message: the epoch, the losses so far and P(class 1) on the 60 x 60 grid as 3600 bytes. The
front end (playground_canvas.js) paints the grid as an image, the points and the loss curve on a canvas,
and the epoch counter from that same message, so the counter always belongs to the picture.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from mlp.widgets import Playground

FRAME_SECONDS = 1 / 30  # the kernel sends at most this often; the page draws each message at its next frame


class PlaygroundCanvas(anywidget.AnyWidget):
    _esm = Path(__file__).with_name("playground_canvas.js")

    playing = traitlets.Bool(False).tag(sync=True)  # the front end's Play / Pause
    points = traitlets.Bytes(b"").tag(sync=True)  # float32 (x1, x2, class) per training point, in grid units
    grid = traitlets.Bytes(b"").tag(sync=True)  # uint8, 255 * P(class 1), row-major, x1 fastest
    epoch = traitlets.Int(0).tag(sync=True)
    train_loss = traitlets.List(traitlets.Float()).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)  # counts the messages: the front end draws when it changes

    def __init__(self, dataset: str = "circles", seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self._trainer = Playground(dataset=dataset, seed=seed)  # its data, network and training; never displayed
        x0, x1, y0, y1 = self._trainer.extent
        X, y = self._trainer.X_train, self._trainer.y_train
        unit = np.column_stack([(X[:, 0] - x0) / (x1 - x0), (X[:, 1] - y0) / (y1 - y0), y]).astype(np.float32)
        self.points = unit.tobytes()
        self._task = None
        self._send_frame()

    @traitlets.observe("playing")
    def _on_playing(self, change) -> None:
        if change["new"] and (self._task is None or self._task.done()):
            self._task = asyncio.get_event_loop().create_task(self._run())

    async def _run(self) -> None:
        while self.playing:
            deadline = time.perf_counter() + FRAME_SECONDS
            while True:  # at least one epoch per frame, as many as fit in it
                self._trainer._train_epoch()
                await asyncio.sleep(0)  # Pause is handled between epochs
                if not self.playing or time.perf_counter() >= deadline:
                    break
            self._send_frame()
            await asyncio.sleep(max(0.0, deadline - time.perf_counter()))

    def _send_frame(self) -> None:
        P = self._trainer._probabilities()[:, 1]
        with self.hold_sync():  # one message: the picture and its epoch together
            self.grid = np.round(255 * P).astype(np.uint8).tobytes()
            self.epoch = self._trainer.epoch
            self.train_loss = [float(v) for v in self._trainer.train_loss]
            self.frame += 1
