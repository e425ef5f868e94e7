# cython: language_level=3
"""The segmenter's parse and walk with lexbor (the HTML5 parser that selectolax ships), read in C.

``blocks(data, max_depth)`` parses the UTF-8 bytes ``data`` with lexbor and gives the blocks of the
tree under the document element as ``detector.page.Block`` objects, by the rules of
``detector.htmlblocks._walk_python`` / ``detector/_fastwalk.pyx``: the same tag sets, the same hidden
elements (a ``hidden`` attribute, a style that says display:none or visibility:hidden), the same
structural words from class/id/role, the same max_depth. Only the parser differs: lexbor builds the
tree the HTML Standard says a browser builds, libxml2 builds its own (see the notes at the end).
``walk(data, max_depth)`` gives the same blocks as (text, tag, path, depth, link_chars, heading) tuples.
tests/test_lexwalk.py checks them against a Python walk over selectolax's own tree.

How lxml's view of the tree is mirrored: lxml's parser drops comments (remove_comments), so a lexbor
comment node is passed over as if absent: the text on both sides of it is one run, as libxml2 would have
it in one node. An element's .text is the run of text nodes before its first child element, its .tail
the run after it up to the next element; a run's link characters are len(run.strip()) when the run sits
inside an <a>. <template> content sits in a fragment outside the child list (and template is skipped
anyway). White space is what ``str.isspace()`` says, found in the UTF-8 bytes. One lexbor document is
kept and parsed into page after page (lexbor cleans it; the quirks mode is reset here, which lexbor
does not do).

Nothing of lexbor is compiled in: the few functions used are looked up (dlsym) in selectolax's own
extension module, and the node structs are declared below as lexbor 3.1 lays them out (checked with
offsetof against lexbor 3.1's headers from selectolax 1.0.2's sdist). So the module refuses to load
beside any selectolax other than the one it was built against (DETECTOR_SELECTOLAX_VERSION, set by
setup.py) or a lexbor other than 3.1, and reads a known page back at the first call.

What a lexbor tree has that a libxml2 tree has not (seen on realdev's HTML pages): </br> read as <br>
(a block break: "a</br>b" gives two blocks); an element that may not sit in <head> (an unknown
one, <x/>) ends the head, so a <title> after it is body text; the adoption agency re-opens an unclosed
<a> or <em> in the blocks that follow (more link characters, an inline tag as a block's tag); headings
closed where the HTML Standard closes them (libxml2 leaves some open: whole comment threads flagged as
headings); text after </html> and content a table does not allow put back in the body; <tbody> added to
every table (depth + 1, which the features do not use); <script> text ended where a browser ends it
(libxml2 showed some script source as text); pages libxml2 loses entirely (everything in <head> or in a
<noscript>) read in full. The parser runs with scripting on, as a browser that runs scripts: <noscript>
holds raw text and is skipped with it, as detector/htmlblocks.py skips it under lxml. No nesting limit (libxml2 stops
at its limit and segment_html then reads the page flat).
"""

from libc.stdint cimport uintptr_t
from libc.string cimport memchr

