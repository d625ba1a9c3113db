// mdgpu-lammps: LAMMPS (the liblammps it is linked to, e.g. Debian's) with mdgpu's pair styles
// registered, reading an input script. The command line is lmp's (-in FILE, -log, -screen,
// -var ...); run it under mpirun for several ranks.
#include <mpi.h>

#include "exceptions.h"
#include "input.h"
#include "lammps.h"
#include "register_styles.h"

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int status = 0;
  // A LAMMPS built with exceptions throws after printing its one-line ERROR (one built without
  // them exits by itself): an error of every rank ends the run, one rank's error aborts them all.
  try {
    LAMMPS_NS::LAMMPS lmp(argc, argv, MPI_COMM_WORLD);
    mdgpu::register_lammps_styles(&lmp);
    lmp.input->file();
  } catch (const LAMMPS_NS::LAMMPSAbortException&) {
    // Its universe is MPI_COMM_WORLD here (public before LAMMPS 2023, behind get_universe() since).
    MPI_Abort(MPI_COMM_WORLD, 1);
  } catch (const LAMMPS_NS::LAMMPSException&) {
    status = 1;
  }
  MPI_Finalize();
  return status;
}
