"""appflow-guard: Pulumi CrossGuard policies for "Data protection in Amazon AppFlow"."""

PACK_NAME = "appflow-guard"

# Cyclic-GC thresholds of the pack process (see __main__.py). pulumi-policy decodes every resource
# once per stack policy, so a large stack is an acyclic heap of millions of small objects; with
# CPython's defaults (700, 10, 10) full collections rescan all of it again and again (at 10,000
# resources, 33 full collections took 20 of AnalyzeStack's 44 s). Young collections stay as they
# are; a full collection waits for 1,000 young-generation collections instead of 10.
GC_THRESHOLDS = (700, 10, 1000)
