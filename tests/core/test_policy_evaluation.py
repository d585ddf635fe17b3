"""The policy evaluator against AWS's own answers.

Each row of the tables is a policy, a request and the answer the AWS documentation page in the row
gives (its examples, or the rule it states), written from the page, not from the evaluator.
"""

import json

import pytest

from appflow_guard.core import policy_evaluation
from appflow_guard.core.policy_evaluation import (
    ABSENT,
    Answer,
    Decision,
    Outsider,
    Principal,
    Request,
    ResourcesUnder,
    allowed_only_when,
    denies_every_request,
    evaluate,
    grants_outside,
    parse_policy,
)
from appflow_guard.core.values import UNKNOWN

IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
ACTION = IAM + "reference_policies_elements_action.html"
NOT_ACTION = IAM + "reference_policies_elements_notaction.html"
RESOURCE = IAM + "reference_policies_elements_resource.html"
NOT_RESOURCE = IAM + "reference_policies_elements_notresource.html"
PRINCIPAL = IAM + "reference_policies_elements_principal.html"
NOT_PRINCIPAL = IAM + "reference_policies_elements_notprincipal.html"
OPERATORS = IAM + "reference_policies_elements_condition_operators.html"
MULTIPLE = IAM + "reference_policies_condition-logic-multiple-context-keys-or-values.html"
SETS = IAM + "reference_policies_condition-single-vs-multi-valued-context-keys.html"
SET_EXAMPLES = IAM + "reference_policies_condition_examples-multi-valued-context-keys.html"
VARIABLES = IAM + "reference_policies_variables.html"
VERSION = IAM + "reference_policies_elements_version.html"
GRAMMAR = IAM + "reference_policies_grammar.html"
EVALUATION = IAM + "reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html"
GLOBAL_KEYS = IAM + "reference_policies_condition-keys.html"
CONFUSED_DEPUTY = IAM + "confused-deputy.html"
S3_TLS = "https://repost.aws/knowledge-center/s3-enforce-modern-tls"
S3_ACTIONS = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html"
KMS_ACCESS = "https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-key-policy.html"
KMS_KEYS = "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html"
APPFLOW_SEED = "https://docs.aws.amazon.com/appflow/latest/userguide/data-protection.html"

OWN, OTHER = "111122223333", "444455556666"
ALICE = Principal.iam(f"arn:aws:iam::{OWN}:user/alice")
READER_SESSION = Principal.iam(f"arn:aws:sts::{OWN}:assumed-role/reader/s1")
BOB = Principal.iam(f"arn:aws:iam::{OTHER}:user/Bob")
CAROL = Principal.iam(f"arn:aws:iam::{OTHER}:user/carol")
ANONYMOUS = Principal()
APPFLOW = Principal.aws_service("appflow.amazonaws.com")
BUCKET, OBJECT = "arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/reports/2026.csv"

ALLOW, DENY, IMPLICIT = Decision.ALLOW, Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY
UNDECIDABLE, INVALID = Decision.UNDECIDABLE, Decision.INVALID


def statement(effect="Allow", action="s3:GetObject", resource="*", **elements):
    found = {"Effect": effect}
    if action is not None:
        found["Action"] = action
    if resource is not None:
        found["Resource"] = resource
    found.update(elements)
    return found


def policy(*statements, version="2012-10-17"):
    document = {"Statement": list(statements)}
    if version:
        document["Version"] = version
    return document


def allow_everything():
    return statement(action="*", resource="*", Principal="*")


# Condition keys as keyword names: aws__SecureTransport is aws:SecureTransport, _ stands for /.
SPELLED_OUT = {"aws__PrincipalTag_job_category": "aws:PrincipalTag/job-category", "s3__max_keys": "s3:max-keys"}


def request(action="s3:GetObject", resource=OBJECT, principal=None, **context):
    return Request(action, resource, principal, {SPELLED_OUT.get(key, key.replace("__", ":").replace("_", "/")): value
                                                for key, value in context.items()})


def when(condition, **context):
    """An identity policy allowing s3:GetObject under ``condition``, and a request with ``context``."""
    return policy(statement(Condition=condition)), request(**context)


def denied_when(condition, **context):
    return policy(statement(action="*"), statement("Deny", Condition=condition)), request(**context)


TLS_DENY = statement("Deny", "s3:*", [BUCKET, BUCKET + "/*"], Principal="*",
                     Condition={"Bool": {"aws:SecureTransport": "false"}})

