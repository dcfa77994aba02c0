"""Read and check `kpi.yml`, the one file an officer edits to point the tool at their extracts.

Paths inside the config are relative to the config file, so a project folder can be moved or
shared without editing it. Unknown keys are an error that names the key: a misspelt key would
otherwise be ignored and the officer would never know why their mapping had no effect.
"""

from __future__ import annotations

import datetime as dt
import glob
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kpi.errors import ConfigError

DEFAULT_CONFIG = Path("kpi.yml")
TIMESCALE_BY_NATION = {"wales": 42, "england": 45}
# Where the assessment timescale is counted from: the referral in Wales (PM24), the assessment's start in
# England (the CIN census; Data to Insight's validator rule 8670Q).
TIMESCALE_FROM_BY_NATION = {"wales": "referral", "england": "start"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Authority(_Strict):
    name: str
    code: str
    nation: Literal["wales", "england"]
    committee: str | dict[Literal["en", "cy"], str] = Field(
        default="Scrutiny Committee", description="the committee's name, or {en: ..., cy: ...} in both languages")
    welsh_name: str | None = None
    region: str | None = Field(default=None, description="England: the region's name, for comparisons")
    neighbours: list[str] | None = Field(default=None, description="England: the statistical neighbours' codes")
    neighbours_file: str | None = Field(
        default=None, description="England: the DfE statistical neighbours model (the wide SN file), relative to "
        "kpi.yml; gives the 10 neighbours (and the region) when they are not listed")


    def committee_in(self, language: str) -> str:
        """The committee's name in a language (its English name where no other is given)."""
        if isinstance(self.committee, dict):
            return self.committee.get(language) or self.committee.get("en") or next(iter(self.committee.values()))
        return self.committee

    def name_in(self, language: str) -> str:
        return self.welsh_name if language == "cy" and self.welsh_name else self.name


class Source(_Strict):
    """One kind of extract: where it is and how its columns and values map onto ours."""

    path: str
    sheet: str | int | None = None
    header_row: int | None = Field(default=None, ge=1, description="as Excel numbers it")
    columns: dict[str, str] = Field(default_factory=dict, description="canonical column -> header in the file")
    categories: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="canonical column -> {value in the file: canonical value}"
    )
    encoding: str | None = None
    delimiter: str | None = None
    format: str = "canonical"
    extract_date: dt.date | None = None
    options: dict[str, Any] = Field(default_factory=dict, description="settings for a published format")


class Sources(_Strict):
    contacts: Source | None = None
    contact_counts: Source | None = None
    assessments: Source | None = None
    caseloads: Source | None = None
    child_protection: Source | None = None
    strategy_discussions: Source | None = None
    looked_after: Source | None = None
    allocations: Source | None = None
    establishment: Source | None = None
    comparators: Source | list[Source] | None = None

    def present(self) -> dict[str, list[Source]]:
        """The sources that are configured, each as a list (comparators may have several)."""
        found: dict[str, list[Source]] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is not None:
                found[name] = value if isinstance(value, list) else [value]
        return found


class Target(_Strict):
    target: float | None = None
    tolerance: float | None = None


class SpcSettings(_Strict):
    preset: Literal["mdc", "nhsr"] = "mdc"
    rebase: dict[str, list[str]] = Field(default_factory=dict, description="indicator -> periods of each new group")


class DisclosureSettings(_Strict):
    """How a public pack protects children from being identified (see kpi.indicators.disclosure)."""

    threshold: int = Field(default=5, ge=1, le=20, description="counts of children from 1 to this are withheld")
    style: Literal["dfe", "welsh_government"] = Field(
        default="dfe", description="dfe: withhold small counts (shown as c); welsh_government: also round the "
        "counts shown to the nearest 5, small counts shown as *")


