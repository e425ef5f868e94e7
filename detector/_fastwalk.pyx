# cython: language_level=3
"""The segmenter's walk over a parsed HTML tree, reading libxml2's nodes in C.

``walk(root, max_depth)`` gives, for the tree under the lxml element ``root``, the fields of the blocks
that ``detector.htmlblocks._walk_python`` makes, as (text, tag, path, depth, link_chars, heading) tuples
in document order; ``walk_blocks(root, max_depth)`` gives the ``Block`` objects themselves. Both give
None where the tree holds a node that this module does not read the way lxml shows it to Python (an
entity reference, an element in a namespace, text or attributes that are not UTF-8): then the Python
walk must run. tests/test_speedups_walk.py checks that both walks give the same blocks.

How it mirrors lxml: ``iterwalk`` visits the elements, comments, PIs and entity references among a
node's children (lxml's ``_isElement``) and passes over comments and PIs without an event; an element's
``.text`` / ``.tail`` is the run of text and CDATA nodes (XInclude markers skipped) that starts at its
first child / next sibling (lxml's ``_collectText``), so text after a comment or PI belongs to no
element and is never read; ``el.get(name)`` is the first attribute of that name in no namespace, its
value the content of its text children. The tree is walked without recursion, so any depth is safe.
White space is what ``str.isspace()`` says (``str.split()``/``str.strip()``), found in the UTF-8 bytes.

It reads lxml's and libxml2's structs, so it refuses to load beside any lxml other than the one it was
built against (DETECTOR_LXML_VERSION, set by setup.py).
"""

from libc.stdint cimport uint64_t
from libc.string cimport strcmp, strlen

cimport lxml.includes.etreepublic as cetree
from lxml.includes cimport tree

import lxml

cdef extern from *:
    """
    #ifndef DETECTOR_LXML_VERSION
    #define DETECTOR_LXML_VERSION ""
    #endif
    """
    const char* DETECTOR_LXML_VERSION

BUILT_FOR_LXML = DETECTOR_LXML_VERSION.decode("ascii")
if not BUILT_FOR_LXML or lxml.__version__ != BUILT_FOR_LXML:
    raise ImportError(
        f"detector._fastwalk was built for lxml {BUILT_FOR_LXML or '?'}, this is lxml {lxml.__version__}"
    )
cetree.import_lxml__etree()

ctypedef tree.xmlAttr _attr_t  # the attributes that a block's path reads (see _walkcommon.pxi)

# The rules that _lexwalk.pyx shares: tag classes, structural words, hidden style, white space, blocks
include "_walkcommon.pxi"

cdef enum:
    NAME_SLOTS = 1024  # the name cache: a power of two


# ---------------------------------------------------------------------------------------------------
# libxml2's attributes

cdef bytes _attr_value(tree.xmlAttr* a):
    """An attribute's value as UTF-8 bytes: the content of its text children, as xmlGetNsProp joins them."""
    cdef tree.xmlNode* c = a.children
    if c is NULL:
        return b""
    if c.next is NULL and (c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE):
        return <bytes> (<const char*> c.content) if c.content is not NULL else b""
    parts = []
    while c is not NULL:
        if c.type != tree.XML_TEXT_NODE:
            raise _Unreadable()
        if c.content is not NULL:
            parts.append(<bytes> (<const char*> c.content))
        c = c.next
    return b"".join(parts)


cdef inline const unsigned char* _simple_value(tree.xmlAttr* a) noexcept:
    """The value of an attribute with one text child (what the HTML parser makes), else NULL."""
    cdef tree.xmlNode* c = a.children
    if c is not NULL and c.next is NULL and c.type == tree.XML_TEXT_NODE and c.content is not NULL:
        return <const unsigned char*> c.content
    return NULL


cdef bint _style_hides(tree.xmlAttr* a) except -1:
    """_HIDDEN_STYLE.search(style)."""
    cdef const unsigned char* s = _simple_value(a)
    cdef bytes v
    if s is NULL:
        v = _attr_value(a)
        s = <const unsigned char*> <const char*> v
    return _style_hides_text(s, strlen(<const char*> s))


cdef object _attr_words(tree.xmlAttr* a, object found):
    cdef const unsigned char* s
    cdef bytes v
    if a is NULL:
        return found
    s = _simple_value(a)
    if s is NULL:
        v = _attr_value(a)
        s = <const unsigned char*> <const char*> v
    return _words(s, strlen(<const char*> s), found)


# ---------------------------------------------------------------------------------------------------

cdef struct NameSlot:
    const tree.xmlChar* name
    unsigned int gen
    int flags
    PyObject* tag  # the lower-cased tag (a str kept alive by Walker.tags)


