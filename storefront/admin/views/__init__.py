"""The staff area's pages, one module per section."""