class InputLimits(_Strict):
    """How large an extract may be before it is refused unread, and how much of a CSV is read at once.

    A workbook is a zip of XML: a few megabytes can expand to gigabytes (a zip bomb) or claim a sheet of
    a million rows by sixteen thousand columns, and reading either would exhaust the machine's memory.
    The defaults are far above a real council extract (a year of contacts is about 100,000 rows) and
    keep one ingest within a few gigabytes.
    """

    csv_batch_bytes: int = Field(
        default=16 * 2**20, ge=1024, description="a CSV is read this many bytes at a time; a single row "
        "must fit in one batch")
    xlsx_uncompressed_bytes: int = Field(
        default=1024 * 2**20, ge=1, description="the most a workbook may expand to once unzipped, "
        "all its parts together")
    xlsx_compression_ratio: float = Field(
        default=200, gt=1, description="the most any part of a workbook may expand relative to its "
        "compressed size (parts under 1 MB unzipped are not checked)")
    xlsx_cells: int = Field(
        default=10_000_000, ge=1, description="the most cells the sheet read may span (rows x columns), "
        "both as it declares itself and as its cells lie")


class ProcessChange(_Strict):
    """A known change in how the service works (a new team, an improvement board). SPC limits are
    recalculated from it, and the pack names it on the charts, in the alt text and in the appendix."""

    date: dt.date
    description: str | dict[Literal["en", "cy"], str] = Field(
        description="a short description (80 characters at most), or {en: ..., cy: ...} in both languages")
    indicators: list[str] | None = Field(default=None, description="the indicators it affects (default: all)")

    @field_validator("description")
    @classmethod
    def _short(cls, value):
        for text in (value.values() if isinstance(value, dict) else [value]):
            if not 1 <= len(text) <= 80:
                raise ValueError("a description is 1 to 80 characters (it is printed on the charts)")
        return value

    def description_in(self, language: str) -> str:
        """The description in a language (its English where no other is given)."""
        if isinstance(self.description, dict):
            return self.description.get(language) or self.description.get("en") or next(iter(
                self.description.values()))
        return self.description


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class OpenWorkBands(_Strict):
    """The open-work traffic light: working days since referral of each open assessment. Green up to
    `green_up_to`, amber up to `amber_up_to` (default: the assessment timescale, 42 in Wales, 45 in England),
    red beyond it."""

    green_up_to: int = Field(default=30, ge=0, description="working days since referral still green")
    amber_up_to: int | None = Field(default=None, ge=1, description="working days still amber (default: the "
                                    "assessment timescale); red beyond")

    @field_validator("amber_up_to")
    @classmethod
    def _after_green(cls, value, info):
        green = info.data.get("green_up_to")
        if value is not None and green is not None and value <= green:
            raise ValueError(f"amber_up_to ({value}) must be more than green_up_to ({green})")
        return value


class ScreenSettings(_Strict):
    """`kpi screen`: the front-door page for a large monitor."""

    watch: str | None = Field(default=None, description="the folder where new extracts land (for --watch), "
                              "relative to kpi.yml")
    refresh_minutes: int | None = Field(default=None, ge=1, le=1440, description="the page reloads itself every "
                                        "this many minutes (none: it does not)")


