package dev.cyberia.tools;

import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.agentcore.Tier;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What the runtime must know about a skill method, next to LangChain4j's {@code @Tool}: its side
 * effect, the lowest tier that may use it, whether a person must approve each call, whether it
 * earns, and its price when sold. A method with {@code @Tool} and no {@code @Skill} is a read-only
 * skill any tier may use.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Skill {
    SideEffect sideEffect() default SideEffect.NONE;

    Tier minTier() default Tier.AUTOMATON;

    boolean approvalRequired() default false;

    /** Whether a call brings money in; such skills still run in CRITICAL mode. */
    boolean earns() default false;

    /** The price per call when the skill is sold, in token units (e.g. "0.05"); empty when not sold. */
    String price() default "";
}
