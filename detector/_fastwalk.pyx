# cython: language_level=3
"""The segmenter's walk over a parsed HTML tree, reading libxml2's nodes in C.

``walk(root, max_depth)`` gives, for the tree under the lxml element ``root``, the fields of the blocks
that ``detector.segment._walk_python`` makes (text, tag, path, depth, link_chars, heading), in document
order, as tuples; or None where the tree holds a node that it does not read the way lxml shows it to
Python (an entity reference, an element in a namespace, text that is not UTF-8), and the Python walk
must run. tests/test_speedups_walk.py checks that both give the same blocks.

How it mirrors lxml: ``iterwalk`` visits the elements, comments, PIs and entity references among a
node's children (lxml's ``_isElement``) and passes over comments and PIs without an event; an element's
``.text`` / ``.tail`` is the run of text and CDATA nodes (XInclude markers skipped) that starts at its
first child / next sibling (lxml's ``_collectText``), so text after a comment or PI belongs to no
element and is never read. The tree is walked without recursion, so any depth is safe.

It reads lxml's and libxml2's structs, so it refuses to load beside any lxml other than the one it was
built against (DETECTOR_LXML_VERSION, set by setup.py).
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.ref cimport Py_DECREF, Py_INCREF, Py_XDECREF, PyObject
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from cpython.unicode cimport PyUnicode_DecodeASCII, PyUnicode_DecodeUTF8
from libc.string cimport memcpy, strcmp

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

cdef extern from "Python.h":
    Py_ssize_t PyUnicode_GET_LENGTH(object u)
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch)

BUILT_FOR_LXML = DETECTOR_LXML_VERSION.decode("ascii")
if not BUILT_FOR_LXML or lxml.__version__ != BUILT_FOR_LXML:
    raise ImportError(
        f"detector._fastwalk was built for lxml {BUILT_FOR_LXML or '?'}, this is lxml {lxml.__version__}"
    )
cetree.import_lxml__etree()

# Element classes, from the tag sets of detector.segment
DEF F_SKIP = 1
DEF F_BLOCK = 2
DEF F_HEADING = 4
DEF F_A = 8
DEF F_LANDMARK = 16

DEF NAME_SLOTS = 1024  # a power of two
DEF PATH_ENTRIES = 12  # the path is read from this many innermost open elements
DEF MAX_STRUCT_WORD = 64  # longer letter runs are never structural words

cdef object _cfg = None  # (SKIP_TAGS, BLOCK_TAGS, HEADING_TAGS, LANDMARK_TAGS, STRUCT_WORDS, hidden_style_search)


cdef object _config():
    global _cfg
    if _cfg is None:
        import importlib
        seg = importlib.import_module(__name__.rpartition(".")[0] + ".segment")
        _cfg = (seg.SKIP_TAGS, seg.BLOCK_TAGS, seg.HEADING_TAGS, seg.LANDMARK_TAGS, seg.STRUCT_WORDS,
                seg._HIDDEN_STYLE.search)
    return _cfg


class _Unreadable(Exception):
    """The tree holds something only the Python walk reads as lxml does."""


cdef struct NameSlot:
    const tree.xmlChar* name
    int flags
    PyObject* tag  # the lower-cased tag (a str kept alive by Walker.tags)


cdef struct Entry:
    tree.xmlNode* node
    PyObject* tag  # borrowed, as in NameSlot
    int flags
    PyObject* toks  # owned: the element's structural tokens, NULL until a block's path needs them
    PyObject* path  # owned: the path of a block with this entry innermost, NULL until needed


# ---------------------------------------------------------------------------------------------------
# UTF-8 white space: the code points for which str.isspace() is true (str.split() and str.strip()).

cdef inline Py_ssize_t _ws_at(const unsigned char* s, Py_ssize_t i, Py_ssize_t n) noexcept nogil:
    """Length of the white-space character at s[i], 0 if none."""
    cdef unsigned char c = s[i]
    if c < 0x80:
        return 1 if (c == 0x20 or 0x09 <= c <= 0x0D or 0x1C <= c <= 0x1F) else 0
    if c == 0xC2:
        if i + 1 < n and (s[i + 1] == 0x85 or s[i + 1] == 0xA0):
            return 2
        return 0
    if c == 0xE1:  # U+1680
        return 3 if (i + 2 < n and s[i + 1] == 0x9A and s[i + 2] == 0x80) else 0
    if c == 0xE2:
        if i + 2 < n:
            if s[i + 1] == 0x80:  # U+2000..U+200A, U+2028, U+2029, U+202F
                c = s[i + 2]
                if 0x80 <= c <= 0x8A or c == 0xA8 or c == 0xA9 or c == 0xAF:
                    return 3
            elif s[i + 1] == 0x81 and s[i + 2] == 0x9F:  # U+205F
                return 3
        return 0
    if c == 0xE3:  # U+3000
        return 3 if (i + 2 < n and s[i + 1] == 0x80 and s[i + 2] == 0x80) else 0
    return 0


cdef inline Py_ssize_t _ws_before(const unsigned char* s, Py_ssize_t end) noexcept nogil:
    """Length of the white-space character that ends at s[end], 0 if none."""
    if end >= 1 and _ws_at(s, end - 1, end) == 1:
        return 1
    if end >= 2 and _ws_at(s, end - 2, end) == 2:
        return 2
    if end >= 3 and _ws_at(s, end - 3, end) == 3:
        return 3
    return 0


cdef Py_ssize_t _stripped_len(const unsigned char* s, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    """len(t.strip()) for the UTF-8 text t = s[a:b] (code points)."""
    cdef Py_ssize_t k, count = 0
    while a < b:
        k = _ws_at(s, a, b)
        if k == 0:
            break
        a += k
    while b > a:
        k = _ws_before(s, b)
        if k == 0:
            break
        b -= k
    while a < b:
        if (s[a] & 0xC0) != 0x80:
            count += 1
        a += 1
    return count


# ---------------------------------------------------------------------------------------------------

cdef class Walker:
    cdef NameSlot* names
    cdef int n_names
    cdef list tags
    cdef Entry* stack
    cdef Py_ssize_t n_stack, cap_stack
    cdef unsigned char* buf
    cdef Py_ssize_t buf_len, buf_cap
    cdef unsigned char* out
    cdef Py_ssize_t out_cap
    cdef list blocks
    cdef object cur_tag
    cdef Py_ssize_t link_chars
    cdef int a_depth, heading_depth
    cdef Py_ssize_t depth, max_depth
    cdef object skip_tags, block_tags, heading_tags, landmark_tags, struct_words, hidden_search
    cdef object empty_tuple

    def __cinit__(self):
        self.names = <NameSlot*> PyMem_Malloc(NAME_SLOTS * sizeof(NameSlot))
        self.cap_stack = 64
        self.stack = <Entry*> PyMem_Malloc(self.cap_stack * sizeof(Entry))
        self.buf_cap = 4096
        self.buf = <unsigned char*> PyMem_Malloc(self.buf_cap)
        self.out_cap = 4096
        self.out = <unsigned char*> PyMem_Malloc(self.out_cap)
        if not self.names or not self.stack or not self.buf or not self.out:
            raise MemoryError()
        cdef int i
        for i in range(NAME_SLOTS):
            self.names[i].name = NULL
        self.n_names = 0
        self.n_stack = 0
        self.buf_len = 0

    def __dealloc__(self):
        self._clear_stack()
        PyMem_Free(self.names)
        PyMem_Free(self.stack)
        PyMem_Free(self.buf)
        PyMem_Free(self.out)

    cdef void _clear_stack(self) noexcept:
        while self.n_stack > 0:
            self.n_stack -= 1
            Py_XDECREF(self.stack[self.n_stack].toks)
            Py_XDECREF(self.stack[self.n_stack].path)

    # --- element names --------------------------------------------------------------------------

    cdef int _classify(self, tree.xmlNode* node, PyObject** tag) except -1:
        """The flags of an element and its lower-cased tag; cached by name pointer (libxml2 interns names)."""
        cdef const tree.xmlChar* name = node.name
        cdef size_t h = (<size_t> name >> 4) & (NAME_SLOTS - 1)
        cdef NameSlot* slot
        while True:
            slot = &self.names[h]
            if slot.name == name:
                tag[0] = slot.tag
                return slot.flags
            if slot.name == NULL:
                break
            h = (h + 1) & (NAME_SLOTS - 1)
        s = PyUnicode_DecodeUTF8(<const char*> name, len(<const char*> name), NULL).lower()
        cdef int flags = 0
        if s in self.skip_tags:
            flags |= F_SKIP
        if s in self.block_tags:
            flags |= F_BLOCK
        if s in self.heading_tags:
            flags |= F_HEADING
        elif s == "a":
            flags |= F_A
        if s in self.landmark_tags:
            flags |= F_LANDMARK
        self.tags.append(s)
        tag[0] = <PyObject*> s
        if self.n_names < NAME_SLOTS // 2:
            slot.name = name
            slot.flags = flags
            slot.tag = <PyObject*> s
            self.n_names += 1
        return flags

    # --- attributes -----------------------------------------------------------------------------

    cdef tree.xmlAttr* _attr(self, tree.xmlNode* node, const char* name) except? NULL:
        """The attribute that el.get(name) reads: the first one of that name in no namespace."""
        cdef tree.xmlAttr* a = node.properties
        while a is not NULL:
            if a.ns is NULL and strcmp(<const char*> a.name, name) == 0:
                return a
            a = a.next
        return NULL

    cdef bytes _attr_value(self, tree.xmlAttr* a):
        """Its value as UTF-8 bytes: the content of its text children, as xmlGetNsProp joins them."""
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

    cdef bint _hidden(self, tree.xmlNode* node) except -1:
        cdef tree.xmlAttr* a
        if node.properties is NULL:
            return False
        if self._attr(node, "hidden") is not NULL:
            return True
        a = self._attr(node, "style")
        if a is NULL:
            return False
        v = self._attr_value(a)
        if b":" not in v:  # both patterns need a colon
            return False
        try:
            style = v.decode("utf-8")
        except UnicodeDecodeError:
            raise _Unreadable()
        return self.hidden_search(style) is not None

    cdef object _struct_tokens(self, Entry* e):
        """detector.segment._struct_tokens: the landmark tag, then the structural words of class, id, role."""
        cdef list toks = []
        cdef tree.xmlAttr* a
        cdef const unsigned char* s
        cdef Py_ssize_t n, i, start
        cdef unsigned char word[MAX_STRUCT_WORD]
        cdef Py_ssize_t wl
        cdef unsigned char c
        if e.flags & F_LANDMARK:
            toks.append(<object> e.tag)
        if e.node.properties is not NULL:
            # names = class + " " + id + " " + role, lower-cased, split at every run of non-[a-z]
            parts = []
            for attr_name in (b"class", b"id", b"role"):
                a = self._attr(e.node, attr_name)
                if a is not NULL:
                    parts.append(self._attr_value(a))
            names = b" ".join(parts)
            if not names.isascii():
                try:
                    names.decode("utf-8")  # as el.get() would
                except UnicodeDecodeError:
                    raise _Unreadable()
            s = names
            n = len(names)
            wl = 0
            i = 0
            while i <= n:
                c = s[i] if i < n else 0x20
                # str.lower() turns only two non-ASCII characters into ASCII letters:
                # U+212A KELVIN SIGN -> "k", U+0130 -> "i" + U+0307 (not a letter, so the word ends)
                if 0x41 <= c <= 0x5A:
                    c += 0x20
                elif c == 0xE2 and i + 2 < n and s[i + 1] == 0x84 and s[i + 2] == 0xAA:
                    c = 0x6B
                    i += 2
                elif c == 0xC4 and i + 1 < n and s[i + 1] == 0xB0:
                    if wl < MAX_STRUCT_WORD:
                        word[wl] = 0x69
                    wl += 1
                    c = 0x20
                    i += 1
                if 0x61 <= c <= 0x7A:
                    if wl < MAX_STRUCT_WORD:
                        word[wl] = c
                    wl += 1
                else:
                    if 0 < wl <= MAX_STRUCT_WORD:
                        w = PyUnicode_DecodeASCII(<const char*> word, wl, NULL)
                        if w in self.struct_words:
                            toks.append(w)
                    wl = 0
                i += 1
        return tuple(toks)

    # --- text -----------------------------------------------------------------------------------

    cdef int _grow(self, Py_ssize_t need) except -1:
        cdef Py_ssize_t cap = self.buf_cap
        cdef unsigned char* p
        while cap < need:
            cap *= 2
        p = <unsigned char*> PyMem_Realloc(self.buf, cap)
        if p is NULL:
            raise MemoryError()
        self.buf = p
        self.buf_cap = cap
        return 0

    cdef int _run(self, tree.xmlNode* c) except -1:
        """Append the text run starting at c (an element's .text or .tail) to the buffer."""
        cdef Py_ssize_t start = self.buf_len
        cdef Py_ssize_t k
        cdef const char* content
        while c is not NULL:
            if c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE:
                content = <const char*> c.content
                if content is not NULL and content[0] != 0:
                    k = len(content)
                    if self.buf_len + k > self.buf_cap:
                        self._grow(self.buf_len + k)
                    memcpy(self.buf + self.buf_len, content, k)
                    self.buf_len += k
            elif c.type != tree.XML_XINCLUDE_START and c.type != tree.XML_XINCLUDE_END:
                break
            c = c.next
        if self.a_depth and self.buf_len > start:
            self.link_chars += _stripped_len(self.buf, start, self.buf_len)
        return 0

    cdef int _flush(self) except -1:
        """A block from the buffer (which holds text): its text is the buffer's words joined by spaces."""
        cdef const unsigned char* s = self.buf
        cdef Py_ssize_t n = self.buf_len
        cdef Py_ssize_t i = 0, o = 0, k
        cdef bint gap = False
        cdef unsigned char* p
        if n > self.out_cap:
            p = <unsigned char*> PyMem_Realloc(self.out, n)
            if p is NULL:
                raise MemoryError()
            self.out = p
            self.out_cap = n
        while i < n:
            k = _ws_at(s, i, n)
            if k:
                gap = o > 0
                i += k
            else:
                if gap:
                    self.out[o] = 0x20
                    o += 1
                    gap = False
                self.out[o] = s[i]
                o += 1
                i += 1
        self.buf_len = 0
        cdef Py_ssize_t links = self.link_chars
        self.link_chars = 0
        if o == 0:
            return 0
        try:
            txt = PyUnicode_DecodeUTF8(<const char*> self.out, o, NULL)
        except UnicodeDecodeError:
            raise _Unreadable()
        cdef Py_ssize_t n_chars = PyUnicode_GET_LENGTH(txt)
        self.blocks.append((txt, self.cur_tag, self._path(), self.n_stack, min(links, n_chars),
                            self.heading_depth > 0))
        return 0

    cdef object _path(self):
        cdef Py_ssize_t n = self.n_stack, j
        cdef Entry* top
        cdef Entry* e
        if n == 0:
            return self.empty_tuple
        top = &self.stack[n - 1]
        if top.path is not NULL:
            return <object> top.path
        path = []
        for j in range(n - PATH_ENTRIES if n > PATH_ENTRIES else 0, n):
            e = &self.stack[j]
            if e.toks is NULL:
                toks = self._struct_tokens(e)
                Py_INCREF(toks)
                e.toks = <PyObject*> toks
            path.extend(<object> e.toks)
        result = tuple(path)
        Py_INCREF(result)
        top.path = <PyObject*> result
        return result

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
        cdef int flags = self._classify(node, &tag)
        cdef Entry* e
        cdef Entry* grown
        self.depth += 1
        if flags & F_SKIP or self._hidden(node):
            return False
        if flags & F_BLOCK and self.depth <= self.max_depth:
            if self.buf_len:
                self._flush()
            self.cur_tag = <object> tag
        if self.n_stack == self.cap_stack:
            grown = <Entry*> PyMem_Realloc(self.stack, 2 * self.cap_stack * sizeof(Entry))
            if grown is NULL:
                raise MemoryError()
            self.stack = grown
            self.cap_stack *= 2
        e = &self.stack[self.n_stack]
        e.node = node
        e.tag = tag
        e.flags = flags
        e.toks = NULL
        e.path = NULL
        self.n_stack += 1
        if flags & F_HEADING:
            self.heading_depth += 1
        elif flags & F_A:
            self.a_depth += 1
        self._run(node.children)
        return True

    cdef int _end(self, tree.xmlNode* node, bint entered) except -1:
        cdef Entry* e
        self.depth -= 1
        if entered:
            e = &self.stack[self.n_stack - 1]
            if e.flags & F_BLOCK and self.depth + 1 <= self.max_depth:
                if self.buf_len:
                    self._flush()
                self.cur_tag = <object> self.stack[self.n_stack - 2].tag if self.n_stack > 1 else "body"
            if e.flags & F_HEADING:
                self.heading_depth -= 1
            elif e.flags & F_A:
                self.a_depth -= 1
            self.n_stack -= 1
            Py_XDECREF(e.toks)
            Py_XDECREF(e.path)
        self._run(node.next)
        return 0

    cdef list run(self, tree.xmlNode* root, Py_ssize_t max_depth):
        cdef tree.xmlNode* cur = root
        cdef tree.xmlNode* nxt
        cdef bint entered
        cfg = _config()
        self.skip_tags, self.block_tags, self.heading_tags, self.landmark_tags, self.struct_words, \
            self.hidden_search = cfg
        self.empty_tuple = ()
        self.tags = []
        self.blocks = []
        self.cur_tag = "body"
        self.link_chars = 0
        self.a_depth = self.heading_depth = 0
        self.depth = 0
        self.max_depth = max_depth
        if root.ns is not NULL:
            raise _Unreadable()
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


def walk(cetree._Element root not None, Py_ssize_t max_depth):
    """The blocks of the tree under ``root`` as (text, tag, path, depth, link_chars, heading) tuples.

    None when the tree holds something that only the Python walk reads as lxml does.
    """
    cdef Walker w = Walker()
    try:
        return w.run(root._c_node, max_depth)
    except _Unreadable:
        return None
