package dev.cyberia.inference;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** A LangChain4j {@link ChatModel} that buys each answer from a miner over x402 through a {@link MinerClient}. */
public final class PaidMinerChatModel implements ChatModel {
    private final MinerClient client;
    private final String model;
    private volatile MinerClient.PaidAnswer last;

    public PaidMinerChatModel(MinerClient client, String model) {
        this.client = client;
        this.model = model;
    }

    /** The last answer bought, with its price, settlement transaction and receipt. */
    public MinerClient.PaidAnswer lastPurchase() {
        return last;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        List<Message> messages = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            if (m instanceof SystemMessage s) {
                messages.add(Message.system(s.text()));
            } else if (m instanceof UserMessage u && u.hasSingleText()) {
                messages.add(Message.user(u.singleText()));
            } else if (m instanceof AiMessage a && a.text() != null) {
                messages.add(new Message("assistant", a.text()));
            } else {
                throw new InferenceException(
                        "a paid miner takes system, user and assistant text messages, not " + m.type());
            }
        }
        GenerationOptions options = OpenAiWire.options(request, OptionalLong.empty());
        MinerClient.PaidAnswer answer = client.chat(model, messages, options);
        last = answer;
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(answer.text()))
                .modelName(model + "@" + answer.miner())
                .tokenUsage(new TokenUsage(answer.promptTokens(), answer.completionTokens()))
                .finishReason(FinishReason.STOP)
                .build();
    }
}
