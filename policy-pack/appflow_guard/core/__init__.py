"""Helpers shared by the rules: value access, masking, config, key and document parsing."""
