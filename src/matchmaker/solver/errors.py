"""The one error type the engine raises."""


class SolverError(ValueError):
    """Bad input or an impossible request. The message names the item a user must fix."""
