"""Compiled speed-ups: optional C extensions, built with Cython when a C compiler is at hand.

Everything is declared in pyproject.toml; this file only adds the extension modules. Each one has a
pure-Python twin that gives the same results bit for bit (tests/test_speedups.py checks it), so a
machine without a compiler still installs and runs detector, only slower: an extension that fails to
build is skipped (``optional=True``), and ``DETECTOR_PURE_PYTHON=1`` builds none.

    python setup.py build_ext --inplace                       # build them in the source tree
    DETECTOR_EXT=_fastwalk python setup.py build_ext --inplace  # build only one of them
"""

import os

from setuptools import Extension, setup


def _extensions() -> list:
    if os.environ.get("DETECTOR_PURE_PYTHON"):
        return []
    try:
        import lxml
        from Cython.Build import cythonize
    except ImportError:  # built without Cython: the pure-Python code runs
        return []
    only = {m for m in os.environ.get("DETECTOR_EXT", "").split(",") if m}
    exts = [
        # Features: tokens, word pairs and character n-grams of each block, hashed with murmurhash3.
        Extension("detector._fasthash", ["detector/_fasthash.pyx"], optional=True),
        # Segmentation: the walk over lxml's parsed tree (libxml2's nodes, read in C).
        # It reads lxml's element structs, so it is used only beside the lxml it was built against
        # (DETECTOR_LXML_VERSION); with any other lxml the Python walk runs.
        Extension(
            "detector._fastwalk",
            ["detector/_fastwalk.pyx"],
            include_dirs=lxml.get_include(),
            define_macros=[("DETECTOR_LXML_VERSION", '"%s"' % lxml.__version__)],
            optional=True,
        ),
    ]
    try:  # Segmentation with lexbor: parse and walk, reading lexbor's nodes (lexbor ships in selectolax).
        # It looks lexbor's functions up in selectolax's module and reads lexbor 3.1's structs, so it is
        # used only beside the selectolax it was built against (DETECTOR_SELECTOLAX_VERSION).
        import selectolax

        exts.append(Extension(
            "detector._lexwalk",
            ["detector/_lexwalk.pyx"],
            define_macros=[("DETECTOR_SELECTOLAX_VERSION", '"%s"' % selectolax.__version__)],
            optional=True,
        ))
    except ImportError:  # no selectolax: segment.py parses with lxml only
        pass
    exts = [e for e in exts if not only or e.name.rsplit(".", 1)[1] in only]
    exts = [e for e in exts if os.path.exists(e.sources[0])]
    return cythonize(
        exts,
        compiler_directives={"language_level": 3, "boundscheck": False, "wraparound": False, "cdivision": True},
        quiet=True,
    )


setup(ext_modules=_extensions())
