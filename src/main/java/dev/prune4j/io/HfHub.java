package dev.prune4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.core.BadInputException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Downloads a Hugging Face model repository's files into the local cache, in the layout the
 * Python {@code huggingface_hub} library uses (so both share one cache):
 * <pre>
 * $HF_HUB_CACHE (default $HF_HOME/hub, HF_HOME default ~/.cache/huggingface)
 *   models--{org}--{name}/
 *     refs/{revision}                  the commit hash the revision resolved to
 *     blobs/{etag}                     file contents, named by their hub ETag
 *     snapshots/{commit}/{path}        symbolic links to the blobs (copies where links fail)
 * </pre>
 * Protocol: {@code GET {endpoint}/api/models/{repo}/revision/{revision}} lists the files
 * ({@code siblings[].rfilename}) and the commit ({@code sha}); each file comes from
 * {@code {endpoint}/{repo}/resolve/{commit}/{path}}, whose ETag ({@code X-Linked-Etag} for LFS
 * files, the sha256 of the content; otherwise the git blob sha1) names the blob and checks it.
 * A partial download ({@code blobs/{etag}.incomplete}) resumes with an HTTP Range request. A
 * checksum mismatch deletes the partial file and is an error naming the file and both hashes.
 *
 * <p>Environment: {@code HF_ENDPOINT} (default https://huggingface.co), {@code HF_TOKEN} (sent as a
 * bearer token), {@code HF_HOME}, {@code HF_HUB_CACHE}, {@code HF_HUB_OFFLINE=1} (use the cache only).
 */
public final class HfHub {
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final Path cache;
    private final String token;
    private final boolean offline;
    private final HttpClient http;
    private final HttpClient noRedirects;

    /**
     * @param endpoint base URL of the hub
     * @param cache    the hub cache directory (HF_HUB_CACHE)
     * @param token    bearer token, or null
     * @param offline  true: never touch the network, use the cache
     */
    public HfHub(URI endpoint, Path cache, String token, boolean offline) {
        this.endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
        this.cache = cache;
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.offline = offline;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
        this.noRedirects = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** A hub client configured from HF_ENDPOINT, HF_TOKEN, HF_HOME / HF_HUB_CACHE and HF_HUB_OFFLINE. */
    public static HfHub fromEnvironment() {
        String ep = System.getenv("HF_ENDPOINT");
        String home = System.getenv("HF_HOME");
        String hubCache = System.getenv("HF_HUB_CACHE");
        Path homeDir = home != null && !home.isBlank() ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "huggingface");
        Path c = hubCache != null && !hubCache.isBlank() ? Path.of(hubCache) : homeDir.resolve("hub");
        String off = System.getenv("HF_HUB_OFFLINE");
        boolean offline = off != null && (off.equals("1") || off.equalsIgnoreCase("true"));
        return new HfHub(URI.create(ep != null && !ep.isBlank() ? ep : "https://huggingface.co"), c,
                System.getenv("HF_TOKEN"), offline);
    }

    /** True for strings shaped like a hub repository id, {@code org/name}. */
    public static boolean isRepoId(String s) {
        return REPO_ID.matcher(s).matches() && !s.contains("..");
    }

    /** The cache folder of one repository. */
    public Path repoDir(String repo) {
        return cache.resolve("models--" + repo.replace("/", "--"));
    }

    /**
     * Downloads the files of {@code repo} at {@code revision} that {@code wanted} accepts (already
     * cached blobs are reused) and returns the snapshot directory holding them.
     */
    public Path download(String repo, String revision, Predicate<String> wanted) {
        if (!isRepoId(repo)) {
            throw new BadInputException("'" + repo + "' is not a Hugging Face repository id (expected org/name)");
        }
        if (offline) {
            return cachedSnapshot(repo, revision).orElseThrow(() -> new BadInputException("HF_HUB_OFFLINE is set and "
                    + repo + "@" + revision + " is not in the cache " + repoDir(repo)));
        }
        JsonNode info = getJson(endpoint + "/api/models/" + repo + "/revision/" + enc(revision), repo);
        String commit = info.path("sha").asText("");
        if (!SHA1.matcher(commit).matches()) {
            throw new BadInputException(endpoint + ": the hub's answer for " + repo + "@" + revision
                    + " has no commit hash ('sha'), found '" + commit + "'");
        }
        List<String> files = new ArrayList<>();
        for (JsonNode s : info.path("siblings")) {
            String f = s.path("rfilename").asText("");
            if (!f.isEmpty() && wanted.test(f)) {
                files.add(f);
            }
        }
        if (files.isEmpty()) {
            throw new BadInputException(repo + "@" + revision + ": the repository has none of the files needed");
        }
        Path repoDir = repoDir(repo);
        Path snapshot = repoDir.resolve("snapshots").resolve(commit);
        try {
            for (String f : files) {
                Path target = snapshot.resolve(f).normalize();
                if (!target.startsWith(snapshot)) {
                    throw new BadInputException(repo + ": file name '" + f + "' points outside the repository");
                }
                if (Files.exists(target)) {
                    continue;
                }
                Path blob = fetch(repo, commit, f, repoDir.resolve("blobs"));
                link(target, blob);
            }
            Path ref = repoDir.resolve("refs").resolve(revision);
            Files.createDirectories(ref.getParent());
            writeAtomically(ref, commit);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the hub cache under " + repoDir + ": " + e.getMessage(), e);
        }
        return snapshot;
    }

