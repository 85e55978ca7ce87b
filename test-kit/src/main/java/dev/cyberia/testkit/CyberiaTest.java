package dev.cyberia.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A skill's test on real components: the test class gets a local devnet (anvil, ComputeToken, the
 * market and the ERC-8004 registries), and its methods a {@link Cyberia} parameter that makes
 * funded agents running the skills under test, sells their skills over x402, and shows their
 * events, payments and books. One devnet per test class; it stops after the last test.
 *
 * <pre>{@code
 * @CyberiaTest
 * class WordCountTest {
 *     @Test
 *     void sellsACount(Cyberia cyberia) {
 *         TestAgent seller = cyberia.agent("seller").definition(SELLER_YAML).start();
 *         ...
 *     }
 * }
 * }</pre>
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(CyberiaExtension.class)
public @interface CyberiaTest {}