class Config(_Strict):
    authority: Authority
    authorities: dict[str, str] = Field(
        default_factory=dict, description="data holding several authorities' records: each authority's code -> "
        "its name, for the packs `kpi pack --authority` makes (an authority not listed is named by its code)")
    sources: Sources = Field(default_factory=Sources)
    processed: str = "data/processed"
    reports: str = "reports"
    timescale_working_days: int | None = Field(default=None, ge=1)
    caseload_threshold: float = 20
    caseload_threshold_per: Literal["fte", "worker"] = Field(
        default="fte", description="fte: a worker's open cases divided by their FTE are compared with the "
        "threshold; worker: their open cases as they are")
    timescale_from: Literal["referral", "start"] | None = Field(
        default=None, description="the assessment timescale counts working days from the referral (Wales, "
        "PM24) or from the assessment's start (England, the CIN census); default by nation")
    workforce_definition: Literal["dfe", "local"] = Field(
        default="dfe", description="dfe: caseload per FTE and the agency rate as DfE's workforce statistics "
        "define them; local: the earlier local definitions (social workers and senior practitioners only, "
        "agency rate by head)")
    strategy_discussion_working_days: int = Field(
        default=1, ge=0, description="the local timescale for holding a strategy discussion, in working days from "
        "the concern (0: the same day)")
    child_population: int | None = Field(
        default=None, ge=1, description="children aged 0 to 17 living in the area (the ONS mid-year estimate), for "
        "children looked after per 10,000 children")
    extract_date: dt.date | None = None
    earliest_date: dt.date = dt.date(2000, 1, 1)
    targets: dict[str, Target] = Field(default_factory=dict)
    spc: SpcSettings = Field(default_factory=SpcSettings)
    process_changes: list[ProcessChange] = Field(default_factory=list)
    disclosure: DisclosureSettings = Field(default_factory=DisclosureSettings)
    limits: InputLimits = Field(default_factory=InputLimits)
    pseudonym_key_file: str = "data/.pseudonym_key"
    week_ending: Literal[WEEKDAYS] = Field(  # type: ignore[valid-type]
        default="friday", description="the last day of a reporting week (weekly front-door figures, we<date>)")
    open_work: OpenWorkBands = Field(default_factory=OpenWorkBands)
    screen: ScreenSettings = Field(default_factory=ScreenSettings)

    # Set by load_config, not by the officer.
    config_path: Path = Field(default=Path("kpi.yml"), exclude=True)

    @field_validator("authorities", mode="before")
    @classmethod
    def _codes_as_text(cls, value):
        """A DfE LA number written bare (370: Barnsley) is read by YAML as a number: it is a code all the same."""
        return {str(code): str(name) for code, name in value.items()} if isinstance(value, dict) else value

    @property
    def base_dir(self) -> Path:
        return self.config_path.resolve().parent

    @property
    def timescale(self) -> int:
        """Assessment timescale in working days: 42 in Wales, 45 in England unless set."""
        return self.timescale_working_days or TIMESCALE_BY_NATION[self.authority.nation]

    @property
    def timescale_anchor(self) -> str:
        """'referral' or 'start': the date the assessment timescale is counted from."""
        return self.timescale_from or TIMESCALE_FROM_BY_NATION[self.authority.nation]

    @property
    def open_work_bands(self) -> tuple[int, int]:
        """(green up to, amber up to) working days since referral; red beyond the second."""
        amber = self.open_work.amber_up_to or self.timescale
        if amber <= self.open_work.green_up_to:
            raise ConfigError(f"open_work: amber_up_to ({amber}, the timescale unless set) must be more than "
                              f"green_up_to ({self.open_work.green_up_to})")
        return self.open_work.green_up_to, amber

    @property
    def processed_dir(self) -> Path:
        return self.resolve(self.processed)

    @property
    def reports_dir(self) -> Path:
        return self.resolve(self.reports)

    @property
    def latest_allowed_date(self) -> dt.date:
        """No record may be dated after the extract date (today unless the config says)."""
        return self.extract_date or dt.date.today()

    def resolve(self, path: str | Path) -> Path:
        """A path from the config, relative to the config file's folder."""
        path = Path(path).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    def source_files(self, source: Source) -> list[Path]:
        """The files a source's path names; a glob may name several (monthly files)."""
        pattern = self.resolve(source.path)
        if glob.has_magic(str(pattern)):
            return sorted(Path(p) for p in glob.glob(str(pattern)))
        return [pattern]


def _describe(error: dict[str, Any], config_path: Path) -> str:
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"{config_path}: unknown key '{where}' (check the spelling; see the README for the keys)"
    if error["type"] == "missing":
        return f"{config_path}: missing key '{where}'"
    return f"{config_path}: key '{where}': {error['msg']}"


def load_config(path: str | Path = DEFAULT_CONFIG) -> Config:
    """Read kpi.yml, or raise ConfigError with one line naming the problem."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found (run `kpi demo` to create a demo config)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}:{line} is not valid YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected keys such as 'authority' and 'sources' at the top level")
    try:
        config = Config.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_describe(err.errors()[0], path)) from None
    config.config_path = path
    _check_indicator_ids(config, path)
    return config


def _check_indicator_ids(config: Config, path: Path) -> None:
    """Every indicator id in kpi.yml (targets, spc.rebase, process_changes) must exist: a misspelt one
    would otherwise be ignored, and the officer would never know why their setting had no effect."""
    from kpi.catalogue import catalogue

    known = catalogue()
    named = [(f"targets.{i}", i) for i in config.targets]
    named += [(f"spc.rebase.{i}", i) for i in config.spc.rebase]
    named += [(f"process_changes[{n}].indicators", i) for n, change in enumerate(config.process_changes)
              for i in change.indicators or ()]
    for where, indicator_id in named:
        if indicator_id not in known:
            raise ConfigError(f"{path}: {where}: unknown indicator '{indicator_id}' (see `kpi indicators --list`)")
