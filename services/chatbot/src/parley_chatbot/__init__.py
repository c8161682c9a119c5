"""Parley chatbot service.

Runs scripted bots that greet, qualify and hand over to operators.
"""
