-- x402 batch-settlement channels. A purchase over a channel is a payments row (kind X402) that names
-- its channel; its PAYMENT-SIGNATURE (voucher, and deposit when one rides along) is committed before
-- it is sent, exactly like an exact purchase.
ALTER TABLE payments ADD COLUMN channel_id VARCHAR(66);
CREATE INDEX payments_channel ON payments (channel_id);

-- The buyer's channels: what it deposited and what it has been charged, both confirmed; the highest
-- voucher it ever signed (what a seller could claim at most).
CREATE TABLE x402_channels_out (
    channel_id       VARCHAR(66)    PRIMARY KEY,
    payer            VARCHAR(42)    NOT NULL,
    receiver         VARCHAR(42)    NOT NULL,
    token            VARCHAR(42)    NOT NULL,
    config           VARCHAR(2000)  NOT NULL,
    deposited        NUMERIC(78, 0) NOT NULL,
    charged          NUMERIC(78, 0) NOT NULL,
    signed_max       NUMERIC(78, 0) NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX x402_channels_out_payer ON x402_channels_out (payer, receiver);

-- The seller's channels: the highest voucher it holds (claimable), what it has charged for answers
-- it gave, what the contract holds and has paid out as last known, and the request in progress
-- (its voucher journaled before anything is served).
CREATE TABLE x402_channels_in (
    channel_id        VARCHAR(66)    PRIMARY KEY,
    receiver          VARCHAR(42)    NOT NULL,
    token             VARCHAR(42)    NOT NULL,
    config            VARCHAR(2000)  NOT NULL,
    balance           NUMERIC(78, 0) NOT NULL,
    total_claimed     NUMERIC(78, 0) NOT NULL,
    charged           NUMERIC(78, 0) NOT NULL,
    signed_max        NUMERIC(78, 0) NOT NULL,
    signature         VARCHAR(132),
    pending_id        VARCHAR(64),
    pending_max       NUMERIC(78, 0),
    pending_signature VARCHAR(132),
    pending_until     TIMESTAMP WITH TIME ZONE,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX x402_channels_in_receiver ON x402_channels_in (receiver, token);

-- What the settlement contract has paid a receiver in a token, as far as its books know.
CREATE TABLE x402_settled (
    receiver         VARCHAR(42)    NOT NULL,
    token            VARCHAR(42)    NOT NULL,
    booked           NUMERIC(78, 0) NOT NULL,
    PRIMARY KEY (receiver, token)
);