DECISIONS = [
    # Action / NotAction
    ("action exact", policy(statement()), request(), ALLOW, ACTION),
    ("action case-insensitive", policy(statement(action="S3:getobject")), request(), ALLOW, ACTION),
    ("action * wildcard", policy(statement(action="s3:Put*")), request("s3:PutObject"), ALLOW, ACTION),
    ("action * wildcard, other action", policy(statement(action="s3:Put*")), request("s3:GetObject"), IMPLICIT,
     ACTION),
    ("action ? wildcard", policy(statement(action="s3:Get?bject")), request(), ALLOW, ACTION),
    ("action list", policy(statement(action=["sqs:SendMessage", "sqs:ReceiveMessage"])),
     request("sqs:ReceiveMessage", "arn:aws:sqs:us-east-2:111122223333:queue1"), ALLOW, ACTION),
    ("NotAction allows everything else", policy(statement(action=None, NotAction="iam:*")), request(), ALLOW,
     NOT_ACTION),
    ("NotAction excludes its actions", policy(statement(action=None, NotAction="iam:*")),
     request("iam:CreateUser", "*"), IMPLICIT, NOT_ACTION),
    ("Deny NotAction spares its actions", policy(statement(action="*"), statement("Deny", None, NotAction="iam:*")),
     request("iam:GetUser", "*"), ALLOW, NOT_ACTION),
    ("Deny NotAction denies the rest", policy(statement(action="*"), statement("Deny", None, NotAction="iam:*")),
     request(), DENY, NOT_ACTION),
    # Resource / NotResource
    ("bucket ARN does not cover its objects", policy(statement(resource=BUCKET)), request(), IMPLICIT, S3_ACTIONS),
    ("bucket/* covers its objects", policy(statement(resource=BUCKET + "/*")), request(), ALLOW, RESOURCE),
    ("bucket/* does not cover the bucket", policy(statement(action="s3:ListBucket", resource=BUCKET + "/*")),
     request("s3:ListBucket", BUCKET), IMPLICIT, S3_ACTIONS),
    ("resource ARNs are case-sensitive", policy(statement(resource="arn:aws:s3:::AMZN-S3-DEMO-BUCKET/*")),
     request(), IMPLICIT, RESOURCE),
    ("resource *", policy(statement(resource="*")), request(), ALLOW, RESOURCE),
    ("* spans slashes", policy(statement(resource="arn:aws:s3:::amzn-s3-demo-bucket/*/test/*")),
     request(resource="arn:aws:s3:::amzn-s3-demo-bucket/1/2/test/3/object.jpg"), ALLOW, RESOURCE),
    ("* needs the literal around it", policy(statement(resource="arn:aws:s3:::amzn-s3-demo-bucket/*/test/*")),
     request(resource="arn:aws:s3:::amzn-s3-demo-bucket/1-test/object.jpg"), IMPLICIT, RESOURCE),
    ("? in a bucket name", policy(statement(resource="arn:aws:s3:::example?bucket/*")),
     request(resource="arn:aws:s3:::example1bucket/a.txt"), ALLOW, RESOURCE),
    ("segment-final * crosses colons", policy(statement(action="sqs:*", resource="arn:aws:sqs:*:111122223333:queue1")),
     request("sqs:SendMessage", "arn:aws:sqs:us-east-2:111122223333:queue1"), ALLOW, RESOURCE),
    ("inner * stays in its segment", policy(statement(action="sqs:*", resource="arn:aws:sqs:us-*2:111122223333:q")),
     request("sqs:SendMessage", "arn:aws:sqs:us-east:x2:111122223333:q"), IMPLICIT, RESOURCE),
    ("Deny NotResource denies elsewhere", policy(statement(action="s3:*"), statement(
        "Deny", "s3:*", None, NotResource=[BUCKET, BUCKET + "/*"])),
     request(resource="arn:aws:s3:::other-bucket/x"), DENY, NOT_RESOURCE),
    ("Deny NotResource spares its resources", policy(statement(action="s3:*"), statement(
        "Deny", "s3:*", None, NotResource=[BUCKET, BUCKET + "/*"])), request(), ALLOW, NOT_RESOURCE),
    ("Allow NotResource excludes its resources", policy(statement(resource=None, NotResource=BUCKET + "/*")),
     request(), IMPLICIT, NOT_RESOURCE),
    ("Allow NotResource allows elsewhere", policy(statement(resource=None, NotResource=BUCKET + "/*")),
     request(resource="arn:aws:s3:::public/x"), ALLOW, NOT_RESOURCE),
    # Principal
    ("Principal * allows another account", policy(statement(Principal="*")), request(principal=BOB), ALLOW,
     PRINCIPAL),
    ("Principal * allows anonymous users", policy(statement(Principal="*")), request(principal=ANONYMOUS), ALLOW,
     PRINCIPAL),
    ("AWS * is * for anonymous users", policy(statement(Principal={"AWS": "*"})), request(principal=ANONYMOUS),
     ALLOW, PRINCIPAL),
    ("account ID names its principals", policy(statement(Principal={"AWS": OWN})), request(principal=ALICE), ALLOW,
     PRINCIPAL),
    ("account ID leaves other accounts out", policy(statement(Principal={"AWS": OWN})), request(principal=BOB),
     IMPLICIT, PRINCIPAL),
    ("root ARN is the account, not only root", policy(statement(Principal={"AWS": f"arn:aws:iam::{OWN}:root"})),
     request(principal=READER_SESSION), ALLOW, PRINCIPAL),
    ("role ARN names its sessions", policy(statement(Principal={"AWS": f"arn:aws:iam::{OWN}:role/reader"})),
     request(principal=READER_SESSION), ALLOW, PRINCIPAL),
    ("role ARN is not a user", policy(statement(Principal={"AWS": f"arn:aws:iam::{OWN}:role/reader"})),
     request(principal=ALICE), IMPLICIT, PRINCIPAL),
    ("user ARN", policy(statement(Principal={"AWS": f"arn:aws:iam::{OWN}:user/alice"})), request(principal=ALICE),
     ALLOW, PRINCIPAL),
    ("user name in a principal is case-sensitive", policy(statement(Principal={"AWS": f"arn:aws:iam::{OWN}:user/Alice"})),
     request(principal=ALICE), IMPLICIT, PRINCIPAL),
    ("assumed-role session principal", policy(statement(
        Principal={"AWS": f"arn:aws:sts::{OWN}:assumed-role/reader/s1"})), request(principal=READER_SESSION), ALLOW,
     PRINCIPAL),
    ("another session of the role", policy(statement(Principal={"AWS": f"arn:aws:sts::{OWN}:assumed-role/reader/s2"})),
     request(principal=READER_SESSION), IMPLICIT, PRINCIPAL),
    ("service principal", policy(statement(Principal={"Service": "appflow.amazonaws.com"})),
     request(principal=APPFLOW), ALLOW, PRINCIPAL),
    ("service principal is not a user", policy(statement(Principal={"Service": "appflow.amazonaws.com"})),
     request(principal=ALICE), IMPLICIT, PRINCIPAL),
    ("service principal list", policy(statement(Principal={"Service": ["ecs.amazonaws.com",
                                                                        "elasticloadbalancing.amazonaws.com"]})),
     request(principal=Principal.aws_service("elasticloadbalancing.amazonaws.com")), ALLOW, PRINCIPAL),
    ("federated web identity", policy(statement(Principal={"Federated": "cognito-identity.amazonaws.com"})),
     request(principal=Principal(federated="cognito-identity.amazonaws.com")), ALLOW, PRINCIPAL),
    ("canonical user", policy(statement(Principal={"CanonicalUser": "79a59df900b949e55d96a1e698fbace"})),
     request(principal=Principal(canonical_user="79a59df900b949e55d96a1e698fbace")), ALLOW, PRINCIPAL),
    ("canonical user is not anonymous", policy(statement(Principal={"CanonicalUser": "79a59df900b949e55d96a1e698fbace"})),
     request(principal=ANONYMOUS), IMPLICIT, PRINCIPAL),
    ("principal types and forms mixed", policy(statement(Principal={
        "AWS": [f"arn:aws:iam::{OWN}:root", "999999999999"], "CanonicalUser": "79a59df900b949e55d96a1e698fbace"})),
     request(principal=Principal.root("999999999999")), ALLOW, PRINCIPAL),
    ("no partial wildcard in a principal", policy(statement(Principal={"AWS": f"arn:aws:iam::{OWN}:user/*"})),
     request(principal=ALICE), INVALID, PRINCIPAL),
    # NotPrincipal
    ("NotPrincipal spares a listed user and account", policy(allow_everything(), statement(
        "Deny", "s3:*", NotPrincipal={"AWS": [f"arn:aws:iam::{OTHER}:user/Bob", f"arn:aws:iam::{OTHER}:root"]})),
     request(principal=BOB), ALLOW, NOT_PRINCIPAL),
    ("NotPrincipal denies the account's other users", policy(allow_everything(), statement(
        "Deny", "s3:*", NotPrincipal={"AWS": [f"arn:aws:iam::{OTHER}:user/Bob", f"arn:aws:iam::{OTHER}:root"]})),
     request(principal=CAROL), DENY, NOT_PRINCIPAL),
    ("NotPrincipal user without its account may deny it", policy(allow_everything(), statement(
        "Deny", "s3:*", NotPrincipal={"AWS": f"arn:aws:iam::{OTHER}:user/Bob"})), request(principal=BOB), UNDECIDABLE,
     NOT_PRINCIPAL),
    ("NotPrincipal denies services not listed", policy(allow_everything(), statement(
        "Deny", "s3:*", NotPrincipal={"Service": "appflow.amazonaws.com"})), request(principal=ALICE), DENY,
     NOT_PRINCIPAL),
    ("NotPrincipal spares a listed service", policy(allow_everything(), statement(
        "Deny", "s3:*", NotPrincipal={"Service": "appflow.amazonaws.com"})), request(principal=APPFLOW), ALLOW,
     NOT_PRINCIPAL),
    ("NotPrincipal only with Deny", policy(statement(NotPrincipal={"AWS": OWN})), request(principal=BOB), INVALID,
     NOT_PRINCIPAL),
    # Evaluation logic and document forms
    ("explicit deny wins over allow", policy(statement(), statement("Deny")), request(), DENY, EVALUATION),
    ("nothing applies: implicit deny", policy(statement(action="s3:PutObject")), request(), IMPLICIT, EVALUATION),
    ("Action and NotAction together", policy(statement(NotAction="iam:*")), request(), INVALID, GRAMMAR),
    ("Effect is Allow or Deny", policy(statement("Permit")), request(), INVALID, GRAMMAR),
    ("no Principal in an identity policy", None, request(), INVALID, PRINCIPAL),
    # String operators
    ("StringEquals", *when({"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}},
                           aws__PrincipalTag_job_category="iamuser-admin"), ALLOW, OPERATORS),
    ("StringEquals is case-sensitive", *when({"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}},
                                             aws__PrincipalTag_job_category="IAMUSER-ADMIN"), IMPLICIT, OPERATORS),
    ("missing key: condition false", *when({"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}),
     IMPLICIT, OPERATORS),
    ("missing key: negated condition true", *when({"StringNotEquals": {"aws:PrincipalTag/job-category": "x"}}),
     ALLOW, OPERATORS),
    ("StringEqualsIgnoreCase", *when({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "appflow"}},
                                     aws__PrincipalTag_team="AppFlow"), ALLOW, OPERATORS),
    ("StringNotEqualsIgnoreCase", *when({"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "appflow"}},
                                        aws__PrincipalTag_team="AppFlow"), IMPLICIT, OPERATORS),
    ("StringLike *", *when({"StringLike": {"s3:prefix": "home/*"}}, s3__prefix="home/alice/"), ALLOW, OPERATORS),
    ("StringLike is case-sensitive", *when({"StringLike": {"s3:prefix": "home/*"}}, s3__prefix="Home/alice/"),
     IMPLICIT, OPERATORS),
    ("StringLike ?", *when({"StringLike": {"s3:prefix": "file?.txt"}}, s3__prefix="file1.txt"), ALLOW, OPERATORS),
    ("StringNotLike", *when({"StringNotLike": {"s3:prefix": "key1*"}}, s3__prefix="key2"), ALLOW, OPERATORS),
    ("IfExists: missing key is true", *when({"StringEqualsIfExists": {"ec2:InstanceType": "t2.micro"}}), ALLOW,
     OPERATORS),
    ("IfExists: present key is checked", *when({"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*"]}},
                                               ec2__InstanceType="m5.large"), IMPLICIT, OPERATORS),
    ("Deny with negated IfExists denies a missing key", *denied_when(
        {"StringNotEqualsIfExists": {"aws:PrincipalTag/team": "data"}}), DENY, OPERATORS),
    ("values of one key: OR", *when({"StringEquals": {"aws:PrincipalTag/role": ["audit", "security"]}},
                                    aws__PrincipalTag_role="security"), ALLOW, MULTIPLE),
    ("negated values of one key: AND", *when({"StringNotEquals": {"aws:PrincipalTag/role": ["audit", "security"]}},
                                             aws__PrincipalTag_role="audit"), IMPLICIT, MULTIPLE),
    ("negated values, none matching", *when({"StringNotEquals": {"aws:PrincipalTag/role": ["audit", "security"]}},
                                            aws__PrincipalTag_role="dev"), ALLOW, MULTIPLE),
    ("keys of one operator: AND", *when({"StringEquals": {"aws:PrincipalTag/team": "data", "aws:RequestedRegion":
                                                          "eu-west-1"}}, aws__PrincipalTag_team="data",
                                        aws__RequestedRegion="us-east-1"), IMPLICIT, MULTIPLE),
    ("operators: AND", *when({"StringEquals": {"aws:PrincipalTag/team": "data"}, "Bool": {"aws:SecureTransport":
                                                                                          "true"}},
                             aws__PrincipalTag_team="data", aws__SecureTransport=True), ALLOW, MULTIPLE),
    # Numeric, date, Bool, binary, IP address, ARN, Null
    ("NumericLessThanEquals at the bound", *when({"NumericLessThanEquals": {"s3:max-keys": "10"}}, s3__max_keys=10),
     ALLOW, OPERATORS),
    ("NumericLessThanEquals above the bound", *when({"NumericLessThanEquals": {"s3:max-keys": "10"}},
                                                    s3__max_keys=11), IMPLICIT, OPERATORS),
    ("numbers compare as numbers", *when({"NumericEquals": {"s3:max-keys": "10.0"}}, s3__max_keys="10"), ALLOW,
     OPERATORS),
    ("TLS 1.1 is below 1.2", *denied_when({"NumericLessThan": {"s3:TlsVersion": 1.2}}, s3__TlsVersion="1.1"), DENY,
     S3_TLS),
    ("TLS 1.3 is not below 1.2", *denied_when({"NumericLessThan": {"s3:TlsVersion": "1.2"}}, s3__TlsVersion="1.3"),
     ALLOW, S3_TLS),
    ("NumericGreaterThanIfExists, missing", *when({"NumericGreaterThanIfExists": {"s3:max-keys": "1"}}), ALLOW,
     OPERATORS),
    ("DateGreaterThan", *when({"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}},
                              aws__TokenIssueTime="2020-06-01T00:00:00Z"), ALLOW, OPERATORS),
    ("DateGreaterThan, long-term keys carry no token time", *when(
        {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}), IMPLICIT, OPERATORS),
    ("dates in epoch time", *when({"DateLessThan": {"aws:CurrentTime": "1609459200"}},
                                  aws__CurrentTime="2020-12-31T23:59:59Z"), ALLOW, OPERATORS),
    ("dates compare as instants", *when({"DateEquals": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
                                        aws__CurrentTime="2020-01-01T01:00:00+01:00"), ALLOW, OPERATORS),
    ("Bool false over plain HTTP", *denied_when({"Bool": {"aws:SecureTransport": "false"}},
                                                aws__SecureTransport=False), DENY, OPERATORS),
    ("Bool false over TLS", *denied_when({"Bool": {"aws:SecureTransport": "false"}}, aws__SecureTransport=True), ALLOW,
     OPERATORS),
    ("Bool with a JSON boolean", *denied_when({"Bool": {"aws:SecureTransport": False}}, aws__SecureTransport=False),
     DENY, OPERATORS),
    ("BoolIfExists MFA, long-term keys", *when({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}), ALLOW,
     GLOBAL_KEYS),
    ("BoolIfExists MFA, a session without MFA", *when({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}},
                                                      aws__MultiFactorAuthPresent=False), IMPLICIT, GLOBAL_KEYS),
    ("BinaryEquals", *when({"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, key="QmluYXJ5VmFsdWVJbkJhc2U2NA=="),
     ALLOW, OPERATORS),
    ("BinaryEquals, other bytes", *when({"BinaryEquals": {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, key="QUJD"),
     IMPLICIT, OPERATORS),
    ("IpAddress in range", *when({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, aws__SourceIp="203.0.113.7"),
     ALLOW, OPERATORS),
    ("IpAddress out of range", *when({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, aws__SourceIp="198.51.100.1"),
     IMPLICIT, OPERATORS),
    ("IpAddress IPv6", *when({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}},
                             aws__SourceIp="2001:db8:1234:5678::1"), ALLOW, OPERATORS),
    ("an address alone is /32", *when({"IpAddress": {"aws:SourceIp": "203.0.113.7"}}, aws__SourceIp="203.0.113.8"),
     IMPLICIT, OPERATORS),
    ("NotIpAddress denies other addresses", *denied_when({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                                                         aws__SourceIp="198.51.100.1"), DENY, OPERATORS),
    ("ArnLike checks each component", *when({"ArnLike": {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}},
                                            aws__SourceArn="arn:aws:someservice:us-east-2:999999999999:store/abc:"
                                                           "111122223333:finance/document.txt"), IMPLICIT, OPERATORS),
    ("StringLike spans components", *when({"StringLike": {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}},
                                          aws__SourceArn="arn:aws:someservice:us-east-2:999999999999:store/abc:"
                                                         "111122223333:finance/document.txt"), ALLOW, OPERATORS),
    ("ArnEquals takes wildcards like ArnLike", *when({"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}},
                                                     aws__SourceArn="arn:aws:sns:us-east-2:111122223333:topic"), ALLOW,
     OPERATORS),
    ("ArnLike is case-sensitive", *when({"ArnLike": {"aws:SourceArn": "arn:aws:appflow:us-east-1:111122223333:flow/X"}},
                                        aws__SourceArn="arn:aws:appflow:us-east-1:111122223333:flow/x"), IMPLICIT,
     OPERATORS),
    ("ArnNotLike, missing key", *when({"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}}), ALLOW,
     OPERATORS),
    ("Null true: key absent", *when({"Null": {"aws:TokenIssueTime": "true"}}), ALLOW, OPERATORS),
    ("Null true: key present", *when({"Null": {"aws:TokenIssueTime": "true"}},
                                     aws__TokenIssueTime="2020-06-01T00:00:00Z"), IMPLICIT, OPERATORS),
    ("Null false: key absent", *when({"Null": {"aws:TokenIssueTime": "false"}}), IMPLICIT, OPERATORS),
    # Set operators
    ("ForAllValues, all listed", *when({"ForAllValues:StringLike": {"dynamodb:requestedAttributes": [
        "PostDateTime", "Message", "Tags"]}}, dynamodb__requestedAttributes=["PostDateTime", "Message"]), ALLOW, SETS),
    ("ForAllValues, one not listed", *when({"ForAllValues:StringLike": {"dynamodb:requestedAttributes": [
        "PostDateTime", "Message", "Tags"]}}, dynamodb__requestedAttributes=["PostDateTime", "UserName"]), IMPLICIT,
     SETS),
    ("ForAllValues, key missing", *when({"ForAllValues:StringEquals": {"aws:CalledVia": "appflow.amazonaws.com"}}),
     ALLOW, SETS),
    ("ForAllValues, empty set", *when({"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}, aws__TagKeys=[]), ALLOW,
     SETS),
    ("ForAnyValue, one listed", *denied_when({"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": [
        "ID", "PostDateTime"]}}, dynamodb__requestedAttributes=["UserName", "Message", "PostDateTime"]), DENY, SETS),
    ("ForAnyValue, none listed", *denied_when({"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": [
        "ID", "PostDateTime"]}}, dynamodb__requestedAttributes=["UserName"]), ALLOW, SETS),
    ("ForAnyValue, key missing", *when({"ForAnyValue:StringEquals": {"aws:CalledVia": "appflow.amazonaws.com"}}),
     IMPLICIT, SETS),
    ("ForAnyValue, empty set", *when({"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}}, aws__TagKeys=[]),
     IMPLICIT, SETS),
    ("ForAnyValue over a chain of services", *when({"ForAnyValue:StringEquals": {"aws:CalledVia":
                                                                                "appflow.amazonaws.com"}},
                                                   aws__CalledVia=["athena.amazonaws.com", "appflow.amazonaws.com"]),
     ALLOW, SETS),
    ("ForAllValues negated: a listed key", *denied_when({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}},
                                                        aws__TagKeys=["key1:legal"]), ALLOW, SET_EXAMPLES),
    ("ForAllValues negated: another key", *denied_when({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}},
                                                       aws__TagKeys=["key2:audit"]), DENY, SET_EXAMPLES),
    ("ForAllValues negated: no key", *denied_when({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}), DENY,
     SET_EXAMPLES),
    # Policy variables and Version
    ("policy variable in a resource", policy(statement(resource=BUCKET + "/home/${aws:username}/*")),
     request(resource=BUCKET + "/home/alice/notes.txt", aws__username="alice"), ALLOW, VARIABLES),
    ("policy variable: another user's folder", policy(statement(resource=BUCKET + "/home/${aws:username}/*")),
     request(resource=BUCKET + "/home/bob/notes.txt", aws__username="alice"), IMPLICIT, VARIABLES),
    ("no Version: variables are literal text", policy(statement(resource=BUCKET + "/home/${aws:username}/*"),
                                                      version=None),
     request(resource=BUCKET + "/home/alice/notes.txt", aws__username="alice"), IMPLICIT, VERSION),
    ("${*} is a literal asterisk", policy(statement(resource=BUCKET + "/${*}")), request(), IMPLICIT, VARIABLES),
    ("policy variable in StringLike", *when({"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
                                            s3__prefix="home/alice/a", aws__username="alice"), ALLOW, VARIABLES),
]


def _identity_policy_with_principal():
    return parse_policy(policy(statement(Principal="*")), kind="identity")


@pytest.mark.parametrize("label, document, the_request, expected, source",
                         DECISIONS, ids=[row[0] for row in DECISIONS])
def test_decision_matches_aws(label, document, the_request, expected, source):
    parsed = _identity_policy_with_principal() if document is None else parse_policy(document)
    assert source.startswith("https://")
    assert evaluate(parsed, the_request) is expected


# -- is every request over plain HTTP (or old TLS) denied? ---------------------------------------

PLAIN_HTTP = {"aws:SecureTransport": False}
OBJECTS = ResourcesUnder(BUCKET + "/")


def tls_deny(**changes):
    found = dict(TLS_DENY)
    found.update(changes)
    return {key: value for key, value in found.items() if value is not None}


EVERY_REQUEST = [
    ("bucket and objects denied over HTTP", [tls_deny()], "s3:GetObject", OBJECTS, PLAIN_HTTP, Answer.YES, S3_TLS),
    ("bucket requests too", [tls_deny()], "s3:ListBucket", BUCKET, PLAIN_HTTP, Answer.YES, S3_TLS),
    ("not over TLS", [tls_deny()], "s3:GetObject", OBJECTS, {"aws:SecureTransport": True}, Answer.NO, OPERATORS),
    ("the bucket ARN alone leaves objects open", [tls_deny(Resource=BUCKET)], "s3:PutObject", OBJECTS, PLAIN_HTTP,
     Answer.NO, S3_ACTIONS),
    ("bucket* covers the objects", [tls_deny(Resource="arn:aws:s3:::amzn-s3-demo-bucket*")], "s3:PutObject",
     OBJECTS, PLAIN_HTTP, Answer.YES, RESOURCE),
    ("a prefix leaves other objects open", [tls_deny(Resource=BUCKET + "/public/*")], "s3:PutObject", OBJECTS,
     PLAIN_HTTP, Answer.NO, RESOURCE),
    ("bucket/? covers one-character keys only", [tls_deny(Resource=BUCKET + "/?")], "s3:PutObject", OBJECTS,
     PLAIN_HTTP, Answer.NO, RESOURCE),
    ("AWS * is every principal", [tls_deny(Principal={"AWS": "*"})], "s3:GetObject", OBJECTS, PLAIN_HTTP, Answer.YES,
     S3_TLS),
    ("one account is not every principal", [tls_deny(Principal={"AWS": OWN})], "s3:GetObject", OBJECTS, PLAIN_HTTP,
     Answer.NO, PRINCIPAL),
    ("NotPrincipal spares someone", [tls_deny(Principal=None, NotPrincipal={"AWS": f"arn:aws:iam::{OWN}:root"})],
     "s3:GetObject", OBJECTS, PLAIN_HTTP, Answer.NO, NOT_PRINCIPAL),
    ("NotAction spares its action", [tls_deny(Action=None, NotAction="s3:GetObject")], "s3:GetObject", OBJECTS,
     PLAIN_HTTP, Answer.NO, NOT_ACTION),
    ("NotAction denies the others", [tls_deny(Action=None, NotAction="s3:GetObject")], "s3:PutObject", OBJECTS,
     PLAIN_HTTP, Answer.YES, NOT_ACTION),
    ("NotResource elsewhere denies here", [tls_deny(Resource=None, NotResource="arn:aws:s3:::other/*")],
     "s3:PutObject", OBJECTS, PLAIN_HTTP, Answer.YES, NOT_RESOURCE),
    ("NotResource on some objects spares them", [tls_deny(Resource=None, NotResource=BUCKET + "/public/*")],
     "s3:PutObject", OBJECTS, PLAIN_HTTP, Answer.NO, NOT_RESOURCE),
    ("a deny that depends on the caller's account", [tls_deny(Condition={
        "Bool": {"aws:SecureTransport": "false"}, "StringNotEquals": {"aws:PrincipalAccount": OWN}})],
     "s3:GetObject", OBJECTS, PLAIN_HTTP, Answer.NO, MULTIPLE),
    ("BoolIfExists", [tls_deny(Condition={"BoolIfExists": {"aws:SecureTransport": "false"}})], "s3:GetObject",
     OBJECTS, PLAIN_HTTP, Answer.YES, OPERATORS),
    ("the condition the wrong way round", [tls_deny(Condition={"Bool": {"aws:SecureTransport": "true"}})],
     "s3:GetObject", OBJECTS, PLAIN_HTTP, Answer.NO, OPERATORS),
    ("TLS below 1.2", [tls_deny(Condition={"NumericLessThan": {"s3:TlsVersion": 1.2}})], "s3:PutObject", OBJECTS,
     {"aws:SecureTransport": True, "s3:TlsVersion": "1.1"}, Answer.YES, S3_TLS),
    ("a deny below 1.1 lets 1.1 in", [tls_deny(Condition={"NumericLessThan": {"s3:TlsVersion": "1.1"}})],
     "s3:PutObject", OBJECTS, {"aws:SecureTransport": True, "s3:TlsVersion": "1.1"}, Answer.NO, OPERATORS),
    ("an unknown resource list", [tls_deny(Resource=UNKNOWN)], "s3:PutObject", OBJECTS, PLAIN_HTTP,
     Answer.UNDECIDABLE, RESOURCE),
]


@pytest.mark.parametrize("label, statements, action, resource, context, expected, source",
                         EVERY_REQUEST, ids=[row[0] for row in EVERY_REQUEST])
def test_every_request_denied(label, statements, action, resource, context, expected, source):
    parsed = parse_policy(policy(*statements), kind="resource")
    assert denies_every_request(parsed, action, resource, context) is expected


# -- who outside the account does a policy let in? -----------------------------------------------

KMS_USE = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"]
# "*" is all principals: anonymous users, every account's identities, and AWS services.
ANYONE = {Outsider.ANONYMOUS, Outsider.OTHER_ACCOUNT, Outsider.SERVICE}


def key_statement(principal="*", condition=None, effect="Allow"):
    found = statement(effect, KMS_USE, "*", Principal=principal)
    if condition:
        found["Condition"] = condition
    return found


def appflow_grant(condition=None):
    found = statement("Allow", ["s3:PutObject", "s3:GetBucketAcl"], [BUCKET, BUCKET + "/*"],
                      Principal={"Service": "appflow.amazonaws.com"})
    if condition:
        found["Condition"] = condition
    return found


OUTSIDE = [
    ("wildcard principal, no condition", [key_statement()], None, None, ANYONE, KMS_ACCESS),
    ("AWS * principal, no condition", [key_statement({"AWS": "*"})], None, None, ANYONE, KMS_ACCESS),
    ("kms:CallerAccount limits to the account", [key_statement({"AWS": "*"}, {"StringEquals": {
        "kms:CallerAccount": OWN, "kms:ViaService": "s3.us-east-1.amazonaws.com"}})], None, None, set(), KMS_KEYS),
    ("kms:ViaService alone limits nobody", [key_statement({"AWS": "*"}, {"StringEquals": {
        "kms:ViaService": "s3.us-east-1.amazonaws.com"}})], None, None, ANYONE, KMS_ACCESS),
    ("aws:PrincipalAccount limits to the account", [key_statement("*", {"StringEquals": {
        "aws:PrincipalAccount": OWN}})], OWN, None, set(), GLOBAL_KEYS),
    # aws:PrincipalOrgID is in a request only when the principal belongs to an organization.
    ("aws:PrincipalOrgID IfExists lets everyone outside an organization in", [key_statement("*", {
        "StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})], OWN, None,
     ANYONE | {Outsider.ORGANIZATION}, GLOBAL_KEYS),
    ("aws:PrincipalOrgID shares within the organization", [key_statement("*", {"StringEquals": {
        "aws:PrincipalOrgID": "o-a1b2c3d4e5"}})], OWN, None, {Outsider.ORGANIZATION}, GLOBAL_KEYS),
    ("aws:PrincipalOrgID of another organization", [key_statement("*", {"StringEquals": {
        "aws:PrincipalOrgID": "o-f6g7h8i9j0"}})], OWN, "o-a1b2c3d4e5", {Outsider.OTHER_ACCOUNT}, GLOBAL_KEYS),
    ("aws:PrincipalOrgPaths", [key_statement("*", {"ForAnyValue:StringLike": {
        "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}})], OWN, "o-a1b2c3d4e5",
     {Outsider.ORGANIZATION}, GLOBAL_KEYS),
    ("aws:PrincipalArn in the account", [key_statement("*", {"ArnLike": {
        "aws:PrincipalArn": f"arn:aws:iam::{OWN}:role/*"}})], OWN, None, set(), PRINCIPAL),
    ("aws:SourceIp identifies nobody", [key_statement("*", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})],
     OWN, None, ANYONE, PRINCIPAL),
    ("a deny for other accounts closes the wildcard", [key_statement(), key_statement(
        "*", {"StringNotEquals": {"aws:PrincipalAccount": OWN}}, "Deny")], OWN, None, set(), EVALUATION),
    ("another account named", [key_statement({"AWS": f"arn:aws:iam::{OTHER}:root"})], OWN, None,
     {Outsider.OTHER_ACCOUNT}, PRINCIPAL),
    ("the account itself", [key_statement({"AWS": f"arn:aws:iam::{OWN}:root"})], OWN, None, set(), PRINCIPAL),
    ("AppFlow without a source condition", [appflow_grant()], None, None, {Outsider.SERVICE}, CONFUSED_DEPUTY),
    ("AppFlow for one source account", [appflow_grant({"StringEquals": {"aws:SourceAccount": OWN}})], None, None,
     set(), CONFUSED_DEPUTY),
    ("AppFlow for the account's flows", [appflow_grant({"ArnLike": {
        "aws:SourceArn": f"arn:aws:appflow:us-east-1:{OWN}:*"}})], None, None, set(), CONFUSED_DEPUTY),
    ("AppFlow for any account's flows", [appflow_grant({"ArnLike": {"aws:SourceArn": "arn:aws:appflow:*:*:*"}})],
     None, None, {Outsider.SERVICE}, CONFUSED_DEPUTY),
    ("AppFlow for any account's flows, resource part named", [appflow_grant({"ArnLike": {
        "aws:SourceArn": "arn:aws:appflow:us-east-1:*:flow/*"}})], None, None, {Outsider.SERVICE}, CONFUSED_DEPUTY),
    ("wildcard limited by aws:SourceAccount", [key_statement("*", {"StringEquals": {"aws:SourceAccount": OWN}})],
     OWN, None, set(), CONFUSED_DEPUTY),
    ("wildcard limited by aws:SourceArn", [key_statement("*", {"ArnLike": {
        "aws:SourceArn": f"arn:aws:appflow:us-east-1:{OWN}:*"}})], OWN, None, set(), CONFUSED_DEPUTY),
    ("aws:SourceVpce identifies nobody", [key_statement("*", {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})],
     OWN, None, ANYONE, GLOBAL_KEYS),
]


@pytest.mark.parametrize("label, statements, account, organization, expected, source",
                         OUTSIDE, ids=[row[0] for row in OUTSIDE])
def test_grants_outside_the_account(label, statements, account, organization, expected, source):
    parsed = parse_policy(policy(*statements), kind="resource")
    found = grants_outside(parsed, account=account, organization=organization)
    assert not found.undecidable and found.invalid is None
    assert found.outsiders == expected
    assert {grant.statement.index for grant in found.grants} <= {index for index, item in enumerate(statements)
                                                                 if item["Effect"] == "Allow"}


# -- is an action allowed only when a condition holds? -------------------------------------------

NAME_IS_APPFLOWS = {"StringLike": {"secretsmanager:Name": "appflow!*"}}
CALLED_VIA_APPFLOW = {"ForAnyValue:StringEquals": {"aws:CalledVia": "appflow.amazonaws.com"}}
OWNED_BY_APPFLOW = {"StringEqualsIgnoreCase": {"secretsmanager:ResourceTag/aws:secretsmanager:owningService":
                                               "appflow"}}
SEED_CREATE = statement(action="secretsmanager:CreateSecret", Sid="SecretsManagerCreateSecretAccess", Condition={
    "StringLike": {"secretsmanager:Name": "appflow!*"},
    "ForAnyValue:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]}})


def create_secret(condition=None):
    found = statement(action="secretsmanager:CreateSecret")
    if condition is not None:
        found["Condition"] = condition
    return found


ONLY_WHEN = [
    ("the AWS page's statement: name", [SEED_CREATE], "secretsmanager:CreateSecret", NAME_IS_APPFLOWS, Answer.YES,
     APPFLOW_SEED),
    ("the AWS page's statement: called via AppFlow", [SEED_CREATE], "secretsmanager:CreateSecret",
     CALLED_VIA_APPFLOW, Answer.YES, APPFLOW_SEED),
    ("no condition", [create_secret()], "secretsmanager:CreateSecret", NAME_IS_APPFLOWS, Answer.NO, OPERATORS),
    ("any name", [create_secret({"StringLike": {"secretsmanager:Name": "*"}})], "secretsmanager:CreateSecret",
     NAME_IS_APPFLOWS, Answer.NO, OPERATORS),
    ("a wider prefix", [create_secret({"StringLike": {"secretsmanager:Name": "app*"}})],
     "secretsmanager:CreateSecret", NAME_IS_APPFLOWS, Answer.NO, OPERATORS),
    ("IfExists lets a request without the key in", [create_secret({"StringLikeIfExists": {
        "secretsmanager:Name": "appflow!*"}})], "secretsmanager:CreateSecret", NAME_IS_APPFLOWS, Answer.NO, OPERATORS),
    ("ForAllValues lets a direct call in", [create_secret({"ForAllValues:StringEquals": {
        "aws:CalledVia": "appflow.amazonaws.com"}})], "secretsmanager:CreateSecret", CALLED_VIA_APPFLOW, Answer.NO,
     SETS),
    ("a second statement without the condition", [SEED_CREATE, create_secret()], "secretsmanager:CreateSecret",
     NAME_IS_APPFLOWS, Answer.NO, EVALUATION),
    ("a deny of the other names closes it", [create_secret(), statement(
        "Deny", "secretsmanager:CreateSecret", Condition={"StringNotLike": {"secretsmanager:Name": "appflow!*"}})],
     "secretsmanager:CreateSecret", NAME_IS_APPFLOWS, Answer.YES, EVALUATION),
    ("NotAction grants it unconditioned", [statement(action=None, NotAction="iam:*")], "secretsmanager:CreateSecret",
     NAME_IS_APPFLOWS, Answer.NO, NOT_ACTION),
    ("owning service, as the AWS page writes it", [statement(action="secretsmanager:PutResourcePolicy",
                                                             Condition=OWNED_BY_APPFLOW)],
     "secretsmanager:PutResourcePolicy", OWNED_BY_APPFLOW, Answer.YES, APPFLOW_SEED),
    ("owning service, case-sensitive is narrower", [statement(action="secretsmanager:PutResourcePolicy", Condition={
        "StringEquals": {"secretsmanager:ResourceTag/aws:secretsmanager:owningService": "appflow"}})],
     "secretsmanager:PutResourcePolicy", OWNED_BY_APPFLOW, Answer.YES, OPERATORS),
    ("owning service, a pattern is wider", [statement(action="secretsmanager:PutResourcePolicy", Condition={
        "StringLike": {"secretsmanager:ResourceTag/aws:secretsmanager:owningService": "app*"}})],
     "secretsmanager:PutResourcePolicy", OWNED_BY_APPFLOW, Answer.NO, OPERATORS),
]


@pytest.mark.parametrize("label, statements, action, required, expected, source",
                         ONLY_WHEN, ids=[row[0] for row in ONLY_WHEN])
def test_allowed_only_when(label, statements, action, required, expected, source):
    parsed = parse_policy(policy(*statements), kind="identity")
    result = allowed_only_when(parsed, action, "*", required)
    assert result.answer is expected
    if expected is Answer.NO:
        # The witness breaks the requirement and the policy allows it.
        assert evaluate(parsed, Request(action, "*", None, result.witness, complete=False)) is Decision.ALLOW


def test_the_tables_are_large_enough():
    assert len(DECISIONS) + len(EVERY_REQUEST) + len(OUTSIDE) + len(ONLY_WHEN) >= 60
    assert len(DECISIONS) >= 60


# -- odd inputs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, 42, 4.2, True, [], "", "{oops", "[1, 2]", {"Statement": "x"},
                                 {"Statement": []}, {"Statement": [1]}, {"Statement": [{"Effect": "Allow"}]},
                                 {"Statement": [{"Effect": "Allow", "Action": 3, "Resource": "*"}]},
                                 {"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]},
                                 {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": {"a": 1}}]},
                                 {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                                                 "Condition": "x"}]},
                                 {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                                                 "Condition": {"StringEquals": {"k": {"nested": 1}}}}]},
                                 {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                                                 "Condition": {"Null": {"k": "true"}, "ForSomeValues:StringEquals": {
                                                     "k": "v"}}}]},
                                 {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                                                 "Condition": {"NullIfExists": {"k": "true"}}}]},
                                 {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                                                 "Principal": {"Everyone": "*"}}]},
                                 {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                                                 "Principal": ["*"]}]}])
def test_malformed_documents_are_invalid_never_raised(raw):
    parsed = parse_policy(raw)
    assert parsed.invalid
    assert evaluate(parsed, request()) is Decision.INVALID
    assert denies_every_request(parsed, "s3:GetObject", OBJECTS, PLAIN_HTTP) is Answer.INVALID
    assert grants_outside(parsed).invalid == parsed.invalid
    assert allowed_only_when(parsed, "s3:GetObject", "*", NAME_IS_APPFLOWS).answer is Answer.INVALID


def test_invalid_reasons_say_what_aws_refuses():
    assert parse_policy(policy(statement(NotPrincipal={"AWS": OWN}))).invalid == \
        "statement 0: NotPrincipal is supported only with Deny"
    assert parse_policy(policy(statement(Principal={"AWS": "arn:aws:iam::111122223333:role/app-*"}))).invalid == \
        "statement 0: a wildcard cannot match part of a principal"
    assert parse_policy(policy(statement(Sid="Tls")), kind="resource").invalid == \
        "statement Tls: a resource-based policy statement needs a Principal"
    assert parse_policy(policy(statement(Condition={"StringEqualz": {"k": "v"}}))).invalid == \
        "statement 0: unknown condition operator 'StringEqualz'"


@pytest.mark.parametrize("document", [
    UNKNOWN,
    {"Version": "2012-10-17", "Statement": UNKNOWN},
    policy(UNKNOWN),
    policy(statement(Effect=UNKNOWN)),
    policy(statement(action=UNKNOWN)),
    policy(statement(resource=[UNKNOWN])),
    policy(statement(Principal=UNKNOWN)),
    policy(statement(Principal={"AWS": [UNKNOWN]})),
    policy(statement(Condition=UNKNOWN)),
    policy(statement(Condition={"StringEquals": UNKNOWN})),
    policy(statement(Condition={"StringEquals": {"aws:PrincipalAccount": UNKNOWN}})),
])
def test_unknown_parts_make_answers_undecidable(document):
    parsed = parse_policy(document)
    assert parsed.invalid is None
    assert evaluate(parsed, request(principal=ALICE, aws__PrincipalAccount=OWN)) is Decision.UNDECIDABLE


def test_an_explicit_deny_is_certain_beside_unknown_parts():
    parsed = parse_policy(policy(statement(resource=UNKNOWN), statement("Deny")))
    assert evaluate(parsed, request()) is Decision.EXPLICIT_DENY
    assert denies_every_request(parse_policy(policy(statement("Deny", "s3:*", "*", Principal="*"), UNKNOWN)),
                                "s3:GetObject", OBJECTS, PLAIN_HTTP) is Answer.YES


def test_unknown_parts_make_outside_grants_undecidable():
    assert grants_outside(parse_policy(UNKNOWN)).undecidable
    found = grants_outside(parse_policy(policy(key_statement("*", {"StringEquals": {"kms:CallerAccount": UNKNOWN}}))))
    assert found.undecidable and found.grants == ()
    assert allowed_only_when(parse_policy(policy(create_secret({"StringLike": {"secretsmanager:Name": UNKNOWN}}))),
                             "secretsmanager:CreateSecret", "*", NAME_IS_APPFLOWS).answer is Answer.UNDECIDABLE


def test_json_text_and_objects_read_alike():
    document = policy(statement(Principal={"AWS": OWN}, Condition={"Bool": {"aws:SecureTransport": True}}))
    the_request = request(principal=ALICE, aws__SecureTransport=True)
    assert evaluate(parse_policy(json.dumps(document)), the_request) is Decision.ALLOW
    assert evaluate(parse_policy(document), the_request) is Decision.ALLOW
    single = {"Version": "2012-10-17", "Statement": statement(Principal={"AWS": OWN})}
    assert evaluate(parse_policy(single), the_request) is Decision.ALLOW


def test_unreadable_operator_values_are_undecidable_not_guessed():
    for condition, context in (({"NumericLessThan": {"s3:TlsVersion": "one point two"}}, {"s3__TlsVersion": "1.1"}),
                               ({"DateLessThan": {"aws:CurrentTime": "next year"}},
                                {"aws__CurrentTime": "2020-01-01T00:00:00Z"}),
                               ({"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}, {"aws__SourceIp": "10.0.0.1"}),
                               ({"Null": {"aws:TokenIssueTime": "maybe"}}, {})):
        assert evaluate(parse_policy(policy(statement(Condition=condition))), request(**context)) is \
            Decision.UNDECIDABLE
    # A request value the operator cannot read simply does not match.
    assert evaluate(parse_policy(policy(statement(Condition={"NumericLessThan": {"s3:TlsVersion": "1.2"}}))),
                    request(s3__TlsVersion="tls1.1")) is Decision.IMPLICIT_DENY


def test_a_multivalued_key_under_a_plain_operator_is_undecidable():
    # AWS says to use ForAnyValue/ForAllValues with multivalued keys and does not say what a plain
    # operator does with several request values.
    parsed = parse_policy(policy(statement(Condition={"StringEquals": {"aws:CalledVia": "appflow.amazonaws.com"}})))
    assert evaluate(parsed, request(aws__CalledVia=["athena.amazonaws.com", "appflow.amazonaws.com"])) is \
        Decision.UNDECIDABLE
    assert evaluate(parsed, request(aws__CalledVia=["appflow.amazonaws.com"])) is Decision.ALLOW


def test_for_any_value_if_exists_on_a_missing_key_is_undecidable():
    # IfExists says a missing key is true, ForAnyValue says it is false; AWS does not say which wins.
    parsed = parse_policy(policy(statement(Condition={"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "team"}})))
    assert evaluate(parsed, request()) is Decision.UNDECIDABLE
    assert evaluate(parsed, request(aws__TagKeys=["team"])) is Decision.ALLOW


def test_condition_keys_are_case_insensitive_and_values_odd_types_tolerated():
    parsed = parse_policy(policy(statement(Condition={"numericlessthan": {"S3:TLSVERSION": 1.2}})))
    assert evaluate(parsed, request(**{"s3__tlsversion": 1.1})) is Decision.ALLOW
    assert evaluate(parsed, request(**{"s3__tlsversion": None})) is Decision.IMPLICIT_DENY
    assert evaluate(parsed, request(**{"s3__tlsversion": {"odd": 1}})) is Decision.IMPLICIT_DENY
    assert evaluate(parsed, Request("s3:GetObject", OBJECT, None, {"s3:TlsVersion": ABSENT})) is Decision.IMPLICIT_DENY


def test_a_policy_variable_the_request_lacks_matches_nothing_unless_defaulted():
    folder = policy(statement(resource=BUCKET + "/home/${aws:username}/*"))
    assert evaluate(parse_policy(folder), request(resource=BUCKET + "/home//x")) is Decision.IMPLICIT_DENY
    defaulted = policy(statement(resource=BUCKET + "/home/${aws:username, 'shared'}/*"))
    assert evaluate(parse_policy(defaulted), request(resource=BUCKET + "/home/shared/x")) is Decision.ALLOW


def test_an_identity_policy_question_needs_no_principal_and_a_resource_policy_one_does():
    resource_policy = parse_policy(policy(statement(Principal={"AWS": OWN})), kind="resource")
    assert evaluate(resource_policy, request()) is Decision.UNDECIDABLE
    assert evaluate(resource_policy, request(principal=ALICE)) is Decision.ALLOW


def test_trust_policies_need_no_resource():
    trust = parse_policy(policy(statement(action="sts:AssumeRole", resource=None,
                                          Principal={"Service": "appflow.amazonaws.com"})), kind="trust")
    assert trust.invalid is None
    assert evaluate(trust, Request("sts:AssumeRole", None, APPFLOW)) is Decision.ALLOW
    assert parse_policy(policy(statement(resource=None))).invalid == "statement 0 has neither Resource nor NotResource"


def test_huge_documents_cost_work_linear_in_their_size(monkeypatch):
    """Counted, not timed: statements evaluated and automaton steps taken grow with the document."""
    counts = {"statements": 0, "steps": 0}
    real_applies, real_step = policy_evaluation.statement_applies, policy_evaluation._step

    def counting_applies(*args, **kwargs):
        counts["statements"] += 1
        return real_applies(*args, **kwargs)

    def counting_step(*args, **kwargs):
        counts["steps"] += 1
        return real_step(*args, **kwargs)

    monkeypatch.setattr(policy_evaluation, "statement_applies", counting_applies)
    monkeypatch.setattr(policy_evaluation, "_step", counting_step)

    def work(size):
        document = policy(*[statement("Deny", f"s3:Put{index}*", f"{BUCKET}/p{index}/*", Principal="*",
                                      Condition={"StringLike": {"s3:prefix": f"k{index}*"}}) for index in range(size)])
        parsed = parse_policy(json.dumps(document), kind="resource")
        counts.update(statements=0, steps=0)
        evaluate(parsed, Request("s3:GetObject", OBJECT, ALICE, {"s3:prefix": "x"}))
        denies_every_request(parsed, "s3:PutObject", OBJECTS, PLAIN_HTTP)
        grants_outside(parsed, OWN)
        return dict(counts)

    small, large = work(50), work(500)
    assert small["statements"] > 0 and small["steps"] > 0
    for measure in ("statements", "steps"):
        assert large[measure] <= small[measure] * 10 * 1.2, measure
