package dev.prune4j.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Version facts recorded in every report (prune4j, JVM, OS, cores). */
public final class Versions {
    private Versions() {
    }

    /** prune4j's version from the build (or "dev" when run from classes). */
    public static String prune4j() {
        try (InputStream in = Versions.class.getResourceAsStream("/prune4j-version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "dev";
    }

    /** Versions and machine facts as an ordered map (for JSON reports). */
    public static Map<String, Object> environment() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prune4j", prune4j());
        m.put("java", System.getProperty("java.vendor") + " " + Runtime.version());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        return m;
    }
}
