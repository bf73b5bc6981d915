"""Reading input files: located YAML and JSON, and the declarative field specs that check them.

- `files`: a source file's text within the size limit, and front matter cut from a body;
- `yamlsource`: YAML into located `Node` trees, after `yamlchecks` (depth and alias-bomb
  limits, before expanding); `yamlerrors` words the parser's errors;
- `jsonsource`: JSON (design tokens) into the same trees;
- `schema`: the spec machinery (`Checker`, `Spec`, `Struct`, lists and mappings);
- `fields`: the field specs the file contract is written in (text, slugs, URLs, colours,
  dates, numbers, assets).

Everything here is internal to xpromo.
"""
