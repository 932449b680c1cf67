/*
 * Test scaffolding for the physmap: fault injection of table allocation.
 *
 * Only tests include this header.  The knob is one per process (not per
 * p2m) and is not thread-safe to change: set it from a single-threaded
 * test only.  At its default (-1) it is only ever read, so concurrent
 * users of different physmaps do not race on it.
 */
#ifndef HV_P2M_TEST_H
#define HV_P2M_TEST_H

/*
 * Let the next n table allocations of any p2m succeed and fail every one
 * after them (until called again).  n == 0 fails the very next one;
 * -1: never fail (the default).
 */
void p2m_test_fail_alloc_after(long n); /* -1: never fail */

#endif /* HV_P2M_TEST_H */
