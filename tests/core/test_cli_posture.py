"""``myomap posture FILE.json [--json]`` as a user would run it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from myomap.cli import main

BACK = {
    "view": "back",
    "landmarks": {
        "acromion_left": [100, 200],
        "acromion_right": [300, 200],
        "iliac_crest_left": [120, 500],
        "iliac_crest_right": [280, 508],
    },
    "scale_mm_per_px": 0.5,
}


def write(tmp_path: Path, data: object, name: str = "photo.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), "utf-8")
    return str(path)


def test_text_output_lists_measures_findings_muscles_and_caveat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["posture", write(tmp_path, BACK)]) == 0
    out = capsys.readouterr().out
    # atan(8/160) = 2.862°, 8 px × 0.5 = 4 mm
    assert "Pelvic obliquity (iliac crest): 2.9°, left high" in out
    assert "Left iliac crest high, 2.9° (4 mm)" in out
    assert "Quadratus lumborum, left: short/tight" in out
    assert "Shoulder tilt (acromion): 0°, level" in out
    assert "No validated normal range" in out
    assert "Estimates from a photograph: camera height and angle" in out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["posture", write(tmp_path, BACK), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    measure = next(m for m in data["measures"] if m["id"] == "pelvic_obliquity")
    assert measure["value"] == 2.9 and measure["unit"] == "°"
    assert measure["direction"] == "left high"
    assert measure["reference"] and measure["interpretation"] and measure["caveat"]
    height = next(m for m in data["measures"] if m["id"] == "pelvic_height_difference")
    assert (height["value"], height["unit"]) == (4.0, "mm")
    assert data["findings"][0]["hypotheses"][0]["muscle_id"] == "quadratus_lumborum"


def test_missing_landmarks_are_reported_as_not_measurable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    side = {"view": "side", "landmarks": {"c7": [200, 300], "tragus": [300, 200]}}
    assert main(["posture", write(tmp_path, side)]) == 0
    out = capsys.readouterr().out
    assert "Craniovertebral angle: 45°, forward" in out
    assert "Anterior pelvic tilt: not measurable; needs asis, psis" in out
    assert main(["posture", write(tmp_path, side), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    tilt = next(m for m in data["measures"] if m["id"] == "anterior_pelvic_tilt")
    assert tilt["measurable"] is False and tilt["value"] is None
    assert tilt["needs"] == ["asis", "psis"]


def test_warnings_are_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    swapped = {"view": "front", "landmarks": {"asis_left": [100, 500], "asis_right": [300, 500]}}
    assert main(["posture", write(tmp_path, swapped)]) == 0
    assert "[implausible_order]" in capsys.readouterr().out


def test_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(BACK)))
    assert main(["posture", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["view"] == "back"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"view": "front", "landmarks": {"asis_lft": [1, 2]}}, "landmarks.asis_lft"),
        ({"view": "front", "landmarks": {"asis_left": [1, "x"]}}, "landmarks.asis_left"),
        ({"view": "diagonal", "landmarks": {}}, "view"),
        ({"view": "back", "landmarks": {}, "scale_mm_per_px": 0}, "scale_mm_per_px"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: object, message: str
) -> None:
    assert main(["posture", write(tmp_path, content)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_missing_file_and_broken_json_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["posture", str(tmp_path / "nothing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", "utf-8")
    assert main(["posture", str(broken)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_the_posture_command_does_not_load_django(tmp_path: Path) -> None:
    path = write(tmp_path, BACK)
    script = (
        "import sys, contextlib, io\n"
        "from myomap.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['posture', sys.argv[1]])\n"
        "assert code == 0, code\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script, path], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
