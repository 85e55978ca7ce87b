package dev.cyberia.tools;

import dev.cyberia.agentcore.Toolbox;
import dev.cyberia.tools.builtin.HireSkill;
import dev.cyberia.tools.builtin.HttpSkill;
import dev.cyberia.tools.builtin.InferenceSkill;
import dev.cyberia.tools.builtin.MarketSkill;
import dev.cyberia.tools.builtin.MemorySkill;
import dev.cyberia.tools.builtin.PaySkill;
import dev.cyberia.tools.builtin.ScheduleSkill;
import dev.cyberia.tools.builtin.SpawnSkill;
import dev.cyberia.tools.builtin.WalletSkill;
import dev.cyberia.tools.internal.SkillSet;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Finds an agent's skills: the built-in ones, then each name in its definition, as a fully
 * qualified class name or as the name of a {@link SkillPack}, looked up on the class path and in
 * the jars in {@code $CYBERIA_HOME/skills/}.
 */
public final class Skills {
    private Skills() {}

    /** The built-in skills: wallet, pay, buy inference, HTTP GET, memory, schedule, hire, spawn. */
    public static List<Object> builtIn() {
        return List.of(
                new WalletSkill(),
                new PaySkill(),
                new InferenceSkill(),
                new HttpSkill(),
                new MemorySkill(),
                new ScheduleSkill(),
                new HireSkill(),
                new MarketSkill(),
                new SpawnSkill());
    }

    /** A class loader over the jars in {@code skillsDir} (none when it does not exist). */
    public static ClassLoader loaderFor(Path skillsDir) {
        List<URL> jars = new ArrayList<>();
        if (Files.isDirectory(skillsDir)) {
            try (Stream<Path> files = Files.list(skillsDir)) {
                for (Path jar : files.filter(p -> p.toString().endsWith(".jar"))
                        .sorted()
                        .toList()) {
                    jars.add(jar.toUri().toURL());
                }
            } catch (MalformedURLException e) {
                throw new InvalidSkillException("bad skill jar path: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new InvalidSkillException("cannot list " + skillsDir + ": " + e.getMessage(), e);
            }
        }
        ClassLoader parent = Skills.class.getClassLoader();
        return jars.isEmpty() ? parent : new URLClassLoader(jars.toArray(URL[]::new), parent);
    }

    /**
     * The toolbox of built-ins plus {@code names}.
     *
     * @throws InvalidSkillException naming the first skill that cannot be loaded
     */
    public static Toolbox load(List<String> names, ClassLoader loader) {
        List<Object> objects = new ArrayList<>(builtIn());
        for (String name : names) {
            objects.addAll(resolve(name, loader));
        }
        return SkillSet.of(objects);
    }

    /** A toolbox of exactly these skill objects (for tests and embedding). */
    public static Toolbox of(List<Object> skills) {
        return SkillSet.of(skills);
    }

    private static List<Object> resolve(String name, ClassLoader loader) {
        for (SkillPack pack : ServiceLoader.load(SkillPack.class, loader)) {
            if (pack.name().equals(name)) {
                return pack.skills();
            }
        }
        Class<?> type;
        try {
            type = Class.forName(name, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new InvalidSkillException("unknown skill '" + name + "': no such class on the class path or in"
                    + " $CYBERIA_HOME/skills/*.jar, and no SkillPack by that name");
        }
        if (SkillPack.class.isAssignableFrom(type)) {
            return ((SkillPack) instantiate(type)).skills();
        }
        return List.of(instantiate(type));
    }

    private static Object instantiate(Class<?> type) {
        try {
            return type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new InvalidSkillException(
                    "skill class " + type.getName() + " needs a public no-argument constructor");
        } catch (ReflectiveOperationException e) {
            throw new InvalidSkillException("cannot create skill " + type.getName() + ": " + e.getMessage(), e);
        }
    }
}
