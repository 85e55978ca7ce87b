-- the spend policy sums a wallet's payments of the last 24 hours before every payment: read the
-- window by time, not every payment the wallet ever made
CREATE INDEX payments_payer_time ON payments (payer, created_at);
