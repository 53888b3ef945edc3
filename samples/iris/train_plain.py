"""Trains a logistic-regression classifier on the iris data with nothing but the standard library.

The dependency-free twin of train.py: it runs on any python3 (Loom's ``system`` environment), with
a small softmax regression written out by hand and the iris data embedded below. Logs the same
metrics through ``Run.get_context()`` (offline under ./.loom/offline/ outside Loom) and writes
the model to outputs/model.json.

    python3 train_plain.py --c 0.5 --folds 5
"""

import argparse
import json
import math
import os
import random

from azureml.core import Run

CLASSES = ["setosa", "versicolor", "virginica"]
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]

# Fisher's iris data (150 rows): the four features in cm, then the class index.
IRIS = """
5.1,3.5,1.4,0.2,0 4.9,3.0,1.4,0.2,0 4.7,3.2,1.3,0.2,0 4.6,3.1,1.5,0.2,0 5.0,3.6,1.4,0.2,0 5.4,3.9,1.7,0.4,0
4.6,3.4,1.4,0.3,0 5.0,3.4,1.5,0.2,0 4.4,2.9,1.4,0.2,0 4.9,3.1,1.5,0.1,0 5.4,3.7,1.5,0.2,0 4.8,3.4,1.6,0.2,0
4.8,3.0,1.4,0.1,0 4.3,3.0,1.1,0.1,0 5.8,4.0,1.2,0.2,0 5.7,4.4,1.5,0.4,0 5.4,3.9,1.3,0.4,0 5.1,3.5,1.4,0.3,0
5.7,3.8,1.7,0.3,0 5.1,3.8,1.5,0.3,0 5.4,3.4,1.7,0.2,0 5.1,3.7,1.5,0.4,0 4.6,3.6,1.0,0.2,0 5.1,3.3,1.7,0.5,0
4.8,3.4,1.9,0.2,0 5.0,3.0,1.6,0.2,0 5.0,3.4,1.6,0.4,0 5.2,3.5,1.5,0.2,0 5.2,3.4,1.4,0.2,0 4.7,3.2,1.6,0.2,0
4.8,3.1,1.6,0.2,0 5.4,3.4,1.5,0.4,0 5.2,4.1,1.5,0.1,0 5.5,4.2,1.4,0.2,0 4.9,3.1,1.5,0.2,0 5.0,3.2,1.2,0.2,0
5.5,3.5,1.3,0.2,0 4.9,3.6,1.4,0.1,0 4.4,3.0,1.3,0.2,0 5.1,3.4,1.5,0.2,0 5.0,3.5,1.3,0.3,0 4.5,2.3,1.3,0.3,0
4.4,3.2,1.3,0.2,0 5.0,3.5,1.6,0.6,0 5.1,3.8,1.9,0.4,0 4.8,3.0,1.4,0.3,0 5.1,3.8,1.6,0.2,0 4.6,3.2,1.4,0.2,0
5.3,3.7,1.5,0.2,0 5.0,3.3,1.4,0.2,0 7.0,3.2,4.7,1.4,1 6.4,3.2,4.5,1.5,1 6.9,3.1,4.9,1.5,1 5.5,2.3,4.0,1.3,1
6.5,2.8,4.6,1.5,1 5.7,2.8,4.5,1.3,1 6.3,3.3,4.7,1.6,1 4.9,2.4,3.3,1.0,1 6.6,2.9,4.6,1.3,1 5.2,2.7,3.9,1.4,1
5.0,2.0,3.5,1.0,1 5.9,3.0,4.2,1.5,1 6.0,2.2,4.0,1.0,1 6.1,2.9,4.7,1.4,1 5.6,2.9,3.6,1.3,1 6.7,3.1,4.4,1.4,1
5.6,3.0,4.5,1.5,1 5.8,2.7,4.1,1.0,1 6.2,2.2,4.5,1.5,1 5.6,2.5,3.9,1.1,1 5.9,3.2,4.8,1.8,1 6.1,2.8,4.0,1.3,1
6.3,2.5,4.9,1.5,1 6.1,2.8,4.7,1.2,1 6.4,2.9,4.3,1.3,1 6.6,3.0,4.4,1.4,1 6.8,2.8,4.8,1.4,1 6.7,3.0,5.0,1.7,1
6.0,2.9,4.5,1.5,1 5.7,2.6,3.5,1.0,1 5.5,2.4,3.8,1.1,1 5.5,2.4,3.7,1.0,1 5.8,2.7,3.9,1.2,1 6.0,2.7,5.1,1.6,1
5.4,3.0,4.5,1.5,1 6.0,3.4,4.5,1.6,1 6.7,3.1,4.7,1.5,1 6.3,2.3,4.4,1.3,1 5.6,3.0,4.1,1.3,1 5.5,2.5,4.0,1.3,1
5.5,2.6,4.4,1.2,1 6.1,3.0,4.6,1.4,1 5.8,2.6,4.0,1.2,1 5.0,2.3,3.3,1.0,1 5.6,2.7,4.2,1.3,1 5.7,3.0,4.2,1.2,1
5.7,2.9,4.2,1.3,1 6.2,2.9,4.3,1.3,1 5.1,2.5,3.0,1.1,1 5.7,2.8,4.1,1.3,1 6.3,3.3,6.0,2.5,2 5.8,2.7,5.1,1.9,2
7.1,3.0,5.9,2.1,2 6.3,2.9,5.6,1.8,2 6.5,3.0,5.8,2.2,2 7.6,3.0,6.6,2.1,2 4.9,2.5,4.5,1.7,2 7.3,2.9,6.3,1.8,2
6.7,2.5,5.8,1.8,2 7.2,3.6,6.1,2.5,2 6.5,3.2,5.1,2.0,2 6.4,2.7,5.3,1.9,2 6.8,3.0,5.5,2.1,2 5.7,2.5,5.0,2.0,2
5.8,2.8,5.1,2.4,2 6.4,3.2,5.3,2.3,2 6.5,3.0,5.5,1.8,2 7.7,3.8,6.7,2.2,2 7.7,2.6,6.9,2.3,2 6.0,2.2,5.0,1.5,2
6.9,3.2,5.7,2.3,2 5.6,2.8,4.9,2.0,2 7.7,2.8,6.7,2.0,2 6.3,2.7,4.9,1.8,2 6.7,3.3,5.7,2.1,2 7.2,3.2,6.0,1.8,2
6.2,2.8,4.8,1.8,2 6.1,3.0,4.9,1.8,2 6.4,2.8,5.6,2.1,2 7.2,3.0,5.8,1.6,2 7.4,2.8,6.1,1.9,2 7.9,3.8,6.4,2.0,2
6.4,2.8,5.6,2.2,2 6.3,2.8,5.1,1.5,2 6.1,2.6,5.6,1.4,2 7.7,3.0,6.1,2.3,2 6.3,3.4,5.6,2.4,2 6.4,3.1,5.5,1.8,2
6.0,3.0,4.8,1.8,2 6.9,3.1,5.4,2.1,2 6.7,3.1,5.6,2.4,2 6.9,3.1,5.1,2.3,2 5.8,2.7,5.1,1.9,2 6.8,3.2,5.9,2.3,2
6.7,3.3,5.7,2.5,2 6.7,3.0,5.2,2.3,2 6.3,2.5,5.0,1.9,2 6.5,3.0,5.2,2.0,2 6.2,3.4,5.4,2.3,2 5.9,3.0,5.1,1.8,2
"""


