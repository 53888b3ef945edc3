"""The Azure ML v1 notebook flow, unchanged, against Loom: submit train.py (or train_plain.py) from
this folder to a compute target, stream its log, then read its metrics and download its model.

Needs a config.json naming the server and workspace (here, in .azureml/ or a parent folder):
    {"loom_url": "http://127.0.0.1:8765", "workspace_name": "default"}
or LOOM_TRACKING_URI / LOOM_WORKSPACE; the token comes from LOOM_TOKEN, config.json's "token"
or `loom login`.

    python3 submit_v1.py                                   # train.py on 'cpu' in env 'sklearn'
    python3 submit_v1.py --script train_plain.py --environment system --compute cpu
"""

import argparse
import os

from azureml.core import Environment, Experiment, ScriptRunConfig, Workspace
from azureml.core.compute import ComputeTarget

HERE = os.path.dirname(os.path.abspath(__file__))

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--script", default="train.py", help="train.py or train_plain.py")
parser.add_argument("--compute", default="cpu", help="compute target")
parser.add_argument("--environment", default="sklearn", help="registered environment (system: the agent's python)")
parser.add_argument("--experiment", default="iris")
parser.add_argument("--c", type=float, default=0.5, help="inverse regularization strength")
parser.add_argument("--download-to", default=None, help="folder for the downloaded model (default: here)")
args = parser.parse_args()

# --- the notebook cells -------------------------------------------------------------------------
ws = Workspace.from_config()
print("Workspace:", ws.name)

compute_target = ComputeTarget(workspace=ws, name=args.compute)
env = Environment.get(workspace=ws, name=args.environment)

src = ScriptRunConfig(source_directory=HERE,
                      script=args.script,
                      arguments=["--c", args.c],
                      compute_target=compute_target,
                      environment=env)

run = Experiment(workspace=ws, name=args.experiment).submit(src)
run.wait_for_completion(show_output=True)

metrics = run.get_metrics()
for name in sorted(metrics):
    print("%s: %s" % (name, metrics[name]))

model_file = "outputs/model.pkl" if "outputs/model.pkl" in run.get_file_names() else "outputs/model.json"
target = os.path.join(args.download_to or HERE, os.path.basename(model_file))
run.download_file(name=model_file, output_file_path=target)
print("Files:", ", ".join(run.get_file_names()))
print("Downloaded %s to %s" % (model_file, target))