cdef extern from *:
    """
    #ifndef DETECTOR_SELECTOLAX_VERSION
    #define DETECTOR_SELECTOLAX_VERSION ""
    #endif
    #include <dlfcn.h>
    #ifndef RTLD_NOLOAD
    #define RTLD_NOLOAD 0
    #endif

    /* lexbor 3.1's structs, as far as this module reads them (lexbor/source/lexbor/dom/interfaces/) */
    typedef struct { unsigned char *data; size_t length; } dlx_str_t;
    typedef struct dlx_node dlx_node_t;
    struct dlx_node {
        void *events;                       /* lxb_dom_event_target_t */
        uintptr_t local_name, prefix, ns;
        void *owner_document;
        dlx_node_t *next, *prev, *parent, *first_child, *last_child;
        void *user;
        int type;                           /* lxb_dom_node_type_t */
    };
    typedef struct dlx_attr dlx_attr_t;
    struct dlx_attr {                        /* lxb_dom_attr_t */
        dlx_node_t node;
        uintptr_t upper_name, qualified_name;
        dlx_str_t *value;
        void *owner;
        dlx_attr_t *next, *prev;
    };
    typedef struct {                         /* lxb_dom_element_t, its head */
        dlx_node_t node;
        uintptr_t upper_name, qualified_name;
        dlx_str_t *is_value;
        dlx_attr_t *first_attr, *last_attr;
    } dlx_element_t;
    typedef struct {                         /* lxb_dom_document_t, its head */
        dlx_node_t node;
        int compat_mode;                    /* lxb_dom_document_cmode_t: 0 no quirks, 1 quirks, 2 limited */
    } dlx_document_t;
    typedef struct {                         /* lxb_dom_character_data_t: text, comment, CDATA */
        dlx_node_t node;
        dlx_str_t data;
    } dlx_chars_t;

    typedef void *(*dlx_document_create_f)(void);
    typedef unsigned int (*dlx_document_parse_f)(void *doc, const unsigned char *html, size_t size);
    typedef void *(*dlx_document_destroy_f)(void *doc);
    typedef void *(*dlx_document_element_f)(void *doc);
    typedef const unsigned char *(*dlx_tag_name_f)(uintptr_t tag_id, size_t *len);
    typedef const unsigned char *(*dlx_attr_name_f)(dlx_attr_t *attr, size_t *len);
    typedef void (*dlx_scripting_set_f)(void *doc, _Bool scripting);
    """
    const char* DETECTOR_SELECTOLAX_VERSION
    int RTLD_NOW, RTLD_NOLOAD
    void* dlopen(const char* path, int mode)
    void* dlsym(void* handle, const char* name)

    ctypedef struct dlx_str_t:
        unsigned char* data
        size_t length
    ctypedef struct dlx_node_t:
        uintptr_t local_name
        uintptr_t ns
        dlx_node_t* next
        dlx_node_t* parent
        dlx_node_t* first_child
        int type
    ctypedef struct dlx_attr_t:
        dlx_node_t node
        dlx_str_t* value
        dlx_attr_t* next
    ctypedef struct dlx_element_t:
        dlx_node_t node
        dlx_attr_t* first_attr
    ctypedef struct dlx_chars_t:
        dlx_node_t node
        dlx_str_t data
    ctypedef struct dlx_document_t:
        int compat_mode

    ctypedef void* (*dlx_document_create_f)() noexcept nogil
    ctypedef unsigned int (*dlx_document_parse_f)(void* doc, const unsigned char* html, size_t size) noexcept nogil
    ctypedef void* (*dlx_document_destroy_f)(void* doc) noexcept
    ctypedef void* (*dlx_document_element_f)(void* doc) noexcept
    ctypedef const unsigned char* (*dlx_tag_name_f)(uintptr_t tag_id, size_t* len) noexcept
    ctypedef const unsigned char* (*dlx_attr_name_f)(dlx_attr_t* attr, size_t* len) noexcept
    ctypedef void (*dlx_scripting_set_f)(void* doc, bint scripting) noexcept

import selectolax
import selectolax.lexbor as _sx

BUILT_FOR_SELECTOLAX = DETECTOR_SELECTOLAX_VERSION.decode("ascii")
if not BUILT_FOR_SELECTOLAX or selectolax.__version__ != BUILT_FOR_SELECTOLAX:
    raise ImportError(f"detector._lexwalk was built for selectolax {BUILT_FOR_SELECTOLAX or '?'}, "
                      f"this is selectolax {selectolax.__version__}")
if (_sx.LEXBOR_VERSION_MAJOR, _sx.LEXBOR_VERSION_MINOR) != (3, 1):
    raise ImportError(f"detector._lexwalk reads lexbor 3.1's structs, selectolax holds lexbor "
                      f"{_sx.LEXBOR_VERSION_MAJOR}.{_sx.LEXBOR_VERSION_MINOR}")

cdef dlx_document_create_f _document_create = NULL
cdef dlx_document_parse_f _document_parse = NULL
cdef dlx_document_destroy_f _document_destroy = NULL
cdef dlx_document_element_f _document_element = NULL
cdef dlx_tag_name_f _tag_name = NULL
cdef dlx_attr_name_f _attr_name = NULL
cdef dlx_scripting_set_f _scripting_set = NULL
# Parse as a browser that runs scripts: <noscript> holds raw text (skipped with it), as a reader sees the
# page; without, its markup is parsed, and a block in it (a <table>) closes an open <p> and the noscript
# with it, so that the rest of the noscript's content shows. set_scripting() changes it.
cdef bint _scripting = True


