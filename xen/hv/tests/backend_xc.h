/*
 * What the two backends share: the operations both do through libxenctrl
 * calls that Xen's library and this project's have alike
 * (backend_xc.c).  That file is compiled into each backend against the
 * backend's own xenctrl.h; the rest of backend.h stays in backend_xen.c
 * and backend_sim.c, where the two differ.
 */
#ifndef XENHV_BACKEND_XC_H
#define XENHV_BACKEND_XC_H

#include <stdbool.h>

#include <xenctrl.h>

/* The backend's libxenctrl handle: opened by its cs_open() through
 * cs_xc_open(), closed by its cs_close() through cs_xc_close(). */
int cs_xc_open(void);
void cs_xc_close(void);
xc_interface *cs_xc(void);

/* A libxenctrl result as the tests want it: -errno (-EIO when errno is
 * not set) for a negative one, the value itself otherwise. */
int cs_neg_errno(long rc);

/*
 * Defined by each backend: whether populate writes the machine frames
 * back into the extent list (a PV guest on Xen), so that they are what
 * cs_decrease() gives back, or leaves the guest frames as the handle (the
 * simulator's translated guests).
 */
bool cs_populate_gives_mfns(void);

#endif /* XENHV_BACKEND_XC_H */
