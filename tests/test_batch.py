"""Batch rendering: incremental, atomic, parallel, retried, timed out, on Dask, and killed."""
import json
import os
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from sufficiency_lib import fingerprint, inputs
from sufficiency_lib.site import batch as render
from sufficiency_lib.site import execute, html, provenance
from sufficiency_lib.statement import artifact

CODE = "E06000031"
PAGE_PARTS = ("html", "provenance.json")


def test_table_of_contents_reads_h2_and_h3_with_ids():
    body = ('<h1 id="T">Title</h1><h2 id="Age">Age<a class="anchor-link" href="#Age">¶</a></h2>'
            '<p>x</p><h3 id="Sex-&amp;-UASC">Sex &amp; UASC</h3><h2>no id</h2>')
    assert html.table_of_contents(body) == [(2, "Age", "Age"), (3, "Sex-&amp;-UASC", "Sex & UASC")]


def test_only_kernel_start_failures_are_retried():
    assert execute.is_kernel_start_failure(RuntimeError("Kernel died before replying to kernel_info"))
    assert not execute.is_kernel_start_failure(RuntimeError("division by zero"))
    assert not execute.is_kernel_start_failure(ValueError("Kernel died before replying to kernel_info"))


def _page(tmp_path, monkeypatch, chapter="children_in_care", year=2025):
    """A page whose artifact is a hand-made stand-in (the notebook is faked too)."""
    monkeypatch.setattr(artifact, "ARTIFACTS_DIR", tmp_path / "artifacts")
    page = render.Page(inputs.resolve(CODE), year, chapter, tmp_path / CODE / str(year) / f"{chapter}.html", key="k",
                       artifact_key="a")
    page.artifact_dir.mkdir(parents=True)
    (page.artifact_dir / "manifest.json").write_text('{"inputs": {"x.csv": "0"}}')
    return page, render.Settings(tmp_path)


def _fake_execute(calls, failures=()):
    """An execute_notebook that fails with ``failures`` in turn, then writes a tiny notebook."""
    def execute(chapter, parameters, executed_path, timeout):
        calls.append(chapter)
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Part one")])
        executed_path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, executed_path)
        Path(parameters["tables_dir"]).mkdir(parents=True, exist_ok=True)
        (Path(parameters["tables_dir"]) / "t.csv").write_text("time_period\n2025\n")
    return execute


