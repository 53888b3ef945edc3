"""The base of the parameter types, and how Python values are described in OpenAPI terms."""

import datetime


class AbstractParameterType:
    """A declared input or output: its sample, the conversion of a JSON value, its OpenAPI schema."""

    def __init__(self, sample_input):
        self.sample_input = sample_input

    def deserialize_input(self, input_data):
        """The JSON value of a request converted to this type (as is by default)."""
        return input_data

    def sample_json(self):
        """The sample as a JSON-ready value."""
        return to_json_value(self.sample_input)

    def input_to_swagger(self):
        """The OpenAPI schema of this type, with the sample as its example."""
        schema = schema_of_value(self.sample_json())
        schema["example"] = self.sample_json()
        return schema


def to_json_value(value):
    """A JSON-ready copy of value: numpy and pandas values become lists and numbers."""
    if isinstance(value, AbstractParameterType):
        return value.sample_json()
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json_value(v) for v in value]
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return to_json_value(value.tolist())
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def schema_of_value(value):
    """The OpenAPI schema describing a JSON value (arrays by their first item)."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer", "format": "int64"}
    if isinstance(value, float):
        return {"type": "number", "format": "double"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, dict):
        return {"type": "object", "properties": {k: schema_of_value(v) for k, v in value.items()}}
    if isinstance(value, list):
        return {"type": "array", "items": schema_of_value(value[0]) if value else {}}
    return {"type": "object", "nullable": True}
