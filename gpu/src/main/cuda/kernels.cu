// Trainyard's device kernels: the MLP's dense passes and the FM's sparse pass. Compiled to
// kernels.ptx by build-ptx.sh; the Java side names every entry and its parameter count once, in
// trainyard.gpu.Kernel, and a test checks the two agree. All matrices are row-major floats.

// ---- SGEMM: C (m×n) = op(A) (m×k) · op(B) (k×n) ----
// TA: A is stored k×m; TB: B is stored n×k. A block of 256 threads (16×16) computes a BM×BM tile
// of C, each thread a TM×TM register block: rows ty·TM/2 + {0..TM/2) and BM/2 + the same, columns
// likewise from tx, so that it reads its operands from shared memory as float4s. A and B tiles of
// depth BK go through shared memory, double-buffered, with the next tile's loads in flight (in
// registers) while the current one is multiplied; rows are padded by 4 floats so that the
// transposing stores into shared memory do not collide on a bank. Out-of-range loads read 0, so
// any m, n, k work.
#define BK 8
#define THREADS 256
#define PAD 4

template <int BM, int TM, bool TA, bool TB>
__device__ __forceinline__ void sgemm(int m, int n, int k, const float* __restrict__ A,
                                      const float* __restrict__ B, float* __restrict__ C) {
  constexpr int LOADS = BM * BK / THREADS;  // elements of each tile a thread loads
  constexpr int HALF = TM / 2;              // 4 (a float4) or 2 (a float2)
  __shared__ __align__(16) float As[2][BK][BM + PAD];
  __shared__ __align__(16) float Bs[2][BK][BM + PAD];
  const int tid = threadIdx.x;
  const int tx = tid % 16;
  const int ty = tid / 16;
  const int row0 = blockIdx.y * BM;
  const int col0 = blockIdx.x * BM;
  float acc[TM][TM];
#pragma unroll
  for (int i = 0; i < TM; i++)
#pragma unroll
    for (int j = 0; j < TM; j++) acc[i][j] = 0.f;
  float ra[LOADS];
  float rb[LOADS];

  // Tile element e of a thread: consecutive threads walk the dimension that is contiguous in
  // global memory, so the loads coalesce.
  auto loadA = [&](int p0) {
#pragma unroll
    for (int l = 0; l < LOADS; l++) {
      int e = tid + l * THREADS;
      int i, p;
      if (TA) { i = e % BM; p = e / BM; } else { p = e % BK; i = e / BK; }
      int gi = row0 + i, gp = p0 + p;
      ra[l] = (gi < m && gp < k) ? (TA ? A[(size_t)gp * m + gi] : A[(size_t)gi * k + gp]) : 0.f;
    }
  };
  auto loadB = [&](int p0) {
#pragma unroll
    for (int l = 0; l < LOADS; l++) {
      int e = tid + l * THREADS;
      int j, p;
      if (TB) { p = e % BK; j = e / BK; } else { j = e % BM; p = e / BM; }
      int gj = col0 + j, gp = p0 + p;
      rb[l] = (gj < n && gp < k) ? (TB ? B[(size_t)gj * k + gp] : B[(size_t)gp * n + gj]) : 0.f;
    }
  };
  auto store = [&](int buf) {
#pragma unroll
    for (int l = 0; l < LOADS; l++) {
      int e = tid + l * THREADS;
      if (TA) As[buf][e / BM][e % BM] = ra[l]; else As[buf][e % BK][e / BK] = ra[l];
      if (TB) Bs[buf][e % BK][e / BK] = rb[l]; else Bs[buf][e / BM][e % BM] = rb[l];
    }
  };
  // The thread's operands at depth p: HALF consecutive rows (columns) from each half of the tile.
  auto operands = [&](const float* row, int t, float* out) {
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const float* at = row + h * (BM / 2) + t * HALF;
      if (HALF == 4) {
        float4 v = *reinterpret_cast<const float4*>(at);
        out[h * HALF] = v.x; out[h * HALF + 1] = v.y; out[h * HALF + 2] = v.z; out[h * HALF + 3] = v.w;
      } else {
        float2 v = *reinterpret_cast<const float2*>(at);
        out[h * HALF] = v.x; out[h * HALF + 1] = v.y;
      }
    }
  };
  auto rowOf = [&](int i) { return (i / HALF) * (BM / 2) + ty * HALF + i % HALF; };
  auto colOf = [&](int j) { return (j / HALF) * (BM / 2) + tx * HALF + j % HALF; };

  loadA(0);
  loadB(0);
  store(0);
  __syncthreads();
  int buf = 0;
  for (int p0 = 0; p0 < k; p0 += BK) {
    bool more = p0 + BK < k;
    if (more) {
      loadA(p0 + BK);
      loadB(p0 + BK);
    }
#pragma unroll
    for (int p = 0; p < BK; p++) {
      float a[TM], b[TM];
      operands(As[buf][p], ty, a);
      operands(Bs[buf][p], tx, b);
#pragma unroll
      for (int i = 0; i < TM; i++)
#pragma unroll
        for (int j = 0; j < TM; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    if (more) {
      store(buf ^ 1);
      __syncthreads();
      buf ^= 1;
    }
  }
#pragma unroll
  for (int i = 0; i < TM; i++) {
    int gi = row0 + rowOf(i);
    if (gi >= m) continue;
#pragma unroll
    for (int j = 0; j < TM; j++) {
      int gj = col0 + colOf(j);
      if (gj < n) C[(size_t)gi * n + gj] = acc[i][j];
    }
  }
}

#define SGEMM(name, BM, TM, TA, TB)                                                        \
  extern "C" __global__ void __launch_bounds__(THREADS, 2)                                  \
  name(int m, int n, int k, const float* A, const float* B, float* C) {                   \
    sgemm<BM, TM, TA, TB>(m, n, k, A, B, C);                                               \
  }
SGEMM(sgemm_nn_128, 128, 8, false, false)
SGEMM(sgemm_tn_128, 128, 8, true, false)
SGEMM(sgemm_nt_128, 128, 8, false, true)
SGEMM(sgemm_nn_64, 64, 4, false, false)
SGEMM(sgemm_tn_64, 64, 4, true, false)
SGEMM(sgemm_nt_64, 64, 4, false, true)

// ---- The MLP's element-wise passes (one thread per element, row or column) ----

extern "C" __global__ void add_bias(float* z, int rows, int cols, const float* bias) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < rows * cols) z[i] += bias[i % cols];
}

