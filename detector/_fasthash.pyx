# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# distutils: extra_compile_args = -ffp-contract=off
"""BlockFeatures' matrix in C: the same CSR matrix as ``BlockFeatures._transform_python``, bit for bit.

:func:`page_matrix` tokenises and hashes a page's rows and builds the sparse matrix of
:func:`detector.hashing.hashed_matrix` without a Python loop per token. It works on the str buffers
(``PyUnicode_READ``) with the rules of the Python path, code point by code point:

* lower-casing is the str's own ``lower()`` (full Unicode mapping, once per distinct text; in C with
  a table for ASCII, see ``fh_lower``);
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
from cpython.long cimport PyLong_AsLongLongAndOverflow
from cpython.object cimport PyObject
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE, PyTuple_SET_ITEM
from cpython.ref cimport Py_INCREF
from libc.stdint cimport int32_t, uint32_t, uint8_t, int64_t
from libc.string cimport memcpy, memset
from libc.math cimport sqrt, isfinite, llround, signbit
from libc.stdlib cimport realloc, malloc

import math
from struct import pack as _struct_pack

import numpy as np

# features._bucket's answers, by (position bucket) * 3 + (link bucket)
_BUCKETS = tuple((pos, links) for pos in ("top", "mid", "end") for links in ("", "links_some", "links_high"))

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

    /* LSD radix sort of n ints in [0, 2**bits); tmp holds n ints. Digits of at most 6 bits below 256 ints
       (small counts to clear), else 11. */
    static void fh_radix_cols(int32_t *a, int32_t *tmp, Py_ssize_t n, int bits) {
        int maxw = n < 256 ? 6 : 11;
        int passes = (bits + maxw - 1) / maxw;
        int width = (bits + passes - 1) / passes;
        uint32_t mask = (1u << width) - 1;
        uint32_t count[2048];
        int32_t *src = a, *dst = tmp, *t;
        for (int p = 0; p < passes; p++) {
            int shift = p * width;
            memset(count, 0, sizeof(uint32_t) * (mask + 1));
            for (Py_ssize_t i = 0; i < n; i++) count[((uint32_t)src[i] >> shift) & mask]++;
            uint32_t sum = 0;
            for (uint32_t d = 0; d <= mask; d++) { uint32_t c = count[d]; count[d] = sum; sum += c; }
            for (Py_ssize_t i = 0; i < n; i++) dst[count[((uint32_t)src[i] >> shift) & mask]++] = src[i];
            t = src; src = dst; dst = t;
        }
        if (src != a) memcpy(a, src, sizeof(int32_t) * n);
    }

    /* Sorts n ints in [0, 2**bits) ascending; tmp holds n ints. Up to 12: an insertion sort. Longer runs:
       one bucket pass on the top bits (about as many buckets as ints), then an insertion sort, which finds
       them nearly sorted: the ints are hashed columns, a few a bucket (fewer mispredicted branches than
       quicksort's partitions, which had the runs of 13 to 40). Where a bucket holds many distinct
       ints (a page made to collide), the radix sort instead: never quadratic. */
    static void fh_sort_cols(int32_t *a, int32_t *tmp, Py_ssize_t n, int bits) {
        if (n <= 12 || bits > 31 || bits < 1) { fh_qsort_i32(a, n); return; }
        int b = 5;
        while (b < 11 && ((Py_ssize_t)1 << b) < n) b++;
        if (b > bits) b = bits;
        int shift = bits - b;
        uint32_t nb = 1u << b, big = 0;
        uint32_t count[2049];
        memset(count, 0, sizeof(uint32_t) * (nb + 1));
        for (Py_ssize_t i = 0; i < n; i++) count[((uint32_t)a[i] >> shift) + 1]++;
        for (uint32_t d = 1; d <= nb; d++) { if (count[d] > big) big = count[d]; count[d] += count[d - 1]; }
        if (big > 64 && shift > 0) { fh_radix_cols(a, tmp, n, bits); return; }
        for (Py_ssize_t i = 0; i < n; i++) tmp[count[(uint32_t)a[i] >> shift]++] = a[i];
        a[0] = tmp[0];
        for (Py_ssize_t i = 1; i < n; i++) {
            int32_t v = tmp[i]; Py_ssize_t k = i;
            while (k > 0 && a[k - 1] > v) { a[k] = a[k - 1]; k--; }
            a[k] = v;
        }
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

    /* str.lower() of a one- or two-byte str, a table lookup for each ASCII character. Python's own loop
       calls the full case mapping for every character of a str that is not all ASCII, then copies the
       result out of a four-byte buffer. Py_None (a new reference): a str this does not handle, which
       str.lower() then lowers: four-byte strs, U+0130 (the one character of the BMP whose lower case is
       two characters) and U+03A3 (Greek capital sigma, lowered by its context). Elsewhere in the BMP
       the simple mapping is the full one, and lowers into the BMP; Latin-1 lowers into non-ASCII
       Latin-1 (a test checks both over the whole BMP). NULL: out of memory. */
    static Py_UCS1 fh_lower1[256];
    static int fh_lower1_ready = 0;
    static PyObject *fh_lower(PyObject *s) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(s), i;
        int kind = PyUnicode_KIND(s);
        if (!fh_lower1_ready) {
            for (i = 0; i < 256; i++) fh_lower1[i] = (Py_UCS1)Py_UNICODE_TOLOWER((Py_UCS4)i);
            fh_lower1_ready = 1;
        }
        if (kind == PyUnicode_1BYTE_KIND) {
            const Py_UCS1 *a = PyUnicode_1BYTE_DATA(s);
            PyObject *out = PyUnicode_New(n, PyUnicode_IS_ASCII(s) ? 127 : 255);
            if (out == NULL) return NULL;
            Py_UCS1 *b = PyUnicode_1BYTE_DATA(out);
            for (i = 0; i < n; i++) b[i] = fh_lower1[a[i]];
            return out;
        }
        if (kind != PyUnicode_2BYTE_KIND) { Py_INCREF(Py_None); return Py_None; }
        const Py_UCS2 *a = PyUnicode_2BYTE_DATA(s);
        PyObject *out = PyUnicode_New(n, 0xFFFF);
        if (out == NULL) return NULL;
        Py_UCS2 *b = PyUnicode_2BYTE_DATA(out);
        Py_UCS4 top = 0;
        for (i = 0; i < n; i++) {
            Py_UCS4 c = a[i];
            if (c < 128) {
                c = fh_lower1[c];
            } else {
                if (c == 0x130 || c == 0x3A3) { Py_DECREF(out); Py_INCREF(Py_None); return Py_None; }
                c = Py_UNICODE_TOLOWER(c);
                if (c > 0xFFFF) { Py_DECREF(out); Py_INCREF(Py_None); return Py_None; }
                if (c > top) top = c;
            }
            b[i] = (Py_UCS2)c;
        }
        if (top < 256) {  /* a str is stored in its narrowest kind: 'Ÿ' lowers to 'ÿ' */
            PyObject *narrow = PyUnicode_FromKindAndData(PyUnicode_2BYTE_KIND, b, n);
            Py_DECREF(out);
            return narrow;
        }
        return out;
    }

    /* _scores_out's product for six classes (the shipped model's): the same operations in the same
       order, each class's sum in its own float (a register) instead of an array on the stack. -1: a
       column whose row of W is not there. */
    static int fh_rows6(Py_ssize_t n, const int64_t *rowptr, const int32_t *idx, const float *val, int64_t nnz,
                        const int32_t *cm, const float *W0, int32_t nw, int zeros_last, const float *b,
                        float *out, int64_t ahead) {
        const int32_t zero_row = nw - 1;
        for (Py_ssize_t i = 0; i < n; i++) {
            float y0 = 0.0f, y1 = 0.0f, y2 = 0.0f, y3 = 0.0f, y4 = 0.0f, y5 = 0.0f;
            const int64_t end = rowptr[i + 1];
            for (int64_t k = rowptr[i]; k < end; k++) {
                if (k + ahead < nnz) __builtin_prefetch(W0 + (int64_t)cm[idx[k + ahead]] * 6);
                if (k + 2 * ahead < nnz) __builtin_prefetch(cm + idx[k + 2 * ahead]);
                const int32_t m = cm[idx[k]];
                if ((uint32_t)m >= (uint32_t)nw) return -1;
                const float v = val[k];
                if (m == zero_row && zeros_last && v - v == 0) continue;
                const float *w = W0 + (int64_t)m * 6;
                y0 += v * w[0]; y1 += v * w[1]; y2 += v * w[2];
                y3 += v * w[3]; y4 += v * w[4]; y5 += v * w[5];
            }
            float *o = out + i * 6;
            o[0] = y0 + b[0]; o[1] = y1 + b[1]; o[2] = y2 + b[2];
            o[3] = y3 + b[3]; o[4] = y4 + b[4]; o[5] = y5 + b[5];
        }
        return 0;
    }
    """
    object fh_lower(object s)
    int fh_rows6(Py_ssize_t n, const int64_t *rowptr, const int32_t *idx, const float *val, int64_t nnz,
                 const int32_t *cm, const float *W0, int32_t nw, int zeros_last, const float *b, float *out,
                 int64_t ahead)
    int32_t fh_murmur3(const uint8_t *data, Py_ssize_t len) nogil
    int fh_utf8(Py_UCS4 ch, uint8_t *o) nogil
    void fh_sort_cols(int32_t *a, int32_t *tmp, Py_ssize_t n, int bits) nogil
    bint fh_is_word(Py_UCS4 ch) nogil
    bint fh_is_decimal(Py_UCS4 ch) nogil
    bint fh_is_letter(Py_UCS4 ch) nogil
    ctypedef struct fh_u8:
        Py_ssize_t cap
        uint8_t *p
        Py_ssize_t n
    ctypedef struct fh_i32:
        Py_ssize_t cap
        int32_t *p
        Py_ssize_t n
    ctypedef struct fh_i64:
        Py_ssize_t cap
        int64_t *p
        Py_ssize_t n
    ctypedef struct fh_f32:
        Py_ssize_t cap
        float *p
        Py_ssize_t n
    # one C macro, typed for each kind of array
    int reserve_u8 "FH_RESERVE"(fh_u8 *v, Py_ssize_t k) except -1
    int reserve_i32 "FH_RESERVE"(fh_i32 *v, Py_ssize_t k) except -1
    int reserve_i64 "FH_RESERVE"(fh_i64 *v, Py_ssize_t k) except -1
    int reserve_f32 "FH_RESERVE"(fh_f32 *v, Py_ssize_t k) except -1
    void free(void *p) nogil
    void fh_prefetch "__builtin_prefetch"(const void *p) nogil


