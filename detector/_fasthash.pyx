# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""BlockFeatures' matrix in C: the same CSR matrix as ``BlockFeatures._transform_python``, bit for bit.

:func:`page_matrix` tokenises and hashes a page's rows and builds the sparse matrix of
:func:`detector.hashing.hashed_matrix` without a Python loop per token. It works on the str buffers
(``PyUnicode_READ``) with the rules of the Python path, code point by code point:

* lower-casing is the str's own ``lower()`` (full Unicode mapping, one call per distinct text);
* ``\\d`` (replaced by "0") is ``Py_UNICODE_ISDECIMAL`` and ``\\w`` is ``Py_UNICODE_ISALNUM`` or "_",
  as in ``re`` for str patterns; ``(?u)\\b\\w+\\b`` is a maximal run of ``\\w``;
* ``str.split()`` and ``str.lstrip()`` white space is ``Py_UNICODE_ISSPACE``;
* character n-grams are sklearn's ``_char_wb_ngrams`` of each word;
* a token's hash is sklearn's ``murmurhash3_32`` (x86_32, seed 0) of its UTF-8 bytes, encoded here.

When it cannot give the Python path's answer (a text that is not a str, a lone surrogate where the
Python path would encode it, parameters outside what it handles) it returns None, and the caller runs
the Python path, which gives that answer (or raises its error).
"""

from cpython.unicode cimport (
    PyUnicode_GET_LENGTH, PyUnicode_KIND, PyUnicode_DATA, PyUnicode_READ, PyUnicode_Substring,
    Py_UNICODE_ISSPACE, Py_UNICODE_ISDECIMAL, Py_UNICODE_ISALNUM,
)
from cpython.object cimport PyObject
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE
from libc.stdint cimport int32_t, uint32_t, uint8_t, int64_t
from libc.string cimport memcpy
from libc.math cimport sqrt

import numpy as np

cdef extern from *:
    """
    #include <stdlib.h>
    #include <string.h>
    #include <stdint.h>

    /* sklearn's murmurhash3_32 (MurmurHash3_x86_32), seed 0, as a signed int. */
    static inline uint32_t fh_rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

    static int32_t fh_murmur3(const uint8_t *data, Py_ssize_t len) {
        const Py_ssize_t nblocks = len / 4;
        uint32_t h1 = 0, k1;
        const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
        Py_ssize_t i;
        for (i = 0; i < nblocks; i++) {
            memcpy(&k1, data + 4 * i, 4);  /* little-endian, as x86 reads it */
            k1 *= c1; k1 = fh_rotl32(k1, 15); k1 *= c2;
            h1 ^= k1; h1 = fh_rotl32(h1, 13); h1 = h1 * 5 + 0xe6546b64u;
        }
        const uint8_t *tail = data + nblocks * 4;
        k1 = 0;
        switch (len & 3) {
            case 3: k1 ^= (uint32_t)tail[2] << 16; /* fall through */
            case 2: k1 ^= (uint32_t)tail[1] << 8;  /* fall through */
            case 1: k1 ^= tail[0];
                    k1 *= c1; k1 = fh_rotl32(k1, 15); k1 *= c2; h1 ^= k1;
        }
        h1 ^= (uint32_t)len;
        h1 ^= h1 >> 16; h1 *= 0x85ebca6bu; h1 ^= h1 >> 13; h1 *= 0xc2b2ae35u; h1 ^= h1 >> 16;
        return (int32_t)h1;
    }

    /* UTF-8 bytes of a code point (no surrogates: callers check). */
    static inline int fh_utf8(Py_UCS4 ch, uint8_t *o) {
        if (ch < 0x80) { o[0] = (uint8_t)ch; return 1; }
        if (ch < 0x800) { o[0] = 0xC0 | (ch >> 6); o[1] = 0x80 | (ch & 0x3F); return 2; }
        if (ch < 0x10000) {
            o[0] = 0xE0 | (ch >> 12); o[1] = 0x80 | ((ch >> 6) & 0x3F); o[2] = 0x80 | (ch & 0x3F); return 3;
        }
        o[0] = 0xF0 | (ch >> 18); o[1] = 0x80 | ((ch >> 12) & 0x3F);
        o[2] = 0x80 | ((ch >> 6) & 0x3F); o[3] = 0x80 | (ch & 0x3F); return 4;
    }

    /* Growable arrays: a byte buffer, int32 (hashes, columns), int64 (offsets), float32 (values). */
    typedef struct { uint8_t *p; Py_ssize_t n, cap; } fh_u8;
    typedef struct { int32_t *p; Py_ssize_t n, cap; } fh_i32;
    typedef struct { int64_t *p; Py_ssize_t n, cap; } fh_i64;
    typedef struct { float *p; Py_ssize_t n, cap; } fh_f32;

    static int fh_grow(void **p, Py_ssize_t *cap, Py_ssize_t need, size_t item) {
        Py_ssize_t c = *cap ? *cap : 256;
        while (c < need) c *= 2;
        void *q = realloc(*p, (size_t)c * item);
        if (!q) { PyErr_NoMemory(); return -1; }
        *p = q; *cap = c; return 0;
    }
    #define FH_RESERVE(v, k) (((v)->n + (k) <= (v)->cap) ? 0 : \\
        fh_grow((void **)&(v)->p, &(v)->cap, (v)->n + (k), sizeof(*(v)->p)))

    /* Sorts ints ascending: insertion sort for short runs, else quicksort (median of three). */
    static void fh_qsort_i32(int32_t *a, Py_ssize_t n) {
        while (n > 16) {
            Py_ssize_t m = n / 2, i = 0, j = n - 1;
            int32_t x = a[0], y = a[m], z = a[n - 1], pivot, t;
            pivot = (x < y) ? ((y < z) ? y : (x < z ? z : x)) : ((x < z) ? x : (y < z ? z : y));
            for (;;) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i >= j) break;
                t = a[i]; a[i] = a[j]; a[j] = t; i++; j--;
            }
            /* [0, j] <= pivot <= [j+1, n): recurse on the smaller part, loop on the larger */
            if (j + 1 < n - j - 1) { fh_qsort_i32(a, j + 1); a += j + 1; n -= j + 1; }
            else { fh_qsort_i32(a + j + 1, n - j - 1); n = j + 1; }
        }
        for (Py_ssize_t i = 1; i < n; i++) {
            int32_t v = a[i]; Py_ssize_t k = i;
            while (k > 0 && a[k - 1] > v) { a[k] = a[k - 1]; k--; }
            a[k] = v;
        }
    }

    /* Sorts n ints in [0, 2**bits) ascending; tmp holds n ints. Short runs: quicksort; longer ones:
       LSD radix sort, two passes of at most 11 bits (three above 22 bits). */
    static void fh_sort_cols(int32_t *a, int32_t *tmp, Py_ssize_t n, int bits) {
        if (n <= 48 || bits > 33) { fh_qsort_i32(a, n); return; }
        int passes = bits <= 22 ? 2 : 3;
        int width = (bits + passes - 1) / passes;
        if (width < 1) width = 1;
        uint32_t mask = (1u << width) - 1;
        Py_ssize_t count[2048];
        int32_t *src = a, *dst = tmp, *t;
        for (int p = 0; p < passes; p++) {
            int shift = p * width;
            memset(count, 0, sizeof(Py_ssize_t) * (mask + 1));
            for (Py_ssize_t i = 0; i < n; i++) count[((uint32_t)src[i] >> shift) & mask]++;
            Py_ssize_t sum = 0;
            for (uint32_t d = 0; d <= mask; d++) { Py_ssize_t c = count[d]; count[d] = sum; sum += c; }
            for (Py_ssize_t i = 0; i < n; i++) dst[count[((uint32_t)src[i] >> shift) & mask]++] = src[i];
            t = src; src = dst; dst = t;
        }
        if (src != a) memcpy(a, src, sizeof(int32_t) * n);
    }

    /* Character classes of re (str patterns) and str.split(), with a table for ASCII. */
    static const unsigned char fh_ascii_word[128] = {
        0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
        0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,0,
        0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,0,0,0,0,1,
        0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,
    };
    static inline int fh_is_word(Py_UCS4 ch) {  /* \w: alphanumeric or "_" */
        return ch < 128 ? fh_ascii_word[ch] : (Py_UNICODE_ISALNUM(ch) || ch == '_');
    }
    static inline int fh_is_decimal(Py_UCS4 ch) {  /* \d */
        return ch < 128 ? (ch >= '0' && ch <= '9') : Py_UNICODE_ISDECIMAL(ch);
    }
    static inline int fh_is_letter(Py_UCS4 ch) {  /* [^\W\d_] */
        return ch < 128 ? (fh_ascii_word[ch] && ch != '_' && !(ch >= '0' && ch <= '9'))
                        : (Py_UNICODE_ISALNUM(ch) && !Py_UNICODE_ISDECIMAL(ch));
    }
    """
    int32_t fh_murmur3(const uint8_t *data, Py_ssize_t len) nogil
    int fh_utf8(Py_UCS4 ch, uint8_t *o) nogil
    void fh_sort_cols(int32_t *a, int32_t *tmp, Py_ssize_t n, int bits) nogil
    bint fh_is_word(Py_UCS4 ch) nogil
    bint fh_is_decimal(Py_UCS4 ch) nogil
    bint fh_is_letter(Py_UCS4 ch) nogil
    ctypedef struct fh_u8:
        uint8_t *p
        Py_ssize_t n
    ctypedef struct fh_i32:
        int32_t *p
        Py_ssize_t n
    ctypedef struct fh_i64:
        int64_t *p
        Py_ssize_t n
    ctypedef struct fh_f32:
        float *p
        Py_ssize_t n
    # one C macro, typed for each kind of array
    int reserve_u8 "FH_RESERVE"(fh_u8 *v, Py_ssize_t k) except -1
    int reserve_i32 "FH_RESERVE"(fh_i32 *v, Py_ssize_t k) except -1
    int reserve_i64 "FH_RESERVE"(fh_i64 *v, Py_ssize_t k) except -1
    int reserve_f32 "FH_RESERVE"(fh_f32 *v, Py_ssize_t k) except -1
    void free(void *p) nogil


# What each text of a page needs, and where its hashes lie in the pool (int64 slots per text):
cdef enum:
    T_UNI = 0      # unigram hashes: offset, count
    T_PAIR = 2     # word pair hashes: offset, count
    T_CHAR = 4     # char n-gram hashes
    T_LOOK = 6     # layout tokens of the text (first words, copyright sign, capitals)
    T_OWN = 8      # 1: a row's own text (pairs, chars and looks are wanted too)
    T_SLOTS = 9
    CHAR_MAX = 300  # features.CHAR_MAX
    HEAD_MAX = 40   # the characters _layout_text reads the first words from
    CAPS_MAX = 200  # ... and counts capitals in
    ROW_FIELDS = 11  # BlockRow: text prev next heading_above tag path position link_density n_words heading unit


cdef inline bint _is_upper(Py_UCS4 ch) noexcept:  # [A-ZÀ-ÖØ-Þ]
    return (65 <= ch <= 90) or (0xC0 <= ch <= 0xD6) or (0xD8 <= ch <= 0xDE)


cdef class _Page:
    """A page's scratch space (C arrays, freed with it)."""
    cdef fh_u8 buf        # UTF-8 bytes being hashed
    cdef fh_i64 spans     # byte offsets: token ends, or code point starts of a padded word
    cdef fh_i32 pool      # hashes of all texts
    cdef fh_i64 info      # T_SLOTS per text
    cdef fh_i64 rowinfo   # per row: text, prev, next, heading_above ids, place hashes offset, count
    cdef fh_i32 cols      # one section of one row: columns
    cdef fh_i32 tmp       # ... and room to sort them
    cdef fh_i32 out_idx   # the matrix: indices
    cdef fh_f32 out_val   # ... and data

    def __dealloc__(self):
        free(self.buf.p)
        free(self.spans.p)
        free(self.pool.p)
        free(self.info.p)
        free(self.rowinfo.p)
        free(self.cols.p)
        free(self.tmp.p)
        free(self.out_idx.p)
        free(self.out_val.p)


