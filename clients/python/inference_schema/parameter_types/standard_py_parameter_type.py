"""``StandardPythonParameterType``: a plain JSON value (dict, list, str, number, bool), which may nest other types."""

from ..errors import converted
from .abstract_parameter_type import AbstractParameterType, schema_of_value, to_json_value

# What a JSON value must be for a sample of each plain type; a whole number is a fine float.
_ACCEPTED = ((bool, (bool,), "a boolean"), (int, (int,), "an integer"), (float, (int, float), "a number"),
             (str, (str,), "a string"), (dict, (dict,), "an object"), (list, (list,), "a list"), (tuple, (list,), "a list"))


class StandardPythonParameterType(AbstractParameterType):
    def deserialize_input(self, input_data):
        sample = self.sample_input
        if isinstance(sample, AbstractParameterType):
            return sample.deserialize_input(input_data)
        _check_kind(sample, input_data)
        if isinstance(sample, dict):
            return {key: converted(sample[key], value, key) if isinstance(sample.get(key), AbstractParameterType) else value
                    for key, value in input_data.items()}
        if isinstance(sample, (list, tuple)) and sample and isinstance(sample[0], AbstractParameterType):
            return [converted(sample[0], item, "[{}]".format(index)) for index, item in enumerate(input_data)]
        if isinstance(sample, float) and not isinstance(sample, bool) and isinstance(input_data, int):
            return float(input_data)
        return input_data

    def input_to_swagger(self):
        sample = self.sample_input
        if isinstance(sample, AbstractParameterType):
            return sample.input_to_swagger()
        if isinstance(sample, dict):
            properties = {str(key): value.input_to_swagger() if isinstance(value, AbstractParameterType)
                          else schema_of_value(to_json_value(value)) for key, value in sample.items()}
            return {"type": "object", "properties": properties, "example": self.sample_json()}
        schema = schema_of_value(self.sample_json())
        schema["example"] = self.sample_json()
        return schema


def _check_kind(sample, value):
    """Raises ValueError when value is not the plain kind of sample (None is allowed: JSON's null for any type)."""
    if value is None:
        return
    for kind, accepted, words in _ACCEPTED:
        # bool is an int in Python: a boolean sample wants a boolean, and a number sample does not take one.
        if type(sample) is kind or (kind is not bool and isinstance(sample, kind) and not isinstance(sample, bool)):
            if not isinstance(value, accepted) or (kind is not bool and isinstance(value, bool)):
                raise ValueError("expected {}, got {}".format(words, _kind_of(value)))
            return


def _kind_of(value):
    for kind, _, words in _ACCEPTED:
        if type(value) is kind:
            return words
    return type(value).__name__