# What each text of a page needs, and where its hashes lie in the pool (int64 slots per text):
cdef enum:
    T_UNI = 0      # unigram hashes: offset, count
    T_PAIR = 2     # word pair hashes: offset, count
    T_CHAR = 4     # char n-gram hashes
    T_LOOK = 6     # layout tokens of the text (first words, copyright sign, capitals)
    T_OWN = 8      # 1: a row's own text (pairs, chars and looks are wanted too)
    T_CTX = 9      # its unigrams' context columns, sorted: offset (-1: not made yet), count
    T_WE = 11      # its words section as emitted (columns, then values as float32 bits): offset (-1: not yet), count
    T_CE = 13      # ... and its chars section
    T_HIT = 15     # 1: what it needs came from the cross-page memo (hashes not made: T_UNI, T_PAIR, T_CHAR unset)
    T_SLOTS = 16
    CHAR_MAX = 300  # features.CHAR_MAX
    HEAD_MAX = 40   # the characters _layout_text reads the first words from
    CAPS_MAX = 200  # ... and counts capitals in
    N_DENSE = 9      # features.N_DENSE
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
    cdef fh_i64 rowptr    # ... and where each row starts in them (n + 1)

    cdef void reset(self) noexcept:
        self.buf.n = self.spans.n = self.pool.n = self.info.n = self.rowinfo.n = 0
        self.cols.n = self.tmp.n = self.out_idx.n = self.out_val.n = self.rowptr.n = 0

    cdef void trim(self) noexcept:
        """Frees the arrays a very large page grew (the next pages start them again small)."""
        if (self.pool.cap > (1 << 22) or self.out_idx.cap > (1 << 22) or self.info.cap > (1 << 22)
                or self.rowptr.cap > (1 << 20)):
            self.free_all()

    cdef void free_all(self) noexcept:
        free(self.buf.p)
        free(self.spans.p)
        free(self.pool.p)
        free(self.info.p)
        free(self.rowinfo.p)
        free(self.cols.p)
        free(self.tmp.p)
        free(self.out_idx.p)
        free(self.out_val.p)
        free(self.rowptr.p)
        memset(&self.buf, 0, sizeof(fh_u8))
        memset(&self.spans, 0, sizeof(fh_i64))
        memset(&self.pool, 0, sizeof(fh_i32))
        memset(&self.info, 0, sizeof(fh_i64))
        memset(&self.rowinfo, 0, sizeof(fh_i64))
        memset(&self.cols, 0, sizeof(fh_i32))
        memset(&self.tmp, 0, sizeof(fh_i32))
        memset(&self.out_idx, 0, sizeof(fh_i32))
        memset(&self.out_val, 0, sizeof(fh_f32))
        memset(&self.rowptr, 0, sizeof(fh_i64))

    def __dealloc__(self):
        self.free_all()


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


cdef inline int _utf8_digits_as_0(Py_UCS4 ch, uint8_t *o) noexcept:
    """The UTF-8 of ``ch`` at ``o`` (room for 4 bytes), a decimal digit written as "0"; its length."""
    if ch < 0x80:
        o[0] = 48 if 48 <= ch <= 57 else <uint8_t>ch
        return 1
    return fh_utf8(48 if fh_is_decimal(ch) else ch, o)


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
            reserve_u8(&pg.buf, 4)
            pg.buf.n += _utf8_digits_as_0(ch, pg.buf.p + pg.buf.n)
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
    cdef uint8_t *b
    cdef Py_ssize_t m
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
        reserve_i64(&pg.spans, w + 1)
        off = pg.spans.p
        pg.buf.n = 0
        reserve_u8(&pg.buf, 4 * w)  # room for the whole padded word: no check per character
        b = pg.buf.p
        b[0] = 32
        m = 1
        off[0] = 0
        for o in range(i, j):
            ch = PyUnicode_READ(kind, data, o)
            off[o - i + 1] = m
            if 0xD800 <= ch <= 0xDFFF:
                return 1
            m += _utf8_digits_as_0(ch, b + m)
        off[w - 1] = m
        b[m] = 32
        m += 1
        off[w] = m
        pg.buf.n = m
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


cdef inline str _lower(str s):
    """``s.lower()``, in C for most strs (fh_lower)."""
    cdef object got = fh_lower(s)
    return s.lower() if got is None else <str>got


def lower(str s):
    """``s.lower()`` as the kernel makes it (for tests)."""
    return _lower(s)


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
    cdef str head = _lower(PyUnicode_Substring(text, i0, min(n, i0 + HEAD_MAX)))
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


cdef struct _Section:
    int64_t mask      # n_features - 1 (a power of two)
    int bits
    int32_t lowest    # the column of the hash -2**31
    int32_t offset    # its first column in the matrix
    bint binary
    bint l2
    int wmode         # 0: weight multiplies in float32, 1: in float64
    float w32
    double w64


cdef int _add_cols(_Page pg, const int64_t *info, int slot, const _Section *sec) except -1:
    """The columns of a text's hashes (``hashing.columns``) onto the row's section."""
    cdef int64_t off = info[slot], m = info[slot + 1], k
    cdef int64_t mask = sec.mask
    cdef int32_t lowest = sec.lowest
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


cdef int _emit(_Page pg, const _Section *sec, bint is_sorted) except -1:
    """One section of one row (``pg.cols``) into the matrix: ``hashed_matrix``'s values, in column order."""
    cdef Py_ssize_t n = pg.cols.n, i, j, u = 0
    cdef int32_t offset = sec.offset
    cdef bint binary = sec.binary
    cdef float w32 = sec.w32
    cdef double w64 = sec.w64
    if n == 0:
        return 0
    cdef int32_t *c = pg.cols.p
    if not is_sorted:
        reserve_i32(&pg.tmp, n)
        fh_sort_cols(c, pg.tmp.p, n, sec.bits)
    reserve_i32(&pg.out_idx, n)
    reserve_f32(&pg.out_val, n)
    cdef int32_t *oi = pg.out_idx.p + pg.out_idx.n
    cdef float *ov = pg.out_val.p + pg.out_val.n
    cdef float v, sq, q
    cdef double acc = 0.0, norm
    cdef bint l2 = sec.l2
    i = 0
    # Distinct columns and their counts (as float32, as np.diff(...).astype(float32)), with the l2 norm's
    # squares (np.square in float32, summed in float64, in column order) in the same pass.
    while i < n:
        j = i + 1
        while j < n and c[j] == c[i]:
            j += 1
        oi[u] = c[i] + offset
        v = 1.0 if binary else <float>(j - i)
        ov[u] = v
        if l2:
            sq = v * v
            acc += <double>sq
        u += 1
        i = j
    # Then each value: divided by the norm (in float64, rounded to float32), times the weight in float32
    # (a Python float, or a float32, next to a float32 array) or in float64 (a float64 weight), stored as
    # float32. One pass: each step rounds to float32 where the two-pass numpy path stores float32.
    if l2:
        norm = sqrt(acc)
        if sec.wmode == 0:
            for i in range(u):
                q = <float>(<double>ov[i] / norm)
                v = q * w32
                ov[i] = v
        else:
            for i in range(u):
                q = <float>(<double>ov[i] / norm)
                ov[i] = <float>(<double>q * w64)
    elif sec.wmode == 0:
        for i in range(u):
            v = ov[i] * w32
            ov[i] = v
    else:
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
    pg.info.p[pg.info.n + T_CTX] = -1
    pg.info.p[pg.info.n + T_WE] = -1
    pg.info.p[pg.info.n + T_CE] = -1
    pg.info.n += T_SLOTS
    return k


