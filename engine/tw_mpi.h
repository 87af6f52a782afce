/* tw_mpi.h - the few MPI operations the Monte Carlo driver needs, or their one-process
 * stand-ins when the program is built without MPI (TW_HAVE_MPI undefined) or started
 * without a launcher.
 *
 * MPI is initialised only when a launcher started the process (mpirun, srun: it sets
 * OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK), so a plain `tradewar run` never pays for
 * or depends on an MPI runtime. Every MPI call's return is checked and turned into a
 * TW_ERUNTIME record. Call these from the main thread only, outside parallel regions.
 */
#ifndef TW_MPI_H
#define TW_MPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tw_error.h"

/* Start MPI if launched by an MPI launcher; otherwise become rank 0 of 1. */
tw_status tw_mpi_init(int *argc, char ***argv, tw_err *err);
/* Finish MPI (if it was started). */
tw_status tw_mpi_finalize(tw_err *err);
int tw_mpi_rank(void);
int tw_mpi_size(void);
/* Whether the program was built with MPI support. */
bool tw_mpi_built(void);

/* Every rank's status becomes the worst one (the largest code); a rank that did not fail
 * itself gets a line saying another rank failed, so that rank 0's text is the one shown
 * when rank 0 failed. */
tw_status tw_mpi_agree(tw_status st, tw_err *err);
/* The largest of every rank's value, on every rank. */
tw_status tw_mpi_max_int(int *v, tw_err *err);
/* Rank 0's bytes, on every rank. */
tw_status tw_mpi_bcast(void *buf, size_t len, tw_err *err);
/* Concatenate every rank's send[0..len) on rank 0 in rank order into recv (which must hold
 * the sum of the lengths; ignored elsewhere). Lengths may differ between ranks. */
tw_status tw_mpi_gather_bytes(const void *send, size_t len, void *recv, tw_err *err);
/* Each rank's len, on rank 0, into lens[size] (ignored elsewhere). */
tw_status tw_mpi_gather_len(uint64_t len, uint64_t *lens, tw_err *err);

#endif
