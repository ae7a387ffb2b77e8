"""Assignments: lessons set for a class with due times, and the class gradebook built on the learning record."""