cdef int _context(_Page pg, int64_t *info, const _Section *sec) except -1:
    """A text's unigram columns for the context sections, sorted once (a text is the context of rows)."""
    if info[T_CTX] >= 0:
        return 0
    cdef int64_t m = info[T_UNI + 1]
    pg.cols.n = 0
    _add_cols(pg, info, T_UNI, sec)
    reserve_i32(&pg.tmp, m)
    fh_sort_cols(pg.cols.p, pg.tmp.p, m, sec.bits)
    reserve_i32(&pg.pool, m)
    memcpy(pg.pool.p + pg.pool.n, pg.cols.p, m * sizeof(int32_t))
    info[T_CTX] = pg.pool.n
    info[T_CTX + 1] = m
    pg.pool.n += m
    pg.cols.n = 0
    return 0


cdef int _merge_context(_Page pg, const int64_t *a, const int64_t *b) except -1:
    """``pg.cols``: the sorted context columns of two texts, merged."""
    cdef int64_t na = a[T_CTX + 1], nb = b[T_CTX + 1], i = 0, j = 0, k = 0
    reserve_i32(&pg.cols, na + nb)
    cdef const int32_t *x = pg.pool.p + a[T_CTX]
    cdef const int32_t *y = pg.pool.p + b[T_CTX]
    cdef int32_t *c = pg.cols.p
    while i < na and j < nb:
        if y[j] < x[i]:
            c[k] = y[j]
            j += 1
        else:
            c[k] = x[i]
            i += 1
        k += 1
    while i < na:
        c[k] = x[i]
        i += 1
        k += 1
    while j < nb:
        c[k] = y[j]
        j += 1
        k += 1
    pg.cols.n = k
    return 0


# features._dense_array's math.log1p(n_words) / 6.0, for the n_words of most blocks (the rest call math).
cdef enum:
    LOG_TABLE = 4096
cdef double _log_table[LOG_TABLE]
for _n in range(LOG_TABLE):
    _log_table[_n] = math.log1p(_n) / 6.0


cdef int _dense_row(float *out, object r, const int64_t *cue) except -1:
    """features._dense_array's row (0: done; 1: a field the Python function must convert)."""
    cdef object pos = <object>PyTuple_GET_ITEM(r, 6)
    cdef object links = <object>PyTuple_GET_ITEM(r, 7)
    cdef object words = <object>PyTuple_GET_ITEM(r, 8)
    cdef double p, nw
    cdef long long w
    cdef int overflow = 0
    if type(pos) is not float or type(links) is not float or type(words) is not int:
        return 1
    w = PyLong_AsLongLongAndOverflow(words, &overflow)
    if overflow or not 0 <= w < LOG_TABLE:
        nw = math.log1p(words) / 6.0  # raises where _dense_array raises (n_words < 0)
    else:
        nw = _log_table[w]
    p = pos
    out[0] = <float>p
    out[1] = <float>(p * p)
    out[2] = <float>nw
    out[3] = <float><double>links
    out[4] = 1.0 if <object>PyTuple_GET_ITEM(r, 9) else 0.0
    out[5] = 0.0
    out[6] = <float>(<double>cue[0] / 3.0)
    out[7] = <float>(<double>cue[1] / 3.0)
    out[8] = <float>(<double>cue[2] / 3.0)
    return 0


cdef _Page _spare = None  # a page's scratch arrays, kept for the next page (they grow to fit, once)


def page_matrix(
    list rows,
    tuple sections,
    int nmin,
    int nmax,
    dense,
    cues,
    dict place_memo,
    place_packed,
    bucket,
    dense_array,
):
    """``(data, indices, indptr, n_columns)`` of the page's matrix, or None: run the Python path.

    ``rows``: BlockRows. ``sections``: for words, chars, context before, context after and layout, a
    tuple ``(n_features, column of the hash -2**31, binary, l2, weight mode, weight)`` where weight mode
    0 multiplies in float32 and 1 in float64 (what numpy does with that weight next to float32 values).
    ``nmin``, ``nmax``: the char n-gram range. ``dense``: the dense columns (float32, one row per row),
    or None: made here from the rows and ``cues`` (their row_cues, int64), as ``dense_array(rows,
    cues)`` (features._dense_array) makes them, which is called where a row's fields are not plain.
    ``place_memo``: the layout place memo (key -> packed hashes), filled by ``place_packed(key)`` on
    a miss; ``bucket(position, link_density)``: features._bucket, called for non-float values.
    """
    return _run(rows, sections, nmin, nmax, dense, cues, place_memo, place_packed, bucket, dense_array,
                None, None, None)


def page_scores(
    list rows,
    tuple sections,
    int nmin,
    int nmax,
    dense,
    cues,
    dict place_memo,
    place_packed,
    bucket,
    dense_array,
    W,
    col_map,
    intercept,
):
    """``M @ W[col_map] + intercept`` for the page's matrix ``M`` (as :func:`page_matrix` makes it), or None.

    The same inputs as :func:`page_matrix`, and the classifier's weights: ``W`` (float32, C order, one
    row per weighted column, the last row zeros), ``col_map`` (int32: each column's row of ``W``) and
    ``intercept`` (float32, one per class). Returns float32 ``z`` of shape (rows, classes), bit for bit
    what ``np.asarray(csr_matrix((data, col_map[indices], indptr)) @ W) + intercept`` gives: scipy's
    csr_matvecs adds each row's ``data * W[col_map[col], c]`` in float32, starting from 0, entries in
    their stored (column) order, then numpy adds the intercept in float32. None: inputs it does not
    handle (the caller then takes that path itself).
    """
    if not (isinstance(W, np.ndarray) and isinstance(col_map, np.ndarray) and isinstance(intercept, np.ndarray)):
        return None
    if (W.dtype != np.float32 or W.ndim != 2 or not W.flags.c_contiguous or col_map.dtype != np.int32
            or col_map.ndim != 1 or intercept.dtype != np.float32 or intercept.ndim != 1
            or W.shape[0] < 1 or W.shape[1] != intercept.shape[0] or W.shape[1] < 1 or W.shape[1] > MAX_CLASSES):
        return None
    return _run(rows, sections, nmin, nmax, dense, cues, place_memo, place_packed, bucket, dense_array,
                W, np.ascontiguousarray(col_map), np.ascontiguousarray(intercept))


cdef enum:
    MAX_CLASSES = 64  # page_scores' classes at most (a row's sums stay in registers or on the stack)
    PREFETCH = 16     # entries ahead whose row of W _scores_out prefetches (and twice that: their col_map)


cdef object _run(list rows, tuple sections, int nmin, int nmax, dense, cues, dict place_memo, place_packed,
                 bucket, dense_array, W, col_map, intercept):
    global _spare
    cdef _Page pg = _spare
    if pg is None:
        pg = _Page()
    else:
        _spare = None  # in use (page_matrix may run again from another thread while this one waits)
        pg.reset()
    try:
        width = _page_matrix(pg, rows, sections, nmin, nmax, dense, cues, place_memo, place_packed, bucket,
                             dense_array)
        if width is None:
            got = None
        elif W is None:
            got = _matrix_out(pg, len(rows), width)
        else:
            got = _scores_out(pg, len(rows), width, W, col_map, intercept)
    finally:
        pg.trim()
        _spare = pg
    return got


cdef object _matrix_out(_Page pg, Py_ssize_t n, object width):
    """The CSR arrays of the matrix built in ``pg``."""
    cdef Py_ssize_t nnz = pg.out_idx.n, i
    indptr = np.empty(n + 1, dtype=np.int32)
    data = np.empty(nnz, dtype=np.float32)
    indices = np.empty(nnz, dtype=np.int32)
    cdef int32_t[::1] ip = indptr
    cdef float[::1] dd = data
    cdef int32_t[::1] ii = indices
    for i in range(n + 1):
        ip[i] = <int32_t>pg.rowptr.p[i]
    if nnz:
        memcpy(&dd[0], pg.out_val.p, nnz * sizeof(float))
        memcpy(&ii[0], pg.out_idx.p, nnz * sizeof(int32_t))
    return data, indices, indptr, width


