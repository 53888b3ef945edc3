"""``pip install ./clients/python`` works offline into a fresh venv, and the packages import."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import loomtest


class InstallTest(unittest.TestCase):
    def test_pip_install_offline_into_venv(self):
        work = tempfile.mkdtemp(prefix="loom-pip-")
        self.addCleanup(shutil.rmtree, work, True)
        source = os.path.join(work, "src")  # a copy, so the build leaves nothing in the repository
        shutil.copytree(loomtest.CLIENT_DIR, source,
                        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", ".loom"))
        venv = os.path.join(work, "venv")
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv],
                       check=True, timeout=300, capture_output=True)
        python = os.path.join(venv, "bin", "python")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_INDEX_URL")}
        result = subprocess.run([python, "-m", "pip", "install", "--no-index", "--no-build-isolation",
                                 source], env=env, timeout=300, capture_output=True, text=True)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        check = ("import loom, azureml.core, azureml.exceptions, os; "
                 "from azureml.core import Run, Experiment, Workspace; "
                 "print(os.path.dirname(loom.__file__)); print(loom.__version__); "
                 "print(Run.get_context.__qualname__)")
        result = subprocess.run([python, "-c", check], env=env, cwd=work, timeout=120,
                                capture_output=True, text=True)
        self.assertEqual(0, result.returncode, result.stderr)
        location, version, qualname = result.stdout.split()
        self.assertTrue(os.path.realpath(location).startswith(os.path.realpath(venv)), location)
        self.assertEqual("0.1.0", version)
        self.assertEqual("Run.get_context", qualname)


if __name__ == "__main__":
    unittest.main()
