"""The ``lti`` app's rows: the tool side (LMSs launch Baeum; ``tool``) and the platform side
(Baeum launches external content tools; ``platform``)."""

from lti.models.platform import (
    ExternalTool,
    PlatformLineItem,
    PlatformScore,
    ToolContext,
    ToolDeployment,
    ToolRegistrationInvite,
    ToolSubject,
)
from lti.models.tool import (
    AssignmentLink,
    ClassLink,
    DeploymentSchool,
    RegistrationInvite,
    ScoreOutbox,
    ScoreState,
)

__all__ = [
    "AssignmentLink",
    "ClassLink",
    "DeploymentSchool",
    "ExternalTool",
    "PlatformLineItem",
    "PlatformScore",
    "RegistrationInvite",
    "ScoreOutbox",
    "ScoreState",
    "ToolContext",
    "ToolDeployment",
    "ToolRegistrationInvite",
    "ToolSubject",
]
