"""``StandardPythonParameterType``: a plain JSON value (dict, list, str, number, bool), which may nest other types."""

from .abstract_parameter_type import AbstractParameterType, schema_of_value, to_json_value


class StandardPythonParameterType(AbstractParameterType):
    def deserialize_input(self, input_data):
        sample = self.sample_input
        if isinstance(sample, AbstractParameterType):
            return sample.deserialize_input(input_data)
        if isinstance(sample, dict) and isinstance(input_data, dict):
            return {key: sample[key].deserialize_input(value) if isinstance(sample.get(key), AbstractParameterType) else value
                    for key, value in input_data.items()}
        if isinstance(sample, (list, tuple)) and sample and isinstance(sample[0], AbstractParameterType) \
                and isinstance(input_data, list):
            return [sample[0].deserialize_input(item) for item in input_data]
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
