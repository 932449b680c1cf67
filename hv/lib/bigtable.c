/*
 * Large zeroed tables (D107).  calloc of a large block is only lazy while
 * the C library maps it afresh: glibc raises its mmap threshold each time
 * such a block is freed (up to 32 MiB), so the next host's bitmaps came
 * from recycled heap memory that calloc had to clear -- faulting in and
 * writing every page of tables that are meant to stay mostly untouched.
 * Above BIGTABLE_MMAP_MIN the table is an anonymous mapping instead:
 * zero pages on demand, returned to the system by bigtable_free().
 * Smaller tables keep calloc (and the sanitizers' leak tracking).
 */
#include <hv/bigtable.h>

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

/* glibc's own starting threshold. */
#define BIGTABLE_MMAP_MIN ((size_t)128 << 10)

void *bigtable_zalloc(size_t nmemb, size_t size)
{
    size_t bytes;
    void *p;

    if (__builtin_mul_overflow(nmemb, size, &bytes))
        return NULL;
    if (bytes < BIGTABLE_MMAP_MIN)
        return calloc(nmemb, size);
    p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void bigtable_free(void *p, size_t nmemb, size_t size)
{
    size_t bytes = nmemb * size;

    if (!p)
        return;
    if (bytes < BIGTABLE_MMAP_MIN)
        free(p);
    else
        (void)munmap(p, bytes);
}
