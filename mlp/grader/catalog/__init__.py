"""Every graded exercise of the course, by id ("03.sigmoid"), one module per lesson."""

from . import lesson03

LESSONS = {"03": lesson03}

EXERCISES = {exercise.id: exercise for module in LESSONS.values() for exercise in module.EXERCISES}


def exercises_of(lesson: str) -> list:
    """The exercises of one lesson ("03"), in notebook order."""
    return [exercise for exercise in EXERCISES.values() if exercise.id.split(".")[0] == lesson]
