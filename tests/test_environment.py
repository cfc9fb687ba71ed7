"""The project's set-up files agree with each other, and JupyterLab starts."""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def requirement_set(lines):
    """{name: specifier} from requirement strings, names normalised as pip does."""
    result = {}
    for line in lines:
        requirement = Requirement(line)
        result[requirement.name.lower().replace("_", "-")] = requirement.specifier
    return result


def conda_environment():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_lines = [item for item in environment["dependencies"] if isinstance(item, str)]
    pip_sections = [item["pip"] for item in environment["dependencies"] if isinstance(item, dict)]
    return environment, conda_lines, pip_sections


def test_environment_yml_and_pyproject_agree_on_dependencies():
    project = pyproject()["project"]
    declared = requirement_set(project["dependencies"] + project["optional-dependencies"]["dev"])
    environment, conda_lines, _ = conda_environment()
    conda = requirement_set(line for line in conda_lines if line.split(">")[0].split("=")[0] not in ("python", "pip"))
    assert conda.keys() == declared.keys(), (
        f"only in environment.yml: {sorted(conda.keys() - declared.keys())}; "
        f"only in pyproject.toml: {sorted(declared.keys() - conda.keys())}")
    for name in declared:
        assert conda[name] == declared[name], f"{name}: environment.yml {conda[name]} vs pyproject {declared[name]}"


def test_environment_yml_installs_the_package_and_a_compatible_python():
    environment, conda_lines, pip_sections = conda_environment()
    assert "conda-forge" in environment["channels"]
    assert pip_sections == [["-e ."]]
    assert "pip" in conda_lines
    python = next(line for line in conda_lines if line.startswith("python"))
    required = SpecifierSet(pyproject()["project"]["requires-python"])
    assert SpecifierSet(python.removeprefix("python")) == required


def constraints():
    """{name: pinned version} from constraints.txt."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"constraints.txt pins exact versions: {line}"
            pins[requirement.name.lower().replace("_", "-")] = specifier.version
    return pins


def test_constraints_pin_every_dependency_inside_its_declared_range():
    project = pyproject()["project"]
    declared = requirement_set(project["dependencies"] + project["optional-dependencies"]["dev"])
    pins = constraints()
    for name, specifier in declared.items():
        assert name in pins, f"{name} is not pinned in constraints.txt: run `make lock`"
        assert specifier.contains(pins[name], prereleases=True), \
            f"constraints.txt pins {name}=={pins[name]}, outside pyproject.toml's {specifier}: run `make lock`"
    assert "pip" in pins and "mlp-course" not in pins


def test_every_install_takes_the_pinned_versions():
    makefile = (ROOT / "Makefile").read_text()
    installs = [line for line in makefile.splitlines() if "pip install" in line and "LOCK_VENV" not in line]
    assert installs and all("-c constraints.txt" in line for line in installs), installs
    assert "$(STAMP): pyproject.toml constraints.txt" in makefile  # a new pin reinstalls
    assert "-c constraints.txt" in (ROOT / "README.md").read_text()


def test_ci_runs_make_test():
    run = (ROOT / ".ci" / "run").read_text()
    assert "make test" in run and "set -euo pipefail" in run
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_starts_jupyterlab_and_answers_api_status(tmp_path):
    """`make lab`, as a learner runs it (without a browser, on a free loopback port), serves JupyterLab."""
    assert shutil.which("make"), "make is needed for `make lab`"
    port, token = free_port(), "dl101-test-token"
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    lab_args = f"--no-browser --ServerApp.ip=127.0.0.1 --port={port} --port-retries=0 --IdentityProvider.token={token}"
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={lab_args}"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                              start_new_session=True)  # its own process group: make and jupyter stop together
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, status = time.monotonic() + 180, None  # a bound: polls until it answers
        while time.monotonic() < deadline and server.poll() is None:
            try:
                request = urllib.request.Request(f"{base}/api/status", headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(request, timeout=2) as response:
                    status = (response.status, response.read().decode())
                    break
            except OSError:
                time.sleep(0.3)
        if status is None:
            os.killpg(server.pid, signal.SIGKILL)
            output = server.communicate()[0].decode(errors="replace")[-3000:]
            pytest.fail(f"`make lab` did not answer /api/status within 180 s (exit code {server.poll()}):\n{output}")
        assert status[0] == 200 and '"started"' in status[1]
        with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=5) as response:
            assert response.status == 200 and "JupyterLab" in response.read().decode()
        # The server's root is the repository, so lessons and exercises are both reachable.
        request = urllib.request.Request(f"{base}/api/contents/notebooks", headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read())["type"] == "directory"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
