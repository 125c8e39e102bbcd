"""The tutorial's site, slides, reading list and Colab path (issue 14).

Fast checks (every run): the reading list is complete and its BibTeX current; every registered notebook's
Colab badge and setup cell match scripts/nbtool.py's template; the repository address lives in one place.

``site`` tests (``make test-site``, after the notebook tests left build/executed/): build the site and
the deck with scripts/build_site.py, check the pages hold what the home page promises, crawl every internal
link, and take headless-Chromium screenshots of the home page, a notebook page and the slides
(reports/screenshots/), asserting they show content.

``colab`` test (``make test-colab``, ~8 min of pip downloads, not in ``make test``): the Colab install path in
a clean virtual environment (see test_colab_setup_cell_installs_and_runs).
"""

from __future__ import annotations

import html.parser
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "site"
SHOTS = ROOT / "reports" / "screenshots"
CONFIG = tomllib.loads((ROOT / "site" / "config.toml").read_text())
REGISTRY = sorted(tomllib.loads((ROOT / "notebooks" / "registry.toml").read_text())["notebook"], key=lambda e: e["file"])
REFS = tomllib.loads((ROOT / "resources" / "references.toml").read_text())["ref"]
ID = re.compile(r"^(doi:10\.\d{4,9}/\S+|arxiv:\d{4}\.\d{4,5}|openreview:\w+)$")


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


nbtool = _load("nbtool", ROOT / "scripts" / "nbtool.py")
build_site = _load("build_site", ROOT / "scripts" / "build_site.py")


# --------------------------------------------------------------------------- reading list
def test_reading_list_holds_every_reference_of_the_paper_plus_agenticrs_and_macrs():
    numbers = sorted(r["n"] for r in REFS if "n" in r)
    assert numbers == list(range(1, 30)), "the tutorial paper prints references [1]..[29]"
    titles = " | ".join(r["title"] for r in REFS)
    assert "From Pipelines to Agentic Recommender Systems" in titles, "the AgenticRS paper"
    assert "A Multi-Agent Conversational Recommender System" in titles, "MACRS (Fang et al. 2024)"
    keys = [r["key"] for r in REFS]
    assert len(keys) == len(set(keys)), "citation keys are unique"


@pytest.mark.parametrize("ref", REFS, ids=[r["key"] for r in REFS])
def test_every_reference_has_an_id_a_part_and_a_reason(ref):
    assert ref["part"] in CONFIG["parts"], ref["part"]
    assert len(ref["why"]) > 30, "one line on why it matters"
    if ref.get("id"):
        assert ID.match(ref["id"]), ref["id"]
        assert ref.get("source") in ("paper", "looked-up", "recalled")
    else:
        assert len(ref.get("no_id", "")) > 20, "an entry without DOI/arXiv id says why"


def test_bibtex_is_generated_from_the_list_and_current():
    bib = (ROOT / "resources" / "references.bib").read_text()
    entries = re.findall(r"^@(\w+)\{([^,]+),", bib, re.M)
    assert [k for _, k in entries] == [r["key"] for r in REFS]
    for r in REFS:
        assert build_site.bibtex_entry(r) in bib, f"{r['key']}: references.bib is stale (make site regenerates it)"


def test_reading_list_page_groups_by_part_with_ids():
    page = build_site.reading_list(REFS)
    for r in REFS:
        assert r["title"] in page
        if r.get("id"):
            assert r["id"].split(":", 1)[1] in page
    parts = re.findall(r"^## ([A-E])\. ", page, re.M)
    assert parts == sorted(parts) and len(parts) >= 4


# --------------------------------------------------------------------------- Colab cells
def test_every_registered_notebook_has_current_colab_cells():
    stale = {e["file"]: nbtool.refresh_colab(e, check=True) for e in REGISTRY}
    stale = {f: c for f, c in stale.items() if c}
    assert not stale, f"run `make colab` (python scripts/nbtool.py colab): {stale}"


