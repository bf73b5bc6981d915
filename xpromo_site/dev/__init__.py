"""Authoring: what helps people write and preview a program, beside the build itself.

- `serve/`: the preview server (build into a private folder, serve, rebuild on save);
- `scaffold`: `xpromo new`, a working program, a campaign or a partner with every field
  commented;
- `editor_schema`: JSON Schemas of partners.yaml and front matter for editors, made
  from the specs the build validates with.
"""
