package dev.cyberia.inference;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.OptionalLong;

/**
 * A LangChain4j {@link ChatModel} over a {@link LocalModel}: the request's tools go into the
 * model's chat template, and the tool calls it writes come back as tool execution requests.
 */
public final class LocalChatModel implements ChatModel {
    private final LocalModel model;
    private final OptionalLong seed;

    public LocalChatModel(LocalModel model, OptionalLong seed) {
        this.model = model;
        this.seed = seed;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        Generation generation = model.chat(
                LangChainMessages.messages(request),
                LangChainMessages.tools(request),
                OpenAiWire.options(request, seed));
        return LangChainMessages.response(generation, model.name());
    }
}
