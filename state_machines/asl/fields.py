"""Which fields each state type accepts in each query language.

Written out as data from the Amazon States Language specification and the Step Functions
developer guide (JSONata section), so that a reviewer can compare it line by line.
"""

from __future__ import annotations

__all__ = [
    "JSONATA_ONLY_FIELDS",
    "JSONATA_REPLACEMENT",
    "STATE_FIELDS",
    "STATE_TYPES",
    "TOP_LEVEL_FIELDS",
]

TOP_LEVEL_FIELDS = frozenset({"Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"})

STATE_TYPES = ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")

_COMMON = frozenset({"Type", "Comment", "QueryLanguage"})
_FLOW = frozenset({"Next", "End"})
_JSONPATH_IO = frozenset({"InputPath", "OutputPath"})
_ERRORS = frozenset({"Retry", "Catch"})

_MAP_SHARED = frozenset(
    {
        "ItemProcessor",
        "Iterator",
        "ItemReader",
        "ItemSelector",
        "ItemBatcher",
        "ResultWriter",
        "MaxConcurrency",
        "ToleratedFailurePercentage",
        "ToleratedFailureCount",
        "Label",
        "Assign",
    }
)

# (state type, query language) -> fields allowed besides Type, Comment and QueryLanguage.
STATE_FIELDS: dict[tuple[str, str], frozenset[str]] = {
    ("Pass", "JSONPath"): _FLOW | _JSONPATH_IO | {"Parameters", "Result", "ResultPath", "Assign"},
    ("Pass", "JSONata"): _FLOW | {"Output", "Assign"},
    ("Task", "JSONPath"): _FLOW
    | _JSONPATH_IO
    | _ERRORS
    | {
        "Resource",
        "Parameters",
        "ResultSelector",
        "ResultPath",
        "TimeoutSeconds",
        "TimeoutSecondsPath",
        "HeartbeatSeconds",
        "HeartbeatSecondsPath",
        "Credentials",
        "Assign",
    },
    ("Task", "JSONata"): _FLOW
    | _ERRORS
    | {"Resource", "Arguments", "Output", "TimeoutSeconds", "HeartbeatSeconds", "Credentials", "Assign"},
    ("Choice", "JSONPath"): _JSONPATH_IO | {"Choices", "Default", "Assign"},
    ("Choice", "JSONata"): frozenset({"Choices", "Default", "Output", "Assign"}),
    ("Wait", "JSONPath"): _FLOW
    | _JSONPATH_IO
    | {"Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign"},
    ("Wait", "JSONata"): _FLOW | {"Seconds", "Timestamp", "Output", "Assign"},
    ("Succeed", "JSONPath"): _JSONPATH_IO,
    ("Succeed", "JSONata"): frozenset({"Output"}),
    ("Fail", "JSONPath"): frozenset({"Error", "ErrorPath", "Cause", "CausePath"}),
    ("Fail", "JSONata"): frozenset({"Error", "Cause"}),
    ("Parallel", "JSONPath"): _FLOW
    | _JSONPATH_IO
    | _ERRORS
    | {"Branches", "Parameters", "ResultSelector", "ResultPath", "Assign"},
    ("Parallel", "JSONata"): _FLOW | _ERRORS | {"Branches", "Arguments", "Output", "Assign"},
    ("Map", "JSONPath"): _FLOW
    | _JSONPATH_IO
    | _ERRORS
    | _MAP_SHARED
    | {
        "ItemsPath",
        "Parameters",
        "ResultSelector",
        "ResultPath",
        "MaxConcurrencyPath",
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCountPath",
    },
    ("Map", "JSONata"): _FLOW | _ERRORS | _MAP_SHARED | {"Items", "Output"},
}
STATE_FIELDS = {key: fields | _COMMON for key, fields in STATE_FIELDS.items()}

JSONATA_ONLY_FIELDS = frozenset({"Arguments", "Output", "Items", "Condition"})

# A JSONPath-only field and what a JSONata state uses instead.
JSONATA_REPLACEMENT: dict[str, str] = {
    "InputPath": "'Arguments' or 'Output' with $states.input",
    "OutputPath": "'Output'",
    "ResultPath": "'Output' (and 'Assign')",
    "ResultSelector": "'Output'",
    "Parameters": "'Arguments' (in a Map state: 'ItemSelector')",
    "Result": "'Output'",
    "ItemsPath": "'Items'",
    "SecondsPath": "'Seconds' with a JSONata expression",
    "TimestampPath": "'Timestamp' with a JSONata expression",
    "TimeoutSecondsPath": "'TimeoutSeconds' with a JSONata expression",
    "HeartbeatSecondsPath": "'HeartbeatSeconds' with a JSONata expression",
    "ErrorPath": "'Error' with a JSONata expression",
    "CausePath": "'Cause' with a JSONata expression",
    "MaxConcurrencyPath": "'MaxConcurrency' with a JSONata expression",
    "ToleratedFailurePercentagePath": "'ToleratedFailurePercentage' with a JSONata expression",
    "ToleratedFailureCountPath": "'ToleratedFailureCount' with a JSONata expression",
}
