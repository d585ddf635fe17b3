"""Connections to applications that offer AWS PrivateLink should not cross the public internet."""

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.rule_config import config_schema, string_list
from ...core.metadata import FRAMEWORK, section
from ...core.reporting import resource_validation
from ...core.values import UNKNOWN, plain

DEFAULT_PRIVATE_CONNECTOR_TYPES = ("Salesforce", "SAPOData", "Snowflake")

READS = types.CONNECTOR_PROFILE_TYPES
ENFORCES = (
    "With some of the SaaS applications that are a supported source or destination, you can create a "
    "connection that does not send traffic over the public internet.",
)


def check(args, findings):
    supported = string_list(args.get_config(), "connectorTypes") or DEFAULT_PRIVATE_CONNECTOR_TYPES
    props = plain(args.props)
    connector_type = props.get("connectorType")
    if not isinstance(connector_type, str) or connector_type.lower() not in {name.lower() for name in supported}:
        return
    mode = props.get("connectionMode")
    if mode is UNKNOWN or (isinstance(mode, str) and mode.lower() == "private"):
        return
    shown = mode if isinstance(mode, str) else "not set"
    findings.add(f"connectionMode is {shown} for a {connector_type} connection, which supports private "
                 "connections; set connection_mode=\"Private\".")


POLICY = ResourceValidationPolicy(
    name="aws-appflow-connectorprofile-enforce-private-connection",
    description="AppFlow connector profiles use a private connection where the application supports one.",
    display_name="Connections stay off the public internet",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    framework=FRAMEWORK,
    tags=["network", "privatelink"],
    remediation_steps=(
        "Set connection_mode=\"Private\" on the connector profile and complete the application's "
        "PrivateLink setup (for Salesforce, use_privatelink_for_metadata_and_authorization; for "
        "SAP OData and Snowflake, private_link_service_name)."
    ),
    url=section("encryption-in-transit"),
    config_schema=config_schema({
        "connectorTypes": {
            "type": "array", "items": {"type": "string", "minLength": 1},
            "description": "Connector types that must connect privately (default: Salesforce, SAPOData, Snowflake).",
        },
    }),
    validate=resource_validation(check, READS),
)
