# What the two compiled walks share: detector/_fastwalk.pyx (lxml's tree) and detector/_lexwalk.pyx
# (lexbor's) both ``include`` this file, so that each rule of detector.htmlblocks._walk_python is written
# once: the tag classes, the structural words of class/id/role, the hidden style, white space as
# str.isspace() says, a block's text, path and link characters, and the Block objects.
#
# The including module declares, before the include, ``ctypedef ... _attr_t`` (its parser's attribute
# struct) and defines ``cdef object _attr_words(_attr_t* a, object found)`` (the structural words of one
# attribute's value, through _words below). Its Walker subclasses _BlockWalker: it parses or reads the
# tree, finds the attributes and the text runs, and calls _open / _leave / _append / _end_run / _flush.

cimport cython
from cpython.list cimport PyList_GET_SIZE
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.ref cimport Py_DECREF, Py_INCREF, Py_XDECREF, PyObject
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_New, PyTuple_SET_ITEM
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport uint64_t
from libc.string cimport memcmp, memcpy

cdef extern from "Python.h":
    Py_ssize_t PyUnicode_GET_LENGTH(object u)
    ctypedef struct _TypeObject "PyTypeObject":
        PyObject* (*tp_new)(_TypeObject*, PyObject*, PyObject*)
        int (*tp_descr_set)(PyObject*, PyObject*, PyObject*)
    _TypeObject* Py_TYPE(PyObject*)

cdef extern from "_slots.h":
    Py_ssize_t dt_member_offset(PyObject *descr)
    void dt_slot_set(PyObject *o, Py_ssize_t off, PyObject *v)

cdef enum:
    # element classes, from the tag sets of detector.htmlblocks
    F_SKIP = 1
    F_BLOCK = 2
    F_HEADING = 4
    F_A = 8
    F_LANDMARK = 16
    PATH_ENTRIES = 12  # a block's path is read from this many innermost open elements
    MAX_WORD = 32  # letter runs longer than any structural word are not looked up
    MAX_FIELDS = 32  # Block fields that the walk sets itself


class _Unreadable(Exception):
    """The page holds something this walk does not read as detector.htmlblocks' Python walk would."""


# ---------------------------------------------------------------------------------------------------
# What detector.htmlblocks says (read at the first walk: the including module is imported by it)

cdef bint _configured = False
cdef object _skip_tags, _block_tags, _heading_tags, _landmark_tags, _hidden_search
cdef Py_ssize_t _max_blocks = 1  # segment.MAX_BLOCKS: the walk's last block takes the rest of the text
cdef object _Block = None
cdef list _keep = []  # owners of the borrowed pointers below
# structural words, sorted by first letter: _sw_from[c - 'a'] .. _sw_from[c - 'a' + 1]
cdef const unsigned char* _sw_bytes[256]
cdef Py_ssize_t _sw_len[256]
cdef PyObject* _sw_str[256]
cdef int _sw_from[27]
# Block construction: _direct_blocks is False where the class is not a plain slots dataclass (then
# _make_block calls it)
cdef int _n_fields = 0
cdef PyObject* _f_descr[MAX_FIELDS]
cdef Py_ssize_t _f_off[MAX_FIELDS]  # each field's slot offset (what its descriptor writes)
cdef int _f_src[MAX_FIELDS]  # 0..6: index, text, tag, path, depth, link_chars, heading; -1: the default
cdef PyObject* _f_default[MAX_FIELDS]
cdef bint _direct_blocks = False
cdef tuple _empty = ()


cdef int _configure() except -1:
    global _configured, _skip_tags, _block_tags, _heading_tags, _landmark_tags, _hidden_search, _Block
    global _max_blocks
    global _n_fields, _direct_blocks
    import dataclasses
    import importlib
    import types

    seg = importlib.import_module(__name__.rpartition(".")[0] + ".htmlblocks")
    _skip_tags, _block_tags, _heading_tags, _landmark_tags = (
        seg.SKIP_TAGS, seg.BLOCK_TAGS, seg.HEADING_TAGS, seg.LANDMARK_TAGS)
    _hidden_search = seg._HIDDEN_STYLE.search
    _max_blocks = max(1, int(seg.MAX_BLOCKS))
    _Block = seg.Block
    # structural words: only lower-case ASCII letters can match a run of [a-z]
    words = sorted(w for w in seg.STRUCT_WORDS if w.isascii() and w.isalpha() and w.islower() and len(w) <= MAX_WORD)
    if len(words) > 256:
        raise RuntimeError(f"too many structural words for {__name__}")
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
        ok = ok and _Block.__setattr__ is object.__setattr__
        for f in fields if ok else ():
            descr = _Block.__dict__.get(f.name)
            if not f.init or type(descr) is not types.MemberDescriptorType or f.default_factory is not dataclasses.MISSING:
                ok = False
            elif dt_member_offset(<PyObject*> descr) < 0:
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
            _f_off[i] = dt_member_offset(<PyObject*> descr)
            _f_src[i] = sources.get(f.name, -1)
            if _f_src[i] < 0:
                _keep.append(f.default)
                _f_default[i] = <PyObject*> f.default
        _n_fields = len(fields)
    _direct_blocks = ok
    _configured = True
    return 0


