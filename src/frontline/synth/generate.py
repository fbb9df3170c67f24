"""Generate a whole synthetic city into a folder: department datasets, truth, areas, README."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from frontline.synth.city import City, build_city
from frontline.synth.config import CityConfig
from frontline.synth.departments import DATASETS, DatasetSpec
from frontline.synth.frame import Frame
from frontline.synth.grids import write_areas
from frontline.synth.readme import write_readme
from frontline.synth.streams import Streams
from frontline.synth.truth import write_truth
from frontline.synth.writers import write_dataset

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DatasetReport:
    key: str
    file: str
    department: str
    format: str
    encoding: str
    rows: int
    defective_rows: int


@dataclass(frozen=True)
class DefectExample:
    """One planted defect, shown beside the true value (for the demo)."""

    source: str
    row: int
    marker: str
    delivered: str
    true_value: str


@dataclass
class CityReport:
    """What a generation run made, for the command line and the demo to show."""

    config: CityConfig
    out: Path
    persons: int = 0
    households: int = 0
    enterprises: int = 0
    datasets: list[DatasetReport] = field(default_factory=list)
    truth: dict[str, int] = field(default_factory=dict)
    areas: dict[str, int] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=dict)
    examples: list[DefectExample] = field(default_factory=list)

    def digest(self) -> str:
        """A SHA-256 over every file written, in name order: equal for equal bytes."""
        h = hashlib.sha256()
        for path in sorted(p for p in self.out.rglob("*") if p.is_file()):
            h.update(str(path.relative_to(self.out)).encode())
            h.update(path.read_bytes())
        return h.hexdigest()


def _examples(spec: DatasetSpec, frame: Frame, city: City, seen: set[str]) -> list[DefectExample]:
    """The first row of each identifier or name defect not yet shown from an earlier dataset."""
    columns = {"id_": spec.identifier_column, "name_": spec.name_column}
    pop, ent = city.population, city.enterprises
    found: list[DefectExample] = []
    for row, markers in enumerate(frame.markers):
        for marker in markers:
            prefix = marker.partition("_")[0] + "_"
            column = columns.get(prefix, "")
            if not column or marker in seen or marker == "name_missing":
                continue
            seen.add(marker)
            entity = frame.entity[row]
            index = int(entity[1:]) - 1
            if entity.startswith("P"):
                truth = pop.id_number[index] if prefix == "id_" else pop.name[index]
            else:
                truth = ent.credit_code[index] if prefix == "id_" else ent.name[index]
            delivered = str(frame.columns[column][row])
            found.append(DefectExample(spec.key, row + 1, marker, delivered, str(truth)))
    return found


def is_defect(marker: str) -> bool:
    """A marker of a real defect, not merely of a less usual date or phone style."""
    return not (marker.startswith("date_") or marker == "phone_format")


def generate_city(config: CityConfig, out: Path, progress: Progress | None = None) -> CityReport:
    """Generate the city of ``config`` into ``out`` (created if needed; files are overwritten)."""
    say = progress or (lambda _stage: None)
    city = build_city(config, say)
    out.mkdir(parents=True, exist_ok=True)
    report = CityReport(
        config, out, len(city.population), len(city.population.household_id), len(city.enterprises)
    )
    streams = Streams(config.seed)
    rows: dict[str, list[object]] = {
        name: [] for name in ("source", "row", "entity_type", "entity_id", "related_id", "defects")
    }
    shown: set[str] = set()
    for spec in DATASETS:
        say(f"dataset {spec.key}")
        frame = spec.build(city, streams.get(f"dataset/{spec.key}"))
        as_of = config.as_of - timedelta(days=spec.as_of_lag_days)
        write_dataset(spec, frame, out / spec.file, as_of, city.district.path)
        n = len(frame)
        rows["source"] += [spec.key] * n
        rows["row"] += list(range(1, n + 1))
        rows["entity_type"] += [
            "person" if e.startswith("P") else "enterprise" for e in frame.entity
        ]
        rows["entity_id"] += frame.entity
        rows["related_id"] += frame.related
        rows["defects"] += [";".join(m) for m in frame.markers]
        report.examples += _examples(spec, frame, city, shown)
        report.datasets.append(
            DatasetReport(spec.key, spec.file, spec.department_zh, spec.format, spec.encoding, n,
                          sum(1 for m in frame.markers if any(map(is_defect, m))))
        )  # fmt: skip
    say("truth")
    report.truth = write_truth(city, rows, out / "truth")
    report.areas = write_areas(city, out / "areas")
    for case in city.planted:
        report.planted[case.case] = report.planted.get(case.case, 0) + 1
    write_readme(report, DATASETS, out / "README.md")
    return report
