import pytest

from appflow_guard.core.kms import KeyReference, classify_key_reference, key_identifiers

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize("value,kind", [
    ("alias/aws/appflow", KeyReference.AWS_MANAGED),
    ("arn:aws:kms:us-east-1:123456789012:alias/aws/s3", KeyReference.AWS_MANAGED),
    ("arn:aws-cn:kms:cn-north-1:123456789012:alias/aws/secretsmanager", KeyReference.AWS_MANAGED),
    ("alias/appflow", KeyReference.CUSTOMER_ALIAS),
    ("arn:aws:kms:us-east-1:123456789012:alias/appflow", KeyReference.CUSTOMER_ALIAS),
    (KEY_ID, KeyReference.KEY),
    (f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}", KeyReference.KEY),
    ("mrk-1234abcd12ab34cd56ef1234567890ab", KeyReference.KEY),
    ("alias/", KeyReference.INVALID),
    ("my-key", KeyReference.INVALID),
    ("arn:aws:kms:us-east-1:123456789012:key/not-a-key", KeyReference.INVALID),
])
def test_key_references_are_classified(value, kind):
    assert classify_key_reference(value) is kind


def test_identifiers_cover_arn_id_and_alias_forms():
    assert key_identifiers(f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}") == {
        f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}", f"key/{KEY_ID}", KEY_ID}
    assert key_identifiers("alias/appflow") == {"alias/appflow"}
