/*
 * The byte format of the hypercall fuzz targets' inputs, shared by the
 * decoder (fh_*.c) and the seed generator (fuzz/seeds/).  Every field is
 * read with fz_input.h, so a short input decodes as if zero-padded.
 *
 *   input  := setup step*                       (at most FH_MAX_STEPS steps)
 *   setup  := topo:u8 flags:u8
 *             topo   index into the topology table (modulo its size)
 *             flags  FH_SETUP_*: the initial domains and host settings
 *   step   := entry:u8 ctx:u8 ctx-extras nbufs:u8 buf{nbufs % 4} place:u8 body
 *             entry  (value % 8) picks the entry point by the target's mix
 *             ctx    FH_CTX_*; its extras follow in this order:
 *                    caller pick:u8 (FH_CALLER_GUEST) or domid:u16
 *                    (FH_CALLER_RAW), fault:u8, budget:u8, resume:u8
 *   buf    := mode:u8 len:u16 content       (len modulo FH_BUF_MAX + 1)
 *             mode   bits 0-1 FH_REG_*, bits 2-3 FH_FILL_*, bits 4-6 how
 *                    many bytes a prefix registration leaves out, less one
 *   place  := how the argument structure itself is passed: FH_PLACE_*
 *             (value % 5); bits 4-6 as for a buffer's prefix
 *   body   := the entry point's structure, raw, then a fix-up byte and
 *             its extras (fh_domctl.c, fh_memory.c, fh_sysctl.c)
 *   ptrsel := sel:u8 [off:u8]   a guest pointer: FH_PTR_RAW keeps the raw
 *             bytes, FH_PTR_NULL, else buffer (sel - 2) % nbufs at offset
 *             off (clamped to its length; off is read only then)
 */
#ifndef CS_FUZZ_FH_FORMAT_H
#define CS_FUZZ_FH_FORMAT_H

#define FH_MAX_STEPS 48   /* calls per input: enough for a domain's life */
#define FH_BUF_MAX   1024 /* bytes of one guest buffer */
#define FH_MAX_BUFS  3    /* guest buffers besides the argument */

/* setup flags */
#define FH_SETUP_DOM0        0x01             /* the control domain exists */
#define FH_SETUP_GUESTS(f)   (((f) >> 1) & 3) /* guests 1..n */
#define FH_SETUP_XENPAGES(f) (((f) >> 3) & 3) /* hypervisor frames per domain */
#define FH_SETUP_POPULATE    0x20             /* guests get memory */
#define FH_SETUP_CLAIMS      0x40             /* guests hold claims */
#define FH_GUEST_MAX_PAGES   512
#define FH_GUEST_POPULATE    64
#define FH_GUEST_CLAIM       32

/* ctx flags */
#define FH_CTX_CALLER_MASK 0x03
#define FH_CALLER_GUEST    2    /* a live domain, picked */
#define FH_CALLER_RAW      3    /* any id, existing or not */
#define FH_CTX_FAULT       0x04 /* fail_copy_at = 1 + fault */
#define FH_CTX_PREEMPT     0x08 /* preempt_budget = 1 + budget % 8 */
#define FH_CTX_ABANDON     0x10 /* give up at the first -ERESTART */
#define FH_CTX_RESUME      0x20 /* ctx->continuation = resume before the first call */
#define FH_CTX_WRAPPER     0x40 /* call through hypercall_*(), which re-issues */

/* buffer registration, content and the argument's placement */
#define FH_REG_RW       0
#define FH_REG_RO       1
#define FH_REG_NONE     2
#define FH_REG_PREFIX   3 /* writable, all but the last few bytes */
#define FH_FILL_RAW     0 /* len bytes of input */
#define FH_FILL_GFNS    1 /* base:u16 shift:u8 -> base + i << shift */
#define FH_FILL_CLAIMS  2 /* per 16-byte entry: target:u8 pages:u16 */
#define FH_FILL_ZERO    3
#define FH_PLACE_RW     0
#define FH_PLACE_RO     1
#define FH_PLACE_NONE   2
#define FH_PLACE_NULL   3
#define FH_PLACE_PREFIX 4

/* claim entry targets (FH_FILL_CLAIMS): below 0xF0 a node (value % 4),
 * 0xF0-0xF7 GLOBAL, 0xF8-0xFE LEGACY, 0xFF a raw u32 follows */
#define FH_CLAIM_GLOBAL 0xF0
#define FH_CLAIM_LEGACY 0xF8
#define FH_CLAIM_RAW    0xFF

/* pointer selectors */
#define FH_PTR_RAW  0
#define FH_PTR_NULL 1
#define FH_PTR_BUF  2 /* + buffer index */

/* domctl fix-up bits, extras in this order: domain pick:u8, handle
 * ptrsel, command arguments (fh_domctl.c) */
#define FH_DOMCTL_VERSION 0x01
#define FH_DOMCTL_CMD     0x02 /* cmd = table[cmd % size] */
#define FH_DOMCTL_DOMAIN  0x04
#define FH_DOMCTL_HANDLE  0x08
#define FH_DOMCTL_ARGS    0x10

/* memory op selector: bits 0-2 the op, bit 3 a start index (u16) follows;
 * FH_MEMOP_OTHER reads the raw op (u8) first */
#define FH_MEMOP_POPULATE 0
#define FH_MEMOP_INCREASE 1
#define FH_MEMOP_DECREASE 2
#define FH_MEMOP_CLAIM    3
#define FH_MEMOP_EXCHANGE 4
#define FH_MEMOP_OTHER    5
#define FH_MEMOP_START    0x08
/* memory op fix-up bits, extras in this order: domid pick:u8 (0xFF:
 * DOMID_SELF), list ptrsel, count:u8, order:u8, flags node:u8 bits:u8 */
#define FH_MEMFIX_DOMID 0x01
#define FH_MEMFIX_LIST  0x02
#define FH_MEMFIX_COUNT 0x04
#define FH_MEMFIX_ORDER 0x08
#define FH_MEMFIX_FLAGS 0x10
#define FH_PICK_SELF    0xFF

/* sysctl fix-up bits, extras in this order: handle ptrsels, arguments */
#define FH_SYSCTL_VERSION 0x01
#define FH_SYSCTL_CMD     0x02 /* cmd = table[cmd % size] */
#define FH_SYSCTL_HANDLES 0x04
#define FH_SYSCTL_ARGS    0x08

#endif /* CS_FUZZ_FH_FORMAT_H */
