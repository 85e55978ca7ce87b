package dev.cyberia.inference;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.OptionalLong;

/**
 * A LangChain4j {@link ChatModel} that buys one answer from a miner over x402 through a {@link MinerClient},
 * under one idempotency key (a re-run gets the same answer, never a second payment). Tools, tool
 * calls and tool results travel in OpenAI's shapes; the miner's model writes and reads them in its own format.
 */
public final class PaidMinerChatModel implements ChatModel {
    private final MinerClient client;
    private final String model;
    private final String idempotencyKey;
    private volatile MinerClient.PaidAnswer last;

    public PaidMinerChatModel(MinerClient client, String model, String idempotencyKey) {
        this.client = client;
        this.model = model;
        this.idempotencyKey = idempotencyKey;
    }

    /** The last answer bought, with its price, settlement transaction and receipt. */
    public MinerClient.PaidAnswer lastPurchase() {
        return last;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        MinerClient.PaidAnswer answer = client.chat(
                idempotencyKey,
                model,
                LangChainMessages.messages(request),
                LangChainMessages.tools(request),
                OpenAiWire.options(request, OptionalLong.empty()));
        last = answer;
        return LangChainMessages.response(
                new Generation(
                        answer.text(),
                        answer.toolCalls(),
                        answer.promptTokens(),
                        answer.completionTokens(),
                        answer.toolCalls().isEmpty()
                                ? Generation.FinishReason.END_OF_SEQUENCE
                                : Generation.FinishReason.TOOL_CALLS),
                model + "@" + answer.miner());
    }
}
