"""``NumpyParameterType``: a numpy array, sent as nested lists (or records for a structured array)."""

from ..errors import message_of
from .abstract_parameter_type import AbstractParameterType, schema_of_value


class NumpyParameterType(AbstractParameterType):
    def __init__(self, sample_input, enforce_column_type=True, enforce_shape=True):
        super().__init__(sample_input)
        self.enforce_column_type = enforce_column_type
        self.enforce_shape = enforce_shape

    def deserialize_input(self, input_data):
        try:
            import numpy
        except ImportError:
            return input_data
        if isinstance(input_data, numpy.ndarray):
            return input_data
        sample = self.sample_input
        dtype = getattr(sample, "dtype", None)
        try:
            if dtype is not None and dtype.names:
                rows = [tuple(item[name] for name in dtype.names) if isinstance(item, dict) else tuple(item)
                        for item in input_data]
                array = numpy.array(rows, dtype=dtype)
            elif dtype is not None and self.enforce_column_type:
                array = numpy.array(input_data, dtype=dtype)
            else:
                array = numpy.array(input_data)
        except (TypeError, ValueError, KeyError, OverflowError) as error:
            raise ValueError("expected {} ({})".format(_expected(sample), message_of(error))) from error
        shape = getattr(sample, "shape", None)
        if self.enforce_shape and shape is not None and (array.ndim != len(shape) or array.shape[1:] != shape[1:]):
            raise ValueError("expected {}, got {}".format(_expected(sample), _got(array, shape)))
        return array

    def input_to_swagger(self):
        schema = schema_of_value(self.sample_json())
        dtype = getattr(self.sample_input, "dtype", None)
        if dtype is not None and not dtype.names:
            leaf = _leaf_schema(dtype)
            node = schema
            while node.get("type") == "array" and isinstance(node.get("items"), dict) and node["items"].get("type") == "array":
                node = node["items"]
            if node.get("type") == "array":
                node["items"] = leaf
        schema["format"] = "numpy.ndarray"
        schema["example"] = self.sample_json()
        return schema


def _leaf_schema(dtype):
    kind = dtype.kind
    if kind == "b":
        return {"type": "boolean"}
    if kind in "iu":
        return {"type": "integer", "format": "int64" if dtype.itemsize >= 8 else "int32"}
    if kind == "f":
        return {"type": "number", "format": "double" if dtype.itemsize >= 8 else "float"}
    return {"type": "string"}


_KINDS = {"b": "booleans", "i": "integers", "u": "integers", "f": "numbers", "c": "numbers", "U": "strings", "S": "strings"}
_ONE = {"booleans": "a boolean", "integers": "an integer", "numbers": "a number", "strings": "a string", "values": "a single value"}


def _expected(sample):
    """What a request must send for sample, in words: "a list of rows of 4 numbers each"."""
    dtype = getattr(sample, "dtype", None)
    shape = getattr(sample, "shape", None)
    if dtype is not None and dtype.names:
        return "a list of records with the fields {}".format(", ".join(dtype.names))
    kind = _KINDS.get(dtype.kind, "values") if dtype is not None else "values"
    if shape is None:
        return "nested lists of {}".format(kind)
    if len(shape) == 0:
        return _ONE[kind]
    if len(shape) == 1:
        return "a list of {}".format(kind)
    if len(shape) == 2:
        return "a list of rows of {} {} each".format(shape[1], kind)
    return "nested lists of {} of shape (n, {})".format(kind, ", ".join(str(d) for d in shape[1:]))


def _got(array, shape):
    if array.ndim == 0:
        return "a single value"
    if array.ndim == 2 and len(shape) == 2:
        return "{} row(s) of {}".format(array.shape[0], array.shape[1])
    return "nested lists of shape ({})".format(", ".join(str(d) for d in array.shape))
