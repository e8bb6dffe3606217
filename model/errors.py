"""The one exception type for input a user got wrong: the CLI prints it as one line, exit 2."""


class InputError(ValueError):
    """Bad input: the message names the field or file and what is wrong with it."""
