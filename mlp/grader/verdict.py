"""The result of checking one exercise: a status, points and a message for the learner.

Shown as HTML in Jupyter (``_repr_html_``) and as plain text elsewhere (``str``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

PASSED, FAILED, NOT_ATTEMPTED, ERROR, TIMEOUT = "passed", "failed", "not_attempted", "error", "timeout"
NOT_OWN_WORK = "not_own_work"  # the function uses someone else's implementation (the course library's, sklearn's...)
STATUSES = (PASSED, FAILED, NOT_ATTEMPTED, ERROR, TIMEOUT, NOT_OWN_WORK)

_HEADLINE = {
    PASSED: "correct",
    FAILED: "incorrect",
    NOT_ATTEMPTED: "not attempted",
    ERROR: "error",
    TIMEOUT: "time limit exceeded",
    NOT_OWN_WORK: "not your own work",
}
_COLOUR = {PASSED: "#1a7f37", FAILED: "#cf222e", NOT_ATTEMPTED: "#6e7781", ERROR: "#cf222e", TIMEOUT: "#bf8700",
           NOT_OWN_WORK: "#cf222e"}
_SYMBOL = {PASSED: "✔", FAILED: "✘", NOT_ATTEMPTED: "○", ERROR: "✘", TIMEOUT: "⏱", NOT_OWN_WORK: "✘"}


@dataclass(frozen=True)
class Verdict:
    """The outcome of one exercise check.

    status : one of passed, failed, not_attempted, error, timeout, not_own_work.
    score, max_score : points earned and available.
    message : what went wrong (or right), in the learner's terms; never a hidden expected array.
    """

    exercise: str
    status: str
    score: float
    max_score: float
    message: str = ""

    @property
    def headline(self) -> str:
        return _HEADLINE[self.status]

    def __str__(self) -> str:
        text = f"{_SYMBOL[self.status]} {self.exercise}: {self.headline} ({self.score:g}/{self.max_score:g} points)"
        return f"{text}\n  {self.message}" if self.message else text

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = _COLOUR[self.status]
        message = html.escape(self.message).replace("\n", "<br>")
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 4px 10px; margin: 4px 0;">'
            f'<b style="color: {colour};">{_SYMBOL[self.status]} {html.escape(self.exercise)}: {self.headline}</b>'
            f" &nbsp;({self.score:g}/{self.max_score:g} points)"
            + (f'<div style="margin-top: 4px;">{message}</div>' if message else "")
            + "</div>"
        )

    def as_row(self, submission: str) -> dict:
        """A CSV row: submission, exercise, score, max_score, status, message."""
        return {"submission": submission, "exercise": self.exercise, "score": self.score,
                "max_score": self.max_score, "status": self.status, "message": self.message}
