package dev.cyberia.inference;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** What a miner sells answers from: a local model, or an upstream OpenAI-compatible endpoint. */
public interface ChatBackend {

    /** The model id buyers ask for. */
    String name();

    /** The model's identity ({@link LocalModel#identity()}) when it runs here; an upstream's is not known. */
    default Optional<String> identity() {
        return Optional.empty();
    }

    /** One answer to {@code messages}, offered {@code tools}. */
    Generation chat(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options);

    /**
     * Why these messages cannot be answered (a prompt past the model's context even trimmed),
     * checked before a buyer is charged; empty when they can, or when the backend cannot tell.
     */
    default Optional<String> refusal(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
        return Optional.empty();
    }

    /**
     * Like {@link #chat}, handing out text as it comes (a backend that cannot stream hands it out
     * whole); tool calls come whole, in the result.
     */
    Generation chatStreaming(
            List<Message> messages, List<ToolDefinition> tools, GenerationOptions options, Consumer<String> onText);

    /** Sells a local model's answers. */
    static ChatBackend local(LocalModel model) {
        return new LocalBackend(model);
    }

    /** Resells an OpenAI-compatible endpoint's answers. */
    static ChatBackend upstream(OpenAiCompatibleChatModel endpoint) {
        return new UpstreamBackend(endpoint);
    }

    /** {@code backend} offered under another name (its identity stays its own). */
    static ChatBackend named(ChatBackend backend, String name) {
        return new ChatBackend() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> identity() {
                return backend.identity();
            }

            @Override
            public Generation chat(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
                return backend.chat(messages, tools, options);
            }

            @Override
            public Optional<String> refusal(
                    List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
                return backend.refusal(messages, tools, options);
            }

            @Override
            public Generation chatStreaming(
                    List<Message> messages,
                    List<ToolDefinition> tools,
                    GenerationOptions options,
                    Consumer<String> onText) {
                return backend.chatStreaming(messages, tools, options, onText);
            }
        };
    }
}

/** {@link ChatBackend} over a {@link LocalModel}. */
final class LocalBackend implements ChatBackend {
    private final LocalModel model;

    LocalBackend(LocalModel model) {
        this.model = model;
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public Optional<String> identity() {
        return Optional.of(model.identity());
    }

    @Override
    public Generation chat(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
        return model.chat(messages, tools, options);
    }

    @Override
    public Optional<String> refusal(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
        return model.refusal(messages, tools, options);
    }

    @Override
    public Generation chatStreaming(
            List<Message> messages, List<ToolDefinition> tools, GenerationOptions options, Consumer<String> onText) {
        return model.chatStreaming(messages, tools, options, onText);
    }
}

/** {@link ChatBackend} over an upstream endpoint that does not stream to us: its answer is handed out whole. */
final class UpstreamBackend implements ChatBackend {
    private final OpenAiCompatibleChatModel endpoint;

    UpstreamBackend(OpenAiCompatibleChatModel endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String name() {
        return endpoint.modelId();
    }

    @Override
    public Generation chat(List<Message> messages, List<ToolDefinition> tools, GenerationOptions options) {
        return endpoint.generate(messages, tools, options);
    }

    @Override
    public Generation chatStreaming(
            List<Message> messages, List<ToolDefinition> tools, GenerationOptions options, Consumer<String> onText) {
        Generation g = endpoint.generate(messages, tools, options);
        if (!g.text().isEmpty()) {
            onText.accept(g.text());
        }
        return g;
    }
}