cdef int _put_hash(_Page pg, const uint8_t *p, Py_ssize_t n) except -1:
    reserve_i32(&pg.pool, 1)
    pg.pool.p[pg.pool.n] = fh_murmur3(p, n)
    pg.pool.n += 1
    return 0


cdef int _put_utf8(fh_u8 *b, Py_UCS4 ch) except -1:
    reserve_u8(b, 4)
    b.n += fh_utf8(ch, b.p + b.n)
    return 0


cdef int _put_str(fh_u8 *b, const char *s) except -1:
    cdef Py_ssize_t i = 0
    while s[i]:
        reserve_u8(b, 1)
        b.p[b.n] = <uint8_t>s[i]
        b.n += 1
        i += 1
    return 0


cdef int _words(_Page pg, int64_t *info, str low, bint pairs) except -1:
    """Unigram (and pair) hashes of ``(?u)\\b\\w+\\b`` over ``low`` with decimals as "0"."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(low), i = 0, k, m
    cdef int kind = PyUnicode_KIND(low)
    cdef void *data = PyUnicode_DATA(low)
    cdef Py_UCS4 ch
    cdef int64_t start
    # The tokens joined by " ": a token is [start, end), a pair [start of one, end of the next).
    pg.buf.n = 0
    pg.spans.n = 0
    while i < n:
        ch = PyUnicode_READ(kind, data, i)
        if not fh_is_word(ch):
            i += 1
            continue
        if pg.spans.n:
            reserve_u8(&pg.buf, 1)
            pg.buf.p[pg.buf.n] = 32
            pg.buf.n += 1
        reserve_i64(&pg.spans, 2)
        pg.spans.p[pg.spans.n] = pg.buf.n
        while True:
            _put_utf8(&pg.buf, 48 if fh_is_decimal(ch) else ch)
            i += 1
            if i >= n:
                break
            ch = PyUnicode_READ(kind, data, i)
            if not fh_is_word(ch):
                break
        pg.spans.p[pg.spans.n + 1] = pg.buf.n
        pg.spans.n += 2
    m = pg.spans.n // 2
    info[T_UNI] = pg.pool.n
    info[T_UNI + 1] = m
    reserve_i32(&pg.pool, 2 * m)
    cdef int64_t *sp = pg.spans.p
    for k in range(m):
        pg.pool.p[pg.pool.n + k] = fh_murmur3(pg.buf.p + sp[2 * k], sp[2 * k + 1] - sp[2 * k])
    pg.pool.n += m
    if pairs:
        info[T_PAIR] = pg.pool.n
        info[T_PAIR + 1] = m - 1 if m else 0
        for k in range(m - 1):
            pg.pool.p[pg.pool.n + k] = fh_murmur3(pg.buf.p + sp[2 * k], sp[2 * k + 3] - sp[2 * k])
        if m:
            pg.pool.n += m - 1
    return 0


cdef int _chars(_Page pg, int64_t *info, str low, int nmin, int nmax) except -1:
    """sklearn's char_wb n-grams of each word of ``low[:CHAR_MAX]`` (decimals as "0"), hashed.

    Returns 1 (nothing stored) where a word holds a lone surrogate: UTF-8 cannot encode it.
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(low), i = 0, j, w, nn, o
    cdef int kind = PyUnicode_KIND(low)
    cdef void *data = PyUnicode_DATA(low)
    cdef Py_UCS4 ch
    cdef int64_t *off
    if n > CHAR_MAX:
        n = CHAR_MAX
    info[T_CHAR] = pg.pool.n
    pg.spans.n = 0
    while i < n:
        if Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)):
            i += 1
            continue
        j = i
        while j < n and not Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j)):
            j += 1
        # the word padded with a space each side: its bytes, and the byte offset of each code point
        w = j - i + 2
        pg.buf.n = 0
        reserve_i64(&pg.spans, w + 1)
        off = pg.spans.p
        reserve_u8(&pg.buf, 1)
        pg.buf.p[0] = 32
        pg.buf.n = 1
        off[0] = 0
        for o in range(i, j):
            ch = PyUnicode_READ(kind, data, o)
            if 0xD800 <= ch <= 0xDFFF:
                return 1
            off[o - i + 1] = pg.buf.n
            _put_utf8(&pg.buf, 48 if fh_is_decimal(ch) else ch)
        off[w - 1] = pg.buf.n
        reserve_u8(&pg.buf, 1)
        pg.buf.p[pg.buf.n] = 32
        pg.buf.n += 1
        off[w] = pg.buf.n
        for nn in range(nmin, nmax + 1):
            if w <= nn:  # a word no longer than n: itself, once
                _put_hash(pg, pg.buf.p, pg.buf.n)
                break
            reserve_i32(&pg.pool, w - nn + 1)
            for o in range(w - nn + 1):
                pg.pool.p[pg.pool.n + o] = fh_murmur3(pg.buf.p + off[o], off[o + nn] - off[o])
            pg.pool.n += w - nn + 1
        i = j
    info[T_CHAR + 1] = pg.pool.n - info[T_CHAR]
    return 0


