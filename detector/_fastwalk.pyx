# cython: language_level=3
"""The segmenter's walk over a parsed HTML tree, reading libxml2's nodes in C.

``walk(root, max_depth)`` gives, for the tree under the lxml element ``root``, the fields of the blocks
that ``detector.segment._walk_python`` makes, as (text, tag, path, depth, link_chars, heading) tuples
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

from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.ref cimport Py_DECREF, Py_INCREF, Py_XDECREF, PyObject
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_New, PyTuple_SET_ITEM
from cpython.unicode cimport PyUnicode_DecodeASCII, PyUnicode_DecodeUTF8
from libc.stdint cimport uint64_t
from libc.string cimport memcmp, memcpy, strcmp, strlen

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
    ctypedef struct _TypeObject "PyTypeObject":
        PyObject* (*tp_new)(_TypeObject*, PyObject*, PyObject*)
        int (*tp_descr_set)(PyObject*, PyObject*, PyObject*)
    _TypeObject* Py_TYPE(PyObject*)

BUILT_FOR_LXML = DETECTOR_LXML_VERSION.decode("ascii")
if not BUILT_FOR_LXML or lxml.__version__ != BUILT_FOR_LXML:
    raise ImportError(
        f"detector._fastwalk was built for lxml {BUILT_FOR_LXML or '?'}, this is lxml {lxml.__version__}"
    )
cetree.import_lxml__etree()

cdef enum:
    # element classes, from the tag sets of detector.segment
    F_SKIP = 1
    F_BLOCK = 2
    F_HEADING = 4
    F_A = 8
    F_LANDMARK = 16
    NAME_SLOTS = 1024  # the name cache: a power of two
    PATH_ENTRIES = 12  # a block's path is read from this many innermost open elements
    MAX_WORD = 32  # letter runs longer than any structural word are not looked up
    MAX_FIELDS = 32  # Block fields that walk_blocks sets itself


class _Unreadable(Exception):
    """The tree holds something only the Python walk reads as lxml does."""


# ---------------------------------------------------------------------------------------------------
# What detector.segment says (read at the first walk: this module is imported by it)

cdef bint _configured = False
cdef object _skip_tags, _block_tags, _heading_tags, _landmark_tags, _hidden_search
cdef object _Block = None
cdef list _keep = []  # owners of the borrowed pointers below
# structural words, sorted by first letter: _sw_from[c - 'a'] .. _sw_from[c - 'a' + 1]
cdef const unsigned char* _sw_bytes[256]
cdef Py_ssize_t _sw_len[256]
cdef PyObject* _sw_str[256]
cdef int _sw_from[27]
# Block construction: None where the class is not a plain slots dataclass (walk_blocks calls it then)
cdef int _n_fields = 0
cdef PyObject* _f_descr[MAX_FIELDS]
cdef int _f_src[MAX_FIELDS]  # 0..6: index, text, tag, path, depth, link_chars, heading; -1: the default
cdef PyObject* _f_default[MAX_FIELDS]
cdef bint _direct_blocks = False
cdef tuple _empty = ()


cdef int _configure() except -1:
    global _configured, _skip_tags, _block_tags, _heading_tags, _landmark_tags, _hidden_search, _Block
    global _n_fields, _direct_blocks
    import dataclasses
    import importlib
    import types

    seg = importlib.import_module(__name__.rpartition(".")[0] + ".segment")
    _skip_tags, _block_tags, _heading_tags, _landmark_tags = (
        seg.SKIP_TAGS, seg.BLOCK_TAGS, seg.HEADING_TAGS, seg.LANDMARK_TAGS)
    _hidden_search = seg._HIDDEN_STYLE.search
    _Block = seg.Block
    # structural words: only lower-case ASCII letters can match a run of [a-z]
    words = sorted(w for w in seg.STRUCT_WORDS if w.isascii() and w.isalpha() and w.islower() and len(w) <= MAX_WORD)
    if len(words) > 256:
        raise RuntimeError("too many structural words for detector._fastwalk")
    cdef int i, c
    for c in range(27):
        _sw_from[c] = len(words)
    for i in range(len(words) - 1, -1, -1):
        b = words[i].encode("ascii")
        _keep.append(b)
        _keep.append(words[i])
        _sw_bytes[i] = b
        _sw_len[i] = len(b)
        _sw_str[i] = <PyObject*> words[i]
        _sw_from[b[0] - 0x61] = i
    for c in range(25, -1, -1):
        if _sw_from[c] > _sw_from[c + 1]:
            _sw_from[c] = _sw_from[c + 1]
    # Blocks: a dataclass with slots and the generated __init__, every field but the walk's with a
    # plain default, is filled in through its slot descriptors, as its __init__ would
    sources = {"index": 0, "text": 1, "tag": 2, "path": 3, "depth": 4, "link_chars": 5, "heading": 6}
    ok = False
    try:
        params = _Block.__dataclass_params__
        fields = dataclasses.fields(_Block)
        ok = (
            params.init and not params.frozen and not hasattr(_Block, "__post_init__")
            and _Block.__init__.__code__.co_filename == "<string>"
            and "__slots__" in _Block.__dict__ and len(fields) <= MAX_FIELDS
            and set(sources) <= {f.name for f in fields}
        )
        for f in fields if ok else ():
            descr = _Block.__dict__.get(f.name)
            if not f.init or type(descr) is not types.MemberDescriptorType or f.default_factory is not dataclasses.MISSING:
                ok = False
            elif f.name not in sources and f.default is dataclasses.MISSING:
                ok = False
    except (AttributeError, TypeError):
        ok = False
    if ok:
        for i, f in enumerate(fields):
            descr = _Block.__dict__[f.name]
            _keep.append(descr)
            _f_descr[i] = <PyObject*> descr
            _f_src[i] = sources.get(f.name, -1)
            if _f_src[i] < 0:
                _keep.append(f.default)
                _f_default[i] = <PyObject*> f.default
        _n_fields = len(fields)
    _direct_blocks = ok
    _configured = True
    return 0


cdef inline PyObject* _struct_word(const unsigned char* w, Py_ssize_t n) noexcept:
    """The structural word w[:n] (lower-case ASCII letters) as a borrowed str, or NULL."""
    cdef int c = w[0] - 0x61
    cdef int i
    for i in range(_sw_from[c], _sw_from[c + 1]):
        if _sw_len[i] == n and memcmp(_sw_bytes[i], w, n) == 0:
            return _sw_str[i]
    return NULL


# ---------------------------------------------------------------------------------------------------
# UTF-8 white space: the code points for which str.isspace() is true (str.split() and str.strip()).

cdef inline Py_ssize_t _ws_at(const unsigned char* s, Py_ssize_t i, Py_ssize_t n) noexcept nogil:
    """Length of the white-space character at s[i], 0 if none."""
    cdef unsigned char c = s[i]
    if c < 0x80:
        return 1 if (c == 0x20 or 0x09 <= c <= 0x0D or 0x1C <= c <= 0x1F) else 0
    if c == 0xC2:  # U+0085, U+00A0
        return 2 if (i + 1 < n and (s[i + 1] == 0x85 or s[i + 1] == 0xA0)) else 0
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


cdef inline Py_ssize_t _ws_before(const unsigned char* s, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    """Length of the white-space character that ends at s[end] (not reaching before s[start]), 0 if none."""
    if end - start >= 1 and _ws_at(s, end - 1, end) == 1:
        return 1
    if end - start >= 2 and _ws_at(s, end - 2, end) == 2:
        return 2
    if end - start >= 3 and _ws_at(s, end - 3, end) == 3:
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
        k = _ws_before(s, a, b)
        if k == 0:
            break
        b -= k
    while a < b:
        if (s[a] & 0xC0) != 0x80:
            count += 1
        a += 1
    return count


cdef inline bint _has_ci(const unsigned char* s, Py_ssize_t n, const char* w) noexcept nogil:
    """Whether the 4 lower-case ASCII letters w occur in s[:n], in any case."""
    cdef Py_ssize_t i
    for i in range(n - 3):
        if ((s[i] | 0x20) == w[0] and (s[i + 1] | 0x20) == w[1] and (s[i + 2] | 0x20) == w[2]
                and (s[i + 3] | 0x20) == w[3]):
            return True
    return False


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
    """_HIDDEN_STYLE.search(style): display:none or visibility:hidden, in any case and spacing."""
    cdef const unsigned char* s = _simple_value(a)
    cdef bytes v
    cdef Py_ssize_t n
    if s is NULL:
        v = _attr_value(a)
        s = <const unsigned char*> <const char*> v
    n = strlen(<const char*> s)
    # a match holds a colon and "none" or "dden" in ASCII letters (no other character matches those
    # letters under re.IGNORECASE): most style attributes need no regular expression
    if memchr_colon(s, n) and (_has_ci(s, n, "none") or _has_ci(s, n, "dden")):
        try:
            style = PyUnicode_DecodeUTF8(<const char*> s, n, NULL)
        except UnicodeDecodeError:
            raise _Unreadable()
        return _hidden_search(style) is not None
    return False


cdef inline bint memchr_colon(const unsigned char* s, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        if s[i] == 0x3A:
            return True
    return False


cdef object _words(const unsigned char* s, Py_ssize_t n, object found):
    """found (a list, or None until there is a word) with the structural words of one class/id/role value.

    As _CLASS_SPLIT.split(value.lower()): runs of a-z after str.lower(), which turns only two non-ASCII
    characters into ASCII letters: U+212A KELVIN SIGN -> "k", U+0130 -> "i" + U+0307 (which ends the run).
    """
    cdef unsigned char word[MAX_WORD]
    cdef Py_ssize_t wl = 0, i = 0
    cdef unsigned char c
    cdef bint ascii = True
    cdef PyObject* w
    while i <= n:
        c = s[i] if i < n else 0x20
        if c >= 0x80:
            ascii = False
            if c == 0xE2 and i + 2 < n and s[i + 1] == 0x84 and s[i + 2] == 0xAA:
                c = 0x6B
                i += 2
            elif c == 0xC4 and i + 1 < n and s[i + 1] == 0xB0:
                if wl < MAX_WORD:
                    word[wl] = 0x69
                wl += 1
                i += 1
        elif 0x41 <= c <= 0x5A:
            c += 0x20
        if 0x61 <= c <= 0x7A:
            if wl < MAX_WORD:
                word[wl] = c
            wl += 1
        else:
            if 0 < wl <= MAX_WORD:
                w = _struct_word(word, wl)
                if w is not NULL:
                    if found is None:
                        found = []
                    found.append(<object> w)
            wl = 0
        i += 1
    if not ascii:
        try:
            PyUnicode_DecodeUTF8(<const char*> s, n, NULL)  # as el.get() would
        except UnicodeDecodeError:
            raise _Unreadable()
    return found


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


cdef struct Entry:
    tree.xmlNode* node
    PyObject* tag  # borrowed, as in NameSlot
    int flags
    tree.xmlAttr* cls  # the attributes el.get("class"), "id", "role" read (NULL: none)
    tree.xmlAttr* idv
    tree.xmlAttr* role
    PyObject* toks  # owned: the element's structural tokens, NULL until a block's path needs them
    PyObject* path  # owned: the path of a block with this entry innermost, NULL until needed


cdef class Walker:
    cdef NameSlot* names
    cdef unsigned int gen
    cdef int n_names
    cdef list tags
    cdef Entry* stack
    cdef Py_ssize_t n_stack, cap_stack
    cdef unsigned char* buf
    cdef Py_ssize_t buf_len, buf_cap
    cdef unsigned char* out
    cdef Py_ssize_t out_cap
    cdef list blocks
    cdef bint make_blocks
    cdef object cur_tag
    cdef Py_ssize_t link_chars
    cdef int a_depth, heading_depth
    cdef Py_ssize_t depth, max_depth
    cdef bint busy

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
            self.names[i].gen = 0
        self.gen = 0
        self.n_stack = 0
        self.buf_len = 0
        self.busy = False

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
        cdef int flags = 0
        if s in _skip_tags:
            flags |= F_SKIP
        if s in _block_tags:
            flags |= F_BLOCK
        if s in _heading_tags:
            flags |= F_HEADING
        elif s == "a":
            flags |= F_A
        if s in _landmark_tags:
            flags |= F_LANDMARK
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
                    k = strlen(content)
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
        if links > n_chars:
            links = n_chars
        if self.make_blocks:
            self._block(txt, self._path(), links)
        else:
            self.blocks.append((txt, self.cur_tag, self._path(), self.n_stack, links, self.heading_depth > 0))
        return 0

    cdef int _block(self, txt, path, Py_ssize_t links) except -1:
        cdef tuple values = (len(self.blocks), txt, self.cur_tag, path, self.n_stack, links,
                             self.heading_depth > 0)
        cdef PyObject* p
        cdef int i, src
        cdef PyObject* v
        if not _direct_blocks:
            self.blocks.append(_Block(index=values[0], text=txt, tag=values[2], path=path, depth=values[4],
                                      link_chars=values[5], heading=values[6]))
            return 0
        p = (<_TypeObject*> <PyObject*> _Block).tp_new(<_TypeObject*> <PyObject*> _Block, <PyObject*> _empty, NULL)
        if p is NULL:
            raise MemoryError()
        block = <object> p
        Py_DECREF(block)
        for i in range(_n_fields):
            src = _f_src[i]
            v = PyTuple_GET_ITEM(values, src) if src >= 0 else _f_default[i]
            if Py_TYPE(_f_descr[i]).tp_descr_set(_f_descr[i], <PyObject*> block, v) < 0:
                raise RuntimeError("cannot set a Block field")
        self.blocks.append(block)
        return 0

    cdef object _path(self):
        cdef Py_ssize_t n = self.n_stack, j, first, total, k, m
        cdef Entry* top
        cdef Entry* e
        cdef object toks
        cdef list found
        if n == 0:
            return _empty
        top = &self.stack[n - 1]
        if top.path is not NULL:
            return <object> top.path
        first = n - PATH_ENTRIES if n > PATH_ENTRIES else 0
        total = 0
        for j in range(first, n):
            e = &self.stack[j]
            if e.toks is NULL:
                found = None
                if e.flags & F_LANDMARK:
                    found = [<object> e.tag]
                if e.cls is not NULL or e.idv is not NULL or e.role is not NULL:
                    found = _attr_words(e.cls, found)
                    found = _attr_words(e.idv, found)
                    found = _attr_words(e.role, found)
                toks = _empty if found is None else tuple(found)
                Py_INCREF(toks)
                e.toks = <PyObject*> toks
            total += len(<tuple> e.toks)
        result = PyTuple_New(total)
        k = 0
        for j in range(first, n):
            t = <tuple> self.stack[j].toks
            for m in range(len(t)):
                v = t[m]
                Py_INCREF(v)
                PyTuple_SET_ITEM(result, k, v)
                k += 1
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
        cdef int flags = self._classify(node.name, &tag)
        cdef Entry* e
        cdef Entry* grown
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
        e.cls = cls
        e.idv = idv
        e.role = role
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

    cdef list run(self, tree.xmlNode* root, Py_ssize_t max_depth, bint make_blocks):
        cdef tree.xmlNode* cur = root
        cdef tree.xmlNode* nxt
        cdef bint entered
        cdef int i
        if not _configured:
            _configure()
        self.gen += 1
        if self.gen == 0:  # wrapped: forget every slot
            for i in range(NAME_SLOTS):
                self.names[i].gen = 0
            self.gen = 1
        self.n_names = 0
        self.tags = []
        self.blocks = []
        self.make_blocks = make_blocks
        self.cur_tag = "body"
        self.buf_len = 0
        self.link_chars = 0
        self.a_depth = self.heading_depth = 0
        self.depth = 0
        self.max_depth = max_depth
        self._clear_stack()
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
            self._clear_stack()
            self.tags = None
            self.blocks = None
            self.cur_tag = None


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
    """The blocks of the tree under ``root`` as detector.segment.Block objects (index from 0).

    None when the tree holds something that only the Python walk reads as lxml does.
    """
    return _walk(root, max_depth, True)