cdef class Walker(_BlockWalker):
    cdef NameSlot* names
    cdef unsigned int gen
    cdef int n_names

    def __cinit__(self):
        self.names = <NameSlot*> PyMem_Malloc(NAME_SLOTS * sizeof(NameSlot))
        if not self.names:
            raise MemoryError()
        cdef int i
        for i in range(NAME_SLOTS):
            self.names[i].gen = 0
        self.gen = 0

    def __dealloc__(self):
        PyMem_Free(self.names)

    # --- element names --------------------------------------------------------------------------

    cdef int _classify(self, const tree.xmlChar* name, PyObject** tag) except -1:
        """The flags of an element and its lower-cased tag, cached by name pointer for this tree
        (libxml2's parser interns names; two live nodes with one name pointer have one name)."""
        cdef size_t h = <size_t> (((<uint64_t> <size_t> name) * 0x9E3779B97F4A7C15ULL) >> 54) & (NAME_SLOTS - 1)
        cdef NameSlot* slot
        while True:
            slot = &self.names[h]
            if slot.gen != self.gen:
                break
            if slot.name == name:
                tag[0] = slot.tag
                return slot.flags
            h = (h + 1) & (NAME_SLOTS - 1)
        try:
            s = PyUnicode_DecodeUTF8(<const char*> name, strlen(<const char*> name), NULL).lower()
        except UnicodeDecodeError:
            raise _Unreadable()
        cdef int flags = _tag_flags(s)
        self.tags.append(s)
        tag[0] = <PyObject*> s
        if self.n_names < NAME_SLOTS // 2:
            slot.name = name
            slot.gen = self.gen
            slot.flags = flags
            slot.tag = <PyObject*> s
            self.n_names += 1
        return flags

    # --- text -----------------------------------------------------------------------------------

    cdef int _run(self, tree.xmlNode* c) except -1:
        """Append the text run starting at c (an element's .text or .tail) to the buffer."""
        cdef const char* content
        self.run_start = self.buf_len
        while c is not NULL:
            if c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE:
                content = <const char*> c.content
                if content is not NULL and content[0] != 0:
                    self._append(<const unsigned char*> content, strlen(content))
            elif c.type != tree.XML_XINCLUDE_START and c.type != tree.XML_XINCLUDE_END:
                break
            c = c.next
        self._end_run()
        return 0

    # --- the walk -------------------------------------------------------------------------------

    cdef tree.xmlNode* _element_from(self, tree.xmlNode* c) except? NULL:
        """The first node from c on that iterwalk yields: comments and PIs are passed over."""
        while c is not NULL:
            if c.type == tree.XML_ELEMENT_NODE:
                if c.ns is not NULL:
                    raise _Unreadable()  # its tag would be "{uri}name"
                return c
            if c.type == tree.XML_ENTITY_REF_NODE:
                raise _Unreadable()  # iterwalk yields it (and what it holds) as a non-element
            c = c.next
        return NULL

    cdef bint _start(self, tree.xmlNode* node) except -1:
        """The start event; False when the element is skipped with its subtree."""
        cdef PyObject* tag
        cdef int flags = self._classify(node.name, &tag)
        cdef tree.xmlAttr* a
        cdef tree.xmlAttr* style = NULL
        cdef tree.xmlAttr* cls = NULL
        cdef tree.xmlAttr* idv = NULL
        cdef tree.xmlAttr* role = NULL
        cdef const char* name
        self.depth += 1
        if flags & F_SKIP:
            return False
        a = node.properties
        if a is not NULL:
            # one pass for el.get("hidden"), "style", "class", "id", "role": the first of each in no namespace
            while a is not NULL:
                if a.ns is NULL:
                    name = <const char*> a.name
                    if name[0] == c'h':
                        if strcmp(name, "hidden") == 0:
                            return False
                    elif name[0] == c's':
                        if style is NULL and strcmp(name, "style") == 0:
                            style = a
                    elif name[0] == c'c':
                        if cls is NULL and strcmp(name, "class") == 0:
                            cls = a
                    elif name[0] == c'i':
                        if idv is NULL and strcmp(name, "id") == 0:
                            idv = a
                    elif name[0] == c'r':
                        if role is NULL and strcmp(name, "role") == 0:
                            role = a
                a = a.next
            if style is not NULL and _style_hides(style):
                return False
        self._open(tag, flags, cls, idv, role)
        self._run(node.children)
        return True

    cdef int _end(self, tree.xmlNode* node, bint entered) except -1:
        self._leave(entered)
        self._run(node.next)
        return 0

    cdef list run(self, tree.xmlNode* root, Py_ssize_t max_depth, bint make_blocks):
        cdef tree.xmlNode* cur = root
        cdef tree.xmlNode* nxt
        cdef bint entered
        cdef int i
        self._begin(max_depth, make_blocks)
        self.gen += 1
        if self.gen == 0:  # wrapped: forget every slot
            for i in range(NAME_SLOTS):
                self.names[i].gen = 0
            self.gen = 1
        self.n_names = 0
        if root.ns is not NULL:
            raise _Unreadable()
        try:
            entered = self._start(cur)
            while True:
                nxt = self._element_from(cur.children) if entered else NULL
                if nxt is not NULL:
                    cur = nxt
                    entered = self._start(cur)
                    continue
                # cur has no children left to visit: end it, then go on with its next sibling or its parent
                while True:
                    self._end(cur, entered)
                    if cur == root:
                        if self.buf_len:
                            self._flush()
                        return self.blocks
                    nxt = self._element_from(cur.next)
                    if nxt is not NULL:
                        cur = nxt
                        entered = self._start(cur)
                        break
                    cur = cur.parent
                    entered = True
        finally:
            self._done()


cdef Walker _walker = Walker()


cdef object _walk(cetree._Element root, Py_ssize_t max_depth, bint make_blocks):
    cdef Walker w = _walker
    if w.busy:  # re-entered (from a finalizer run by the garbage collector, in another thread): a new one
        w = Walker()
    w.busy = True
    try:
        return w.run(root._c_node, max_depth, make_blocks)
    except _Unreadable:
        return None
    finally:
        w.busy = False


def walk(cetree._Element root not None, Py_ssize_t max_depth):
    """The blocks of the tree under ``root`` as (text, tag, path, depth, link_chars, heading) tuples.

    None when the tree holds something that only the Python walk reads as lxml does.
    """
    return _walk(root, max_depth, False)


def walk_blocks(cetree._Element root not None, Py_ssize_t max_depth):
    """The blocks of the tree under ``root`` as detector.page.Block objects (index from 0).

    None when the tree holds something that only the Python walk reads as lxml does.
    """
    return _walk(root, max_depth, True)
