"""Every URL a connection calls must use TLS, so data and tokens never cross the network in clear."""

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.rule_config import config_schema
from ...core.masking import mask_url
from ...core.metadata import FRAMEWORK, section
from ...core.reporting import resource_validation
from ...core.urls import profile_urls
from ...core.values import plain

READS = types.CONNECTOR_PROFILE_TYPES
ENFORCES = (
    "Use SSL/TLS to communicate with AWS resources.",
    "Amazon AppFlow secures all data in transit using Transport Layer Security (TLS) 1.2.",
)


def check(args, findings):
    for url in profile_urls(plain(args.props)):
        shown = mask_url(url.value)
        if url.is_jdbc:
            if url.disables_tls():
                findings.add(f"{url.path} '{shown}' turns TLS off; remove the ssl/sslmode parameter that disables it.")
        elif url.scheme != "https":
            scheme = f"uses {url.scheme}://" if url.scheme else "has no https:// scheme"
            findings.add(f"{url.path} '{shown}' {scheme}; use https://.")


POLICY = ResourceValidationPolicy(
    name="aws-appflow-connectorprofile-enforce-https-urls",
    description="AppFlow connector profile URLs use https (JDBC URLs must not turn TLS off).",
    display_name="Connection URLs use HTTPS",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["tls", "urls"],
    remediation_steps=(
        "Use https:// for instance, token, authorization and redirect URLs. For Redshift JDBC URLs, "
        "keep the driver's default TLS and drop ssl=false or sslmode=disable."
    ),
    url=section("encryption-in-transit"),
    config_schema=config_schema(),
    validate=resource_validation(check, READS),
)