cdef object _scores_out(_Page pg, Py_ssize_t n, object width, const float[:, ::1] W, const int32_t[::1] col_map,
                        const float[::1] intercept):
    """``z`` of :func:`page_scores` from the matrix built in ``pg`` (None: a column without a row of W)."""
    cdef Py_ssize_t nc = W.shape[1], nw = W.shape[0], i, c
    cdef int64_t k, end
    cdef int32_t m, zero_row = <int32_t>(nw - 1)
    cdef float v
    cdef float y[MAX_CLASSES]
    cdef const float *w
    cdef const float *W0 = &W[0, 0]
    cdef const int32_t *cm = &col_map[0]
    cdef const int32_t *idx = pg.out_idx.p
    cdef const float *val = pg.out_val.p
    cdef bint zeros_last = True
    cdef int64_t nnz = pg.out_idx.n
    if col_map.shape[0] < <Py_ssize_t>width:
        return None
    for c in range(nc):  # the row of unweighted columns: its products add nothing (but to NaN or inf)
        if W[nw - 1, c] != 0:
            zeros_last = False
    z = np.empty((n, nc), dtype=np.float32)
    cdef float[:, ::1] zz = z
    if nc == 6 and n > 0:
        if fh_rows6(n, pg.rowptr.p, idx, val, nnz, cm, W0, <int32_t>nw, zeros_last, &intercept[0], &zz[0, 0],
                    PREFETCH) < 0:
            return None
        return z
    for i in range(n):
        for c in range(nc):
            y[c] = 0.0
        end = pg.rowptr.p[i + 1]
        for k in range(pg.rowptr.p[i], end):
            if k + PREFETCH < nnz:  # the weights a few entries on are far apart in memory: ask for them early
                fh_prefetch(W0 + <int64_t>cm[idx[k + PREFETCH]] * nc)
            if k + 2 * PREFETCH < nnz:
                fh_prefetch(cm + idx[k + 2 * PREFETCH])
            m = cm[idx[k]]
            if <uint32_t>m >= <uint32_t>nw:
                return None
            v = val[k]
            if m == zero_row and zeros_last and v - v == 0:  # finite v times +-0: y is never -0, so no change
                continue
            w = W0 + <int64_t>m * nc
            for c in range(nc):
                y[c] += v * w[c]
        for c in range(nc):
            zz[i, c] = y[c] + intercept[c]
    return z



# ---- the cross-page memo of short texts ----------------------------------------------------------
#
# Menus, buttons, bylines and footers repeat from page to page. What the matrix takes from a row's own
# text depends on that text and the parameters alone: its words section and its chars section as
# _emit makes them (sorted columns, counts, l2 norm and weight: a section's values are normalised over
# that section of that row, which holds the text's tokens only), its layout look hashes, and its
# unigrams' sorted context columns (for the rows it is the context of). For a text of at most
# MEMO_TEXT characters those are kept, per parameter set, in a dict text -> bytes (int32s):
# [n_ctx, n_words, n_chars, n_looks], ctx columns, words columns, words values (float32 bits),
# chars columns, chars values, look hashes. A memo that reaches MEMO_ITEMS texts or MEMO_BYTES bytes
# starts again empty, as features._memo does; so does the set of memos past MEMO_SETS parameter sets.

cdef enum:
    MEMO_TEXT = 256  # features.SHORT_TEXT
    MEMO_SETS = 8

cdef Py_ssize_t _memo_items = 1 << 14  # features._MEMO_ITEMS
cdef Py_ssize_t _memo_bytes = 1 << 25


cdef class _Memo:
    cdef dict items
    cdef Py_ssize_t nbytes

    def __cinit__(self):
        self.items = {}
        self.nbytes = 0

    cdef int put(self, str text, bytes packed) except -1:
        cdef Py_ssize_t size = len(packed) + len(text) + 100  # the bytes, the key and the dict's slot
        if len(self.items) >= _memo_items or self.nbytes + size > _memo_bytes:
            self.items.clear()
            self.nbytes = 0
        self.items[text] = packed
        self.nbytes += size
        return 0


cdef dict _memos = {}  # (nmin, nmax, sections with weights as their float64 bits) -> _Memo


cdef _Memo _memo_for(tuple sections, int nmin, int nmax):
    # the key holds each weight's bits (0.0 == -0.0 and NaN != NaN, but their products differ or match)
    key = (nmin, nmax) + tuple(sec[:5] + (_struct_pack("<d", sec[5]),) for sec in sections)
    cdef _Memo memo = _memos.get(key)
    if memo is None:
        if len(_memos) >= MEMO_SETS:
            _memos.clear()
        memo = _memos[key] = _Memo()
    return memo


def clear_memo():
    """Empties the cross-page memo of short texts (every parameter set's)."""
    _memos.clear()


def memo_info():
    """``{parameter key: (texts, bytes)}`` of the cross-page memo (for tests)."""
    cdef _Memo m
    out = {}
    for k, m in _memos.items():
        out[k] = (len(m.items), m.nbytes)
    return out


def set_memo_limits(Py_ssize_t items, Py_ssize_t nbytes):
    """Sets the memo's caps (texts, bytes per parameter set); returns the old ones (for tests)."""
    global _memo_items, _memo_bytes
    old = (_memo_items, _memo_bytes)
    _memo_items, _memo_bytes = items, nbytes
    return old


cdef int _unpack(_Page pg, int64_t *info, bytes packed) except -1:
    """A text's parts from its memo entry onto the pool; ``info``'s slots point at them."""
    cdef const int32_t *h = <const int32_t *><const char *>packed
    cdef int64_t nctx = h[0], nw = h[1], nch = h[2], nlook = h[3], total = nctx + 2 * nw + 2 * nch + nlook
    reserve_i32(&pg.pool, total)
    cdef int64_t o = pg.pool.n
    memcpy(pg.pool.p + o, h + 4, total * sizeof(int32_t))
    pg.pool.n += total
    info[T_CTX] = o
    info[T_CTX + 1] = nctx
    o += nctx
    info[T_WE] = o
    info[T_WE + 1] = nw
    o += 2 * nw
    info[T_CE] = o
    info[T_CE + 1] = nch
    o += 2 * nch
    info[T_LOOK] = o
    info[T_LOOK + 1] = nlook
    info[T_HIT] = 1
    return 0


cdef bytes _pack(_Page pg, const int64_t *info):
    """A text's memo entry (see above) from its parts in the pool."""
    cdef int64_t nctx = info[T_CTX + 1], nw = info[T_WE + 1], nch = info[T_CE + 1], nlook = info[T_LOOK + 1]
    cdef int64_t total = 4 + nctx + 2 * nw + 2 * nch + nlook
    cdef bytes out = PyBytes_FromStringAndSize(NULL, total * sizeof(int32_t))
    cdef int32_t *h = <int32_t *>PyBytes_AS_STRING(out)
    h[0] = <int32_t>nctx
    h[1] = <int32_t>nw
    h[2] = <int32_t>nch
    h[3] = <int32_t>nlook
    h += 4
    memcpy(h, pg.pool.p + info[T_CTX], nctx * sizeof(int32_t))
    h += nctx
    memcpy(h, pg.pool.p + info[T_WE], 2 * nw * sizeof(int32_t))
    h += 2 * nw
    memcpy(h, pg.pool.p + info[T_CE], 2 * nch * sizeof(int32_t))
    h += 2 * nch
    memcpy(h, pg.pool.p + info[T_LOOK], nlook * sizeof(int32_t))
    return out


cdef int _keep_emitted(_Page pg, int64_t *info, int slot, int64_t start) except -1:
    """What _emit just added to the matrix (from ``start``), kept in the pool for the text's next rows."""
    cdef int64_t u = pg.out_idx.n - start
    reserve_i32(&pg.pool, 2 * u)
    memcpy(pg.pool.p + pg.pool.n, pg.out_idx.p + start, u * sizeof(int32_t))
    memcpy(pg.pool.p + pg.pool.n + u, pg.out_val.p + start, u * sizeof(float))
    info[slot] = pg.pool.n
    info[slot + 1] = u
    pg.pool.n += 2 * u
    return 0


cdef int _put_emitted(_Page pg, const int64_t *info, int slot) except -1:
    """A section kept by _keep_emitted (or from the memo), into the matrix."""
    cdef int64_t u = info[slot + 1]
    reserve_i32(&pg.out_idx, u)
    reserve_f32(&pg.out_val, u)
    memcpy(pg.out_idx.p + pg.out_idx.n, pg.pool.p + info[slot], u * sizeof(int32_t))
    memcpy(pg.out_val.p + pg.out_val.n, pg.pool.p + info[slot] + u, u * sizeof(float))
    pg.out_idx.n += u
    pg.out_val.n += u
    return 0