    /** The snapshot a cached ref points to, when it exists. */
    public Optional<Path> cachedSnapshot(String repo, String revision) {
        Path ref = repoDir(repo).resolve("refs").resolve(revision);
        try {
            if (Files.isRegularFile(ref)) {
                Path s = repoDir(repo).resolve("snapshots").resolve(Files.readString(ref).trim());
                return Files.isDirectory(s) ? Optional.of(s) : Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Downloads one file into blobs/{etag}, resuming a partial download; returns the blob. */
    private Path fetch(String repo, String commit, String file, Path blobs) throws IOException {
        String url = endpoint + "/" + repo + "/resolve/" + commit + "/" + encPath(file);
        // HEAD without following redirects: an LFS file answers 302 with X-Linked-Etag (its sha256)
        HttpRequest.Builder headReq = HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody());
        HttpResponse<Void> head = send(noRedirects, headReq, HttpResponse.BodyHandlers.discarding(), repo, file);
        String etag = etagOf(head);
        if (etag.isEmpty() && head.statusCode() / 100 == 3) {
            etag = etagOf(send(http, headReq, HttpResponse.BodyHandlers.discarding(), repo, file));
        }
        if (etag.isEmpty()) {
            throw new BadInputException(url + ": the hub sent no ETag, so the download cannot be checked");
        }
        String name = etag.replaceAll("[^A-Za-z0-9._-]", "_");
        Files.createDirectories(blobs);
        Path blob = blobs.resolve(name);
        if (Files.isRegularFile(blob)) {
            return blob;
        }
        Path part = blobs.resolve(name + ".incomplete");
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(url)).GET();
        if (have > 0) {
            get.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> r = send(get, HttpResponse.BodyHandlers.ofInputStream(), repo, file);
        boolean append = have > 0 && r.statusCode() == 206;
        if (have > 0 && !append) {
            System.err.println("prune4j: the hub did not resume " + file + " (HTTP " + r.statusCode()
                    + "); downloading it again from the start");
        }
        System.err.println("prune4j: downloading " + repo + "/" + file + (append ? " (resuming at byte " + have + ")" : ""));
        try (InputStream in = r.body();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("download of " + repo + "/" + file + " was interrupted after "
                    + (Files.exists(part) ? Files.size(part) : 0) + " bytes (" + e.getMessage()
                    + "); run again to resume it", e);
        }
        verify(part, etag, repo, file);
        Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return blob;
    }

    /** Checks the file against its ETag: sha256 (LFS) or git blob sha1; other ETags are not hashes. */
    private static void verify(Path part, String etag, String repo, String file) throws IOException {
        String e = etag.toLowerCase(Locale.ROOT);
        String actual;
        if (SHA256.matcher(e).matches()) {
            actual = digest(part, "SHA-256", null);
        } else if (SHA1.matcher(e).matches()) {
            actual = digest(part, "SHA-1", ("blob " + Files.size(part) + "\0").getBytes(StandardCharsets.US_ASCII));
        } else {
            return;
        }
        if (!actual.equals(e)) {
            Files.deleteIfExists(part);
            throw new BadInputException(repo + "/" + file + ": checksum mismatch: the hub's ETag is " + e
                    + " but the downloaded bytes hash to " + actual + "; the partial file was deleted, run again"
                    + " to download it afresh");
        }
    }

    private static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            if (prefix != null) {
                md.update(prefix);
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", ex);
        }
    }

    private static String etagOf(HttpResponse<?> r) {
        return r.headers().firstValue("X-Linked-Etag").or(() -> r.headers().firstValue("ETag")).orElse("")
                .replaceFirst("^W/", "").replace("\"", "");
    }

    private JsonNode getJson(String url, String repo) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).GET(),
                HttpResponse.BodyHandlers.ofString(), repo, null);
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new BadInputException(url + ": the hub's answer is not JSON: " + e.getMessage());
        }
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler, String repo, String file) {
        return send(http, b, handler, repo, file);
    }

    private <T> HttpResponse<T> send(HttpClient client, HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler,
                                     String repo, String file) {
        b.timeout(Duration.ofMinutes(10)).header("User-Agent", "prune4j");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpRequest req = b.build();
        HttpResponse<T> r;
        try {
            r = client.send(req, handler);
        } catch (IOException e) {
            throw new UncheckedIOException("could not reach the Hugging Face hub at " + endpoint + " for " + repo
                    + " (" + e.getMessage() + "); set HF_ENDPOINT for a mirror or HF_HUB_OFFLINE=1 to use the cache", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while downloading " + repo, e);
        }
        int code = r.statusCode();
        if (code == 401 || code == 403) {
            throw new BadInputException(req.uri() + ": HTTP " + code + " — the repository " + repo
                    + " needs access; set HF_TOKEN to a token that has it");
        }
        if (code == 404) {
            throw new BadInputException(req.uri() + ": HTTP 404 — no repository " + repo
                    + (file == null ? "" : " or no file " + file + " in it") + " on " + endpoint);
        }
        if (code >= 400) {
            throw new UncheckedIOException(new IOException(req.uri() + ": HTTP " + code + " from the hub"));
        }
        return r;
    }

    private static void link(Path target, Path blob) throws IOException {
        Files.createDirectories(target.getParent());
        Path rel = target.getParent().relativize(blob);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-link");
        Files.deleteIfExists(tmp);
        try {
            Files.createSymbolicLink(tmp, rel);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String encPath(String path) {
        StringBuilder b = new StringBuilder();
        for (String part : path.split("/")) {
            if (!b.isEmpty()) {
                b.append('/');
            }
            b.append(enc(part).replace("+", "%20"));
        }
        return b.toString();
    }
}
