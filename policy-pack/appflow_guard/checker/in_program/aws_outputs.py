"""The ID and outputs AWS gives a resource it creates: ARNs, key IDs, bucket names in AWS's forms.

The mocks answer an update's registrations from here (a preview leaves them unknown), and the engine
suite's stand-in provider creates resources with the same answers.
"""

from __future__ import annotations

import hashlib

from . import aws_answers
from .aws_answers import ACCOUNT


def _digest(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _uuid(*parts: str) -> str:
    value = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:32]}"


# ARNs whose service or resource part is not "<module>:...:<kind>/<name>".
ARN_FORMS = {
    "aws:sfn/stateMachine:StateMachine": ("states", "stateMachine:{}"),
    "aws:lambda/function:Function": ("lambda", "function:{}"),
    "aws:sns/topic:Topic": ("sns", "{}"),
    "aws:sqs/queue:Queue": ("sqs", "{}"),
    "aws:cloudwatch/logGroup:LogGroup": ("logs", "log-group:{}"),
    "aws:dynamodb/table:Table": ("dynamodb", "table/{}"),
    "aws:ecr/repository:Repository": ("ecr", "repository/{}"),
    "aws:ecs/cluster:Cluster": ("ecs", "cluster/{}"),
    "aws:eks/cluster:Cluster": ("eks", "cluster/{}"),
    "aws:rds/instance:Instance": ("rds", "db:{}"),
    "aws:lb/loadBalancer:LoadBalancer": ("elasticloadbalancing", "loadbalancer/app/{}/0123456789abcdef"),
    "aws:lb/targetGroup:TargetGroup": ("elasticloadbalancing", "targetgroup/{}/0123456789abcdef"),
    "aws:apigatewayv2/api:Api": ("apigateway", "/apis/{}"),
    "aws:apigateway/restApi:RestApi": ("apigateway", "/restapis/{}"),
    "aws:ec2/vpc:Vpc": ("ec2", "vpc/{}"),
    "aws:ec2/subnet:Subnet": ("ec2", "subnet/{}"),
    "aws:ec2/securityGroup:SecurityGroup": ("ec2", "security-group/{}"),
    "aws:ec2/instance:Instance": ("ec2", "instance/{}"),
}


# IAM resource types whose ARN names them otherwise (IAM identifiers, "IAM ARNs").
IAM_ARN_TYPES = {"InstanceProfile": "instance-profile", "OpenIdConnectProvider": "oidc-provider",
                 "SamlProvider": "saml-provider", "ServerCertificate": "server-certificate", "VirtualMfaDevice": "mfa",
                 "ServiceLinkedRole": "role/aws-service-role"}