cdef _page_matrix(
    _Page pg,
    list rows,
    tuple sections,
    int nmin,
    int nmax,
    dense_in,
    cues_in,
    dict place_memo,
    place_packed,
    bucket,
    dense_array,
):
    cdef Py_ssize_t n = len(rows), i, k, t
    cdef dict ids = {}
    cdef list texts = []
    cdef object r, key, p, pos, links
    cdef int64_t tid
    cdef int64_t *info
    cdef int64_t *ri
    cdef double dpos, dlinks
    cdef bytes packed
    cdef Py_ssize_t plen
    cdef _Section[5] sec
    cdef int64_t offset = 0
    cdef const float[:, ::1] dense
    cdef const int64_t[:, ::1] cues
    cdef float[N_DENSE] drow
    cdef Py_ssize_t ncols = N_DENSE
    if len(sections) != 5 or nmin < 1 or nmax > 64:
        return None
    if dense_in is not None:
        dense = dense_in
        ncols = dense.shape[1]
        if dense.shape[0] != n:
            return None
    else:
        cues = cues_in
        if cues.shape[0] != n or cues.shape[1] != 3:
            return None
    for k in range(5):
        nk, lowcol, b, l, mode, weight = sections[k]
        if type(nk) is not int or not (1 <= nk <= 2**30) or (nk & (nk - 1)) or mode not in (0, 1):
            return None
        sec[k].mask = nk - 1
        sec[k].bits = (nk - 1).bit_length()
        sec[k].lowest = lowcol
        sec[k].binary = b
        sec[k].l2 = l
        sec[k].wmode = mode
        sec[k].w32 = <float>weight if mode == 0 else 0
        sec[k].w64 = <double>weight
        sec[k].offset = offset
        offset += nk
    if offset + ncols >= 2**31:
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
            key = _BUCKETS[(0 if dpos < 0.15 else 2 if dpos > 0.85 else 1) * 3
                           + (2 if dlinks > 0.6 else 1 if dlinks > 0.2 else 0)]
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

    # 2. each distinct text's hashes (or, for a short text seen before, its parts from the memo)
    cdef str text, low
    cdef bint own
    cdef _Memo memo = _memo_for(sections, nmin, nmax)
    cdef object hit
    for t in range(len(texts)):
        text = texts[t]
        if PyUnicode_GET_LENGTH(text) <= MEMO_TEXT:
            hit = memo.items.get(text)
            if hit is not None:
                _unpack(pg, pg.info.p + T_SLOTS * t, hit)
                continue
        low = _lower(text)
        own = pg.info.p[T_SLOTS * t + T_OWN] != 0
        _words(pg, pg.info.p + T_SLOTS * t, low, own)
        if own:
            if _chars(pg, pg.info.p + T_SLOTS * t, low, nmin, nmax):
                return None  # a lone surrogate: the Python path raises its UnicodeEncodeError
            _looks(pg, pg.info.p + T_SLOTS * t, text)

    # 3. the matrix, row by row, section by section
    reserve_i64(&pg.rowptr, n + 1)
    cdef float dv
    cdef int64_t *tinfo
    cdef int64_t *before
    cdef int64_t *heading
    cdef int64_t *after
    cdef int64_t start
    pg.rowptr.p[0] = 0
    for i in range(n):
        ri = pg.rowinfo.p + 6 * i
        tinfo = pg.info.p + T_SLOTS * ri[0]
        if tinfo[T_WE] >= 0:  # the text's sections as an earlier row (or page) emitted them
            _put_emitted(pg, tinfo, T_WE)
            _put_emitted(pg, tinfo, T_CE)
        else:
            start = pg.out_idx.n
            _add_cols(pg, tinfo, T_UNI, &sec[0])
            _add_cols(pg, tinfo, T_PAIR, &sec[0])
            _emit(pg, &sec[0], False)
            _keep_emitted(pg, tinfo, T_WE, start)
            start = pg.out_idx.n
            _add_cols(pg, tinfo, T_CHAR, &sec[1])
            _emit(pg, &sec[1], False)
            _keep_emitted(pg, tinfo, T_CE, start)
        before = pg.info.p + T_SLOTS * ri[1]
        heading = pg.info.p + T_SLOTS * ri[3]
        after = pg.info.p + T_SLOTS * ri[2]
        _context(pg, before, &sec[2])
        _context(pg, heading, &sec[2])
        _merge_context(pg, before, heading)
        _emit(pg, &sec[2], True)
        _context(pg, after, &sec[3])  # sections 2 and 3 share their parameters but for the offset
        reserve_i32(&pg.cols, after[T_CTX + 1])
        memcpy(pg.cols.p, pg.pool.p + after[T_CTX], after[T_CTX + 1] * sizeof(int32_t))
        pg.cols.n = after[T_CTX + 1]
        _emit(pg, &sec[3], True)
        _add_cols(pg, ri, 4, &sec[4])
        _add_cols(pg, tinfo, T_LOOK, &sec[4])
        _emit(pg, &sec[4], False)
        reserve_i32(&pg.out_idx, ncols)
        reserve_f32(&pg.out_val, ncols)
        if dense_in is None:
            if _dense_row(drow, rows[i], &cues[i, 0]):
                dense_in = dense_array(rows, np.asarray(cues))  # a field to convert as Python does
                dense = dense_in
        for k in range(ncols):
            dv = dense[i, k] if dense_in is not None else drow[k]
            if dv != 0:  # np.nonzero: NaN is kept, -0.0 is not
                pg.out_idx.p[pg.out_idx.n] = dense_offset + <int32_t>k
                pg.out_val.p[pg.out_val.n] = dv
                pg.out_idx.n += 1
                pg.out_val.n += 1
        if pg.out_idx.n >= 2**31:
            return None
        pg.rowptr.p[i + 1] = pg.out_idx.n


    # 4. the short texts met for the first time, into the memo (the page is done: it declined nothing)
    for t in range(len(texts)):
        info = pg.info.p + T_SLOTS * t
        if info[T_OWN] and not info[T_HIT] and info[T_WE] >= 0 and PyUnicode_GET_LENGTH(texts[t]) <= MEMO_TEXT:
            _context(pg, info, &sec[2])
            memo.put(texts[t], _pack(pg, info))
    return offset + ncols

def _char_classes(str s):
    """(\\w, \\d, [^\\W\\d_], white space) of each character of ``s``, as the kernel sees them (for tests)."""
    cdef Py_ssize_t i
    cdef Py_UCS4 ch
    return [
        (fh_is_word(ch), fh_is_decimal(ch), fh_is_letter(ch), Py_UNICODE_ISSPACE(ch))
        for ch in s
    ]


def dense_weights(data, indices, indptr, Py_ssize_t n_features):
    """``(W, col_map)`` of a linear classifier's CSR weights (one row per class, ``n_features`` columns),
    as ``BlockClassifier._weights`` makes them with numpy: ``W`` holds the rows of the columns with a
    non-zero weight, in column order, then a row of zeros (float32, shape (columns + 1, classes)), and
    ``col_map`` each column's row of ``W`` (int32; the zeros' row for a column without a weight). A
    column listed twice in a class keeps its last weight, as numpy's assignment does. None for inputs it
    does not handle (not float32 / int32 arrays, or not a valid CSR matrix): the caller runs numpy."""
    if not (isinstance(data, np.ndarray) and isinstance(indices, np.ndarray) and isinstance(indptr, np.ndarray)):
        return None
    if (data.dtype != np.float32 or indices.dtype != np.int32 or indptr.dtype != np.int32 or data.ndim != 1
            or indices.ndim != 1 or indptr.ndim != 1 or indptr.shape[0] < 2 or n_features < 1
            or data.shape[0] != indices.shape[0] or indptr.shape[0] - 1 > MAX_CLASSES):
        return None
    cdef const float[::1] d = np.ascontiguousarray(data)
    cdef const int32_t[::1] ix = np.ascontiguousarray(indices)
    cdef const int32_t[::1] ip = np.ascontiguousarray(indptr)
    cdef Py_ssize_t nc = ip.shape[0] - 1, nnz = d.shape[0], r, j, i, k = 0
    if ip[0] != 0 or ip[nc] != nnz:
        return None
    for r in range(nc):
        if ip[r + 1] < ip[r]:
            return None
    for j in range(nnz):
        if ix[j] < 0 or ix[j] >= n_features:
            return None
    col_map = np.zeros(n_features, dtype=np.int32)
    cdef int32_t[::1] cm = col_map
    for j in range(nnz):  # 1: the column has a weight
        if d[j] != 0:
            cm[ix[j]] = 1
    for i in range(n_features):
        if cm[i]:
            cm[i] = <int32_t>k
            k += 1
        else:
            cm[i] = -1
    for i in range(n_features):
        if cm[i] < 0:
            cm[i] = <int32_t>k
    W = np.zeros((k + 1, nc), dtype=np.float32)
    cdef float[:, ::1] w = W
    for r in range(nc):
        for j in range(ip[r], ip[r + 1]):
            if d[j] != 0:
                w[cm[ix[j]], r] = d[j]
    return W, col_map


def sort_cols(list values, int bits):
    """fh_sort_cols of ``values`` (ints in [0, 2**bits)), sorted (for tests)."""
    cdef Py_ssize_t n = len(values), i
    cdef int32_t *a = <int32_t *>malloc((2 * n + 1) * sizeof(int32_t))
    if a == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            a[i] = values[i]
        fh_sort_cols(a, a + n, n, bits)
        return [a[i] for i in range(n)]
    finally:
        free(a)