cdef int _looks(_Page pg, int64_t *info, str text) except -1:
    """Hashes of ``_layout_text(text)``: first words, copyright sign, all capitals."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i0 = 0, i, e, m, k
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_UCS4 ch
    cdef Py_ssize_t letters = 0, caps = 0
    cdef Py_ssize_t s0 = -1, e0 = 0, s1 = -1, e1 = 0
    info[T_LOOK] = pg.pool.n
    while i0 < n and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i0)):
        i0 += 1
    # the first two words ([^\W\d_]+) of _norm(t[:40])
    cdef str head = PyUnicode_Substring(text, i0, min(n, i0 + HEAD_MAX)).lower()
    cdef Py_ssize_t hn = PyUnicode_GET_LENGTH(head)
    cdef int hkind = PyUnicode_KIND(head)
    cdef void *hdata = PyUnicode_DATA(head)
    i = 0
    while i < hn and s1 < 0:
        if not fh_is_letter(PyUnicode_READ(hkind, hdata, i)):
            i += 1
            continue
        e = i
        while e < hn and fh_is_letter(PyUnicode_READ(hkind, hdata, e)):
            e += 1
        if s0 < 0:
            s0, e0 = i, e
        else:
            s1, e1 = i, e
        i = e
    if s0 >= 0:
        pg.buf.n = 0
        _put_str(&pg.buf, b"first_")
        for k in range(s0, e0):
            _put_utf8(&pg.buf, PyUnicode_READ(hkind, hdata, k))
        _put_hash(pg, pg.buf.p, pg.buf.n)
        if s1 >= 0:
            pg.buf.n = 0
            _put_str(&pg.buf, b"first2_")
            for k in range(s0, e0):
                _put_utf8(&pg.buf, PyUnicode_READ(hkind, hdata, k))
            _put_str(&pg.buf, b"_")
            for k in range(s1, e1):
                _put_utf8(&pg.buf, PyUnicode_READ(hkind, hdata, k))
            _put_hash(pg, pg.buf.p, pg.buf.n)
    if "\u00a9" in text or "(c)" in text or "(C)" in text:
        _put_hash(pg, b"has_copyright_sign", 18)
    m = min(n, i0 + CAPS_MAX)
    for i in range(i0, m):
        ch = PyUnicode_READ(kind, data, i)
        if fh_is_letter(ch):
            letters += 1
        if _is_upper(ch):
            caps += 1
    if letters == 0:
        letters = 1
    if <double>caps / <double>letters > 0.7 and letters > 3:
        _put_hash(pg, b"all_caps", 8)
    info[T_LOOK + 1] = pg.pool.n - info[T_LOOK]
    return 0


cdef int _add_cols(_Page pg, const int64_t *info, int slot, int64_t mask, int32_t lowest) except -1:
    """The columns of a text's hashes (``hashing.columns``) onto the row's section."""
    cdef int64_t off = info[slot], m = info[slot + 1], k
    cdef int32_t h
    reserve_i32(&pg.cols, m)
    cdef int32_t *c = pg.cols.p + pg.cols.n
    cdef const int32_t *src = pg.pool.p + off
    for k in range(m):
        h = src[k]
        if h == -2147483648:
            c[k] = lowest
        else:
            c[k] = <int32_t>((h if h >= 0 else -h) & mask)
    pg.cols.n += m
    return 0


cdef int _emit(_Page pg, int32_t offset, int bits, bint binary, bint l2, int wmode, float w32, double w64) except -1:
    """One section of one row into the matrix: ``hashed_matrix``'s values, in column order."""
    cdef Py_ssize_t n = pg.cols.n, i, j, u = 0
    if n == 0:
        return 0
    reserve_i32(&pg.tmp, n)
    cdef int32_t *c = pg.cols.p
    fh_sort_cols(c, pg.tmp.p, n, bits)
    reserve_i32(&pg.out_idx, n)
    reserve_f32(&pg.out_val, n)
    cdef int32_t *oi = pg.out_idx.p + pg.out_idx.n
    cdef float *ov = pg.out_val.p + pg.out_val.n
    cdef float v, sq
    cdef double acc = 0.0, norm
    i = 0
    while i < n:  # distinct columns and their counts (as float32, as np.diff(...).astype(float32))
        j = i + 1
        while j < n and c[j] == c[i]:
            j += 1
        oi[u] = c[i] + offset
        ov[u] = 1.0 if binary else <float>(j - i)
        u += 1
        i = j
    if l2:  # np.square in float32, summed in float64; the quotient in float64, rounded to float32
        for i in range(u):
            sq = ov[i] * ov[i]
            acc += <double>sq
        norm = sqrt(acc)
        for i in range(u):
            ov[i] = <float>(<double>ov[i] / norm)
    if wmode == 0:  # v * weight in float32 (a Python float, or a float32, next to a float32 array)
        for i in range(u):
            v = ov[i] * w32
            ov[i] = v
    else:  # ... in float64 (a float64 weight), then stored as float32
        for i in range(u):
            ov[i] = <float>(<double>ov[i] * w64)
    pg.out_idx.n += u
    pg.out_val.n += u
    pg.cols.n = 0
    return 0


