/**
 * CUDA for Trainyard, through JCuda's driver API only: finding devices, and the engine's dense
 * and factorization compute as the project's own kernels (PTX under {@code resources/kernels/}).
 * Kept out of the engine so that a CPU build and a CPU executor never load CUDA.
 */
package trainyard.gpu;
