"""llm/offline."""
