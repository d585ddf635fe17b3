"""Workloads bound to FIPS 140 must reach AWS through FIPS endpoints."""

import re

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.rule_config import boolean, config_schema
from ...core.metadata import FRAMEWORK, DOCS_URL
from ...core.providers import custom_endpoints, provider_settings
from ...core.reporting import resource_validation
from ...core.values import UNKNOWN, flag

# pulumi-aws providers have useFipsEndpoint. aws-native providers have no FIPS setting: they reach
# AWS through Cloud Control API, so FIPS means endpoints' cloudcontrol is its FIPS endpoint.
READS = types.APPFLOW_TYPES | types.PROVIDER_TYPES
ENFORCES = (
    "If you require FIPS 140-2 validated cryptographic modules when accessing AWS through a command "
    "line interface or an API, use a FIPS endpoint.",
)
CLOUD_CONTROL_FIPS = re.compile(r"^https://cloudcontrolapi-fips\.[a-z0-9-]+\.amazonaws\.com(?:/|$)", re.IGNORECASE)


def _native_check(name, settings, findings):
    if settings.get("endpoints") is UNKNOWN:
        return
    endpoint = dict(custom_endpoints(settings)).get("cloudcontrol")
    if endpoint is UNKNOWN or (isinstance(endpoint, str) and CLOUD_CONTROL_FIPS.match(endpoint.strip())):
        return
    findings.add(f"provider '{name}' (aws-native) does not send Cloud Control API calls to a FIPS endpoint "
                 "(endpoints cloudcontrol https://cloudcontrolapi-fips.<region>.amazonaws.com), which FIPS 140 "
                 "workloads require.")


def check(args, findings):
    if not boolean(args.get_config(), "required", False):
        args.not_applicable("FIPS endpoints are not required (set required: true)")
    provider = provider_settings(args)
    if provider is None:
        return
    name, settings = provider
    if types.is_native(args.resource_type):
        _native_check(name, settings, findings)
        return
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
    remediation_steps=("Set use_fips_endpoint=True on the aws.Provider (or aws:useFipsEndpoint in stack config); "
                       "on an aws_native.Provider, set endpoints=[{\"cloudcontrol\": "
                       "\"https://cloudcontrolapi-fips.<region>.amazonaws.com\"}]."),
    url=DOCS_URL,
    config_schema=config_schema({
        "required": {
            "type": "boolean",
            "description": "Require FIPS endpoints; the rule is off until this is true.",
        },
    }),
    validate=resource_validation(check, types.APPFLOW_TYPES),
)
