"""Routing's rules, pure: no I/O, no clock (``now`` is passed in), no framework.

- :mod:`.operator`, :mod:`.request`: who can answer, and who is waiting.
- :mod:`.hard_limits`, :mod:`.tiers`, :mod:`.ranking`: who may answer and in which order.
- :mod:`.choosing`: push mode, one operator with an explainable decision (R1, R2, R4).
- :mod:`.pull`: pull mode, offers and first accept wins (R1).
- :mod:`.queue`: positions and wait estimates (V4).
- :mod:`.presence`: availability from choices, activity and sockets (A1).
- :mod:`.timeouts`: giving up and reassigning (R3).
"""
