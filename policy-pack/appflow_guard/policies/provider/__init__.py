"""AppFlow data-protection rules, one module per rule."""
