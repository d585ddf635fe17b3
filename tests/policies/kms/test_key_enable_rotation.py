"""aws-appflow-kms-key-enable-rotation, and the exemptions every rule of the pack shares."""

import datetime

import pytest

from harness import UNKNOWN, Spec, find, run_stack_policy, urn
from stacks import KEY, compliant_stack

from appflow_guard.policies.kms.key_enable_rotation import POLICY

NOT_ROTATING = ("enableKeyRotation is not true on a key that protects AppFlow data (accounts-to-s3.kmsArn, "
                "landing default encryption, salesforce-client.kmsKeyId, salesforce.kmsArn).")


def findings(specs, config=None):
    return [(v.message, v.urn) for v in run_stack_policy(POLICY, specs, config)]


def without_rotation(phase="update", **key_props):
    specs = compliant_stack(phase)
    key = find(specs, "appflow-key")
    del key.props["enableKeyRotation"]
    key.props.update(key_props)
    return specs


def utc_today():
    """The pack dates exemptions in UTC; so does the test, whatever the machine's time zone."""
    return datetime.datetime.now(datetime.timezone.utc).date()


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_stack_passes(phase):
    assert findings(compliant_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_key_without_rotation_is_reported_with_its_users(phase):
    assert findings(without_rotation(phase)) == [(NOT_ROTATING, KEY)]


def test_the_message_does_not_depend_on_the_order_of_the_stack():
    """The engine hands stack policies their resources in the order the steps finished."""
    assert findings(list(reversed(without_rotation()))) == [(NOT_ROTATING, KEY)]


@pytest.mark.parametrize("value", [False, None, "true", 1])
def test_rotation_that_is_not_literally_true_is_reported(value):
    assert findings(without_rotation(enableKeyRotation=value)) == [(NOT_ROTATING, KEY)]


def test_only_the_places_that_use_the_key_are_listed():
    specs = [spec for spec in without_rotation() if spec.name in ("appflow-key", "accounts-to-s3")]
    find(specs, "accounts-to-s3").deps = {"kmsArn": [KEY]}
    assert findings(specs) == [
        ("enableKeyRotation is not true on a key that protects AppFlow data (accounts-to-s3.kmsArn).", KEY)]


@pytest.mark.parametrize("spec_prop", ["keySpec", "customerMasterKeySpec"])
@pytest.mark.parametrize("key_spec", ["RSA_2048", "HMAC_256", "ECC_NIST_P256"])
def test_keys_aws_cannot_rotate_are_not_reported(spec_prop, key_spec):
    assert findings(without_rotation(**{spec_prop: key_spec})) == []


def test_explicit_symmetric_default_spec_is_reported():
    assert findings(without_rotation(customerMasterKeySpec="SYMMETRIC_DEFAULT")) == [(NOT_ROTATING, KEY)]


def test_key_in_a_custom_key_store_is_not_reported():
    """AWS rotates no key in a custom key store (CloudHSM or external)."""
    assert findings(without_rotation(customKeyStoreId="cks-1234567890abcdef0")) == []


def test_key_that_does_not_protect_appflow_data_is_ignored():
    specs = compliant_stack("update") + [Spec("aws:kms/key:Key", "unrelated", {"enableKeyRotation": False})]
    assert findings(specs) == []


def test_other_key_types_are_ignored():
    """An aws.kms.ExternalKey holds imported key material, which AWS cannot rotate automatically."""
    specs = compliant_stack("preview")
    external = Spec("aws:kms/externalKey:ExternalKey", "imported", {"enableKeyRotation": False, "arn": UNKNOWN})
    find(specs, "accounts-to-s3").deps["kmsArn"] = [external.urn]
    assert findings(specs + [external]) == []


@pytest.mark.parametrize("prop", ["enableKeyRotation", "keySpec", "customerMasterKeySpec", "customKeyStoreId"])
def test_unknown_rotation_or_key_kind_is_deferred(prop):
    specs = without_rotation("preview", enableKeyRotation=False)
    find(specs, "appflow-key").props[prop] = UNKNOWN
    assert findings(specs) == []


@pytest.mark.parametrize("value", [42, ["RSA_2048"], {"spec": "RSA_2048"}])
def test_mistyped_key_spec_is_read_as_the_default(value):
    assert findings(without_rotation(keySpec=value)) == [(NOT_ROTATING, KEY)]


# Exemptions (rule_config.py and reporting.py, exercised through this rule) ----------------------------------

@pytest.mark.parametrize("pattern", ["appflow-key", "appflow-*", KEY, "*::aws:kms/key:Key::*"])
def test_exemption_matching_name_or_urn_silences_the_finding(pattern):
    config = {"exemptions": [{"resource": pattern, "reason": "Rotation is managed by the HSM team."}]}
    assert findings(without_rotation(), config) == []


def test_exemption_for_another_resource_leaves_the_finding():
    config = {"exemptions": [{"resource": "other-key", "reason": "Not this one."}]}
    assert findings(without_rotation(), config) == [(NOT_ROTATING, KEY)]


def test_expired_exemption_reports_and_says_when_it_expired():
    expired = (utc_today() - datetime.timedelta(days=1)).isoformat()
    config = {"exemptions": [{"resource": "appflow-*", "reason": "Migration.", "expires": expired}]}
    assert findings(without_rotation(), config) == [
        (f"{NOT_ROTATING} (The exemption for 'appflow-*' expired on {expired}.)", KEY)]


@pytest.mark.parametrize("days", [0, 30])
def test_exemption_applies_until_and_including_its_expiry_date(days):
    expires = (utc_today() + datetime.timedelta(days=days)).isoformat()
    config = {"exemptions": [{"resource": "appflow-key", "reason": "Migration.", "expires": expires}]}
    assert findings(without_rotation(), config) == []


def test_first_matching_exemption_decides():
    expired = (utc_today() - datetime.timedelta(days=1)).isoformat()
    config = {"exemptions": [{"resource": "appflow-key", "reason": "Old.", "expires": expired},
                             {"resource": "appflow-*", "reason": "New."}]}
    assert findings(without_rotation(), config) == [
        (f"{NOT_ROTATING} (The exemption for 'appflow-key' expired on {expired}.)", KEY)]


@pytest.mark.parametrize("exemptions, error", [
    ([{"resource": "x"}], "exemptions[0].reason must be a non-empty string"),
    ([{"resource": "", "reason": "r"}], "exemptions[0].resource must be a non-empty string"),
    ([{"resource": "x", "reason": "r"}, "x"], "exemptions[1] must be an object"),
    ([{"resource": "x", "reason": "r", "expires": "31.12.2030"}], "exemptions[0].expires must be a date YYYY-MM-DD"),
    ([{"resource": "x", "reason": "r", "expires": "2030-02-30"}], "exemptions[0].expires must be a date YYYY-MM-DD"),
    ({"resource": "x", "reason": "r"}, "exemptions must be a list"),
])
def test_invalid_exemptions_are_reported_as_invalid_config(exemptions, error):
    assert findings(compliant_stack("update"), {"exemptions": exemptions}) == [
        (f"Invalid policy config: {error}.", None)]


def with_bucket_key(as_source, phase="update"):
    """The compliant stack plus a key that does not rotate, 'landing-key', for the landing bucket's default
    encryption; with ``as_source`` the landing bucket is the flow's S3 source, else its destination."""
    specs = compliant_stack(phase)
    bucket_key = Spec("aws:kms/key:Key", "landing-key", {"enableKeyRotation": False, "arn": UNKNOWN})
    find(specs, "landing-encryption").deps["rules"] = [bucket_key.urn]
    find(specs, "landing-encryption").props["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] = \
        UNKNOWN
    if as_source:
        flow = find(specs, "accounts-to-s3")
        flow.props["sourceFlowConfig"] = {"connectorType": "S3", "sourceConnectorProperties": {"s3": {
            "bucketName": UNKNOWN}}}
        flow.props["destinationFlowConfigs"] = [{"connectorType": "Salesforce", "destinationConnectorProperties": {
            "salesforce": {"object": "Account"}}}]
        flow.deps.update(sourceFlowConfig=[find(specs, "landing").urn], destinationFlowConfigs=[])
    return [bucket_key] + specs


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_the_key_of_a_bucket_appflow_writes_to_protects_appflow_data(phase):
    """The AWS page: CMKs for "connection data and data stored in Amazon S3 when it is a destination"."""
    assert findings(with_bucket_key(as_source=False, phase=phase)) == [
        ("enableKeyRotation is not true on a key that protects AppFlow data (landing default encryption).",
         urn("aws:kms/key:Key", "landing-key"))]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_the_key_of_a_flows_s3_source_protects_no_data_appflow_stores(phase):
    assert findings(with_bucket_key(as_source=True, phase=phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_key_given_as_an_aliass_target_key_arn_is_found_at_preview(phase):
    specs = without_rotation(phase)
    alias = Spec("aws:kms/alias:Alias", "appflow-alias", {"name": "alias/appflow", "targetKeyId": UNKNOWN,
                                                         "targetKeyArn": UNKNOWN}, deps={"targetKeyId": [KEY]})
    for spec in specs:
        spec.deps = {prop: [alias.urn if dep == KEY else dep for dep in deps] for prop, deps in spec.deps.items()}
    assert findings([alias] + specs) == [(NOT_ROTATING, KEY)]
