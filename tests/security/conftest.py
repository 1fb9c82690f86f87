import json
import sys
from pathlib import Path


def pytest_terminal_summary(terminalreporter):
    """The fuzz figures (test_fuzz.py's CASES), printed at the end of any run that fuzzed
    and written to test-artifacts/fuzz-cases.json."""
    fuzz = sys.modules.get(f"{__package__}.test_fuzz")
    if fuzz is None or not fuzz.CASES:
        return
    report = {"patterns": [p[0] for p in fuzz.PATTERNS], "cases": dict(fuzz.CASES), "total": sum(fuzz.CASES.values())}
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "fuzz-cases.json").write_text(json.dumps(report, indent=2))
    terminalreporter.write_sep("-", "fuzz cases tried")
    kinds = ", ".join(f"{kind} {n}" for kind, n in report["cases"].items())
    terminalreporter.write_line(f"{report['total']} in all: {kinds}")
    terminalreporter.write_line(f"{len(report['patterns'])} URL patterns; written to {artifacts / 'fuzz-cases.json'}")
