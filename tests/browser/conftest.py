"""Browser tests: JupyterLab, Notebook 7 and Voila, served on loopback, driven in headless Chromium.

The browser is Debian's ``chromium`` package driven by Playwright for Python (never a browser
download: no ``playwright install``). Where it is missing these tests skip and say how to
enable them; ``.ci/run`` installs it, so CI always runs them.

Each server gets a free port on 127.0.0.1, a fixed token and its own configuration, data,
runtime, settings, workspaces, IPython and matplotlib folders under a temporary folder, so
nothing from the learner's own set-up (or from an earlier run) changes what the page shows,
and nothing is written into the repository (checkpoints go to that folder, autosave is off).

Fixtures:
  browser      one headless Chromium per test module (skips when chromium is not installed)
  page         a new page per test (in one browser context per module, which caches scripts)
  lab          ``lab(root)`` -> a JupyterLab server serving ``root`` (default: the repository),
               started once per test module and root; the test's sessions are deleted afterwards
  notebook7    ``notebook7(root)`` -> the same for Notebook 7 (JupyterLab's parts, one notebook per page)
  voila        ``voila(notebook)`` -> a Voila server for one notebook, stopped after the test
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "dl101-browser-test-token"
CHROMIUM_HINT = ("install Debian's chromium (apt-get install chromium) to run the browser tests "
                 "(Playwright drives it; never `playwright install`)")
# Without the networking flags Chromium keeps trying to reach hosts that are closed here. Every host name but
# the local servers' fails at once: Voila's page links Font Awesome's CSS from a CDN, and a stylesheet still
# loading holds back every script after it, so a DNS lookup that hangs (seen in CI) kept the widgets from
# rendering for minutes.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]
# Upper bounds only, for work that grows on a slow or busy machine (a cold start, both cores taken by
# other tests): every wait below ends as soon as the page shows its own signal, never after a fixed time.
SERVER_START_SECONDS = 180
PAGE_SECONDS = 180


# ----------------------------------------------------------------------------- processes

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """Process ids of every descendant of pid (read from /proc; empty where there is no /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def isolated_environment(folder: Path) -> dict[str, str]:
    """The environment for a server: its own Jupyter, IPython and matplotlib folders under folder."""
    dirs = {name: folder / name.lower() for name in (
        "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
        "JUPYTERLAB_WORKSPACES_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR", "MPLCONFIGDIR")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    settings = dirs["JUPYTERLAB_SETTINGS_DIR"]
    user_settings = {
        # The "get notified about Jupyter news" notice covers the page.
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        # Never write the lessons back to disk while a test runs them.
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
        # Every cell in the DOM, so widgets anywhere in a notebook can be found.
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    }
    for plugin, values in user_settings.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(os.environ, **{name: str(path) for name, path in dirs.items()},
               MLP_PROGRESS="0", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    env.pop("MPLBACKEND", None)
    env.pop("JUPYTER_TOKEN", None)
    return env


class Server:
    """A server process started in its own process group, stopped with its kernels."""

    name = "server"

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str], log: Path, port: int):
        self.port, self.log_path = port, log
        self.base = f"http://127.0.0.1:{port}"
        self._log = open(log, "wb")
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)

    def log_tail(self, chars: int = 4000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-chars:]

    def wait_until_ready(self, path: str, seconds: float = SERVER_START_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with self.get(path, timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.HTTPError):
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"{self.name} did not answer {path} within {seconds} s "
                    f"(exit code {self.process.poll()}):\n{self.log_tail()}")

    def request(self, method: str, path: str, timeout: float = 10):
        request = urllib.request.Request(self.base + path, method=method,
                                         headers={"Authorization": f"token {TOKEN}"})
        return urllib.request.urlopen(request, timeout=timeout)

    def get(self, path: str, timeout: float = 10):
        return self.request("GET", path, timeout)

    def before_stop(self) -> None:
        """Ask the server to shut its kernels down (subclasses)."""

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.before_stop()
            except (OSError, urllib.error.HTTPError):
                pass
        family = descendants(self.process.pid)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # Kernels live in sessions of their own: end any that outlived the server, by their ids.
        deadline = time.monotonic() + 5
        for pid in family:
            while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._log.close()


# ----------------------------------------------------------------------------- JupyterLab

