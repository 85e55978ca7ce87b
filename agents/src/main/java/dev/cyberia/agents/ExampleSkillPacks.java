package dev.cyberia.agents;

import dev.cyberia.tools.SkillPack;
import java.util.List;

/** The example agents' skills, named in their definitions as {@code skills: [scribe]} and {@code [customer]}. */
public final class ExampleSkillPacks {
    private ExampleSkillPacks() {}

    /** The scribe's text services. */
    public record Scribe() implements SkillPack {
        @Override
        public String name() {
            return "scribe";
        }

        @Override
        public List<Object> skills() {
            return List.of(new ScribeSkills());
        }
    }

    /** The customer's reading list, worked through a scribe hired in the market. */
    public record Customer() implements SkillPack {
        @Override
        public String name() {
            return "customer";
        }

        @Override
        public List<Object> skills() {
            return List.of(new CustomerSkills());
        }
    }
}
