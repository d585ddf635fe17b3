"""The offline checker: runs a policy pack as the Pulumi engine does and collects its findings.

Nothing here is imported when the pack itself starts.
"""
