package dev.cyberia.tools;

import dev.cyberia.agentcore.ToolDescriptor;
import dev.langchain4j.agent.tool.Tool;
import java.io.IOException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Skill jars checked before an agent meets them, and installed in {@code $CYBERIA_HOME/skills/},
 * where a running node finds them for the agents that name them: the jar's skill classes (public,
 * with {@code @Tool} methods and a no-argument constructor) and {@link SkillPack}s load; the tools'
 * names are unique, among themselves, the built-ins and the jars installed already; every tool says
 * its side effect with {@code @Skill}; its arguments have supported types; its price, when it has
 * one, is a positive amount.
 */
public final class SkillJars {
    private SkillJars() {}

    /** A tool found in a jar: where, and what the gate will know of it. */
    public record Found(String className, ToolDescriptor tool, String price) {}

    /**
     * What a check found: the skill classes and packs, the tools, and the problems (none: the jar
     * may be installed).
     */
    public record Report(Path jar, List<String> classes, List<String> packs, List<Found> tools, List<String> problems) {
        public boolean installable() {
            return problems.isEmpty();
        }
    }

    /** Checks {@code jar} against the built-ins and the jars in {@code skillsDir} (other than one of the same name). */
    public static Report check(Path jar, Path skillsDir) {
        List<String> problems = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        List<String> packs = new ArrayList<>();
        List<Found> tools = new ArrayList<>();
        if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
            return new Report(jar, classes, packs, tools, List.of("no jar file at " + jar));
        }
        List<String> candidates;
        try (JarFile file = new JarFile(jar.toFile())) {
            candidates = classNames(file);
        } catch (IOException e) {
            return new Report(jar, classes, packs, tools, List.of("not a readable jar: " + e.getMessage()));
        }
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {jar.toUri().toURL()}, SkillJars.class.getClassLoader())) {
            List<Object> objects = new ArrayList<>();
            for (SkillPack pack : ServiceLoader.load(SkillPack.class, loader)) {
                if (pack.getClass().getClassLoader() != loader) {
                    continue; // a pack of the runtime's own class path, not of this jar
                }
                packs.add(pack.name() + " (" + pack.getClass().getName() + ")");
                objects.addAll(pack.skills());
            }
            for (String name : candidates) {
                Class<?> type;
                try {
                    type = Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    problems.add(name + " does not load: " + e);
                    continue;
                }
                if (!hasTools(type) || SkillPack.class.isAssignableFrom(type)) {
                    continue;
                }
                if (objects.stream().anyMatch(o -> o.getClass() == type)) {
                    continue; // a pack's skill, counted there
                }
                try {
                    objects.add(type.getConstructor().newInstance());
                    classes.add(name);
                } catch (NoSuchMethodException e) {
                    problems.add(name + " has @Tool methods but no public no-argument constructor");
                } catch (ReflectiveOperationException | LinkageError e) {
                    problems.add("cannot create " + name + ": " + e);
                }
            }
            if (objects.isEmpty() && problems.isEmpty()) {
                problems.add("no skill in the jar: no public class with @Tool methods, and no SkillPack listed in"
                        + " META-INF/services/" + SkillPack.class.getName());
            }
            for (Object skill : objects) {
                for (Method m : skill.getClass().getMethods()) {
                    Tool tool = m.getAnnotation(Tool.class);
                    if (tool == null) {
                        continue;
                    }
                    Skill declared = m.getAnnotation(Skill.class);
                    String toolName = tool.name().isBlank() ? m.getName() : tool.name();
                    if (declared == null) {
                        problems.add(
                                "tool '" + toolName + "' (" + skill.getClass().getName() + "." + m.getName()
                                        + ") does not declare its side effect: add @Skill(sideEffect = SideEffect.NONE)"
                                        + " or the one it has");
                    } else if (!declared.price().isEmpty()) {
                        try {
                            if (new BigDecimal(declared.price()).signum() <= 0) {
                                problems.add("tool '" + toolName + "' has price " + declared.price()
                                        + "; a price is above 0");
                            }
                        } catch (NumberFormatException e) {
                            problems.add("tool '" + toolName + "' has price '" + declared.price()
                                    + "', not an amount such as \"0.05\"");
                        }
                    }
                }
            }
            // unique names, supported argument types: as an agent would load them, beside the rest
            List<Object> everything = new ArrayList<>(Skills.builtIn());
            List<URLClassLoader> opened = new ArrayList<>();
            everything.addAll(installed(skillsDir, jar.getFileName().toString(), opened));
            everything.addAll(objects);
            try {
                for (ToolDescriptor d : Skills.of(everything).tools()) {
                    objects.stream()
                            .filter(o -> declares(o, d.name()))
                            .findFirst()
                            .ifPresent(owner ->
                                    tools.add(new Found(owner.getClass().getName(), d, priceOf(owner, d.name()))));
                }
            } catch (InvalidSkillException e) {
                problems.add(e.getMessage());
            } finally {
                for (URLClassLoader l : opened) {
                    l.close();
                }
            }
        } catch (IOException e) {
            problems.add("cannot read the jar: " + e.getMessage());
        }
        return new Report(jar, classes, packs, tools, problems);
    }

    /**
     * Installs a checked jar: copied into {@code skillsDir} whole or not at all (a temporary file,
     * then a move), replacing one of the same name only when {@code replace}.
     *
     * @throws InvalidSkillException with the problems, when the check found any, or the name is taken
     */
    public static Path install(Path jar, Path skillsDir, boolean replace) {
        Report report = check(jar, skillsDir);
        if (!report.installable()) {
            throw new InvalidSkillException("not installed: " + String.join("; ", report.problems())
                    + " (run 'cyberia skill check " + jar + "' for the report)");
        }
        Path target = skillsDir.resolve(jar.getFileName());
        try {
            Files.createDirectories(skillsDir);
            if (Files.exists(target) && !replace) {
                throw new InvalidSkillException(
                        target + " is installed already; pass --replace to install this jar over it");
            }
            Path temp = Files.createTempFile(skillsDir, ".installing", ".tmp");
            try {
                Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new InvalidSkillException("cannot install into " + skillsDir + ": " + e.getMessage(), e);
        }
        return target;
    }

    /** The jars installed in {@code skillsDir}, sorted. */
    public static List<Path> installed(Path skillsDir) {
        if (!Files.isDirectory(skillsDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(skillsDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new InvalidSkillException("cannot list " + skillsDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The skill objects of the jars installed already, other than {@code except}: each jar on a
     * loader of its own (beside the runtime's classes, not the candidate's), kept open while the
     * names are compared, then closed by {@code opened}.
     */
    private static List<Object> installed(Path skillsDir, String except, List<URLClassLoader> opened)
            throws IOException {
        List<Object> out = new ArrayList<>();
        for (Path other : installed(skillsDir)) {
            if (other.getFileName().toString().equals(except)) {
                continue;
            }
            Report theirs = checkQuietly(other);
            URLClassLoader loader =
                    new URLClassLoader(new URL[] {other.toUri().toURL()}, SkillJars.class.getClassLoader());
            opened.add(loader);
            for (String name : theirs.classes()) {
                try {
                    out.add(Class.forName(name, true, loader).getConstructor().newInstance());
                } catch (ReflectiveOperationException | LinkageError e) {
                    // it fails its own check; its names cannot clash with anything now
                }
            }
        }
        return out;
    }

    private static Report checkQuietly(Path jar) {
        return check(jar, Path.of("/nonexistent-skills-dir"));
    }

    /** The method of {@code skill} that is the tool {@code toolName}, if it has one. */
    private static java.util.Optional<Method> toolMethod(Object skill, String toolName) {
        for (Method m : skill.getClass().getMethods()) {
            Tool tool = m.getAnnotation(Tool.class);
            if (tool != null && (tool.name().isBlank() ? m.getName() : tool.name()).equals(toolName)) {
                return java.util.Optional.of(m);
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean declares(Object skill, String toolName) {
        return toolMethod(skill, toolName).isPresent();
    }

    private static String priceOf(Object skill, String toolName) {
        return toolMethod(skill, toolName)
                .map(m -> m.getAnnotation(Skill.class))
                .map(Skill::price)
                .orElse("");
    }

    private static boolean hasTools(Class<?> type) {
        if (!java.lang.reflect.Modifier.isPublic(type.getModifiers())
                || type.isInterface()
                || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
            return false;
        }
        try {
            for (Method m : type.getMethods()) {
                if (m.isAnnotationPresent(Tool.class)) {
                    return true;
                }
            }
        } catch (LinkageError e) {
            return false;
        }
        return false;
    }

    private static List<String> classNames(JarFile file) {
        Set<String> names = new LinkedHashSet<>();
        Enumeration<JarEntry> entries = file.entries();
        while (entries.hasMoreElements()) {
            String entry = entries.nextElement().getName();
            if (entry.endsWith(".class") && !entry.contains("$") && !entry.startsWith("META-INF/")) {
                names.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
            }
        }
        return List.copyOf(names);
    }
}