extern "C" __global__ void relu(const float* z, float* out, int len) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < len) out[i] = z[i] > 0.f ? z[i] : 0.f;
}

extern "C" __global__ void relu_backward(float* delta, const float* z, int len) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < len && z[i] <= 0.f) delta[i] = 0.f;
}

// Rows in order, as the CPU sums them.
extern "C" __global__ void column_sums(const float* m, int rows, int cols, float* out) {
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= cols) return;
  float s = 0.f;
  for (int r = 0; r < rows; r++) s += m[(size_t)r * cols + j];
  out[j] = s;
}

// p = softmax(z_row); loss = −log max(1e−15, p_y); delta = (p − onehot(y)) · inv.
extern "C" __global__ void softmax_loss(const float* z, const float* labels, int rows, int k, float inv,
                                        float* delta, float* loss) {
  int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  const float* zr = z + (size_t)r * k;
  float* dr = delta + (size_t)r * k;
  float max = zr[0];
  for (int c = 1; c < k; c++) max = fmaxf(max, zr[c]);
  float sum = 0.f;
  for (int c = 0; c < k; c++) {
    float e = expf(zr[c] - max);
    dr[c] = e;
    sum += e;
  }
  int y = (int)labels[r];
  for (int c = 0; c < k; c++) {
    float p = dr[c] / sum;
    if (c == y) loss[r] = -logf(fmaxf(1e-15f, p));
    dr[c] = (p - (c == y ? 1.f : 0.f)) * inv;
  }
}

// σ as the engine's Loss.sigmoid: never 1 − (something that rounds to 1) for large |m|.
__device__ __forceinline__ float sigmoid(float m) {
  return m >= 0.f ? 1.f / (1.f + expf(-m)) : 1.f - 1.f / (1.f + expf(m));
}

// p = σ(z); loss = −log max(1e−15, p or 1 − p); delta = (p − t) · inv, t = 1 when the label is > 0.
extern "C" __global__ void logistic_loss(const float* z, const float* labels, int rows, float inv, float* delta,
                                         float* loss) {
  int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  float p = sigmoid(z[r]);
  float t = labels[r] > 0.f ? 1.f : 0.f;
  loss[r] = -logf(fmaxf(1e-15f, t > 0.f ? p : 1.f - p));
  delta[r] = (p - t) * inv;
}

