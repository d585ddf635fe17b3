"""Workloads bound to FIPS 140 must reach AWS through FIPS endpoints."""

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.config import boolean, config_schema
from ...core.metadata import FRAMEWORK, DOCS_URL
from ...core.providers import provider_settings
from ...core.reporting import resource_validation
from ...core.values import UNKNOWN, flag


def check(args, findings):
    if not boolean(args.get_config(), "required", False):
        args.not_applicable("FIPS endpoints are not required (set required: true)")
    provider = provider_settings(args)
    if provider is None:
        return
    name, settings = provider
    value = settings.get("useFipsEndpoint")
    if value is not UNKNOWN and flag(value) is not True:
        findings.add(f"provider '{name}' does not set useFipsEndpoint=true, which FIPS 140 workloads require.")


POLICY = ResourceValidationPolicy(
    name="aws-appflow-provider-enable-fips-endpoint",
    description="AWS providers that deploy AppFlow resources use FIPS endpoints when the organisation requires FIPS.",
    display_name="AppFlow providers use FIPS endpoints",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.MEDIUM,
    framework=FRAMEWORK,
    tags=["fips", "provider"],
    remediation_steps="Set use_fips_endpoint=True on the aws.Provider (or aws:useFipsEndpoint in stack config).",
    url=DOCS_URL,
    config_schema=config_schema({
        "required": {
            "type": "boolean",
            "description": "Require FIPS endpoints; the rule is off until this is true.",
        },
    }),
    validate=resource_validation(check, types.APPFLOW_TYPES),
)
