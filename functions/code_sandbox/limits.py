"""Resource limits of one ``code.python`` run (part of the handler's event, so pydantic-validated)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DEFAULT_LIMITS", "SandboxLimits"]


class SandboxLimits(BaseModel):
    """Per-run limits; the defaults suit a data-shaping step.

    Example:
        >>> SandboxLimits(cpu_seconds=2, memory_mb=128).wall_seconds
        10.0
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    cpu_seconds: Annotated[int, Field(ge=1, le=900, description="CPU time (RLIMIT_CPU), seconds")] = 5
    wall_seconds: Annotated[
        float, Field(gt=0, le=900, description="Wall-clock time before the process group is killed")
    ] = 10.0
    memory_mb: Annotated[int, Field(ge=64, le=10_240, description="Address space (RLIMIT_AS), MiB")] = 256
    max_output_bytes: Annotated[
        int, Field(ge=2, le=6 * 1024 * 1024, description="Size of main()'s JSON return value")
    ] = 256 * 1024
    max_file_bytes: Annotated[
        int, Field(ge=0, le=512 * 1024 * 1024, description="Largest file in scratch (RLIMIT_FSIZE)")
    ] = 10 * 1024 * 1024
    max_files: Annotated[int, Field(ge=0, le=10_000, description="Files the code may open for writing")] = 64
    max_open_files: Annotated[
        int, Field(ge=16, le=1024, description="Open file descriptors (RLIMIT_NOFILE)")
    ] = 32
    max_log_bytes: Annotated[
        int, Field(ge=0, le=1024 * 1024, description="print() output kept for the logs; the rest is dropped")
    ] = 64 * 1024


DEFAULT_LIMITS = SandboxLimits()