def murmurhash3_32(str key):
    """``sklearn.utils.murmurhash3_32(key, 0)`` of a str: the hash of its UTF-8 bytes, signed.

    For the tokens the Python side still hashes (layout places), so that scoring never imports
    scikit-learn. A lone surrogate raises UnicodeEncodeError, as it does in scikit-learn.
    """
    cdef bytes b = key.encode("utf-8")
    return fh_murmur3(<const uint8_t *>b, len(b))


cdef Py_ssize_t _words_in(str t, Py_ssize_t a, Py_ssize_t b) noexcept:
    """``len(re.findall(r"\\w+", t[a:b]))``: the maximal runs of word characters in ``t[a:b]``."""
    cdef int kind = PyUnicode_KIND(t)
    cdef void *data = PyUnicode_DATA(t)
    cdef Py_ssize_t i, words = 0
    cdef bint inword = False
    for i in range(a, b):
        if fh_is_word(PyUnicode_READ(kind, data, i)):
            if not inword:
                words += 1
                inword = True
        else:
            inword = False
    return words


def count_words(list texts):
    """``len(re.findall(r"\\w+", t))`` of each str of ``texts``: its maximal runs of word characters."""
    cdef Py_ssize_t k
    cdef list out = [None] * len(texts)
    for k in range(len(texts)):
        t = texts[k]
        if not isinstance(t, str):
            raise TypeError("count_words takes str texts")
        out[k] = _words_in(t, 0, PyUnicode_GET_LENGTH(t))
    return out


def lay_out(list blocks, list texts):
    """segment()'s offsets: each block's ``start``, ``end``, ``position`` and ``words`` (``count_words``).

    ``texts[i]`` is ``blocks[i].text``; in the page's text the blocks are joined by one newline, and a
    block's position is its start over the length of that text plus one (1 for no text), as Python
    divides the two ints.
    """
    cdef Py_ssize_t n = len(blocks), k, m, words, total = 0, pos = 0
    cdef str t
    if len(texts) != n:
        raise ValueError("lay_out takes one text per block")
    for k in range(n):
        t = texts[k]
        total += PyUnicode_GET_LENGTH(t) + 1
    if total == 0:
        total = 1
    for k in range(n):
        t = texts[k]
        m = PyUnicode_GET_LENGTH(t)
        words = _words_in(t, 0, m)
        b = blocks[k]
        _bset(b, B_START, pos)
        _bset(b, B_END, pos + m)
        _bset(b, B_POSITION, <double>pos / <double>total)  # both exact below 2**53: the correctly rounded quotient
        _bset(b, B_WORDS, words)
        pos += m + 1


# ---- Block fields read and written through their slots ----------------------------------------------
#
# segment.Block is a dataclass with slots: getattr(b, "text") from C goes through the generic attribute
# lookup (the type's MRO cache, the member descriptor, PyMember_GetOne: ~150 instructions), 4,000 times a
# page in block_rows, sentence_units and lay_out. segment registers the class (use_block_type); for an
# object of exactly that class, a field is read and written at its slot's offset, as the descriptor does;
# an empty slot, or any other object, takes getattr and setattr.

cdef extern from "_slots.h":
    PyObject *dt_slot_get(PyObject *o, Py_ssize_t off)
    void dt_slot_set(PyObject *o, Py_ssize_t off, PyObject *v)
    Py_ssize_t dt_member_offset(PyObject *descr)

cdef enum:
    B_INDEX, B_TEXT, B_START, B_END, B_TAG, B_PATH, B_DEPTH, B_LINK, B_HEADING, B_POSITION, B_PARENT, B_UNIT, \
        B_WORDS, B_FIELDS

_BLOCK_NAMES = ("index", "text", "start", "end", "tag", "path", "depth", "link_chars", "heading", "position",
                "parent", "unit", "words")
cdef object _blk_type = None  # the class registered by use_block_type (None: every field by getattr)
cdef Py_ssize_t _blk_off[B_FIELDS]


def use_block_type(tp):
    """Read and write the fields of ``tp`` objects through their slots (segment.Block registers itself).
    Returns whether it can: a class with a writable object slot for each field, and the plain attribute
    access of ``object``; else every field goes through getattr and setattr."""
    global _blk_type
    cdef Py_ssize_t off
    _blk_type = None
    if not isinstance(tp, type) or tp.__getattribute__ is not object.__getattribute__ \
            or tp.__setattr__ is not object.__setattr__:
        return False
    for i, name in enumerate(_BLOCK_NAMES):
        descr = tp.__dict__.get(name)
        off = dt_member_offset(<PyObject *>descr)
        if off < 0:
            return False
        _blk_off[i] = off
    _blk_type = tp
    return True


cdef inline object _bget(object b, int f):
    """``getattr(b, _BLOCK_NAMES[f])``: the slot itself for a registered Block."""
    cdef PyObject *p
    if type(b) is _blk_type:
        p = dt_slot_get(<PyObject *>b, _blk_off[f])
        if p is not NULL:
            return <object>p
    return getattr(b, _BLOCK_NAMES[f])


cdef inline int _bset(object b, int f, object v) except -1:
    """``setattr(b, _BLOCK_NAMES[f], v)``: the slot itself for a registered Block."""
    if type(b) is _blk_type:
        dt_slot_set(<PyObject *>b, _blk_off[f], <PyObject *>v)
    else:
        setattr(b, _BLOCK_NAMES[f], v)
    return 0


cdef inline str _tail(str t, Py_ssize_t k):
    """``t[-k:]`` (k > 0)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(t)
    return t if n <= k else PyUnicode_Substring(t, n - k, n)


cdef inline str _head(str t, Py_ssize_t a, Py_ssize_t k):
    """``t[a:a + k]`` (0 <= a, k > 0)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(t)
    if a == 0 and n <= k:
        return t
    return PyUnicode_Substring(t, min(a, n), min(a + k, n))



cdef extern from "Python.h":
    ctypedef struct PyTypeObject:
        object (*tp_alloc)(PyTypeObject*, Py_ssize_t)


cdef inline object _put(object row, Py_ssize_t i, object v):
    Py_INCREF(v)  # PyTuple_SET_ITEM steals a reference
    PyTuple_SET_ITEM(row, i, v)


cdef object _row(bint direct, object row_type, object t, object pv, object nx, object above, object tag,
                 object path, object position, object links, object words, object heading, object unit):
    """``tuple.__new__(row_type, (t, ..., unit))``: where ``direct`` (a tuple subclass with no fields of
    its own, as a namedtuple), allocated by the type and filled in place, without the two tuples
    tuple.__new__ makes on the way."""
    if not direct:
        return tuple.__new__(row_type, (t, pv, nx, above, tag, path, position, links, words, heading, unit))
    row = (<PyTypeObject*> <PyObject*> row_type).tp_alloc(<PyTypeObject*> <PyObject*> row_type, 11)
    _put(row, 0, t)
    _put(row, 1, pv)
    _put(row, 2, nx)
    _put(row, 3, above)
    _put(row, 4, tag)
    _put(row, 5, path)
    _put(row, 6, position)
    _put(row, 7, links)
    _put(row, 8, words)
    _put(row, 9, heading)
    _put(row, 10, unit)
    return row


cdef bint _plain_tuple_type(object row_type):
    """A tuple subclass laid out as a tuple (``__slots__ = ()``, as a namedtuple)."""
    return (isinstance(row_type, type) and issubclass(row_type, tuple)
            and row_type.__basicsize__ == tuple.__basicsize__ and row_type.__itemsize__ == tuple.__itemsize__)


