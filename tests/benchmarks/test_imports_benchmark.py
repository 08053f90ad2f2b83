"""benchmarks.imports runs end to end at a tiny size (not timed: the figures are in the README)."""

from benchmarks import imports


def test_the_imports_benchmark_runs_and_every_hostile_file_is_refused_or_read(settings):
    lines = []
    rows = imports.run(repeat=1, scale=0.001, report=lines.append)
    assert len(rows) == 2 * len(imports.HOSTILE_FILES)
    assert lines[0].startswith("| file | size | import |")
    outcomes = {(name, label): outcome for name, _size, label, _s, _mb, outcome in rows}
    assert outcomes[("declared_dimension", "member import")] == "read: 3 rows"
    assert outcomes[("encrypted", "question import")].startswith("refused: 该文件设有密码")
    assert all(outcome.startswith(("read:", "refused:")) for outcome in outcomes.values())
