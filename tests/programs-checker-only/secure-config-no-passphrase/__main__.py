"""Secrets from the stack's config (`pulumi config set --secret`), read as a real program reads them."""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
instance_url = config.require_secret("instanceUrl")  # holds a user and password: blocked once decrypted
jwt = config.require_secret("salesforceJwt")
account = aws.get_caller_identity().account_id

key = aws.kms.Key("appflow-key", description="AppFlow connections", enable_key_rotation=True, policy=json.dumps({
    "Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"}]}))
client = aws.secretsmanager.Secret("salesforce-client", name="appflow!salesforce-client", kms_key_id=key.arn,
                                   description="Salesforce connected app")
aws.appflow.ConnectorProfile(
    "salesforce", name="salesforce-production", connector_type="Salesforce", connection_mode="Private",
    kms_arn=key.arn,
    connector_profile_config={
        "connector_profile_credentials": {"salesforce": {
            "client_credentials_arn": client.arn, "oauth2_grant_type": "JWT_BEARER", "jwt_token": jwt}},
        "connector_profile_properties": {"salesforce": {
            "instance_url": instance_url, "use_privatelink_for_metadata_and_authorization": True}},
    })
aws.cloudtrail.Trail("audit", name="audit", s3_bucket_name="acme-audit-logs", is_multi_region_trail=True,
                     enable_logging=True)
