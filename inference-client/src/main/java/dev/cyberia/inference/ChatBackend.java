package dev.cyberia.inference;

import java.util.List;
import java.util.function.Consumer;

/** What a miner sells answers from: a local model, or an upstream OpenAI-compatible endpoint. */
public interface ChatBackend {

    /** The model id buyers ask for. */
    String name();

    Generation chat(List<Message> messages, GenerationOptions options);

    /**
     * Why these messages cannot be answered (a prompt past the model's context), checked before a
     * buyer is charged; empty when they can, or when the backend cannot tell.
     */
    default java.util.Optional<String> refusal(List<Message> messages) {
        return java.util.Optional.empty();
    }

    /** Like {@link #chat}, handing out text as it comes (a backend that cannot stream hands it out whole). */
    Generation chatStreaming(List<Message> messages, GenerationOptions options, Consumer<String> onText);

    /** Sells a local model's answers. */
    static ChatBackend local(LocalModel model) {
        return new LocalBackend(model);
    }

    /** Resells an OpenAI-compatible endpoint's answers. */
    static ChatBackend upstream(OpenAiCompatibleChatModel endpoint) {
        return new UpstreamBackend(endpoint);
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
    public Generation chat(List<Message> messages, GenerationOptions options) {
        return model.chat(messages, options);
    }

    @Override
    public java.util.Optional<String> refusal(List<Message> messages) {
        int tokens = model.promptTokens(messages);
        return tokens < model.contextLength()
                ? java.util.Optional.empty()
                : java.util.Optional.of("the prompt is " + tokens + " tokens; the model's context holds "
                        + model.contextLength() + " (prompt and answer together): shorten it");
    }

    @Override
    public Generation chatStreaming(List<Message> messages, GenerationOptions options, Consumer<String> onText) {
        return model.chatStreaming(messages, options, onText);
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
    public Generation chat(List<Message> messages, GenerationOptions options) {
        return endpoint.generate(messages, options);
    }

    @Override
    public Generation chatStreaming(List<Message> messages, GenerationOptions options, Consumer<String> onText) {
        Generation g = endpoint.generate(messages, options);
        onText.accept(g.text());
        return g;
    }
}