cdef void* _sym(void* handle, const char* name) except NULL:
    cdef void* p = dlsym(handle, name)
    if p is NULL:
        raise ImportError(f"detector._lexwalk: selectolax's module has no {name.decode()}")
    return p


cdef int _bind() except -1:
    global _document_create, _document_parse, _document_destroy, _document_element, _tag_name, _attr_name
    global _scripting_set
    path = _sx.__file__.encode()
    cdef void* h = dlopen(path, RTLD_NOW | RTLD_NOLOAD)
    if h is NULL:
        h = dlopen(path, RTLD_NOW)
    if h is NULL:
        raise ImportError("detector._lexwalk cannot open selectolax's module")
    _document_create = <dlx_document_create_f> _sym(h, "lxb_html_document_create")
    _document_parse = <dlx_document_parse_f> _sym(h, "lxb_html_document_parse")
    _document_destroy = <dlx_document_destroy_f> _sym(h, "lxb_html_document_destroy")
    _document_element = <dlx_document_element_f> _sym(h, "lxb_dom_document_element_noi")
    _tag_name = <dlx_tag_name_f> _sym(h, "lxb_tag_name_by_id_noi")
    _attr_name = <dlx_attr_name_f> _sym(h, "lxb_dom_attr_local_name_noi")
    _scripting_set = <dlx_scripting_set_f> _sym(h, "lxb_dom_document_scripting_set_noi")
    return 0


_bind()

ctypedef dlx_attr_t _attr_t  # the attributes that a block's path reads (see _walkcommon.pxi)

# The rules that _fastwalk.pyx shares: tag classes, structural words, hidden style, white space, blocks
include "_walkcommon.pxi"

cdef enum:
    # attributes the walk reads
    A_OTHER = 1
    A_HIDDEN = 2
    A_STYLE = 3
    A_CLASS = 4
    A_ID = 5
    A_ROLE = 6
    STATIC_IDS = 1024  # lexbor's own tag and attribute ids are below this; others are pointers
    NAME_SLOTS = 1024  # the cache of the other ids: a power of two
    NODE_ELEMENT = 1  # lxb_dom_node_type_t (the DOM's node types)
    NODE_TEXT = 3
    NODE_CDATA = 4
    DOC_KEEP_BYTES = 1 << 20  # a document that parsed more than this is freed after its walk, not kept


# lexbor's static tag and attribute ids: classified once (flags 0 and tag NULL: not yet; C zeroes them)
cdef int _static_tag_flags[STATIC_IDS]
cdef PyObject* _static_tag_str[STATIC_IDS]
cdef unsigned char _static_attr[STATIC_IDS]


# ---------------------------------------------------------------------------------------------------
# lexbor's attributes

cdef bint _style_hides(dlx_attr_t* a) except -1:
    """_HIDDEN_STYLE.search(style)."""
    if a.value is NULL or a.value.data is NULL:
        return False
    return _style_hides_text(a.value.data, a.value.length)


cdef object _attr_words(dlx_attr_t* a, object found):
    if a is NULL or a.value is NULL or a.value.data is NULL:
        return found
    return _words(a.value.data, a.value.length, found)


# ---------------------------------------------------------------------------------------------------

cdef struct IdSlot:
    uintptr_t id
    unsigned int gen
    int flags  # element flags, or for an attribute its A_ code
    PyObject* tag


cdef inline IdSlot* _probe(IdSlot* table, uintptr_t id, unsigned int gen) noexcept:
    """``id``'s slot in an open-addressing table of NAME_SLOTS slots (at most half of them used, so a
    probe ends): the slot holding it (its ``gen`` is ``gen``), or the free slot where it would go."""
    cdef size_t h = <size_t> (((<uint64_t> id) * 0x9E3779B97F4A7C15ULL) >> 54) & (NAME_SLOTS - 1)
    cdef IdSlot* slot
    while True:
        slot = &table[h]
        if slot.gen != gen or slot.id == id:
            return slot
        h = (h + 1) & (NAME_SLOTS - 1)


