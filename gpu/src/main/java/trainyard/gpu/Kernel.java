package trainyard.gpu;

/**
 * The entries of {@code kernels.cu} and how many parameters each takes: the one table that both
 * the launch code ({@link DeviceOps}) and the test comparing it with the shipped PTX read.
 */
enum Kernel {
  SGEMM_NN_128("sgemm_nn_128", 6),
  SGEMM_TN_128("sgemm_tn_128", 6),
  SGEMM_NT_128("sgemm_nt_128", 6),
  SGEMM_NN_64("sgemm_nn_64", 6),
  SGEMM_TN_64("sgemm_tn_64", 6),
  SGEMM_NT_64("sgemm_nt_64", 6),
  ADD_BIAS("add_bias", 4),
  RELU("relu", 3),
  RELU_BACKWARD("relu_backward", 3),
  COLUMN_SUMS("column_sums", 4),
  SOFTMAX_LOSS("softmax_loss", 7),
  LOGISTIC_LOSS("logistic_loss", 6),
  FM_ROWS("fm_rows", 11),
  FM_REGULARIZE("fm_regularize", 7);

  /** The module the kernels are compiled into, a classpath resource. */
  static final String PTX = "/kernels/kernels.ptx";

  final String entry;
  final int arity;

  Kernel(String entry, int arity) {
    this.entry = entry;
    this.arity = arity;
  }
}
