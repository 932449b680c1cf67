/*
 * Fuzz target for do_memory_op(): reservations and the legacy claim.
 * Six steps in eight call it; the rest are domctls and sysctls that
 * bring the host into states it must also handle.  The harness and the
 * properties checked are in fuzz/hcall/fh.h.
 */
#include "../hcall/fh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct fh_mix mix = {{FH_MEMORY_OP, FH_MEMORY_OP, FH_MEMORY_OP, FH_MEMORY_OP,
                                       FH_MEMORY_OP, FH_MEMORY_OP, FH_DOMCTL, FH_SYSCTL}};

    return fh_run(data, size, &mix);
}