def native_outputs(type_token: str, name: str, inputs: dict, region: str) -> tuple[str, dict] | None:
    """(id, outputs) Cloud Control API returns for the aws-native resources the examples use, or None.

    aws-native names outputs after CloudFormation's return values (a key's ``keyId``, a bucket's
    ``bucketName``, a secret's ``awsId``, a flow's ``flowArn``); an input that depends on an output
    the mock does not return is dropped, so each output a program reads must be here.
    """
    if not type_token.startswith("aws-native:"):
        return None
    given = inputs.get
    if type_token == "aws-native:kms:Key":
        key_id = _uuid(type_token, name)
        return key_id, {"keyId": key_id, "arn": f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"}
    if type_token == "aws-native:kms:Alias":
        return str(given("aliasName") or f"alias/{name}"), {}
    if type_token == "aws-native:s3:Bucket":
        bucket = given("bucketName") if isinstance(given("bucketName"), str) else f"{name}-{_digest(type_token, name)}"
        return bucket, {"bucketName": bucket, "arn": f"arn:aws:s3:::{bucket}",
                        "domainName": f"{bucket}.s3.amazonaws.com",
                        "regionalDomainName": f"{bucket}.s3.{region}.amazonaws.com"}
    if type_token == "aws-native:secretsmanager:Secret":
        secret = given("name") if isinstance(given("name"), str) else f"{name}-{_digest(type_token, name)}"
        arn = f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{secret}-{_digest(name, length=6)}"
        return arn, {"awsId": arn}
    if type_token == "aws-native:appflow:ConnectorProfile":
        profile = str(given("connectorProfileName") or name)
        return profile, {"connectorProfileArn": f"arn:aws:appflow:{region}:{ACCOUNT}:connectorprofile/{profile}",
                         "credentialsArn": aws_answers.arn_for("secret", f"appflow!{ACCOUNT}-{profile}", region, ACCOUNT)}
    if type_token == "aws-native:appflow:Flow":
        flow = str(given("flowName") or name)
        return flow, {"flowArn": f"arn:aws:appflow:{region}:{ACCOUNT}:flow/{flow}"}
    if type_token == "aws-native:cloudtrail:Trail":
        trail = str(given("trailName") or f"{name}-{_digest(type_token, name)}")
        return trail, {"arn": f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{trail}"}
    if type_token == "aws-native:iam:ManagedPolicy":
        policy = str(given("managedPolicyName") or f"{name}-{_digest(type_token, name)}")
        arn = f"arn:aws:iam::{ACCOUNT}:policy/{policy}"
        return arn, {"policyArn": arn, "policyId": aws_answers.unique_id("ANPA", type_token, name)}
    if type_token == "aws-native:iam:Role":
        role = str(given("roleName") or f"{name}-{_digest(type_token, name)}")
        return role, {"arn": f"arn:aws:iam::{ACCOUNT}:role/{role}", "roleId": aws_answers.unique_id("AROA", type_token, name)}
    return f"{name}-{_digest(type_token, name)}", {}


def computed_outputs(type_token: str, name: str, inputs: dict, region: str) -> tuple[str, dict]:
    """(id, outputs AWS would compute) for a created resource."""
    native = native_outputs(type_token, name, inputs, region)
    if native is not None:
        return native
    module = type_token.split(":")[1].split("/")[0] if type_token.count(":") == 2 else ""
    kind = type_token.rsplit(":", 1)[-1]
    physical = inputs.get("name") if isinstance(inputs.get("name"), str) else f"{name}-{_digest(type_token, name)}"
    outputs: dict = {}
    if type_token in ("aws:kms/key:Key", "aws:kms/externalKey:ExternalKey", "aws:kms/replicaKey:ReplicaKey",
                      "aws:kms/replicaExternalKey:ReplicaExternalKey"):
        key_id = _uuid(type_token, name)
        physical = key_id
        outputs = {"keyId": key_id, "arn": f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"}
    elif type_token == "aws:kms/alias:Alias":
        physical = inputs["name"] if isinstance(inputs.get("name"), str) else f"alias/{name}"
        outputs = {"arn": f"arn:aws:kms:{region}:{ACCOUNT}:{physical}", "targetKeyArn": inputs.get("targetKeyId")}
    elif type_token in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
        physical = inputs["bucket"] if isinstance(inputs.get("bucket"), str) else f"{name}-{_digest(type_token, name)}"
        outputs = {"bucket": physical, "arn": f"arn:aws:s3:::{physical}",
                   "bucketDomainName": f"{physical}.s3.amazonaws.com", "region": region}
    elif type_token.startswith("aws:s3/"):
        physical = inputs.get("bucket") if isinstance(inputs.get("bucket"), str) else physical
    elif type_token == "aws:secretsmanager/secret:Secret":
        physical = f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{physical}-{_digest(name, length=6)}"
        outputs = {"arn": physical}
    elif type_token == "aws:secretsmanager/secretVersion:SecretVersion":
        outputs = {"arn": aws_answers.secret_arn(inputs.get("secretId") or physical, region, ACCOUNT)}
    elif type_token == "aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount":
        member = inputs.get("accountId") if isinstance(inputs.get("accountId"), str) else ACCOUNT
        outputs = {"arn": f"arn:aws:organizations::{ACCOUNT}:account/o-{_digest(ACCOUNT, length=10)}/{member}"}
    elif module == "iam":
        outputs = {"arn": f"arn:aws:iam::{ACCOUNT}:{IAM_ARN_TYPES.get(kind, kind[:1].lower() + kind[1:])}/{physical}"}
        if kind == "Role":
            outputs["uniqueId"] = aws_answers.unique_id("AROA", type_token, name)
    elif type_token == "aws:appflow/flow:Flow":
        outputs = {"arn": f"arn:aws:appflow:{region}:{ACCOUNT}:flow/{physical}", "flowStatus": "Active"}
    elif type_token == "aws:appflow/connectorProfile:ConnectorProfile":
        outputs = {"arn": f"arn:aws:appflow:{region}:{ACCOUNT}:connectorprofile/{physical}",
                   "credentialsArn": aws_answers.arn_for("secret", f"appflow!{ACCOUNT}-{physical}", region, ACCOUNT)}
    elif type_token == "aws:cloudtrail/trail:Trail":
        outputs = {"arn": f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{physical}", "homeRegion": region}
    elif type_token in ARN_FORMS:
        service, resource = ARN_FORMS[type_token]
        account = "" if service in ("apigateway",) else ACCOUNT
        outputs = {"arn": f"arn:aws:{service}:{region}:{account}:{resource.format(physical)}"}
    elif module:
        outputs = {"arn": f"arn:aws:{module}:{region}:{ACCOUNT}:{kind.lower()}/{physical}"}
    if "tags" in inputs:
        outputs["tagsAll"] = inputs["tags"]
    return str(physical), outputs