cdef int _tag_flags(str tag) except -1:
    """The classes (F_*) of an element by its lower-cased tag."""
    cdef int flags = 0
    if tag in _skip_tags:
        flags |= F_SKIP
    if tag in _block_tags:
        flags |= F_BLOCK
    if tag in _heading_tags:
        flags |= F_HEADING
    elif tag == "a":
        flags |= F_A
    if tag in _landmark_tags:
        flags |= F_LANDMARK
    return flags


cdef object _make_block(list blocks, txt, tag, path, Py_ssize_t depth, Py_ssize_t links, bint heading):
    """Append the Block (index len(blocks)) to blocks: its slots written at their offsets where it can be
    (what the slot descriptors and __init__ would do), else by calling the class."""
    cdef tuple values = (len(blocks), txt, tag, path, depth, links, heading)
    cdef PyObject* p
    cdef int i, src
    cdef PyObject* v
    if not _direct_blocks:
        blocks.append(_Block(index=values[0], text=txt, tag=tag, path=path, depth=values[4],
                             link_chars=values[5], heading=values[6]))
        return None
    p = (<_TypeObject*> <PyObject*> _Block).tp_new(<_TypeObject*> <PyObject*> _Block, <PyObject*> _empty, NULL)
    if p is NULL:
        raise MemoryError()
    block = <object> p
    Py_DECREF(block)
    for i in range(_n_fields):  # each slot written where its descriptor writes it (_configure checked them)
        src = _f_src[i]
        v = PyTuple_GET_ITEM(values, src) if src >= 0 else _f_default[i]
        dt_slot_set(<PyObject*> block, _f_off[i], v)
    blocks.append(block)
    return None


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


# ---------------------------------------------------------------------------------------------------
# Attribute values: the hidden style, the structural words

cdef inline bint _has_ci(const unsigned char* s, Py_ssize_t n, const char* w) noexcept nogil:
    """Whether the 4 lower-case ASCII letters w occur in s[:n], in any case."""
    cdef Py_ssize_t i
    for i in range(n - 3):
        if ((s[i] | 0x20) == w[0] and (s[i + 1] | 0x20) == w[1] and (s[i + 2] | 0x20) == w[2]
                and (s[i + 3] | 0x20) == w[3]):
            return True
    return False


