/*
 * Zeroed tables of the heap's size (the owner table, the bitmaps): large
 * ones straight from the system, so that pages never written cost
 * nothing and a freed table goes back at once (D107).
 */
#ifndef HV_BIGTABLE_H
#define HV_BIGTABLE_H

#include <stddef.h>

/* nmemb * size zeroed bytes, or NULL (also when the product overflows). */
void *bigtable_zalloc(size_t nmemb, size_t size);
/* Free a table of bigtable_zalloc(nmemb, size); NULL is ignored. */
void bigtable_free(void *p, size_t nmemb, size_t size);

#endif /* HV_BIGTABLE_H */
