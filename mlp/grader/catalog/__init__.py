"""Every graded exercise of the course, by id ("03.sigmoid"), one module per lesson."""

from . import lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08, lesson09, lesson10

LESSONS = {module.__name__[-2:]: module for module in
           [lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08, lesson09, lesson10]}

EXERCISES = {exercise.id: exercise for module in LESSONS.values() for exercise in module.EXERCISES}


def exercises_of(lesson: str) -> list:
    """The exercises of one lesson ("03"), in notebook order."""
    return [exercise for exercise in EXERCISES.values() if exercise.id.split(".")[0] == lesson]
