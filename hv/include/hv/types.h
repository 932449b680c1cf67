/*
 * Basic types and constants of the hypervisor side.
 *
 * Values follow x86 Xen (XEN-FACTS.md): 4 KiB frames, MAX_ORDER 18 (1 GiB),
 * 64 NUMA nodes at most, zones by the bit width of the frame number.
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

/* Largest buddy order: 2^18 frames = 1 GiB. */
#define MAX_ORDER 18

/* Node ids are 8 bits wide; NUMA_NO_NODE means "no node requested". */
typedef uint8_t nodeid_t;
#define MAX_NUMNODES 64
#define NUMA_NO_NODE 0xFF

/* One bit per node: MAX_NUMNODES fits one word. */
typedef uint64_t nodemask_t;
#define NODEMASK_NONE ((nodemask_t)0)
#define node_bit(n)   ((nodemask_t)1 << (n))

/* Machine and guest frame numbers. */
typedef uint64_t mfn_t;
typedef uint64_t gfn_t;
#define INVALID_MFN (~(mfn_t)0)

/*
 * Machine addresses are at most 52 bits wide, so frame numbers have at most
 * 40 bits.  A frame's zone is the bit width of its number (fls(mfn)), which
 * gives 41 zones; frame 0 is alone in zone 0 and never enters the heap, so
 * no aligned buddy chunk ever spans two zones.
 */
#define PADDR_BITS 52
#define NR_ZONES   (PADDR_BITS - PAGE_SHIFT + 1)

/* Number of frames of a chunk of the given order. */
#define ORDER_PAGES(o) (1UL << (o))

static inline unsigned int fls64(uint64_t x)
{
    return x ? 64U - (unsigned int)__builtin_clzll(x) : 0U;
}

static inline unsigned int mfn_zone(mfn_t mfn)
{
    return fls64(mfn);
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/*
 * Saturating and checked unsigned arithmetic.  Every subtraction of page
 * counts in the claims code goes through these, so a broken invariant shows
 * up as a checker failure, never as a wrapped counter.
 */
static inline unsigned long sub_sat(unsigned long a, unsigned long b)
{
    return a > b ? a - b : 0;
}

/* a + b into *sum; false if the sum does not fit. */
static inline bool add_ok(unsigned long a, unsigned long b, unsigned long *sum)
{
    return !__builtin_add_overflow(a, b, sum);
}

#endif /* HV_TYPES_H */
