package trainyard.engine.train;

import java.util.Arrays;
import trainyard.engine.data.CsrBlock;

/**
 * A reference logistic regression independent of the engine's trainer and optimizers: the minimum
 * of f(w) = (1/n) Σ logloss + (λ/2) ‖w‖² (bias not penalised), LIBLINEAR {@code -s 0}'s problem, by
 * full-batch L-BFGS (10 pairs, backtracking line search) until the gradient's largest coordinate
 * is below 1e-5. Deterministic; for data small enough to fit in a test.
 */
final class ConvergedLogisticRegression {
  private static final int PAIRS = 10;
  private static final int MAX_ITERATIONS = 300;
  private static final double TOLERANCE = 1e-5;

  private final CsrBlock data;
  private final double lambda;
  /** Weights by key, then the bias last. */
  private final double[] w;

  private ConvergedLogisticRegression(CsrBlock data, double lambda, int features) {
    this.data = data;
    this.lambda = lambda;
    this.w = new double[features + 1];
  }

  static ConvergedLogisticRegression fit(CsrBlock data, double lambda) {
    long max = 0;
    for (int e = 0; e < data.nonZeros(); e++) {
      max = Math.max(max, data.keys[e]);
    }
    ConvergedLogisticRegression m = new ConvergedLogisticRegression(data, lambda, (int) max + 1);
    m.minimize();
    return m;
  }

  private void minimize() {
    int d = w.length;
    double[][] s = new double[PAIRS][d];
    double[][] y = new double[PAIRS][d];
    double[] rho = new double[PAIRS];
    double[] alpha = new double[PAIRS];
    double[] g = new double[d];
    double[] gNew = new double[d];
    double[] dir = new double[d];
    double[] wNew = new double[d];
    double f = objective(w, g);
    int pairs = 0;
    for (int it = 0; it < MAX_ITERATIONS && maxAbs(g) > TOLERANCE; it++) {
      // two-loop recursion: dir = −H g
      System.arraycopy(g, 0, dir, 0, d);
      for (int i = pairs - 1; i >= 0; i--) {
        int k = (it - pairs + i) % PAIRS;
        alpha[k] = rho[k] * dot(s[k], dir);
        axpy(-alpha[k], y[k], dir);
      }
      if (pairs > 0) {
        int last = (it - 1) % PAIRS;
        scale(dir, dot(s[last], y[last]) / dot(y[last], y[last]));
      }
      for (int i = 0; i < pairs; i++) {
        int k = (it - pairs + i) % PAIRS;
        axpy(alpha[k] - rho[k] * dot(y[k], dir), s[k], dir);
      }
      scale(dir, -1);
      double slope = dot(g, dir);
      double step = pairs == 0 ? 1 / Math.max(1, maxAbs(g)) : 1;
      double fNew;
      while (true) {
        for (int j = 0; j < d; j++) {
          wNew[j] = w[j] + step * dir[j];
        }
        fNew = objective(wNew, gNew);
        if (fNew <= f + 1e-4 * step * slope || step < 1e-12) {
          break;
        }
        step /= 2;
      }
      int k = it % PAIRS;
      for (int j = 0; j < d; j++) {
        s[k][j] = wNew[j] - w[j];
        y[k][j] = gNew[j] - g[j];
      }
      double sy = dot(s[k], y[k]);
      rho[k] = sy > 0 ? 1 / sy : 0;
      pairs = Math.min(pairs + 1, PAIRS);
      System.arraycopy(wNew, 0, w, 0, d);
      System.arraycopy(gNew, 0, g, 0, d);
      f = fNew;
    }
  }

  /** f(v), with its gradient written to {@code grad}. */
  private double objective(double[] v, double[] grad) {
    int bias = v.length - 1;
    Arrays.fill(grad, 0);
    double sum = 0;
    for (int r = 0; r < data.rows; r++) {
      double m = margin(v, data, r);
      double y = data.labels[r];
      // logloss of margin m: log(1 + e^m) − y m, computed without overflow
      sum += Math.max(m, 0) + Math.log1p(Math.exp(-Math.abs(m))) - y * m;
      double err = (1 / (1 + Math.exp(-m)) - y) / data.rows;
      grad[bias] += err;
      for (int e = data.rowStart[r]; e < data.rowStart[r + 1]; e++) {
        grad[(int) data.keys[e]] += err * data.value(e);
      }
    }
    double penalty = 0;
    for (int j = 0; j < bias; j++) {
      penalty += v[j] * v[j];
      grad[j] += lambda * v[j];
    }
    return sum / data.rows + lambda / 2 * penalty;
  }

  private static double margin(double[] v, CsrBlock data, int r) {
    double m = v[v.length - 1];
    for (int e = data.rowStart[r]; e < data.rowStart[r + 1]; e++) {
      int k = (int) data.keys[e];
      m += k < v.length - 1 ? v[k] * data.value(e) : 0;
    }
    return m;
  }

  double logloss(CsrBlock test) {
    double sum = 0;
    for (int r = 0; r < test.rows; r++) {
      double p = Math.min(Math.max(1 / (1 + Math.exp(-margin(w, test, r))), 1e-7), 1 - 1e-7);
      sum -= test.labels[r] > 0 ? Math.log(p) : Math.log(1 - p);
    }
    return sum / test.rows;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static void scale(double[] x, double a) {
    for (int i = 0; i < x.length; i++) {
      x[i] *= a;
    }
  }

  private static double maxAbs(double[] x) {
    double m = 0;
    for (double v : x) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
