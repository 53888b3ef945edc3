"""Input and output schemas for scoring scripts, in the style of the ``inference_schema`` package.

Bundled with Loom's client (standard library only; numpy and pandas are used when a script uses them)::

    from inference_schema.schema_decorators import input_schema, output_schema
    from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType

    @input_schema("data", NumpyParameterType(np.array([[5.1, 3.5, 1.4, 0.2]])))
    @output_schema(NumpyParameterType(np.array([0])))
    def run(data):
        return model.predict(data)

Loom's worker then calls ``run(**request_json)``: the decorators turn the named field into the declared
type (a numpy array, a pandas DataFrame, a plain value) and the deployment's ``swagger.json`` and proof
sample come from the declared samples.
"""