@pytest.mark.parametrize("entry", REGISTRY, ids=[e["file"] for e in REGISTRY])
def test_setup_cell_installs_only_what_the_notebook_needs_pinned_by_the_lock(entry):
    cell = nbtool.setup_cell(entry)
    compile(cell, entry["file"], "exec")  # plain Python: no %pip magics
    assert '"google.colab" in sys.modules' in cell
    assert "requirements/requirements.lock" in cell and '"-c"' in cell, "constrained to the locked versions"
    assert "pip.stderr" in cell and "raise RuntimeError" in cell, "pip's error is shown"
    assert "Restart the session" in cell, "says when a restart is needed"
    extras = re.search(r'SRC, EXTRAS = "[^"]+", "([^"]*)"', cell).group(1)
    wanted = {nbtool.EXTRA_OF[f] for f in entry["frameworks"] if f in nbtool.EXTRA_OF} | set(entry.get("extras", []))
    assert set(filter(None, extras.split(","))) == wanted
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert wanted <= set(pyproject["project"]["optional-dependencies"]), "each extra exists in pyproject.toml"
    badge = nbtool.badge(entry["file"])
    assert "../" not in badge and f"/blob/{CONFIG['branch']}/notebooks/{entry['file']}" in badge


def test_repository_address_lives_in_one_place():
    slug = CONFIG["repo"]
    code = [p for p in (ROOT / "scripts").glob("*.py")] + list((ROOT / "src").rglob("*.py")) + list((ROOT / "tests").glob("*.py"))
    holders = [p.relative_to(ROOT).as_posix() for p in code if slug in p.read_text(encoding="utf-8")]
    assert holders == [], f"the repository address is written in {holders}; read it from site/config.toml"


