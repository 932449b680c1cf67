/*
 * Public ABI: basic types shared by every hypercall structure.
 *
 * The shapes follow Xen's public headers (xen/include/public/xen.h) so that
 * toolstack code written for Xen compiles unchanged.  Only standard headers
 * are included.
 */
#ifndef CLAIMSET_PUBLIC_XEN_H
#define CLAIMSET_PUBLIC_XEN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 64-bit quantities are 8-byte aligned in every structure, on every ABI. */
#define uint64_aligned_t uint64_t __attribute__((aligned(8)))
#define int64_aligned_t  int64_t __attribute__((aligned(8)))

typedef uint64_t xen_pfn_t;
typedef unsigned long xen_ulong_t;
typedef uint16_t domid_t;

#define PRI_xen_pfn "llx"

/*
 * A guest handle names a buffer in the caller's memory.  The hypervisor
 * never dereferences it directly: every access goes through the copy
 * layer, which checks it against the buffers the caller made accessible.
 */
#define __DEFINE_XEN_GUEST_HANDLE(name, type)                                                      \
    typedef struct {                                                                               \
        type *p;                                                                                   \
    } __guest_handle_##name
#define DEFINE_XEN_GUEST_HANDLE(name) __DEFINE_XEN_GUEST_HANDLE(name, name)
#define XEN_GUEST_HANDLE(name)        __guest_handle_##name
#define XEN_GUEST_HANDLE_64(name)     XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle(hnd, val)                                                             \
    do {                                                                                           \
        (hnd).p = (val);                                                                           \
    } while (0)
#define guest_handle_is_null(hnd) ((hnd).p == NULL)

__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
__DEFINE_XEN_GUEST_HANDLE(uint, unsigned int);
__DEFINE_XEN_GUEST_HANDLE(uint32, uint32_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);
__DEFINE_XEN_GUEST_HANDLE(uint8, uint8_t);
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);
__DEFINE_XEN_GUEST_HANDLE(void, void);

/* Domain ids at and above DOMID_FIRST_RESERVED are special selectors. */
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U
#define DOMID_IO             0x7FF1U
#define DOMID_XEN            0x7FF2U
#define DOMID_COW            0x7FF3U
#define DOMID_INVALID        0x7FF4U
#define DOMID_IDLE           0x7FFFU
#define DOMID_ANY            DOMID_INVALID

/* Hypercall numbers (x86). */
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_sysctl    35
#define __HYPERVISOR_domctl    36

#ifdef __cplusplus
}
#endif

#endif /* CLAIMSET_PUBLIC_XEN_H */
