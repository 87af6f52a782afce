#!/usr/bin/env python3
"""The documentation: the site in docs/ builds and the front page keeps its promises.

  - `mkdocs build --strict` from mkdocs.yml into a temporary directory passes: every link
    from page to page and every picture is there (the scenario keys, the benchmarks and the
    pictures are links to scenarios/README.md, bench/README.md and analysis/examples/, so
    those are held to it too), and every page of the navigation is built;
  - every link to a section (`page.md#section`, `#section`) in the built site, and every
    one from README.md into docs/, names a heading that is there (MkDocs 1.4 does not
    check those);
  - README.md is a front page: at most 400 lines, the two commands as they are, and every
    relative link in it (into docs/ and beside it) names a file of the repository.

docs/dictionary.md against `tradewar dictionary` is tests/e2e/test_dictionary.py's.
Exits 77 (skipped) when mkdocs is not installed (tools/setup installs Debian's `mkdocs`).

Run by CTest as py/test_docs with TW_SOURCE_DIR.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml
from urllib.parse import unquote, urlsplit

SRC = os.environ.get("TW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
MKDOCS = shutil.which("mkdocs")


def build(site):
    return subprocess.run([MKDOCS, "build", "--strict", "-f", os.path.join(SRC, "mkdocs.yml"),
                           "-d", site], capture_output=True, text=True, timeout=300)


def ids(html_file):
    with open(html_file, encoding="utf-8") as f:
        return set(re.findall(r'\sid="([^"]+)"', f.read()))


def nav_pages(nav):
    for item in nav:
        for v in item.values():
            if isinstance(v, list):
                yield from nav_pages(v)
            else:
                yield v


class Site(unittest.TestCase):
    def test_mkdocs_build_strict(self):
        with tempfile.TemporaryDirectory(prefix="tw_docs_") as tmp:
            site = os.path.join(tmp, "site")
            p = build(site)
            self.assertEqual(p.returncode, 0, f"mkdocs build --strict:\n{p.stdout}{p.stderr}")
            with open(os.path.join(SRC, "mkdocs.yml")) as f:
                nav = yaml.safe_load(f)["nav"]
            pages = list(nav_pages(nav))
            self.assertIn("dictionary.md", pages)
            for page in pages:
                name = page[:-3]
                html = os.path.join(site, "index.html" if name == "index" else
                                    os.path.join(name, "index.html"))
                self.assertTrue(os.path.isfile(html), f"{page} was not built ({html})")
            with open(os.path.join(site, "dictionary", "index.html")) as f:
                self.assertIn("<code>imports_us_from_cn_usd_bn</code>", f.read())
            self.sections_are_there(site)

    def sections_are_there(self, site):
        checked = 0
        for page in (os.path.join(d, f) for d, _, fs in os.walk(site) for f in fs
                     if f == "index.html"):
            with open(page, encoding="utf-8") as f:
                hrefs = re.findall(r'href="([^"]*#[^"]+)"', f.read())
            for href in hrefs:
                u = urlsplit(href)
                if u.scheme or u.netloc:
                    continue
                target = os.path.normpath(os.path.join(os.path.dirname(page), unquote(u.path)))
                if os.path.isdir(target):
                    target = os.path.join(target, "index.html")
                self.assertTrue(os.path.isfile(target), f"{page}: {href}: no page")
                self.assertIn(u.fragment, ids(target), f"{os.path.relpath(page, site)} links "
                              f"to {href}, a section that is not there")
                checked += 1
        self.assertGreater(checked, 0)
        with open(os.path.join(SRC, "README.md")) as f:
            readme = f.read()
        for path, frag in re.findall(r"\]\(docs/([\w-]+)\.md#([^)]+)\)", readme):
            self.assertIn(frag, ids(os.path.join(site, path, "index.html")),
                          f"README.md links to docs/{path}.md#{frag}, a section that is not there")


class FrontPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(SRC, "README.md")) as f:
            cls.text = f.read()

    def test_at_most_400_lines_with_the_two_commands(self):
        self.assertLessEqual(len(self.text.splitlines()), 400)
        self.assertIn("tools/run-default     # install what is missing, build, run the default "
                      "(Geneva truce) scenario\n", self.text)
        self.assertIn("tools/test            # install what is missing, build, run the whole "
                      "test suite,\n", self.text)

    def test_every_relative_link_names_a_file(self):
        links = re.findall(r"\]\(([^)\s]+)\)", self.text)
        local = [l.split("#")[0] for l in links if not re.match(r"[a-z]+:|#", l)]
        self.assertTrue(any(l.startswith("docs/") for l in local), "no link into docs/")
        for l in local:
            self.assertTrue(os.path.exists(os.path.join(SRC, l)), f"README.md links to {l}, "
                            "which is not there")


if __name__ == "__main__":
    if MKDOCS is None:
        print("test_docs: mkdocs is not installed (tools/setup installs it); skipped")
        sys.exit(77)
    unittest.main()
