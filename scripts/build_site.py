"""Build the tutorial's deck and static site (`make slides`, `make site`).

    python scripts/build_site.py slides   # build/site/slides/index.html: one self-contained HTML deck
    python scripts/build_site.py site     # build/site/: home, notebooks with outputs, slides, diagrams, reading list

Everything is driven by files in the repository: notebooks/registry.toml (which notebooks, which agenda
part), site/config.toml (repository address, instructors, agenda), resources/references.toml (reading
list), slides/deck.md (the deck's text). Figures come from the notebooks' recorded results
(``tutorial_helpers.testing.record``) read back from the executed notebooks, and diagrams are drawn by
scripts/draw_resources.py from the library's own graph data, so neither can drift from what runs.

Executed notebooks: `make test` (tests/test_notebooks.py) leaves each executed notebook in
build/executed/; this script renders those and executes (offline, with the registry's CI parameters)
only the ones that are missing or older than their source, so `make site` after `make test` executes
nothing, and on a fresh clone it executes each notebook once.

Tools: MkDocs + Material for MkDocs (pinned in requirements/requirements.in) with Material's built-in
``offline`` plugin, so the site opens from disk with search working and loads nothing from the network;
notebooks are converted to Markdown pages with nbconvert (outputs included, images as files) so they get
the site's navigation, search and code highlighting without a notebook plugin that pulls scripts from a
CDN. The deck is Marp (``@marp-team/marp-cli``, pinned in slides/package.json), whose HTML export is a
single file with its own JS/CSS; figures are inlined as data URIs.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
EXECUTED = BUILD / "executed"
SITE = BUILD / "site"
SRC = BUILD / "site-src"
SLIDES_BUILD = BUILD / "slides"
CONFIG = tomllib.loads((ROOT / "site" / "config.toml").read_text())
GITHUB = f"https://github.com/{CONFIG['repo']}"
MARP = ROOT / "slides" / "node_modules" / ".bin" / "marp"
#: Material's offline search runs in an iframe through this shim; its plugin would load it from a CDN unless
#: extra.polyfills already names one, so the site serves the npm package's copy (slides/package.json)
IFRAME_WORKER = ROOT / "slides" / "node_modules" / "iframe-worker" / "shim" / "index.js"
PART_NAMES = {k: v["name"] for k, v in CONFIG["parts"].items()}

sys.path.insert(0, str(ROOT / "scripts"))


def registry() -> list[dict[str, Any]]:
    """Registered notebooks in file order."""
    entries = tomllib.loads((ROOT / "notebooks" / "registry.toml").read_text())["notebook"]
    return sorted(entries, key=lambda e: e["file"])


def references() -> list[dict[str, Any]]:
    """The reading list (resources/references.toml)."""
    return tomllib.loads((ROOT / "resources" / "references.toml").read_text())["ref"]


# --------------------------------------------------------------------------- executed notebooks
def _stale(entry: dict[str, Any]) -> bool:
    out = EXECUTED / entry["file"]
    return not out.exists() or out.stat().st_mtime < (ROOT / "notebooks" / entry["file"]).stat().st_mtime


def execute(entry: dict[str, Any]) -> Path:
    """Execute one notebook offline (as tests/test_notebooks.py does) into build/executed/."""
    import papermill as pm

    out = EXECUTED / entry["file"]
    out.parent.mkdir(parents=True, exist_ok=True)
    env_backup = dict(os.environ)
    os.environ.update({"TUTORIAL_PROVIDER": "offline",
                       "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")})
    for key in ("OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "TUTORIAL_BASE_URL", "TUTORIAL_RECORD_PATH"):
        os.environ.pop(key, None)
    try:
        params = {"PROVIDER": "offline", **entry.get("ci_parameters", {})}
        pm.execute_notebook(str(ROOT / "notebooks" / entry["file"]), str(out), parameters=params,
                            cwd=str(ROOT / "notebooks"), kernel_name="python3", progress_bar=False,
                            execution_timeout=600)
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    return out


def ensure_executed(entries: list[dict[str, Any]], run: bool = True) -> dict[str, Path]:
    """Executed copies of the notebooks, executing only the missing or stale ones (none when ``run`` is false)."""
    paths = {}
    for e in entries:
        if run and e.get("ci") == "execute" and _stale(e):
            t0 = time.perf_counter()
            print(f"executing {e['file']} (no up-to-date copy in build/executed/)", flush=True)
            execute(e)
            print(f"  done in {time.perf_counter() - t0:.0f} s", flush=True)
        path = EXECUTED / e["file"]
        paths[e["file"]] = path if path.exists() else ROOT / "notebooks" / e["file"]
    return paths


def all_records(paths: dict[str, Path]) -> dict[str, dict[str, Any]]:
    """``{notebook file: {recorded name: value}}`` from the executed notebooks."""
    from tutorial_helpers.testing import read_records

    return {f: read_records(p) for f, p in paths.items() if p.parent == EXECUTED}


# --------------------------------------------------------------------------- figures from records
def figures(records: dict[str, dict[str, Any]], out: Path) -> dict[str, dict[str, str]]:
    """Charts drawn from recorded values; returns ``{name: {"file", "caption"}}`` for those with data."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    made: dict[str, dict[str, str]] = {}

    def save(fig: Any, name: str, caption: str) -> None:
        fig.tight_layout()
        fig.savefig(out / f"{name}.png", dpi=110)
        plt.close(fig)
        made[name] = {"file": f"{name}.png", "caption": caption}

    def rec(prefix: str) -> dict[str, Any]:
        return next((r for f, r in records.items() if f.startswith(prefix)), {})

    # 01: pass rate per prompting strategy (every recorded pass_<strategy>)
    r01 = rec("01_")
    strat = {k[5:].replace("_", " "): v for k, v in r01.items() if k.startswith("pass_") and isinstance(v, int | float)}
    if strat:
        fig, ax = plt.subplots(figsize=(7, 3.4))
        ax.barh(list(strat), list(strat.values()), color="#4C72B0")
        ax.set_xlim(0, 1)
        ax.set_xlabel("pass rate (all checks) on the example scenarios")
        ax.invert_yaxis()
        save(fig, "strategies", "Notebook 01, recorded: pass rate of the strategies it records, offline stand-in model")
    # 10-13: raw vs guarded pass rate per framework
    fw = {}
    for f, r in sorted(records.items()):
        if "pass_rate" in r and "raw_pass_rate" in r:
            fw[f.split("_", 1)[1].removesuffix(".ipynb")] = r
    if fw:
        fig, ax = plt.subplots(figsize=(7, 3.4))
        names = list(fw)
        xs = range(len(names))
        ax.bar([x - 0.2 for x in xs], [fw[n]["raw_pass_rate"] for n in names], 0.4, label="raw (the team's own plan)",
               color="#DD8452")
        ax.bar([x + 0.2 for x in xs], [fw[n]["pass_rate"] for n in names], 0.4, label="guarded (after checks)",
               color="#4C72B0")
        ax.set_xticks(list(xs), names)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("pass rate")
        ax.legend(loc="lower right", fontsize=8)
        save(fig, "raw_vs_guarded", "Notebooks 10-13, recorded: raw vs guarded pass rate per framework, offline")
        if all("llm_calls_per_plan" in fw[n] for n in names):
            fig, ax = plt.subplots(figsize=(7, 3))
            ax.bar(names, [fw[n]["llm_calls_per_plan"] for n in names], color="#55A868")
            ax.set_ylabel("model calls per plan")
            save(fig, "calls_per_plan", "Notebooks 10-13, recorded: model calls per plan, offline")
    # 02: memory on/off
    r02 = rec("02_")
    pairs = [("allergy respected", "allergy_respected_without_memory", "allergy_respected_with_memory"),
             ("gift repeated", "repeated_gift_without_memory", "repeated_gift_with_memory")]
    if all(a in r02 and b in r02 for _, a, b in pairs):
        fig, ax = plt.subplots(figsize=(7, 3))
        xs = range(len(pairs))
        ax.bar([x - 0.2 for x in xs], [r02[a] for _, a, _b in pairs], 0.4, label="without memory", color="#DD8452")
        ax.bar([x + 0.2 for x in xs], [r02[b] for _, _a, b in pairs], 0.4, label="with memory", color="#4C72B0")
        ax.set_xticks(list(xs), [p[0] for p in pairs])
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("share of returning-user runs")
        ax.legend(fontsize=8)
        save(fig, "memory", "Notebook 02, recorded: what memory buys returning users")
    # 05: routing figures
    r05 = rec("05_")
    keys05 = [("rule router: large-tier tokens saved", "rule_large_token_reduction"),
              ("cascade: large-tier tokens saved", "cascade_large_token_reduction"),
              ("replay: cache hit rate", "replay_cache_hit_rate")]
    if all(k in r05 for _, k in keys05):
        fig, ax = plt.subplots(figsize=(7, 2.6))
        ax.barh([n for n, _ in keys05], [r05[k] for _, k in keys05], color="#8172B3")
        ax.set_xlim(0, 1)
        for i, (_, k) in enumerate(keys05):
            ax.text(r05[k] + 0.01, i, f"{r05[k]:.0%}", va="center")
        if "fanout_speedup" in r05:
            ax.set_title(f"fan-out speed-up {r05['fanout_speedup']:.1f}x; rule router's pass-rate drop on held-out "
                         f"scenarios {r05.get('rule_pass_rate_drop_points', 0):.1f} points", fontsize=9)
        save(fig, "routing", "Notebook 05, recorded: reasoning load balancing, offline")
    (out / "figures.json").write_text(json.dumps(made, indent=1))
    return made


