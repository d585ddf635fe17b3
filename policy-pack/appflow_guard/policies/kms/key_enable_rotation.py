"""Keys that protect AppFlow data must rotate, limiting how much data one key version protects."""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.rule_config import config_schema
from ...core.metadata import FRAMEWORK, section
from ...core.reporting import stack_validation
from ...core.stack import StackView
from ...core.values import UNKNOWN, text

READS = (types.KMS_KEY_TYPES | types.KMS_ALIAS_TYPES | types.APPFLOW_TYPES | types.S3_BUCKET_TYPES
         | types.S3_ENCRYPTION_TYPES | types.SECRET_TYPES)
ENFORCES = (
    "We recommend that you use a customer managed CMK, as it puts you in full control over your "
    "encrypted data.",
)


def rotation_supported(props: dict) -> bool | None:
    """Whether AWS can rotate the key automatically: only symmetric encryption keys with key
    material from KMS, outside a custom key store, can (pulumi-aws names the store in
    customKeyStoreId, aws-native gives origin AWS_CLOUDHSM, EXTERNAL or EXTERNAL_KEY_STORE).
    None while the key spec, the key store or the origin is unknown."""
    specs = (props.get("keySpec"), props.get("customerMasterKeySpec"))
    store, origin = props.get("customKeyStoreId"), props.get("origin")
    if store is UNKNOWN or origin is UNKNOWN or any(value is UNKNOWN for value in specs):
        return None
    spec = text(specs[0]) or text(specs[1]) or "SYMMETRIC_DEFAULT"
    return spec == "SYMMETRIC_DEFAULT" and not text(store) and (text(origin) or "AWS_KMS") == "AWS_KMS"


def check(args, findings):
    view = StackView(args.resources)
    for key, users in view.appflow_keys().items():
        props = view.props(key)
        rotation = props.get("enableKeyRotation")
        if rotation_supported(props) is not True or rotation is UNKNOWN or rotation is True:
            continue
        findings.add(f"enableKeyRotation is not true on a key that protects AppFlow data ({', '.join(users)}).", key)


POLICY = StackValidationPolicy(
    name="aws-appflow-kms-key-enable-rotation",
    description="KMS keys that protect AppFlow data have automatic rotation enabled.",
    display_name="AppFlow keys rotate",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.MEDIUM,
    framework=FRAMEWORK,
    tags=["encryption", "kms"],
    remediation_steps=(
        "Set enable_key_rotation=True on the aws.kms.Key (optionally rotation_period_in_days). "
        "The companion policy aws-appflow-kms-key-remediate-rotation turns it on automatically at "
        "enforcement level remediate."
    ),
    url=section("key-management"),
    config_schema=config_schema(),
    validate=stack_validation(check),
)
