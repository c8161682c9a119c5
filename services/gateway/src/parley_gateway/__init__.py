"""Parley gateway service.

The public edge: HTTP API, visitor and agent WebSockets, widget and console.
"""
