"""Amazon States Language tooling that needs no AWS account: the definition validator.

Example:
    >>> from state_machines.asl import validate_asl
    >>> validate_asl('{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}')
    []
"""

from state_machines.asl.diagnostics import Diagnostic, Severity, has_errors
from state_machines.asl.validator import validate_asl

__all__ = ["Diagnostic", "Severity", "has_errors", "validate_asl"]