cdef class Walker(_BlockWalker):
    cdef void* doc  # lxb_html_document_t, kept between pages (lexbor cleans it at the next parse)
    cdef Py_ssize_t doc_bytes
    cdef IdSlot* tag_slots
    cdef IdSlot* attr_slots
    cdef unsigned int gen
    cdef int n_tag_slots, n_attr_slots

    def __cinit__(self):
        self.doc = NULL
        self.tag_slots = <IdSlot*> PyMem_Malloc(NAME_SLOTS * sizeof(IdSlot))
        self.attr_slots = <IdSlot*> PyMem_Malloc(NAME_SLOTS * sizeof(IdSlot))
        if not self.tag_slots or not self.attr_slots:
            raise MemoryError()
        cdef int i
        for i in range(NAME_SLOTS):
            self.tag_slots[i].gen = 0
            self.attr_slots[i].gen = 0
        self.gen = 0

    def __dealloc__(self):
        if self.doc is not NULL:
            _document_destroy(self.doc)
            self.doc = NULL
        PyMem_Free(self.tag_slots)
        PyMem_Free(self.attr_slots)

    # --- parsing --------------------------------------------------------------------------------

    cdef dlx_node_t* parse(self, const unsigned char* data, Py_ssize_t n) except? NULL:
        """Parse into this walker's document; its document element (NULL: none)."""
        cdef unsigned int status
        cdef int i
        if self.doc is not NULL and self.doc_bytes > DOC_KEEP_BYTES:
            _document_destroy(self.doc)
            self.doc = NULL
        if self.doc is NULL:
            self.doc = _document_create()
            if self.doc is NULL:
                raise MemoryError()
        _scripting_set(self.doc, _scripting)  # the tree builder reads the document's flag
        # lexbor sets quirks mode where a page's doctype asks for it, but never sets it back (a fresh
        # document starts without): a kept document must not carry the last page's mode into this one
        (<dlx_document_t*> self.doc).compat_mode = 0
        self.doc_bytes = n
        with nogil:
            status = _document_parse(self.doc, data, n)
        if status != 0:
            _document_destroy(self.doc)
            self.doc = NULL
            raise ValueError(f"lexbor cannot parse this page (status {status})")
        self.gen += 1
        if self.gen == 0:
            for i in range(NAME_SLOTS):
                self.tag_slots[i].gen = 0
                self.attr_slots[i].gen = 0
            self.gen = 1
        self.n_tag_slots = self.n_attr_slots = 0
        return <dlx_node_t*> _document_element(self.doc)

    # --- names ----------------------------------------------------------------------------------

    cdef int _classify(self, uintptr_t tag_id, PyObject** tag) except -1:
        """The flags of an element and its tag, by lexbor's tag id (a pointer for a tag of its own)."""
        cdef IdSlot* slot = NULL
        if tag_id < STATIC_IDS:
            if _static_tag_str[tag_id] is not NULL:
                tag[0] = _static_tag_str[tag_id]
                return _static_tag_flags[tag_id]
        else:
            slot = _probe(self.tag_slots, tag_id, self.gen)
            if slot.gen == self.gen:
                tag[0] = slot.tag
                return slot.flags
        cdef size_t n = 0
        cdef const unsigned char* name = _tag_name(tag_id, &n)
        if name is NULL:
            n = 0
            name = <const unsigned char*> ""
        try:
            s = PyUnicode_DecodeUTF8(<const char*> name, n, NULL).lower()
        except UnicodeDecodeError:
            raise _Unreadable()
        cdef int flags = _tag_flags(s)
        tag[0] = <PyObject*> s
        if tag_id < STATIC_IDS:
            _keep.append(s)
            _static_tag_str[tag_id] = <PyObject*> s
            _static_tag_flags[tag_id] = flags
        else:
            self.tags.append(s)
            if self.n_tag_slots < NAME_SLOTS // 2:
                slot.id = tag_id
                slot.gen = self.gen
                slot.flags = flags
                slot.tag = <PyObject*> s
                self.n_tag_slots += 1
        return flags

    cdef int _attr_kind(self, dlx_attr_t* a) noexcept:
        """What an attribute is to the walk: A_HIDDEN, A_STYLE, A_CLASS, A_ID, A_ROLE or A_OTHER."""
        cdef uintptr_t aid = a.node.local_name
        cdef IdSlot* slot = NULL
        cdef int kind
        if aid < STATIC_IDS:
            kind = _static_attr[aid]
            if kind:
                return kind
        else:
            slot = _probe(self.attr_slots, aid, self.gen)
            if slot.gen == self.gen:
                return slot.flags
        cdef size_t n = 0
        cdef const unsigned char* name = _attr_name(a, &n)
        kind = A_OTHER
        if name is not NULL:
            if n == 6 and memcmp(name, b"hidden", 6) == 0:
                kind = A_HIDDEN
            elif n == 5 and memcmp(name, b"style", 5) == 0:
                kind = A_STYLE
            elif n == 5 and memcmp(name, b"class", 5) == 0:
                kind = A_CLASS
            elif n == 2 and memcmp(name, b"id", 2) == 0:
                kind = A_ID
            elif n == 4 and memcmp(name, b"role", 4) == 0:
                kind = A_ROLE
        if aid < STATIC_IDS:
            _static_attr[aid] = kind
        elif self.n_attr_slots < NAME_SLOTS // 2:
            slot.id = aid
            slot.gen = self.gen
            slot.flags = kind
            self.n_attr_slots += 1
        return kind

    # --- text -----------------------------------------------------------------------------------

    # --- the walk -------------------------------------------------------------------------------

    cdef dlx_node_t* _element_from(self, dlx_node_t* c) except? NULL:
        """The first element from c on; the text nodes on the way go to the buffer (comments are passed over)."""
        while c is not NULL:
            if c.type == NODE_ELEMENT:
                return c
            if c.type == NODE_TEXT or c.type == NODE_CDATA:
                self._append((<dlx_chars_t*> c).data.data, (<dlx_chars_t*> c).data.length)
            c = c.next
        return NULL

    cdef bint _start(self, dlx_node_t* node) except -1:
        """The start event; False when the element is skipped with its subtree."""
        cdef PyObject* tag
        cdef int flags
        cdef dlx_attr_t* a
        cdef dlx_attr_t* style = NULL
        cdef dlx_attr_t* cls = NULL
        cdef dlx_attr_t* idv = NULL
        cdef dlx_attr_t* role = NULL
        cdef int kind
        self._end_run()
        flags = self._classify(node.local_name, &tag)
        self.depth += 1
        if flags & F_SKIP:
            return False
        a = (<dlx_element_t*> node).first_attr
        if a is not NULL:
            while a is not NULL:  # the first of each (lexbor keeps only the first of a name)
                kind = self._attr_kind(a)
                if kind != A_OTHER:
                    if kind == A_HIDDEN:
                        return False
                    elif kind == A_STYLE:
                        if style is NULL:
                            style = a
                    elif kind == A_CLASS:
                        if cls is NULL:
                            cls = a
                    elif kind == A_ID:
                        if idv is NULL:
                            idv = a
                    elif kind == A_ROLE:
                        if role is NULL:
                            role = a
                a = a.next
            if style is not NULL and _style_hides(style):
                return False
        self._open(tag, flags, cls, idv, role)
        return True

    cdef int _end(self, bint entered) except -1:
        self._end_run()
        self._leave(entered)
        return 0

    cdef list run(self, dlx_node_t* root, Py_ssize_t max_depth, bint make_blocks):
        cdef dlx_node_t* cur = root
        cdef dlx_node_t* nxt
        cdef bint entered
        self._begin(max_depth, make_blocks)
        if root is NULL:
            return []
        try:
            entered = self._start(cur)
            while True:
                nxt = self._element_from(cur.first_child) if entered else NULL
                if nxt is not NULL:
                    cur = nxt
                    entered = self._start(cur)
                    continue
                while True:
                    self._end(entered)
                    if cur == root:
                        self._end_run()
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



