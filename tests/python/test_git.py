"""Git capture from Python: the shared scenarios (tests/vectors/git) the C# client runs too, against
real repositories made with the git CLI in temp folders. No server needed."""

import glob
import json
import os
import shutil
import subprocess
import tempfile
import unittest
from unittest import mock

import loomtest

from loom import _git

VECTORS = os.path.join(loomtest.REPO, "tests", "vectors", "git")
URL_VECTORS = os.path.join(loomtest.REPO, "tests", "vectors", "git", "urls", "strip_credentials.json")


def run_git(root, args):
    """Runs git in ``root`` and returns its stdout; any failure fails the test."""
    result = subprocess.run(["git"] + list(args), cwd=root, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if result.returncode != 0:
        raise AssertionError("git %s failed: %s" % (" ".join(args), result.stderr.decode("utf-8", "replace")))
    return result.stdout.decode("utf-8").strip()


def apply_steps(root, steps):
    for step in steps:
        if "write" in step:
            for path, content in step["write"].items():
                full = os.path.join(root, *path.split("/"))
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w", encoding="utf-8", newline="") as handle:
                    handle.write(content)
        elif "mkdir" in step:
            os.makedirs(os.path.join(root, *step["mkdir"].split("/")), exist_ok=True)
        elif "delete" in step:
            os.remove(os.path.join(root, *step["delete"].split("/")))
        elif "git" in step:
            run_git(root, step["git"])
        else:
            raise AssertionError("unknown step %r" % (step,))


def expected_properties(spec, root):
    """The vector's expectation with '<root>' and '<HEAD>' filled in from the repository itself."""
    if spec["expected"] is None:
        return None
    head = run_git(root, ["rev-parse", "HEAD"]) if "<HEAD>" in spec["expected"].values() else None
    return {key: value.replace("<root>", root).replace("<HEAD>", head or "")
            for key, value in spec["expected"].items()}


class GitVectorsTest(unittest.TestCase):
    def test_every_shared_vector(self):
        vectors = sorted(glob.glob(os.path.join(VECTORS, "*.json")))
        self.assertGreaterEqual(len(vectors), 12)
        for vector in vectors:
            with self.subTest(vector=os.path.basename(vector)):
                with open(vector, encoding="utf-8") as handle:
                    spec = json.load(handle)
                root = os.path.realpath(tempfile.mkdtemp(prefix="loom-git-"))
                try:
                    apply_steps(root, spec["steps"])
                    folder = os.path.join(root, *spec.get("folder", "").split("/")) if spec.get("folder") else root
                    self.assertEqual(expected_properties(spec, root), _git.capture(folder))
                finally:
                    shutil.rmtree(root, ignore_errors=True)

    def test_strip_credentials_vectors(self):
        with open(URL_VECTORS, encoding="utf-8") as handle:
            cases = json.load(handle)["cases"]
        self.assertGreaterEqual(len(cases), 8)
        for url, expected in cases:
            with self.subTest(url=url):
                self.assertEqual(expected, _git._strip_credentials(url))


class GitCaptureTest(unittest.TestCase):
    def setUp(self):
        self.root = os.path.realpath(tempfile.mkdtemp(prefix="loom-git-"))
        self.addCleanup(shutil.rmtree, self.root, True)

    def test_git_missing_gives_none(self):
        run_git(self.root, ["init", "-q", "-b", "main"])
        with mock.patch.dict(os.environ, {"PATH": self.root}):
            self.assertIsNone(_git.capture(self.root))

    def test_missing_folder_gives_none(self):
        self.assertIsNone(_git.capture(os.path.join(self.root, "nope")))

    def test_relative_folder(self):
        run_git(self.root, ["init", "-q", "-b", "main"])
        os.makedirs(os.path.join(self.root, "sub"))
        cwd = os.getcwd()
        os.chdir(os.path.join(self.root, "sub"))
        try:
            props = _git.capture(".")
        finally:
            os.chdir(cwd)
        self.assertEqual(self.root, props[_git.REPOSITORY_URI])

    def test_credentials_never_recorded_anywhere(self):
        run_git(self.root, ["init", "-q", "-b", "main"])
        run_git(self.root, ["remote", "add", "origin", "https://bob:hunter2@example.com/r.git"])
        props = _git.capture(self.root)
        self.assertNotIn("hunter2", json.dumps(props))
        self.assertNotIn("bob", json.dumps(props))


if __name__ == "__main__":
    unittest.main()
