"""URLs a connection calls must not carry credentials: they end up in logs and in plain text."""

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.rule_config import config_schema
from ...core.masking import mask_url
from ...core.metadata import FRAMEWORK, DOCS_URL
from ...core.reporting import resource_validation
from ...core.urls import profile_urls
from ...core.values import plain

READS = types.CONNECTOR_PROFILE_TYPES
ENFORCES = (
    "If you provide a URL to an external server, we strongly recommend that you do not include "
    "credentials information in the URL to validate your request to that server.",
)


def check(args, findings):
    for url in profile_urls(plain(args.props)):
        if url.has_user_info():
            findings.add(f"{url.path} '{mask_url(url.value)}' embeds user credentials (user:password@).")
        parameters = url.credential_parameters()
        if parameters:
            findings.add(f"{url.path} '{mask_url(url.value)}' carries credentials in its query "
                         f"({', '.join(parameters)}).")


POLICY = ResourceValidationPolicy(
    name="aws-appflow-connectorprofile-disallow-credentials-in-urls",
    description="AppFlow connector profile URLs carry no user names, passwords, tokens or keys.",
    display_name="No credentials in connection URLs",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.CRITICAL,
    framework=FRAMEWORK,
    tags=["credentials", "urls"],
    remediation_steps=(
        "Remove user info and credential query parameters from instance, token and database URLs, "
        "and put the credentials in connector_profile_credentials (or a Secrets Manager secret), "
        "which AppFlow encrypts and stores in Secrets Manager."
    ),
    url=DOCS_URL,
    config_schema=config_schema(),
    validate=resource_validation(check, READS),
)
