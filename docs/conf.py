# Sphinx configuration of the claimset documentation.
#
# The Markdown files in this folder are the sources (MyST); `make docs`
# builds the HTML site and the man pages with warnings as errors.  Only
# Debian packages are used (python3-sphinx, python3-myst-parser, graphviz):
# nothing is fetched at build time.
import os
import re

project = "claimset"
author = "the claimset developers"
copyright = "the claimset developers"


# The version is the one project(VERSION) gives in CMakeLists.txt, so the
# site, the man pages and `claimset --version` cannot disagree.
def _project_version():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"project\(claimset VERSION ([0-9.]+)", f.read())
    return m.group(1) if m else "unknown"


version = release = _project_version()
# A fixed date line keeps the generated man pages reproducible (they are
# committed in docs/man/, see building.md).
today = "claimset " + release

extensions = [
    "myst_parser",
    "sphinx.ext.graphviz",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
# Code blocks without a language are shown as they are.
highlight_language = "none"
primary_domain = "c"
default_role = None
nitpicky = True  # every cross-reference must resolve
# Standard C names the API's signatures use; they are not ours to document.
nitpick_ignore = [
    ("c:identifier", name)
    for name in ("size_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "int32_t", "FILE", "va_list")
]

myst_enable_extensions = ["colon_fence", "deflist"]
# `#` headings get anchors, so pages can link to sections.
myst_heading_anchors = 3

graphviz_output_format = "svg"

html_theme = "alabaster"
html_title = "claimset " + release
html_theme_options = {
    "description": "NUMA-aware claim sets for Xen, in C",
    "fixed_sidebar": True,
    "show_powered_by": False,
}
html_show_sphinx = False
html_static_path = []
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None

# The three man pages, each built from one page of this site.
man_pages = [
    ("cli", "claimset", "a simulated Xen host with NUMA-aware claim sets", [author], 1),
    ("scenario-language", "claimset-scenario", "the claimset scenario language", [author], 5),
    ("reference/claimset-xenctrl", "claimset-xenctrl", "claimset extensions to libxenctrl", [author], 3),
]
man_show_urls = False


# A page that arrives in this folder before it has a place in one of the
# lists of index.md still builds: it is appended to a hidden list, instead
# of failing the build with "document isn't included in any toctree".
# Placing it is one line in index.md.
def _unplaced_pages(app, docname, source):
    if docname != root_doc:
        return
    listed = set(re.findall(r"^([\w./-]+)$", source[0], re.M))
    here = os.path.dirname(os.path.abspath(__file__))
    pages = sorted(
        os.path.splitext(f)[0]
        for f in os.listdir(here)
        if f.endswith((".md", ".rst")) and os.path.splitext(f)[0] not in listed | {root_doc}
    )
    if pages:
        source[0] += "\n```{toctree}\n:hidden:\n\n" + "\n".join(pages) + "\n```\n"


def setup(app):
    app.connect("source-read", _unplaced_pages)
    # An "Errors" field for the C API reference: ":errno EINVAL: why" lists
    # the errno values a function sets, next to Parameters and Returns.
    from sphinx.domains.c import CFunctionObject
    from sphinx.util.docfields import GroupedField

    CFunctionObject.doc_field_types.append(
        GroupedField("errno", label="Errors (errno)", names=("errno",), can_collapse=False)
    )
    return {"parallel_read_safe": True}
