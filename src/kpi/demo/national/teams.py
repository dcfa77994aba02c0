"""Each authority's teams: ten posts each, more teams for a busier authority, named alike everywhere.

Team k of every authority has the same name ("Intake and Assessment 1", "Children in Need 1", ...,
"Intake and Assessment 2", ...), so one list of names serves all; the first two kinds of team do
the assessments, as intake and children in need teams do.
"""

from __future__ import annotations

import numpy as np

from kpi.demo.national.areas import Authorities

KINDS = ["Intake and Assessment", "Children in Need", "Child Protection", "Children Looked After",
         "Disabled Children"]
ASSESSING_KINDS = 2  # the first two kinds
POSTS_PER_TEAM = 10


def teams(areas: Authorities) -> np.ndarray:
    """Teams in each authority."""
    return areas.posts // POSTS_PER_TEAM


def team_names(areas: Authorities) -> list[str]:
    return [f"{KINDS[k % len(KINDS)]} {k // len(KINDS) + 1}" for k in range(int(teams(areas).max(initial=1)))]


def assessment_team(areas: Authorities, authority: np.ndarray, draw: np.ndarray) -> np.ndarray:
    """For each assessment, one of its authority's assessing teams, chosen by `draw` (0 to 65,535)."""
    count = teams(areas)
    assessing = ASSESSING_KINDS * (count // len(KINDS)) + np.minimum(count % len(KINDS), ASSESSING_KINDS)
    which = (draw.astype(np.int64) * assessing[authority]) >> 16
    return (which // ASSESSING_KINDS) * len(KINDS) + which % ASSESSING_KINDS
