"""The provider that deploys AppFlow resources must verify TLS and reach AWS over https."""

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.rule_config import config_schema
from ...core.masking import mask_url
from ...core.metadata import FRAMEWORK, DOCS_URL
from ...core.providers import custom_endpoints, provider_settings
from ...core.reporting import resource_validation
from ...core.values import UNKNOWN, flag

# The provider (pulumi:providers:aws or pulumi:providers:aws-native) of each AppFlow resource.
READS = types.APPFLOW_TYPES | types.PROVIDER_TYPES
ENFORCES = (
    "Use SSL/TLS to communicate with AWS resources.",
    "We require TLS 1.2 and recommend TLS 1.3.",
)


def check(args, findings):
    provider = provider_settings(args)
    if provider is None:
        return
    name, settings = provider
    if flag(settings.get("insecure")) is True:
        findings.add(f"provider '{name}' sets insecure=true, which skips TLS certificate verification.")
    for service, url in custom_endpoints(settings):
        if url is UNKNOWN:
            continue
        if not isinstance(url, str) or not url.strip().lower().startswith("https://"):
            shown = mask_url(url) if isinstance(url, str) else "not a URL"
            findings.add(f"provider '{name}' sends {service} calls to '{shown}', which is not https.")


POLICY = ResourceValidationPolicy(
    name="aws-appflow-provider-enforce-tls",
    description="AWS providers that deploy AppFlow resources verify TLS and use https endpoints.",
    display_name="AppFlow providers use TLS",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["tls", "provider"],
    remediation_steps=(
        "Remove insecure=True from the aws.Provider and give every custom endpoint an https:// URL "
        "(AWS requires TLS 1.2 and recommends TLS 1.3)."
    ),
    url=DOCS_URL,
    config_schema=config_schema(),
    validate=resource_validation(check, types.APPFLOW_TYPES),
)
