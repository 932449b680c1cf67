/*
 * Fuzz target for do_sysctl(): host information and page offlining.
 * Six steps in eight call it; the rest are memory ops and domctls that
 * bring the host into states it must also handle.  The harness and the
 * properties checked are in fuzz/hcall/fh.h.
 */
#include "../hcall/fh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct fh_mix mix = {{FH_SYSCTL, FH_SYSCTL, FH_SYSCTL, FH_SYSCTL, FH_SYSCTL,
                                       FH_SYSCTL, FH_MEMORY_OP, FH_DOMCTL}};

    return fh_run(data, size, &mix);
}
