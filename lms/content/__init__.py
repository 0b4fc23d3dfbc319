"""The trainers' Markdown format: parse (pure) → check → sync (database); `render.render_markdown`.

Nothing is imported here: a request must not load the Markdown, YAML and sanitiser libraries that only
checking and syncing content need.
"""