# ---------------------------------------------------------------------------------------------------
# The cost guard. An HTML5 tree builder checks "an element in scope" by walking the stack of open
# elements: a start tag such as <div> looks for a <p> to close all the way down, so a page nested D deep
# costs D steps per tag (100,000 nested <div>: 23 s in lexbor, where libxml2 stops at its nesting limit
# and segment_html reads the page flat in 0.1 s). cost() scans the page's tags once, in linear time,
# keeping a rough stack of open elements (void elements, raw text, comments and the usual implied end
# tags taken into account, an end tag closing a match among the innermost few) and adds the stack's
# depth at each start tag: about the number of scope steps lexbor will take. blocks() gives None above
# GUARD_COST, and segment_html parses that page with lxml. Real pages cost far below (realdev: see
# tests/test_lexwalk.py); a cost above it is a page nested thousands deep, or thousands of unclosed
# formatting elements that lexbor would re-open in every paragraph.

cdef enum:
    GUARD_COST = 20000000  # about 0.1 s of lexbor's scope walks
    G_VOID = 1  # no end tag, not pushed
    G_RAW = 2  # raw text up to its end tag
    G_PLAIN = 4  # <plaintext>: the rest is text
    G_CLOSES_P = 8  # a start tag that closes an open <p>
    G_GROUP = 0xF00  # implied end tags: a start tag of a group closes an open one of the same group
    G_SLOTS = 512
    G_NEAR_END = 16  # an end tag closes a match among this many innermost elements (else it is ignored)
    G_NEAR_START = 4  # a start tag closes an implied one among this many, up to a block