def block_rows(list base, list units, row_type, Py_ssize_t context_max):
    """features.rows_for_page's rows of a page's blocks (``base``, each with its index) and then its
    units, as ``row_type`` tuples; None where it leaves the page to the Python function (a block out of
    place, a field of another type than segment() gives it)."""
    cdef Py_ssize_t n = len(base), i, k, last_idx = -10, nt, lc, w
    cdef list texts = [None] * n
    cdef list words = [None] * n
    cdef list above = [None] * n
    cdef list rows = []
    cdef list links = [None] * n
    cdef str t, last_heading = "", pv, nx, ut
    cdef Py_UCS4 end
    cdef double ld
    cdef object b, wo, bt, lco
    cdef bint direct = _plain_tuple_type(row_type)
    if context_max <= 0:
        return None
    for i in range(n):  # the nearest heading above each block (within the 4 blocks before it)
        b = base[i]
        bt = _bget(b, B_TEXT)
        lco = _bget(b, B_LINK)
        if _bget(b, B_INDEX) != i or _bget(b, B_PARENT) != -1 or type(bt) is not str or type(lco) is not int:
            return None
        t = bt
        texts[i] = t
        links[i] = lco
        wo = _bget(b, B_WORDS)
        if type(wo) is not int or wo < 0:
            wo = b.n_words
            if type(wo) is not int:
                return None
        words[i] = wo
        above[i] = last_heading if i - last_idx <= 4 else ""
        nt = PyUnicode_GET_LENGTH(t)
        end = PyUnicode_READ(PyUnicode_KIND(t), PyUnicode_DATA(t), nt - 1) if nt else 0
        if _bget(b, B_HEADING) or (wo <= 6 and not (nt and (end == u"." or end == u"!" or end == u"?"))):
            last_heading, last_idx = t, i
    for i in range(n):
        b = base[i]
        t = texts[i]
        pv = _tail(texts[i - 1], context_max) if i > 0 else ""
        nx = _head(texts[i + 1], 0, context_max) if i + 1 < n else ""
        lc = links[i]
        nt = PyUnicode_GET_LENGTH(t)
        ld = <double>lc / <double>(nt if nt > 1 else 1)  # ints below 2**53: Python's true division
        rows.append(_row(direct, row_type, t, pv, nx, above[i], _bget(b, B_TAG), _bget(b, B_PATH),
                         _bget(b, B_POSITION), ld if ld < 1.0 else 1.0, words[i], _bget(b, B_HEADING),
                         _bget(b, B_UNIT)))
    for b in units:
        i = _bget(b, B_PARENT)
        ut = _bget(b, B_UNIT)
        bt = _bget(b, B_TEXT)
        if not 0 <= i < n or type(bt) is not str or type(ut) is not str or ut not in ("head", "tail"):
            return None
        t = texts[i]
        pv = _tail(texts[i - 1], context_max) if i > 0 else ""
        nx = _head(texts[i + 1], 0, context_max) if i + 1 < n else ""
        if ut == "head":
            nx = _head(t, PyUnicode_GET_LENGTH(bt), context_max)
        else:
            k = PyUnicode_GET_LENGTH(t) - PyUnicode_GET_LENGTH(bt)
            if k < 0:  # not a piece of its block: Python slices from the end
                return None
            pv = _tail(PyUnicode_Substring(t, 0, k), context_max) if k > 0 else ""
        wo = _bget(b, B_WORDS)
        if type(wo) is not int or wo < 0:
            wo = b.n_words
        rows.append(_row(direct, row_type, bt, pv, nx, above[i], _bget(b, B_TAG), _bget(b, B_PATH),
                         _bget(b, B_POSITION), 0.0, wo, _bget(b, B_HEADING), ut))
    return rows


# ---- sentence units (segment.sentence_units) ---------------------------------------------------------

cdef inline bint _is_cap(Py_UCS4 c) noexcept:  # [A-ZÀ-ÖØ-ÞĀ-Ž0-9]
    return (65 <= c <= 90 or 0xC0 <= c <= 0xD6 or 0xD8 <= c <= 0xDE or 0x100 <= c <= 0x17D
            or 48 <= c <= 57)


cdef inline bint _in(Py_UCS4 c, str chars):
    cdef Py_ssize_t i
    for i in range(PyUnicode_GET_LENGTH(chars)):
        if PyUnicode_READ(PyUnicode_KIND(chars), PyUnicode_DATA(chars), i) == c:
            return True
    return False


cdef str _ENDS = ".!?\u2026"
cdef str _CLOSERS = "\"'\u201d\u2019)"
cdef str _OPENERS = "\"'\u201c\u201e([*"


cdef Py_ssize_t _ws_run(int kind, void *data, Py_ssize_t i, Py_ssize_t n) noexcept:
    """The end of the run of white space (str.isspace) from ``i``."""
    while i < n and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)):
        i += 1
    return i


cdef Py_ssize_t _sentence_break(int kind, void *data, Py_ssize_t q, Py_ssize_t n) noexcept:
    """The end of segment._SENT_SPLIT's match at ``q`` (where an end mark stands), or -1."""
    cdef Py_ssize_t k = q + 1, e
    cdef Py_UCS4 c
    if k < n and _in(PyUnicode_READ(kind, data, k), _CLOSERS):
        e = _ws_run(kind, data, k + 1, n)
        if e == k + 1:  # no white space after the closer: the closer is not taken, and no space follows
            return -1
    else:
        e = _ws_run(kind, data, k, n)
        if e == k:
            return -1
    if e >= n:
        return -1
    c = PyUnicode_READ(kind, data, e)
    if _is_cap(c):
        return e
    if _in(c, _OPENERS) and e + 1 < n and _is_cap(PyUnicode_READ(kind, data, e + 1)):
        return e
    return -1


cdef Py_ssize_t _lead_note(int kind, void *data, Py_ssize_t n) noexcept:
    """The end of segment._LEAD_PAREN's group 1 when it matches the text, or -1."""
    cdef Py_ssize_t i = _ws_run(kind, data, 0, n), j, r, most, e, k
    cdef Py_UCS4 o, c, close
    if i >= n:
        return -1
    o = PyUnicode_READ(kind, data, i)
    if o == u"(":
        close, most = u")", 240
    elif o == u"[":
        close, most = u"]", 240
    elif o == u"*":
        close, most = u"*", 120
    else:
        return -1
    j = i + 1
    while j < n:  # the run of characters that are neither the opener nor the closer
        c = PyUnicode_READ(kind, data, j)
        if c == o or c == close:
            break
        j += 1
    r = j - i - 1
    if r < 3 or r > most or j >= n or PyUnicode_READ(kind, data, j) != close:
        return -1
    e = j + 1  # the end of group 1
    j = e
    if j < n and (PyUnicode_READ(kind, data, j) == u"." or PyUnicode_READ(kind, data, j) == u":"):
        j += 1
    k = _ws_run(kind, data, j, n)
    if k == j or k >= n:
        return -1
    return e


def sentence_units(list blocks, block_type, Py_ssize_t min_chars, Py_ssize_t min_words):
    """segment.sentence_units of every block that is not a heading, in order, as ``block_type``
    objects (their ``words`` counted), or None where it leaves the page to Python (a field of another
    type than segment() gives it)."""
    cdef list out = []
    cdef Py_ssize_t n, q, e, first, last, a, b, lead, end_, k, cut_n, words
    cdef Py_ssize_t[2] ca
    cdef Py_ssize_t[2] cb
    cdef bint[2] tail
    cdef int kind
    cdef void *data
    cdef str text, piece
    cdef object blk, u, wo, bs
    cdef Py_UCS4 ch
    for blk in blocks:
        if _bget(blk, B_HEADING):
            continue
        text = _bget(blk, B_TEXT)
        n = PyUnicode_GET_LENGTH(text)
        if n < min_chars:
            continue
        wo = _bget(blk, B_WORDS)
        if type(wo) is not int:
            return None
        if wo < 0:
            wo = blk.n_words
        if wo < min_words:
            continue
        kind = PyUnicode_KIND(text)
        data = PyUnicode_DATA(text)
        first = last = -1  # the first split's start and the last split's end
        q = 0
        while q < n:
            ch = PyUnicode_READ(kind, data, q)
            if ch == u"." or ch == u"!" or ch == u"?" or ch == 0x2026:
                e = _sentence_break(kind, data, q, n)
                if e >= 0:
                    if first < 0:
                        first = q + 1
                    last = e
                    q = e
                    continue
            q += 1
        cut_n = 0
        lead = _lead_note(kind, data, n)
        if lead >= 0:
            end_ = lead + (1 if lead < n and (PyUnicode_READ(kind, data, lead) == u"." or
                                               PyUnicode_READ(kind, data, lead) == u":") else 0)
            ca[0], cb[0], tail[0] = 0, end_, False
            cut_n = 1
        elif first >= 0 and first < n - 20:
            ca[0], cb[0], tail[0] = 0, first, False
            cut_n = 1
        if last >= 0 and last > (cb[0] if cut_n else 0) + 20 and n - last >= 15:
            ca[cut_n], cb[cut_n], tail[cut_n] = last, n, True
            cut_n += 1
        for k in range(cut_n):
            a, b = ca[k], cb[k]
            while a < b and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a)):
                a += 1
            while b > a and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1)):
                b -= 1
            if b <= a:
                continue
            piece = PyUnicode_Substring(text, a, b)
            words = _words_in(text, a, b)
            u = block_type.__new__(block_type)
            bs = _bget(blk, B_START)
            _bset(u, B_INDEX, -1)
            _bset(u, B_TEXT, piece)
            _bset(u, B_START, bs + a)
            _bset(u, B_END, bs + b)
            _bset(u, B_TAG, _bget(blk, B_TAG))
            _bset(u, B_PATH, _bget(blk, B_PATH))
            _bset(u, B_DEPTH, _bget(blk, B_DEPTH))
            _bset(u, B_LINK, 0)
            _bset(u, B_HEADING, False)
            _bset(u, B_POSITION, _bget(blk, B_POSITION))
            _bset(u, B_PARENT, _bget(blk, B_INDEX))
            _bset(u, B_UNIT, "tail" if tail[k] else "head")
            _bset(u, B_WORDS, words)
            out.append(u)
    return out


# ---- JSON of a page's output blocks (score._Table.records, written out) ------------------------------

