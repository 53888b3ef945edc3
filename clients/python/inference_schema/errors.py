"""The error a declared input raises when the request's value cannot be converted to it."""


class InputConversionError(ValueError):
    """A request's value for ``field`` cannot be the declared type: the caller's mistake, not the script's.

    Loom's worker answers it as ``400 invalid_scoring_input`` rather than as an error of ``run()``. A ``ValueError`` so that
    scripts which catch those around a decorated call keep working.
    """

    def __init__(self, field, message):
        super().__init__("{}: {}".format(field, message))
        self.field = field
        self.message = message

    def within(self, outer):
        """The same error one level out: ``payload.count`` for ``count`` inside ``payload``."""
        joiner = "" if str(self.field).startswith("[") else "."
        return InputConversionError("{}{}{}".format(outer, joiner, self.field), self.message)


def converted(kind, value, field):
    """``kind.deserialize_input(value)``; whatever that raises becomes an ``InputConversionError`` naming ``field``."""
    try:
        return kind.deserialize_input(value)
    except InputConversionError as error:
        raise error.within(field) from error
    except Exception as error:  # noqa: BLE001 - whatever the conversion raised, the value was not what was declared
        raise InputConversionError(field, message_of(error)) from error


def message_of(error):
    """An exception's message for a caller: its text, or its type when it has none."""
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - an exception whose __str__ fails still has a type
        text = ""
    return text or type(error).__name__
