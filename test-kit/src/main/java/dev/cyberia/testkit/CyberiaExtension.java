package dev.cyberia.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Starts a {@link Cyberia} (a devnet and its agents) for a test class and stops it after the class. */
public final class CyberiaExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Cyberia.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        store(context).getOrComputeIfAbsent("cyberia", k -> Cyberia.start(), Cyberia.class);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Cyberia cyberia = store(context).remove("cyberia", Cyberia.class);
        if (cyberia != null) {
            cyberia.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Cyberia.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Cyberia cyberia = store(context).get("cyberia", Cyberia.class);
        if (cyberia == null) {
            throw new ParameterResolutionException("no Cyberia for this test: annotate the class with @CyberiaTest");
        }
        return cyberia;
    }

    /** The test class's store (a method's context reaches it through its parent). */
    private static ExtensionContext.Store store(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c.getStore(NAMESPACE);
    }
}