def fmt(value: Any) -> str:
    """A recorded value as slide text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.0%}" if 0 <= value <= 1 else f"{value:.1f}"
    return str(value)


# --------------------------------------------------------------------------- slides
def data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def build_slides(records: dict[str, dict[str, Any]] | None = None, run: bool = True) -> Path:
    """Render slides/deck.md into build/slides/index.html (self-contained) and copy it to build/site/slides/."""
    if records is None:
        records = all_records(ensure_executed(registry(), run))
    figdir = SLIDES_BUILD / "figures"
    made = figures(records, figdir)
    import draw_resources

    shutil.rmtree(SLIDES_BUILD / "diagrams", ignore_errors=True)
    diagrams = {d["file"].removesuffix(".png"): d for d in draw_resources.main(SLIDES_BUILD / "diagrams")}
    text = (ROOT / "slides" / "deck.md").read_text()

    def figure(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in made:
            return f"![w:900]({data_uri(figdir / made[name]['file'])})\n\n<small>{made[name]['caption']}</small>"
        if name in diagrams:
            return f"![w:1000]({data_uri(SLIDES_BUILD / 'diagrams' / diagrams[name]['file'])})"
        return f"*(figure `{name}`: not recorded in this build; run `make test` or `make site`)*"

    def value(m: re.Match[str]) -> str:
        prefix, name = m.group(1), m.group(2)
        for f, r in records.items():
            if f.startswith(prefix) and name in r:
                return fmt(r[name])
        return f"n/a (not recorded: {prefix} {name})"

    def notebooks_of(m: re.Match[str]) -> str:
        rows = [f"| {e['file'][:2]} | {e['title'].split(':')[0]} | {', '.join(e['frameworks'])} |"
                for e in registry() if e["part"] == m.group(1)]
        return "| # | notebook | frameworks |\n|---|---|---|\n" + "\n".join(rows) if rows else "*(no notebook yet)*"

    text = re.sub(r"\{\{figure:([a-z0-9_]+)\}\}", figure, text)
    text = re.sub(r"\{\{value:(\d\d)_?:([a-z0-9_]+)\}\}", value, text)
    text = re.sub(r"\{\{notebooks:([A-E])\}\}", notebooks_of, text)
    text = text.replace("{{doi}}", CONFIG["doi"]).replace("{{repo}}", GITHUB)
    SLIDES_BUILD.mkdir(parents=True, exist_ok=True)
    deck = SLIDES_BUILD / "deck.md"
    deck.write_text(text)
    if not MARP.exists():
        raise SystemExit("Marp CLI missing: run `make slides` (it runs `npm ci` in slides/ first)")
    out = SLIDES_BUILD / "index.html"
    subprocess.run([str(MARP), "--no-stdin", "--html", "--allow-local-files", str(deck), "-o", str(out)],
                   check=True, cwd=ROOT / "slides", env={**os.environ, "MARP_USER_AGENT": "offline"})
    (SITE / "slides").mkdir(parents=True, exist_ok=True)
    shutil.copy2(out, SITE / "slides" / "index.html")
    return out


# --------------------------------------------------------------------------- site pages
LINK = re.compile(r"(!?\[[^\]]*\])\(([^)\s]+)\)")


def rewrite_links(md: str) -> str:
    """Links in notebook markdown that work on the site: notebooks to their pages, repo files to GitHub."""

    def fix(m: re.Match[str]) -> str:
        label, target = m.group(1), m.group(2)
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            return m.group(0)
        path, _, anchor = target.partition("#")
        name = Path(path).name
        if re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", name):
            return f"{label}({name.removesuffix('.ipynb')}.md{'#' + anchor if anchor else ''})"
        rel = os.path.normpath(os.path.join("notebooks", path))
        blob = "tree" if path.endswith("/") or "." not in name else "blob"
        return f"{label}({GITHUB}/{blob}/{CONFIG['branch']}/{rel}{'#' + anchor if anchor else ''})"

    return LINK.sub(fix, md)


def notebook_page(entry: dict[str, Any], path: Path, out_dir: Path) -> None:
    """One notebook as a Markdown page with its outputs (images written beside it)."""
    import nbformat
    from nbconvert import MarkdownExporter

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":  # the badge image lives on Colab's server: a text link instead
            cell.source = rewrite_links(re.sub(r"!\[Open In Colab\]\([^)]*\)", "Open in Colab", cell.source))
        for o in cell.get("outputs", []):  # the record mime type has a text/plain twin: keep that one
            if "data" in o:
                o["data"].pop("application/x-tutorial-record+json", None)
    stem = entry["file"].removesuffix(".ipynb")
    body, res = MarkdownExporter().from_notebook_node(nb, resources={"output_files_dir": f"{stem}_files"})
    for name, data in res.get("outputs", {}).items():
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    executed = path.parent == EXECUTED
    note = ("!!! info \"Rendered with outputs\"\n    Executed offline with the project's stand-in model "
            f"(parameters: `{json.dumps({'PROVIDER': 'offline', **entry.get('ci_parameters', {})})}`).\n"
            if executed else "!!! warning \"Not executed\"\n    This notebook is not run offline in CI "
            "(registry `ci = \"skip\"`): shown without outputs.\n")
    colab = f"https://colab.research.google.com/github/{CONFIG['repo']}/blob/{CONFIG['branch']}/notebooks/{entry['file']}"
    head = (f"---\ntitle: \"{entry['file'][:2]} · {entry['title'].split(':')[0]}\"\n---\n\n"
            f"{note}\n[Open in Colab]({colab}) · [source on GitHub]({GITHUB}/blob/{CONFIG['branch']}/notebooks/{entry['file']})"
            f" · part {entry['part']}: {PART_NAMES[entry['part']]}\n\n")
    (out_dir / f"{stem}.md").write_text(head + body)


def home_page(entries: list[dict[str, Any]]) -> str:
    c = CONFIG
    lines = [f"# {c['title']}", "", f"**{c['subtitle']}**", "",
             "Materials of the industrial tutorial on LLM-powered agentic and multi-agent recommender systems: "
             "real-world design patterns, orchestration workflows and deployment considerations, with a "
             "hands-on session that runs offline, for free, on one running example: a personalised birthday planner.",
             "", "[Slides](slides/index.html){ .md-button .md-button--primary } "
             "[Hands-on notebooks](notebooks/index.md){ .md-button } [Diagrams](diagrams.md){ .md-button } "
             "[Reading list](reading-list.md){ .md-button }", "",
             "## About the tutorial", "",
             "Many large-scale recommenders still behave like static one-shot systems. As users expect interactive, "
             "context-aware and adaptive experiences, recommenders need multi-step reasoning, tool use, memory and "
             "autonomous orchestration. This tutorial shows how LLMs enable agentic, often multi-agent, recommender "
             "systems that reason over evolving needs, talk with users, call tools and APIs, orchestrate multi-step "
             "workflows, refine their output with constraints and feedback, and meet production requirements: "
             "reliability, scalability, transparency and safety.", "",
             "## Agenda", ""]
    for letter, part in c["parts"].items():
        nbs = [e for e in entries if e["part"] == letter]
        lines += [f"### {letter}. {part['name']} ({part['minutes']})", ""]
        lines += [f"- {t}" for t in part["topics"]]
        if nbs:
            lines += ["", "Notebooks: " + " · ".join(
                f"[{e['file'][:2]} {e['title'].split(':')[0]}](notebooks/{e['file'].removesuffix('.ipynb')}.md)" for e in nbs)]
        lines.append("")
    lines += ["## Instructors", "", "| Instructor | Affiliation |", "|---|---|"]
    lines += [f"| **{i['name']}** | {i['affiliation']} |" for i in c["instructor"]]
    lines += ["", "## What you will learn", "",
              "- The shift from traditional recommenders to LLM-powered, interactive, agentic systems",
              "- The building blocks (\"alphabets\") of multi-agentic systems: memory types and retrieval, function "
              "calling and tools, orchestration protocols (MCP), reasoning load balancing across steps and agents",
              "- Agentic RecSys design patterns: conversational recommendation, context-aware autonomous recommendation, "
              "evaluation with user simulation, explanation generation",
              "- Hands-on familiarity with AG2, LangGraph, CrewAI and Google ADK on the same planner",
              "- Pitfalls and open challenges: scalability and latency, hallucinations and error propagation, "
              "transparency, fairness, bias and privacy", "",
              "## Format", "", "About 3 hours (half day) including a hands-on session; intermediate to advanced, "
              "presented at an intermediate level; conceptual foundations, industrial patterns, live notebooks.", "",
              "## Who this is for", "",
              "- PhD students and researchers exploring agentic systems for recommendation",
              "- Senior researchers and practitioners working with generative / LLM-based RecSys",
              "- Industry teams moving from prototypes to scalable systems", "",
              "## Run it yourself", "",
              f"Clone [{c['repo']}]({GITHUB}), then `make demo` (creates the pinned environment and runs the demo) "
              "and `make lab`; or open any notebook in Colab from its page. No key is needed: an offline stand-in "
              "model answers unless you configure a provider.", "",
              "## Citation", "", f"DOI: [`{c['doi']}`](https://doi.org/{c['doi']})", "",
              "```bibtex", bibtex_entry({"key": "tutorial2025multiagentic", "type": "inproceedings",
                                         "authors": " and ".join(i["name"] for i in c["instructor"]),
                                         "title": f"{c['title']}: {c['subtitle'].split(' (')[0]}",
                                         "venue": "Proceedings of the 19th ACM Conference on Recommender Systems (RecSys '25)",
                                         "year": 2025, "id": f"doi:{c['doi']}"}), "```", "",
              "## Licence and acknowledgements", "", c["licence"], "",
              "Open access support: " + ", ".join(c["sponsors"]) + ".", ""]
    return "\n".join(lines)


def notebooks_index(entries: list[dict[str, Any]]) -> str:
    lines = ["# Hands-on notebooks", "", "Each page shows the notebook with the outputs of an offline run "
             "(the project's stand-in model; no key). Open it in Colab or run `make lab` to try it yourself.", "",
             "| # | notebook | part | frameworks |", "|---|---|---|---|"]
    for e in entries:
        lines.append(f"| {e['file'][:2]} | [{e['title']}]({e['file'].removesuffix('.ipynb')}.md) | "
                     f"{e['part']} {PART_NAMES[e['part']]} | {', '.join(e['frameworks'])} |")
    return "\n".join(lines) + "\n"


def ref_id_link(ref: dict[str, Any]) -> str:
    rid = ref.get("id")
    if not rid:
        return f"*no id: {ref['no_id']}*"
    kind, _, val = rid.partition(":")
    url = {"doi": f"https://doi.org/{val}", "arxiv": f"https://arxiv.org/abs/{val}",
           "openreview": f"https://openreview.net/forum?id={val}"}[kind]
    return f"[{kind}:{val}]({url})"


def reading_list(refs: list[dict[str, Any]]) -> str:
    lines = ["# Reading list", "", "Every reference of the tutorial paper (numbered [n] as printed there), plus the "
             "AgenticRS paper, grouped by the agenda part each supports, with its DOI or arXiv id and why it matters. "
             "BibTeX: [references.bib](references.bib).", ""]
    for letter, part in CONFIG["parts"].items():
        group = [r for r in refs if r["part"] == letter]
        if not group:
            continue
        lines += [f"## {letter}. {part['name']}", ""]
        for r in sorted(group, key=lambda r: r.get("n", 99)):
            num = f"[{r['n']}] " if "n" in r else ""
            lines.append(f"- {num}**{r['title']}**. {r['authors'].replace(' and ', ', ')}. *{r['venue']}*, "
                         f"{r['year']}. {ref_id_link(r)}  \n  {r['why']}")
        lines.append("")
    return "\n".join(lines)


def _bib_escape(s: str) -> str:
    return s.replace("&", r"\&")


def bibtex_entry(r: dict[str, Any]) -> str:
    fields = {"author": r["authors"], "title": "{" + r["title"] + "}", "year": str(r["year"])}
    venue_field = {"inproceedings": "booktitle", "article": "journal"}.get(r["type"], "howpublished")
    fields[venue_field] = r["venue"]
    if r.get("pages"):
        fields["pages"] = r["pages"]
    rid = r.get("id") or ""
    kind, _, val = rid.partition(":")
    if kind == "doi":
        fields["doi"] = val
    elif kind == "arxiv":
        fields.update({"eprint": val, "archivePrefix": "arXiv"})
    elif kind == "openreview":
        fields["url"] = f"https://openreview.net/forum?id={val}"
    if r.get("no_id"):
        fields["note"] = r["no_id"]
    body = ",\n".join(f"  {k} = {{{_bib_escape(v)}}}" for k, v in fields.items())
    return f"@{r['type']}{{{r['key']},\n{body}\n}}"


def write_bibtex(refs: list[dict[str, Any]], path: Path) -> None:
    header = "% Generated from resources/references.toml by scripts/build_site.py (do not edit by hand)\n\n"
    path.write_text(header + "\n\n".join(bibtex_entry(r) for r in refs) + "\n")


def diagrams_page(drawn: list[dict[str, Any]]) -> str:
    lines = ["# Diagrams", "", "Drawn by `scripts/draw_resources.py` from the library's own data at build time, "
             "so they show what the code runs.", ""]
    for d in drawn:
        lines += [f"## {d['title']}", "", f"![{d['title']}](diagrams/{d['file']})", "",
                  f"Source: `{d['source']}` ({d['nodes']} nodes, {d['edges']} edges).", ""]
    return "\n".join(lines)


MKDOCS = """site_name: "{title}"
site_description: "{subtitle}"
repo_url: {github}
docs_dir: docs
site_dir: {site}
use_directory_urls: false
theme:
  name: material
  font: false          # no Google Fonts: system fonts, nothing from the network
  features: [navigation.sections, content.code.copy]