def load_iris():
    rows = [[float(v) for v in item.split(",")] for item in IRIS.split()]
    return [r[:4] for r in rows], [int(r[4]) for r in rows]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularization strength")
    parser.add_argument("--folds", type=int, default=5, help="folds of the cross-validation")
    parser.add_argument("--epochs", type=int, default=300, help="gradient-descent steps per fit")
    parser.add_argument("--learning-rate", type=float, default=0.5, help="gradient-descent step size")
    parser.add_argument("--seed", type=int, default=42, help="seed of the fold split")
    return parser.parse_args()


def stratified_folds(labels, folds, seed):
    """Test indices of each fold, every class spread evenly over the folds."""
    rng = random.Random(seed)
    out = [[] for _ in range(folds)]
    position = 0
    for label in sorted(set(labels)):
        members = [i for i, y in enumerate(labels) if y == label]
        rng.shuffle(members)
        for index in members:
            out[position % folds].append(index)
            position += 1
    return [sorted(f) for f in out]


class SoftmaxRegression:
    """Multinomial logistic regression on standardized features, L2-penalized like scikit-learn's
    (the penalty is ||w||^2 / 2C next to the summed log loss), fit by full-batch gradient descent."""

    def __init__(self, c=1.0, epochs=300, learning_rate=0.5):
        self.c, self.epochs, self.learning_rate = c, epochs, learning_rate

    def fit(self, x, y):
        n, k = len(x), len(CLASSES)
        self.mean = [sum(col) / n for col in zip(*x)]
        self.std = [math.sqrt(sum((v - m) ** 2 for v in col) / n) or 1.0 for col, m in zip(zip(*x), self.mean)]
        z = [self._scale(row) for row in x]
        self.weights = [[0.0] * len(FEATURES) for _ in range(k)]
        self.bias = [0.0] * k
        for _ in range(self.epochs):
            grad_w = [[w / (self.c * n) for w in row] for row in self.weights]
            grad_b = [0.0] * k
            for row, label in zip(z, y):
                probs = self._softmax(row)
                for j in range(k):
                    error = (probs[j] - (1.0 if j == label else 0.0)) / n
                    grad_b[j] += error
                    gw = grad_w[j]
                    for f, value in enumerate(row):
                        gw[f] += error * value
            for j in range(k):
                self.bias[j] -= self.learning_rate * grad_b[j]
                self.weights[j] = [w - self.learning_rate * g for w, g in zip(self.weights[j], grad_w[j])]
        return self

    def _scale(self, row):
        return [(v - m) / s for v, m, s in zip(row, self.mean, self.std)]

    def _softmax(self, z):
        scores = [b + sum(w * v for w, v in zip(ws, z)) for ws, b in zip(self.weights, self.bias)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def predict_proba(self, x):
        return [self._softmax(self._scale(row)) for row in x]

    def predict(self, x):
        return [max(range(len(p)), key=p.__getitem__) for p in self.predict_proba(x)]

    def to_json(self):
        return {"classes": CLASSES, "features": FEATURES, "mean": self.mean, "std": self.std,
                "weights": self.weights, "bias": self.bias, "c": self.c}


def log_loss(y, probs):
    eps = 1e-15
    return -sum(math.log(min(max(p[label], eps), 1 - eps)) for label, p in zip(y, probs)) / len(y)


def main():
    args = parse_args()
    run = Run.get_context()
    x, y = load_iris()

    run.log("C", args.c)
    run.log("folds", args.folds)
    run.tag("model", "logistic-regression")
    run.tag("library", "standard-library")
    if hasattr(run, "log_params"):  # Loom's runs also keep parameters
        run.log_params({"C": args.c, "folds": args.folds, "epochs": args.epochs})

    predictions = [0] * len(y)
    accuracies, losses = [], []
    for fold, test in enumerate(stratified_folds(y, args.folds, args.seed), start=1):
        held_out = set(test)
        train = [i for i in range(len(y)) if i not in held_out]
        model = SoftmaxRegression(args.c, args.epochs, args.learning_rate).fit(
            [x[i] for i in train], [y[i] for i in train])
        probs = model.predict_proba([x[i] for i in test])
        predicted = [max(range(len(p)), key=p.__getitem__) for p in probs]
        for i, label in zip(test, predicted):
            predictions[i] = label
        accuracy = sum(1 for i, label in zip(test, predicted) if y[i] == label) / len(test)
        loss = log_loss([y[i] for i in test], probs)
        accuracies.append(accuracy)
        losses.append(loss)
        run.log("fold_accuracy", accuracy)
        run.log("fold_log_loss", loss)
        print("fold %d/%d: accuracy=%.4f log_loss=%.4f" % (fold, args.folds, accuracy, loss), flush=True)

    run.log("accuracy", sum(accuracies) / len(accuracies))
    run.log("log_loss", sum(losses) / len(losses))
    table = {"actual": CLASSES}
    for column, name in enumerate(CLASSES):
        table["predicted_" + name] = [sum(1 for t, p in zip(y, predictions) if t == row and p == column)
                                      for row in range(len(CLASSES))]
    run.log_table("confusion_matrix", table)
    print("accuracy=%.4f log_loss=%.4f" % (sum(accuracies) / len(accuracies), sum(losses) / len(losses)))

    model = SoftmaxRegression(args.c, args.epochs, args.learning_rate).fit(x, y)
    os.makedirs("outputs", exist_ok=True)
    with open(os.path.join("outputs", "model.json"), "w", encoding="utf-8") as handle:
        json.dump(model.to_json(), handle, indent=2)
    print("wrote outputs/model.json")


if __name__ == "__main__":
    main()
