"""Parley notifications service.

Sends transcripts and notifications by mail and to agents' browsers.
"""