// ---- FM ----
// Losses as the engine's Loss enum: 0 logistic, 1 squared, 2 hinge.
__device__ __forceinline__ float loss_value(int kind, float m, float y) {
  if (kind == 0) return fmaxf(m, 0.f) + log1pf(expf(-fabsf(m))) - (y > 0.f ? m : 0.f);
  if (kind == 1) return 0.5f * (m - y) * (m - y);
  float s = y > 0.f ? 1.f : -1.f;
  return fmaxf(0.f, 1.f - s * m);
}

__device__ __forceinline__ float loss_gradient(int kind, float m, float y) {
  if (kind == 0) return sigmoid(m) - (y > 0.f ? 1.f : 0.f);
  if (kind == 1) return m - y;
  float s = y > 0.f ? 1.f : -1.f;
  return s * m < 1.f ? -s : 0.f;
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// One warp per row; the lanes share the factors f, and s (dim floats per warp) lives in dynamic
// shared memory. Entry rowStart[r] is the bias key; the others carry key index and value x.
//   s_f = Σ_i V_if x_i;  m = w_bias + Σ_i w_i x_i + ½ Σ_f (s_f² − Σ_i V_if² x_i²)
//   d = ℓ'(m, y) · inv;  ∂w_i += d x_i;  ∂V_if += d (x_i s_f − V_if x_i²)
// Keys repeat across rows, so the gradient is added atomically into push ([count, ∂w, ∂V] per
// key), which must be zero before.
extern "C" __global__ void fm_rows(const float* pull, const int* key, const float* x, const int* rowStart,
                                   const float* labels, int rows, int dim, int lossKind, float inv, float* push,
                                   float* loss) {
  extern __shared__ float shared[];
  int lane = threadIdx.x % 32;
  int warp = threadIdx.x / 32;
  int r = blockIdx.x * (blockDim.x / 32) + warp;
  if (r >= rows) return;
  float* s = shared + warp * dim;
  int pullW = 1 + dim, pushW = 2 + dim;
  int start = rowStart[r], end = rowStart[r + 1];
  for (int f = lane; f < dim; f += 32) s[f] = 0.f;
  float lin = 0.f, sq = 0.f;
  for (int e = start + 1; e < end; e++) {
    const float* v = pull + (size_t)key[e] * pullW;
    float xe = x[e];
    if (lane == 0) lin += v[0] * xe;
    for (int f = lane; f < dim; f += 32) {
      float vx = v[1 + f] * xe;
      s[f] += vx;
      sq += vx * vx;
    }
  }
  float ss = 0.f;
  for (int f = lane; f < dim; f += 32) ss += s[f] * s[f];
  float m = pull[(size_t)key[start] * pullW] + warp_sum(lin) + 0.5f * (warp_sum(ss) - warp_sum(sq));
  m = __shfl_sync(0xffffffffu, m, 0);  // the lanes' butterfly sums may round apart; all follow lane 0
  float y = labels[r];
  if (lane == 0) loss[r] = loss_value(lossKind, m, y);
  float d = loss_gradient(lossKind, m, y) * inv;
  if (d == 0.f) return;
  if (lane == 0) atomicAdd(push + (size_t)key[start] * pushW + 1, d);
  for (int e = start + 1; e < end; e++) {
    const float* v = pull + (size_t)key[e] * pullW;
    float* g = push + (size_t)key[e] * pushW;
    float xe = x[e];
    if (lane == 0) atomicAdd(g + 1, d * xe);
    float xx = xe * xe;
    for (int f = lane; f < dim; f += 32) atomicAdd(g + 2 + f, d * (xe * s[f] - v[1 + f] * xx));
  }
}

// Per key: its count in the minibatch, and the frequency-adaptive regularization (DiFacto)
// ∂V_if += λ₂ (c_i · inv) V_if, so a feature is regularized in proportion to how often it is seen.
extern "C" __global__ void fm_regularize(const float* pull, const int* counts, int keys, int dim, float l2,
                                         float inv, float* push) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= keys) return;
  float* g = push + (size_t)i * (2 + dim);
  g[0] = (float)counts[i];
  if (l2 > 0.f) {
    float reg = l2 * counts[i] * inv;
    const float* v = pull + (size_t)i * (1 + dim) + 1;
    for (int f = 0; f < dim; f++) g[2 + f] += reg * v[f];
  }
}
