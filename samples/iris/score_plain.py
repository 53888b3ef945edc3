"""Scoring script for train_plain.py's model (outputs/model.json), with the standard library only.

Runs in Loom's `system` environment (any python3). Deployed with the model registered from
train_plain.py's run (or file), e.g.
    Model.register(ws, model_path="outputs/model.json", model_name="iris-plain")
the model's file is $AZUREML_MODEL_DIR/model.json. run() takes {"data": [[5.1, 3.5, 1.4, 0.2], ...]}
(the four features in cm, one row per flower) and returns the predicted class index of each row
(0 setosa, 1 versicolor, 2 virginica) as a list, the same answers as score.py for the sklearn model.
"""

import json
import math
import os

model = None


def init():
    global model
    path = os.path.join(os.getenv("AZUREML_MODEL_DIR", "outputs"), "model.json")
    with open(path, "r", encoding="utf-8") as handle:
        model = json.load(handle)
    print("loaded the softmax regression from %s (classes: %s)" % (path, model["classes"]))


def predict_proba(row):
    z = [(v - m) / s for v, m, s in zip(row, model["mean"], model["std"])]
    scores = [b + sum(w * v for w, v in zip(ws, z)) for ws, b in zip(model["weights"], model["bias"])]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def run(raw_data):
    request = json.loads(raw_data)
    rows = request["data"] if isinstance(request, dict) else request
    width = len(model["features"])
    if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == width for r in rows):
        raise ValueError('expected {"data": [[%s], ...]}: rows of %d numbers' % (", ".join(model["features"]), width))
    predictions = []
    for row in rows:
        probs = predict_proba([float(v) for v in row])
        predictions.append(max(range(len(probs)), key=probs.__getitem__))
    return predictions


if __name__ == "__main__":      # try it without a server: python3 score_plain.py (after train_plain.py)
    init()
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample-request.json")) as f:
        print(run(f.read()))
