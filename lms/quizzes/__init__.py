"""Quizzes: attempts with a frozen snapshot, server-side grading (grading.py is pure), question kinds."""
