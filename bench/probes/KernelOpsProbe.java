import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
/**
 * Times small kernel calls on one thread (ns or µs per call, 5 rounds): a 32-long dot product,
 * softmax over 32×128, GELU and SiLU over 4096, a 384×384 matvec. Used to price the
 * deterministic lane sum and exp of {@code kernels/Lanes} against the Vector API's own.
 * <pre>
 * javac --add-modules jdk.incubator.vector -cp target/prune4j.jar -d /tmp/probes bench/probes/KernelOpsProbe.java
 * java --add-modules jdk.incubator.vector -cp target/prune4j.jar:/tmp/probes KernelOpsProbe
 * </pre>
 */
public final class KernelOpsProbe {
    public static void main(String[] args) {
        Parallel.setThreads(1);
        Kernels k = Kernels.get();
        java.util.Random r = new java.util.Random(1);
        float[] a = new float[1 << 16]; for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        float[] b = a.clone(); float[] w = new float[384 * 384]; for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        float[] y = new float[384];
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime(); float s = 0;
            for (int it = 0; it < 200000; it++) s += k.dot(32, a, (it * 32) & 0xFFFF, b, 0);
            long t1 = System.nanoTime();
            for (int it = 0; it < 2000; it++) { System.arraycopy(a, 0, b, 0, 4096); k.softmax(b, 0, 32, 128, 128); }
            long t2 = System.nanoTime();
            for (int it = 0; it < 2000; it++) { System.arraycopy(a, 0, b, 0, 4096); k.gelu(b, 0, 4096); }
            long t3 = System.nanoTime();
            for (int it = 0; it < 2000; it++) { k.matvec(384, 384, w, 0, 384, a, 0, y, 0); }
            long t4 = System.nanoTime();
            for (int it = 0; it < 2000; it++) { System.arraycopy(a, 0, b, 0, 4096); k.silu(b, 0, 4096); }
            long t5 = System.nanoTime();
            System.out.printf("dot32 %.1f ns  softmax32x128 %.1f us  gelu4096 %.1f us  matvec384 %.1f us silu4096 %.1f us %s%n", (t1-t0)/200000.0, (t2-t1)/2000e3, (t3-t2)/2000e3, (t4-t3)/2000e3, (t5-t4)/2000e3, s > 1e30 ? "x" : "");
        }
    }
}