cdef unsigned int _g_hash[G_SLOTS]
cdef int _g_flags[G_SLOTS]


cdef inline unsigned int _name_hash(const unsigned char* s, Py_ssize_t n) noexcept nogil:
    """FNV-1a of the ASCII-lower-cased name (never 0)."""
    cdef unsigned int h = 2166136261u
    cdef Py_ssize_t i
    cdef unsigned char c
    for i in range(n):
        c = s[i]
        if 0x41 <= c <= 0x5A:
            c += 0x20
        h = (h ^ c) * 16777619u
    return h if h else 1


cdef inline int _g_lookup(unsigned int h) noexcept nogil:
    cdef unsigned int k = h & (G_SLOTS - 1)
    while _g_hash[k]:
        if _g_hash[k] == h:
            return _g_flags[k]
        k = (k + 1) & (G_SLOTS - 1)
    return 0


cdef _g_add(names, int flags):
    cdef bytes b
    cdef unsigned int h, k
    for name in names.split():
        b = name.encode("ascii")
        h = _name_hash(b, len(b))
        k = h & (G_SLOTS - 1)
        while _g_hash[k] and _g_hash[k] != h:
            k = (k + 1) & (G_SLOTS - 1)
        _g_hash[k] = h
        _g_flags[k] |= flags


_g_add("area base basefont bgsound br col embed frame hr image img input keygen link meta param source "
       "track wbr", G_VOID)
_g_add("script style textarea title xmp iframe noembed noframes noscript", G_RAW)
_g_add("plaintext", G_PLAIN)
_g_add("address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer "
       "form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section summary table ul li dd dt "
       "listing xmp plaintext", G_CLOSES_P)
_g_add("p", 0x100)
_g_add("li", 0x200)
_g_add("dd dt", 0x300)
_g_add("option", 0x400)
_g_add("tr", 0x500)
_g_add("td th", 0x600)
_g_add("tbody thead tfoot", 0x700)
_g_add("rb rt rp rtc", 0x800)
cdef unsigned int _G_P = _name_hash(b"p", 1)


cdef inline Py_ssize_t _tag_end(const unsigned char* s, Py_ssize_t i, Py_ssize_t n) noexcept nogil:
    """The index just past the '>' that ends the tag at s[i:] (quoted attribute values skipped), or n."""
    cdef unsigned char c, q
    cdef const void* p
    while i < n:
        c = s[i]
        if c == 0x3E:  # >
            return i + 1
        if c == 0x3D:  # =, then perhaps a quoted value
            i += 1
            while i < n and (s[i] == 0x20 or 0x09 <= s[i] <= 0x0D):
                i += 1
            if i < n and (s[i] == 0x22 or s[i] == 0x27):
                q = s[i]
                p = memchr(s + i + 1, q, n - i - 1)
                if p is NULL:
                    return n
                i = <const unsigned char*> p - s + 1
            continue
        i += 1
    return n


cdef Py_ssize_t _raw_end(const unsigned char* s, Py_ssize_t i, Py_ssize_t n, const unsigned char* name,
                         Py_ssize_t k) noexcept nogil:
    """The index of the end tag </name> from s[i:] on (any case), or n."""
    cdef const void* p
    cdef Py_ssize_t j
    while i < n:
        p = memchr(s + i, 0x3C, n - i)
        if p is NULL:
            return n
        i = <const unsigned char*> p - s + 1
        if i + k < n and s[i] == 0x2F:
            for j in range(k):
                if (s[i + 1 + j] | 0x20) != (name[j] | 0x20):
                    break
            else:
                return i - 1
    return n


