"""Python client tests. Runnable as ``python -m unittest discover -s tests/python`` with or without
``-t .``: in the package form this puts the folder on sys.path so ``import loomtest`` works."""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
