"""Scoring script for the iris model train.py writes (outputs/model.pkl), in Azure ML v1's form.

Deployed with the model registered from train.py's run (or file), e.g.
    Model.register(ws, model_path="outputs/model.pkl", model_name="iris")
the model's files are in $AZUREML_MODEL_DIR under the registered path's last name: model.pkl.
init() runs once per worker; run() once per request, with {"data": [[5.1, 3.5, 1.4, 0.2], ...]}
(one row of the four features, in cm, per flower). It returns the predicted class of each row
(0 setosa, 1 versicolor, 2 virginica) as a list.

The inference_schema decorators convert "data" into a numpy array before run() sees it, and give
the service its swagger.json and its sample request (answered before the deployment takes traffic).
"""

import json
import os
import pickle

import numpy as np
from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
from inference_schema.schema_decorators import input_schema, output_schema


def init():
    global model, classes
    # The v1 idiom; Model.get_model_path("iris") (from azureml.core.model) finds the same file.
    path = os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model.pkl")
    with open(path, "rb") as handle:
        saved = pickle.load(handle)
    # train.py saves {"model": pipeline, "classes": [...]}; a bare estimator works too.
    model = saved["model"] if isinstance(saved, dict) else saved
    classes = saved.get("classes") if isinstance(saved, dict) else None
    print("loaded %s from %s (classes: %s)" % (type(model).__name__, path, classes))


input_sample = np.array([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]])
output_sample = np.array([0, 2])


@input_schema("data", NumpyParameterType(input_sample))
@output_schema(NumpyParameterType(output_sample))
def run(data):
    predictions = model.predict(np.asarray(data, dtype=float))
    return predictions.tolist()


if __name__ == "__main__":      # try it without a server: AZUREML_MODEL_DIR=outputs python3 score.py
    init()
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample-request.json")) as f:
        print(run(**json.load(f)))