plugins:
  - search
  - offline            # Material's plugin: the site works from file://, search included
extra:
  polyfills: [assets/javascripts/iframe-worker/shim.js]   # the shim from npm, not from a CDN
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc: {{permalink: true}}
  - pymdownx.highlight
  - pymdownx.superfences
nav:
  - Home: index.md
  - Notebooks:
    - notebooks/index.md
{nav_notebooks}
  - Slides: slides.md
  - Diagrams: diagrams.md
  - Reading list: reading-list.md
"""


def build_site(run: bool = True) -> Path:
    """Build build/site/ from the repository (see the module docstring)."""
    t0 = time.perf_counter()
    entries = registry()
    paths = ensure_executed(entries, run)
    records = all_records(paths)
    if SRC.exists():
        shutil.rmtree(SRC)
    docs = SRC / "docs"
    (docs / "notebooks").mkdir(parents=True)
    for e in entries:
        notebook_page(e, paths[e["file"]], docs / "notebooks")
    (docs / "notebooks" / "index.md").write_text(notebooks_index(entries))
    (docs / "index.md").write_text(home_page(entries))
    refs = references()
    (docs / "reading-list.md").write_text(reading_list(refs))
    write_bibtex(refs, ROOT / "resources" / "references.bib")
    shutil.copy2(ROOT / "resources" / "references.bib", docs / "references.bib")
    slides = build_slides(records)  # also draws the diagrams (build/slides/diagrams/): reuse them
    shutil.copytree(SLIDES_BUILD / "diagrams", docs / "diagrams")
    drawn = json.loads((docs / "diagrams" / "diagrams.json").read_text())
    (docs / "diagrams.md").write_text(diagrams_page(drawn))
    (docs / "slides").mkdir(exist_ok=True)
    shutil.copy2(slides, docs / "slides" / "index.html")
    (docs / "slides.md").write_text("# Slides\n\nThe deck for the whole tutorial (parts A-E), one self-contained HTML "
                                    "file with speaker notes (press `p` for the presenter view).\n\n"
                                    "[Open the slides](slides/index.html){ .md-button .md-button--primary }\n")
    shim = docs / "assets" / "javascripts" / "iframe-worker" / "shim.js"
    shim.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(IFRAME_WORKER, shim)
    nav = "\n".join(f"    - \"{e['file'][:2]} {e['title'].split(':')[0]}\": notebooks/{e['file'].removesuffix('.ipynb')}.md"
                    for e in entries)
    (SRC / "mkdocs.yml").write_text(MKDOCS.format(title=CONFIG["title"], subtitle=CONFIG["subtitle"], github=GITHUB,
                                                  site=SITE, nav_notebooks=nav))
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(SRC / "mkdocs.yml")], check=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"})
    (SITE / "404.html").unlink(missing_ok=True)  # a web server's error page with root-absolute links: useless from disk
    print(f"site: {SITE / 'index.html'} ({len(entries)} notebooks, {len(refs)} references, {len(drawn)} diagrams) "
          f"in {time.perf_counter() - t0:.0f} s")
    return SITE


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["site", "slides"])
    parser.add_argument("--no-execute", action="store_true",
                        help="render what build/executed/ holds; execute nothing (pages of missing notebooks have no outputs)")
    args = parser.parse_args()
    if args.what == "slides":
        print(build_slides(run=not args.no_execute))
    else:
        build_site(run=not args.no_execute)
