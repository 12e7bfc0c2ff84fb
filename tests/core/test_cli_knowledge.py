"""The ``myomap`` knowledge subcommands, through ``main`` as a user would call them."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from myomap.cli import main
from myomap_core.knowledge import load_knowledge_base

KB = load_knowledge_base()


def test_the_knowledge_commands_do_not_load_django() -> None:
    script = (
        "import sys, contextlib, io\n"
        "from myomap.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    codes = [main(['regions']), main(['muscle', sys.argv[1]]),\n"
        "             main(['refer', 'sacrum'])]\n"
        "assert codes == [0, 0, 0], codes\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, KB.muscles[0].id], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_regions_lists_the_atlas_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regions", "--view", "back", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {row["view"] for row in rows} == {"back"}
    assert set(rows[0]) == {"id", "label", "view", "side", "synonyms"}
    assert any(row["id"] == "sacroiliac_left" for row in rows)


def test_regions_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regions"]) == 0
    assert "sacroiliac_left" in capsys.readouterr().out


def test_muscle_shows_every_field_with_full_citations(capsys: pytest.CaptureFixture[str]) -> None:
    muscle = KB.muscles[0]
    assert main(["muscle", muscle.name.upper(), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == muscle.id
    for key in (
        "origin",
        "insertion",
        "action",
        "innervation",
        "palpation",
        "trigger_points",
        "techniques",
        "self_care",
        "mimics",
        "perpetuating_factors",
        "satellites",
    ):
        assert key in data
    assert (
        data["trigger_points"][0]["essential"][0]["area"]
        == muscle.trigger_points[0].essential[0].area
    )
    compression = data["techniques"]["ischemic_compression"]
    assert compression["pressure_kg"][0] == pytest.approx(
        compression["pressure_lb"][0] * 0.4536, abs=0.06
    )
    assert all(s["citation"] for s in data["sources"])
    assert main(["muscle", muscle.id]) == 0
    text = capsys.readouterr().out
    assert muscle.name in text and "Trigger points" in text and "Sources" in text


def test_an_unknown_muscle_exits_2_with_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["muscle", "glutues medius"]) == 2
    err = capsys.readouterr().err
    assert "glutues medius" in err and "closest" in err


def test_refer_answers_with_ranked_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    point = KB.muscles[0].trigger_points[0]
    region = (
        f"{point.essential[0].area}_left"
        if len(KB.areas[point.essential[0].area]) == 2
        else point.essential[0].area
    )
    assert main(["refer", region, "--top", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data["regions"]] == [region]
    assert 1 <= len(data["candidates"]) <= 3
    first = data["candidates"][0]
    assert set(first) >= {
        "muscle_id",
        "name",
        "side",
        "score",
        "matched",
        "trigger_points",
        "palpation",
        "check_next",
        "reasons",
    }
    assert set(first["matched"][0]) == {"region_id", "zone", "trigger_point"}
    scores = [c["score"] for c in data["candidates"]]
    assert scores == sorted(scores, reverse=True)


def test_side_applies_to_regions_named_without_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["refer", "sacroiliac", "--side", "left", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data["regions"]] == ["sacroiliac_left"]
    assert all(c["side"] in ("left", "both") for c in data["candidates"])
    assert main(["refer", "sacroiliac", "--side", "left"]) == 0
    assert "score" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["refer", "sacroilliac"], "sacroilliac"),
        (["refer", "sacrum", "--side", "up"], "up"),
        (["refer", "sacrum", "--top", "0"], "0"),
    ],
)
def test_bad_input_exits_2_naming_the_value(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert named in capsys.readouterr().err


def test_batch_answers_every_line_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        '{"regions": ["sacrum"], "side": null, "top": 2}\n'
        "not json\n"
        '{"regions": ["sacroiliac"], "side": "left", "top": 1}\n'
        '{"regions": ["nowhere"]}\n',
        "utf-8",
    )
    assert main(["refer", "--batch", str(queries), "--json"]) == 2
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 4
    assert len(lines[0]["candidates"]) <= 2 and lines[0]["regions"][0]["id"] == "sacrum"
    assert "error" in lines[1] and "line 2" in lines[1]["error"]
    assert lines[2]["regions"] == [
        {"id": "sacroiliac_left", "label": lines[2]["regions"][0]["label"], "intensity": None}
    ]
    assert "nowhere" in lines[3]["error"]


def test_batch_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"regions": ["sacrum"]}\n'))
    assert main(["refer", "--batch", "-"]) == 0
    assert "candidates" in json.loads(capsys.readouterr().out)
