"""Trains a logistic-regression classifier on the iris data with scikit-learn, the Azure ML v1 way.

Metrics go to the run this script was submitted as (``Run.get_context()``); run directly, outside
Loom, they are kept offline under ./.loom/offline/. Writes the model to outputs/model.pkl.

    python3 train.py --c 0.5 --folds 5
"""

import argparse
import os
import pickle

import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from azureml.core import Run


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularization strength")
    parser.add_argument("--folds", type=int, default=5, help="folds of the cross-validation")
    parser.add_argument("--max-iter", type=int, default=200, help="solver iterations")
    parser.add_argument("--seed", type=int, default=42, help="seed of the fold split")
    return parser.parse_args()


def make_model(c, max_iter):
    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=max_iter))


def main():
    args = parse_args()
    run = Run.get_context()
    data = load_iris()
    x, y, classes = data.data, data.target, list(data.target_names)

    run.log("C", args.c)
    run.log("folds", args.folds)
    run.tag("model", "logistic-regression")
    run.tag("library", "scikit-learn")
    if hasattr(run, "log_params"):  # Loom's runs also keep parameters
        run.log_params({"C": args.c, "folds": args.folds, "max_iter": args.max_iter})

    predictions = np.zeros_like(y)
    accuracies, losses = [], []
    split = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    for fold, (train, test) in enumerate(split.split(x, y), start=1):
        model = make_model(args.c, args.max_iter).fit(x[train], y[train])
        predictions[test] = model.predict(x[test])
        accuracy = accuracy_score(y[test], predictions[test])
        loss = log_loss(y[test], model.predict_proba(x[test]), labels=list(range(len(classes))))
        accuracies.append(accuracy)
        losses.append(loss)
        run.log("fold_accuracy", accuracy)
        run.log("fold_log_loss", loss)
        print("fold %d/%d: accuracy=%.4f log_loss=%.4f" % (fold, args.folds, accuracy, loss))

    run.log("accuracy", float(np.mean(accuracies)))
    run.log("log_loss", float(np.mean(losses)))
    matrix = confusion_matrix(y, predictions, labels=list(range(len(classes))))
    table = {"actual": classes}
    for column, name in enumerate(classes):
        table["predicted_" + name] = [int(v) for v in matrix[:, column]]
    run.log_table("confusion_matrix", table)
    print("accuracy=%.4f log_loss=%.4f" % (np.mean(accuracies), np.mean(losses)))

    model = make_model(args.c, args.max_iter).fit(x, y)
    os.makedirs("outputs", exist_ok=True)
    with open(os.path.join("outputs", "model.pkl"), "wb") as handle:
        pickle.dump({"model": model, "classes": classes}, handle)
    print("wrote outputs/model.pkl")


if __name__ == "__main__":
    main()
