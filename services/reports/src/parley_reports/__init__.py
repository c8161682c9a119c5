"""Parley reports service.

Builds read models from events: sessions, ratings, operator statistics.
"""