cdef Py_ssize_t _cost(const unsigned char* s, Py_ssize_t n, Py_ssize_t budget) except -1:
    """About the number of steps lexbor's scope checks take on the page s[:n]; stops above budget."""
    cdef unsigned int* stack = <unsigned int*> PyMem_Malloc(1024 * sizeof(unsigned int))
    cdef int* groups = <int*> PyMem_Malloc(1024 * sizeof(int))
    cdef Py_ssize_t cap = 1024, depth = 0, cost = 0, i = 0, a, j, lim
    cdef const void* p
    cdef unsigned int h
    cdef int flags, g
    cdef bint end
    cdef void* grown
    if stack is NULL or groups is NULL:
        PyMem_Free(stack)
        PyMem_Free(groups)
        raise MemoryError()
    try:
        while i < n and cost <= budget:
            p = memchr(s + i, 0x3C, n - i)  # <
            if p is NULL:
                break
            i = <const unsigned char*> p - s + 1
            if i >= n:
                break
            if s[i] == 0x21:  # <!-- comment -->, <!DOCTYPE ...>, <![CDATA[...]]>
                if i + 2 < n and s[i + 1] == 0x2D and s[i + 2] == 0x2D:
                    i += 3
                    while True:
                        p = memchr(s + i, 0x3E, n - i)
                        if p is NULL:
                            i = n
                            break
                        i = <const unsigned char*> p - s + 1
                        if i >= 3 and s[i - 2] == 0x2D and s[i - 3] == 0x2D:
                            break
                else:
                    p = memchr(s + i, 0x3E, n - i)
                    i = n if p is NULL else <const unsigned char*> p - s + 1
                continue
            if s[i] == 0x3F:  # <?...>: a bogus comment
                p = memchr(s + i, 0x3E, n - i)
                i = n if p is NULL else <const unsigned char*> p - s + 1
                continue
            end = s[i] == 0x2F
            if end:
                i += 1
            if i >= n or not (0x61 <= (s[i] | 0x20) <= 0x7A):  # a letter: a tag
                continue
            a = i
            while i < n and not (s[i] == 0x20 or 0x09 <= s[i] <= 0x0D or s[i] == 0x2F or s[i] == 0x3E):
                i += 1
            h = _name_hash(s + a, i - a)
            flags = _g_lookup(h)
            i = _tag_end(s, i, n)
            if end:
                lim = depth - G_NEAR_END if depth > G_NEAR_END else 0
                for j in range(depth - 1, lim - 1, -1):
                    if stack[j] == h:
                        depth = j
                        break
                continue
            if flags & G_PLAIN:
                break
            if flags & G_RAW:
                i = _raw_end(s, i, n, s + a, _tag_end_name(s, a, n))
                continue
            if flags & G_VOID:
                continue
            g = flags & G_GROUP
            if g or flags & G_CLOSES_P:
                lim = depth - G_NEAR_START if depth > G_NEAR_START else 0
                for j in range(depth - 1, lim - 1, -1):
                    if (g and groups[j] & G_GROUP == g) or (flags & G_CLOSES_P and stack[j] == _G_P):
                        depth = j
                        break
                    if groups[j] & G_CLOSES_P:  # a block (<ul>, <div>, <table>): the search stops there
                        break
            cost += depth
            if depth == cap:
                grown = PyMem_Realloc(stack, 2 * cap * sizeof(unsigned int))
                if grown is NULL:
                    raise MemoryError()
                stack = <unsigned int*> grown
                grown = PyMem_Realloc(groups, 2 * cap * sizeof(int))
                if grown is NULL:
                    raise MemoryError()
                groups = <int*> grown
                cap *= 2
            stack[depth] = h
            groups[depth] = flags
            depth += 1
        return cost
    finally:
        PyMem_Free(stack)
        PyMem_Free(groups)


cdef inline Py_ssize_t _tag_end_name(const unsigned char* s, Py_ssize_t a, Py_ssize_t n) noexcept nogil:
    """The length of the tag name at s[a:]."""
    cdef Py_ssize_t i = a
    while i < n and not (s[i] == 0x20 or 0x09 <= s[i] <= 0x0D or s[i] == 0x2F or s[i] == 0x3E):
        i += 1
    return i - a


cdef enum:
    # cost() adds the stack's depth at each start tag it pushes, and the stack grows by one per push, so a
    # page with T "<" costs at most T(T-1)/2: at most GUARD_COST for T up to GUARD_TAGS. Counting the "<"
    # (memchr) takes a twentieth of cost()'s scan, and 99% of realdev's pages have fewer (median 1,170).
    GUARD_TAGS = 6325


