"""``myomap score``, through ``main`` as a user would call it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from myomap.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["score", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_odi_json_is_the_shape_the_issue_gives(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "odi", "--answers", "2,2,-,2,2,2,2,2,1,1", "--json")
    data = json.loads(out)
    assert code == 0
    assert {k: data[k] for k in ("instrument", "score", "display", "band", "answered")} == {
        "instrument": "odi",
        "score": 35.56,
        "display": "35.6",
        "band": "moderate",
        "answered": 9,
    }


def test_odi_with_the_first_section_skipped(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "odi", "--answers", "-,2,2,2,2,2,2,2,1,1")
    assert code == 0 and "35.6 %" in out and "Moderate disability" in out


def test_too_many_skipped_sections_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "odi", "--answers", "-,-,-,2,2,2,2,2,1,1")
    assert code == 2 and "at most 2" in err


def test_an_invalid_answer_exits_2_naming_the_item_and_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "odi", "--answers", "2,2,7,2,2,2,2,2,1,1")
    assert code == 2 and out == ""
    assert "answer 3 (lifting)" in err and "0 to 5" in err
    code, _, err = run(capsys, "startback", "--answers", "1,0,1,1,0,0,1,0,5")
    assert code == 2 and "answer 9 (Q9)" in err and "Extremely" in err


def test_rmdq_counts_ticked_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rmdq", "--answers", "1,4,7", "--json")
    assert code == 0 and json.loads(out)["score"] == 3
    code, out, _ = run(capsys, "rmdq", "--answers", "", "--json")
    assert code == 0 and json.loads(out)["score"] == 0


def test_startback_gives_total_subscale_and_risk(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "startback", "--answers", "0,0,0,0,1,1,1,1,3", "--json")
    data = json.loads(out)
    assert code == 0 and (data["total"], data["distress"], data["risk"]) == (5, 5, "high")


def test_psfs_and_nprs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "psfs", "--answers", "4,6,9", "--json")
    assert code == 0 and json.loads(out)["display"] == "6.3"
    code, out, _ = run(capsys, "nprs", "--answers", "7")
    assert code == 0 and "NPRS: 7" in out
    code, _, err = run(capsys, "nprs", "--answers", "11")
    assert code == 2 and "0 to 10" in err


def test_change_says_whether_it_is_clinically_important(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "change", "nprs", "--baseline", "7", "--now", "4", "--json")
    data = json.loads(out)
    assert code == 0 and data["points"] == 3 and data["percent"] == 42.86
    assert data["important"] and data["level"] == "moderate"
    code, out, _ = run(capsys, "change", "rmdq", "--baseline", "3", "--now", "2")
    assert code == 0 and "Stratford" in out
    code, _, err = run(capsys, "change", "odi", "--baseline", "40", "--now", "140")
    assert code == 2 and "now" in err


def test_the_score_command_does_not_load_django() -> None:
    script = (
        "import sys, contextlib, io\n"
        "from myomap.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['score', 'odi', '--answers', '1,1,1,1,1,1,1,1,1,1'])\n"
        "assert code == 0, code\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
