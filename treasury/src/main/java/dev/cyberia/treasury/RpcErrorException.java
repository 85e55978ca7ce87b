package dev.cyberia.treasury;

/** The node answered with a JSON-RPC error (a revert, "nonce too low", an unknown method). */
public class RpcErrorException extends TreasuryException {
    private static final long serialVersionUID = 1L;
    private final int code;

    public RpcErrorException(String method, int code, String message) {
        super(method + " failed: " + message + " (code " + code + ")");
        this.code = code;
    }

    public int code() {
        return code;
    }
}
