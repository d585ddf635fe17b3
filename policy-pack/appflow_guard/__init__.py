"""appflow-guard: Pulumi CrossGuard policies for "Data protection in Amazon AppFlow"."""

PACK_NAME = "appflow-guard"
