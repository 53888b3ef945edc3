"""``PandasParameterType``: a pandas DataFrame, sent as JSON in one of pandas' orients (records by default)."""

import json

from ..errors import message_of
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
        sample = self.sample_input
        expected = self._expected()
        try:
            if self.orient == "records" and isinstance(input_data, list):
                frame = pandas.DataFrame.from_records(input_data)
            else:
                import io
                frame = pandas.read_json(io.StringIO(json.dumps(input_data)), orient=self.orient)
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ValueError("expected {} ({})".format(expected, message_of(error))) from error
        if not self._is_frame(sample):
            return frame
        if self.apply_column_names and len(frame.columns) == len(sample.columns):
            frame.columns = sample.columns
        if self.enforce_shape and len(frame.columns) != len(sample.columns):
            raise ValueError("expected {}, got {} column(s)".format(expected, len(frame.columns)))
        if self.enforce_column_type:
            for name, kind in sample.dtypes.items():
                if name not in frame.columns:
                    continue
                try:
                    frame[name] = frame[name].astype(kind)
                except (TypeError, ValueError, OverflowError) as error:
                    raise ValueError("column '{}' must hold {} values ({})".format(name, kind, message_of(error))) from error
        if set(sample.columns) == set(frame.columns):
            frame = frame[list(sample.columns)]
        return frame

    def _expected(self):
        sample = self.sample_input
        columns = ", ".join(str(c) for c in sample.columns) if self._is_frame(sample) else ""
        if self.orient == "records":
            return "a list of records with the columns {}".format(columns) if columns else "a list of records"
        return "a DataFrame in pandas' '{}' orient{}".format(self.orient, " with the columns " + columns if columns else "")

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