class JupyterLab(Server):
    name, module = "JupyterLab", "jupyterlab"

    def __init__(self, root: Path, folder: Path):
        port = free_port()
        command = [sys.executable, "-m", self.module, "--no-browser",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
                   "--LabApp.news_url=None", "--ServerApp.open_browser=False",
                   # Opening a notebook writes a checkpoint: keep it out of the repository.
                   f"--FileCheckpoints.checkpoint_dir={folder / 'checkpoints'}"]
        if os.geteuid() == 0:
            command.append("--allow-root")  # JupyterLab exits when run as root without it
        super().__init__(command, root, isolated_environment(folder), folder / f"{self.module}.log", port)
        self.root = root
        self.wait_until_ready("/api/status")

    def api(self, method: str, path: str):
        with self.request(method, path) as response:
            body = response.read()
        return json.loads(body) if body else None

    def before_stop(self) -> None:
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")
        self.api("POST", "/api/shutdown")
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass

    def delete_sessions(self) -> None:
        """End every notebook session (and so its kernel) the test left behind."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def open_notebook(self, page, notebook: str | Path) -> None:
        """Open a notebook at a fresh workspace URL (so no earlier tab is restored) and wait for its kernel."""
        relative = Path(notebook).resolve().relative_to(self.root.resolve()).as_posix()
        # "commit": do not wait for the load event, wait for the notebook's own cells instead.
        page.goto(f"{self.base}/lab/workspaces/test-{uuid.uuid4().hex[:12]}/tree/{relative}?token={TOKEN}",
                  wait_until="commit")
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(state="visible")
        self.wait_for_kernel_idle(page)

    @staticmethod
    def wait_for_kernel_idle(page, timeout: float = PAGE_SECONDS * 1000) -> None:
        # The execution indicator reads "idle" before the kernel is even connected; the status
        # bar's "Python 3 (ipykernel) | Idle" only once it is.
        page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\(ipykernel\) \| Idle")).wait_for(
            state="visible", timeout=timeout)

    @staticmethod
    def menu(page, menu: str, command: str) -> None:
        """Click a menu-bar menu, then its item for a JupyterLab command."""
        page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{menu}$")).click()
        page.locator(f'.lm-Menu-item[data-command="{command}"]').click()

    @classmethod
    def run_all(cls, page, timeout: float = PAGE_SECONDS * 1000) -> None:
        """Edit > Clear Outputs of All Cells, Run > Run All Cells, then wait until every cell ran.

        Clearing first matters: a stored notebook's prompts already read [1], [2], ... so only
        after a clear does a number (or [*]) show that this run started.
        """
        prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt")
        cls.menu(page, "Edit", "editmenu:clear-all")
        page.wait_for_function(
            """() => ![...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                   .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))""", polling=100)
        cls.menu(page, "Run", "runmenu:run-all")
        # Started: some prompt shows [*] or a number (Run All marks every cell [*] at once).
        prompts.filter(has_text=re.compile(r"\[(\*|\d+)\]")).first.wait_for(state="attached")
        # Finished: no prompt shows [*] any more.
        page.wait_for_function(
            """() => ![...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                   .some(p => p.textContent.includes('[*]'))""", timeout=timeout, polling=200)
        cls.wait_for_kernel_idle(page, timeout)


class Notebook7(JupyterLab):
    """Notebook 7: JupyterLab's notebook, menus and widget manager, one notebook per page. Unlike JupyterLab, it
    takes keyboard shortcuts on the document's capture phase, before a widget's own handlers see the key."""

    name, module = "Notebook 7", "notebook"

    def open_notebook(self, page, notebook: str | Path) -> None:
        relative = Path(notebook).resolve().relative_to(self.root.resolve()).as_posix()
        page.goto(f"{self.base}/notebooks/{relative}?token={TOKEN}", wait_until="commit")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(state="visible", timeout=PAGE_SECONDS * 1000)
        self.wait_for_kernel_idle(page)

    @staticmethod
    def wait_for_kernel_idle(page, timeout: float = PAGE_SECONDS * 1000) -> None:
        # The toolbar names the kernel once the page has one, and its execution indicator says "idle".
        page.locator(".jp-Toolbar-kernelName").get_by_text("Python 3 (ipykernel)").wait_for(timeout=timeout)
        page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(state="attached", timeout=timeout)


# ----------------------------------------------------------------------------- Voila

class Voila(Server):
    name = "Voila"

    def __init__(self, notebook: Path, folder: Path):
        port = free_port()
        command = [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
                   "--Voila.ip=127.0.0.1"]
        super().__init__(command, notebook.parent, isolated_environment(folder), folder / "voila.log", port)
        # Ready when it serves a static file: "/" would run the whole notebook in a kernel of its own,
        # beside the page's, and double the load while the test waits for the widgets.
        self.wait_until_ready("/voila/static/voila.js")

    def open(self, page) -> None:
        # Voila sends the load event only after every cell ran (a lesson: 15-30 s, more on a busy
        # machine): wait only for the response, then for the widgets themselves.
        page.goto(self.base + "/", wait_until="commit")

    def before_stop(self) -> None:
        # Voila waits for its kernels on SIGTERM: end them first (the server's own children).
        for pid in descendants(self.process.pid):
            try:
                os.kill(pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass


# ----------------------------------------------------------------------------- fixtures

# Module scope: the browser and servers are gone before the rest of the suite (nbval's kernels) runs.
@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests, but chromium is not installed: {CHROMIUM_HINT}")
        pytest.skip(CHROMIUM_HINT)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is missing: pip install -e '.[dev]' (or run `make test`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a test fails, add what its fixtures registered (screenshot path, server logs) to the report."""
    report = yield
    if report.when == "call" and report.failed:
        for describe in getattr(item, "browser_diagnostics", []):
            try:
                title, text = describe()
            except Exception as error:  # the failure itself matters more than its diagnostics
                title, text = "browser test diagnostics", f"could not be collected: {error!r}"
            report.sections.append((title, text))
    return report


def page_console(page) -> str:
    """The last 40 lines the page's scripts wrote to the console (and their uncaught errors)."""
    return "\n".join(getattr(page, "console_lines", [])[-40:]) or "(nothing)"


def on_failure(request, describe) -> None:
    """Register describe() -> (title, text), called (while the page is still open) if the test fails."""
    request.node.__dict__.setdefault("browser_diagnostics", []).append(describe)


def server_log(server: Server):
    return lambda: (f"end of {server.name}'s log ({server.log_path})", server.log_tail(3000))


@pytest.fixture(scope="module")
def browser_context(browser):
    """One context per module: its HTTP cache keeps JupyterLab's scripts from one test to the next."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(PAGE_SECONDS * 1000)  # a bound; each wait ends on the page's signal
    yield context
    context.close()


@pytest.fixture
def page(browser_context, request, tmp_path):
    """A new page (tab) per test; if the test fails, a screenshot is saved and its path reported."""
    page = browser_context.new_page()
    console: list[str] = []  # what the page's scripts said: a widget that fails to render says why here
    page.console_lines = console
    page.on("console", lambda message: console.append(f"[{message.type}] {message.text}"[:500]))
    page.on("pageerror", lambda error: console.append(f"[uncaught] {error}"[:500]))
    page.on("requestfailed", lambda request: console.append(f"[request failed] {request.url} {request.failure}"[:500]))

    def screenshot():
        page.screenshot(path=tmp_path / "failure.png", full_page=True)
        return "screenshot of the page at failure", str(tmp_path / "failure.png")

    def page_text():  # the end of what the page shows: the cells run so far, an error output
        shown = page.evaluate("() => document.body ? document.body.innerText : ''")
        return "end of the page's text at failure", shown[-3000:]

    on_failure(request, screenshot)
    on_failure(request, lambda: ("the page's console at failure", page_console(page)))
    on_failure(request, page_text)
    yield page
    page.close()


@pytest.fixture(scope="module")
def _lab_servers(tmp_path_factory):
    servers: dict[tuple[type, Path], JupyterLab] = {}
    yield servers
    for server in servers.values():
        server.stop()


def _shared_server(kind: type, servers: dict, tmp_path_factory, request):
    """start(root=repository) -> a running ``kind`` server serving root, shared by the module's tests; the
    sessions a test opened end after it."""
    used: list[JupyterLab] = []

    def start(root: Path = ROOT) -> JupyterLab:
        key = (kind, Path(root).resolve())
        if key not in servers:
            servers[key] = kind(key[1], tmp_path_factory.mktemp(kind.module))
        if servers[key] not in used:
            used.append(servers[key])
            on_failure(request, server_log(servers[key]))
        return servers[key]

    return start, used


def _end_sessions(used) -> None:
    for server in used:
        if server.process.poll() is None:
            server.delete_sessions()


@pytest.fixture
def lab(_lab_servers, tmp_path_factory, request):
    """lab(root=repository) -> a running JupyterLab serving root; the test's sessions end after it."""
    start, used = _shared_server(JupyterLab, _lab_servers, tmp_path_factory, request)
    yield start
    _end_sessions(used)


@pytest.fixture
def notebook7(_lab_servers, tmp_path_factory, request):
    """notebook7(root=repository) -> a running Notebook 7 serving root; the test's sessions end after it."""
    start, used = _shared_server(Notebook7, _lab_servers, tmp_path_factory, request)
    yield start
    _end_sessions(used)


@pytest.fixture
def voila(tmp_path_factory, request):
    """voila(notebook) -> a running Voila server for that notebook, stopped after the test."""
    servers: list[Voila] = []

    def start(notebook: Path) -> Voila:
        servers.append(Voila(Path(notebook).resolve(), tmp_path_factory.mktemp("voila")))
        on_failure(request, server_log(servers[-1]))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