def test_a_kernel_that_fails_to_start_is_retried_once(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(execute, "execute_notebook",
                        _fake_execute(calls, [RuntimeError("Kernel died before replying to kernel_info")]))
    page, settings = _page(tmp_path, monkeypatch)
    done = render.render_page(page, settings)
    assert (done.status, done.attempts) == ("ok", 2)
    record = provenance.read(page.record_path)
    assert record["status"] == "ok" and record["attempts"] == 2 and record["tables"] == ["tables/t.csv"]
    assert record["inputs"] == {"x.csv": "0"} and record["artifact"] == "a"
    assert "Part one" in page.path.read_text() and 'href="#Part-one"' in page.path.read_text()


def test_a_failing_notebook_is_not_retried_and_leaves_a_page_saying_so(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(execute, "execute_notebook", _fake_execute(calls, [ValueError("bad return"),
                                                                           ValueError("again")]))
    page, settings = _page(tmp_path, monkeypatch)
    done = render.render_page(page, settings)
    assert (done.status, done.attempts, done.error) == ("failed", 1, "ValueError: bad return")
    assert "could not be made" in page.path.read_text()
    assert provenance.read(page.record_path)["key"] == ""       # never current: the next run retries it
    assert [p.name for p in page.path.parent.iterdir() if p.name.startswith(".")] == []


def test_a_notebook_running_past_the_timeout_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(execute, "execute_notebook", lambda *a, **k: time.sleep(5))
    page, settings = _page(tmp_path, monkeypatch)
    started = time.perf_counter()
    done = render.render_page(page, render.Settings(tmp_path, timeout=1))
    assert done.status == "failed" and "longer than 1 s" in done.error
    assert time.perf_counter() - started < 4


def test_leftovers_of_a_dead_process_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale = tmp_path / f".children_in_care.html.{pid}-abc123"
    stale.mkdir()
    live = tmp_path / f".children_in_care.html.{os.getpid()}-abc123"
    live.mkdir()
    assert fingerprint.remove_leftovers(tmp_path) == 1
    assert not stale.exists() and live.exists()


def test_navigation_links_only_pages_that_exist_or_are_planned(tmp_path):
    pages = render.plan_pages([inputs.resolve(CODE)], [2024, 2025], ["summary", "children_in_care"], tmp_path)
    links = pages[0].links
    assert [t for t, _, _ in links["chapters"]] == ["Executive summary", "Children in care"]
    assert [(y, href) for y, href, _ in links["years"]] == [("2024", "summary.html"),
                                                           ("2025", "../2025/summary.html")]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith(("#", "http")):
            self.links.append(href)


def _links(path: Path) -> list[str]:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.links


@pytest.mark.e2e
def test_batch_is_incremental_and_records_provenance(tmp_path):
    la = inputs.resolve(CODE)
    first = render.render([la], tmp_path, years=[2025], chapters=["summary", "children_in_care"], jobs=2).pages
    assert [(p.status, p.error) for p in first] == [("ok", ""), ("ok", "")]
    record = provenance.read(first[1].record_path)
    assert record["parameters"]["authority"] == CODE and record["status"] == "ok"
    assert record["inputs"] and all(len(sha) == 64 for sha in record["inputs"].values())
    assert record["library_version"].startswith("0.") and record["git_revision"]
    assert record["seconds"] > 0 and record["started"] and record["tables"]
    for href in _links(tmp_path / "index.html") + _links(first[0].path):
        target = (first[0].path.parent / href) if not href.startswith(CODE) else tmp_path / href
        assert target.is_file() or (tmp_path / href).is_file(), href
    again = render.render([la], tmp_path, years=[2025], chapters=["summary", "children_in_care"], jobs=2)
    assert [p.status for p in again.pages] == ["unchanged", "unchanged"] and again.leaks == []
    forced = render.render([la], tmp_path, years=[2025], chapters=["summary"], force=True).pages
    assert [p.status for p in forced] == ["ok"]


@pytest.mark.e2e
def test_first_failure_stops_the_batch_unless_told_to_continue(tmp_path, capsys):
    from sufficiency_lib import cli
    bad = tmp_path / "bad_return"
    bad.mkdir()
    (bad / "episodes_2025.csv").write_text("not,a,return\n1,2,3\n")
    args = ["render", "--authority", CODE, "--year", "2024", "2025", "--chapter", "summary", "children_in_care",
            "--return-dir", str(bad), "--out", str(tmp_path / "site"), "--jobs", "1"]
    assert cli.main(args) == 1
    out = capsys.readouterr().out
    # 2024's figures cannot be computed: both its pages fail with the reason, and 2025 is not tried
    assert "2 failed, 2 skipped" in out and "FAILED E06000031 2024 summary: the figures could not be computed" in out
    assert cli.main(args + ["--continue-on-error"]) == 1
    assert "4 failed, 0 skipped" in capsys.readouterr().out


@pytest.mark.e2e
def test_dask_executor_on_a_local_cluster(tmp_path):
    pages = render.render([inputs.resolve(CODE)], tmp_path, years=[2025], chapters=["data_quality"],
                          executor="dask", jobs=1).pages
    assert [(p.status, p.error) for p in pages] == [("ok", "")]
    assert provenance.read(pages[0].record_path)["status"] == "ok"


@pytest.mark.e2e
def test_killed_batch_is_repaired_by_a_rerun_and_a_third_run_does_nothing(tmp_path):
    out = tmp_path / "site"
    command = [sys.executable, "-m", "sufficiency_lib.cli", "render", "--authority", CODE, "--year", "2024", "2025",
               "--chapter", "summary", "children_in_care", "--jobs", "2", "--out", str(out)]
    batch = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and batch.poll() is None:
        done = [provenance.read(p) for p in out.glob("*/*/*.provenance.json")]
        if any(r and r["status"] == "ok" for r in done):
            break
        time.sleep(0.5)
    assert batch.poll() is None, "the batch finished before it could be killed"
    os.killpg(batch.pid, signal.SIGKILL)
    batch.wait()
    finished = sum(1 for p in out.glob("*/*/*.provenance.json"))
    assert 1 <= finished < 4
    rerun = subprocess.run(command, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"{finished} unchanged" in rerun.stdout
    for code_year in (out / CODE).iterdir():
        assert [p.name for p in code_year.iterdir() if p.name.startswith(".")] == [], "no temporary files left"
        for chapter in ("summary", "children_in_care"):
            page = code_year / f"{chapter}.html"
            assert page.read_text().rstrip().endswith("</html>")
            assert provenance.read(provenance.path_for(page))["status"] == "ok"
            json.loads((code_year / "_executed" / f"{chapter}.ipynb").read_text())
    third = subprocess.run(command, capture_output=True, text=True)
    assert "0 ok, 4 unchanged" in third.stdout


def test_page_key_changes_with_any_input_and_records_round_trip(tmp_path):
    base = dict(notebook_sha256="n", parameters={"year": 2025}, inputs={"a": "1", "b": "2"}, version="v")
    key = provenance.page_key(**base)
    assert key == provenance.page_key(**{**base, "inputs": {"b": "2", "a": "1"}})   # order does not matter
    for change in ({"notebook_sha256": "m"}, {"parameters": {"year": 2024}}, {"inputs": {"a": "1", "b": "3"}},
                   {"version": "w"}):
        assert provenance.page_key(**{**base, **change}) != key
    record = tmp_path / "x.provenance.json"
    provenance.write(record, {"status": "ok", "key": key})
    assert provenance.read(record) == {"schema": provenance.SCHEMA, "status": "ok", "key": key}
    record.write_text("{half")
    assert provenance.read(record) is None


def test_checksums_of_a_folder_leave_out_hidden_files(tmp_path):
    (tmp_path / "a.csv").write_text("1")
    (tmp_path / ".hidden").write_text("2")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.csv").write_text("3")
    sums = fingerprint.folder_checksums(tmp_path)
    assert sorted(Path(p).name for p in sums) == ["a.csv", "b.csv"]
    import hashlib
    assert sums[str((tmp_path / "a.csv").resolve())] == hashlib.sha256(b"1").hexdigest()
