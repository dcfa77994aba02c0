"""An ingest that writes nothing: every configured extract read, parsed and judged exactly as `kpi ingest`
does (the same `load_table`, the same input limits), so that an officer learns what would be rejected
before anything in the processed folder changes.

No processed table, quarantine file or report is written, no lock is taken and nothing left by an
earlier run is swept. The pseudonym key is read if there is one; if there is none yet, a throwaway key
held in memory stands in for it (pseudonyms only need to agree within the run to find duplicates and
re-referrals, so the counts are the same), and the real key is left for `kpi ingest` to create.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kpi.config import Config
from kpi.data.ingest import read_sources
from kpi.data.ingest_outputs import IngestResult, summary_lines
from kpi.data.progress import Progress
from kpi.data.pseudonym import KEY_VARIABLE, MINIMUM_KEY_BYTES, _keep_out_of, key_for


@dataclass
class DryRun:
    result: IngestResult
    throwaway_key: Path | None  # the key file that does not exist yet, when a throwaway key stood in for it


def dry_run(config: Config, progress: Progress | Callable[[str], None] | None = None) -> DryRun:
    """Read and judge every configured source as `kpi ingest` would, writing nothing.
    `progress` as for `ingest`: `kpi check` draws ProgressBars."""
    key, throwaway = _key(config)
    return DryRun(IngestResult(read_sources(config, key, progress), config.processed_dir), throwaway)


def _key(config: Config) -> tuple[bytes, Path | None]:
    """The project's key if it has one (checked as `kpi ingest` checks it), else a throwaway key."""
    key_file = config.resolve(config.pseudonym_key_file)
    if os.environ.get(KEY_VARIABLE) or key_file.exists() or key_file.is_symlink():
        return key_for(config), None
    _keep_out_of(key_file, (config.reports_dir, config.processed_dir))  # where `kpi ingest` would make it
    return secrets.token_bytes(MINIMUM_KEY_BYTES), key_file


def dry_run_summary(run: DryRun) -> list[str]:
    """The summary `kpi ingest` prints, with its last line saying that nothing was written."""
    lines = [line for line in summary_lines(run.result) if not line.startswith("Tables written to ")]
    if not run.result.report.empty:
        lines.append(f"Dry run: nothing was written (`kpi ingest` would write the tables to "
                     f"{run.result.processed_dir}, rejected rows to {run.result.processed_dir / 'rejected'})")
    return lines
