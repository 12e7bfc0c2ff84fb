"""``myomap screen``, through ``main`` as a user would call it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from myomap.cli import main
from myomap_core import screening


def _write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "client.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_questions_as_json_list_every_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "--questions", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [q.id for q in screening.questions()]
    assert {"id", "text", "type", "pathology", "source"} <= set(rows[0])
    by_id = {r["id"]: r for r in rows}
    assert by_id["surgery_weeks_ago"]["type"] == "number"
    assert by_id["surgery_site"]["follow_up_of"] == "surgery_recent"


def test_questions_as_text_are_grouped(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "--questions"]) == 0
    out = capsys.readouterr().out
    assert "Back pain warning signs" in out and "saddle_numbness" in out
    assert "Where on your body was the operation?" in out


def test_screen_file_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(
        tmp_path,
        {"age": 52, "sex": "female", "answers": {"bladder_change": True, "anticoagulant": True}},
    )
    assert main(["screen", path, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decision"] == "emergency"
    assert [f["rule_id"] for f in data["findings"]][:1] == ["cauda_equina"]
    assert data["precautions"]["max_pressure_kg"] == 2.0
    assert "saddle_numbness" in data["unknown"]


def test_screen_file_as_text_shows_decision_findings_precautions_and_unknowns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(
        tmp_path,
        {
            "age": 45,
            "answers": {
                "surgery_recent": True,
                "surgery_weeks_ago": 2,
                "surgery_site": "left knee",
                "anticoagulant": True,
            },
        },
    )
    assert main(["screen", path]) == 0
    out = capsys.readouterr().out
    assert "Decision: Treat with precautions" in out
    assert "Operation in the past 6 weeks" in out
    assert "surgery_site = left knee" in out
    assert "Ischaemic compression" in out and "2 kg" in out
    assert "Unanswered" in out and "saddle_numbness" in out
    assert "Possible cauda equina syndrome" in out


def test_every_bad_entry_is_named_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(
        tmp_path,
        {"age": "old", "answers": {"fevr": True, "dvt": "no", "pregnancy_weeks": 60}},
    )
    assert main(["screen", path]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    for text in ("age", "answers.fevr", "closest: fever", "answers.dvt", "answers.pregnancy_weeks"):
        assert text in err
    assert "out of range" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "invalid JSON"), ("[1, 2]", "JSON object")],
)
def test_unreadable_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert main(["screen", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_missing_file_and_missing_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "/no/such/file.json"]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["screen"]) == 2
    assert "--questions" in capsys.readouterr().err
    assert main(["screen", "x.json", "--questions"]) == 2


def test_dash_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"answers": {"dvt": True}})))
    assert main(["screen", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["decision"] == "refer_before_treatment"


def test_screen_does_not_load_django(tmp_path: Path) -> None:
    path = _write(tmp_path, {"age": 30, "answers": {"fever": True}})
    script = (
        "import sys, contextlib, io\n"
        "from myomap.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    codes = [main(['screen', '--questions']), main(['screen', sys.argv[1]])]\n"
        "assert codes == [0, 0], codes\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script, path], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_docs_list_every_rule_as_implemented(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "--rules"]) == 0
    table = capsys.readouterr().out.strip()
    doc = (Path(__file__).parents[2] / "docs" / "screening.md").read_text(encoding="utf-8")
    between = doc.split("<!-- rules:start -->")[1].split("<!-- rules:end -->")[0].strip()
    assert between == table, "regenerate the table with: myomap screen --rules"
    for rule in screening.rules():
        assert f"`{rule.id}`" in between
