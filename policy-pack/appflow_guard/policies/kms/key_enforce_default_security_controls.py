"""Keys that protect AppFlow data keep KMS's defaults: enabled, and a 30-day wait before deletion.

A KMS key is enabled unless told otherwise, and a deleted key waits 30 days (AWS's default and the
longest it allows) before KMS destroys it, so a mistaken deletion can be cancelled before the data
it encrypts becomes unreadable. A program that disables the key (pulumi-aws is_enabled, aws-native
enabled) or shortens the wait below minimumDeletionWindowInDays (pulumi-aws deletion_window_in_days,
aws-native pending_window_in_days) turns a default off. "Short" is below AWS's default of 30 days
unless configured (7 to 30, as KMS accepts). Left out means AWS's default and passes; values not
known yet (preview) are never reported.
"""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.rule_config import InvalidConfig, config_schema
from ...core.metadata import DOCS_URL, FRAMEWORK
from ...core.reporting import stack_validation
from ...core.protection_fields import key_state_fields
from ...core.stack import StackView

READS = (types.KMS_KEY_TYPES | types.KMS_ALIAS_TYPES | types.APPFLOW_TYPES | types.S3_BUCKET_TYPES
         | types.S3_ENCRYPTION_TYPES | types.SECRET_TYPES)

ENFORCES = ("Use AWS encryption solutions, along with all default security controls within AWS services.",)

DEFAULT_WINDOW = 30
SHORTEST_WINDOW = 7


def minimum_window(config) -> int:
    value = config.get("minimumDeletionWindowInDays", DEFAULT_WINDOW)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) \
            or not SHORTEST_WINDOW <= value <= DEFAULT_WINDOW:
        raise InvalidConfig(f"minimumDeletionWindowInDays must be a whole number from {SHORTEST_WINDOW} to {DEFAULT_WINDOW}")
    return int(value)


def check(args, findings):
    minimum = minimum_window(args.get_config())
    view = StackView(args.resources)
    for key, users in view.appflow_keys().items():
        props = view.props(key)
        enabled_field, window_field = key_state_fields(key.resource_type)
        used_by = f"it protects AppFlow data ({', '.join(users)})"
        if props.get(enabled_field) is False:
            findings.add(f"The key is disabled ({enabled_field} false), so AppFlow cannot encrypt or decrypt with it; "
                         f"{used_by}.", key)
        window = props.get(window_field)
        if not isinstance(window, bool) and isinstance(window, (int, float)) and window < minimum:
            findings.add(f"{window_field} is {window:g} days, shorter than the {minimum} days a deleted key must wait "
                         f"before KMS destroys it (AWS's default is {DEFAULT_WINDOW}); {used_by}.", key)


POLICY = StackValidationPolicy(
    name="aws-appflow-kms-key-enforce-default-security-controls",
    description="KMS keys that protect AppFlow data stay enabled and keep a deletion waiting period of 30 days (configurable).",
    display_name="AppFlow keys keep KMS's default safeguards",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["encryption", "kms"],
    remediation_steps=(
        "The AWS page asks: \"Use AWS encryption solutions, along with all default security controls within AWS "
        "services.\" Leave is_enabled (aws-native: enabled) unset or True, and leave deletion_window_in_days "
        "(aws-native: pending_window_in_days) unset, which is AWS's 30 days, or at least minimumDeletionWindowInDays."
    ),
    url=DOCS_URL,
    config_schema=config_schema({
        "minimumDeletionWindowInDays": {
            "type": "integer", "minimum": SHORTEST_WINDOW, "maximum": DEFAULT_WINDOW,
            "description": "Shortest deletion waiting period accepted for a key AppFlow uses (default 30, "
                           "AWS's default; KMS accepts 7 to 30).",
        },
    }),
    validate=stack_validation(check),
)
