"""Turning a rule's findings into SDK violations, honouring per-resource exemptions."""

from __future__ import annotations

from typing import Any, Callable, Optional

from pulumi_policy import ReportViolation, ResourceValidationArgs, StackValidationArgs

from .rule_config import Exemption, InvalidConfig, parse_exemptions, today


class Findings:
    """Collects a rule's violations; exempt resources are skipped, expired exemptions say so."""

    def __init__(self, report_violation: ReportViolation, exemptions: tuple[Exemption, ...],
                 attach_urn: bool, default_name: str = "", default_urn: str = "") -> None:
        self._report_violation = report_violation
        self._exemptions = exemptions
        self._attach_urn = attach_urn
        self._default_name = default_name
        self._default_urn = default_urn

    def add(self, message: str, resource: Any = None) -> None:
        """Report ``message`` about ``resource`` (a PolicyResource; default: the analysed one)."""
        name = resource.name if resource is not None else self._default_name
        urn = resource.urn if resource is not None else self._default_urn
        for exemption in self._exemptions:
            if not exemption.matches(name, urn):
                continue
            if not exemption.expired(today()):
                return
            message += f" (The exemption for '{exemption.resource}' expired on {exemption.expires.isoformat()}.)"
            break
        self._report_violation(message, urn if self._attach_urn and urn else None)


ResourceCheck = Callable[[ResourceValidationArgs, Findings], None]
StackCheck = Callable[[StackValidationArgs, Findings], None]


def _report_invalid_config(report_violation: ReportViolation, error: InvalidConfig) -> None:
    report_violation(f"Invalid policy config: {error}.", None)


def resource_validation(check: ResourceCheck, resource_types: Optional[frozenset[str]] = None):
    """Adapt ``check(args, findings)`` to the SDK's resource validation signature.

    ``resource_types`` filters before any property is touched: the SDK calls every resource
    policy for every resource, so the type test is the hot path.
    """

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if resource_types is not None and args.resource_type not in resource_types:
            return
        try:
            exemptions = parse_exemptions(args.get_config() or {})
            check(args, Findings(report_violation, exemptions, attach_urn=False,
                                 default_name=args.name, default_urn=args.urn))
        except InvalidConfig as error:
            _report_invalid_config(report_violation, error)

    return validate


def stack_validation(check: StackCheck):
    """Adapt ``check(args, findings)`` to the SDK's stack validation signature."""

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        try:
            exemptions = parse_exemptions(args.get_config() or {})
            check(args, Findings(report_violation, exemptions, attach_urn=True))
        except InvalidConfig as error:
            _report_invalid_config(report_violation, error)

    return validate
