-- The payment journal: one row per payment intent, written before anything is signed.
CREATE TABLE payments (
    id               BIGINT AUTO_INCREMENT PRIMARY KEY,
    idempotency_key  VARCHAR(200)   NOT NULL,
    payer            VARCHAR(42)    NOT NULL,
    payee            VARCHAR(42)    NOT NULL,
    asset            VARCHAR(16)    NOT NULL,
    token            VARCHAR(42),
    decimals         INT            NOT NULL,
    amount           NUMERIC(78, 0) NOT NULL,
    purpose          VARCHAR(100)   NOT NULL,
    chain_id         BIGINT         NOT NULL,
    state            VARCHAR(20)    NOT NULL,
    reason           VARCHAR(1000),
    nonce            NUMERIC(78, 0),
    raw_tx           VARBINARY(131072),
    tx_hash          VARCHAR(66),
    block_number     BIGINT,
    gas_fee          NUMERIC(78, 0),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT payments_idempotency UNIQUE (idempotency_key)
);
CREATE INDEX payments_payer_state ON payments (payer, state);
CREATE UNIQUE INDEX payments_payer_nonce ON payments (payer, chain_id, nonce);

-- One row per wallet, locked while a nonce is taken: serialises signing across processes.
CREATE TABLE wallets (
    address          VARCHAR(42) PRIMARY KEY,
    spend_policy     VARCHAR(10000)
);

-- The double-entry ledger: every posting's legs sum to zero per asset.
CREATE TABLE ledger_entries (
    id               BIGINT AUTO_INCREMENT PRIMARY KEY,
    posting_id       BIGINT         NOT NULL,
    wallet           VARCHAR(42)    NOT NULL,
    account          VARCHAR(100)   NOT NULL,
    asset            VARCHAR(16)    NOT NULL,
    decimals         INT            NOT NULL,
    amount           NUMERIC(79, 0) NOT NULL,
    payment_id       BIGINT,
    tx_hash          VARCHAR(66),
    memo             VARCHAR(200),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ledger_wallet ON ledger_entries (wallet, account);
CREATE SEQUENCE ledger_postings;
-- A transaction's movements are booked once: one posting per (tx, kind).
CREATE TABLE booked_movements (
    tx_hash          VARCHAR(66)  NOT NULL,
    wallet           VARCHAR(42)  NOT NULL,
    kind             VARCHAR(40)  NOT NULL,
    posting_id       BIGINT       NOT NULL,
    PRIMARY KEY (tx_hash, wallet, kind)
);

-- Every spend-policy decision, with its reason.
CREATE TABLE policy_decisions (
    id               BIGINT AUTO_INCREMENT PRIMARY KEY,
    payment_id       BIGINT         NOT NULL,
    wallet           VARCHAR(42)    NOT NULL,
    decision         VARCHAR(20)    NOT NULL,
    reason           VARCHAR(1000)  NOT NULL,
    decided_by       VARCHAR(100)   NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
