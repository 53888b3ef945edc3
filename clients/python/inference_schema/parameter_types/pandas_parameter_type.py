"""``PandasParameterType``: a pandas DataFrame, sent as JSON in one of pandas' orients (records by default)."""

import json

from .abstract_parameter_type import AbstractParameterType, schema_of_value


class PandasParameterType(AbstractParameterType):
    def __init__(self, sample_input, enforce_column_type=True, enforce_shape=True, apply_column_names=False,
                 orient="records"):
        super().__init__(sample_input)
        self.enforce_column_type = enforce_column_type
        self.enforce_shape = enforce_shape
        self.apply_column_names = apply_column_names
        self.orient = orient

    def _is_frame(self, value):
        return hasattr(value, "columns") and hasattr(value, "dtypes")

    def deserialize_input(self, input_data):
        try:
            import pandas
        except ImportError:
            return input_data
        if isinstance(input_data, pandas.DataFrame):
            return input_data
        if self.orient == "records" and isinstance(input_data, list):
            frame = pandas.DataFrame.from_records(input_data)
        else:
            import io
            frame = pandas.read_json(io.StringIO(json.dumps(input_data)), orient=self.orient)
        sample = self.sample_input
        if not self._is_frame(sample):
            return frame
        if self.apply_column_names and len(frame.columns) == len(sample.columns):
            frame.columns = sample.columns
        if self.enforce_shape and len(frame.columns) != len(sample.columns):
            raise ValueError("Invalid input data: expected {} columns, got {}".format(len(sample.columns), len(frame.columns)))
        if self.enforce_column_type:
            types = {name: kind for name, kind in sample.dtypes.items() if name in frame.columns}
            frame = frame.astype(types)
        if set(sample.columns) == set(frame.columns):
            frame = frame[list(sample.columns)]
        return frame

    def sample_json(self):
        sample = self.sample_input
        if self._is_frame(sample):
            return json.loads(sample.to_json(orient=self.orient, date_format="iso"))
        return super().sample_json()

    def input_to_swagger(self):
        schema = schema_of_value(self.sample_json())
        schema["format"] = "pandas.DataFrame:" + self.orient
        schema["example"] = self.sample_json()
        return schema
