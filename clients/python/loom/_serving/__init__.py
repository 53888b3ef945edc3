"""Loom's serving worker: the process a deployment's host runs per worker (``python -m loom._serving.worker``).

Standard library only. The host feeds it request frames over stdin and reads response frames from its
original stdout; see ``worker.py`` for the protocol.
"""
