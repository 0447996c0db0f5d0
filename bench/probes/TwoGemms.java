import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import java.util.Random;

/**
 * Two single-threaded GEMMs at once, one per core (each C = A·Wᵀ over half of W's rows), with A,
 * W and C shared or private per thread; prints each thread's GFLOP/s per round of 3 calls. Shows
 * whether the 2-thread GEMM is slow because of the parallel split or because each core runs at
 * the 40-or-70 GFLOP/s level of the 1-thread case.
 * <pre>
 * javac --add-modules jdk.incubator.vector -cp target/prune4j.jar -d /tmp/probes bench/probes/TwoGemms.java
 * java --add-modules jdk.incubator.vector -cp target/prune4j.jar:/tmp/probes TwoGemms 1024 1024 1024 25 ownA ownW ownC
 * </pre>
 * Arguments: M N K rounds sharedA|ownA sharedW|ownW sharedC|ownC.
 */
public final class TwoGemms {
    public static void main(String[] args) throws Exception {
        int m = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        int k = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        boolean sharedA = args[4].equals("sharedA");
        boolean sharedW = args[5].equals("sharedW");
        boolean sharedC = args[6].equals("sharedC");
        Parallel.setThreads(1); // each GEMM stays on its own thread
        Kernels kernels = Kernels.get();
        Random rng = new Random(7);
        float[] a0 = new float[m * k];
        float[] w0 = new float[n * k];
        for (int i = 0; i < a0.length; i++) {
            a0[i] = rng.nextFloat();
        }
        for (int i = 0; i < w0.length; i++) {
            w0[i] = rng.nextFloat();
        }
        float[] c0 = new float[m * n];
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                int half = n / 2;
                float[] a = sharedA ? a0 : a0.clone();
                float[] w = sharedW ? w0 : w0.clone();
                float[] c = sharedC ? c0 : new float[m * n];
                StringBuilder line = new StringBuilder("thread " + id + ": ");
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 3; i++) {
                        kernels.gemmT(m, half, k, a, 0, k, w, id * half * k, k, 0f, c, id * half, n);
                    }
                    long t1 = System.nanoTime();
                    line.append(String.format("%.0f ", 2.0 * m * half * k * 3 / (t1 - t0)));
                }
                System.out.println(line);
            });
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
