/* Fields of a class with __slots__, read and written where its member descriptors do (detector/_fasthash.pyx,
   and the walks' _walkcommon.pxi): an object slot is a PyObject pointer at a fixed offset in the object. */
#ifndef DETECTOR_SLOTS_H
#define DETECTOR_SLOTS_H
#include "Python.h"
#include "structmember.h"

/* The offset of a writable object slot's member descriptor (T_OBJECT_EX, what __slots__ makes), or -1 */
static Py_ssize_t dt_member_offset(PyObject *descr) {
    if (descr == NULL || !PyObject_TypeCheck(descr, &PyMemberDescr_Type)) return -1;
    PyMemberDef *m = ((PyMemberDescrObject *)descr)->d_member;
    if (m->type != T_OBJECT_EX || (m->flags & READONLY)) return -1;
    return m->offset;
}

/* The slot's object (borrowed; NULL where it is empty, where getattr raises AttributeError) */
static inline PyObject *dt_slot_get(PyObject *o, Py_ssize_t off) { return *(PyObject **)((char *)o + off); }

/* The slot set to v (a new reference), the old object released, as the member descriptor sets it */
static inline void dt_slot_set(PyObject *o, Py_ssize_t off, PyObject *v) {
    PyObject **p = (PyObject **)((char *)o + off);
    PyObject *old = *p;
    Py_INCREF(v);
    *p = v;
    Py_XDECREF(old);
}

#endif
