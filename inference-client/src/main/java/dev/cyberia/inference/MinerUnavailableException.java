package dev.cyberia.inference;

/** A miner that cannot be reached. Nothing was paid; another miner may serve. Retriable. */
public class MinerUnavailableException extends InferenceException {
    private static final long serialVersionUID = 1L;

    public MinerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean retriable() {
        return true;
    }
}
