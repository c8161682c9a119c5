"""Parley routing service.

Chooses who answers: operator profiles, presence, the waiting queue, assignments.
"""