cdef bint _few_tags(const unsigned char* s, Py_ssize_t n) noexcept nogil:
    """Whether s[:n] holds at most GUARD_TAGS "<": cost() cannot then exceed GUARD_COST."""
    cdef Py_ssize_t i = 0, k = 0
    cdef const void* p
    while i < n:
        p = memchr(s + i, 0x3C, n - i)
        if p is NULL:
            return True
        k += 1
        if k > GUARD_TAGS:
            return False
        i = <const unsigned char*> p - s + 1
    return True


def few_tags(bytes data not None):
    """Whether the page ``data`` has so few tags that the cost guard need not scan it (for tests)."""
    return _few_tags(<const unsigned char*> <const char*> data, len(data))


def cost(bytes data not None):
    """The cost guard's estimate for the page ``data`` (see GUARD_COST), stopping a little above it."""
    return _cost(<const unsigned char*> <const char*> data, len(data), GUARD_COST)


GUARD = GUARD_COST


cdef Walker _walker = Walker()
cdef bint _checked = False


cdef object _run(bytes data, Py_ssize_t max_depth, bint make_blocks):
    global _checked
    if not _checked:  # at the first page, not at import: the walk reads detector.htmlblocks, which imports this
        _checked = True
        _self_check()
    cdef Walker w = _walker
    if w.busy:
        w = Walker()
    w.busy = True
    try:
        root = w.parse(<const unsigned char*> <const char*> data, len(data))
        return w.run(root, max_depth, make_blocks)
    except _Unreadable:
        return None
    finally:
        w.busy = False
        if w.doc is not NULL and w.doc_bytes > DOC_KEEP_BYTES:  # its tree, ~40 bytes a byte of page: freed now,
            _document_destroy(w.doc)                           # before the page is scored, not at the next parse
            w.doc = NULL


def blocks(bytes data not None, Py_ssize_t max_depth, bint guard=True):
    """The blocks of the page ``data`` (UTF-8) as detector.page.Block objects, parsed by lexbor.

    None when the page's text is not UTF-8, or (with ``guard``) when the page would cost lexbor's tree
    builder too much (nested thousands deep: see cost()); lxml reads it then.
    """
    cdef const unsigned char* s = <const unsigned char*> <const char*> data
    if guard and not _few_tags(s, len(data)) and _cost(s, len(data), GUARD_COST) > GUARD_COST:
        return None
    return _run(data, max_depth, True)


def walk(bytes data not None, Py_ssize_t max_depth):
    """The blocks of the page ``data`` (UTF-8) as (text, tag, path, depth, link_chars, heading) tuples."""
    return _run(data, max_depth, False)


def walk_fresh(bytes data not None, Py_ssize_t max_depth):
    """As walk(), parsing into a new document (the module keeps one for all pages): for tests."""
    cdef Walker w = Walker()
    w.busy = True
    root = w.parse(<const unsigned char*> <const char*> data, len(data))
    try:
        return w.run(root, max_depth, False)
    except _Unreadable:
        return None


def parse_only(bytes data not None):
    """Parse ``data`` into the module's document and stop (for timing the parser alone)."""
    cdef Walker w = _walker
    w.parse(<const unsigned char*> <const char*> data, len(data))


def walk_parsed(Py_ssize_t max_depth):
    """The blocks of the page that parse_only parsed last (for timing the walk alone)."""
    cdef Walker w = _walker
    if w.doc is NULL:
        return None
    return w.run(<dlx_node_t*> _document_element(w.doc), max_depth, True)


def set_scripting(bint on):
    """Parse as a browser with scripting on (the default: <noscript> is raw text) or off."""
    global _scripting
    _scripting = on


def _self_check():
    """Parse a known page and read it back: the struct layout declared here is lexbor's."""
    got = walk(b'<p class="lead" id="x" style="color:red">One <a href="#">two</a></p>'
               b'<div hidden>no</div><nav role="banner">Th<!-- c -->ree <my-el>four</my-el></nav>', 2000)
    want = [("One two", "p", ("lead",), 3, 3, False),
            ("Three four", "nav", ("nav", "banner"), 3, 0, False)]
    if got != want:
        raise ImportError(f"detector._lexwalk reads lexbor's tree wrongly: {got!r}")
