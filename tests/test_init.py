"""`kpi init`: a starter kpi.yml and the notebooks beside it, never over an officer's own; and where
`kpi pack` finds its notebook (issue 13, point 5). The same from an installed wheel: test_installed.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kpi.cli import main
from kpi.config import load_config
from kpi.errors import UnusableInput
from kpi.officers.init import init_project, starter_config
from kpi.pack import notebooks
from kpi.pack.export import PACK_NOTEBOOK, find_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))


def test_the_starter_config_loads_as_it_is_with_placeholders_and_no_sources(tmp_path):
    init_project(tmp_path)
    config = load_config(tmp_path / "kpi.yml")
    assert "fill in" in config.authority.name
    assert config.sources.present() == {}
    assert config.processed_dir == tmp_path / "data/processed" and config.reports_dir == tmp_path / "reports"
    assert "demo" not in (tmp_path / "kpi.yml").read_text(encoding="utf-8").replace("kpi demo", "")


def test_uncommenting_the_sources_gives_a_valid_config_pointing_under_data_raw(tmp_path):
    """Step 3 of the starter's own instructions: remove the `# ` before `sources:` and each source."""
    lines = starter_config().splitlines()
    start = lines.index("# sources:")
    end = next(n for n in range(start, len(lines)) if not lines[n].startswith("#"))
    text = "\n".join(lines[:start] + [line[2:] for line in lines[start:end]] + lines[end:]) + "\n"
    (tmp_path / "kpi.yml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "kpi.yml")
    present = config.sources.present()
    assert set(present) == {"contacts", "contact_counts", "assessments", "caseloads", "comparators"}
    for name, sources in present.items():
        assert all(source.path.startswith("data/raw/") for source in sources), name
    assert yaml.safe_load(text)["sources"]["assessments"]["columns"]["referral_date"] == "Date of Referral"


def test_init_copies_every_notebook_kpi_came_with(tmp_path):
    done = init_project(tmp_path / "project")
    folder = tmp_path / "project" / "notebooks"
    assert sorted(p.name for p in folder.glob("*.ipynb")) == NOTEBOOKS
    for name in NOTEBOOKS:
        assert (folder / name).read_bytes() == (ROOT / "notebooks" / name).read_bytes()
    assert done.config_written and not done.kept and (tmp_path / "project" / "data" / "raw").is_dir()
    assert done.summary()[0].startswith("wrote ")


def test_init_never_overwrites_the_config_or_an_edited_notebook(tmp_path):
    (tmp_path / "kpi.yml").write_text("authority: {name: Ours, code: W06000001, nation: wales}\n", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    mine = tmp_path / "notebooks" / "data_quality.ipynb"
    mine.write_text("{}", encoding="utf-8")
    done = init_project(tmp_path)
    assert not done.config_written and load_config(tmp_path / "kpi.yml").authority.name == "Ours"
    assert mine.read_text(encoding="utf-8") == "{}"
    assert [p.name for p in done.kept] == ["data_quality.ipynb"]
    assert sorted(p.name for p in done.notebooks) == [n for n in NOTEBOOKS if n != "data_quality.ipynb"]
    summary = "\n".join(done.summary())
    assert "kept" in summary and "data_quality.ipynb" in summary and "never overwrites" in summary


def test_a_failed_write_leaves_no_half_file_to_be_kept_later(tmp_path):
    with pytest.raises(TypeError):
        notebooks.write_new(tmp_path / "kpi.yml", "not bytes")  # fails after the file was created
    assert not (tmp_path / "kpi.yml").exists()
    assert notebooks.write_new(tmp_path / "kpi.yml", b"a") and not notebooks.write_new(tmp_path / "kpi.yml", b"b")
    assert (tmp_path / "kpi.yml").read_bytes() == b"a"


def test_pack_runs_the_officers_copy_beside_kpi_yml_else_the_installed_one(tmp_path):
    init_project(tmp_path)
    config = load_config(tmp_path / "kpi.yml")
    assert find_notebook(config) == tmp_path / "notebooks" / PACK_NOTEBOOK
    (tmp_path / "notebooks" / PACK_NOTEBOOK).unlink()
    assert find_notebook(config) == notebooks.installed_folder() / PACK_NOTEBOOK


def test_no_notebook_anywhere_is_one_line(tmp_path, monkeypatch):
    init_project(tmp_path)
    (tmp_path / "notebooks" / PACK_NOTEBOOK).unlink()
    monkeypatch.setattr(notebooks, "installed_folder", lambda: None)
    with pytest.raises(UnusableInput, match=re.escape(f"notebooks/{PACK_NOTEBOOK} is neither in")):
        find_notebook(load_config(tmp_path / "kpi.yml"))


def test_the_notebooks_kpi_came_with_are_the_repositorys_in_a_checkout_else_the_packages():
    import kpi

    package = Path(kpi.__file__).parent
    expected = ROOT / "notebooks" if package == ROOT / "src" / "kpi" else package / "notebooks"
    assert notebooks.installed_folder() == expected


def test_kpi_init_command(tmp_path, capsys):
    assert main(["init", str(tmp_path / "new")]) == 0
    assert (tmp_path / "new" / "kpi.yml").is_file() and (tmp_path / "new" / "notebooks" / PACK_NOTEBOOK).is_file()
    assert main(["init", str(tmp_path / "new")]) == 0
    assert "kept" in capsys.readouterr().err