# --------------------------------------------------------------------------- the Colab install path
@pytest.mark.slow
@pytest.mark.colab
def test_colab_setup_cell_installs_and_runs(tmp_path):
    """Colab as far as this machine allows: a clean venv, the notebook's own setup cell (with a fake
    ``google.colab`` module and the clone replaced by a copy of this checkout) runs `pip install` of the
    package with that notebook's extras constrained by the lock, then the notebook runs offline."""
    entry = next(e for e in REGISTRY if e["file"].startswith("00_"))
    src = tmp_path / "checkout"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", "build", "reports", "node_modules", ".git",
                                                              ".runtime", "__pycache__", "*.egg-info", ".pytest_cache"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update({"PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    # what Colab already has: Jupyter's kernel and papermill's runner, at the lock's versions
    subprocess.run([str(py), "-m", "pip", "install", "-q", "-c", str(src / "requirements/requirements.lock"),
                    "ipykernel", "papermill"], check=True, env=env)
    cell = nbtool.setup_cell(entry).replace(CONFIG["clone_dir"], str(src))
    runner = "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n" + cell + \
             "\nimport tutorial_helpers, os\nprint('installed', tutorial_helpers.__file__, os.getcwd())\n"
    done = subprocess.run([str(py), "-c", runner], capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "installed" in done.stdout and str(src / "notebooks") in done.stdout
    lock = dict(line.split("==") for line in (ROOT / "requirements/requirements.lock").read_text().splitlines()
                if "==" in line and not line.startswith(" "))
    got = subprocess.run([str(py), "-m", "pip", "list", "--format=json"], capture_output=True, text=True, env=env)
    installed = {p["name"].lower(): p["version"] for p in json.loads(got.stdout)}
    for name in ("openai", "pydantic", "numpy", "fastapi", "mcp"):
        assert installed.get(name) == lock[name], f"{name}: {installed.get(name)} vs lock {lock[name]}"
    assert "crewai" not in installed and "langgraph" not in installed, "notebook 00 needs no framework"
    out = tmp_path / "00.ipynb"
    run = subprocess.run([str(py), "-m", "papermill", str(src / "notebooks" / entry["file"]), str(out), "-k", "python3",
                          "-p", "PROVIDER", "offline", "--cwd", str(src / "notebooks")],
                         capture_output=True, text=True, env={**env, "TUTORIAL_PROVIDER": "offline",
                                                              "HF_HUB_OFFLINE": "1"}, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    records = {}
    for c in json.loads(out.read_text())["cells"]:
        for o in c.get("outputs", []):
            records.update(o.get("data", {}).get("application/x-tutorial-record+json", {}))
    assert records.get("example_plan_valid") is True and records.get("catalog_items", 0) >= 1500


# --------------------------------------------------------------------------- the site itself
@pytest.fixture(scope="module")
def site() -> Path:
    build_site.build_site(run=True)  # executes only notebooks missing from build/executed/
    return SITE


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for a, v in attrs:
            if a in ("href", "src") and v:
                self.links.append((tag, a, v))


def _links(page: Path) -> list[tuple[str, str, str]]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    return parser.links


@pytest.mark.site
def test_site_holds_home_notebooks_slides_diagrams_reading_list(site):
    home = (site / "index.html").read_text()
    assert CONFIG["doi"] in home
    for i in CONFIG["instructor"]:
        assert i["name"] in home
    for letter, part in CONFIG["parts"].items():
        assert f"{letter}. {part['name']}" in home
    for word in ("What you will learn", "Who this is for", "Citation", "CC BY 4.0"):
        assert word in home
    for e in REGISTRY:
        page = site / "notebooks" / e["file"].replace(".ipynb", ".html")
        assert page.exists(), page
        text = page.read_text()
        if e["ci"] == "execute":
            assert "Rendered with outputs" in text and "recorded " in text, f"{page.name}: no outputs"
            assert f"notebooks/{e['file'][:2]}" in home, "the agenda links every notebook"
    slides = (site / "slides" / "index.html").read_text()
    assert slides.count("<section") >= 60 and "bespoke-marp-note" in slides, "60+ slides with speaker notes"
    assert "not recorded in this build" not in slides, "every figure of the deck came from recorded results"
    assert "(not recorded:" not in slides, "every number on the slides came from a recorded result"
    drawn = json.loads((site / "diagrams" / "diagrams.json").read_text())
    names = {d["file"] for d in drawn}
    assert {"architecture.png", "request_path.png", "conversational_loop.png"} <= names
    assert {f"team_{f}.png" for f in ("ag2", "langgraph", "crewai", "adk")} <= names
    reading = (site / "reading-list.html").read_text()
    assert all(r["title"].split(":")[0] in reading for r in REFS) and (site / "references.bib").exists()


@pytest.mark.site
def test_every_internal_link_resolves_and_nothing_loads_from_the_network(site):
    broken, remote_assets = [], []
    pages = list(site.rglob("*.html"))
    assert len(pages) >= len(REGISTRY) + 4
    for page in pages:
        for tag, attr, value in _links(page):
            url = urlparse(value)
            if url.scheme in ("http", "https"):
                if tag in ("script", "link", "img", "iframe", "source", "video", "audio"):  # loaded, not followed
                    remote_assets.append(f"{page.relative_to(site)}: <{tag} {attr}={value}>")
                continue
            if url.scheme in ("data", "mailto", "javascript") or not url.path:
                continue
            target = (page.parent / unquote(url.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {value}")
    assert not broken, broken[:20]
    assert not remote_assets, remote_assets[:20]


def _screenshot(url: str, path: Path, tmp: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is missing: `make chromium` installs it")
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # any network load would fail: the page must not need one
            f"--user-data-dir={tmp}", "--window-size=1280,900", "--hide-scrollbars",
            "--virtual-time-budget=4000", f"--screenshot={path}", url]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert path.exists(), done.stderr[-2000:]


def _slide_number(heading: str) -> int:
    """1-based number of the deck slide whose text holds ``heading`` (from the built deck.md)."""
    deck = (ROOT / "build" / "slides" / "deck.md").read_text().split("\n---\n")[1:]  # [0] is the front matter
    return next(i for i, s in enumerate(deck, 1) if heading in s)


@pytest.mark.site
@pytest.mark.parametrize("which", ["home", "notebook", "slides", "slides_figure"])
def test_headless_chromium_screenshots_show_content(site, which, tmp_path):
    import matplotlib.image

    nb_page = site / "notebooks" / REGISTRY[min(1, len(REGISTRY) - 1)]["file"].replace(".ipynb", ".html")
    url = {"home": (site / "index.html").as_uri(), "notebook": nb_page.as_uri(),
           "slides": (site / "slides" / "index.html").as_uri(),
           "slides_figure": f"{(site / 'slides' / 'index.html').as_uri()}#{_slide_number('# Raw vs guarded, per framework')}"}[which]
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{which}.png"
    shot.unlink(missing_ok=True)
    _screenshot(url, shot, tmp_path)
    img = matplotlib.image.imread(str(shot))[..., :3]
    assert img.shape[0] >= 800 and img.shape[1] >= 1200
    ink = (img.mean(axis=2) < 0.85).mean()  # share of pixels that are not (near) white
    assert 0.01 < ink < 0.9, f"{which}: the screenshot looks blank or solid ({ink:.3f} ink)"
    assert img.std() > 0.05, f"{which}: no contrast"
