package org.kdoffload.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * A model folder as `kdoffload android push` lays it out: one *.pte, its *.manifest.json and,
 * optionally, bench_states.json. Finds them, copies them (the app's files folder is the only
 * place it may load from), and checks the .pte against the manifest's size and sha256.
 */
public final class ModelFiles {
  public static final String BENCH_STATES = "bench_states.json";

  public final Path pte;
  public final Path manifest;
  public final Path benchStates; // null when the folder has none

  private ModelFiles(Path pte, Path manifest, Path benchStates) {
    this.pte = pte;
    this.manifest = manifest;
    this.benchStates = benchStates;
  }

  public static ModelFiles find(Path folder) {
    if (!Files.isDirectory(folder)) throw new RefusedException(folder + ": no such model folder");
    Path pte = only(folder, "*.pte");
    Path manifest = folder.resolve(stem(pte) + ".manifest.json");
    if (!Files.isRegularFile(manifest)) throw new RefusedException(manifest + ": no such manifest (beside " + pte.getFileName() + ")");
    Path states = folder.resolve(BENCH_STATES);
    return new ModelFiles(pte, manifest, Files.isRegularFile(states) ? states : null);
  }

  /** A manifest and the .pte beside it of the same stem (a folder with other programs too). */
  public static ModelFiles ofManifest(Path manifest) {
    String name = manifest.getFileName().toString();
    if (!name.endsWith(".manifest.json")) throw new RefusedException(manifest + ": not a *.manifest.json");
    Path pte = manifest.resolveSibling(name.substring(0, name.length() - ".manifest.json".length()) + ".pte");
    return new ModelFiles(pte, manifest, null);
  }

  private static String stem(Path pte) {
    String name = pte.getFileName().toString();
    return name.substring(0, name.length() - ".pte".length());
  }

  private static Path only(Path folder, String glob) {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, glob)) {
      for (Path p : stream) found.add(p);
    } catch (IOException e) {
      throw new RefusedException(folder + ": cannot list (" + e.getMessage() + ")");
    }
    if (found.size() != 1) throw new RefusedException(folder + ": expected one " + glob + ", found " + found.size());
    return found.get(0);
  }

  /** The same files, copied into `target` (created if missing). */
  public ModelFiles copyTo(Path target) throws IOException {
    Files.createDirectories(target);
    Path p = copy(pte, target);
    Path m = copy(manifest, target);
    Path s = benchStates != null ? copy(benchStates, target) : null;
    if (s == null) Files.deleteIfExists(target.resolve(BENCH_STATES)); // not a stale one
    return new ModelFiles(p, m, s);
  }

  private static Path copy(Path file, Path target) throws IOException {
    Path to = target.resolve(file.getFileName().toString());
    if (!to.toAbsolutePath().equals(file.toAbsolutePath())) {
      Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
    }
    return to;
  }

  /** The .pte must be the manifest's, byte for byte; returns its sha256 (hex). */
  public String checkPte(ProgramRecord program) {
    Path manifest = program.manifest;
    if (!pte.getFileName().toString().equals(program.pteFile)) {
      throw new RefusedException(manifest + ": pte.file is " + program.pteFile + ", the folder holds " + pte.getFileName());
    }
    if (!Files.isRegularFile(pte)) throw new RefusedException(pte + ": no such model (named by " + manifest + ")");
    try {
      long size = Files.size(pte);
      if (size != program.pteSizeBytes) {
        throw new RefusedException(pte + ": size is " + size + " bytes, manifest " + manifest + " says " + program.pteSizeBytes);
      }
      String digest = sha256(pte);
      if (!digest.equals(program.pteSha256)) {
        throw new RefusedException(pte + ": sha256 is " + digest + ", manifest " + manifest + " says " + program.pteSha256);
      }
      return digest;
    } catch (IOException e) {
      throw new RefusedException(pte + ": cannot read (" + e.getMessage() + ")");
    }
  }

  public static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int got; (got = in.read(buffer)) > 0; ) digest.update(buffer, 0, got);
    }
    return hex(digest.digest());
  }

  static String hex(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (byte b : bytes) hex.append(String.format("%02x", b));
    return hex.toString();
  }
}
