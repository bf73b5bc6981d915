"""Reading input files: located YAML and JSON, and the declarative field specs that check them.

- `yamlsource`: YAML (and front matter) into located `Node` trees, within the limits;
- `jsonsource`: JSON (design tokens) into the same trees;
- `schema`: the spec machinery (`Checker`, `Spec`, `Struct`, lists and mappings);
- `fields`: the field specs the file contract is written in (text, slugs, URLs, colours,
  dates, numbers, assets).

Everything here is internal to xpromo.
"""
