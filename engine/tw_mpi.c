/* tw_mpi.c - MPI wrappers with one-process fallbacks (see tw_mpi.h).
 *
 * Gathers go through MPI_Gatherv with int counts, so the driver keeps each rank's share
 * of a chunk below 2^31 bytes (it sizes chunks far below that).
 */
#include "tw_mpi.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef TW_HAVE_MPI
#include <mpi.h>
#endif

static int rank = 0, size = 1;
#ifdef TW_HAVE_MPI
static bool active = false; /* MPI_Init_thread succeeded and MPI_Finalize is due */
#endif

bool tw_mpi_built(void) {
#ifdef TW_HAVE_MPI
    return true;
#else
    return false;
#endif
}

#ifdef TW_HAVE_MPI
static tw_status check(int rc, const char *what, tw_err *err) {
    if (rc == MPI_SUCCESS) return TW_OK;
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS) snprintf(msg, sizeof msg, "code %d", rc);
    return tw_err_set(err, TW_ERUNTIME, "MPI: %s failed: %s", what, msg);
}
#endif

tw_status tw_mpi_init(int *argc, char ***argv, tw_err *err) {
#ifdef TW_HAVE_MPI
    if (getenv("OMPI_COMM_WORLD_SIZE") == NULL && getenv("PMIX_RANK") == NULL &&
        getenv("PMI_RANK") == NULL)
        return TW_OK;
    int provided = 0;
    tw_status st = check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided),
                         "MPI_Init_thread", err);
    if (st != TW_OK) return st;
    active = true;
    if ((st = check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank", err)) != TW_OK)
        return st;
    return check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size", err);
#else
    (void)argc;
    (void)argv;
    (void)err;
    return TW_OK;
#endif
}

tw_status tw_mpi_finalize(tw_err *err) {
#ifdef TW_HAVE_MPI
    if (active) {
        active = false;
        return check(MPI_Finalize(), "MPI_Finalize", err);
    }
#endif
    (void)err;
    return TW_OK;
}

int tw_mpi_rank(void) { return rank; }
int tw_mpi_size(void) { return size; }

tw_status tw_mpi_max_int(int *v, tw_err *err) {
#ifdef TW_HAVE_MPI
    if (active)
        return check(MPI_Allreduce(MPI_IN_PLACE, v, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD),
                     "MPI_Allreduce", err);
#endif
    (void)v;
    (void)err;
    return TW_OK;
}

tw_status tw_mpi_bcast(void *buf, size_t len, tw_err *err) {
#ifdef TW_HAVE_MPI
    if (active) {
        if (len > INT_MAX) return tw_err_set(err, TW_ERUNTIME, "MPI: broadcast too large");
        return check(MPI_Bcast(buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast", err);
    }
#endif
    (void)buf;
    (void)len;
    (void)err;
    return TW_OK;
}

tw_status tw_mpi_gather_len(uint64_t len, uint64_t *lens, tw_err *err) {
#ifdef TW_HAVE_MPI
    if (active)
        return check(MPI_Gather(&len, 1, MPI_UINT64_T, lens, 1, MPI_UINT64_T, 0,
                                MPI_COMM_WORLD),
                         "MPI_Gather", err);
#endif
    (void)err;
    lens[0] = len;
    return TW_OK;
}

tw_status tw_mpi_gather_bytes(const void *send, size_t len, void *recv, tw_err *err) {
#ifdef TW_HAVE_MPI
    if (active) {
        uint64_t *lens = NULL;
        int *counts = NULL, *displs = NULL;
        tw_status st = TW_OK;
        if (rank == 0) {
            lens = calloc((size_t)size, sizeof *lens);
            counts = calloc((size_t)size, sizeof *counts);
            displs = calloc((size_t)size, sizeof *displs);
            if (lens == NULL || counts == NULL || displs == NULL)
                st = tw_err_set(err, TW_ENOMEM, "out of memory gathering results");
        }
        /* Every rank takes part in the collectives whatever rank 0's allocation did, so a
         * failure there cannot leave the others waiting. */
        uint64_t one = len, dummy = 0;
        tw_status st2 = check(MPI_Gather(&one, 1, MPI_UINT64_T, lens ? lens : &dummy, 1,
                                         MPI_UINT64_T, 0, MPI_COMM_WORLD),
                                  "MPI_Gather", err);
        if (st == TW_OK) st = st2;
        if (rank == 0 && st == TW_OK) {
            uint64_t off = 0;
            for (int r = 0; r < size; r++) {
                if (lens[r] > INT_MAX || off > INT_MAX) {
                    st = tw_err_set(err, TW_ERUNTIME, "MPI: gathered chunk too large");
                    break;
                }
                counts[r] = (int)lens[r];
                displs[r] = (int)off;
                off += lens[r];
            }
        }
        if (len > INT_MAX) st = tw_err_set(err, TW_ERUNTIME, "MPI: chunk too large to send");
        st2 = check(MPI_Gatherv(send, (int)(len > INT_MAX ? 0 : len), MPI_BYTE, recv, counts,
                                displs, MPI_BYTE, 0, MPI_COMM_WORLD),
                        "MPI_Gatherv", err);
        if (st == TW_OK) st = st2;
        free(lens);
        free(counts);
        free(displs);
        return st;
    }
#endif
    (void)err;
    if (len > 0 && send != recv) memmove(recv, send, len);
    return TW_OK;
}

tw_status tw_mpi_agree(tw_status st, tw_err *err) {
    int v = (int)st;
    tw_err e2;
    if (tw_mpi_max_int(&v, &e2) != TW_OK) {
        if (err != NULL) *err = e2;
        return e2.code;
    }
    if (v != (int)TW_OK && st == TW_OK)
        return tw_err_set(err, (tw_status)v, "another MPI rank failed (%s)",
                          tw_strerror((tw_status)v));
    return (tw_status)v;
}