cdef inline bint _has_colon(const unsigned char* s, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        if s[i] == 0x3A:
            return True
    return False


cdef bint _style_hides_text(const unsigned char* s, Py_ssize_t n) except -1:
    """_HIDDEN_STYLE.search(style) for the UTF-8 style value s[:n]: display:none or visibility:hidden, in
    any case and spacing."""
    # a match holds a colon and "none" or "dden" in ASCII letters (no other character matches those
    # letters under re.IGNORECASE): most style attributes need no regular expression
    if _has_colon(s, n) and (_has_ci(s, n, "none") or _has_ci(s, n, "dden")):
        try:
            style = PyUnicode_DecodeUTF8(<const char*> s, n, NULL)
        except UnicodeDecodeError:
            raise _Unreadable()
        return _hidden_search(style) is not None
    return False


cdef inline PyObject* _struct_word(const unsigned char* w, Py_ssize_t n) noexcept:
    """The structural word w[:n] (lower-case ASCII letters) as a borrowed str, or NULL."""
    cdef int c = w[0] - 0x61
    cdef int i
    for i in range(_sw_from[c], _sw_from[c + 1]):
        if _sw_len[i] == n and memcmp(_sw_bytes[i], w, n) == 0:
            return _sw_str[i]
    return NULL


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


# ---------------------------------------------------------------------------------------------------
# The walk's state: the open elements, the text of the block being read, the blocks made

cdef struct Entry:
    PyObject* tag  # the lower-cased tag: borrowed (the including module keeps it alive)
    int flags
    _attr_t* cls  # the attributes class, id, role (NULL: none)
    _attr_t* idv
    _attr_t* role
    PyObject* toks  # owned: the element's structural tokens, NULL until a block's path needs them
    PyObject* path  # owned: the path of a block with this entry innermost, NULL until needed


cdef class _BlockWalker:
    cdef list tags  # the tags made for this page (what Entry.tag borrows)
    cdef Entry* stack
    cdef Py_ssize_t n_stack, cap_stack
    cdef unsigned char* buf  # the text of the block being read, UTF-8 as the parser gave it
    cdef Py_ssize_t buf_len, buf_cap, run_start
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
        self.cap_stack = 64
        self.stack = <Entry*> PyMem_Malloc(self.cap_stack * sizeof(Entry))
        self.buf_cap = 4096
        self.buf = <unsigned char*> PyMem_Malloc(self.buf_cap)
        self.out_cap = 4096
        self.out = <unsigned char*> PyMem_Malloc(self.out_cap)
        if not self.stack or not self.buf or not self.out:
            raise MemoryError()
        self.n_stack = 0
        self.buf_len = 0
        self.run_start = 0
        self.busy = False

    def __dealloc__(self):
        self._clear_stack()
        PyMem_Free(self.stack)
        PyMem_Free(self.buf)
        PyMem_Free(self.out)

    @cython.final
    cdef void _clear_stack(self) noexcept:
        while self.n_stack > 0:
            self.n_stack -= 1
            Py_XDECREF(self.stack[self.n_stack].toks)
            Py_XDECREF(self.stack[self.n_stack].path)

    @cython.final
    cdef int _begin(self, Py_ssize_t max_depth, bint make_blocks) except -1:
        """Ready for a page."""
        if not _configured:
            _configure()
        self.tags = []
        self.blocks = []
        self.make_blocks = make_blocks
        self.cur_tag = "body"
        self.buf_len = 0
        self.run_start = 0
        self.link_chars = 0
        self.a_depth = self.heading_depth = 0
        self.depth = 0
        self.max_depth = max_depth
        self._clear_stack()
        return 0

    @cython.final
    cdef void _done(self) noexcept:
        """A page is walked (or the walk failed): drop what it holds."""
        self._clear_stack()
        self.tags = None
        self.blocks = None
        self.cur_tag = None

    # --- text -----------------------------------------------------------------------------------

    @cython.final
    cdef int _append(self, const unsigned char* p, Py_ssize_t k) except -1:
        """Append k bytes of text to the buffer."""
        cdef Py_ssize_t cap
        cdef unsigned char* grown
        if k <= 0 or p is NULL:
            return 0
        if self.buf_len + k > self.buf_cap:
            cap = self.buf_cap
            while cap < self.buf_len + k:
                cap *= 2
            grown = <unsigned char*> PyMem_Realloc(self.buf, cap)
            if grown is NULL:
                raise MemoryError()
            self.buf = grown
            self.buf_cap = cap
        memcpy(self.buf + self.buf_len, p, k)
        self.buf_len += k
        return 0

    @cython.final
    cdef inline void _end_run(self) noexcept:
        """A run of text (an element's .text or .tail: what was appended since the last call) ends: inside
        an <a>, its link characters are len(run.strip())."""
        if self.a_depth and self.buf_len > self.run_start:
            self.link_chars += _stripped_len(self.buf, self.run_start, self.buf_len)
        self.run_start = self.buf_len

    @cython.final
    cdef int _end_block(self) except -1:
        """A block tag ends the text in the buffer: a block of it, or, once the page holds MAX_BLOCKS - 1
        blocks, a space (the rest of the page goes into its last block, flushed when the walk ends)."""
        if PyList_GET_SIZE(self.blocks) < _max_blocks - 1:
            return self._flush()
        return self._append(<const unsigned char*> b" ", 1)

    @cython.final
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
        self.run_start = 0
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
            _make_block(self.blocks, txt, self.cur_tag, self._path(), self.n_stack, links, self.heading_depth > 0)
        else:
            self.blocks.append((txt, self.cur_tag, self._path(), self.n_stack, links, self.heading_depth > 0))
        return 0

    @cython.final
    cdef object _path(self):
        """The structural tokens of the PATH_ENTRIES innermost open elements, outermost first."""
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

    # --- elements -------------------------------------------------------------------------------

    @cython.final
    cdef int _open(self, PyObject* tag, int flags, _attr_t* cls, _attr_t* idv, _attr_t* role) except -1:
        """An element is entered (self.depth already counts it; it is neither skipped nor hidden): a
        block tag within max_depth ends the block before it."""
        cdef Entry* e
        cdef Entry* grown
        if flags & F_BLOCK and self.depth <= self.max_depth:
            if self.buf_len:
                self._end_block()
            self.cur_tag = <object> tag
        if self.n_stack == self.cap_stack:
            grown = <Entry*> PyMem_Realloc(self.stack, 2 * self.cap_stack * sizeof(Entry))
            if grown is NULL:
                raise MemoryError()
            self.stack = grown
            self.cap_stack *= 2
        e = &self.stack[self.n_stack]
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
        return 0

    @cython.final
    cdef int _leave(self, bint entered) except -1:
        """An element ends (entered: _open took it): a block tag within max_depth ends the block in it."""
        cdef Entry* e
        self.depth -= 1
        if entered:
            e = &self.stack[self.n_stack - 1]
            if e.flags & F_BLOCK and self.depth + 1 <= self.max_depth:
                if self.buf_len:
                    self._end_block()
                self.cur_tag = <object> self.stack[self.n_stack - 2].tag if self.n_stack > 1 else "body"
            if e.flags & F_HEADING:
                self.heading_depth -= 1
            elif e.flags & F_A:
                self.a_depth -= 1
            self.n_stack -= 1
            Py_XDECREF(e.toks)
            Py_XDECREF(e.path)
        return 0
