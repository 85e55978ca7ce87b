package dev.cyberia.tools;

import java.util.List;

/**
 * A named set of skill objects that {@link java.util.ServiceLoader} finds (list the class in
 * {@code META-INF/services/dev.cyberia.tools.SkillPack}, on the class path or in a jar in
 * {@code $CYBERIA_HOME/skills/}). A definition names a pack by {@link #name()}.
 */
public interface SkillPack {
    String name();

    /** The objects whose {@code @Tool} methods become skills. */
    List<Object> skills();
}