cdef inline int64_t _text_id(dict ids, list texts, _Page pg, object s) except -2:
    """The page's id of a distinct text (-1: not a str, the Python path must run)."""
    cdef object got = ids.get(s)
    cdef Py_ssize_t k, j
    if got is not None:
        return <int64_t>got
    if type(s) is not str:
        return -1
    k = len(texts)
    ids[s] = k
    texts.append(s)
    reserve_i64(&pg.info, T_SLOTS)
    for j in range(T_SLOTS):
        pg.info.p[pg.info.n + j] = 0
    pg.info.n += T_SLOTS
    return k


def page_matrix(
    list rows,
    tuple sections,
    int nmin,
    int nmax,
    const float[:, ::1] dense,
    dict place_memo,
    place_packed,
    bucket,
):
    """``(data, indices, indptr, n_columns)`` of the page's matrix, or None: run the Python path.

    ``rows``: BlockRows. ``sections``: for words, chars, context before, context after and layout, a
    tuple ``(n_features, column of the hash -2**31, binary, l2, weight mode, weight)`` where weight mode
    0 multiplies in float32 and 1 in float64 (what numpy does with that weight next to float32 values).
    ``nmin``, ``nmax``: the char n-gram range. ``dense``: the dense columns (float32, one row per row).
    ``place_memo``: the layout place memo (key -> packed hashes), filled by ``place_packed(key)`` on
    a miss; ``bucket(position, link_density)``: features._bucket, called for non-float values.
    """
    cdef Py_ssize_t n = len(rows), i, k, t
    cdef _Page pg = _Page()
    cdef dict ids = {}
    cdef list texts = []
    cdef object r, key, p, pos, links
    cdef PyObject *rp
    cdef int64_t tid
    cdef int64_t *info
    cdef int64_t *ri
    cdef double dpos, dlinks
    cdef bytes packed
    cdef Py_ssize_t plen
    cdef int64_t[5] masks
    cdef int[5] nbits
    cdef int32_t[5] lowest
    cdef int32_t[5] offsets
    cdef int32_t[5] wmode
    cdef bint[5] binary
    cdef bint[5] l2
    cdef float[5] w32
    cdef double[5] w64
    cdef int64_t offset = 0
    if len(sections) != 5 or dense.shape[0] != n or nmin < 1 or nmax > 64:
        return None
    for k in range(5):
        nk, lowcol, b, l, mode, weight = sections[k]
        if type(nk) is not int or not (1 <= nk <= 2**30) or (nk & (nk - 1)) or mode not in (0, 1):
            return None
        masks[k] = nk - 1
        nbits[k] = (nk - 1).bit_length()
        lowest[k] = lowcol
        binary[k] = b
        l2[k] = l
        wmode[k] = mode
        w32[k] = <float>weight if mode == 0 else 0
        w64[k] = <double>weight
        offsets[k] = offset
        offset += nk
    if offset + dense.shape[1] >= 2**31:
        return None
    cdef int32_t dense_offset = offset

    # 1. rows: their texts' ids and the hashes of where they sit (the layout place tokens)
    reserve_i64(&pg.rowinfo, 6 * n)
    for i in range(n):
        r = rows[i]
        if not isinstance(r, tuple) or PyTuple_GET_SIZE(r) != ROW_FIELDS:
            return None
        ri = pg.rowinfo.p + 6 * i
        for k in range(4):
            tid = _text_id(ids, texts, pg, <object>PyTuple_GET_ITEM(r, k))
            if tid < 0:
                return None
            ri[k] = tid
        pg.info.p[T_SLOTS * ri[0] + T_OWN] = 1
        pos = <object>PyTuple_GET_ITEM(r, 6)
        links = <object>PyTuple_GET_ITEM(r, 7)
        if type(pos) is float and type(links) is float:
            dpos = pos
            dlinks = links
            key = (
                "top" if dpos < 0.15 else "end" if dpos > 0.85 else "mid",
                "links_high" if dlinks > 0.6 else "links_some" if dlinks > 0.2 else "",
            )
        else:
            key = bucket(pos, links)
        key = (<object>PyTuple_GET_ITEM(r, 4), <object>PyTuple_GET_ITEM(r, 10), <object>PyTuple_GET_ITEM(r, 5),
               key, <object>PyTuple_GET_ITEM(r, 9))
        p = place_memo.get(key)
        if p is None:
            p = place_packed(key)
        packed = p
        plen = len(packed) // 4
        reserve_i32(&pg.pool, plen)
        memcpy(pg.pool.p + pg.pool.n, <const char *>packed, plen * 4)
        ri[4] = pg.pool.n
        ri[5] = plen
        pg.pool.n += plen

    # 2. each distinct text's hashes
    cdef str text, low
    cdef bint own
    for t in range(len(texts)):
        text = texts[t]
        info = pg.info.p + T_SLOTS * t
        low = text.lower()
        own = info[T_OWN] != 0
        _words(pg, pg.info.p + T_SLOTS * t, low, own)
        if own:
            if _chars(pg, pg.info.p + T_SLOTS * t, low, nmin, nmax):
                return None  # a lone surrogate: the Python path raises its UnicodeEncodeError
            _looks(pg, pg.info.p + T_SLOTS * t, text)

    # 3. the matrix, row by row, section by section
    indptr = np.empty(n + 1, dtype=np.int32)
    cdef int32_t[::1] ip = indptr
    cdef Py_ssize_t ncols = dense.shape[1]
    cdef float dv
    cdef int64_t *tinfo
    ip[0] = 0
    for i in range(n):
        ri = pg.rowinfo.p + 6 * i
        tinfo = pg.info.p + T_SLOTS * ri[0]
        _add_cols(pg, tinfo, T_UNI, masks[0], lowest[0])
        _add_cols(pg, tinfo, T_PAIR, masks[0], lowest[0])
        _emit(pg, offsets[0], nbits[0], binary[0], l2[0], wmode[0], w32[0], w64[0])
        _add_cols(pg, tinfo, T_CHAR, masks[1], lowest[1])
        _emit(pg, offsets[1], nbits[1], binary[1], l2[1], wmode[1], w32[1], w64[1])
        _add_cols(pg, pg.info.p + T_SLOTS * ri[1], T_UNI, masks[2], lowest[2])
        _add_cols(pg, pg.info.p + T_SLOTS * ri[3], T_UNI, masks[2], lowest[2])
        _emit(pg, offsets[2], nbits[2], binary[2], l2[2], wmode[2], w32[2], w64[2])
        _add_cols(pg, pg.info.p + T_SLOTS * ri[2], T_UNI, masks[3], lowest[3])
        _emit(pg, offsets[3], nbits[3], binary[3], l2[3], wmode[3], w32[3], w64[3])
        _add_cols(pg, ri, 4, masks[4], lowest[4])
        _add_cols(pg, tinfo, T_LOOK, masks[4], lowest[4])
        _emit(pg, offsets[4], nbits[4], binary[4], l2[4], wmode[4], w32[4], w64[4])
        reserve_i32(&pg.out_idx, ncols)
        reserve_f32(&pg.out_val, ncols)
        for k in range(ncols):
            dv = dense[i, k]
            if dv != 0:  # np.nonzero: NaN is kept, -0.0 is not
                pg.out_idx.p[pg.out_idx.n] = dense_offset + <int32_t>k
                pg.out_val.p[pg.out_val.n] = dv
                pg.out_idx.n += 1
                pg.out_val.n += 1
        if pg.out_idx.n >= 2**31:
            return None
        ip[i + 1] = <int32_t>pg.out_idx.n

    nnz = pg.out_idx.n
    data = np.empty(nnz, dtype=np.float32)
    indices = np.empty(nnz, dtype=np.int32)
    cdef float[::1] dd = data
    cdef int32_t[::1] ii = indices
    if nnz:
        memcpy(&dd[0], pg.out_val.p, nnz * sizeof(float))
        memcpy(&ii[0], pg.out_idx.p, nnz * sizeof(int32_t))
    return data, indices, indptr, offset + ncols


def _char_classes(str s):
    """(\\w, \\d, [^\\W\\d_], white space) of each character of ``s``, as the kernel sees them (for tests)."""
    cdef Py_ssize_t i
    cdef Py_UCS4 ch
    return [
        (fh_is_word(ch), fh_is_decimal(ch), fh_is_letter(ch), Py_UNICODE_ISSPACE(ch))
        for ch in s
    ]
