"""tutorial_helpers: the library behind the Agentic RecSys Hands-On notebooks.

Kept light on import: heavy frameworks load only in the module that uses them.
"""

__version__ = "0.1.0"
