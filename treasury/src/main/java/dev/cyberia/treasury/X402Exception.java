package dev.cyberia.treasury;

/**
 * An x402 message that cannot be used, with the protocol's error reason (e.g. {@code invalid_payload})
 * and the HTTP status the transport maps it to (400 malformed, 402 payment refused).
 */
public class X402Exception extends InvalidTreasuryInputException {
    private static final long serialVersionUID = 1L;
    private final String reason;
    private final int httpStatus;

    public X402Exception(String reason, int httpStatus, String message) {
        super(message);
        this.reason = reason;
        this.httpStatus = httpStatus;
    }

    public String reason() {
        return reason;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
