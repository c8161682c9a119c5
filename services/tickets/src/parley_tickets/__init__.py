"""Parley tickets service.

Turns chats into tickets and leads.
"""
