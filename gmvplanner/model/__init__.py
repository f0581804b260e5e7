"""Models: the interface every kind implements, the kinds (forest, mmm), training, metrics and artifacts.

Importing the package registers every kind, so `--model` names resolve wherever the package is used.
"""

from . import forest, hybrid, mmm  # noqa: F401  (registers the model kinds)
