-- PostgreSQL: the same columns as db/h2/treasury/V3 (BYTEA for VARBINARY).
-- x402 purchases are journaled in the same table as transfers: the signed EIP-3009 authorization
-- (the PAYMENT-SIGNATURE header) is committed before it is sent, and re-sent, never re-signed.
ALTER TABLE payments ADD COLUMN kind VARCHAR(10) DEFAULT 'TRANSFER' NOT NULL;
ALTER TABLE payments ADD COLUMN resource VARCHAR(2000);
ALTER TABLE payments ADD COLUMN x402_payment VARCHAR(16000);
ALTER TABLE payments ADD COLUMN auth_nonce VARCHAR(66);
ALTER TABLE payments ADD COLUMN valid_before BIGINT;
ALTER TABLE payments ADD COLUMN signed_at_block BIGINT;
ALTER TABLE payments ADD COLUMN response_status INT;
ALTER TABLE payments ADD COLUMN response_headers VARCHAR(16000);
ALTER TABLE payments ADD COLUMN response_body BYTEA;
ALTER TABLE payments ADD COLUMN dispute VARCHAR(2000);
CREATE UNIQUE INDEX payments_payer_auth_nonce ON payments (payer, auth_nonce);
