#!/usr/bin/env python3
"""Every internal link of a built HTML site resolves.

    check_links.py SITE_DIR

For every .html file under SITE_DIR: each href, src and data (the
<object> Sphinx uses for SVG diagrams) that is not an outside URL must
name a file that exists inside SITE_DIR, and a #fragment must be an id
(or a name) in the file it points to.  Prints one line per broken link
and exits 1 when there is any; 0 with a count otherwise.  Links to
outside URLs are counted, not fetched: the check needs no network.
"""
import html.parser
import os
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id",) or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in ("href", "src") or (name == "data" and tag == "object"):
                self.links.append((tag, name, value, self.getpos()[0]))


def parse(path):
    page = Page()
    with open(path, encoding="utf-8") as f:
        page.feed(f.read())
    return page


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        print("usage: check_links.py SITE_DIR", file=sys.stderr)
        return 2
    root = os.path.realpath(sys.argv[1])
    pages = {}
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                p = os.path.join(d, f)
                pages[p] = parse(p)
    if not pages:
        print("check_links: no HTML files in %s" % root, file=sys.stderr)
        return 1
    broken = checked = outside = 0
    for path, page in sorted(pages.items()):
        for tag, attr, value, line in page.links:
            url = urllib.parse.urlsplit(value)
            if url.scheme or value.startswith("//"):
                outside += 1
                continue
            checked += 1
            target = path
            if url.path:
                target = os.path.realpath(
                    os.path.join(os.path.dirname(path), urllib.parse.unquote(url.path))
                )
                if os.path.isdir(target):
                    target = os.path.join(target, "index.html")
            where = "%s:%d: <%s %s=%r>" % (os.path.relpath(path, root), line, tag, attr, value)
            if not (target == root or target.startswith(root + os.sep)):
                print("%s: outside the site" % where)
                broken += 1
            elif not os.path.isfile(target):
                print("%s: no such file" % where)
                broken += 1
            elif url.fragment and target.endswith(".html"):
                ids = pages[target].ids if target in pages else parse(target).ids
                if urllib.parse.unquote(url.fragment) not in ids:
                    print("%s: no anchor #%s there" % (where, url.fragment))
                    broken += 1
    if broken:
        print("check_links: %d broken of %d internal links" % (broken, checked))
        return 1
    print("check_links: %d internal links in %d pages resolve (%d outside URLs not fetched)"
          % (checked, len(pages), outside))
    return 0


if __name__ == "__main__":
    sys.exit(main())
