package org.pytorch.executorch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The host build of org.pytorch.executorch is the AAR's public API, member for member: its
 * compiled classes, read by reflection, print exactly the lines of executorch_api.txt (read
 * from the release's sources), and no public class of the package is missing from that list.
 */
public class ApiSignatureTest {
  private static final String PACKAGE = "org.pytorch.executorch";

  @Test
  public void theHostClassesAreTheReleasedApi() throws Exception {
    String file = System.getProperty("kdoffload.api");
    assertTrue("kdoffload.api not set (make java-test sets it)", file != null);
    List<String> listed = Files.readAllLines(Paths.get(file), StandardCharsets.UTF_8).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#")).collect(Collectors.toList());
    TreeSet<String> expected = new TreeSet<>(listed);
    assertEquals("executorch_api.txt repeats a line", listed.size(), expected.size());
    TreeSet<String> actual = new TreeSet<>();
    for (Class<?> c : publicClasses()) actual.addAll(signatures(c));
    TreeSet<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    TreeSet<String> extra = new TreeSet<>(actual);
    extra.removeAll(expected);
    assertTrue("the host build lacks " + missing + " and has, beyond the release, " + extra,
        missing.isEmpty() && extra.isEmpty());
  }

  /** Every public top-level or member class compiled into the package (and its subpackages). */
  private static List<Class<?>> publicClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Paths.get(Module.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root.resolve(PACKAGE.replace('.', '/')))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList())) {
        String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> c = Class.forName(name, false, Module.class.getClassLoader());
        if (Modifier.isPublic(c.getModifiers()) && !c.isSynthetic() && !c.isAnonymousClass()) found.add(c);
      }
    }
    return found;
  }

  static List<String> signatures(Class<?> c) {
    List<String> out = new ArrayList<>();
    out.add("class " + header(c));
    List<Member> members = new ArrayList<>();
    members.addAll(Arrays.asList(c.getDeclaredFields()));
    members.addAll(Arrays.asList(c.getDeclaredConstructors()));
    members.addAll(Arrays.asList(c.getDeclaredMethods()));
    for (Member m : members) {
      boolean visible = Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers());
      if (!visible || m.isSynthetic()) continue;
      String kind = m instanceof java.lang.reflect.Field ? "field"
          : m instanceof java.lang.reflect.Constructor ? "constructor" : "method";
      String text = m instanceof java.lang.reflect.Field ? ((java.lang.reflect.Field) m).toGenericString()
          : m instanceof java.lang.reflect.Constructor ? ((java.lang.reflect.Constructor<?>) m).toGenericString()
          : ((java.lang.reflect.Method) m).toGenericString();
      out.add(kind + " " + text);
    }
    return out;
  }

  private static String header(Class<?> c) {
    int modifiers = c.getModifiers() & ~Modifier.INTERFACE;
    if (c.isAnnotation()) modifiers &= ~Modifier.ABSTRACT;
    StringBuilder s = new StringBuilder(Modifier.toString(modifiers));
    s.append(c.isAnnotation() ? " @interface " : c.isEnum() ? " enum " : c.isInterface() ? " interface " : " ");
    s.append(c.getName());
    if (c.getGenericSuperclass() != null) s.append(" extends ").append(c.getGenericSuperclass().getTypeName());
    else if (c.getInterfaces().length > 0) s.append(" extends ").append(c.getInterfaces()[0].getName());
    if (!c.isInterface() && c.getInterfaces().length > 0) {
      s.append(" implements ").append(Arrays.stream(c.getInterfaces()).map(Class::getName).collect(Collectors.joining(", ")));
    }
    return s.toString();
  }
}
