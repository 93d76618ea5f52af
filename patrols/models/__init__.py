"""Patrols: personnel and their availability, guard requirements, roster plans, assignments, check-ins."""

from patrols.models.personnel import Availability, Personnel, Reinforcement
from patrols.models.requirements import GuardRequirement, RequirementPosition
from patrols.models.roster import Assignment, CheckIn, NoShow, RosterPlan

__all__ = [
    "Assignment",
    "Availability",
    "CheckIn",
    "GuardRequirement",
    "NoShow",
    "Personnel",
    "Reinforcement",
    "RequirementPosition",
    "RosterPlan",
]
