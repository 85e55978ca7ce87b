package dev.cyberia.treasury;

/** The chain's JSON-RPC endpoint could not be reached, after retries. Nothing was sent. Retriable. */
public class RpcUnavailableException extends TreasuryException {
    private static final long serialVersionUID = 1L;

    public RpcUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean retriable() {
        return true;
    }
}
