"""Values every rule's metadata shares: the AWS page and the framework it implements."""

from pulumi_policy import PolicyComplianceFramework

DOCS_URL = "https://docs.aws.amazon.com/appflow/latest/userguide/data-protection.html"

FRAMEWORK = PolicyComplianceFramework(
    name="Data protection in Amazon AppFlow",
    reference="AWS Amazon AppFlow User Guide",
    specification=DOCS_URL,
)


def section(anchor: str) -> str:
    """The URL of one section of the AWS page."""
    return f"{DOCS_URL}#{anchor}"