cdef extern from "Python.h":
    char* PyOS_double_to_string(double val, char format_code, int precision, int flags, int *ptype) except NULL
    int Py_DTSF_ADD_DOT_0
    void PyMem_Free(void *p)
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND


cdef struct _U4:
    Py_UCS4 *p
    Py_ssize_t n, cap


cdef int _u4_reserve(_U4 *b, Py_ssize_t k) except -1:
    cdef Py_ssize_t c
    cdef Py_UCS4 *q
    if b.n + k <= b.cap:
        return 0
    c = b.cap * 2 if b.cap else 4096
    while c < b.n + k:
        c *= 2
    q = <Py_UCS4 *>realloc(b.p, c * sizeof(Py_UCS4))
    if q is NULL:
        raise MemoryError()
    b.p = q
    b.cap = c
    return 0


cdef inline void _u4_put(_U4 *b, const char *s) noexcept:
    """ASCII ``s`` onto ``b``, whose room the caller reserved."""
    cdef Py_ssize_t i = 0
    while s[i]:
        b.p[b.n] = <unsigned char>s[i]
        b.n += 1
        i += 1


cdef const char *_HEX = "0123456789abcdef"


cdef int _u4_json_str(_U4 *b, str s) except -1:
    """``json.encoder.encode_basestring(s)`` (ensure_ascii=False): quoted, with \\" \\\\ \\n \\r \\t \\b \\f
    and \\u00XX for the other control characters."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(s), i
    cdef int kind = PyUnicode_KIND(s)
    cdef void *data = PyUnicode_DATA(s)
    cdef Py_UCS4 c
    cdef Py_UCS4 *o
    _u4_reserve(b, 6 * n + 2)  # every character escaped at most
    o = b.p + b.n
    o[0] = 34
    o += 1
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if c >= 32 and c != 34 and c != 92:
            o[0] = c
            o += 1
        elif c == 34 or c == 92:
            o[0] = 92
            o[1] = c
            o += 2
        elif c == 10 or c == 13 or c == 9 or c == 8 or c == 12:  # \\n \\r \\t \\b \\f
            o[0] = 92
            o[1] = 110 if c == 10 else 114 if c == 13 else 116 if c == 9 else 98 if c == 8 else 102
            o += 2
        else:
            o[0] = 92
            o[1] = 117
            o[2] = 48
            o[3] = 48
            o[4] = <unsigned char>_HEX[(<unsigned int>c >> 4) & 15]
            o[5] = <unsigned char>_HEX[<unsigned int>c & 15]
            o += 6
    o[0] = 34
    b.n = (o + 1) - b.p
    return 0


cdef inline void _u4_int(_U4 *b, long long v) noexcept:
    """The decimal digits of ``v`` onto ``b`` (room reserved: 21 characters)."""
    cdef char tmp[24]
    cdef int i = 23
    cdef unsigned long long u = <unsigned long long>(-v) if v < 0 else <unsigned long long>v
    tmp[i] = 0
    while True:
        i -= 1
        tmp[i] = <char>(48 + u % 10)
        u //= 10
        if u == 0:
            break
    if v < 0:
        i -= 1
        tmp[i] = 45
    _u4_put(b, tmp + i)


cdef inline bint _u4_score(_U4 *b, double x) noexcept:
    """``repr(x)`` onto ``b`` for a score rounded to 4 decimals (``round(v, 4)``: the double nearest k / 10**4),
    its shortest round-trip digits: "0.9876", "0.5", "1.0", "0.0001". False (nothing written) for any other
    value: the caller then writes float.__repr__'s own digits."""
    cdef long long k, ip, frac
    cdef int d
    if not (0.0 <= x < 1e9) or signbit(x):
        return False
    k = llround(x * 10000.0)
    if <double>k / 10000.0 != x:
        return False
    ip = k // 10000
    frac = k % 10000
    _u4_int(b, ip)
    b.p[b.n] = 46  # "."
    b.n += 1
    if frac == 0:
        b.p[b.n] = 48
        b.n += 1
        return True
    d = 1000
    while frac:
        b.p[b.n] = <Py_UCS4>(48 + frac // d)
        b.n += 1
        frac %= d
        d //= 10
    return True


def json_blocks(list keep, list labels, list scores, list texts, list starts, list ends):
    """``json.dumps(records, ensure_ascii=False)`` of the output records
    ``{"index": i, "label": labels[i], "score": s, "text": texts[i], "start": starts[i], "end": ends[i]}``
    for ``i`` in ``keep``, ``s`` taken in turn from ``scores`` (floats); None where a value is not of the
    type it takes (the caller then encodes with json)."""
    cdef _U4 b
    cdef Py_ssize_t k, i
    cdef object lab, txt, a, e, sc
    cdef char *r
    b.p = NULL
    b.n = b.cap = 0
    if len(scores) != len(keep):
        return None
    try:
        _u4_reserve(&b, 2)
        _u4_put(&b, "[")
        for k in range(len(keep)):
            i = keep[k]
            lab, txt, a, e, sc = labels[i], texts[i], starts[i], ends[i], scores[k]
            if (type(lab) is not str or type(txt) is not str or type(a) is not int or type(e) is not int
                    or type(sc) is not float or not isfinite(<double>sc)):
                return None  # (json writes NaN and Infinity, repr nan and inf)
            _u4_reserve(&b, 200)  # the keys, three ints and a float
            _u4_put(&b, '{"index": ' if k == 0 else ', {"index": ')
            _u4_int(&b, i)
            _u4_put(&b, ', "label": ')
            _u4_json_str(&b, lab)
            _u4_reserve(&b, 40)
            _u4_put(&b, ', "score": ')
            if not _u4_score(&b, <double>sc):
                r = PyOS_double_to_string(<double>sc, b'r', 0, Py_DTSF_ADD_DOT_0, NULL)
                _u4_put(&b, r)  # float.__repr__: at most 24 characters
                PyMem_Free(r)
            _u4_put(&b, ', "text": ')
            _u4_json_str(&b, txt)
            _u4_reserve(&b, 80)
            _u4_put(&b, ', "start": ')
            _u4_int(&b, a)
            _u4_put(&b, ', "end": ')
            _u4_int(&b, e)
            _u4_put(&b, "}")
        _u4_reserve(&b, 2)
        _u4_put(&b, "]")
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, b.p, b.n)
    finally:
        free(b.p)


# ---- the cue prefilter's candidates (cuematch.cue_candidates) ---------------------------------------

cdef Py_ssize_t _utf8_len(str s) noexcept:
    """The length of ``s`` in UTF-8 (no lone surrogates: the caller encoded it already)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(s), i, total = n
    cdef int kind = PyUnicode_KIND(s)
    cdef void *data = PyUnicode_DATA(s)
    cdef Py_UCS4 ch
    for i in range(n):
        ch = PyUnicode_READ(kind, data, i)
        if ch >= 0x80:
            total += 1 if ch < 0x800 else 2 if ch < 0x10000 else 3
    return total


def cue_flags(list texts, bytes data, match, anchor):
    """For each of ``texts``, whether it overlaps a match of the cue prefilter in ``data``, their UTF-8
    joined by "\\n": what cuematch.cue_candidates computes, in one C loop instead of Python steps per match.

    ``match(anchor, data, pos, end)[0]`` is the (start, end) byte offsets of the first match at or after
    ``pos`` ((-1, -1): none), as google-re2's ``_Regexp.Match``. Each match marks the texts it overlaps
    (an empty one, the text it is in). None where ``data`` is not the texts' UTF-8 joined so (the caller
    then does it in Python).
    """
    cdef Py_ssize_t n = len(texts), k, lo, hi, mid
    cdef Py_ssize_t end = len(data), pos = 0, a, e, stop
    if n == 0:
        return []
    cdef int64_t *bounds = <int64_t *>malloc((n + 1) * sizeof(int64_t))
    if bounds == NULL:
        raise MemoryError()
    cdef list out = [False] * n
    try:
        pos = 0
        for k in range(n):
            t = texts[k]
            if type(t) is not str:
                return None
            bounds[k] = pos
            pos += _utf8_len(<str>t) + 1
        bounds[n] = pos
        if pos - 1 != end:  # not the texts joined by one byte each
            return None
        pos = 0
        while True:
            got = match(anchor, data, pos, end)[0]
            a = got[0]
            e = got[1]
            if a < 0:
                return out
            stop = e if e > a else a + 1
            lo, hi = 0, n  # the last text that starts at or before a (bisect_right - 1)
            while lo < hi:
                mid = (lo + hi) >> 1
                if bounds[mid] <= a:
                    lo = mid + 1
                else:
                    hi = mid
            k = lo - 1
            while k < n and bounds[k] < stop:
                out[k] = True
                k += 1
            if e == pos:  # an empty match: step over a byte, as finditer does
                if pos == end:
                    return out
                pos += 1
            else:
                pos = e
    finally:
        free(bounds)
