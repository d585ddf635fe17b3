import json

from appflow_guard.core.documents import grants_appflow_service, has_source_condition, parse_document
from appflow_guard.core.values import UNKNOWN


def test_statement_forms_are_normalised():
    document = parse_document(json.dumps({"Statement": {
        "Effect": "Allow", "Action": "s3:*", "Principal": {"AWS": "*", "Service": ["appflow.amazonaws.com"]},
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}}))
    [statement] = document.statements
    assert statement.principals == ("*", "Service:appflow.amazonaws.com")
    assert statement.grants("s3:PutObject") and not statement.grants("kms:Decrypt")
    assert grants_appflow_service(statement) and has_source_condition(statement)


def test_unknown_and_invalid_documents_are_flagged_not_raised():
    assert parse_document(UNKNOWN).unknown
    assert parse_document("{oops").invalid
    assert parse_document(json.dumps({"Statement": "x"})).invalid
    assert parse_document(json.dumps([1, 2])).invalid
    assert parse_document(None).invalid


def test_condition_values_read_booleans_and_numbers():
    [statement] = parse_document({"Statement": [{"Effect": "Deny", "Condition": {
        "Bool": {"aws:SecureTransport": False}, "NumericLessThan": {"s3:TlsVersion": 1.2}}}]}).statements
    assert statement.condition_values("Bool", "aws:securetransport") == ["false"]
    assert statement.condition_values("NumericLessThan", "s3:TlsVersion") == ["1.2"]
