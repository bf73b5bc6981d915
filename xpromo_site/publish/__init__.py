"""Publishing: what a build keeps on disk between runs, and how it writes the site.

- `output/`: the only writer of the output folder: which folder may be one, the Stage
  that writes changed files beside it, and the swap that publishes all at once;
- `manifest`: what the last build read and wrote, so an unchanged rebuild stops at once;
- `imagecache`: share images and QR codes kept between builds, verified before use.
"""
