"""Format: the report as a document (headings, paragraphs, tables, charts), every writer's only input."""
