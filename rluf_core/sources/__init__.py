"""Adapters that turn real data sets into the landing-zone format."""
