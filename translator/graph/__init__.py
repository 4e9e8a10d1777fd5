"""The graph every model becomes: `SchemaGraph`, its saved-graph file, its summary."""
