"""The policy registry: every rule of the pack, in one explicit tuple."""

from .policies.connectorprofile import (
    configure_customer_managed_key as connectorprofile_configure_customer_managed_key,
    disallow_credentials_in_urls,
    enforce_https_urls,
    enforce_private_connection,
    remediate_customer_managed_key as connectorprofile_remediate_customer_managed_key,
)
from .policies.flow import (
    configure_allowed_trigger_types,
    configure_customer_managed_key as flow_configure_customer_managed_key,
    missing_description,
    missing_tags,
    remediate_customer_managed_key as flow_remediate_customer_managed_key,
)
from .policies.general import disallow_sensitive_data_in_names_and_tags
from .policies.iam import policy_enforce_secretsmanager_conditions
from .policies.iam import policy_disallow_full_access, user_enforce_mfa
from .policies.kms import key_disallow_wildcard_principal, key_enable_rotation, key_remediate_rotation
from .policies.kms import key_enforce_default_security_controls
from .policies.provider import enable_fips_endpoint, enforce_tls
from .policies.s3 import bucket_enable_macie, bucket_enforce_default_security_controls
from .policies.s3 import (
    bucket_configure_sse_kms_customer_managed_key,
    bucket_enforce_tls_only,
    bucket_policy_enforce_source_account,
)
from .policies.secretsmanager import secret_configure_customer_managed_key
from .policies.stack import enable_cloudtrail, verify_external_references

RULE_MODULES = (
    flow_configure_customer_managed_key,
    connectorprofile_configure_customer_managed_key,
    enforce_private_connection,
    disallow_credentials_in_urls,
    enforce_https_urls,
    disallow_sensitive_data_in_names_and_tags,
    missing_description,
    missing_tags,
    configure_allowed_trigger_types,
    key_enable_rotation,
    key_disallow_wildcard_principal,
    secret_configure_customer_managed_key,
    policy_enforce_secretsmanager_conditions,
    bucket_configure_sse_kms_customer_managed_key,
    bucket_enforce_tls_only,
    bucket_policy_enforce_source_account,
    enforce_tls,
    enable_fips_endpoint,
    enable_cloudtrail,
    verify_external_references,
    bucket_enable_macie,
    bucket_enforce_default_security_controls,
    key_enforce_default_security_controls,
    user_enforce_mfa,
    policy_disallow_full_access,
    key_remediate_rotation,
    flow_remediate_customer_managed_key,
    connectorprofile_remediate_customer_managed_key,
)

POLICIES = tuple(module.POLICY for module in RULE_MODULES)

DESCRIPTION = (
    "Enforces the AWS guidance 'Data protection in Amazon AppFlow': customer managed KMS keys for "
    "connections, flows, secrets and S3 buckets; TLS; private connections; no credentials in URLs; "
    "no sensitive data in names and tags; scoped IAM and key policies; CloudTrail; FIPS endpoints."
)
