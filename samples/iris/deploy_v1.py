"""The Azure ML v1 deployment notebook, unchanged, against Loom: deploy the registered iris model
behind a web service, wait until it is proven, score a request.

Needs a config.json naming the server and workspace (see submit_v1.py) and a registered model:
    python3 submit_v1.py                                  # trains train.py in 'sklearn'
    loom model register --name iris --run <runId> --path outputs/model.pkl
then
    python3 deploy_v1.py                                  # score.py in 'sklearn'
    python3 deploy_v1.py --model iris-plain --script score_plain.py --environment system
"""

import argparse
import json
import os

from azureml.core import Environment, Workspace
from azureml.core.model import InferenceConfig, Model
from azureml.core.webservice import AciWebservice

HERE = os.path.dirname(os.path.abspath(__file__))

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--model", default="iris", help="registered model (its latest version)")
parser.add_argument("--service", default="iris", help="web service (Loom endpoint) name")
parser.add_argument("--script", default="score.py", help="score.py (sklearn) or score_plain.py (system)")
parser.add_argument("--environment", default="sklearn", help="registered environment (system: the server's python)")
args = parser.parse_args()

# --- the notebook cells -------------------------------------------------------------------------
ws = Workspace.from_config()
model = Model(ws, args.model)
print("Model:", model.id)

env = Environment.get(workspace=ws, name=args.environment)
inference_config = InferenceConfig(entry_script=args.script, source_directory=HERE, environment=env)

deployment_config = AciWebservice.deploy_configuration(cpu_cores=1, memory_gb=1, auth_enabled=True,
                                                       tags={"data": "iris", "method": "classification"},
                                                       description="Predict iris species")

service = Model.deploy(workspace=ws, name=args.service, models=[model], inference_config=inference_config,
                       deployment_config=deployment_config, overwrite=True)
service.wait_for_deployment(show_output=True)
print("State:", service.state)
print("Scoring URI:", service.scoring_uri)
print("Swagger URI:", service.swagger_uri)

with open(os.path.join(HERE, "sample-request.json"), encoding="utf-8") as handle:
    sample = json.load(handle)
predictions = service.run(input_data=json.dumps(sample))
print("Predictions:", predictions)

primary, secondary = service.get_keys()       # the keys callers send as "Authorization: Bearer <key>"
print("Keys: primary %s..., secondary %s... (loom endpoint keys %s)" % (primary[:4], secondary[:4], service.name))
print("Or: loom endpoint invoke %s --data '%s'" % (service.name, json.dumps({"data": sample["data"][:1]})))
